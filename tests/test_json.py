"""The fast indenting JSON writer gives exactly the standard library's bytes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from corpus import execution_cases, real_world_definitions

from sfs3dsl.compile.json_text import dumps_indented, dumps_measured

AWKWARD: list[Any] = [
    {}, [], "", 0, -1, 1.5, 2e100, -0.0, 1e-7, math.inf, -math.inf, None, True, False,
    "ü\n\"\\\t\u2028", {"a": [[], {}, [[{}]], {"b": {"c": []}}]}, [1, "two", 3.0, None],
    {"k": (1, 2)}, {"\u00e9": "\x00\x1f"},
]


@pytest.mark.parametrize("doc", AWKWARD, ids=repr)
def test_awkward_values_match_the_standard_library(doc: Any) -> None:
    assert dumps_indented(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


def test_nan_matches_the_standard_library() -> None:
    assert dumps_indented([math.nan]) == json.dumps([math.nan], indent=2)


def test_every_corpus_definition_matches_the_standard_library() -> None:
    docs = [d for _, d in real_world_definitions()]
    docs += [c["definition"] for c in execution_cases()]
    assert len(docs) > 300
    for doc in docs:
        assert dumps_indented(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("bad", [{"a": {1, 2}}, {1: "int key"}, [object()]], ids=repr)
def test_what_is_not_json_raises_type_error(bad: Any) -> None:
    with pytest.raises(TypeError):
        dumps_indented(bad)


def test_deep_nesting_does_not_recurse() -> None:
    doc: Any = []
    for _ in range(5000):
        doc = [doc]
    assert dumps_indented(doc).count("[") == 5001


def test_nesting_across_the_recursive_and_iterative_writers_matches() -> None:
    # The writer recurses to depth 64 and continues iteratively below; both halves and the
    # seam between them must write the standard library's bytes.
    doc: Any = {"leaf": "x"}
    for i in range(200):
        doc = [doc, {"a": i, "b": []}] if i % 2 else {"k": doc, "n": None}
    assert dumps_indented(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


def _compact(doc: Any) -> int:
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))


@pytest.mark.parametrize("doc", AWKWARD, ids=repr)
def test_measured_text_and_compact_length_match_the_standard_library(doc: Any) -> None:
    assert dumps_measured(doc) == (dumps_indented(doc), _compact(doc))


def test_every_corpus_definition_is_measured_as_its_compact_text() -> None:
    docs = [d for _, d in real_world_definitions()]
    assert len(docs) > 100
    for doc in docs:
        assert dumps_measured(doc) == (dumps_indented(doc), _compact(doc))


def test_below_the_recursive_writer_the_compact_length_is_not_counted() -> None:
    shallow: Any = {"leaf": "x"}
    deep: Any = {"leaf": "x"}
    for _ in range(63):
        shallow = [shallow]
    for _ in range(80):
        deep = [deep]
    assert dumps_measured(shallow) == (dumps_indented(shallow), _compact(shallow))
    assert dumps_measured(deep) == (dumps_indented(deep), None)
