"""Which fields a state has: unknown ones, ones its type or query language forbids,
required ones, mutually exclusive pairs, and Next/End.

For speed (see ``sfs3dsl.validate``), field_checks chooses once per shape of state which of
these checks can report anything; those that read only field names are tried on the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Final

from sfs3dsl.syntax.asl import JSONATA, JSONPATH, QUERY_LANGUAGES, STATE_TYPES
from sfs3dsl.validate.report import State, finds_anything
from sfs3dsl.validate.tables import (
    ALL_STATE_FIELDS,
    BY_TYPE,
    EXCLUSIVE_PAIRS,
    FLOW_TYPES,
    JSONATA_ONLY,
    JSONPATH_ONLY,
)
from sfs3dsl.validate.values import describe

Check = Callable[[State], None]

_REQUIRED = {"Task": "Resource", "Choice": "Choices", "Parallel": "Branches"}
_WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")

# Precomputed per type, so that a state with nothing to report costs a set comparison
# instead of a loop over its fields or over every exclusive pair.
#: The fields that _field_names accepts silently, per type: [JSONPath state, JSONata state].
_CLEAN: Final = tuple({kind: allowed - (JSONATA_ONLY, JSONPATH_ONLY)[jsonata]
                       for kind, allowed in BY_TYPE.items()} for jsonata in (False, True))
#: The exclusive pairs a type allows both fields of (the only pairs _exclusive can report).
_PAIRS: Final = {kind: tuple((first, second) for first, second in EXCLUSIVE_PAIRS
                             if first in allowed and second in allowed)
                 for kind, allowed in BY_TYPE.items()}
#: The types _exclusive or _required can report about.
_SHAPED: Final = frozenset({*(kind for kind, pairs in _PAIRS.items() if pairs), "Wait", "Map",
                            *_REQUIRED})


def check_type(state: State) -> bool:
    """Report a missing or unknown Type; True when the type is known."""
    value = state.body.get("Type")
    if value in STATE_TYPES:
        return True
    if value is None:
        state.problem("missing-type", "Type", 'the state has no "Type" field',
                      f"add \"Type\": one of {_listing(STATE_TYPES)}")
    else:
        state.problem("bad-state-type", "Type",
                      f'"Type" {describe(value)} is not one of the allowed values '
                      f"{_listing(STATE_TYPES)}", "use one of the eight state types")
    return False


def check_fields(state: State) -> None:
    """Every check of this module for a state whose Type is known."""
    for check in field_checks(state.type, state.jsonata, tuple(state.body)):
        check(state)


def field_checks(kind: str, jsonata: bool, keys: tuple[Hashable, ...]) -> list[Check]:
    """The checks of this module that may report something about a state of a known type
    with these fields, in the order check_fields runs them.

    Worked out once per shape of state (see ``sfs3dsl.validate``): the checks that read only
    which fields there are (unknown or forbidden fields, exclusive pairs, required fields)
    are tried here on the shape and left out when they find nothing.
    """
    checks: list[Check] = []
    if "QueryLanguage" in keys:
        checks.append(_query_language)
    if not _CLEAN[jsonata][kind].issuperset(keys):
        checks.append(_field_names)
    if kind in _SHAPED and _finds(_shape, kind, jsonata, keys):
        checks.append(_shape)
    if kind in FLOW_TYPES or "End" in keys or "Next" in keys:
        checks.append(_next_end)
    if "Comment" in keys:
        checks.append(_comment)
    return checks


def _finds(check: Check, kind: str, jsonata: bool, keys: tuple[Hashable, ...]) -> bool:
    """Whether a check that reads only the type and the names of the fields reports
    anything about a state of this shape."""
    body: dict[Any, Any] = dict.fromkeys(keys)
    body["Type"] = kind
    return finds_anything(check, body, JSONATA if jsonata else JSONPATH)


def _shape(state: State) -> None:
    _exclusive(state)
    _required(state)


def _comment(state: State) -> None:
    comment = state.body.get("Comment")
    if not isinstance(comment, str):
        state.problem("wrong-type", "Comment",
                      f'field "Comment" must be a string, not {describe(comment)}',
                      "write the comment as a string")


def _listing(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _query_language(state: State) -> None:
    value = state.body.get("QueryLanguage")
    if value is None:
        return
    if value not in QUERY_LANGUAGES:
        state.problem("bad-value", "QueryLanguage",
                      f'"QueryLanguage" {describe(value)} is not one of the allowed values '
                      f"{_listing(QUERY_LANGUAGES)}", f'write "{JSONPATH}" or "{JSONATA}"')
    elif value == JSONPATH and state.machine.language == JSONATA:
        # Developer guide, "State machine structure": a top-level JSONata machine cannot be
        # reverted to a mix of JSONata and JSONPath states.
        state.problem("query-language-downgrade", "QueryLanguage",
                      "a state cannot use JSONPath when its state machine uses JSONata",
                      'remove "QueryLanguage" from the state, or set the machine to JSONPath '
                      "and opt single states into JSONata")


def _field_names(state: State) -> None:
    allowed = BY_TYPE[state.type]
    for key in state.body:
        if key not in ALL_STATE_FIELDS:
            state.problem("unknown-field", key,
                          f'unknown field "{key}" in a {state.type} state',
                          f"remove it or fix its spelling; a {state.type} state allows "
                          f"{_listing(sorted(allowed))}")
        elif key not in allowed:
            state.problem("field-not-allowed", key,
                          f'field "{key}" is not allowed in a {state.type} state',
                          f'remove "{key}"')
        elif state.jsonata and key in JSONPATH_ONLY:
            state.problem("wrong-query-language", key,
                          f'field "{key}" is JSONPath-only, but this state uses JSONata',
                          _jsonata_hint(key))
        elif not state.jsonata and key in JSONATA_ONLY:
            state.problem("wrong-query-language", key,
                          f'field "{key}" is JSONata-only, but this state uses JSONPath',
                          f'set "QueryLanguage": "JSONata" on the state, or use '
                          f"{_jsonpath_equivalent(key)}")


def _jsonata_hint(key: str) -> str:
    if key in ("Parameters", "ResultSelector", "Result"):
        return 'use "Arguments" or "Output" with {% %} expressions'
    if key in ("InputPath", "OutputPath", "ResultPath"):
        return 'use "Output" (or "Assign") with a {% %} expression'
    if key.endswith("Path"):
        return f'use "{key[:-4]}" with a {{% %}} expression'
    return 'use "ItemProcessor"'


def _jsonpath_equivalent(key: str) -> str:
    return {"Arguments": '"Parameters"', "Output": '"OutputPath" or "ResultSelector"',
            "Items": '"ItemsPath"'}[key]


def _exclusive(state: State) -> None:
    body = state.body
    for first, second in _PAIRS[state.type]:
        if first in body and second in body:
            state.problem("mutually-exclusive", second,
                          f"a {state.type} state may have only one of "
                          f'["{first}", "{second}"]', f'remove "{first}" or "{second}"')
    if state.type == "Wait":
        present = [f for f in _WAIT_FIELDS if f in state.body]
        if len(present) != 1:
            state.problem("wait-duration", "",
                          "a Wait state needs exactly one of "
                          f"{_listing(_WAIT_FIELDS)}, found {len(present)}",
                          'keep exactly one, e.g. "Seconds": 10')


def _required(state: State) -> None:
    needed = _REQUIRED.get(state.type)
    if needed and needed not in state.body:
        state.problem("missing-field", needed,
                      f'a {state.type} state needs a "{needed}" field',
                      f'add "{needed}"')
    if state.type == "Map" and not ({"ItemProcessor", "Iterator"} & state.body.keys()):
        state.problem("missing-field", "ItemProcessor",
                      'a Map state needs an "ItemProcessor" field',
                      'add "ItemProcessor": {"StartAt": ..., "States": {...}}')


def _next_end(state: State) -> None:
    body = state.body
    end, has_next = body.get("End"), "Next" in body
    if "End" in body and not isinstance(end, bool):
        state.problem("wrong-type", "End", f'field "End" must be true, not {describe(end)}',
                      'write "End": true')
    if has_next and not isinstance(body["Next"], str):
        state.problem("wrong-type", "Next",
                      f'field "Next" must be a state name, not {describe(body["Next"])}',
                      "name the next state as a string")
    if state.type not in FLOW_TYPES:
        return
    if has_next and end is True:
        state.problem("next-and-end", "End", 'a state may have only one of ["Next", "End"]',
                      'remove "End" or "Next"')
    elif not has_next and end is not True:
        state.problem("missing-next-or-end", "",
                      f'a {state.type} state needs "Next" or "End": true',
                      'add "Next": "<state>" or "End": true')
