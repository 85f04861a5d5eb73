"""The local runner, one ASL construct at a time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.run.interpreter import MissingTask, Runner, TaskContext, TaskFailure


def machine(states: dict[str, Any], start: str | None = None, **top: Any) -> dict[str, Any]:
    return {"StartAt": start or next(iter(states)), "States": states, **top}


def task(resource: str = "arn:aws:lambda:us-east-1:1:function:work", **fields: Any
         ) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, "End": True, **fields}


def flaky(failures: int, error: str = "Boom") -> Any:
    calls = {"n": 0}

    def fn(payload: Any, ctx: TaskContext) -> Any:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise TaskFailure(error, f"attempt {calls['n']}")
        return {"attempts": calls["n"]}

    return fn


def events(execution: Any, kind: str) -> list[dict[str, Any]]:
    return [e for e in execution.history if e["type"] == kind]


# --- Retry and Catch -----------------------------------------------------------------------

class RealWaits:
    """Records every real wait the runner asks for (``Event.wait``, ``time.sleep``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, pass_through: bool) -> None:
        self.requested: list[float] = []
        real_wait = threading.Event.wait
        real_sleep = time.sleep

        def wait(event: threading.Event, timeout: float | None = None) -> bool:
            self.requested.append(-1.0 if timeout is None else timeout)
            return real_wait(event, timeout if pass_through else min(timeout or 0.01, 0.01))

        def sleep(seconds: float) -> None:
            self.requested.append(seconds)
            real_sleep(seconds if pass_through else 0)

        monkeypatch.setattr(threading.Event, "wait", wait)
        monkeypatch.setattr(time, "sleep", sleep)

    @property
    def longest(self) -> float:
        return max(self.requested, default=0.0)


@pytest.fixture
def real_waits(monkeypatch: pytest.MonkeyPatch) -> RealWaits:
    """Fails nothing by itself; tests assert on what was asked for, never on elapsed time."""
    return RealWaits(monkeypatch, pass_through=True)


def test_retry_backoff_capped_by_max_delay_on_virtual_clock(real_waits: RealWaits) -> None:
    runner = Runner()
    runner.register_task("work", flaky(3))
    retrier = {"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "BackoffRate": 2.0,
               "MaxAttempts": 3, "MaxDelaySeconds": 3}
    execution = runner.run(machine({"T": task(Retry=[retrier])}), {})
    assert real_waits.longest < 1  # the 6 s of back-off were virtual
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"attempts": 4}
    failed = [e["timestamp"] for e in events(execution, "TaskFailed")]
    scheduled = [e["timestamp"] for e in events(execution, "TaskScheduled")][1:]
    gaps = [(s - f).total_seconds() for f, s in zip(failed, scheduled, strict=True)]
    assert gaps == pytest.approx([1, 2, 3])


def test_retry_full_jitter_stays_under_the_delay() -> None:
    runner = Runner(seed=7)
    runner.register_task("work", flaky(4))
    retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 4,
               "JitterStrategy": "FULL"}
    execution = runner.run(machine({"T": task(Retry=[retrier])}), {})
    failed = [e["timestamp"] for e in events(execution, "TaskFailed")]
    scheduled = [e["timestamp"] for e in events(execution, "TaskScheduled")][1:]
    gaps = [(s - f).total_seconds() for f, s in zip(failed, scheduled, strict=True)]
    assert all(0 <= g <= 10 * 2 ** i for i, g in enumerate(gaps))
    assert len(set(gaps)) == 4


def test_retry_exhausted_then_catch_with_result_path() -> None:
    runner = Runner()
    runner.register_task("work", flaky(10))
    definition = machine({
        "T": task(Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 2}],
                  Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                          "Next": "Done"}]),
        "Done": {"Type": "Pass", "End": True}})
    execution = runner.run(definition, {"keep": 1})
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"keep": 1, "error": {"Error": "Boom", "Cause": "attempt 3"}}


def test_max_attempts_zero_never_retries() -> None:
    runner = Runner()
    runner.register_task("work", flaky(1))
    execution = runner.run(machine({"T": task(
        Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 0}])}), {})
    assert (execution.status, execution.error) == ("FAILED", "Boom")


