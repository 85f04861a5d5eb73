"""The AWS dialect of JSONPath: parsing, evaluation, reference paths and ResultPath."""

from __future__ import annotations

from typing import Any

import pytest

from sfs3dsl.syntax.jsonpath import (
    JsonPathError,
    PathNotFound,
    parse_path,
    parse_reference_path,
    set_path,
)

DOC: dict[str, Any] = {
    "store": {
        "book": [
            {"title": "A", "price": 8, "tags": ["x"]},
            {"title": "B", "price": 12},
            {"title": "C", "price": 22, "tags": ["x", "y"]},
        ],
        "bike": {"price": 19},
    },
    "a b": 1,
    "n": None,
}


@pytest.mark.parametrize(("text", "expected"), [
    ("$", DOC),
    ("$.store.bike.price", 19),
    ("$.store.bike['price']", 19),
    ('$["store"]["bike"]["price"]', 19),
    ("$['a b']", 1),
    ("$.n", None),
    ("$.store.book[0].title", "A"),
    ("$.store.book[-1].title", "C"),
    ("$.store.book[(@.length-2)].title", "B"),
    ("$.store.book.[0].title", "A"),
])
def test_definite_paths_give_the_value(text: str, expected: Any) -> None:
    path = parse_path(text)
    assert path.is_definite
    assert path.get(DOC) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("$.store.book[*].title", ["A", "B", "C"]),
    ("$.store.book.*.price", [8, 12, 22]),
    ("$..price", [8, 12, 22, 19]),
    ("$.store..title", ["A", "B", "C"]),
    ("$.store.book[0,2].title", ["A", "C"]),
    ("$.store.book[1:].title", ["B", "C"]),
    ("$.store.book[:2].title", ["A", "B"]),
    ("$.store.book[-2:].title", ["B", "C"]),
    ("$.store.book[::2].title", ["A", "C"]),
    ("$.store.bike['price','nope']", [19]),
    ("$.store.book[?(@.price > 10)].title", ["B", "C"]),
    ("$.store.book[?(@.price >= 12 && @.price <= 12)].title", ["B"]),
    ("$.store.book[?(@.price < 10 || @.title == 'C')].title", ["A", "C"]),
    ("$.store.book[?(@.tags)].title", ["A", "C"]),
    ("$.store.book[?(!@.tags)].title", ["B"]),
    ("$.store.book[?(@.tags.length == 2)].title", ["C"]),
    ("$.store.book[?(@.title in ['A', 'B'])].price", [8, 12]),
    ("$.store.book[?(@.title nin ['A', 'B'])].price", [22]),
    ("$.store.book[?(@.title =~ /b/i)].price", [12]),
    ("$.store.book[?(@.title != 'A')].price", [12, 22]),
    ("$.store.book[?(@.price == '8')].title", []),
    ("$.store.book[?((@.price > 20))].title", ["C"]),
    ("$.nothing[*]", []),
    ("$.store.book[?(@.price > $.store.bike.price)].title", ["C"]),
])
def test_indefinite_paths_give_a_list(text: str, expected: Any) -> None:
    path = parse_path(text)
    assert not path.is_definite
    assert path.get(DOC) == expected


@pytest.mark.parametrize(("text", "root", "var"), [
    ("$", "$", None),
    ("$.a", "$", None),
    ("$$", "$$", None),
    ("$$.Execution.Id", "$$", None),
    ("$x", "var", "x"),
    ("$my_var.field[0]", "var", "my_var"),
])
def test_roots(text: str, root: str, var: str | None) -> None:
    path = parse_path(text)
    assert (path.root, path.var) == (root, var)


@pytest.mark.parametrize(("text", "key"), [
    ("$['it\\'s']", "it's"),
    ('$["say \\"hi\\""]', 'say "hi"'),
    ("$['back\\\\slash']", "back\\slash"),
    # AWS (Jayway) keeps a backslash that escapes nothing: recorded by LocalStack's
    # test_escape_sequence_parsing against Step Functions.
    ("$['Test\\\"\"Name\"']", 'Test\\""Name"'),
])
def test_escapes_in_quoted_names(text: str, key: str) -> None:
    assert parse_path(text).get({key: 1}) == 1


def test_a_variable_path_is_evaluated_against_the_variable_value() -> None:
    assert parse_path("$order.items[1]").get({"items": [1, 2]}) == 2


@pytest.mark.parametrize("text", ["$.missing", "$.store.book[7]", "$.store.bike.price.x"])
def test_a_definite_path_that_matches_nothing_raises(text: str) -> None:
    with pytest.raises(PathNotFound, match="could not be found"):
        parse_path(text).get(DOC)


