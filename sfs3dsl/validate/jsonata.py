"""JSONata expressions (``{% ... %}``) in JSONata states, parsed with jsonata-python.

jsonata is imported only when a JSONata string is found, so importing the validator stays
cheap; each distinct expression is parsed once. For speed (see ``sfs3dsl.validate``), the
expressions of a state are first told well-formed without making their paths (_quiet);
_report, which makes them, runs only when one is not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from sfs3dsl.validate.report import State

#: Fields that hold nested machines or names, never expressions.
_SKIP: Final = frozenset({"Branches", "ItemProcessor", "Iterator", "Comment", "Type",
                          "QueryLanguage", "Next", "Default", "End", "Resource"})


@functools.lru_cache(maxsize=2048)
def jsonata_error(expression: str) -> str | None:
    """The syntax error in a JSONata expression (without ``{% %}``), or None."""
    from jsonata import Jsonata  # lazy: only definitions that use JSONata pay for it

    if not expression.strip():
        return "the expression is empty"
    try:
        Jsonata(expression)
    except Exception as exc:  # jsonata-python raises JException, a RuntimeError
        location = getattr(exc, "location", None)
        at = f" (at position {location})" if isinstance(location, int) else ""
        return f"{exc}{at}"
    return None


def _strings(body: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    stack: list[tuple[str, Any]] = [(str(k), v) for k, v in body.items() if k not in _SKIP]
    while stack:
        path, node = stack.pop()
        kind = type(node)  # exact types first: isinstance on the Mapping ABC is slow
        if kind is str:
            if node.startswith("{%"):
                yield path, node
        elif kind is dict or (kind is not list and isinstance(node, Mapping)):
            stack.extend((f"{path}.{k}", v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(node))
        elif isinstance(node, str) and node.startswith("{%"):
            yield path, node


def check_jsonata(state: State) -> None:
    """Check every ``{% ... %}`` string of a JSONata state."""
    if state.jsonata and not _quiet([v for k, v in state.body.items() if k not in _SKIP]):
        _report(state)


def jsonata_check(keys: tuple[Any, ...]) -> Callable[[State], None] | None:
    """check_jsonata for JSONata states with these fields (None: none can hold an
    expression), made once per shape of state (see ``sfs3dsl.validate``)."""
    fields = tuple(key for key in keys if key not in _SKIP)
    if not fields:
        return None

    def check(state: State) -> None:
        body = state.body
        if not _quiet([body[key] for key in fields]):
            _report(state)

    return check


def _quiet(stack: list[Any]) -> bool:
    """True when _report would find nothing in these field values: every expression is
    well-formed. Visits what _strings visits without making a path for each value (made
    only when reporting); anything but plain JSON values answers False, and _report
    decides."""
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is str:
            if node.startswith("{%") and not _well_formed(node):
                return False
        elif kind is dict:
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind not in _SCALARS:
            return False
    return True


_SCALARS: Final = frozenset({int, float, bool, type(None)})


@functools.lru_cache(maxsize=2048)
def _well_formed(text: str) -> bool:
    """A whole ``{% ... %}`` value that _report accepts."""
    return text.endswith("%}") and len(text) >= 4 and jsonata_error(text[2:-2]) is None


def _report(state: State) -> None:
    for path, text in sorted(_strings(state.body)):
        if not text.endswith("%}") or len(text) < 4:
            state.problem("bad-jsonata", path,
                          f'field "{path}" starts a JSONata expression with "{{%" but does not '
                          'end it with "%}"', 'write the whole value as "{% expression %}"')
            continue
        why = jsonata_error(text[2:-2])
        if why:
            state.problem("bad-jsonata", path,
                          f'field "{path}" has a malformed JSONata expression: {why}',
                          "fix the expression; try it at try.jsonata.org")
