"""Quotas: name lengths and characters, the size of the definition."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.syntax.asl import MAX_DEFINITION_BYTES, MAX_NAME_LENGTH, is_forbidden_in_machine_name
from sfs3dsl.validate.report import DOCUMENT, NAME, Report, State, field_path

_COMPACT: Final = (",", ":")
#: Objects with more entries than this are measured by parts (see _compact_length).
LARGE_OBJECT = 4096


def check_state_name(state: State) -> None:
    """State names: 1 to 80 characters; the specification allows any other JSON string."""
    if not state.name:
        state.problem("bad-state-name", "", "a state name cannot be empty",
                      "give the state a name")
    elif len(state.name) > MAX_NAME_LENGTH:
        state.problem("state-name-too-long", "",
                      f"the state name is {len(state.name)} characters long; the maximum is "
                      f"{MAX_NAME_LENGTH}", f"shorten it to {MAX_NAME_LENGTH} characters")


def machine_name_problems(name: str, report: Report) -> None:
    """State machine names: 1 to 80 characters, no whitespace, brackets, wildcards,
    special or control characters (API reference, CreateStateMachine)."""
    if not name or len(name) > MAX_NAME_LENGTH:
        report.add("bad-machine-name", NAME, f"the state machine name is {len(name)} characters "
                   f"long; it must be 1 to {MAX_NAME_LENGTH}",
                   f"use 1 to {MAX_NAME_LENGTH} characters")
    bad = sorted({c for c in name if is_forbidden_in_machine_name(c)})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        report.add("bad-machine-name", NAME,
                   f"the state machine name {name!r} contains forbidden characters: {shown}",
                   "use only letters, digits, '-' and '_' (also what CloudWatch Logs needs)")


def check_size(asl: Mapping[str, Any], report: Report, compact: int | None = None) -> None:
    """AWS's limit is on the definition string CreateStateMachine receives, in UTF-8 bytes;
    what is measured is the definition's most compact JSON text (``separators=(",", ":")``,
    unescaped UTF-8), so any layout of the same document that is accepted is counted alike.

    ``compact``, when a caller has written the definition already (the compiler writes it
    for ``to_json``): the UTF-8 bytes of its compact form (``json_text.dumps_measured``);
    without it the document is dumped here.
    """
    size = compact if compact is not None else _dumped_size(asl, report)
    if size is None:  # not JSON: reported
        return
    if size > MAX_DEFINITION_BYTES:
        report.add("definition-too-large", DOCUMENT,
                   f"the definition is {size:,} bytes; the maximum is "
                   f"{MAX_DEFINITION_BYTES:,} bytes", "split it into nested state machines")


def _dumped_size(asl: Mapping[str, Any], report: Report) -> int | None:
    """The compact text's UTF-8 bytes; None (reported) when the document is not JSON or has
    no UTF-8 text."""
    try:
        try:
            size = _compact_length(asl)
        except RecursionError:  # nesting deeper than the C encoder goes: count by hand
            size = _size(asl)
    except UnicodeEncodeError:  # a lone surrogate: the text has no UTF-8 form
        _report_lone_surrogate(asl, report)
        return None
    except (TypeError, ValueError):  # ValueError: NaN or Infinity, which JSON has no text for
        report.add("not-json", DOCUMENT, "the definition is not JSON-serialisable",
                   "use only objects, arrays, strings, finite numbers, booleans and null")
        return None
    return size


#: A code point of a UTF-16 surrogate: in a Python string, always a lone one (a character
#: beyond U+FFFF is one code point, not a pair).
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _report_lone_surrogate(asl: Mapping[str, Any], report: Report) -> None:
    """Report the first string (a key or a value) holding a lone surrogate, at its path.

    AWS's documentation is silent on what CreateStateMachine makes of one (JSON can escape
    it; UTF-8 cannot encode it): what fails for certain is the UTF-8 file ``compile`` writes
    and any UTF-8 request body, so it is an error here."""
    # (path, value, (the state's path and name) it is in, whether value is a "States" object)
    stack: list[tuple[str, Any, tuple[str, str] | None, bool]] = [("", asl, None, False)]
    while stack:
        path, value, state, states = stack.pop()
        if isinstance(value, str):
            found = _SURROGATE.search(value)
            if found is not None:
                _lone_surrogate(report, path or DOCUMENT, state, found.group())
                return
        elif isinstance(value, Mapping):
            for key, item in reversed(list(value.items())):
                child = field_path(path, str(key))
                inside = (child, str(key)) if states else state
                found = _SURROGATE.search(key) if isinstance(key, str) else None
                if found is not None:
                    _lone_surrogate(report, child, inside, found.group())
                    return
                stack.append((child, item, inside,
                              key == "States" and isinstance(item, Mapping)))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, state, False)
                         for i, item in reversed(list(enumerate(value))))


def _lone_surrogate(report: Report, path: str, state: tuple[str, str] | None,
                    char: str) -> None:
    report.add("not-utf8", path,
               f"the text holds a lone surrogate, U+{ord(char):04X} (half of a UTF-16 pair "
               "without its other half), which UTF-8 cannot encode: the definition cannot "
               "be written as a UTF-8 file or sent as UTF-8 text",
               "remove it or write the character it stands for (text decoded with "
               "errors='surrogateescape' leaves these)",
               state=None if state is None else state[1],
               state_path=None if state is None else state[0])


def _compact_length(asl: Mapping[str, Any]) -> int:
    """The UTF-8 bytes of ``json.dumps(asl, separators=(",", ":"), ensure_ascii=False)``
    (``UnicodeEncodeError`` for a lone surrogate, which has no UTF-8 form).

    A large object among the definition's fields (the States of a long machine) is written
    as the list of its names and the list of its values instead, and the lengths added up:
    on Python 3.11 the encoder holds a tuple per entry of an object while writing it, and
    100,000 of them at once set off a full garbage collection (3.12 no longer makes them).
    """
    large = {key: value for key, value in asl.items()
             if type(key) is str and type(value) is dict and len(value) > LARGE_OBJECT
             and set(map(type, value)) == {str}} if type(asl) is dict else {}
    if not large:
        return _utf8_length(asl)
    rest = {key: value for key, value in asl.items() if key not in large}
    length = _utf8_length(rest) - (0 if rest else 1)  # no comma before the first entry
    for key, value in large.items():
        # ',' '"key"' ':' and the object, whose text is the two lists' but one byte: beside
        # the same names and values, n entries take 2n + 2 bytes of brackets and commas in
        # the lists, and 2n + 1 of braces, colons and commas in the object.
        length += (1 + _utf8_length(key) + 1 + _utf8_length(list(value))
                   + _utf8_length(list(value.values())) - 1)
    return length


def _utf8_length(value: Any) -> int:
    return len(json.dumps(value, separators=_COMPACT, ensure_ascii=False,
                          allow_nan=False).encode())


def _size(document: Any) -> int:
    """Bytes of compact JSON text for ``document``, counted without recursion."""
    total = 0
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            total += 2 + max(len(node) - 1, 0) + len(node)  # braces, commas, colons
            for key, value in node.items():
                total += len(json.dumps(str(key), ensure_ascii=False).encode())
                stack.append(value)
        elif isinstance(node, list):
            total += 2 + max(len(node) - 1, 0)
            stack.extend(node)
        else:
            total += len(json.dumps(node, ensure_ascii=False, allow_nan=False).encode())
    return total
