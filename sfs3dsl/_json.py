"""JSON text with indent 2, byte for byte what ``json.dumps(indent=2, ensure_ascii=False)``
writes, about twice as fast.

The standard library's indenting encoder is pure Python and passes every chunk up through
one generator per level of nesting; this one walks the document with an explicit stack
and escapes strings with the C helper, so the cost is one append per token. Compiled
definitions of 100,000 states are written through it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

_END: Any = object()
_INF = float("inf")


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value in (_INF, -_INF):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: Scalars written the same way wherever they appear (exact types: a subclass goes the
#: general way, as the standard library treats it).
_SIMPLE: dict[type, Any] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda v: "true" if v else "false",
    type(None): lambda v: "null",
}


def _flat_object(obj: dict[Any, Any], inner: str) -> str | None:
    """``{`` and the members of an object whose keys are strings and whose values are
    strings, ints, booleans or null, in one piece (most states are such objects); None
    for any other object."""
    parts = []
    for key, value in obj.items():
        write = _SIMPLE.get(type(value))
        if write is None or type(key) is not str:
            return None
        parts.append(encode_basestring(key) + ": " + write(value))
    return "{" + inner + ("," + inner).join(parts)


def dumps_indented(doc: Any) -> str:
    """``json.dumps(doc, indent=2, ensure_ascii=False)``, iteratively."""
    parts: list[str] = []
    add = parts.append
    # Each frame: the items still to write, whether it is an object, its indentation,
    # and whether the next item is its first.
    stack: list[tuple[Iterator[Any], bool, str, bool]] = []

    def open_container(value: Any, indent: str) -> None:
        if isinstance(value, dict):
            if value:
                inner = indent + "  "
                flat = _flat_object(value, inner)
                if flat is not None:
                    add(flat + indent + "}")
                else:
                    add("{")
                    stack.append((iter(value.items()), True, inner, True))
            else:
                add("{}")
        elif isinstance(value, list | tuple):
            if value:
                add("[")
                stack.append((iter(value), False, indent + "  ", True))
            else:
                add("[]")
        else:
            add(_scalar(value))

    open_container(doc, "\n")
    while stack:
        items, is_object, indent, first = stack[-1]
        item: Any = next(items, _END)
        if item is _END:
            stack.pop()
            add(indent[:-2] + ("}" if is_object else "]"))
            continue
        if first:
            stack[-1] = (items, is_object, indent, False)
            add(indent)
        else:
            add("," + indent)
        if is_object:
            key, item = item
            if not isinstance(key, str):
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            add(encode_basestring(key) + ": ")
        if isinstance(item, str):
            add(encode_basestring(item))
        else:
            open_container(item, indent)
    return "".join(parts)
