"""Choice conditions: every comparison operator of the ASL specification, & | ~, guardrails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import pytest

from sfs3dsl import (
    And,
    BuildError,
    Choice,
    Condition,
    Jsonata,
    JsonataCondition,
    JsonPath,
    Not,
    Or,
    Pass,
    Workflow,
)
from sfs3dsl.syntax.asl import COMPARISONS

A = JsonPath("$.a")
B = JsonPath("$.b")
T0 = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)

# (id, condition, rendered rule without Next)
CASES: list[tuple[str, Callable[[], Condition], dict[str, Any]]] = [
    ("StringEquals", lambda: A == "x", {"Variable": "$.a", "StringEquals": "x"}),
    ("StringLessThan", lambda: A < "x", {"Variable": "$.a", "StringLessThan": "x"}),
    ("StringGreaterThan", lambda: A > "x", {"Variable": "$.a", "StringGreaterThan": "x"}),
    ("StringLessThanEquals", lambda: A <= "x", {"Variable": "$.a", "StringLessThanEquals": "x"}),
    ("StringGreaterThanEquals", lambda: A >= "x",
     {"Variable": "$.a", "StringGreaterThanEquals": "x"}),
    ("NumericEquals", lambda: A == 1, {"Variable": "$.a", "NumericEquals": 1}),
    ("NumericLessThan", lambda: A < 1.5, {"Variable": "$.a", "NumericLessThan": 1.5}),
    ("NumericGreaterThan", lambda: A > -2, {"Variable": "$.a", "NumericGreaterThan": -2}),
    ("NumericLessThanEquals", lambda: A <= 0, {"Variable": "$.a", "NumericLessThanEquals": 0}),
    ("NumericGreaterThanEquals", lambda: A >= 10,
     {"Variable": "$.a", "NumericGreaterThanEquals": 10}),
    ("BooleanEquals", lambda: A == False,  # noqa: E712
     {"Variable": "$.a", "BooleanEquals": False}),
    ("TimestampEquals", lambda: A == T0,
     {"Variable": "$.a", "TimestampEquals": "2024-05-06T07:08:09Z"}),
    ("TimestampLessThan", lambda: A < T0,
     {"Variable": "$.a", "TimestampLessThan": "2024-05-06T07:08:09Z"}),
    ("TimestampGreaterThan", lambda: A > T0,
     {"Variable": "$.a", "TimestampGreaterThan": "2024-05-06T07:08:09Z"}),
    ("TimestampLessThanEquals", lambda: A <= T0,
     {"Variable": "$.a", "TimestampLessThanEquals": "2024-05-06T07:08:09Z"}),
    ("TimestampGreaterThanEquals", lambda: A >= T0,
     {"Variable": "$.a", "TimestampGreaterThanEquals": "2024-05-06T07:08:09Z"}),
    ("Timestamp-typed-str", lambda: A.timestamp > "2024-01-01T00:00:00Z",
     {"Variable": "$.a", "TimestampGreaterThan": "2024-01-01T00:00:00Z"}),
    ("String-typed-view", lambda: A.string == "1", {"Variable": "$.a", "StringEquals": "1"}),
    ("Numeric-typed-view", lambda: A.number < 2, {"Variable": "$.a", "NumericLessThan": 2}),
    ("Boolean-typed-view", lambda: A.boolean == True,  # noqa: E712
     {"Variable": "$.a", "BooleanEquals": True}),
    ("StringEqualsPath", lambda: A.string == B, {"Variable": "$.a", "StringEqualsPath": "$.b"}),
    ("StringLessThanPath", lambda: A.string < B,
     {"Variable": "$.a", "StringLessThanPath": "$.b"}),
    ("StringGreaterThanPath", lambda: A.string > B,
     {"Variable": "$.a", "StringGreaterThanPath": "$.b"}),
    ("StringLessThanEqualsPath", lambda: A.string <= B,
     {"Variable": "$.a", "StringLessThanEqualsPath": "$.b"}),
    ("StringGreaterThanEqualsPath", lambda: A.string >= B,
     {"Variable": "$.a", "StringGreaterThanEqualsPath": "$.b"}),
    ("NumericEqualsPath", lambda: A.number == B,
     {"Variable": "$.a", "NumericEqualsPath": "$.b"}),
    ("NumericLessThanPath", lambda: A.number < B,
     {"Variable": "$.a", "NumericLessThanPath": "$.b"}),
    ("NumericGreaterThanPath", lambda: A.number > B,
     {"Variable": "$.a", "NumericGreaterThanPath": "$.b"}),
    ("NumericLessThanEqualsPath", lambda: A.number <= B,
     {"Variable": "$.a", "NumericLessThanEqualsPath": "$.b"}),
    ("NumericGreaterThanEqualsPath", lambda: A.number >= B,
     {"Variable": "$.a", "NumericGreaterThanEqualsPath": "$.b"}),
    ("NumericPath-type-on-right", lambda: A < B.number,  # noqa: SIM300
     {"Variable": "$.a", "NumericLessThanPath": "$.b"}),
    ("BooleanEqualsPath", lambda: A.boolean == B,
     {"Variable": "$.a", "BooleanEqualsPath": "$.b"}),
    ("TimestampEqualsPath", lambda: A.timestamp == B,
     {"Variable": "$.a", "TimestampEqualsPath": "$.b"}),
    ("TimestampLessThanPath", lambda: A.timestamp < B,
     {"Variable": "$.a", "TimestampLessThanPath": "$.b"}),
    ("TimestampGreaterThanPath", lambda: A.timestamp > B,
     {"Variable": "$.a", "TimestampGreaterThanPath": "$.b"}),
    ("TimestampLessThanEqualsPath", lambda: A.timestamp <= B,
     {"Variable": "$.a", "TimestampLessThanEqualsPath": "$.b"}),
    ("TimestampGreaterThanEqualsPath", lambda: A.timestamp >= B,
     {"Variable": "$.a", "TimestampGreaterThanEqualsPath": "$.b"}),
    ("StringMatches", lambda: A.matches("log-*.csv"),
     {"Variable": "$.a", "StringMatches": "log-*.csv"}),
    ("IsNull", lambda: A.is_null(), {"Variable": "$.a", "IsNull": True}),
    ("IsPresent", lambda: A.is_present(False), {"Variable": "$.a", "IsPresent": False}),
    ("IsNumeric", lambda: A.is_numeric(), {"Variable": "$.a", "IsNumeric": True}),
    ("IsString", lambda: A.is_string(), {"Variable": "$.a", "IsString": True}),
    ("IsBoolean", lambda: A.is_boolean(False), {"Variable": "$.a", "IsBoolean": False}),
    ("IsTimestamp", lambda: A.is_timestamp(), {"Variable": "$.a", "IsTimestamp": True}),
    ("not-equal", lambda: A != 3, {"Not": {"Variable": "$.a", "NumericEquals": 3}}),
    ("invert", lambda: ~A.is_null(), {"Not": {"Variable": "$.a", "IsNull": True}}),
    ("Not-function", lambda: Not(A == "x"), {"Not": {"Variable": "$.a", "StringEquals": "x"}}),
    ("and", lambda: (A > 1) & (B < 2), {"And": [{"Variable": "$.a", "NumericGreaterThan": 1},
                                                {"Variable": "$.b", "NumericLessThan": 2}]}),
    ("or", lambda: (A == "x") | B.is_present(),
     {"Or": [{"Variable": "$.a", "StringEquals": "x"}, {"Variable": "$.b", "IsPresent": True}]}),
    ("and-flattens", lambda: (A > 1) & (A < 9) & B.is_string(),
     {"And": [{"Variable": "$.a", "NumericGreaterThan": 1},
              {"Variable": "$.a", "NumericLessThan": 9}, {"Variable": "$.b", "IsString": True}]}),
    ("or-of-ands", lambda: ((A > 1) & (A < 9)) | ~(B == True),  # noqa: E712
     {"Or": [{"And": [{"Variable": "$.a", "NumericGreaterThan": 1},
                      {"Variable": "$.a", "NumericLessThan": 9}]},
             {"Not": {"Variable": "$.b", "BooleanEquals": True}}]}),
    ("And-function", lambda: And(A > 1), {"And": [{"Variable": "$.a", "NumericGreaterThan": 1}]}),
    ("Or-function", lambda: Or(A.is_null(), B.is_null()),
     {"Or": [{"Variable": "$.a", "IsNull": True}, {"Variable": "$.b", "IsNull": True}]}),
    ("nested-path-item", lambda: A["b c"][2]["d"] == "x",
     {"Variable": "$.a['b c'][2].d", "StringEquals": "x"}),
    ("variable-root", lambda: JsonPath("$counter") >= 3,
     {"Variable": "$counter", "NumericGreaterThanEquals": 3}),
    ("jsonata", lambda: JsonataCondition("$states.input.n > 1"),
     {"Condition": "{% $states.input.n > 1 %}"}),
    ("jsonata-and", lambda: JsonataCondition("$a") & JsonataCondition("{% $b %}"),
     {"Condition": "{% ($a) and ($b) %}"}),
    ("jsonata-or", lambda: JsonataCondition(Jsonata("$a")) | JsonataCondition("$b"),
     {"Condition": "{% ($a) or ($b) %}"}),
    ("jsonata-not", lambda: ~JsonataCondition("$a"), {"Condition": "{% $not($a) %}"}),
]


@pytest.mark.parametrize(("build", "expected"), [(b, e) for _, b, e in CASES],
                         ids=[i for i, _, _ in CASES])
def test_condition_renders_in_a_choice(build: Callable[[], Condition],
                                       expected: dict[str, Any]) -> None:
    choice = Choice("c").when(build(), Pass("yes")).otherwise(Pass("no"))
    language: Literal["JSONata", "JSONPath"] = (
        "JSONata" if "Condition" in expected else "JSONPath")
    asl = Workflow("w", choice, query_language=language).compile().asl
    assert asl["States"]["c"] == {"Type": "Choice", "Choices": [{**expected, "Next": "yes"}],
                                  "Default": "no"}


def test_every_comparison_operator_of_the_spec_is_reachable() -> None:
    """The table of the specification's operators and the cases above agree exactly."""
    seen: set[str] = set()
    stack = [build().render() for _, build, _ in CASES]
    while stack:
        rule = stack.pop()
        for key, value in rule.items():
            if key in ("And", "Or"):
                stack.extend(value)
            elif key == "Not":
                stack.append(value)
            elif key not in ("Variable", "Condition"):
                seen.add(key)
    assert seen == set(COMPARISONS)


