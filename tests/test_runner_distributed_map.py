"""A Distributed Map as AWS runs it: a map run with its own ARN, MapRun* events in the
parent's history, child executions with ARNs in the ResultWriter files (manifest.json,
SUCCEEDED_0.json, FAILED_0.json, with the Transformation option), and a failed run whose
cause names the first failing child and its error."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from sfs3dsl.run.interpreter import Runner, TaskContext, TaskFailure

REGION, ACCOUNT = "us-east-1", "123456789012"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MAP_RUN = re.compile(rf"arn:aws:states:{REGION}:{ACCOUNT}:mapRun:LocalStateMachine/Big:{UUID}")
CHILD = rf"arn:aws:states:{REGION}:{ACCOUNT}:execution:LocalStateMachine/Big:{UUID}"


def distributed(**fields: Any) -> dict[str, Any]:
    """Doubles each item's ``n``; an item with ``"fail": true`` fails with Boom."""
    return {"StartAt": "Big", "States": {"Big": {
        "Type": "Map", "ItemsPath": "$.items", "End": True, **fields, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Check", "States": {
                "Check": {"Type": "Choice", "Choices": [
                    {"Variable": "$.fail", "IsPresent": True, "Next": "Boom"}],
                    "Default": "Double"},
                "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "item refused"},
                "Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"},
                           "End": True}}}}}}


def runner_with_s3() -> tuple[Runner, dict[tuple[str, str], str]]:
    store: dict[tuple[str, str], str] = {}
    runner = Runner(region=REGION, account=ACCOUNT)

    def put_object(params: Any, ctx: TaskContext) -> dict[str, Any]:
        store[(params["Bucket"], params["Key"])] = params["Body"]
        return {"ETag": '"0"'}

    runner.register_task("arn:aws:states:::s3:putObject", put_object)
    return runner, store


WRITER = {"Resource": "arn:aws:states:::s3:putObject",
          "Parameters": {"Bucket": "out", "Prefix": "runs"}}
ITEMS = {"items": [{"n": 1}, {"n": 2, "fail": True}, {"n": 3}]}


def test_the_parent_history_shows_the_map_run() -> None:
    execution = Runner().run(distributed(), {"items": [{"n": 1}, {"n": 2}]})
    assert execution.status == "SUCCEEDED"
    assert execution.output == [{"n": 2}, {"n": 4}]
    types = [e["type"] for e in execution.history]
    assert [t for t in types if t.startswith("Map")][:2] == ["MapStateEntered",
                                                             "MapStateStarted"]
    started = next(e for e in execution.history if e["type"] == "MapRunStarted")
    assert MAP_RUN.fullmatch(started["mapRunStartedEventDetails"]["mapRunArn"])
    assert types.index("MapRunStarted") == types.index("MapStateStarted") + 1
    assert types[-4:] == ["MapRunSucceeded", "MapStateSucceeded", "MapStateExited",
                          "ExecutionSucceeded"]


def test_an_inline_map_has_no_map_run() -> None:
    definition = distributed()
    del definition["States"]["Big"]["ItemProcessor"]["ProcessorConfig"]
    types = [e["type"] for e in Runner().run(definition, {"items": [{"n": 1}]}).history]
    assert not any(t.startswith("MapRun") for t in types)


def test_a_failed_run_names_the_first_failing_child_and_its_error() -> None:
    execution = Runner().run(distributed(), ITEMS)
    assert (execution.status, execution.error) == ("FAILED",
                                                   "States.ExceedToleratedFailureThreshold")
    assert execution.cause is not None
    assert re.fullmatch(
        "The specified tolerated failure threshold was exceeded. The first failure: child "
        f"execution {CHILD} \\(item 1\\) failed with Boom: item refused", execution.cause)
    failed = next(e for e in execution.history if e["type"] == "MapRunFailed")
    assert failed["mapRunFailedEventDetails"] == {
        "error": "States.ExceedToleratedFailureThreshold", "cause": execution.cause}
    assert [e["type"] for e in execution.history][-3:] == [
        "MapRunFailed", "MapStateFailed", "ExecutionFailed"]


