"""Quotas: name lengths and characters, the size of the definition."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.syntax.asl import MAX_DEFINITION_BYTES, MAX_NAME_LENGTH, is_forbidden_in_machine_name
from sfs3dsl.validate.report import DOCUMENT, NAME, Report, State

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
    """The compact text's UTF-8 bytes, or a lower bound of it when that is under the limit;
    None (reported) when the document is not JSON."""
    try:
        try:
            # The ASCII-escaped text is never shorter than the UTF-8 bytes, and faster to
            # make: only a definition near the limit pays for the exact count. Without a
            # "\u" escape the two texts are the same (only non-ASCII characters and DEL are
            # escaped differently), so the length is already exact.
            size, escaped = _compact_length(asl)
            if size > MAX_DEFINITION_BYTES and escaped:
                size = len(json.dumps(asl, separators=_COMPACT, ensure_ascii=False,
                                      allow_nan=False).encode())
        except RecursionError:  # nesting deeper than the C encoder goes: count by hand
            size = _size(asl)
    except (TypeError, ValueError):  # ValueError: NaN or Infinity, which JSON has no text for
        report.add("not-json", DOCUMENT, "the definition is not JSON-serialisable",
                   "use only objects, arrays, strings, finite numbers, booleans and null")
        return None
    return size


def _compact_length(asl: Mapping[str, Any]) -> tuple[int, bool]:
    """The length of ``json.dumps(asl, separators=(",", ":"))``, and whether it has a
    ``\\u`` escape.

    A large object among the definition's fields (the States of a long machine) is written
    as the list of its names and the list of its values instead, and the lengths added up:
    on Python 3.11 the encoder holds a tuple per entry of an object while writing it, and
    100,000 of them at once set off a full garbage collection (3.12 no longer makes them).
    """
    large = {key: value for key, value in asl.items()
             if type(key) is str and type(value) is dict and len(value) > LARGE_OBJECT
             and set(map(type, value)) == {str}} if type(asl) is dict else {}
    if not large:
        text = json.dumps(asl, separators=_COMPACT, allow_nan=False)
        return len(text), "\\u" in text
    rest = {key: value for key, value in asl.items() if key not in large}
    texts = [json.dumps(rest, separators=_COMPACT, allow_nan=False)]
    length = len(texts[0]) - (0 if rest else 1)  # no comma before the first entry
    for key, value in large.items():
        texts += [json.dumps(key), json.dumps(list(value), separators=_COMPACT),
                  json.dumps(list(value.values()), separators=_COMPACT, allow_nan=False)]
        # ',' '"key"' ':' and the object, whose text is the two lists' but one character:
        # beside the same names and values, n entries take 2n + 2 characters of brackets
        # and commas in the lists, and 2n + 1 of braces, colons and commas in the object.
        length += 1 + len(texts[-3]) + 1 + len(texts[-2]) + len(texts[-1]) - 1
    return length, any("\\u" in text for text in texts)


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
