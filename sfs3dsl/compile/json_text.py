"""JSON text with indent 2, byte for byte what ``json.dumps(indent=2, ensure_ascii=False)``
writes, and the size of the compact text, for the compiled definition.

The definition is written by orjson (a maintained C/Rust encoder, about ten times faster
than the writer below on a 200-state definition, see ``benchmarks/bench_compile.py``)
whenever its bytes are the standard library's. They are for strings, integers, booleans,
null, objects and arrays (the tests compare them on every corpus definition and on
generated values), and for floats Python writes without an exponent. Three things differ, and
each sends the document to the hand-written writer below instead:

* a float Python writes in exponent form (``1e+16`` / ``1e16``, ``1e-05`` / ``0.00001``);
* NaN and Infinity, which orjson writes as ``null`` (the standard library: ``NaN``; the
  model and the validator refuse such values, so a compiled definition has none). One walk
  over the document looks for both kinds of float before orjson writes it;
* what orjson refuses (an integer beyond 64 bits, a non-string key, a string that is not
  UTF-8, nesting past its depth limit of 255): ``orjson.JSONEncodeError``.

The hand-written writer stays for those: the standard library's indenting encoder is pure
Python and passes every chunk up through one generator per level of nesting; this one
appends each member in one piece (key, separator and scalar value together) and escapes
strings with the C helper. It recurses over nesting (ASL documents are a few levels deep)
and hands anything nested deeper than 64 levels to an explicit stack, so no document meets
the recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from typing import Any

import orjson

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


#: Nesting the recursive writer handles; anything deeper goes to the iterative one, so a
#: document nested 100,000 levels deep never meets Python's recursion limit.
_MAX_DEPTH = 64


def _write(value: Any, indent: str, add: Callable[[str], None], depth: int) -> float:
    """Append the text of a container ``value`` whose first line is at ``indent``; return
    how many of its characters are whitespace that ``separators=(",", ":")`` would not
    write (NaN below the recursive writer's depth: not counted there)."""
    if depth > _MAX_DEPTH:
        add(_dumps_iteratively(value, indent))
        return math.nan
    inner = indent + "  "
    # Each member starts on a line of its own (``inner`` is a newline and spaces), the
    # closing bracket on one at ``indent``, and a key is followed by ": " not ":".
    if type(value) is dict or isinstance(value, dict):
        if not value:
            add("{}")
            return 0
        spaces: float = len(value) * (len(inner) + 1) + len(indent)
        sep = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            kind = type(item)
            if kind is str:
                add(sep + encode_basestring(key) + ": " + encode_basestring(item))
            elif kind is dict or kind is list or isinstance(item, dict | list | tuple):
                add(sep + encode_basestring(key) + ": ")
                spaces += _write(item, inner, add, depth + 1)
            else:
                add(sep + encode_basestring(key) + ": " + _scalar(item))
            sep = "," + inner
        add(indent + "}")
        return spaces
    if not value:
        add("[]")
        return 0
    spaces = len(value) * len(inner) + len(indent)
    sep = "[" + inner
    for item in value:
        kind = type(item)
        if kind is str:
            add(sep + encode_basestring(item))
        elif kind is dict or kind is list or isinstance(item, dict | list | tuple):
            add(sep)
            spaces += _write(item, inner, add, depth + 1)
        else:
            add(sep + _scalar(item))
        sep = "," + inner
    add(indent + "]")
    return spaces


#: Exact types that hold no float: skipped by the search for NaN and Infinity.
_NO_FLOAT = frozenset({str, int, bool, type(None)})


def _floats_differ(value: Any) -> bool:
    """True when a float orjson writes unlike ``float.__repr__`` is somewhere in ``value``:
    NaN or Infinity (orjson: ``null``), or one Python writes with an exponent, below 1e-4 or
    from 1e16 up (orjson writes small ones out in full: ``0.0000123``, not ``1.23e-05``).
    Zero and every float in between are written alike (tests/test_json.py checks it on
    generated floats). One walk over the document, depth first (the order its objects
    were made in: a walk level by level, which would also give each container's depth,
    was 65% slower at 100,000 states), is cheaper than a regular expression over the
    text, which finds nothing faster than it looks at every byte."""
    stack = [value]
    while stack:
        container = stack.pop()
        for item in container.values() if isinstance(container, dict) else container:
            kind = type(item)
            if kind in _NO_FLOAT:
                continue
            if kind is dict or kind is list:
                stack.append(item)
            elif isinstance(item, float):
                if item and not 1e-4 <= abs(item) < 1e16:  # NaN fails the comparison too
                    return True
            elif isinstance(item, dict | list | tuple):
                stack.append(item)
    return False


def _by_orjson(doc: Any, *, compact: bool, newline: bool) -> tuple[bytes, bytes | None] | None:
    """orjson's indented bytes of ``doc`` (with a final newline when asked for) and its
    compact ones (when asked for), when they are the standard library's."""
    if _floats_differ([doc]):
        return None
    try:
        return (orjson.dumps(doc, option=_NEWLINE if newline else _INDENT),
                orjson.dumps(doc) if compact else None)
    except orjson.JSONEncodeError:
        return None


_INDENT = orjson.OPT_INDENT_2
_NEWLINE = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def dumps_indented(doc: Any, *, newline: bool = False) -> str:
    """``json.dumps(doc, indent=2, ensure_ascii=False)`` (and ``"\\n"`` after it when
    ``newline``: written with the text, not copied onto its end).

    Written by orjson when its bytes are the standard library's, else recursively up to a
    depth of 64 (ASL documents are far shallower) and iteratively below that.
    """
    fast = _by_orjson(doc, compact=False, newline=newline)
    if fast is not None:
        return fast[0].decode()
    end = "\n" if newline else ""
    if not isinstance(doc, dict | list | tuple):
        return _scalar(doc) + end
    parts: list[str] = []
    _write(doc, "\n", parts.append, 0)
    parts.append(end)
    return "".join(parts)


def dumps_measured(doc: Any, *, newline: bool = False) -> tuple[str, int | None]:
    """``dumps_indented(doc, newline=newline)`` and the size in UTF-8 bytes of
    ``json.dumps(doc, separators=(",", ":"), ensure_ascii=False)`` (None when the document
    is nested deeper than the recursive writer goes, or may hold NaN or Infinity). The
    compiler measures the definition's size this way instead of writing it a second time."""
    fast = _by_orjson(doc, compact=True, newline=newline)
    if fast is not None and fast[1] is not None:
        return fast[0].decode(), len(fast[1])
    end = "\n" if newline else ""
    if not isinstance(doc, dict | list | tuple):
        text = _scalar(doc)
        size = None if text in ("NaN", "Infinity", "-Infinity") else len(text.encode())
        return text + end, size
    parts: list[str] = []
    spaces = _write(doc, "\n", parts.append, 0)
    text = "".join(parts)
    if math.isnan(spaces) or "NaN" in text or "Infinity" in text:
        # not counted: nested too deep, or perhaps a NaN or Infinity, which is not JSON
        # (the validator's size check writes the document again and reports it)
        return text + end, None
    # the whitespace left out of the compact text is ASCII: one byte a character
    return text + end, len(text.encode()) - int(spaces)


def _dumps_iteratively(doc: Any, indent: str) -> str:
    """The text of ``doc`` with its first line at ``indent``, with an explicit stack."""
    parts: list[str] = []
    add = parts.append
    # Each frame: the items still to write, whether it is an object, its indentation,
    # and whether the next item is its first.
    stack: list[tuple[Iterator[Any], bool, str, bool]] = []

    def open_container(value: Any, indent: str) -> None:
        if isinstance(value, dict):
            if value:
                add("{")
                stack.append((iter(value.items()), True, indent + "  ", True))
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

    open_container(doc, indent)
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