def test_result_writer_writes_the_documented_files() -> None:
    runner, store = runner_with_s3()
    execution = runner.run(distributed(ResultWriter=WRITER, ToleratedFailureCount=1), ITEMS)
    assert execution.status == "SUCCEEDED", execution.cause
    output = execution.output
    assert MAP_RUN.fullmatch(output["MapRunArn"])
    run_id = output["MapRunArn"].rsplit(":", 1)[1]
    folder = f"runs/{run_id}/"
    assert output["ResultWriterDetails"] == {"Bucket": "out", "Key": f"{folder}manifest.json"}
    assert sorted(store) == [("out", f"{folder}FAILED_0.json"),
                             ("out", f"{folder}SUCCEEDED_0.json"),
                             ("out", f"{folder}manifest.json")]
    succeeded = json.loads(store[("out", f"{folder}SUCCEEDED_0.json")])
    failed = json.loads(store[("out", f"{folder}FAILED_0.json")])
    manifest = json.loads(store[("out", f"{folder}manifest.json")])
    assert manifest == {"DestinationBucket": "out", "MapRunArn": output["MapRunArn"],
                        "ResultFiles": {
                            "FAILED": [{"Key": f"{folder}FAILED_0.json", "Size": len(
                                store[("out", f"{folder}FAILED_0.json")].encode())}],
                            "PENDING": [],
                            "SUCCEEDED": [{"Key": f"{folder}SUCCEEDED_0.json", "Size": len(
                                store[("out", f"{folder}SUCCEEDED_0.json")].encode())}]}}
    assert [json.loads(r["Output"]) for r in succeeded] == [{"n": 2}, {"n": 6}]
    assert [json.loads(r["Input"]) for r in succeeded] == [{"n": 1}, {"n": 3}]
    for r in succeeded + failed:
        assert re.fullmatch(CHILD, r["ExecutionArn"])
        assert r["Name"] == r["ExecutionArn"].rsplit(":", 1)[1]
        assert r["StateMachineArn"] == output["MapRunArn"]
    assert sorted(succeeded[0]) == ["ExecutionArn", "Input", "InputDetails", "Name",
                                    "Output", "OutputDetails", "RedriveCount", "StartDate",
                                    "StateMachineArn", "Status", "StopDate"]
    assert [(r["Status"], r["Error"], r["Cause"], json.loads(r["Input"])) for r in failed] == [
        ("FAILED", "Boom", "item refused", {"n": 2, "fail": True})]
    assert "Output" not in failed[0]
    assert len({r["ExecutionArn"] for r in succeeded + failed}) == 3


@pytest.mark.parametrize(("config", "expected"), [
    ({"Transformation": "COMPACT"}, '[{"n":2},{"n":6}]'),
    ({"Transformation": "FLATTEN"}, '[{"n":2},{"n":6}]'),
    ({"Transformation": "COMPACT", "OutputType": "JSONL"}, '{"n":2}\n{"n":6}\n'),
])
def test_result_writer_transformation(config: dict[str, Any], expected: str) -> None:
    runner, store = runner_with_s3()
    execution = runner.run(distributed(
        ResultWriter={**WRITER, "WriterConfig": config}, ToleratedFailureCount=1), ITEMS)
    assert execution.status == "SUCCEEDED"
    folder = f"runs/{execution.output['MapRunArn'].rsplit(':', 1)[1]}/"
    assert store[("out", f"{folder}SUCCEEDED_0.json")] == expected
    # a failed child's record stays whole whatever the transformation
    failed = store[("out", f"{folder}FAILED_0.json")]
    first = json.loads(failed.splitlines()[0]) if config.get("OutputType") == "JSONL" \
        else json.loads(failed)[0]
    assert (first["Status"], first["Error"]) == ("FAILED", "Boom")


def test_flatten_flattens_array_outputs_and_writer_config_alone_returns_them() -> None:
    definition = {"StartAt": "Big", "States": {"Big": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ResultWriter": {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Pair", "States": {"Pair": {
                "Type": "Pass", "Parameters": {"pair.$": "States.Array($.a, $.b)"},
                "OutputPath": "$.pair", "End": True}}}}}}
    execution = Runner().run(definition, {"items": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]})
    assert execution.status == "SUCCEEDED"
    assert execution.output == [1, 2, 3, 4]


def test_a_child_task_failure_is_named_in_the_cause() -> None:
    definition = distributed()
    processor = definition["States"]["Big"]["ItemProcessor"]
    processor["StartAt"] = "Work"
    processor["States"] = {"Work": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
        "End": True}}
    runner = Runner(region=REGION, account=ACCOUNT)

    def work(payload: Any, ctx: TaskContext) -> Any:
        if payload["n"] == 3:
            raise TaskFailure("S3DataPreconditionError", "step-a-output is missing")
        return payload

    runner.register_task("work", work)
    execution = runner.run(definition, {"items": [{"n": 1}, {"n": 2}, {"n": 3}]})
    assert execution.error == "States.ExceedToleratedFailureThreshold"
    assert execution.cause is not None and execution.cause.endswith(
        "(item 2) failed with S3DataPreconditionError: step-a-output is missing")
