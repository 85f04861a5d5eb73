"""Where two long values differ, for the text and Markdown diffs.

A changed value longer than the line allows (:data:`MAX_VALUE`) used to be cut to its
start on both sides, and two long values that share a start then read the same (a
dashboard's body: ``"{\\"widgets\\":[{\\"type\\":\\"metric\\",...`` twice). Two ways out:

* both sides are JSON text of an object or array (a CloudWatch dashboard body, an event
  pattern kept as a string): :func:`json_text_changes` compares the parsed documents and
  names each changed path (``$.widgets[0].properties.period``) with its two values;
* anything else: :func:`changed_pair` shows each side from a little before the first
  character where the two texts differ, so the window shows the difference.

The JSON format is untouched: it always carries both values whole. Hand-written: the
comparison is a few lines of recursion over parsed JSON, and jsonpatch (already in the
test tools) gives RFC 6902 pointers a reviewer reads less easily than these paths.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

from sfs3dsl.review.diff import MISSING

#: Longest value shown inline before it is cut with an ellipsis.
MAX_VALUE: Final = 80
#: Characters kept before the first difference, so the window says where it is.
_LEAD: Final = 20

_ELLIPSIS: Final = "\u2026"


def value_text(value: Any, limit: int = MAX_VALUE) -> str:
    """``value`` as JSON, cut with an ellipsis after ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def changed_pair(old: Any, new: Any, limit: int = MAX_VALUE) -> tuple[str, str]:
    """``old`` and ``new`` as text; when either is too long, both windows start a little
    before the first character where they differ (an ellipsis marks a cut)."""
    a = json.dumps(old, ensure_ascii=False, default=repr)
    b = json.dumps(new, ensure_ascii=False, default=repr)
    if len(a) <= limit and len(b) <= limit:
        return a, b
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                 min(len(a), len(b)))
    start = max(0, first - _LEAD)
    return _window(a, start, limit), _window(b, start, limit)


def _window(text: str, start: int, limit: int) -> str:
    head = _ELLIPSIS if start else ""
    body = text[start:]
    if len(head) + len(body) <= limit:
        return head + body
    return head + body[: limit - len(head) - 1] + _ELLIPSIS


def _parsed(value: Any) -> Any:
    """The object or array a string holds as JSON text, else MISSING."""
    if not isinstance(value, str) or value.lstrip()[:1] not in ("{", "["):
        return MISSING
    try:
        data = json.loads(value)
    except ValueError:
        return MISSING
    return data if isinstance(data, (dict, list)) else MISSING


def _leaves(old: Any, new: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{key}" if str(key).isidentifier() else f"{path}[{json.dumps(key)}]"
            yield from _leaves(old.get(key, MISSING), new.get(key, MISSING), sub)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            yield from _leaves(old[i] if i < len(old) else MISSING,
                               new[i] if i < len(new) else MISSING, f"{path}[{i}]")
    elif old is MISSING or new is MISSING or old != new or type(old) is not type(new):
        yield path, old, new


def json_text_changes(old: Any, new: Any) -> list[tuple[str, Any, Any]] | None:
    """``[(path, old, new)]`` of two JSON texts of objects or arrays that differ, with
    ``MISSING`` for a side without the path; None when they are not both such texts.

    Example:
        >>> json_text_changes('{"a": [1, 2]}', '{"a": [1, 3], "b": true}')
        [('$.a[1]', 2, 3), ('$.b', MISSING, True)]
    """
    a, b = _parsed(old), _parsed(new)
    if a is MISSING or b is MISSING:
        return None
    return list(_leaves(a, b, "$"))
