"""The 18 intrinsic functions (``States.Format`` .. ``States.UUID``), as AWS computes them.

The text is parsed by :mod:`sfs3dsl.syntax.intrinsics` into a call tree; this module
evaluates it. Path arguments read the state's data, the context object or a variable. Bad
arguments fail the state with ``States.IntrinsicFailure``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

from sfs3dsl.run.interpreter.failure import StateFailure, state_error
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.roots import root_value, runtime_error
from sfs3dsl.run.interpreter.scope import Env
from sfs3dsl.syntax.intrinsics import (
    Call,
    IntrinsicSyntaxError,
    format_template_parts,
    parse_intrinsic,
)
from sfs3dsl.syntax.jsonpath import Path, PathNotFound

INTRINSIC_FAILURE = "States.IntrinsicFailure"
_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}
_MAX_RANGE = 1000
_MAX_BASE64 = 10_000


class _Bad(Exception):
    """An argument is not what the function accepts."""


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise _Bad(message)


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (dict, list)):
        return dumps(v)
    return json.dumps(v)


def _format_text(v: Any) -> str:
    """An argument of States.Format as AWS renders it: a string as it is, an object as
    ``{key=value, key=value}`` and an array as ``[a, b]`` (the way Java prints a map and a
    list: strings inside them unquoted), anything else as JSON. AWS's docs show only
    strings; the object and array forms are what LocalStack recorded against AWS.
    """
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={_format_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_format_text(x) for x in v) + "]"
    return json.dumps(v)


def _format(template: Any, *args: Any) -> str:
    _need(isinstance(template, str), "the first argument must be a string")
    pieces = format_template_parts(template)
    _need(len(pieces) - 1 == len(args),
          f"the template has {len(pieces) - 1} placeholder(s) but {len(args)} argument(s)")
    out = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        out.append(_format_text(arg))
        out.append(piece)
    return "".join(out)


def _string_to_json(text: Any) -> Any:
    _need(isinstance(text, str), "the argument must be a string")
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise _Bad(f"the argument is not JSON text: {text!r}") from None


def _partition(array: Any, size: Any) -> list[Any]:
    _need(isinstance(array, list), "the first argument must be an array")
    _need(isinstance(size, int) and not isinstance(size, bool) and size > 0,
          "the chunk size must be a positive integer")
    return [array[i:i + size] for i in range(0, len(array), size)]


def _array_range(start: Any, end: Any, step: Any) -> list[int]:
    _need(all(_is_number(x) for x in (start, end, step)), "arguments must be numbers")
    _need(step != 0, "the step must not be 0")
    first, last, inc = int(start), int(end), int(step)
    values = list(range(first, last + (1 if inc > 0 else -1), inc))
    _need(len(values) <= _MAX_RANGE, f"the range has more than {_MAX_RANGE} items")
    return values


def _get_item(array: Any, index: Any) -> Any:
    _need(isinstance(array, list), "the first argument must be an array")
    _need(isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(array),
          f"the index {index!r} is out of range")
    return array[index]


def _unique(array: Any) -> list[Any]:
    _need(isinstance(array, list), "the argument must be an array")
    seen: set[str] = set()
    out = []
    for item in array:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _b64encode(text: Any) -> str:
    _need(isinstance(text, str), "the argument must be a string")
    _need(len(text) <= _MAX_BASE64, f"the input exceeds {_MAX_BASE64} characters")
    return base64.b64encode(text.encode()).decode()


def _b64decode(text: Any) -> str:
    _need(isinstance(text, str), "the argument must be a string")
    _need(len(text) <= _MAX_BASE64, f"the input exceeds {_MAX_BASE64} characters")
    try:
        return base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise _Bad("the argument is not base64 text") from None


def _hash(data: Any, algorithm: Any) -> str:
    name = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    _need(name is not None, f"the algorithm must be one of {', '.join(_HASHES)}")
    return hashlib.new(str(name), _text(data).encode()).hexdigest()


def _merge(a: Any, b: Any, deep: Any) -> dict[str, Any]:
    _need(isinstance(a, dict) and isinstance(b, dict), "both arguments must be objects")
    _need(deep is False, "deep merging is not supported; pass false")
    return {**a, **b}


def _round(x: float) -> int:
    # Java's Math.round: halves go up.
    return math.floor(x + 0.5)


def _math_add(a: Any, b: Any) -> int:
    _need(_is_number(a) and _is_number(b), "arguments must be numbers")
    return _round(a) + _round(b)


def _math_random(start: Any, end: Any, seed: Any = None) -> int:
    import random

    _need(_is_number(start) and _is_number(end), "start and end must be numbers")
    rng = random.Random(seed) if seed is not None else random
    lo, hi = int(start), int(end)
    _need(lo < hi, "start must be less than end")
    return rng.randrange(lo, hi)


def _split(text: Any, delimiters: Any) -> list[str]:
    _need(isinstance(text, str) and isinstance(delimiters, str), "arguments must be strings")
    parts = [text]
    for ch in delimiters:
        parts = [piece for part in parts for piece in part.split(ch)]
    return [p for p in parts if p]


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "States.Format": _format,
    "States.StringToJson": _string_to_json,
    "States.JsonToString": lambda v: dumps(v),
    "States.Array": lambda *items: list(items),
    "States.ArrayPartition": _partition,
    "States.ArrayContains": lambda array, v: isinstance(array, list) and v in array,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _get_item,
    "States.ArrayLength": lambda array: len(array) if isinstance(array, list) else _fail_len(),
    "States.ArrayUnique": _unique,
    "States.Base64Encode": _b64encode,
    "States.Base64Decode": _b64decode,
    "States.Hash": _hash,
    "States.JsonMerge": _merge,
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _split,
    "States.UUID": lambda: str(uuid.uuid4()),
}


def _fail_len() -> int:
    raise _Bad("the argument must be an array")


def _evaluate(env: Env, node: Any, doc: Any, field: str) -> Any:
    if isinstance(node, Call):
        args = [_evaluate(env, a, doc, field) for a in node.args]
        try:
            return FUNCTIONS[node.name](*args)
        except _Bad as exc:
            raise StateFailure(INTRINSIC_FAILURE, state_error(
                env.name, env.entered_id,
                f"Invalid arguments in {node.name} (field '{field}'): {exc}")) from None
    if isinstance(node, Path):
        try:
            return node.get(root_value(node, env, doc))
        except PathNotFound:
            raise runtime_error(env, f"The JSONPath '{node.text}' specified for the field "
                                     f"'{field}' could not be found in the input "
                                     f"'{dumps(doc)}'") from None
    return node


def call_intrinsic(env: Env, text: str, doc: Any, field: str) -> Any:
    """Evaluate the intrinsic function call ``text`` for payload field ``field``."""
    try:
        tree = parse_intrinsic(text)
    except IntrinsicSyntaxError as exc:
        raise StateFailure(INTRINSIC_FAILURE, state_error(
            env.name, env.entered_id,
            f"The intrinsic function {text!r} in field '{field}' does not parse: "
            f"{exc.message}")) from None
    return _evaluate(env, tree, doc, field)
