"""JSONPath in a JSONPath state: path fields, reference paths, payload templates.

A payload template (Parameters, ResultSelector, ItemSelector, Assign, ...) is a JSON value
whose object keys ending in ``.$`` hold a JSONPath or an intrinsic function call; every other
value is a literal.

Read for speed (see ``sfs3dsl.validate``): path_fields_check and templates_check make, per
shape of state, a check that knows which fields to read and tells a right state quickly
(verdicts kept per text); check_path_fields and check_templates, which report, run only when
a value is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any, Final

from sfs3dsl.syntax.asl import looks_intrinsic
from sfs3dsl.syntax.jsonpath import JsonPathError, parse_path, parse_reference_path
from sfs3dsl.validate.report import State
from sfs3dsl.validate.values import describe

Check = Callable[[State], None]

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
_RESULT_PATH: Final = PATH_FIELDS["ResultPath"]
#: Fields holding payload templates, per state type.
TEMPLATE_FIELDS: Final = ("Parameters", "ResultSelector", "ItemSelector", "Assign")
NESTED_TEMPLATES: Final = (("ItemReader", "Parameters"), ("ItemBatcher", "BatchInput"),
                           ("ResultWriter", "Parameters"))
_TEMPLATE_SET: Final = frozenset(TEMPLATE_FIELDS)
#: JSON values that hold nothing: iter_dynamic does not visit them.
_LEAVES: Final = frozenset({str, int, float, bool, type(None)})


def path_error(value: Any, *, nullable: bool, reference: bool, intrinsic: bool,
               input_root: bool) -> str | None:
    """Why ``value`` is not acceptable in a path field, or None when it is."""
    if type(value) is str:
        return _string_path_error(value, (nullable, reference, intrinsic, input_root))
    return _path_error(value, nullable=nullable, reference=reference, intrinsic=intrinsic,
                       input_root=input_root)


@functools.lru_cache(maxsize=4096)
def _string_path_error(value: str, flags: tuple[bool, bool, bool, bool]) -> str | None:
    # Cached: a definition repeats the same few paths in many states (see template_error).
    nullable, reference, intrinsic, input_root = flags
    return _path_error(value, nullable=nullable, reference=reference, intrinsic=intrinsic,
                       input_root=input_root)


def _path_error(value: Any, *, nullable: bool, reference: bool, intrinsic: bool,
                input_root: bool) -> str | None:
    if value is None:
        return None if nullable else "must be a JSONPath, not null"
    if not isinstance(value, str):
        return f"must be a JSONPath string, not {describe(value)}"
    if looks_intrinsic(value):
        if not intrinsic:
            return "is not a valid JSONPath: intrinsic functions are not allowed here"
        from sfs3dsl.syntax.intrinsics import IntrinsicSyntaxError, parse_intrinsic

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


def path_fields_check(keys: tuple[Hashable, ...]) -> Check | None:
    """check_path_fields for JSONPath states with these fields (None: nothing to check).

    Made once per shape of state (see ``sfs3dsl.validate``): it knows which path fields
    there are, checks their values with the cached verdicts, and runs check_path_fields, which
    reports, only when one is wrong.
    """
    fields = tuple((name, PATH_FIELDS[name]) for name in keys
                   if isinstance(name, str) and name in PATH_FIELDS)
    catch = "Catch" in keys
    if not fields and not catch:
        return None

    def check(state: State) -> None:
        body = state.body
        for name, flags in fields:
            value = body[name]
            if (type(value) is not str or _string_path_error(value, flags) is not None) \
                    and not (value is None and flags[0]):  # flags[0]: the field may be null
                check_path_fields(state)
                return
        catches = body["Catch"] if catch else None
        for catcher in catches if isinstance(catches, list) else ():
            if type(catcher) is not dict:
                if isinstance(catcher, Mapping):
                    check_path_fields(state)
                    return
                continue
            value = catcher.get("ResultPath")
            if value is not None and (type(value) is not str
                                      or _string_path_error(value, _RESULT_PATH) is not None):
                check_path_fields(state)
                return

    return check


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


def templates_check(keys: tuple[Hashable, ...]) -> Check | None:
    """check_templates for JSONPath states with these fields (None: nothing to check).

    Made once per shape of state, like path_fields_check: it knows where the templates are,
    and runs check_templates, which reports, only when one is wrong.
    """
    fields = tuple(key for key in keys if isinstance(key, str) and key in _TEMPLATE_SET)
    nested = tuple((outer, inner) for outer, inner in NESTED_TEMPLATES if outer in keys)
    lists = tuple(key for key in ("Choices", "Catch") if key in keys)
    if not (fields or nested or lists):
        return None

    def check(state: State) -> None:
        body = state.body
        for field in fields:
            if not _clean(body[field]):
                check_templates(state)
                return
        for outer, inner in nested:
            holder = body[outer]
            if (type(holder) is dict or isinstance(holder, Mapping)) and inner in holder \
                    and not _clean(holder[inner]):
                check_templates(state)
                return
        for key in lists:
            items = body[key]
            for item in items if isinstance(items, list) else ():
                if (type(item) is dict or isinstance(item, Mapping)) and "Assign" in item \
                        and not _clean(item["Assign"]):
                    check_templates(state)
                    return

    return check


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
                    if (_string_template_error(child) if type(child) is str
                            else template_error(child)) is not None:
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
        from sfs3dsl.syntax.intrinsics import IntrinsicSyntaxError, parse_intrinsic

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
