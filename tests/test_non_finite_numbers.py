"""NaN and Infinity are not JSON: AWS refuses a definition holding them. The model refuses
them where a user's value enters (with file:line), the validator in a raw ASL document."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import sfs3dsl as dsl
from sfs3dsl.core.errors import BuildError
from sfs3dsl.validate import validate_definition

FN = "arn:aws:lambda:us-east-1:123456789012:function:f"
HERE = __file__.rsplit("/", 1)[-1]

BUILDERS: dict[str, tuple[Callable[[float], Any], str]] = {
    "Pass Result": (lambda v: dsl.Pass("A", result=v), "Result holds {v}"),
    "Pass Result object": (lambda v: dsl.Pass("A", result={"x": v}), "Result.x holds {v}"),
    "Parameters list": (lambda v: dsl.Pass("A", parameters={"x": [1, v]}),
                        "Parameters.x[1] holds {v}"),
    "JSONata Output": (lambda v: dsl.Pass("A", query_language="JSONata", output={"x": v}),
                       "Output.x holds {v}"),
    "Assign": (lambda v: dsl.Pass("A", assign={"x": v}), "Assign.x holds {v}"),
    "Choice ==": (lambda v: dsl.Choice("A").when(dsl.JsonPath("$.x") == v, dsl.Pass("B"))
                  .otherwise(dsl.Pass("C")), "cannot compare $.x with {v}"),
    "Choice >": (lambda v: dsl.Choice("A").when(dsl.JsonPath("$.x") > v, dsl.Pass("B"))
                 .otherwise(dsl.Pass("C")), "cannot compare $.x with {v}"),
    "Retry backoff_rate": (lambda v: dsl.lambda_invoke("A", function=FN, timeout_seconds=5)
                           .retry(["States.ALL"], backoff_rate=v),
                           "Retry backoff_rate is {v}"),
}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=repr)
@pytest.mark.parametrize("case", list(BUILDERS))
def test_the_model_refuses_a_non_finite_number_with_its_line(case: str, value: float) -> None:
    build, expected = BUILDERS[case]
    with pytest.raises(BuildError) as caught:
        dsl.compile_workflow(dsl.Workflow("w", build(value)))
    line = str(caught.value)
    assert "\n" not in line
    assert expected.format(v=repr(value)) in line
    assert f"{HERE}:" in line


@pytest.mark.parametrize("value", [math.nan, math.inf], ids=repr)
def test_the_validator_reports_a_non_finite_number_field(value: float) -> None:
    problems = dsl.compile_workflow(dsl.Workflow("w", dsl.Map(
        "A", processor=dsl.Pass("P"), tolerated_failure_percentage=value)),
        raise_errors=False).problems
    assert ("not-json", f'field "ToleratedFailurePercentage" is {value!r}, which JSON has no '
            "number for") in [(p.code, p.message) for p in problems]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=repr)
def test_a_raw_definition_with_a_non_finite_value_is_not_json(value: float) -> None:
    problems = validate_definition({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": {"x": [value]}, "End": True}}})
    assert [(p.code, p.message) for p in problems] == [
        ("not-json", "the definition is not JSON-serialisable")]
