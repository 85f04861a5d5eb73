"""Choice conditions built with Python operators.

``&`` is And, ``|`` is Or, ``~`` is Not. Python binds ``&`` and ``|`` *tighter* than
comparisons, so parenthesise each comparison: ``(JsonPath("$.a") > 1) & (JsonPath("$.b") < 2)``.
A condition refuses to be used as a bool, which catches ``a > 1 and b < 2`` and ``1 < a < 5``.

Example:
    >>> cond = (JsonPath("$.n") > 5) | JsonPath("$.flag").is_present()
    >>> cond.render()["Or"][0]
    {'Variable': '$.n', 'NumericGreaterThan': 5}
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.expressions import Jsonata


class Condition:
    """Base of all conditions: combine with ``&``, ``|`` and ``~``."""

    __slots__ = ()

    def render(self) -> dict[str, Any]:
        raise NotImplementedError

    def __and__(self, other: Condition) -> Condition:
        return _combine("And", self, other)

    def __or__(self, other: Condition) -> Condition:
        return _combine("Or", self, other)

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "a Choice condition has no truth value: combine conditions with & | ~ "
            "instead of and/or/not, and write 1 < x < 5 as (x > 1) & (x < 5)")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.render()!r})"


def _combine(op: str, left: Condition, right: object) -> Condition:
    if not isinstance(right, Condition):
        raise BuildError(f"cannot combine a condition with {right!r} using {op}",
                         hint="parenthesise comparisons: (JsonPath('$.a') > 1) & (...)")
    parts: list[Condition] = []
    for side in (left, right):
        # Flatten a & b & c into one And of three, as a person would write it in ASL.
        if isinstance(side, _Group) and side.op == op:
            parts.extend(side.operands)
        else:
            parts.append(side)
    return _Group(op, tuple(parts))


class Comparison(Condition):
    """One comparison: ``{"Variable": path, op: value}``."""

    __slots__ = ("op", "value", "variable")

    def __init__(self, variable: str, op: str, value: Any) -> None:
        self.variable = variable
        self.op = op
        self.value = value

    def render(self) -> dict[str, Any]:
        return {"Variable": self.variable, self.op: self.value}


class _Group(Condition):
    __slots__ = ("op", "operands")

    def __init__(self, op: str, operands: tuple[Condition, ...]) -> None:
        self.op = op
        self.operands = operands

    def render(self) -> dict[str, Any]:
        return {self.op: [c.render() for c in self.operands]}


def And(*conditions: Condition) -> Condition:
    """All of ``conditions``; the same as joining them with ``&``."""
    return _group("And", conditions)


def Or(*conditions: Condition) -> Condition:
    """Any of ``conditions``; the same as joining them with ``|``."""
    return _group("Or", conditions)


def _group(op: str, conditions: tuple[Condition, ...]) -> Condition:
    if not conditions:
        raise BuildError(f"{op}() needs at least one condition",
                         hint=f"write {op}(cond1, cond2)")
    for c in conditions:
        if not isinstance(c, Condition):
            raise BuildError(f"{op}() got {c!r}, which is not a condition",
                             hint="build conditions from JsonPath comparisons")
    return _Group(op, conditions)


class Not(Condition):
    """The negation of a condition; the same as ``~cond``."""

    __slots__ = ("operand",)

    def __init__(self, operand: Condition) -> None:
        if not isinstance(operand, Condition):
            raise BuildError(f"Not() got {operand!r}, which is not a condition",
                             hint="build conditions from JsonPath comparisons")
        self.operand = operand

    def render(self) -> dict[str, Any]:
        return {"Not": self.operand.render()}


class JsonataCondition(Condition):
    """A JSONata ``Condition`` for Choice rules in JSONata states."""

    __slots__ = ("expr",)

    def __init__(self, expr: str | Jsonata) -> None:
        self.expr = expr if isinstance(expr, Jsonata) else Jsonata(expr)

    def render(self) -> dict[str, Any]:
        return {"Condition": str(self.expr)}

    def __and__(self, other: Condition) -> Condition:
        if isinstance(other, JsonataCondition):
            return JsonataCondition(f"({self.expr.expr}) and ({other.expr.expr})")
        return super().__and__(other)

    def __or__(self, other: Condition) -> Condition:
        if isinstance(other, JsonataCondition):
            return JsonataCondition(f"({self.expr.expr}) or ({other.expr.expr})")
        return super().__or__(other)

    def __invert__(self) -> Condition:
        return JsonataCondition(f"$not({self.expr.expr})")


class RawCondition(Condition):
    """A choice rule given as an ASL dict (what ``import`` writes for unusual rules)."""

    __slots__ = ("rule",)

    def __init__(self, rule: dict[str, Any]) -> None:
        self.rule = rule

    def render(self) -> dict[str, Any]:
        return dict(self.rule)


def as_condition(value: Condition | Jsonata | str) -> Condition:
    """Accept a condition, a Jsonata expression or a ``{% ... %}`` string."""
    if isinstance(value, Condition):
        return value
    if isinstance(value, Jsonata | str):
        return JsonataCondition(value)
    raise BuildError(f"{value!r} is not a condition",
                     hint='compare a JsonPath (JsonPath("$.n") > 1) or pass a JSONata string')
