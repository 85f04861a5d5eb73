"""The reference workflows run locally: iw102's callback, the reminder's Wait, ProcessA."""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sfs3dsl.run.definitions import load_definitions
from sfs3dsl.run.interpreter import TaskContext
from sfs3dsl.run.local import LocalRun

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
    # 364 days: a Standard execution ends after a year (365 days), as on AWS
    when = (datetime.now(UTC) + timedelta(days=364)).replace(microsecond=0)
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


def test_process_a_with_its_generated_handlers_on_the_embedded_s3() -> None:
    from sfs3dsl.pytest_plugin import WorkflowRunner

    runner = WorkflowRunner(generated=ROOT / "generated")
    try:
        result = runner.run(WORKFLOWS / "process_a.py", {"foo": "foo val", "bar": "bar val"})
    finally:
        runner.close()
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert result.document is not None
    assert list(result.document) == ["foo", "bar"] + [f"step-{x}-output" for x in "abcdef"]
    assert result.document["step-b-output"] == {"property1": "p1", "property2": "p2",
                                                "sawStatus": "ok"}
    txn = result.output["processData"]
    assert result.execution.name == txn  # named after the transaction, as the facade does
    assert result.execution.input == {"processData": txn}
    # step f started the local Downstream, fire and forget; it ran on its own document
    [downstream] = result.started
    assert result.document["step-f-output"] == {"downstreamExecutionArn": downstream.arn}
    assert downstream.arn.startswith(
        "arn:aws:states:us-east-1:123456789012:execution:downstream:")
    assert downstream.status == "SUCCEEDED", (downstream.error, downstream.cause)
    assert downstream.input == {"processData": downstream.name}
    assert downstream.name != txn


def test_process_a_leaves_environment_clients_and_sys_path_as_they_were(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sfs3dsl_runtime import clients

    monkeypatch.setenv("SFS3DSL_BUCKET", "users-own")
    monkeypatch.delenv("SFS3DSL_PREFIX", raising=False)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in (str(ROOT), "")])
    path_before = list(sys.path)
    seen: dict[str, Any] = {}

    def spy(payload: Any, ctx: TaskContext) -> Any:  # a user task beside the handlers
        seen.update(bucket=os.environ.get("SFS3DSL_BUCKET"),
                    prefix=os.environ.get("SFS3DSL_PREFIX"),
                    sfn=type(clients.client("stepfunctions")).__name__,
                    on_path=str(ROOT) in sys.path)
        return payload

    with LocalRun(load_definitions(WORKFLOWS / "process_a.py"), tasks={"step-f": spy},
                  generated=ROOT / "generated") as local:
        sidecar = local.sidecar_input({"foo": 1})
        assert sidecar is not None
        execution = local.run(sidecar.reference, name=sidecar.name)
        assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
        document = local.sidecar_document(sidecar)
    assert seen == {"bucket": "sfs3dsl-process-a", "prefix": "process-a/",
                    "sfn": "LocalStepFunctions", "on_path": True}
    assert "step-f-output" not in document and "step-e-output" in document
    assert local.started() == []
    assert os.environ["SFS3DSL_BUCKET"] == "users-own"
    assert "SFS3DSL_PREFIX" not in os.environ
    assert sys.path == path_before
    assert not clients._overrides and not clients._cache


def test_runtime_environ_overlay_is_per_thread() -> None:
    """The hook LocalRun uses: each function's environment over os.environ, per thread."""
    from sfs3dsl_runtime import Location, clients

    token = clients.use_environ({"SFS3DSL_BUCKET": "mine", "SFS3DSL_PREFIX": "p/"})
    try:
        assert Location.from_env().bucket == "mine"
        assert clients.environ()["PATH"] == os.environ["PATH"]
        other: list[str | None] = []
        thread = threading.Thread(target=lambda: other.append(
            clients.environ().get("SFS3DSL_BUCKET")))
        thread.start()
        thread.join()
        assert other == [os.environ.get("SFS3DSL_BUCKET")]
    finally:
        clients.restore_environ(token)
    assert clients.environ() is os.environ


def test_local_step_functions_answers_as_aws_does() -> None:
    from botocore.exceptions import ClientError

    from sfs3dsl.run.interpreter import Runner
    from sfs3dsl.run.sidecar import LocalStepFunctions

    runner = Runner()
    arn = runner.register_state_machine("child", {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Result": {"done": True}, "End": True}}})
    sfn = LocalStepFunctions(runner)
    started = sfn.start_execution(stateMachineArn=arn, name="n1", input='{"a": 1}')
    assert started["executionArn"] == \
        "arn:aws:states:us-east-1:123456789012:execution:child:n1"
    with pytest.raises(ClientError, match="ExecutionAlreadyExists"):
        sfn.start_execution(stateMachineArn=arn, name="n1")
    with pytest.raises(ClientError, match="StateMachineDoesNotExist"):
        sfn.start_execution(stateMachineArn=arn.replace("child", "nope"), name="n2")
    [execution] = sfn.finish()
    assert (execution.status, execution.input, execution.output) == (
        "SUCCEEDED", {"a": 1}, {"done": True})
