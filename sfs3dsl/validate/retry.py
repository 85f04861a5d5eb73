"""Retry and Catch: error names, States.ALL placement, retrier numbers, catcher fields.

Read for speed (see ``sfs3dsl.validate``): _quiet tells right lists apart with verdicts kept
per list of error names and per number; _report, which reports, runs only when something
may be wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.bounded import remember
from sfs3dsl.syntax.asl import ERROR_NAMES, JSONPATH
from sfs3dsl.validate.report import State, finds_anything
from sfs3dsl.validate.tables import CATCHER_FIELDS, JITTER_STRATEGIES, RETRIER_FIELDS
from sfs3dsl.validate.values import Limits, check_number, describe, number_limits, number_quiet

_RETRIER_NUMBERS: Final[dict[str, Limits]] = {
    "IntervalSeconds": number_limits(True, minimum=1, maximum=99_999_999),
    "MaxAttempts": number_limits(True, minimum=0, maximum=99_999_999),
    "BackoffRate": number_limits(False, minimum=1),
    "MaxDelaySeconds": number_limits(True, floor=0, maximum=31_622_400),
}


def check_retry_catch(state: State) -> None:
    """Check the Retry and Catch lists of a Task, Parallel or Map state."""
    if not _quiet(state):
        _report(state)


def _quiet(state: State) -> bool:
    """True when _report would find nothing: the common case, told apart cheaply.

    Each verdict comes from _report's own checks, run once per list of error names and once
    per retrier number (values.number_quiet), and kept; anything unusual answers False, and
    _report decides.
    """
    body, jsonata = state.body, state.jsonata
    for key, fields in (("Retry", RETRIER_FIELDS), ("Catch", CATCHER_FIELDS)):
        if key not in body:
            continue
        items = body[key]
        if type(items) is not list:
            return False
        last = len(items) - 1
        for i, item in enumerate(items):
            if type(item) is not dict or not fields.issuperset(item):
                return False
            names = item.get("ErrorEquals")
            if type(names) is not list or not _names_quiet(key, i == last, names):
                return False
            if key == "Retry":
                for name, limits in _RETRIER_NUMBERS.items():
                    if name in item and not number_quiet(name, item[name], limits):
                        return False
                if "JitterStrategy" in item and item["JitterStrategy"] not in JITTER_STRATEGIES:
                    return False
            elif type(item.get("Next")) is not str or ("ResultPath" if jsonata else "Output") \
                    in item:
                return False
    return True


_VERDICTS: dict[tuple[Any, ...], bool] = {}
_MAX_VERDICTS: Final = 1024


def _names_quiet(key: str, last: bool, names: list[Any]) -> bool:
    """Whether _error_equals finds nothing in these error names (kept per list)."""
    try:
        cache_key = (key, last, *names)
        verdict = _VERDICTS.get(cache_key)
    except TypeError:  # an unhashable name: not a string, so something to report
        return False
    if verdict is None:
        item = {"ErrorEquals": names}
        verdict = not finds_anything(lambda s: _error_equals(s, key, 0, item, last=last), item,
                                     JSONPATH)
        remember(_VERDICTS, cache_key, verdict, _MAX_VERDICTS)
    return verdict


def _report(state: State) -> None:
    for key, noun, fields in (("Retry", "retrier", RETRIER_FIELDS),
                              ("Catch", "catcher", CATCHER_FIELDS)):
        if key not in state.body or state.type not in ("Task", "Parallel", "Map"):
            continue
        items = state.body[key]
        if not isinstance(items, list):
            state.problem("wrong-type", key, f'field "{key}" must be an array of {noun}s, '
                          f"not {describe(items)}", f'write "{key}": [{{"ErrorEquals": ...}}]')
            continue
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            if type(item) is not dict and not isinstance(item, Mapping):
                state.problem("wrong-type", where, f"a {noun} must be an object, not "
                              f"{describe(item)}", 'write {"ErrorEquals": [...], ...}')
                continue
            for name in item if not fields.issuperset(item) else ():
                if name not in fields:
                    state.problem("unknown-field", f"{where}.{name}",
                                  f'unknown field "{name}" in a {noun}',
                                  f"remove it; a {noun} allows "
                                  + ", ".join(f'"{f}"' for f in sorted(fields)))
            _error_equals(state, key, i, item, last=i == len(items) - 1)
            if key == "Retry":
                _retrier(state, where, item)
            else:
                _catcher(state, where, item)


def _error_equals(state: State, key: str, i: int, item: Mapping[str, Any], *,
                  last: bool) -> None:
    where = f"{key}[{i}].ErrorEquals"
    names = item.get("ErrorEquals")
    if "ErrorEquals" not in item:
        state.problem("missing-field", where, f'{key}[{i}] needs an "ErrorEquals" field',
                      'add "ErrorEquals": ["States.ALL"] or the error names to match')
        return
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        state.problem("wrong-type", where,
                      f'"ErrorEquals" must be an array of strings, not {describe(names)}',
                      'write "ErrorEquals": ["States.Timeout", ...]')
        return
    if not names:
        state.problem("empty-error-equals", where,
                      '"ErrorEquals" is empty, non-empty required',
                      'name at least one error, e.g. ["States.ALL"]')
        return
    if "States.ALL" in names and len(names) > 1:
        state.problem("states-all-not-alone", where,
                      '"States.ALL" must be the only error name in its "ErrorEquals"',
                      'remove the other names, or move "States.ALL" to its own last entry')
    if "States.ALL" in names and not last:
        noun = "retrier" if key == "Retry" else "catcher"
        state.problem("states-all-not-last", where,
                      f'a {noun} with "States.ALL" must be the last one in "{key}"',
                      f'move this {noun} to the end of "{key}"')
    for j, name in enumerate(names):
        if name.startswith("States.") and name not in ERROR_NAMES:
            # A warning: the service accepts the definition (deployed samples use such
            # names), but Step Functions itself never raises an unknown States.* error.
            state.problem("unknown-error-name", f"{where}[{j}]",
                          f'"{name}" is not a predefined error name, so Step Functions never '
                          "raises it", "use one of " + ", ".join(sorted(ERROR_NAMES))
                          + ", or a name without the reserved States. prefix",
                          severity="warning")


def _retrier(state: State, where: str, item: Mapping[str, Any]) -> None:
    for name, limits in _RETRIER_NUMBERS.items():
        if name in item:
            for code, message, hint in check_number(name, item[name], **dict(limits)):
                state.problem(code, f"{where}.{name}", message, hint)
    if "JitterStrategy" in item and item["JitterStrategy"] not in JITTER_STRATEGIES:
        allowed = ", ".join(f'"{s}"' for s in JITTER_STRATEGIES)
        state.problem("bad-value", f"{where}.JitterStrategy",
                      f'"JitterStrategy" {describe(item["JitterStrategy"])} is not one of the '
                      f"allowed values [{allowed}]", 'write "FULL" or "NONE"')


def _catcher(state: State, where: str, item: Mapping[str, Any]) -> None:
    target = item.get("Next")
    if not isinstance(target, str):
        state.problem("missing-field" if target is None else "wrong-type", f"{where}.Next",
                      'a catcher needs "Next" naming the state to go to',
                      'add "Next": "<state>"')
    if state.jsonata and "ResultPath" in item:
        state.problem("wrong-query-language", f"{where}.ResultPath",
                      'field "ResultPath" is JSONPath-only, but this state uses JSONata',
                      'use "Output" or "Assign" with {% $states.errorOutput %}')
    if not state.jsonata and "Output" in item:
        state.problem("wrong-query-language", f"{where}.Output",
                      'field "Output" is JSONata-only, but this state uses JSONPath',
                      'use "ResultPath" or set "QueryLanguage": "JSONata"')
