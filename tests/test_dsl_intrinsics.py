"""The 18 intrinsic functions: rendering, use in payloads, and type-checked arguments."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sfs3dsl import BuildError, Intrinsic, JsonPath, Pass, States, Workflow
from sfs3dsl.syntax.asl import INTRINSICS
from sfs3dsl.syntax.intrinsics import parse_intrinsic

X = JsonPath("$.x")
Y = JsonPath("$.y")

# (id, call, ASL text)
RENDERED: list[tuple[str, Callable[[], Intrinsic], str]] = [
    ("Format", lambda: States.Format("Hello {}, you are {}", X, 42),
     "States.Format('Hello {}, you are {}', $.x, 42)"),
    ("Format-no-args", lambda: States.Format("plain"), "States.Format('plain')"),
    ("Format-escapes", lambda: States.Format("it's {} \\{}", X),
     "States.Format('it\\'s {} \\\\{}', $.x)"),
    ("StringToJson", lambda: States.StringToJson(X), "States.StringToJson($.x)"),
    ("StringToJson-literal", lambda: States.StringToJson('{"a": 1}'),
     "States.StringToJson('\\{\"a\": 1\\}')"),
    ("JsonToString", lambda: States.JsonToString(X), "States.JsonToString($.x)"),
    ("Array", lambda: States.Array(1, "two", X, None, True, 2.5),
     "States.Array(1, 'two', $.x, null, true, 2.5)"),
    ("Array-empty", lambda: States.Array(), "States.Array()"),
    ("ArrayPartition", lambda: States.ArrayPartition(X, 4), "States.ArrayPartition($.x, 4)"),
    ("ArrayContains", lambda: States.ArrayContains(X, "v"), "States.ArrayContains($.x, 'v')"),
    ("ArrayRange", lambda: States.ArrayRange(1, 9, 2), "States.ArrayRange(1, 9, 2)"),
    ("ArrayRange-paths", lambda: States.ArrayRange(X, Y, -1), "States.ArrayRange($.x, $.y, -1)"),
    ("ArrayGetItem", lambda: States.ArrayGetItem(X, 0), "States.ArrayGetItem($.x, 0)"),
    ("ArrayLength", lambda: States.ArrayLength(X), "States.ArrayLength($.x)"),
    ("ArrayUnique", lambda: States.ArrayUnique(States.Array(1, 1)),
     "States.ArrayUnique(States.Array(1, 1))"),
    ("Base64Encode", lambda: States.Base64Encode("data"), "States.Base64Encode('data')"),
    ("Base64Decode", lambda: States.Base64Decode(X), "States.Base64Decode($.x)"),
    ("Hash", lambda: States.Hash(X, "SHA-256"), "States.Hash($.x, 'SHA-256')"),
    ("Hash-path-algorithm", lambda: States.Hash("abc", Y), "States.Hash('abc', $.y)"),
    ("JsonMerge", lambda: States.JsonMerge(X, Y), "States.JsonMerge($.x, $.y, false)"),
    ("MathRandom", lambda: States.MathRandom(1, 100), "States.MathRandom(1, 100)"),
    ("MathRandom-seed", lambda: States.MathRandom(1, 100, X), "States.MathRandom(1, 100, $.x)"),
    ("MathAdd", lambda: States.MathAdd(X, -1), "States.MathAdd($.x, -1)"),
    ("StringSplit", lambda: States.StringSplit(X, ","), "States.StringSplit($.x, ',')"),
    ("UUID", lambda: States.UUID(), "States.UUID()"),
    ("nested", lambda: States.Format("{}", States.ArrayGetItem(States.StringSplit(X, "/"), 0)),
     "States.Format('{}', States.ArrayGetItem(States.StringSplit($.x, '/'), 0))"),
    ("context-path", lambda: States.Format("{}", JsonPath("$$.Execution.Id")),
     "States.Format('{}', $$.Execution.Id)"),
]


@pytest.mark.parametrize(("build", "text"), [(b, t) for _, b, t in RENDERED],
                         ids=[i for i, _, _ in RENDERED])
def test_intrinsic_renders(build: Callable[[], Intrinsic], text: str) -> None:
    call = build()
    assert str(call) == text
    # Our own parser of intrinsic syntax reads back the name the helper wrote.
    assert parse_intrinsic(text).name == text.split("(", 1)[0]


def test_all_eighteen_helpers_are_covered() -> None:
    covered = {text.split("(", 1)[0] for _, _, text in RENDERED}
    assert covered == set(INTRINSICS)
    assert len(covered) == 18


def test_intrinsics_in_payloads_get_dollar_keys() -> None:
    step = Pass("p", parameters={
        "greeting": States.Format("Hi {}", X),
        "nested": {"id": States.UUID(), "n": States.MathAdd(Y, 1)},
        "plain": "States.Format is only text here",
    }, result_path="$.out")
    asl = Workflow("w", step).compile().asl
    assert asl["States"]["p"] == {
        "Type": "Pass",
        "Parameters": {"greeting.$": "States.Format('Hi {}', $.x)",
                       "nested": {"id.$": "States.UUID()", "n.$": "States.MathAdd($.y, 1)"},
                       "plain": "States.Format is only text here"},
        "ResultPath": "$.out", "End": True}


def test_nesting_ten_deep_is_allowed() -> None:
    value: Intrinsic | JsonPath = X
    for _ in range(10):
        value = States.Array(value)
    assert isinstance(value, Intrinsic)
    assert value.depth == 10
    assert str(value) == "States.Array(" * 10 + "$.x" + ")" * 10


def test_nesting_eleven_deep_is_refused() -> None:
    value: Intrinsic | JsonPath = X
    for _ in range(10):
        value = States.Array(value)
    with pytest.raises(BuildError) as info:
        States.ArrayLength(value)
    assert str(info.value) == ("States.ArrayLength nests intrinsic functions 11 deep; AWS "
                               "allows 10; fix: compute part of the value in an earlier "
                               "Pass state")


SIG = "; fix: see the States.{} signature in the ASL intrinsics reference"

# (id, call, exact BuildError text)
REFUSED: list[tuple[str, Callable[[], object], str]] = [
    ("Format-template-not-str", lambda: States.Format(X),  # type: ignore[arg-type]
     "States.Format needs a str template, got JsonPath('$.x'); fix: write "
     "States.Format('Hello {}', JsonPath('$.name'))"),
    ("Format-too-few", lambda: States.Format("{} and {}", X),
     "States.Format template '{} and {}' has 2 placeholder(s) but 1 argument(s) were given; "
     "fix: give one argument for every {}"),
    ("Format-too-many", lambda: States.Format("none", X),
     "States.Format template 'none' has 0 placeholder(s) but 1 argument(s) were given; "
     "fix: give one argument for every {}"),
    ("StringToJson-int", lambda: States.StringToJson(5),
     "States.StringToJson argument 1 must be a str or a JsonPath, got 5" + SIG.format(
         "StringToJson")),
    ("JsonToString-str", lambda: States.JsonToString("x"),  # type: ignore[arg-type]
     "States.JsonToString argument 1 must be a JsonPath, got 'x'" + SIG.format("JsonToString")),
    ("ArrayPartition-array", lambda: States.ArrayPartition([1, 2], 1),  # type: ignore[arg-type]
     "States.ArrayPartition argument 1 must be a JsonPath or States.Array(...), got [1, 2]"
     + SIG.format("ArrayPartition")),
    ("ArrayPartition-size-float", lambda: States.ArrayPartition(X, 1.5),
     "States.ArrayPartition argument 2 must be an int or a JsonPath, got 1.5"
     + SIG.format("ArrayPartition")),
    ("ArrayPartition-size-bool", lambda: States.ArrayPartition(X, True),
     "States.ArrayPartition argument 2 must be an int or a JsonPath, got True"
     + SIG.format("ArrayPartition")),
    ("ArrayContains-str", lambda: States.ArrayContains("abc", "a"),  # type: ignore[arg-type]
     "States.ArrayContains argument 1 must be a JsonPath or States.Array(...), got 'abc'"
     + SIG.format("ArrayContains")),
    ("ArrayRange-str", lambda: States.ArrayRange(1, "9", 1),
     "States.ArrayRange argument 2 must be an int or a JsonPath, got '9'"
     + SIG.format("ArrayRange")),
    ("ArrayRange-zero-step", lambda: States.ArrayRange(1, 9, 0),
     "States.ArrayRange step is 0; fix: use a non-zero step"),
    ("ArrayGetItem-str-index", lambda: States.ArrayGetItem(X, "0"),
     "States.ArrayGetItem argument 2 must be an int or a JsonPath, got '0'"
     + SIG.format("ArrayGetItem")),
    ("ArrayLength-str", lambda: States.ArrayLength("abc"),  # type: ignore[arg-type]
     "States.ArrayLength argument 1 must be a JsonPath or States.Array(...), got 'abc'"
     + SIG.format("ArrayLength")),
    ("ArrayUnique-int", lambda: States.ArrayUnique(3),  # type: ignore[arg-type]
     "States.ArrayUnique argument 1 must be a JsonPath or States.Array(...), got 3"
     + SIG.format("ArrayUnique")),
    ("Base64Encode-int", lambda: States.Base64Encode(1),
     "States.Base64Encode argument 1 must be a str or a JsonPath, got 1"
     + SIG.format("Base64Encode")),
    ("Base64Decode-none", lambda: States.Base64Decode(None),
     "States.Base64Decode argument 1 must be a str or a JsonPath, got None"
     + SIG.format("Base64Decode")),
    ("Hash-algorithm-int", lambda: States.Hash(X, 256),
     "States.Hash argument 2 must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got 256"
     + SIG.format("Hash")),
    ("Hash-unknown-algorithm", lambda: States.Hash(X, "SHA-3"),
     "States.Hash algorithm 'SHA-3' is not supported; fix: use one of MD5, SHA-1, SHA-256, "
     "SHA-384, SHA-512"),
    ("JsonMerge-str", lambda: States.JsonMerge(X, "y"),  # type: ignore[arg-type]
     "States.JsonMerge argument 2 must be a JsonPath, got 'y'" + SIG.format("JsonMerge")),
    ("JsonMerge-deep", lambda: States.JsonMerge(X, Y, True),
     "States.JsonMerge supports only shallow merges (deep=False); fix: merge nested objects "
     "in a Task instead"),
    ("MathRandom-float", lambda: States.MathRandom(0.5, 10),
     "States.MathRandom argument 1 must be an int or a JsonPath, got 0.5"
     + SIG.format("MathRandom")),
    ("MathRandom-seed-str", lambda: States.MathRandom(1, 10, "s"),
     "States.MathRandom argument 3 must be an int or a JsonPath, got 's'"
     + SIG.format("MathRandom")),
    ("MathAdd-str", lambda: States.MathAdd("1", 2),
     "States.MathAdd argument 1 must be an int or a JsonPath, got '1'" + SIG.format("MathAdd")),
    ("MathAdd-bool", lambda: States.MathAdd(1, False),
     "States.MathAdd argument 2 must be an int or a JsonPath, got False"
     + SIG.format("MathAdd")),
    ("StringSplit-int", lambda: States.StringSplit(X, 1),
     "States.StringSplit argument 2 must be a str or a JsonPath, got 1"
     + SIG.format("StringSplit")),
    ("Array-dict", lambda: States.Array({"a": 1}),  # type: ignore[arg-type]
     "{'a': 1} (dict) cannot be an intrinsic argument; fix: pass a str, int, float, bool, "
     "None, JsonPath or States.* call"),
]


@pytest.mark.parametrize(("build", "text"), [(b, t) for _, b, t in REFUSED],
                         ids=[i for i, _, _ in REFUSED])
def test_wrong_argument_types_raise_build_error(build: Callable[[], object], text: str) -> None:
    with pytest.raises(BuildError) as info:
        build()
    assert str(info.value) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")],
                         ids=["nan", "inf", "-inf"])
def test_non_finite_float_argument_is_refused(value: float) -> None:
    with pytest.raises(BuildError) as info:
        States.Array(value)
    assert str(info.value) == (f"{value!r} is not a number an intrinsic function can take; "
                               "fix: pass a finite int or float")