def test_states_all_does_not_catch_states_runtime() -> None:
    definition = machine({
        "P": {"Type": "Parallel", "End": True,
              "Branches": [machine({"X": {"Type": "Pass", "InputPath": "$.missing",
                                          "End": True}})],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
        "Caught": {"Type": "Succeed"}})
    execution = Runner().run(definition, {})
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "Invalid path '$.missing'" in str(execution.cause)


def test_python_exception_fails_like_a_lambda() -> None:
    runner = Runner()

    def broken(payload: Any, ctx: TaskContext) -> Any:
        raise ValueError("bad input")

    runner.register_task("work", broken)
    execution = runner.run(machine({"T": task()}), {})
    assert execution.error == "ValueError"
    assert '"errorMessage": "bad input"' in str(execution.cause)


# --- Wait and the clock ----------------------------------------------------------------------

def test_an_hour_wait_takes_no_real_time(real_waits: RealWaits) -> None:
    execution = Runner().run(machine({"W": {"Type": "Wait", "Seconds": 3600, "End": True}}),
                             {"a": 1})
    assert real_waits.longest < 1  # nothing slept for the hour
    assert execution.output == {"a": 1}
    assert execution.start_date is not None and execution.stop_date is not None
    assert execution.stop_date - execution.start_date == timedelta(hours=1)


def test_wait_until_timestamp_on_virtual_clock() -> None:
    target = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    stamp = target.strftime("%Y-%m-%dT%H:%M:%SZ")
    definition = machine({"W": {"Type": "Wait", "TimestampPath": "$.at", "End": True}})
    execution = Runner().run(definition, {"at": stamp})
    assert execution.status == "SUCCEEDED"
    assert events(execution, "WaitStateExited")[0]["timestamp"] == target


def test_wait_seconds_path_must_be_a_non_negative_integer() -> None:
    definition = machine({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}})
    execution = Runner().run(definition, {"s": -1})
    assert execution.error == "States.Runtime"


def test_real_clock_waits_for_real(monkeypatch: pytest.MonkeyPatch) -> None:
    waits = RealWaits(monkeypatch, pass_through=False)
    execution = Runner(clock="real").run(
        machine({"W": {"Type": "Wait", "Seconds": 1, "End": True}}), {})
    assert execution.status == "SUCCEEDED"
    # The Wait asked the real clock for (what was left of) its second.
    assert waits.longest == pytest.approx(1, abs=0.05)


def test_execution_timeout_gives_timed_out() -> None:
    definition = machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}},
                         TimeoutSeconds=10)
    execution = Runner().run(definition, {})
    assert (execution.status, execution.error) == ("TIMED_OUT", "States.Timeout")


def test_task_timeout_from_virtual_work() -> None:
    runner = Runner()

    def slow(payload: Any, ctx: TaskContext) -> Any:
        ctx.sleep(30)
        return "late"

    runner.register_task("work", slow)
    execution = runner.run(machine({"T": task(TimeoutSeconds=11)}), {})
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")
    assert events(execution, "TaskTimedOut")


# --- Parallel and Map ------------------------------------------------------------------------

