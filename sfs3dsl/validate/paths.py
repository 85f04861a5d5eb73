"""JSONPath in a JSONPath state: path fields, reference paths, payload templates.

A payload template (Parameters, ResultSelector, ItemSelector, Assign, ...) is a JSON value
whose object keys ending in ``.$`` hold a JSONPath or an intrinsic function call; every other
value is a literal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any, Final

from sfs3dsl.syntax.intrinsics import IntrinsicSyntaxError, looks_intrinsic, parse_intrinsic
from sfs3dsl.syntax.jsonpath import JsonPathError, parse_path, parse_reference_path
from sfs3dsl.validate.report import State
from sfs3dsl.validate.values import describe

#: field -> (nullable, reference path only, intrinsic allowed, must start at "$")
PATH_FIELDS: Final[dict[str, tuple[bool, bool, bool, bool]]] = {
    "InputPath": (True, False, False, False),
    "OutputPath": (True, False, False, False),
    "ResultPath": (True, True, False, True),
    "ItemsPath": (False, True, False, False),
    "SecondsPath": (False, True, False, False),
    "TimestampPath": (False, True, False, False),
    "TimeoutSecondsPath": (False, True, False, False),
    "HeartbeatSecondsPath": (False, True, False, False),
    "MaxConcurrencyPath": (False, True, False, False),
    "ToleratedFailurePercentagePath": (False, True, False, False),
    "ToleratedFailureCountPath": (False, True, False, False),
    "ErrorPath": (False, False, True, False),
    "CausePath": (False, False, True, False),
}
#: Fields holding payload templates, per state type.
TEMPLATE_FIELDS: Final = ("Parameters", "ResultSelector", "ItemSelector", "Assign")
NESTED_TEMPLATES: Final = (("ItemReader", "Parameters"), ("ItemBatcher", "BatchInput"),
                           ("ResultWriter", "Parameters"))
_TEMPLATE_SET: Final = frozenset(TEMPLATE_FIELDS)
#: JSON values that hold nothing: iter_dynamic does not visit them.
_LEAVES: Final = frozenset({str, int, float, bool, type(None)})
#: Every field check_path_fields reads: a state with none of them has nothing to check.
PATH_TRIGGERS: Final = frozenset({*PATH_FIELDS, "Catch"})
#: Every field check_templates reads (the templates and what holds them).
TEMPLATE_TRIGGERS: Final = frozenset({*TEMPLATE_FIELDS, *(outer for outer, _ in NESTED_TEMPLATES),
                                      "Choices", "Catch"})


def path_error(value: Any, *, nullable: bool, reference: bool, intrinsic: bool,
               input_root: bool) -> str | None:
    """Why ``value`` is not acceptable in a path field, or None when it is."""
    if value is None:
        return None if nullable else "must be a JSONPath, not null"
    if not isinstance(value, str):
        return f"must be a JSONPath string, not {describe(value)}"
    if looks_intrinsic(value):
        if not intrinsic:
            return "is not a valid JSONPath: intrinsic functions are not allowed here"
        try:
            parse_intrinsic(value)
        except IntrinsicSyntaxError as exc:
            return f"is not a valid intrinsic function call: {exc}"
        return None
    try:
        path = parse_reference_path(value) if reference else parse_path(value)
    except JsonPathError as exc:
        noun = "reference path" if reference else "JSONPath"
        return f"is not a valid {noun}: {exc}"
    if input_root and path.root != "$":
        return "must start with '$' (the state's input), not the context object or a variable"
    return None


def check_path_fields(state: State) -> None:
    """Check every ``*Path`` field of a JSONPath state (JSONata states forbid them)."""
    if state.jsonata:
        return
    for name in [k for k in state.body if k in PATH_FIELDS]:  # a state has few fields
        nullable, reference, intrinsic, input_root = PATH_FIELDS[name]
        why = path_error(state.body[name], nullable=nullable, reference=reference,
                         intrinsic=intrinsic, input_root=input_root)
        if why:
            state.problem("bad-path", name, f'field "{name}" {why}', _path_hint(name))
    catches = state.body.get("Catch")
    for i, catcher in enumerate(catches if isinstance(catches, list) else []):
        if isinstance(catcher, Mapping) and "ResultPath" in catcher:
            why = path_error(catcher["ResultPath"], nullable=True, reference=True,
                             intrinsic=False, input_root=True)
            if why:
                state.problem("bad-path", f"Catch[{i}].ResultPath",
                              f'field "ResultPath" {why}', _path_hint("ResultPath"))


def _path_hint(name: str) -> str:
    if name == "ResultPath":
        return 'write a reference path such as "$.result" (names and [index] only) or null'
    if name in ("ErrorPath", "CausePath"):
        return 'write a JSONPath such as "$.error" or an intrinsic such as States.Format(...)'
    return 'write a JSONPath such as "$.items"'


def check_templates(state: State) -> None:
    """Check every ``.$`` key of the payload templates of a JSONPath state."""
    if state.jsonata:
        return
    for field, value in _templates(state):
        if not _clean(value):
            _report_template(state, field, value)


def _clean(value: Any) -> bool:
    """True when no ``.$`` value of a template is wrong: what iter_dynamic visits, visited
    without making the path of each key (made only when a problem is reported)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict or isinstance(node, Mapping):
            for key, child in node.items():
                if isinstance(key, str) and key.endswith(".$"):
                    if template_error(child) is not None:
                        return False
                elif type(child) not in _LEAVES:
                    stack.append(child)
        elif isinstance(node, list):
            stack.extend(child for child in node if type(child) not in _LEAVES)
    return True


