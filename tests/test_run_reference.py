"""The reference workflows run locally: iw102's callback, the reminder's Wait, ProcessA."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sfs3dsl._local_run import LocalRun, load_definitions
from sfs3dsl._runner import TaskContext

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"


def callback_run(sent: list[dict[str, Any]]) -> LocalRun:
    def send_wait(payload: Any, ctx: TaskContext) -> None:
        sent.append(payload)

    return LocalRun(load_definitions(WORKFLOWS / "iw102_callback.py"),
                    tasks={"send-wait": send_wait}, generated=ROOT / "none")


def test_iw102_callback_resumed_by_send_task_success() -> None:
    sent: list[dict[str, Any]] = []
    with callback_run(sent) as local:
        handle = local.start({"job": 7})
        token = handle.task_token()
        local.runner.send_task_success(token, {"woke": True})
        execution = handle.wait(10)
    assert sent == [{"message": "Please use this token to wake up this Step Function "
                                "Execution", "token": token}]
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"job": 7, "taskresult": {"woke": True}}
    entered = [e["stateEnteredEventDetails"]["name"] for e in execution.history
               if e["type"].endswith("StateEntered")]
    assert entered == ["wait-before", "SendWait", "SuccessState"]


def test_iw102_callback_failure_ends_in_fail_state() -> None:
    with callback_run([]) as local:
        handle = local.start({})
        local.runner.send_task_failure(handle.task_token(), "WorkerBroke", "disk full")
        execution = handle.wait(10)
    assert (execution.status, execution.error) == ("FAILED", "CallbackFailed")


def test_iw102_callback_heartbeat_timeout_ends_in_timeout_state() -> None:
    with callback_run([]) as local:
        local.runner.callback_patience = 0.05  # real seconds before virtual time jumps
        execution = local.run({})
    assert execution.status == "SUCCEEDED"
    assert [e["type"] for e in execution.history if e["type"].startswith("Task")][-2:] \
        == ["TaskTimedOut", "TaskStateExited"]
    timed_out = next(e for e in execution.history if e["type"] == "TaskTimedOut")
    assert timed_out["taskTimedOutEventDetails"]["error"] == "States.HeartbeatTimeout"
    assert execution.history[-2]["stateExitedEventDetails"]["name"] == "TimeoutState"
    entered = next(e for e in execution.history if e["type"] == "TaskStateEntered")
    assert timed_out["timestamp"] - entered["timestamp"] == timedelta(seconds=60)


def test_reminder_waits_a_year_on_the_virtual_clock_in_milliseconds() -> None:
    when = (datetime.now(UTC) + timedelta(days=366)).replace(microsecond=0)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    published: list[Any] = []

    def publish(payload: Any, ctx: TaskContext) -> dict[str, str]:
        published.append((payload, ctx.context["State"]["EnteredTime"]))
        return {"MessageId": "m-1"}

    tasks: dict[str, Any] = {
        "convdate": lambda payload, ctx: {"timestamp": stamp, "message": "call mum"},
        "send_reminder": publish}
    started = time.monotonic()
    with LocalRun(load_definitions(WORKFLOWS / "reminder.py"), tasks=tasks,
                  generated=ROOT / "none") as local:
        execution = local.run({"date": "a year from now"})
    assert time.monotonic() - started < 5  # generous: it is milliseconds, not a year
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"MessageId": "m-1"}
    assert published == [({"TopicArn": "${ReminderTopicArn}", "Message": "call mum"},
                          when.strftime("%Y-%m-%dT%H:%M:%S.000Z"))]


@pytest.mark.xfail(strict=True, reason=(
    "gap: LocalRun does not yet give the generated handlers their side-car environment "
    "(SFS3DSL_BUCKET/PREFIX, workflows/ on sys.path, a local Step Functions client for "
    "start_workflow) nor write the input as the process document"))
def test_process_a_with_its_generated_handlers_on_the_embedded_s3() -> None:
    from sfs3dsl.pytest_plugin import WorkflowRunner

    runner = WorkflowRunner(generated=ROOT / "generated")
    try:
        result = runner.run(WORKFLOWS / "process_a.py", {"foo": "foo val", "bar": "bar val"})
    finally:
        runner.close()
    assert result.status == "SUCCEEDED"
    assert result.document is not None
    assert {f"step-{x}-output" for x in "abcdef"} <= set(result.document)
    assert result.document["foo"] == "foo val"
