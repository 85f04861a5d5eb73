"""A read-only mapping made on first use.

For tables that a large definition would pay for in full but that are read only when
something is reported: the compiler's source map (``{state path: file:line}``) and the
validator's table of the machine each state name is in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class LazyMapping(Mapping[_K, _V]):
    """The dict ``make()`` returns, made the first time it is read (``make`` is then
    dropped, with whatever it holds)."""

    def __init__(self, make: Callable[[], dict[_K, _V]]) -> None:
        self._make: Callable[[], dict[_K, _V]] | None = make
        self._table: dict[_K, _V] = {}

    def made(self) -> dict[_K, _V]:
        """The table, made now if it was not."""
        if self._make is not None:
            self._table = self._make()
            self._make = None
        return self._table

    def __getitem__(self, key: _K) -> _V:
        return self.made()[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self.made())

    def __len__(self) -> int:
        return len(self.made())
