"""JSONPath references: ``JsonPath("$.order.total")`` and the context object's paths.

Compared with a Python value a :class:`JsonPath` makes a Choice condition
(:mod:`sfs3dsl.model.conditions`); in a payload it renders under a ``.$`` key
(:mod:`sfs3dsl.model.payload`).
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import TYPE_CHECKING, Final, Literal, NoReturn

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.conditions import Comparison
from sfs3dsl.model.source import caller_location

if TYPE_CHECKING:
    from sfs3dsl.model.conditions import Condition



Kind = Literal["string", "number", "boolean", "timestamp"]


def _literal_kind(value: object) -> Kind | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, _dt.datetime):
        return "timestamp"
    if isinstance(value, str):
        return "string"
    return None


_OPS: Final = {"==": "Equals", "<": "LessThan", ">": "GreaterThan",
               "<=": "LessThanEquals", ">=": "GreaterThanEquals"}
_KIND_PREFIX: Final = {"string": "String", "number": "Numeric", "boolean": "Boolean",
                       "timestamp": "Timestamp"}


class JsonPath:
    """A JSONPath reference: ``JsonPath("$.order.total")``.

    In a payload it renders as ``"key.$": "$.order.total"``; compared with a Python value it
    makes a Choice condition (``JsonPath("$.n") > 5`` is ``NumericGreaterThan``). Comparing two
    paths needs a type: ``JsonPath("$.a").number < JsonPath("$.b")``.

    Example:
        >>> (JsonPath("$.inputNum") == 1).render()
        {'Variable': '$.inputNum', 'NumericEquals': 1}
    """

    __slots__ = ("kind", "text")

    def __init__(self, text: str, kind: Kind | None = None) -> None:
        if not isinstance(text, str) or not text.startswith("$"):
            raise BuildError(f"{text!r} is not a JSONPath",
                             hint='start it with "$" (input), "$$" (context) or "$name" (variable)')
        self.text = text
        self.kind = kind

    def __repr__(self) -> str:
        return f"JsonPath({self.text!r})" if self.kind is None else \
            f"JsonPath({self.text!r}).{self.kind}"

    def __str__(self) -> str:
        return self.text

    def __getitem__(self, key: str | int) -> JsonPath:
        """``JsonPath("$.a")["b"][0]`` is ``$.a.b[0]``."""
        if isinstance(key, int):
            return JsonPath(f"{self.text}[{key}]")
        if key.isidentifier():
            return JsonPath(f"{self.text}.{key}")
        escaped = key.replace("\\", "\\\\").replace("'", "\\'")
        return JsonPath(f"{self.text}['{escaped}']")

    # -- typed views ---------------------------------------------------------------------
    @property
    def string(self) -> JsonPath:
        return JsonPath(self.text, "string")

    @property
    def number(self) -> JsonPath:
        return JsonPath(self.text, "number")

    @property
    def boolean(self) -> JsonPath:
        return JsonPath(self.text, "boolean")

    @property
    def timestamp(self) -> JsonPath:
        return JsonPath(self.text, "timestamp")

    # -- conditions ----------------------------------------------------------------------
    def _compare(self, op: str, other: object) -> Condition:
        if isinstance(other, JsonPath):
            kind = self.kind or other.kind
            if kind is None:
                raise BuildError(
                    f"comparing {self.text} with {other.text} needs a type",
                    hint=f"write JsonPath({self.text!r}).number {op} ... "
                         "(or .string, .timestamp, .boolean)")
            if kind == "boolean" and op != "==":
                _no_order("booleans", self.text)
            return Comparison(self.text, f"{_KIND_PREFIX[kind]}{_OPS[op]}Path", other.text)
        kind = self.kind or _literal_kind(other)
        if kind is None:
            raise BuildError(f"cannot compare {self.text} with {other!r} "
                             f"({type(other).__name__})",
                             hint="compare with a str, int, float, bool, datetime or JsonPath")
        if isinstance(other, float) and not math.isfinite(other):
            raise BuildError(f"cannot compare {self.text} with {other!r}: JSON has no number "
                             "for it (AWS would refuse the definition)",
                             hint="compare with a finite number", where=caller_location())
        value = _coerce(kind, other, self.text)
        if kind == "boolean" and op != "==":
            _no_order("booleans", self.text)
        return Comparison(self.text, f"{_KIND_PREFIX[kind]}{_OPS[op]}", value)

    def __eq__(self, other: object) -> Condition:  # type: ignore[override]
        return self._compare("==", other)

    def __ne__(self, other: object) -> Condition:  # type: ignore[override]
        return ~self._compare("==", other)

    def __lt__(self, other: object) -> Condition:
        return self._compare("<", other)

    def __le__(self, other: object) -> Condition:
        return self._compare("<=", other)

    def __gt__(self, other: object) -> Condition:
        return self._compare(">", other)

    def __ge__(self, other: object) -> Condition:
        return self._compare(">=", other)

    __hash__ = None  # type: ignore[assignment]

    def matches(self, pattern: str) -> Condition:
        """``StringMatches``: ``*`` is a wildcard, ``\\*`` a literal star."""
        if not isinstance(pattern, str):
            raise BuildError(f"StringMatches on {self.text} needs a str pattern, "
                             f"got {pattern!r}", hint='write .matches("*.csv")')
        return Comparison(self.text, "StringMatches", pattern)

    def _test(self, op: str, expected: bool) -> Condition:
        if not isinstance(expected, bool):
            raise BuildError(f"{op} on {self.text} takes True or False, got {expected!r}",
                             hint=f"write .{_snake(op)}() or .{_snake(op)}(False)")
        return Comparison(self.text, op, expected)

    def is_null(self, expected: bool = True) -> Condition:
        return self._test("IsNull", expected)

    def is_present(self, expected: bool = True) -> Condition:
        return self._test("IsPresent", expected)

    def is_numeric(self, expected: bool = True) -> Condition:
        return self._test("IsNumeric", expected)

    def is_string(self, expected: bool = True) -> Condition:
        return self._test("IsString", expected)

    def is_boolean(self, expected: bool = True) -> Condition:
        return self._test("IsBoolean", expected)

    def is_timestamp(self, expected: bool = True) -> Condition:
        return self._test("IsTimestamp", expected)


def _snake(op: str) -> str:
    return "is_" + op[2:].lower()


def _no_order(what: str, path: str) -> NoReturn:
    raise BuildError(f"{what} have no order: {path} can only be compared with ==",
                     hint="use == or != with a bool")


def _coerce(kind: Kind, value: object, path: str) -> object:
    if kind == "timestamp":
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None:
                raise BuildError(f"the datetime compared with {path} has no time zone",
                                 hint="pass datetime(..., tzinfo=timezone.utc)")
            return value.isoformat().replace("+00:00", "Z")
        if isinstance(value, str):
            return value
    elif _literal_kind(value) == kind:
        return value
    raise BuildError(f"{path} is compared as a {kind} with {value!r}",
                     hint=f"compare it with a {kind} value")



class Context:
    """Frequently used context-object paths."""

    task_token: Final = JsonPath("$$.Task.Token")
    execution_id: Final = JsonPath("$$.Execution.Id")
    execution_name: Final = JsonPath("$$.Execution.Name")
    execution_input: Final = JsonPath("$$.Execution.Input")
    execution_start_time: Final = JsonPath("$$.Execution.StartTime")
    state_name: Final = JsonPath("$$.State.Name")
    state_entered_time: Final = JsonPath("$$.State.EnteredTime")
    state_retry_count: Final = JsonPath("$$.State.RetryCount")
    state_machine_id: Final = JsonPath("$$.StateMachine.Id")
    map_item_index: Final = JsonPath("$$.Map.Item.Index")
    map_item_value: Final = JsonPath("$$.Map.Item.Value")
