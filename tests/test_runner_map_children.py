"""A Distributed Map's children run as executions of their own, as on AWS.

Each child (one per item or batch) has its own ARN, its own history (ExecutionStarted ...
ExecutionSucceeded / ExecutionFailed) and its own 25,000-event quota; the parent's history
holds only the Map state's events and MapRunStarted / MapRunSucceeded / MapRunFailed, in
the order AWS's recorded histories show (LocalStack's AWS-validated snapshots). The
children are found from Python through ``Execution.map_runs`` and ``Execution.child(arn)``.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest

from sfs3dsl import run_local
from sfs3dsl.run.interpreter import Runner, TaskContext
from sfs3dsl.run.interpreter.limits import MAX_HISTORY_EVENTS
from sfs3dsl.run.trace import Trace

REGION, ACCOUNT = "us-east-1", "123456789012"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CHILD = re.compile(rf"arn:aws:states:{REGION}:{ACCOUNT}:execution:LocalStateMachine/Big:{UUID}")
HISTORY_CAUSE = "The execution reached the maximum number of history events (25000)."
DISTRIBUTED = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}


def distributed(states: dict[str, Any] | None = None, start: str = "Check",
                **fields: Any) -> dict[str, Any]:
    """A Distributed Map labelled Big; by default an item with ``"fail": true`` fails with
    Boom and any other item becomes ``{"n": ..., "me": <its execution's ARN>}``."""
    states = states or {
        "Check": {"Type": "Choice", "Choices": [
            {"Variable": "$.fail", "IsPresent": True, "Next": "Boom"}], "Default": "Echo"},
        "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "item refused"},
        "Echo": {"Type": "Pass", "Parameters": {"n.$": "$.n", "me.$": "$$.Execution.Id"},
                 "End": True}}
    return {"StartAt": "Big", "States": {"Big": {
        "Type": "Map", "ItemsPath": "$.items", "End": True, **fields, "ItemProcessor": {
            "ProcessorConfig": DISTRIBUTED, "StartAt": start, "States": states}}}}


def types(history: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in history]


def test_the_parent_history_holds_only_the_map_state_and_map_run_events() -> None:
    execution = Runner().run(distributed(), {"items": [{"n": 1}, {"n": 2}, {"n": 3}]})
    assert execution.status == "SUCCEEDED"
    assert types(execution.history) == [
        "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
        "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    assert execution.history[2]["mapStateStartedEventDetails"] == {"length": 3}
    [map_run] = execution.map_runs
    assert execution.history[3]["mapRunStartedEventDetails"] == {"mapRunArn": map_run.arn}
    assert (map_run.status, len(map_run.children)) == ("SUCCEEDED", 3)


def test_a_child_has_its_own_arn_and_history() -> None:
    execution = Runner().run(distributed(), {"items": [{"n": 1}, {"n": 2}]})
    [map_run] = execution.map_runs
    first, second = map_run.children
    assert CHILD.fullmatch(first.arn) and CHILD.fullmatch(second.arn)
    assert first.arn != second.arn
    # the child's context object names the child, as its own execution
    assert execution.output == [{"n": 1, "me": first.arn}, {"n": 2, "me": second.arn}]
    assert (first.status, first.input, first.output) == ("SUCCEEDED", {"n": 1},
                                                         {"n": 1, "me": first.arn})
    assert first.name == first.arn.rsplit(":", 1)[1]
    assert first.state_machine_arn == map_run.arn
    history = first.history
    assert types(history) == ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited",
                              "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert [(e["id"], e["previousEventId"]) for e in history] == [
        (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5)]
    assert history[0]["executionStartedEventDetails"]["input"] == '{"n":1}'
    assert history[-1]["executionSucceededEventDetails"]["output"] == json.dumps(
        {"n": 1, "me": first.arn}, separators=(",", ":"))
    assert execution.child(second.arn) is second
    with pytest.raises(KeyError):
        execution.child(execution.arn)


def test_a_distributed_map_over_10000_items_succeeds_with_limits_on() -> None:
    runner = Runner()
    assert runner.limits.enforced
    # a Pass per item: the Map's output (10,000 small numbers) stays under 256 KiB
    definition = distributed({"P": {"Type": "Pass", "End": True}}, start="P",
                             MaxConcurrency=100)
    execution = runner.run(definition, {"items": list(range(10_000))})
    assert execution.status == "SUCCEEDED"
    assert len(execution.history) == 8
    assert execution.output == list(range(10_000))
    [map_run] = execution.map_runs
    children = map_run.children
    assert len(children) == 10_000
    assert {c.status for c in children} == {"SUCCEEDED"}
    assert {len(c.history) for c in children} == {4}
    # the events of the run together are over one history's quota
    assert sum(len(c.history) for c in children) == 40_000 > MAX_HISTORY_EVENTS


def test_a_failed_childs_cause_names_it_and_the_child_tells_why() -> None:
    execution = Runner().run(distributed(), {"items": [{"n": 1}, {"n": 2, "fail": True}]})
    assert (execution.status, execution.error) == ("FAILED",
                                                   "States.ExceedToleratedFailureThreshold")
    [map_run] = execution.map_runs
    failed = map_run.executions[1]
    assert execution.cause == (
        "The specified tolerated failure threshold was exceeded. The first failure: child "
        f"execution {failed.arn} (item 1) failed with Boom: item refused")
    assert types(execution.history)[-4:] == ["MapRunStarted", "MapRunFailed",
                                             "MapStateFailed", "ExecutionFailed"]
    assert execution.history[-3]["mapRunFailedEventDetails"] == {
        "error": "States.ExceedToleratedFailureThreshold", "cause": execution.cause}
    assert (map_run.status, map_run.error, map_run.cause) == (
        "FAILED", "States.ExceedToleratedFailureThreshold", execution.cause)
    assert (failed.status, failed.error, failed.cause) == ("FAILED", "Boom", "item refused")
    assert types(failed.history) == ["ExecutionStarted", "ChoiceStateEntered",
                                     "ChoiceStateExited", "FailStateEntered",
                                     "ExecutionFailed"]
    assert failed.history[-1]["executionFailedEventDetails"] == {"error": "Boom",
                                                                 "cause": "item refused"}


def test_each_child_has_its_own_25000_event_quota() -> None:
    # the second item loops forever: its own history fills, not the parent's
    loop = {
        "Check": {"Type": "Choice", "Choices": [
            {"Variable": "$.spin", "IsPresent": True, "Next": "Spin"}], "Default": "Done"},
        "Spin": {"Type": "Pass", "Next": "Check"},
        "Done": {"Type": "Succeed"}}
    execution = Runner().run(distributed(loop, MaxConcurrency=1),
                             {"items": [{"n": 1}, {"spin": True}]})
    [map_run] = execution.map_runs
    runaway = map_run.executions[1]
    assert (runaway.status, runaway.error, runaway.cause) == (
        "FAILED", "States.Runtime", HISTORY_CAUSE)
    assert len(runaway.history) == MAX_HISTORY_EVENTS
    assert types(map_run.executions[0].history) == [
        "ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered",
        "SucceedStateExited", "ExecutionSucceeded"]
    assert len(execution.history) == 7
    assert execution.cause == (
        "The specified tolerated failure threshold was exceeded. The first failure: child "
        f"execution {runaway.arn} (item 1) failed with States.Runtime: {HISTORY_CAUSE}")


def test_tolerated_failures_keep_the_failed_childs_error_output() -> None:
    execution = Runner().run(distributed(ToleratedFailureCount=1),
                             {"items": [{"n": 1}, {"n": 2, "fail": True}]})
    assert execution.status == "SUCCEEDED"
    [map_run] = execution.map_runs
    assert execution.output == [{"n": 1, "me": map_run.executions[0].arn},
                                {"Error": "Boom", "Cause": "item refused"}]
    assert [c.status for c in map_run.children] == ["SUCCEEDED", "FAILED"]


def test_an_item_reader_map_starts_its_run_before_reading_and_fails_it_when_reading_fails(
) -> None:
    runner = Runner()
    bodies = {"good.json": json.dumps([{"n": 5}]), "bad.json": json.dumps({"not": "a list"})}
    runner.register_task("arn:aws:states:::s3:getObject",
                         lambda params, ctx: bodies[params["Key"]])
    definition = distributed(ItemReader={
        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": "b", "Key.$": "$.key"}})
    del definition["States"]["Big"]["ItemsPath"]
    good = runner.run(definition, {"key": "good.json"})
    assert good.status == "SUCCEEDED"
    assert types(good.history)[2:6] == ["MapStateStarted", "MapRunStarted",
                                        "MapRunSucceeded", "MapStateSucceeded"]
    # AWS's recorded histories give an ItemReader map's MapStateStarted length 0
    assert good.history[2]["mapStateStartedEventDetails"] == {"length": 0}
    bad = runner.run(definition, {"key": "bad.json"})
    assert (bad.status, bad.error) == ("FAILED", "States.ItemReaderFailed")
    assert types(bad.history) == ["ExecutionStarted", "MapStateEntered", "MapStateStarted",
                                  "MapRunStarted", "MapRunFailed", "MapStateFailed",
                                  "ExecutionFailed"]
    assert bad.history[4]["mapRunFailedEventDetails"] == {"error": "States.ItemReaderFailed",
                                                          "cause": bad.cause}
    assert (bad.map_runs[0].status, bad.map_runs[0].children) == ("FAILED", [])


def test_a_nested_distributed_maps_grandchildren_are_found_by_arn() -> None:
    inner = distributed()["States"]["Big"]
    inner["Label"] = "Inner"
    outer = distributed({"Inner": {**inner, "ItemsPath": "$.items"}}, start="Inner")
    execution = Runner().run(outer, {"items": [{"items": [{"n": 1}, {"n": 2}]}]})
    assert execution.status == "SUCCEEDED"
    [child] = execution.map_runs[0].children
    assert types(child.history) == [
        "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
        "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    grandchildren = child.map_runs[0].children
    assert [g.output["n"] for g in grandchildren] == [1, 2]
    assert execution.child(grandchildren[1].arn) is grandchildren[1]
    assert "/Inner:" in grandchildren[1].arn


def test_an_express_child_times_out_after_five_minutes() -> None:
    wait = {"W": {"Type": "Wait", "Seconds": 301, "End": True}}
    definition = distributed(wait, start="W")
    processor = definition["States"]["Big"]["ItemProcessor"]
    processor["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    execution = Runner().run(definition, {"items": [{}]})
    [child] = execution.map_runs[0].children
    assert (child.status, child.error) == ("TIMED_OUT", "States.Timeout")
    assert types(child.history)[-1] == "ExecutionTimedOut"
    assert execution.cause == (
        "The specified tolerated failure threshold was exceeded. The first failure: child "
        f"execution {child.arn} (item 0) failed with States.Timeout")


def test_a_childs_task_token_is_found_through_the_parents_handle() -> None:
    runner = Runner()
    runner.register_task("notify", lambda payload, ctx: None)
    wait = {"Ask": {"Type": "Task", "Resource": "notify.waitForTaskToken",
                    "Parameters": {"token.$": "$$.Task.Token"}, "End": True}}
    handle = runner.start(distributed(wait, start="Ask"), {"items": [{}]})
    runner.send_task_success(handle.task_token(), {"answer": 42})
    execution = handle.wait(5)
    assert (execution.status, execution.output) == ("SUCCEEDED", [{"answer": 42}])


def test_the_trace_shows_the_map_run_and_not_the_children() -> None:
    execution = Runner().run(distributed(), {"items": [{"n": 1}, {"n": 2, "fail": True}]})
    lines: list[str] = []
    trace = Trace(lines.append)
    trace.feed(execution.history)
    assert execution.stop_date is not None
    trace.close(execution.stop_date)
    assert lines == [
        "-> Big (Map)",
        f"   map run {execution.map_runs[0].arn} (its child executions are not traced)",
        "xx Big (Map) failed after 0 ms: States.ExceedToleratedFailureThreshold"]


def test_a_child_reads_items_written_by_a_batcher_as_its_input() -> None:
    definition = distributed({"P": {"Type": "Pass", "End": True}}, start="P",
                             ItemBatcher={"MaxItemsPerBatch": 2})
    execution = Runner().run(definition, {"items": [1, 2, 3]})
    children = execution.map_runs[0].children
    assert [c.input for c in children] == [{"Items": [1, 2]}, {"Items": [3]}]
    assert execution.output == [{"Items": [1, 2]}, {"Items": [3]}]


def test_a_task_in_a_child_sees_the_childs_execution_in_its_context() -> None:
    runner = Runner()
    seen: list[str] = []

    def work(payload: Any, ctx: TaskContext) -> Any:
        seen.append(payload["who"])
        return payload

    runner.register_task("work", work)
    task = {"T": {"Type": "Task", "Resource": "work",
                  "Parameters": {"who.$": "$$.Execution.Id"}, "End": True}}
    execution = runner.run(distributed(task, start="T"), {"items": [{}]})
    assert seen == [execution.map_runs[0].children[0].arn]


def test_run_local_gives_the_children_through_map_runs() -> None:
    result = run_local(distributed({"P": {"Type": "Pass", "End": True}}, start="P"),
                       {"items": [{"n": 1}, {"n": 2}]})
    assert result.succeeded
    assert result.entered() == ["Big"]
    [map_run] = result.map_runs
    assert [c.output for c in map_run.children] == [{"n": 1}, {"n": 2}]
    assert [types(c.history) for c in map_run.children] == [
        ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]] * 2


def test_stopping_the_parent_aborts_its_children_and_the_map_run() -> None:
    runner = Runner()
    runner.register_task("notify", lambda payload, ctx: None)
    wait = {"Ask": {"Type": "Task", "Resource": "notify.waitForTaskToken",
                    "Parameters": {"token.$": "$$.Task.Token"}, "End": True}}
    handle = runner.start(distributed(wait, start="Ask"), {"items": [{}]})
    handle.task_token()
    execution = handle.stop(5)
    assert execution.status == "ABORTED"
    assert types(execution.history)[-3:] == ["MapRunStarted", "MapRunAborted",
                                             "ExecutionAborted"]
    [map_run] = execution.map_runs
    [child] = map_run.children
    assert (map_run.status, child.status) == ("ABORTED", "ABORTED")
    assert types(child.history) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                    "TaskStarted", "ExecutionAborted"]


def test_the_parents_timeout_ends_its_children_and_times_the_parent_out() -> None:
    definition = distributed({"W": {"Type": "Wait", "Seconds": 60, "End": True}}, start="W")
    definition["TimeoutSeconds"] = 30
    execution = Runner().run(definition, {"items": [{}]})
    assert (execution.status, execution.error) == ("TIMED_OUT", "States.Timeout")
    assert types(execution.history)[-3:] == ["MapRunStarted", "MapRunAborted",
                                             "ExecutionTimedOut"]
    [child] = execution.map_runs[0].children
    assert (child.status, types(child.history)[-1]) == ("TIMED_OUT", "ExecutionTimedOut")
    assert execution.start_date is not None
    assert child.stop_date == execution.start_date + timedelta(seconds=30)
