"""Tables of answers worked out once (a check plan per shape of state, a verdict per text,
a key order per set of keys), kept bounded in a long-lived process."""

from __future__ import annotations

from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


def remember(table: dict[_K, _V], key: _K, value: _V, limit: int) -> _V:
    """Store ``value`` under ``key`` and return it, emptying ``table`` first when it holds
    ``limit`` entries: ``serve`` or a test session meets many definitions, and one
    definition's few shapes soon come back. The tables stay plain dicts, which the
    interpreter looks up fastest on the hot paths that read them."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value