def test_jsonata_choice_in_a_jsonata_machine() -> None:
    choice = (Choice("c").when("{% $states.input.n > 1 %}", Pass("big"))
              .when(~JsonataCondition("$states.input.ok"), Pass("bad")).otherwise(Pass("small")))
    asl = Workflow("w", choice, query_language="JSONata").compile().asl
    assert asl["States"]["c"] == {"Type": "Choice", "Choices": [
        {"Condition": "{% $states.input.n > 1 %}", "Next": "big"},
        {"Condition": "{% $not($states.input.ok) %}", "Next": "bad"}], "Default": "small"}


TRUTH = ("a Choice condition has no truth value: combine conditions with & | ~ instead of "
         "and/or/not, and write 1 < x < 5 as (x > 1) & (x < 5)")


def test_and_keyword_raises_type_error() -> None:
    a, b = JsonPath("$.a"), JsonPath("$.b")
    with pytest.raises(TypeError) as info:
        _ = a > 1 and b < 2
    assert str(info.value) == TRUTH


def test_chained_comparison_raises_type_error() -> None:
    a = JsonPath("$.a")
    with pytest.raises(TypeError) as info:
        _ = 1 < a < 5
    assert str(info.value) == TRUTH


@pytest.mark.parametrize("use", [
    lambda c: not c,
    lambda c: bool(c),
    lambda c: c or True,
    lambda c: 1 if c else 0,
], ids=["not", "bool", "or", "if"])
def test_condition_refuses_every_bool_use(use: Callable[[Condition], object]) -> None:
    with pytest.raises(TypeError) as info:
        use(JsonPath("$.a").is_null())
    assert str(info.value) == TRUTH