class Gauge:
    """Counts how many callables run at the same moment."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, payload: Any, ctx: TaskContext) -> Any:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.05)
        with self.lock:
            self.now -= 1
        return payload


def test_map_respects_max_concurrency() -> None:
    gauge = Gauge()
    runner = Runner()
    runner.register_task("work", gauge)
    definition = machine({"M": {"Type": "Map", "MaxConcurrency": 2, "End": True,
                                "ItemProcessor": machine({"T": task()})}})
    execution = runner.run(definition, list(range(6)))
    assert execution.output == list(range(6))
    assert gauge.peak == 2


def test_map_virtual_time_follows_concurrency() -> None:
    runner = Runner()
    runner.register_task("work", lambda payload, ctx: ctx.sleep(3600))
    definition = machine({"M": {"Type": "Map", "MaxConcurrency": 2, "End": True,
                                "ItemProcessor": machine({"T": task()})}})
    execution = runner.run(definition, list(range(4)))
    assert execution.start_date is not None and execution.stop_date is not None
    assert execution.stop_date - execution.start_date == timedelta(hours=2)


@pytest.mark.parametrize("start", [datetime(2024, 1, 1, 12), datetime(
    2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=5)))], ids=["naive", "zoned"])
def test_map_virtual_time_keeps_the_start_times_zone(start: datetime) -> None:
    wait = machine({"W": {"Type": "Wait", "Seconds": 3600, "End": True}})
    definition = machine({"M": {"Type": "Map", "MaxConcurrency": 2, "End": True,
                                "ItemProcessor": wait}})
    execution = Runner().execute(definition, [1, 2, 3, 4], start=start)
    assert execution.status == "SUCCEEDED"
    assert execution.stop_date == start + timedelta(hours=2)
    assert execution.stop_date is not None and execution.stop_date.tzinfo == start.tzinfo


def test_map_holds_a_frame_only_for_running_iterations(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    # A Map over many items must not build every iteration's frame before it starts: the
    # garbage collector would walk that growing heap on every collection.
    from sfs3dsl.run.interpreter import scope

    alive: list[int] = []
    made = {"n": 0}
    real_init = scope.Frame.__init__

    def counting_init(self: scope.Frame, *args: Any, **kwargs: Any) -> None:
        made["n"] += 1
        real_init(self, *args, **kwargs)

    def work(payload: Any, ctx: TaskContext) -> Any:
        alive.append(made["n"])
        return payload

    monkeypatch.setattr(scope.Frame, "__init__", counting_init)
    runner = Runner()
    runner.register_task("work", work)
    definition = machine({"M": {"Type": "Map", "MaxConcurrency": 3, "End": True,
                                "ItemProcessor": machine({"T": task()})}})
    execution = runner.run(definition, list(range(30)))
    assert execution.output == list(range(30))
    # frames made when the first task ran: the top frame and the first iterations' only
    assert alive[0] <= 1 + 3
    assert made["n"] == 1 + 30


def test_history_keeps_payloads_as_they_were_when_recorded() -> None:
    kept: list[Any] = []

    def first(payload: Any, ctx: TaskContext) -> Any:
        kept.append({"n": 1})
        return kept[0]

    def second(payload: Any, ctx: TaskContext) -> Any:
        kept[0]["n"] = 2  # the object the first task returned, changed afterwards
        return payload

    runner = Runner()
    runner.register_task("first", first)
    runner.register_task("second", second)
    definition = machine({"A": {"Type": "Task", "Resource": "first", "ResultPath": "$.a",
                                "Next": "B"},
                          "B": task("second", ResultPath=None)})
    execution = runner.run(definition, {})
    (exited,) = [e for e in events(execution, "TaskStateExited")
                 if e["stateExitedEventDetails"]["name"] == "A"]
    assert exited["stateExitedEventDetails"]["output"] == '{"a":{"n":1}}'


def test_parallel_runs_branches_at_once_and_keeps_order() -> None:
    gauge = Gauge()
    runner = Runner()
    runner.register_task("work", gauge)
    branches = [machine({"T": task(Parameters={"b": i})}) for i in range(3)]
    execution = runner.run(machine({"P": {"Type": "Parallel", "Branches": branches,
                                          "End": True}}), {})
    assert execution.output == [{"b": 0}, {"b": 1}, {"b": 2}]
    assert gauge.peak == 3


def test_parallel_branch_failure_fails_the_state() -> None:
    branches = [machine({"Ok": {"Type": "Pass", "End": True}}),
                machine({"No": {"Type": "Fail", "Error": "E", "Cause": "C"}})]
    execution = Runner().run(machine({"P": {"Type": "Parallel", "Branches": branches,
                                            "End": True}}), {})
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "E", "C")


def _failing_map(**fields: Any) -> dict[str, Any]:
    processor = machine({"C": {"Type": "Choice", "Default": "Ok", "Choices": [
        {"Variable": "$", "NumericLessThan": 0, "Next": "No"}]},
        "Ok": {"Type": "Pass", "End": True},
        "No": {"Type": "Fail", "Error": "Negative"}})
    return machine({"M": {"Type": "Map", "End": True, "ItemProcessor": processor,
                          **fields}})


def test_tolerated_failure_count() -> None:
    items = [1, -1, 2, -2]
    ok = Runner().run(_failing_map(ToleratedFailureCount=2), items)
    assert ok.status == "SUCCEEDED"
    assert ok.output == [1, {"Error": "Negative"}, 2, {"Error": "Negative"}]
    over = Runner().run(_failing_map(ToleratedFailureCount=1), items)
    assert (over.status, over.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")


def test_tolerated_failure_percentage() -> None:
    items = [1, -1, 2, 3]
    assert Runner().run(_failing_map(ToleratedFailurePercentage=25), items).status == \
        "SUCCEEDED"
    assert Runner().run(_failing_map(ToleratedFailurePercentage=20), items).error == \
        "States.ExceedToleratedFailureThreshold"


def test_map_item_selector_sees_index_and_value() -> None:
    definition = machine({"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value",
                         "tag.$": "$.tag"},
        "ItemProcessor": machine({"P": {"Type": "Pass", "End": True}})}})
    execution = Runner().run(definition, {"items": ["a", "b"], "tag": "t"})
    assert execution.output == [{"i": 0, "v": "a", "tag": "t"}, {"i": 1, "v": "b", "tag": "t"}]


# --- callbacks -------------------------------------------------------------------------------

CALLBACK = machine({
    "SendWait": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}},
        "HeartbeatSeconds": 60, "ResultPath": "$.taskresult", "End": True,
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"},
                  {"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"}]},
    "TimedOut": {"Type": "Succeed"},
    "Failed": {"Type": "Fail", "Error": "Rejected"}})


def _notify_runner(**kwargs: Any) -> tuple[Runner, list[str]]:
    runner = Runner(**kwargs)
    seen: list[str] = []
    runner.register_task("notify", lambda payload, ctx: seen.append(payload["token"]))
    return runner, seen


def test_send_task_success_resumes() -> None:
    runner, seen = _notify_runner()
    handle = runner.start(CALLBACK, {"a": 1})
    token = handle.task_token()
    runner.send_task_heartbeat(token)
    runner.send_task_success(token, '{"answer": 42}')
    execution = handle.wait(5)
    assert seen == [token]
    assert execution.output == {"a": 1, "taskresult": {"answer": 42}}


def test_send_task_failure_is_caught() -> None:
    runner, _ = _notify_runner()
    handle = runner.start(CALLBACK, {})
    runner.send_task_failure(handle.task_token(), "Nope", "the worker said no")
    execution = handle.wait(5)
    assert (execution.status, execution.error) == ("FAILED", "Rejected")


def test_send_task_success_refuses_output_that_is_not_json() -> None:
    runner, _ = _notify_runner()
    handle = runner.start(CALLBACK, {})
    token = handle.task_token()
    with pytest.raises(ExecutionError, match=r"send_task_success: the output is not JSON "
                                             r"\(Object of type set is not JSON serializable\)"):
        runner.send_task_success(token, {"ids": {1, 2}})
    runner.send_task_success(token, "{}")  # the task still waits, and can still be resumed
    assert handle.wait(5).status == "SUCCEEDED"


def test_a_task_returning_what_is_not_json_fails_as_lambda_does() -> None:
    # Lambda's Python runtime cannot marshal such a value; the state fails with its error,
    # which Retry and Catch see like any other.
    runner = Runner()
    runner.register_task("work", lambda payload, ctx: {"ids": {1, 2}})
    execution = runner.run(machine({"T": task()}), {})
    assert (execution.status, execution.error) == ("FAILED", "Runtime.MarshalError")
    assert json.loads(execution.cause or "") == {
        "errorMessage": "Unable to marshal response: Object of type set is not JSON "
                        "serializable",
        "errorType": "Runtime.MarshalError", "requestId": "", "stackTrace": []}
    caught = runner.run(machine({"T": task(Catch=[
        {"ErrorEquals": ["Runtime.MarshalError"], "Next": "Handled"}]),
        "Handled": {"Type": "Pass", "End": True}}), {})
    assert caught.status == "SUCCEEDED"


def test_execution_input_that_is_not_json_is_refused() -> None:
    with pytest.raises(ExecutionError, match=r"the execution input is not JSON \(Object of "
                                             r"type set is not JSON serializable\)"):
        Runner().run(machine({"P": {"Type": "Pass", "End": True}}), {1, 2})


def test_heartbeat_timeout_on_virtual_clock(real_waits: RealWaits) -> None:
    runner, _ = _notify_runner(callback_patience=0.01)
    execution = runner.run(CALLBACK, {})
    assert real_waits.longest < 1  # the heartbeat deadline passed on the virtual clock
    assert execution.status == "SUCCEEDED"
    assert [e["stateEnteredEventDetails"]["name"] for e in execution.history
            if e["type"] == "SucceedStateEntered"] == ["TimedOut"]
    timed_out = events(execution, "TaskTimedOut")[0]["taskTimedOutEventDetails"]
    assert timed_out["error"] == "States.HeartbeatTimeout"


def _without_heartbeat(**top: Any) -> dict[str, Any]:
    """CALLBACK whose task waits for its token with no deadline of its own."""
    definition = {**CALLBACK, **top, "States": {**CALLBACK["States"], "SendWait": {
        **CALLBACK["States"]["SendWait"]}}}
    del definition["States"]["SendWait"]["HeartbeatSeconds"]
    return definition


def test_the_execution_timeout_ends_a_wait_for_a_token_on_the_virtual_clock(
        real_waits: RealWaits) -> None:
    # AWS: an execution's TimeoutSeconds ends it whatever its task waits for; the task has
    # no TimeoutSeconds or HeartbeatSeconds, so only the execution's deadline is left
    runner, seen = _notify_runner(callback_patience=0.01)
    execution = runner.start(_without_heartbeat(TimeoutSeconds=60), {}).wait(30)
    assert real_waits.longest < 1  # the 60 s passed on the virtual clock
    assert len(seen) == 1
    assert execution.status == "TIMED_OUT"
    assert execution.history[-1]["type"] == "ExecutionTimedOut"
    assert execution.history[-1]["timestamp"] - execution.history[0]["timestamp"] == \
        timedelta(seconds=60)
    assert not events(execution, "TaskTimedOut")  # the execution ended, not the task
    assert runner.tokens.pending() == []  # the token was withdrawn


def test_the_execution_timeout_ends_a_wait_for_a_token_on_the_real_clock() -> None:
    runner, seen = _notify_runner(clock="real")
    execution = runner.start(_without_heartbeat(TimeoutSeconds=1), {}).wait(30)
    assert len(seen) == 1
    assert execution.status == "TIMED_OUT"
    assert runner.tokens.pending() == []


def test_the_task_timeout_before_the_execution_timeout_is_caught() -> None:
    runner, _ = _notify_runner(callback_patience=0.01)
    definition = _without_heartbeat(TimeoutSeconds=60)
    definition["States"]["SendWait"]["TimeoutSeconds"] = 30
    execution = runner.run(definition, {})
    assert execution.status == "SUCCEEDED"  # the Catch of States.Timeout went to TimedOut
    assert events(execution, "TaskTimedOut")


def test_callable_may_answer_its_own_token() -> None:
    runner = Runner()
    runner.register_task("notify", lambda payload, ctx: runner.send_task_success(
        payload["token"], {"done": True}))
    execution = runner.run(CALLBACK, {})
    assert execution.output == {"taskresult": {"done": True}}


def test_stop_aborts() -> None:
    runner, _ = _notify_runner(callback_patience=0.01)
    definition = {**CALLBACK, "States": {**CALLBACK["States"], "SendWait": {
        **CALLBACK["States"]["SendWait"], "HeartbeatSeconds": None}}}
    del definition["States"]["SendWait"]["HeartbeatSeconds"]
    handle = runner.start(definition, {})
    handle.task_token()
    assert handle.stop().status == "ABORTED"


# --- tasks and integrations --------------------------------------------------------------------

def test_lambda_invoke_wraps_payload_and_matches_function_name() -> None:
    runner = Runner()
    runner.register_task("step-a", lambda payload, ctx: {"got": payload})
    definition = machine({"T": task("arn:aws:states:::lambda:invoke", Parameters={
        "FunctionName": "arn:aws:lambda:us-east-1:1:function:step-a:$LATEST",
        "Payload": {"x": 1}}, ResultSelector={"p.$": "$.Payload", "code.$": "$.StatusCode"})})
    execution = runner.run(definition, {})
    assert execution.output == {"p": {"got": {"x": 1}}, "code": 200}


def test_glob_pattern_registration() -> None:
    runner = Runner()
    runner.register_task("arn:aws:lambda:*:function:step-*", lambda payload, ctx: "ok")
    execution = runner.run(machine({"T": task("arn:aws:lambda:eu-west-1:1:function:step-b")}),
                           {})
    assert execution.output == "ok"


def test_unknown_resource_names_state_and_resource() -> None:
    with pytest.raises(MissingTask, match=r"state 'T'.*arn:aws:states:::sns:publish"):
        Runner().run(machine({"T": task("arn:aws:states:::sns:publish")}), {})


def test_unmocked_lambda_can_echo() -> None:
    execution = Runner(unmocked_lambda="echo").run(machine({"T": task()}), {"a": 1})
    assert execution.output == {"a": 1}


def test_start_execution_sync_runs_a_registered_machine() -> None:
    runner = Runner()
    child = machine({"W": {"Type": "Wait", "Seconds": 60, "Next": "P"},
                     "P": {"Type": "Pass", "Result": {"child": "done"}, "End": True}})
    arn = runner.register_state_machine("downstream", child)
    parent = machine({"T": task("arn:aws:states:::states:startExecution.sync:2",
                                Parameters={"StateMachineArn": arn, "Input": {"x": 1}},
                                OutputPath="$.Output")})
    execution = runner.run(parent, {})
    assert execution.output == {"child": "done"}
    assert execution.start_date is not None and execution.stop_date is not None
    assert execution.stop_date - execution.start_date >= timedelta(seconds=60)


def test_unrunnable_definition_raises() -> None:
    with pytest.raises(ExecutionError, match="'Nowhere'"):
        Runner().run(machine({"A": {"Type": "Pass", "Next": "Nowhere"}}), {})


# --- context object and error names --------------------------------------------------------------

def test_context_object_fields() -> None:
    runner = Runner()
    seen: list[Any] = []

    def record(payload: Any, ctx: TaskContext) -> Any:
        seen.append(payload)
        if len(seen) == 1:
            raise TaskFailure("Boom", "first attempt")
        return payload

    runner.register_task("work", record)
    definition = machine({"T": task(
        Parameters={"name.$": "$$.Execution.Name", "state.$": "$$.State.Name",
                    "retry.$": "$$.State.RetryCount", "sm.$": "$$.StateMachine.Name"},
        Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 1}])})
    execution = runner.run(definition, {}, name="run-1")
    assert execution.status == "SUCCEEDED"
    assert seen == [{"name": "run-1", "state": "T", "retry": n, "sm": "LocalStateMachine"}
                    for n in (0, 1)]
    assert execution.arn.endswith(":execution:LocalStateMachine:run-1")


@pytest.mark.parametrize(("states", "value", "error"), [
    ({"C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1,
                                           "Next": "E"}]},
      "E": {"Type": "Succeed"}}, {"x": 2}, "States.NoChoiceMatched"),
    ({"P": {"Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": True}}, {"a": 5},
     "States.ResultPathMatchFailure"),
    ({"P": {"Type": "Pass", "Parameters": {"v.$": "States.ArrayGetItem($.a, 5)"},
            "End": True}}, {"a": [1]}, "States.IntrinsicFailure"),
    ({"P": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $nope %}",
            "End": True}}, {}, "States.QueryEvaluationError"),
    ({"P": {"Type": "Pass", "Parameters": {"v.$": "$.missing"}, "End": True}}, {},
     "States.Runtime"),
])
def test_aws_error_names(states: dict[str, Any], value: Any, error: str) -> None:
    execution = Runner().run(machine(states), value)
    assert (execution.status, execution.error) == ("FAILED", error)


def test_variables_are_scoped_and_assigned_after_output() -> None:
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": 2}, "OutputPath": "$x", "Next": "C"},
        "C": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $x %}",
              "End": True}})
    assert Runner().run(definition, {}).output == 2


def test_import_does_not_pull_cli_dependencies() -> None:
    code = ("import sys, sfs3dsl.run.interpreter; "
            "print([m for m in ('click', 'jinja2', 'jsonata') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --- Distributed Map: ItemReader and ResultWriter failures fail the state, never raise ------

class _ClientError(Exception):
    """What botocore raises for an S3 error answer (the shape the runner reads)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"An error occurred ({code}) when calling the GetObject operation")
        self.response = {"Error": {"Code": code, "Message": message},
                         "ResponseMetadata": {"HTTPStatusCode": status}}