def test_path_not_found_is_a_key_error_with_readable_text() -> None:
    with pytest.raises(KeyError) as info:
        parse_path("$.x").get({})
    assert str(info.value) == "the JSONPath '$.x' could not be found in the input"


@pytest.mark.parametrize(("text", "message", "position"), [
    ("", "a path must start with '$'", 0),
    ("a.b", "a path must start with '$'", 0),
    ("$$23", "unexpected character '2'; expected '.' or '['", 2),
    ("$.", "expected a member name after '.', found the end of the path", 2),
    ("$.a..", "expected a member name after '.', found the end of the path", 5),
    ("$.a b", "unexpected character ' '; expected '.' or '['", 3),
    ("$.a[", "unclosed '['", 3),
    ("$.a[]", "empty brackets '[]'", 4),
    ("$.a[x]", "'x' is not an array index", 4),
    ("$.a['x'", "unclosed '['", 3),
    ("$.a['x' 'y']", "unexpected \"'\" after a quoted name", 8),
    ("$.a[1:2:3:4]", "a slice has at most three parts, start:stop:step", 4),
    ("$.a[::0]", "a slice step cannot be 0", 4),
    ("$.a[?(@.x >)]", "the filter ends too early", 11),
    ("$.a[?(@.x > 1]", "a filter is written [?(expression)]", 4),
    ("$.a[?(@.x ~ 1)]", "unexpected '~' in a filter", 10),
    ("$.a[?(@.x > $$23)]", "unexpected character '2'; expected '.' or '['", 14),
    ("$.a)", "unexpected character ')'; expected '.' or '['", 3),
])
def test_parse_errors_name_the_mistake_and_its_position(
        text: str, message: str, position: int) -> None:
    with pytest.raises(JsonPathError) as info:
        parse_path(text)
    assert (info.value.message, info.value.position) == (message, position)


@pytest.mark.parametrize(("text", "message"), [
    ("$.a[*]", "a reference path allows only names and single indexes in brackets"),
    ("$..a", "'..' is not allowed in a reference path"),
    ("$.a.*", "'*' is not allowed in a reference path"),
    ("$.a[1:2]", "a reference path allows only names and single indexes in brackets"),
    ("$.a[?(@.b)]", "a reference path allows only names and single indexes in brackets"),
    ("$['a','b']", "a union of names is not allowed in a reference path"),
])
def test_reference_paths_allow_only_names_and_indexes(text: str, message: str) -> None:
    parse_path(text)  # a valid path ...
    with pytest.raises(JsonPathError) as info:
        parse_reference_path(text)  # ... but not a reference path
    assert info.value.message == message


@pytest.mark.parametrize("text", ["$", "$.a", "$.a[0].b", "$['a b'].c", "$$.Task.Token"])
def test_reference_paths_accepted(text: str) -> None:
    assert parse_reference_path(text).is_definite


@pytest.mark.parametrize(("data", "path", "value", "expected"), [
    ({"a": 1}, "$", {"r": 1}, {"r": 1}),
    ({"a": 1}, "$.b", 2, {"a": 1, "b": 2}),
    ({"a": 1}, "$.b.c.d", 2, {"a": 1, "b": {"c": {"d": 2}}}),
    ({"a": {"x": 1}}, "$.a.y", 2, {"a": {"x": 1, "y": 2}}),
    ({"a": [1, 2]}, "$.a[1]", 9, {"a": [1, 9]}),
    ({"a": [{"b": 1}]}, "$.a[0].c", 2, {"a": [{"b": 1, "c": 2}]}),
    ({"a": 1}, "$['a']", 5, {"a": 5}),
])
def test_set_path(data: Any, path: str, value: Any, expected: Any) -> None:
    before = repr(data)
    assert set_path(data, parse_reference_path(path), value) == expected
    assert repr(data) == before  # the input is never changed


@pytest.mark.parametrize(("data", "path", "message"), [
    ({"a": 1}, "$.a.b",
     "unable to apply ResultPath '$.a.b': 'a' holds a int, not an object"),
    ("text", "$.a",
     "unable to apply ResultPath '$.a': the value before 'a' is not an object"),
    ({"a": [1]}, "$.a[3]",
     "unable to apply ResultPath '$.a[3]': the value before [3] is not an array with an "
     "item 3"),
])
def test_set_path_failures(data: Any, path: str, message: str) -> None:
    with pytest.raises(PathNotFound) as info:
        set_path(data, parse_reference_path(path), 1)
    assert str(info.value) == message


def test_parsing_is_cached() -> None:
    assert parse_path("$.cached.path") is parse_path("$.cached.path")


def test_deep_documents_do_not_recurse() -> None:
    data: Any = {"v": 0}
    for i in range(1, 5000):
        data = {"v": i, "child": data}
    assert len(parse_path("$..v").find(data)) == 5000