def _report_template(state: State, field: str, value: Any) -> None:
    for suffix, key, text in iter_dynamic(value):
        why = template_error(text)
        if why:
            state.problem("bad-template-path", f"{field}.{suffix}",
                          f'field "{key}" of {field} is not a JSONPath or intrinsic '
                          f"function expression: {why}",
                          "make the value a JSONPath ($..., $$..., $var) or a States.* "
                          'call, or drop ".$" from the key to pass a literal')


def _templates(state: State) -> list[tuple[str, Any]]:
    body = state.body
    found = [(k, body[k]) for k in body if k in _TEMPLATE_SET]  # a state has few fields
    for outer, inner in NESTED_TEMPLATES:
        if outer not in body:
            continue
        holder = body[outer]
        # type() first: isinstance on the Mapping ABC is slow.
        if (type(holder) is dict or isinstance(holder, Mapping)) and inner in holder:
            found.append((f"{outer}.{inner}", holder[inner]))
    for key in ("Choices", "Catch"):
        items = body.get(key) if key in body else None
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if (type(item) is dict or isinstance(item, Mapping)) and "Assign" in item:
                found.append((f"{key}[{i}].Assign", item["Assign"]))
    return found


def iter_dynamic(value: Any) -> Iterator[tuple[str, str, Any]]:
    """Yield ``(path suffix, key, value)`` for every ``.$`` key in a template, iteratively."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        prefix, node = stack.pop()
        if type(node) is dict or isinstance(node, Mapping):
            for key, child in node.items():
                if isinstance(key, str) and key.endswith(".$"):
                    yield (f"{prefix}.{key}" if prefix else str(key)), key, child
                elif type(child) not in _LEAVES:  # only containers can hold ".$" keys
                    stack.append((f"{prefix}.{key}" if prefix else str(key), child))
        elif isinstance(node, list):
            stack.extend((f"{prefix}[{i}]", child) for i, child in enumerate(node)
                         if type(child) not in _LEAVES)


def template_error(value: Any) -> str | None:
    """Why a ``.$`` value is neither a JSONPath nor an intrinsic call, or None."""
    if type(value) is str:
        return _string_template_error(value)
    if not isinstance(value, str):
        return f"it is {describe(value)}, not a string"
    return _string_template_error.__wrapped__(value)


@functools.lru_cache(maxsize=4096)
def _string_template_error(value: str) -> str | None:
    # Cached: a definition repeats the same few paths and intrinsic calls in many states,
    # and the parsers' own caches still cost a wrapper call and a try per value.
    if looks_intrinsic(value):
        try:
            parse_intrinsic(value)
        except IntrinsicSyntaxError as exc:
            return str(exc)
        return None
    try:
        parse_path(value)
    except JsonPathError as exc:
        return str(exc)
    return None
