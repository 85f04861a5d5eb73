"""Choice rules for ``import``: ASL comparisons back into Python operators.

``{"Variable": "$.n", "NumericGreaterThan": 5}`` becomes ``JsonPath("$.n") > 5``, And / Or /
Not become ``&`` / ``|`` / ``~`` (or ``!=``), ``*Path`` comparisons use the typed views
(``JsonPath("$.a").number < JsonPath("$.b")``). A rule the operators cannot say exactly (a
nested Comment, a value of the wrong type) stays an ASL dict in a ``RawCondition``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.expressions import Jsonata
from sfs3dsl.review.importer.code import (
    NOQA_E712,
    Atom,
    Attr,
    Call,
    Infix,
    Methods,
    Node,
    Paren,
    Prefix,
    Str,
    literal,
)
from sfs3dsl.review.importer.values import path_node
from sfs3dsl.syntax.asl import COMPARISONS

_OPERATORS: Final = {"Equals": "==", "LessThan": "<", "GreaterThan": ">",
                     "LessThanEquals": "<=", "GreaterThanEquals": ">="}
_KINDS: Final = {"String": "string", "Numeric": "number", "Boolean": "boolean",
                 "Timestamp": "timestamp"}
_TESTS: Final = {"IsNull": "is_null", "IsPresent": "is_present", "IsNumeric": "is_numeric",
                 "IsString": "is_string", "IsBoolean": "is_boolean",
                 "IsTimestamp": "is_timestamp"}
#: Rule keys that are not part of the condition.
RULE_KEYS: Final = frozenset({"Next", "Comment", "Assign", "Output"})


def condition(rule: Mapping[str, Any], *, top: bool = False) -> Node:
    """The condition of a Choice rule (without Next, and Comment/Assign/Output at the top)."""
    body = {k: v for k, v in rule.items() if not (top and k in RULE_KEYS)}
    node = _convert(body)
    if node is None:
        return raw(body)
    return node


def jsonata_condition(text: Any) -> Node:
    """A JSONata ``Condition`` string, when the model renders it back exactly."""
    if isinstance(text, str):
        try:
            if str(Jsonata(text)) == text:
                return Str(text)
        except BuildError:
            pass
    return raw({"Condition": text})


def raw(rule: Mapping[str, Any]) -> Node:
    return Call("RawCondition", (literal(dict(rule)),))


def _convert(rule: dict[str, Any]) -> Node | None:
    if len(rule) == 1:
        ((key, value),) = rule.items()
        if key in ("And", "Or"):
            return _group(key, value)
        if key == "Not" and isinstance(value, Mapping):
            return _negate(condition(value))
        if key == "Condition":
            return jsonata_condition(value)
        return None
    if len(rule) != 2 or not isinstance(rule.get("Variable"), str):
        return None
    variable = rule["Variable"]
    ((op, value),) = ((k, v) for k, v in rule.items() if k != "Variable")
    if op not in COMPARISONS or not variable.startswith("$"):
        return None
    return _comparison(path_node(variable), op, value)


def _comparison(subject: Node, op: str, value: Any) -> Node | None:
    if op in _TESTS:
        if not isinstance(value, bool):
            return None
        return Methods(subject, (Call(_TESTS[op], () if value else (Atom("False"),)),))
    if op == "StringMatches":
        return Methods(subject, (Call("matches", (Str(value),)),)) \
            if isinstance(value, str) else None
    kind_name = next(k for k in _KINDS if op.startswith(k))
    rest = op[len(kind_name):]
    kind = _KINDS[kind_name]
    if rest.endswith("Path"):
        if not isinstance(value, str) or not value.startswith("$"):
            return None
        return Infix(_OPERATORS[rest[:-4]], (Attr(subject, kind), path_node(value)))
    if not _fits(kind, value):
        return None
    left = Attr(subject, kind) if kind == "timestamp" else subject
    right = literal(value)
    if kind == "boolean":
        right = Atom(repr(value) + NOQA_E712)
    return Infix(_OPERATORS[rest], (left, right))


def _fits(kind: str, value: Any) -> bool:
    if kind in ("string", "timestamp"):
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _group(op: str, operands: Any) -> Node | None:
    if not isinstance(operands, list) or not operands \
            or not all(isinstance(o, Mapping) for o in operands):
        return None
    nodes = [condition(o) for o in operands]
    # `a & b` flattens nested Ands (And[And[a, b], c] would come back as And[a, b, c]), so
    # nesting of the same operator, or a single operand, needs the function form.
    if len(operands) == 1 or any(op in o for o in operands):
        return Call(op, tuple(nodes))
    symbol = "&" if op == "And" else "|"
    return Infix(symbol, tuple(_operand(n) for n in nodes))


def _operand(node: Node) -> Node:
    """Parenthesise comparisons and groups inside ``&``, ``|`` and ``~``."""
    return Paren(node) if isinstance(node, Infix) else node


def _negate(inner: Node) -> Node:
    if isinstance(inner, Infix) and inner.op == "==":
        return Infix("!=", inner.operands)
    return Prefix("~", _operand(inner))


__all__ = ["RULE_KEYS", "condition", "jsonata_condition", "raw"]