def distributed_map(**fields: Any) -> dict[str, Any]:
    return machine({"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, **fields}})


READER = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
          "Parameters": {"Bucket": "in", "Key": "items.json"}}


@pytest.mark.parametrize(("raised", "cause"), [
    (_ClientError("NoSuchKey", "The specified key does not exist.", 404),
     "Failed to get the S3 object of bucket 'in', key 'items.json': The specified key does "
     "not exist. (Service: S3, Status Code: 404, Error Code: NoSuchKey)"),
    (ConnectionError("no route to host"),
     "Failed to get the S3 object of bucket 'in', key 'items.json': ConnectionError: no "
     "route to host"),
])
def test_item_reader_that_cannot_read_fails_with_item_reader_failed(raised: Exception,
                                                                    cause: str) -> None:
    def get_object(params: Any, ctx: TaskContext) -> Any:
        raise raised

    runner = Runner()
    runner.register_task("arn:aws:states:::s3:getObject", get_object)
    execution = runner.run(distributed_map(ItemReader=READER))
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.ItemReaderFailed", cause)


@pytest.mark.parametrize(("body", "input_type", "cause"), [
    ('{"a": 1}\nnot json\n', "JSONL", "The S3 object is not JSON Lines text: line 2 is not "
                                      "JSON."),
    (b"\xff\xfe", "JSON", "The S3 object is not UTF-8 text."),
])
def test_item_reader_object_that_does_not_parse_fails_the_state(body: Any, input_type: str,
                                                               cause: str) -> None:
    runner = Runner()
    runner.register_task("arn:aws:states:::s3:getObject", lambda params, ctx: body)
    reader = {**READER, "ReaderConfig": {"InputType": input_type}}
    execution = runner.run(distributed_map(ItemReader=reader))
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.ItemReaderFailed", cause)


def test_item_reader_mock_may_return_the_items_themselves() -> None:
    runner = Runner()
    runner.register_task("arn:aws:states:::s3:getObject", lambda params, ctx: [{"n": 1}])
    execution = runner.run(distributed_map(ItemReader=READER))
    assert (execution.status, execution.output) == ("SUCCEEDED", [{"n": 1}])


def test_result_writer_that_cannot_write_fails_with_result_writer_failed() -> None:
    def put_object(params: Any, ctx: TaskContext) -> Any:
        raise _ClientError("AccessDenied", "Access Denied", 403)

    runner = Runner()
    runner.register_task("arn:aws:states:::s3:putObject", put_object)
    execution = runner.run(distributed_map(ResultWriter={
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": "out", "Prefix": "runs"}}), [1])
    assert (execution.status, execution.error) == ("FAILED", "States.ResultWriterFailed")
    assert execution.cause is not None
    assert execution.cause.startswith("Failed to put the S3 object of bucket 'out', key 'runs/")
    assert execution.cause.endswith(": Access Denied. (Service: S3, Status Code: 403, "
                                    "Error Code: AccessDenied)")


def test_stop_with_a_timeout_gives_up_on_a_task_that_does_not_return() -> None:
    release = threading.Event()
    runner = Runner("real")
    runner.register_task("work", lambda payload, ctx: release.wait(5))
    handle = runner.start(machine({"T": task()}))
    while not handle.execution.history or handle.execution.history[-1]["type"] != "TaskStarted":
        time.sleep(0.005)
    with pytest.raises(TimeoutError):
        handle.stop(0.05)
    release.set()
    assert handle.wait(5).status == "ABORTED"
