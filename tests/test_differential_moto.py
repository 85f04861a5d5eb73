"""Differential test: sfs3dsl's runner and moto's engine (a port of LocalStack's) agree.

The reference workflows without Lambda tasks and a few hundred generated Pass / Choice /
Map / Parallel / Wait(0) / Succeed / Fail definitions run on both; status and output (or
error and cause) must be equal. Where moto is known to be wrong, the case is listed in
:data:`DIVERGENCES` with the AWS developer guide's rule, and the test asserts that moto
still gets it wrong and that we answer as AWS does, so a fixed moto shows up as a failure.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfs3dsl.run.interpreter import Runner

# moto's engine runs each Parallel branch on a thread of its own; when one branch fails,
# the others raise RuntimeError in their threads after the execution ended. That is moto's
# noise, not a result: the status and output compared below come from DescribeExecution.
pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

ROOT = Path(__file__).resolve().parent.parent
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True},
               "lambda": {"use_docker": False}}
Outcome = tuple[str, Any]


class MotoEngine:
    """moto's Step Functions engine, in-process: create, start (always named), poll."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.count = itertools.count()

    def run(self, definition: dict[str, Any], value: Any) -> Outcome:
        n = next(self.count)
        arn = self.client.create_state_machine(
            name=f"diff-{n}", definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/diff")["stateMachineArn"]
        execution = self.client.start_execution(stateMachineArn=arn, name=f"run-{n}",
                                                 input=json.dumps(value))["executionArn"]
        deadline = time.monotonic() + 30
        while True:
            found = self.client.describe_execution(executionArn=execution)
            if found["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        self.client.delete_state_machine(stateMachineArn=arn)
        if found["status"] == "SUCCEEDED":
            return "SUCCEEDED", json.loads(found["output"])
        return str(found["status"]), {"Error": found.get("error"), "Cause": found.get("cause")}


def ours(definition: dict[str, Any], value: Any) -> Outcome:
    execution = Runner().run(definition, value)
    if execution.status == "SUCCEEDED":
        return "SUCCEEDED", execution.output
    return execution.status, {"Error": execution.error, "Cause": execution.cause}


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoEngine]:
    from moto import mock_aws

    boto3 = pytest.importorskip("boto3")
    with mock_aws(config=MOTO_CONFIG):
        yield MotoEngine(boto3.client("stepfunctions", region_name="us-east-1"))


# --- known divergences ------------------------------------------------------------------------
#: Each row: (case id, definition, input, what moto answers (status, error, and a part of
#: the cause), why AWS answers otherwise).
#: The developer guide decides; the test checks both halves of every row.
MAP_NOT_ARRAY = "Map state input must be an array but was: <class 'str'>"
DIVERGENCES: list[tuple[str, dict[str, Any], Any, Outcome, str]] = [
    ("choice-variable-missing", json.loads(
        (ROOT / "generated" / "course-choice" / "statemachine.asl.json").read_text("utf-8")),
     {"other": 1}, ("SUCCEEDED", {"other": 1, "verdict": "something else"}),
     "Developer guide, Choice state: a rule's Variable must exist in the input (guard it "
     "with IsPresent); comparing a missing path fails the execution with States.Runtime. "
     "moto treats the rule as false and takes the Default."),
    ("map-items-not-an-array", json.loads(
        (ROOT / "generated" / "course-map" / "statemachine.asl.json").read_text("utf-8")),
     {"basket": {"items": "not a list"}},
     ("FAILED", {"Error": "States.QueryEvaluationError", "Cause": MAP_NOT_ARRAY}),
     "Developer guide, error names: States.QueryEvaluationError is the JSONata error; a "
     "JSONPath state's run-time failure is States.Runtime. AWS's recorded runs (corpus) show "
     "QueryEvaluationError only for the JSONata form; moto uses it for ItemsPath too."),
    ("no-choice-matched", {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1,
                                              "Next": "P"}]},
        "P": {"Type": "Pass", "End": True}}},
     {"n": 0}, ("FAILED", {"Error": "States.Runtime", "Cause": "No branching option reached"}),
     "ASL specification and developer guide, Choice state: when no rule matches and there is "
     "no Default, the state fails with States.NoChoiceMatched. moto raises a Python "
     "RuntimeError, reported as States.Runtime."),
    ("cause-json-spacing", {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": {"a.$": "$.items[0]"}, "End": True}}},
     {"n": 0, "items": []},
     ("FAILED", {"Error": "States.Runtime", "Cause": "could not be found in the input "
                                                     "'{\"n\": 0, \"items\": []}'"}),
     "Developer guide, error causes and recorded AWS runs (corpus): JSON quoted in a cause is "
     "compact ({\"n\":0}); moto writes Python's spaced form. The generated cases compare "
     "causes with whitespace removed; this row keeps the difference visible."),
    ("indefinite-path-no-match", {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": {"a.$": "$.items[-1:]"}, "End": True}}},
     {"items": []},
     ("FAILED", {"Error": "States.Runtime", "Cause": "could not be found in the input"}),
     "Developer guide, paths: an indefinite path (slice, filter, wildcard) selects a list of "
     "matches, which may be empty ([]); only a definite path that matches nothing fails. "
     "moto fails the state."),
    ("intrinsic-argument-type", {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": {"b64.$": "States.Base64Encode($.n)"}, "End": True}}},
     {"n": 0},
     ("FAILED", {"Error": "States.Runtime", "Cause": "TypeError("}),
     "ASL specification, Appendix A: an intrinsic function that fails inside a payload "
     "template raises States.IntrinsicFailure (catchable); moto leaks a Python TypeError as "
     "States.Runtime."),
    ("result-path-failure-in-map-iteration", {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": {
            "StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 0, "ResultPath": "$.r",
                                             "End": True}}}}}},
     {"items": [0]},
     ("FAILED", {"Error": "States.Runtime", "Cause": (
         "Custom Error Names MUST NOT begin with the prefix 'States.', got 'States.Runtime'.")}),
     "Developer guide, error names: a ResultPath that cannot be applied to the state's input "
     "(here the item 0, not an object) is States.ResultPathMatchFailure, and a failed "
     "iteration fails the Map with that error. moto re-raises it as a malformed custom error."),
]


