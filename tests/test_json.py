"""The fast indenting JSON writer gives exactly the standard library's bytes."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
import pytest
from corpus import execution_cases, real_world_definitions
from hypothesis import given, settings
from hypothesis import strategies as st

from sfs3dsl.compile.json_text import _floats_differ, dumps_indented, dumps_measured

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


def _compact(doc: Any) -> int | None:
    """The compact text's UTF-8 bytes; None for a document with NaN or Infinity (not JSON:
    the writer leaves the validator to measure and report it)."""
    try:
        return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False).encode())
    except ValueError:
        return None


def _measured_as_expected(doc: Any) -> bool:
    text, compact = dumps_measured(doc)
    if text != json.dumps(doc, indent=2, ensure_ascii=False):
        return False
    # written with a final newline (as the compiler writes files), the size is the same
    if dumps_measured(doc, newline=True) != (text + "\n", compact):
        return False
    # a string holding "NaN" or "Infinity" may also leave the count to the validator
    return compact == _compact(doc) or (compact is None and ("NaN" in text or "Infinity" in text))


@pytest.mark.parametrize("doc", AWKWARD, ids=repr)
def test_measured_text_and_compact_length_match_the_standard_library(doc: Any) -> None:
    assert _measured_as_expected(doc)


def test_every_corpus_definition_is_measured_as_its_compact_text() -> None:
    docs = [d for _, d in real_world_definitions()]
    assert len(docs) > 100
    for doc in docs:
        assert dumps_measured(doc) == (dumps_indented(doc), _compact(doc))


def test_below_both_writers_depths_the_compact_length_is_not_counted() -> None:
    # orjson writes up to 255 levels; below that the hand-written writer takes over, which
    # counts the compact length down to its recursive depth (64) only
    def nested(depth: int) -> Any:
        doc: Any = {"leaf": "x"}
        for _ in range(depth):
            doc = [doc]
        return doc

    for depth in (63, 80, 250):
        doc = nested(depth)
        assert dumps_measured(doc) == (dumps_indented(doc), _compact(doc))
    deep = nested(300)
    assert dumps_measured(deep) == (json.dumps(deep, indent=2, ensure_ascii=False), None)


_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
            | st.floats() | st.text())
_DOCS = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_DOCS)
def test_generated_documents_match_the_standard_library(doc: Any) -> None:
    # Whichever writer takes the document (orjson or the hand-written one), the text is the
    # standard library's and the compact size its UTF-8 bytes; what neither can write is a
    # TypeError/ValueError as with json.dumps.
    try:
        expected = json.dumps(doc, indent=2, ensure_ascii=False)
    except (TypeError, ValueError, UnicodeEncodeError) as error:
        with pytest.raises(type(error)):
            dumps_measured(doc)
        return
    assert dumps_indented(doc) == expected
    assert dumps_indented(doc, newline=True) == expected + "\n"
    assert _measured_as_expected(doc)


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False)
       | st.floats(min_value=1e-4, max_value=1e16, exclude_max=True))
def test_orjson_writes_a_float_as_python_unless_it_is_sent_to_the_other_writer(x: float) -> None:
    # the writer relies on it: between 1e-4 and 1e16 (and 0) both write the same digits
    if x == 0 or 1e-4 <= abs(x) < 1e16:
        assert orjson.dumps(x) == json.dumps(x).encode()
    else:
        assert _floats_differ([x])
    assert dumps_indented({"x": [x]}) == json.dumps({"x": [x]}, indent=2)


@pytest.mark.parametrize("x", [1e-4, 9.999999999999999e-05, 1e16, 9999999999999998.0, 5e-324,
                               1.7976931348623157e308, -1e-4, -1e16, 0.0, -0.0])
def test_floats_at_the_edges_of_the_range_orjson_writes_are_written_as_python(x: float) -> None:
    assert dumps_indented([x, {"x": x}]) == json.dumps([x, {"x": x}], indent=2)
