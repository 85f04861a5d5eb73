"""Choice rules: JSONPath comparisons (``Variable`` + operator, And/Or/Not) and JSONata
``Condition`` expressions."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from sfs3dsl.run.interpreter import jsonata_fields
from sfs3dsl.run.interpreter.dataflow import parse
from sfs3dsl.run.interpreter.roots import root_value, runtime_error
from sfs3dsl.run.interpreter.scope import Env
from sfs3dsl.syntax.asl import COMPARISONS
from sfs3dsl.syntax.jsonpath import PathNotFound

_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")
_MISSING: Any = object()


def parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 timestamp (``T`` separator, ``Z`` or an offset), or None."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = re.match(r"\d+", rest)
        frac = digits.group(0) if digits else ""
        text = f"{head}.{(frac + '000000')[:6]}{rest[len(frac):]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _typed(kind: str, v: Any) -> Any:
    if kind == "String":
        return v if isinstance(v, str) else _MISSING
    if kind == "Numeric":
        return v if _is_number(v) else _MISSING
    if kind == "Boolean":
        return v if isinstance(v, bool) else _MISSING
    return parse_timestamp(v) or _MISSING


def _compare(op: str, kind: str, left: Any, right: Any) -> bool:
    if op.endswith("Matches"):
        return isinstance(left, str) and isinstance(right, str) and bool(
            _wildcard(right).match(left))
    a, b = _typed(kind, left), _typed(kind, right)
    if a is _MISSING or b is _MISSING:
        return False
    name = op[len(kind):]
    if name == "Equals":
        return bool(a == b)
    if name == "LessThan":
        return bool(a < b)
    if name == "GreaterThan":
        return bool(a > b)
    if name == "LessThanEquals":
        return bool(a <= b)
    return bool(a >= b)


def _type_test(op: str, present: bool, v: Any) -> bool:
    if op == "IsPresent":
        return present
    if not present:
        return False
    if op == "IsNull":
        return v is None
    if op == "IsNumeric":
        return _is_number(v)
    if op == "IsString":
        return isinstance(v, str)
    if op == "IsBoolean":
        return isinstance(v, bool)
    return parse_timestamp(v) is not None


def _read(env: Env, text: str, doc: Any, field: str) -> Any:
    path = parse(env, text, field)
    try:
        return path.get(root_value(path, env, doc))
    except PathNotFound:
        return _MISSING


def jsonpath_rule(env: Env, rule: dict[str, Any], doc: Any) -> bool:
    """Whether a JSONPath Choice rule (or nested condition) holds for ``doc``."""
    if "And" in rule:
        return all(jsonpath_rule(env, r, doc) for r in rule["And"])
    if "Or" in rule:
        return any(jsonpath_rule(env, r, doc) for r in rule["Or"])
    if "Not" in rule:
        return not jsonpath_rule(env, rule["Not"], doc)
    variable = rule.get("Variable")
    for name, operand in rule.items():
        op = name
        kind = COMPARISONS.get(op)
        if kind is None:
            continue
        left = _read(env, variable, doc, "Variable") if isinstance(variable, str) else _MISSING
        if kind == "Type":
            result = _type_test(op, left is not _MISSING, left)
            return result if operand is True else not result
        if left is _MISSING:
            raise runtime_error(env, f"Invalid path '{variable}': The choice state's "
                                     "condition path references an invalid value.")
        if op.endswith("Path"):
            right = _read(env, operand, doc, op)
            if right is _MISSING:
                raise runtime_error(env, f"Invalid path '{operand}': The choice state's "
                                         "condition path references an invalid value.")
            op = op[:-4]
        else:
            right = operand
        return _compare(op, "String" if op == "StringMatches" else kind, left, right)
    raise runtime_error(env, f"The Choice rule {rule!r} has no comparison operator")


def jsonata_rule(env: Env, rule: dict[str, Any]) -> bool:
    """Whether a JSONata ``Condition`` holds."""
    spec = rule.get("Condition")
    if isinstance(spec, bool):
        return spec
    result = jsonata_fields.value(env, spec, jsonata_fields.bindings(env), "Condition")
    if not isinstance(result, bool):
        raise jsonata_fields.query_error(
            env, f"The JSONata expression '{spec}' specified for the field 'Condition' "
                 f"returned a non-boolean value: {result!r}")
    return result
