"""AWS's quotas on one execution, enforced by the local runner (and lifted by --no-limits).

Each test proves that the run ends, and how: status, error, cause, and the history's shape.
The runaway loops are bounded by event counts (never by seconds): a history holds at most
25,000 events, and the memory a run takes is measured with tracemalloc against that bound.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sfs3dsl.cli import cli
from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.run.interpreter import Runner, TaskContext
from sfs3dsl.run.interpreter.limits import MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES

HISTORY_CAUSE = "The execution reached the maximum number of history events (25000)."

#: A Pass/Choice loop that never ends: ``$.done`` is never set.
RUNAWAY: dict[str, Any] = {"StartAt": "Spin", "States": {
    "Spin": {"Type": "Pass", "Next": "Again"},
    "Again": {"Type": "Choice", "Choices": [
        {"Variable": "$.done", "IsPresent": False, "Next": "Spin"}], "Default": "Done"},
    "Done": {"Type": "Succeed"}}}


def inline_map(concurrency: int) -> dict[str, Any]:
    return {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": concurrency, "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}


def test_a_runaway_pass_choice_loop_fails_at_25000_events_in_bounded_memory() -> None:
    tracemalloc.start()
    try:
        execution = Runner().run(RUNAWAY, {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.Runtime", HISTORY_CAUSE)
    history = execution.history
    assert len(history) == MAX_HISTORY_EVENTS
    assert history[-1]["type"] == "ExecutionFailed"
    assert history[-1]["executionFailedEventDetails"] == {"error": "States.Runtime",
                                                          "cause": HISTORY_CAUSE}
    # 24,998 events of the loop after ExecutionStarted, two per state
    assert sum(e["type"] == "PassStateEntered" for e in history) == 6250
    # a frozen event is a few hundred bytes: far below 1 KiB each, whatever the machine
    assert peak < MAX_HISTORY_EVENTS * 1024


@pytest.mark.parametrize("concurrency", [1, 0, 5])
def test_an_inline_map_past_25000_events_fails_the_execution(concurrency: int) -> None:
    # 30,000 items take four events each: the history fills during the Map
    execution = Runner().run(inline_map(concurrency), {"items": [0] * 30_000})
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.Runtime", HISTORY_CAUSE)
    assert len(execution.history) == MAX_HISTORY_EVENTS
    types = [e["type"] for e in execution.history]
    assert types[-1] == "ExecutionFailed" and "MapStateSucceeded" not in types


def test_no_limits_lets_a_long_map_finish() -> None:
    execution = Runner(limits=False).run(inline_map(0), {"items": [0] * 7_000})
    assert execution.status == "SUCCEEDED"
    assert len(execution.history) == 4 * 7_000 + 6


def test_a_state_output_over_256_kib_fails_uncaught_with_data_limit_exceeded() -> None:
    definition = {"StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Result": "x" * MAX_PAYLOAD_BYTES, "Next": "After"},
        "After": {"Type": "Succeed"}}}
    execution = Runner().run(definition, {})
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.DataLimitExceeded",
        "The state/task 'Big' returned a result with a size exceeding the maximum number of "
        "bytes service limit.")
    assert [e["type"] for e in execution.history] == [
        "ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_the_limit_counts_utf8_bytes_not_characters() -> None:
    # 100,000 three-byte characters: 300,002 bytes of JSON, 100,002 characters
    definition = {"StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Result": "\u20ac" * 100_000, "End": True}}}
    assert Runner().run(definition, {}).error == "States.DataLimitExceeded"
    # exactly 262,144 bytes of JSON text (the quotes included) is allowed
    fits = {"StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Result": "x" * (MAX_PAYLOAD_BYTES - 2), "End": True}}}
    assert Runner().run(fits, {}).status == "SUCCEEDED"


def test_a_state_output_that_grows_past_256_kib_names_the_state() -> None:
    definition = {"StartAt": "Grow", "States": {
        "Grow": {"Type": "Pass", "Parameters": {"a.$": "$.half", "b.$": "$.half"},
                 "Next": "Next"},
        "Next": {"Type": "Pass", "End": True}}}
    execution = Runner().run(definition, {"half": "y" * (MAX_PAYLOAD_BYTES // 2)})
    assert (execution.error, execution.cause) == (
        "States.DataLimitExceeded",
        "The state/task 'Grow' returned a result with a size exceeding the maximum number of "
        "bytes service limit.")


def test_an_iteration_input_over_256_kib_fails_the_state_that_would_receive_it() -> None:
    # the ItemSelector doubles the item: the first state of the iteration cannot enter
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemSelector": {"a.$": "$$.Map.Item.Value", "b.$": "$$.Map.Item.Value"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
        "ItemProcessor": {"StartAt": "First", "States": {
            "First": {"Type": "Pass", "End": True}}}},
        "Caught": {"Type": "Succeed"}}}
    execution = Runner().run(definition, {"items": ["y" * (MAX_PAYLOAD_BYTES // 2)]})
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.DataLimitExceeded",
        "The state/task 'First' received an input with a size exceeding the maximum number "
        "of bytes service limit.")
    assert [e["type"] for e in execution.history][-4:] == [
        "MapIterationStarted", "MapIterationFailed", "MapStateFailed", "ExecutionFailed"]


def test_a_task_result_over_256_kib_is_not_caught_by_states_all() -> None:
    definition: dict[str, Any] = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:big",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Succeed"}}}
    runner = Runner()
    runner.register_task("big", lambda payload, ctx: "z" * MAX_PAYLOAD_BYTES)
    execution = runner.run(definition, {})
    cause = ("The state/task 'arn:aws:lambda:us-east-1:123456789012:function:big' returned a "
             "result with a size exceeding the maximum number of bytes service limit.")
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.DataLimitExceeded", cause)
    assert [e["type"] for e in execution.history][-2:] == ["TaskFailed", "ExecutionFailed"]
    # named explicitly, a Catch does see it
    definition["States"]["T"]["Catch"][0]["ErrorEquals"] = ["States.DataLimitExceeded"]
    caught = runner.run(definition, {})
    assert caught.status == "SUCCEEDED"
    assert caught.output == {"Error": "States.DataLimitExceeded", "Cause": cause}


def test_an_sdk_task_result_names_the_integration() -> None:
    definition = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:cloudformation:getTemplate",
        "End": True}}}
    runner = Runner()

    def template(payload: Any, ctx: TaskContext) -> Any:
        return {"TemplateBody": "t" * MAX_PAYLOAD_BYTES}

    runner.register_task("arn:aws:states:::aws-sdk:cloudformation:getTemplate", template)
    execution = runner.run(definition, {})
    assert execution.cause == ("The state/task 'aws-sdk:cloudformation' returned a result "
                               "with a size exceeding the maximum number of bytes service "
                               "limit.")


def test_an_execution_input_over_256_kib_cannot_start() -> None:
    with pytest.raises(ExecutionError) as raised:
        Runner().run(RUNAWAY, {"blob": "b" * MAX_PAYLOAD_BYTES})
    assert str(raised.value) == (
        "the execution input is 262155 bytes of JSON, over AWS's limit of 262144 "
        "(StartExecution refuses it); keep large data in S3 and pass a reference, or run "
        "with --no-limits")


def test_a_standard_execution_times_out_after_a_year() -> None:
    definition = {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Timestamp": "2099-01-01T00:00:00Z", "End": True}}}
    execution = Runner().run(definition, {})
    assert (execution.status, execution.error, execution.cause) == (
        "TIMED_OUT", "States.Timeout", None)
    assert [e["type"] for e in execution.history] == [
        "ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert execution.stop_date is not None and execution.start_date is not None
    assert execution.stop_date - execution.start_date == timedelta(days=365)


def test_an_express_execution_times_out_after_five_minutes() -> None:
    definition = {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 240, "Next": "W2"},
        "W2": {"Type": "Wait", "Seconds": 120, "End": True}}}
    execution = Runner(execution_type="EXPRESS").run(definition, {})
    assert (execution.status, execution.error) == ("TIMED_OUT", "States.Timeout")
    assert [e["type"] for e in execution.history] == [
        "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "WaitStateEntered",
        "ExecutionTimedOut"]
    assert execution.stop_date is not None and execution.start_date is not None
    assert execution.stop_date - execution.start_date == timedelta(minutes=5)
    assert Runner().run(definition, {}).status == "SUCCEEDED"  # Standard: fine


def test_the_machine_timeout_wins_when_it_is_shorter() -> None:
    definition = {"TimeoutSeconds": 60, "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 120, "End": True}}}
    execution = Runner(execution_type="EXPRESS").run(definition, {})
    assert execution.status == "TIMED_OUT"
    assert execution.stop_date - execution.start_date == timedelta(seconds=60)  # type: ignore[operator]


def test_runner_refuses_an_unknown_execution_type() -> None:
    with pytest.raises(ValueError, match="execution_type must be 'STANDARD' or 'EXPRESS'"):
        Runner(execution_type="BATCH")  # type: ignore[arg-type]


# --- the command line ---------------------------------------------------------------------

def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_run_command_fails_a_runaway_loop_and_no_limits_lifts_the_payload_limit(
        tmp_path: Path) -> None:
    loop = _write(tmp_path / "loop.json", RUNAWAY)
    result = CliRunner().invoke(cli, ["run", str(loop), "--no-trace"])
    assert result.exit_code == 1
    assert result.output == ("status: FAILED\nerror: States.Runtime\n"
                             f"cause: {HISTORY_CAUSE}\n")
    big = _write(tmp_path / "big.json", {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Result": "x" * MAX_PAYLOAD_BYTES, "End": True}}})
    limited = CliRunner().invoke(cli, ["run", str(big), "--no-trace"])
    assert limited.exit_code == 1
    assert "error: States.DataLimitExceeded" in limited.output.splitlines()
    free = CliRunner().invoke(cli, ["run", str(big), "--no-trace", "--no-limits"])
    assert free.exit_code == 0
    assert free.output.splitlines()[0] == "status: SUCCEEDED"


def test_run_command_refuses_an_input_over_256_kib_with_exit_2(tmp_path: Path) -> None:
    loop = _write(tmp_path / "loop.json", RUNAWAY)
    given = _write(tmp_path / "input.json", {"blob": "b" * MAX_PAYLOAD_BYTES})
    result = CliRunner().invoke(cli, ["run", str(loop), "--input", f"@{given}"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: the execution input is 262155 bytes of JSON, over AWS's limit of 262144 "
        "(StartExecution refuses it); keep large data in S3 and pass a reference, or run "
        "with --no-limits\n")
