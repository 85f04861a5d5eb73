"""core/lazy.LazyMapping: a table made on first read, once."""

from __future__ import annotations

from sfs3dsl.core.lazy import LazyMapping


def test_the_table_is_made_on_first_read_and_only_once() -> None:
    calls: list[int] = []

    def make() -> dict[str, int]:
        calls.append(1)
        return {"a": 1, "b": 2}

    table = LazyMapping(make)
    assert calls == []  # made on demand only
    assert table["a"] == 1
    assert table.get("c") is None
    assert dict(table) == {"a": 1, "b": 2}
    assert len(table) == 2
    assert "b" in table
    assert calls == [1]


def test_a_table_never_read_is_never_made() -> None:
    def make() -> dict[str, int]:
        raise AssertionError("made")

    LazyMapping(make)