@pytest.mark.parametrize(("case", "definition", "value", "moto_says", "reason"), DIVERGENCES,
                         ids=[row[0] for row in DIVERGENCES])
def test_known_divergence_still_holds(moto: MotoEngine, case: str, definition: dict[str, Any],
                                      value: Any, moto_says: Outcome, reason: str) -> None:
    status, details = moto.run(definition, value)
    changed = f"moto changed: {case} ({reason})"
    assert status == moto_says[0], changed
    if status == "SUCCEEDED":
        assert details == moto_says[1], changed
        assert ours(definition, value)[0] != "SUCCEEDED"
        return
    assert details["Error"] == moto_says[1]["Error"], changed
    assert moto_says[1]["Cause"] in details["Cause"], changed
    our_status, our_details = ours(definition, value)
    assert (our_status, our_details.get("Error"), our_details.get("Cause")) != (
        status, details["Error"], details["Cause"])


# --- the reference workflows without Lambda tasks ---------------------------------------------

def _asl(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "generated" / name / "statemachine.asl.json").read_text(encoding="utf-8"))
    return data


REFERENCE = [
    ("course-choice", {"inputNum": 1}), ("course-choice", {"inputNum": 7}),
    ("course-choice", {"inputNum": 3}), ("course-choice", {"inputNum": 5.5}),
    ("course-parallel", {"order": 17}),
    ("course-map", {"basket": {"items": [{"sku": "a"}, {"sku": "b"}, 3, None, [1]]}}),
    ("course-map", {"basket": {"items": []}}),
]


@pytest.mark.parametrize(("name", "value"), REFERENCE,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(REFERENCE)])
def test_reference_workflow_agrees(moto: MotoEngine, name: str, value: Any) -> None:
    definition = _asl(name)
    status, output = ours(definition, value)
    theirs = moto.run(definition, value)
    assert status == theirs[0]
    if status == "SUCCEEDED":
        assert output == theirs[1]
    else:
        assert output["Error"] == theirs[1]["Error"]


# --- generated definitions ---------------------------------------------------------------------

KEYS = ("a", "b", "c")
names = itertools.count()


def _name(prefix: str) -> str:
    return f"{prefix}{next(names)}"


scalars = st.one_of(st.integers(-5, 20), st.sampled_from(["x", "y", "", "héllo"]),
                    st.booleans(), st.none())
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
    max_leaves=6)
# not "$.a": a number there reaches States.Base64Encode (see intrinsic-argument-type)
result_paths = st.sampled_from(["$.r", "$.out.inner", "$.r2"])
templates = st.fixed_dictionaries({}, optional={
    # no slice of a maybe-empty list: see indefinite-path-no-match
    "a.$": st.sampled_from(["$.a", "$.n", "$$.State.Name", "$.obj.k", "$.items[*]"]),
    "lit": json_values,
    "fmt.$": st.just("States.Format('n={} k={}', $.n, $.obj.k)"),  # not objects: see report
    "sum.$": st.just("States.MathAdd($.n, 3)"),
    "len.$": st.just("States.ArrayLength($.items)"),
    "arr.$": st.just("States.Array($.n, 'k', $.a)"),
    "part.$": st.just("States.ArrayPartition($.items, 2)"),
    "has.$": st.just("States.ArrayContains($.items, 2)"),
    "json.$": st.just("States.JsonToString($.items)"),
    "range.$": st.just("States.ArrayRange(1, 9, 3)"),
    "b64.$": st.just("States.Base64Encode($.a)"),
    "merged.$": st.just("States.JsonMerge($.obj, $.obj, false)"),
})


@st.composite
def pass_state(draw: st.DrawFn) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Pass"}
    kind = draw(st.sampled_from(["result", "params", "plain"]))
    if kind == "result":
        state["Result"] = draw(json_values)
    elif kind == "params":
        state["Parameters"] = draw(templates)
    if kind != "plain" or draw(st.booleans()):
        state["ResultPath"] = draw(result_paths)
    return state