# (id, what builds it, the exact BuildError text; none of these carry a file:line)
REFUSED: list[tuple[str, Callable[[], object], str]] = [
    ("path-vs-path-untyped", lambda: A < B,
     "comparing $.a with $.b needs a type; fix: write JsonPath('$.a').number < ... "
     "(or .string, .timestamp, .boolean)"),
    ("boolean-order", lambda: A > True,
     "booleans have no order: $.a can only be compared with ==; fix: use == or != with a bool"),
    ("boolean-path-order", lambda: A.boolean < B,
     "booleans have no order: $.a can only be compared with ==; fix: use == or != with a bool"),
    ("none", lambda: A == None,  # noqa: E711
     "cannot compare $.a with None (NoneType); fix: compare with a str, int, float, bool, "
     "datetime or JsonPath"),
    ("dict", lambda: A == {"x": 1},
     "cannot compare $.a with {'x': 1} (dict); fix: compare with a str, int, float, bool, "
     "datetime or JsonPath"),
    ("typed-mismatch", lambda: A.number == "5",
     "$.a is compared as a number with '5'; fix: compare it with a number value"),
    ("string-view-with-int", lambda: A.string < 5,
     "$.a is compared as a string with 5; fix: compare it with a string value"),
    ("naive-datetime", lambda: A > dt.datetime(2024, 1, 1),  # noqa: SIM300
     "the datetime compared with $.a has no time zone; fix: pass datetime(..., "
     "tzinfo=timezone.utc)"),
    ("matches-non-str", lambda: A.matches(5),  # type: ignore[arg-type]
     "StringMatches on $.a needs a str pattern, got 5; fix: write .matches(\"*.csv\")"),
    ("is-null-non-bool", lambda: A.is_null(1),  # type: ignore[arg-type]
     "IsNull on $.a takes True or False, got 1; fix: write .is_null() or .is_null(False)"),
    ("is-present-non-bool", lambda: A.is_present("yes"),  # type: ignore[arg-type]
     "IsPresent on $.a takes True or False, got 'yes'; fix: write .is_present() or "
     ".is_present(False)"),
    ("and-with-bool", lambda: (A > 1) & True,  # type: ignore[operator]
     "cannot combine a condition with True using And; fix: parenthesise comparisons: "
     "(JsonPath('$.a') > 1) & (...)"),
    ("or-with-int", lambda: (A > 1) | 3,  # type: ignore[operator]
     "cannot combine a condition with 3 using Or; fix: parenthesise comparisons: "
     "(JsonPath('$.a') > 1) & (...)"),
    ("And-empty", lambda: And(), "And() needs at least one condition; fix: write "
                                 "And(cond1, cond2)"),
    ("Or-non-condition", lambda: Or(A > 1, "x"),  # type: ignore[arg-type]
     "Or() got 'x', which is not a condition; fix: build conditions from JsonPath comparisons"),
    ("Not-non-condition", lambda: Not(True),  # type: ignore[arg-type]
     "Not() got True, which is not a condition; fix: build conditions from JsonPath "
     "comparisons"),
    ("not-a-path", lambda: JsonPath("a.b"),
     "'a.b' is not a JSONPath; fix: start it with \"$\" (input), \"$$\" (context) or "
     "\"$name\" (variable)"),
    ("when-not-a-condition", lambda: Choice("c").when(5, Pass("p")),  # type: ignore[arg-type]
     "5 is not a condition; fix: compare a JsonPath (JsonPath(\"$.n\") > 1) or pass a JSONata "
     "string"),
    ("empty-jsonata", lambda: JsonataCondition("  "),
     "'  ' is not a JSONata expression; fix: write Jsonata(\"$states.input.field\")"),
]


@pytest.mark.parametrize(("build", "text"), [(b, t) for _, b, t in REFUSED],
                         ids=[i for i, _, _ in REFUSED])
def test_bad_condition_raises_build_error(build: Callable[[], object], text: str) -> None:
    with pytest.raises(BuildError) as info:
        build()
    assert str(info.value) == text


def test_condition_repr_shows_the_rule() -> None:
    assert repr(A > 1) == "Comparison({'Variable': '$.a', 'NumericGreaterThan': 1})"
    assert repr(A.number) == "JsonPath('$.a').number"
