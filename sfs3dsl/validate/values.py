"""Types and ranges of scalar fields: timeouts, Wait seconds, Map limits, Retry numbers.

For speed (see ``sfs3dsl.validate``), whether a number is right is kept per field, limits,
type and value (number_quiet); the checks that report run only for the others.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sfs3dsl.core.bounded import remember
from sfs3dsl.syntax.asl import MAX_WAIT_SECONDS
from sfs3dsl.validate.report import State

Finding = tuple[str, str, str]  # code, message, hint

#: RFC 3339 date-time as Step Functions accepts it (``Z`` or an offset, optional fraction).
TIMESTAMP: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})\Z")
_LIMIT: Final = 99_999_999
#: Every field check_state_values reads: a state with none of them has nothing to check.
VALUE_FIELDS: Final = frozenset({"TimeoutSeconds", "HeartbeatSeconds", "Seconds", "Timestamp",
                                 "MaxConcurrency", "ToleratedFailurePercentage",
                                 "ToleratedFailureCount", "Error", "Cause"})


def is_jsonata(value: Any) -> bool:
    """A JSONata expression string: the whole value is ``{% ... %}``."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    names = {dict: "object", list: "array", str: "string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def check_number(name: str, value: Any, *, integer: bool, minimum: float | None = None,
                 floor: float | None = None, maximum: float | None = None) -> list[Finding]:
    """Check a number: its type, an inclusive ``minimum``, an exclusive ``floor``, a maximum."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if integer and not (is_number and isinstance(value, int)):
        return [("wrong-type", f'field "{name}" must be an integer, not {describe(value)}',
                 f'write "{name}" as a whole number')]
    if not is_number:
        return [("wrong-type", f'field "{name}" must be a number, not {describe(value)}',
                 f'write "{name}" as a number')]
    if value - value != 0:  # NaN or Infinity (x - x is 0 for every finite number)
        return [("not-json", f'field "{name}" is {value!r}, which JSON has no number for',
                 f'write "{name}" as a finite number')]
    # the value is shown only in a finding: a valid number (nearly all) is not formatted
    if minimum is not None and value < minimum:
        return [("out-of-range", f'field "{name}" is {_show(value)}, but the allowed minimum '
                 f"is {_show(minimum)}", f'set "{name}" to {_show(minimum)} or more')]
    if floor is not None and value <= floor:
        return [("out-of-range", f'field "{name}" is {_show(value)}, but it must be greater '
                 f"than {_show(floor)} (the allowed floor is {_show(floor)})",
                 f'set "{name}" above {_show(floor)}')]
    if maximum is not None and value > maximum:
        return [("out-of-range", f'field "{name}" is {_show(value)}, but the allowed maximum '
                 f"is {_show(maximum)}", f'set "{name}" to {_show(maximum)} or less')]
    return []


def describe(value: Any) -> str:
    """``string "abc"``, ``number 1.5``, ``object``: a value's type and, if short, itself."""
    shown = _show(value)
    return f"{kind(value)} {shown}" if shown else kind(value)


def check_positive_int(name: str, value: Any) -> list[Finding]:
    return check_number(name, value, integer=True, minimum=1, maximum=_LIMIT)


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f'"{value}"' if len(value) < 60 else f'"{value[:57]}..."'
    if isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _report(state: State, name: str, findings: list[Finding]) -> None:
    for code, message, hint in findings:
        state.problem(code, name, message, hint)


def _number_field(state: State, name: str, **limits: Any) -> None:
    """Check ``name`` if present; JSONata states may compute it with ``{% %}``."""
    if name not in state.body:
        return
    value = state.body[name]
    if is_jsonata(value):
        if not state.jsonata:
            state.problem("wrong-query-language", name,
                          f'field "{name}" holds a JSONata expression, but this state uses '
                          "JSONPath", f'set "QueryLanguage": "JSONata", or use "{name}Path"')
        return
    _report(state, name, check_number(name, value, **limits))


Limits = tuple[tuple[str, Any], ...]  # check_number's keyword arguments, as a hashable key
_VERDICTS: dict[tuple[Any, ...], bool] = {}
_MAX_VERDICTS: Final = 1024


def number_quiet(name: str, value: Any, limits: Limits) -> bool:
    """Whether ``check_number(name, value, **dict(limits))`` finds nothing (so ``value`` is a
    number, not a ``{% %}`` expression): worked out once per field, limits, type and value
    (``1``, ``1.0`` and ``true`` are equal keys in a dict, not equal numbers here)."""
    try:
        key = (name, limits, type(value), value)
        verdict = _VERDICTS.get(key)
    except TypeError:  # an array or object: not a number
        return False
    if verdict is None:
        verdict = remember(_VERDICTS, key, not check_number(name, value, **dict(limits)),
                           _MAX_VERDICTS)
    return verdict


def number_limits(integer: bool, **bounds: float) -> Limits:
    """check_number's keyword arguments as a Limits key."""
    return (("integer", integer), *sorted(bounds.items()))


#: The number fields of each state type, with their limits, in the order they are checked.
_NUMBERS: Final[dict[str, tuple[tuple[str, Limits], ...]]] = {
    "Task": (("TimeoutSeconds", number_limits(True, minimum=1, maximum=_LIMIT)),
             ("HeartbeatSeconds", number_limits(True, minimum=1, maximum=_LIMIT))),
    "Wait": (("Seconds", number_limits(True, minimum=0, maximum=MAX_WAIT_SECONDS)),),
    "Map": (("MaxConcurrency", number_limits(True, minimum=0)),
            ("ToleratedFailurePercentage", number_limits(False, minimum=0, maximum=100)),
            ("ToleratedFailureCount", number_limits(True, minimum=0))),
}


def check_state_values(state: State) -> None:
    """Scalar fields of every state type (only those the type allows; others are reported
    as fields not allowed)."""
    kind_ = state.type
    body = state.body
    for name, limits in _NUMBERS.get(kind_, ()):
        # number_quiet tells a valid number (nearly all) from the rest, for which
        # _number_field reports what is wrong.
        if name in body and not number_quiet(name, body[name], limits):
            _number_field(state, name, **dict(limits))
    if kind_ == "Task":
        _heartbeat_below_timeout(state)
    elif kind_ == "Wait":
        _timestamp(state)
    elif kind_ == "Fail":
        for name in ("Error", "Cause"):
            value = state.body.get(name)
            if name in state.body and not isinstance(value, str):
                state.problem("wrong-type", name, f'field "{name}" must be a string, not '
                              f"{kind(value)}", f'write "{name}" as a string')


def _heartbeat_below_timeout(state: State) -> None:
    timeout, heartbeat = state.body.get("TimeoutSeconds"), state.body.get("HeartbeatSeconds")
    if not (isinstance(timeout, int) and isinstance(heartbeat, int)):
        return
    if heartbeat >= timeout and not isinstance(heartbeat, bool):
        state.problem("heartbeat-not-below-timeout", "HeartbeatSeconds",
                      f'field "HeartbeatSeconds" ({heartbeat}) must be smaller than '
                      f'"TimeoutSeconds" ({timeout})',
                      "lower HeartbeatSeconds or raise TimeoutSeconds")


def _timestamp(state: State) -> None:
    if "Timestamp" not in state.body:
        return
    value = state.body["Timestamp"]
    if state.jsonata and is_jsonata(value):
        return
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        state.problem("bad-timestamp", "Timestamp",
                      f'field "Timestamp" {_show(value)} is not an RFC 3339 timestamp',
                      'write it like "2026-01-31T23:59:59Z"')