@st.composite
def choice_rule(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from(["NumericEquals", "NumericGreaterThan", "NumericLessThanEquals",
                               "StringEquals", "BooleanEquals", "IsPresent", "IsNumeric",
                               "StringMatches"]))
    value: Any = {"NumericEquals": draw(st.integers(0, 10)),
                  "NumericGreaterThan": draw(st.integers(0, 10)),
                  "NumericLessThanEquals": draw(st.integers(0, 10)),
                  "StringEquals": draw(st.sampled_from(["x", "y"])),
                  "BooleanEquals": draw(st.booleans()), "IsPresent": draw(st.booleans()),
                  "IsNumeric": draw(st.booleans()),
                  "StringMatches": draw(st.sampled_from(["x*", "*y", "h*o"]))}[op]
    variable = {"NumericEquals": "$.n", "NumericGreaterThan": "$.n",
                "NumericLessThanEquals": "$.n", "StringEquals": "$.a",
                "BooleanEquals": "$.flag", "IsPresent": draw(st.sampled_from(["$.n", "$.zz"])),
                "IsNumeric": draw(st.sampled_from(["$.n", "$.a"])), "StringMatches": "$.a"}[op]
    rule: dict[str, Any] = {"Variable": variable, op: value}
    if draw(st.integers(0, 4)) == 0:
        rule = {"Not": rule}
    return rule


@st.composite
def machine(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """A line of states; a Choice may jump forward; the last state ends the machine."""
    kinds = ["Pass", "Pass", "Choice", "Wait"] + (["Map", "Parallel"] if depth < 2 else [])
    count = draw(st.integers(1, 4 if depth else 6))
    order = [_name("S") for _ in range(count)]
    states: dict[str, Any] = {}
    for i, name in enumerate(order):
        later = order[i + 1:]
        kind = draw(st.sampled_from(kinds)) if later else draw(
            st.sampled_from(["Pass", "Succeed", "Fail", "Map", "Parallel"][: 5 if depth < 2
                                                                             else 3]))
        if kind == "Choice" and later:
            state: dict[str, Any] = {"Type": "Choice", "Choices": [
                {**draw(choice_rule()), "Next": draw(st.sampled_from(later))}
                for _ in range(draw(st.integers(1, 2)))]}
            state["Default"] = later[0]  # without one: see no-choice-matched
        elif kind == "Wait":
            state = {"Type": "Wait", "Seconds": 0}
        elif kind == "Succeed":
            state = {"Type": "Succeed"}
        elif kind == "Fail":
            # in a branch, one error for all: which failing branch ends a Parallel first is
            # a race on AWS too
            state = {"Type": "Fail", "Error": "Oops", "Cause": "because"} if depth else {
                "Type": "Fail", "Error": draw(st.sampled_from(["Oops", "My.Error"])),
                "Cause": draw(st.sampled_from(["because", "it failed"]))}
        elif kind == "Map":
            state = {"Type": "Map", "ItemsPath": "$.items",
                     "ItemProcessor": draw(machine(depth + 1)),
                     "ResultPath": draw(result_paths)}
            if True:  # objects, not bare items: see result-path-failure-in-map-iteration
                state["ItemSelector"] = {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index",
                                         "n.$": "$.n", "items.$": "$.items", "flag.$": "$.flag",
                                         "a": "x", "obj": {"k": 1}}
            if draw(st.booleans()):
                state["MaxConcurrency"] = draw(st.integers(0, 3))
        elif kind == "Parallel":
            state = {"Type": "Parallel", "ResultPath": draw(result_paths), "Branches": [
                draw(machine(depth + 1)) for _ in range(draw(st.integers(1, 3)))]}
        else:
            state = draw(pass_state())
        if state["Type"] not in ("Choice", "Succeed", "Fail"):
            if later:
                state["Next"] = later[0]
            else:
                state["End"] = True
        if state["Type"] in ("Pass", "Map", "Parallel", "Wait") and draw(
                st.integers(0, 6)) == 0:
            state["OutputPath"] = "$"
        states[name] = state
    return {"StartAt": order[0], "States": states}


INPUT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "n": st.integers(0, 10), "a": st.sampled_from(["x", "y", "hello", "xy"]),
    "flag": st.booleans(), "items": st.lists(st.integers(0, 5), max_size=4),
    "obj": st.fixed_dictionaries({"k": st.integers(0, 3)})}
inputs = st.fixed_dictionaries(INPUT_FIELDS)


@settings(max_examples=250, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(definition=machine(), value=inputs)
def test_generated_definitions_agree(moto: MotoEngine, definition: dict[str, Any],
                                     value: Any) -> None:
    assert loosely(ours(definition, value)) == loosely(moto.run(definition, value))


def loosely(outcome: Outcome) -> Outcome:
    """A failure's cause without whitespace (see the cause-json-spacing divergence)."""
    status, details = outcome
    if status != "SUCCEEDED" and isinstance(details.get("Cause"), str):
        details = {**details, "Cause": "".join(details["Cause"].split())}
    return status, details
