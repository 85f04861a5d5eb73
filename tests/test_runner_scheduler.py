"""Parallel branches and Map iterations that move the virtual clock, on one thread.

Jobs with Waits, Retry back-offs and Tasks whose callable cannot block run in greenlets
under the discrete-event scheduler (``run/interpreter/scheduler.py``). These tests compare
their whole histories with the threaded engine's (forced by making every job "need a
thread"), pin the cases where the threaded engine was wrong (a failure cutting siblings
short, MaxConcurrency slots freed in virtual-time order), check that stops and the
execution's TimeoutSeconds still end such jobs, and that no thread starts.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from sfs3dsl.run import handlers, mock_config
from sfs3dsl.run.definitions import Definitions
from sfs3dsl.run.interpreter import Runner, TaskContext, TaskFailure, inline
from sfs3dsl.run.interpreter.tasks import nonblocking, task_never_blocks
from sfs3dsl.run.local import LocalRun

#: The name of the kept threads `Runner.start` runs executions on (workers.Workers).
WORKERS_NAME = "sfs3dsl-run"

START = datetime(2024, 5, 1, 8, 30)
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def machine(states: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states, **fields}


def wait(seconds: int | None = None, then: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"Type": "Wait"}
    if seconds is None:
        spec["SecondsPath"] = "$.wait"
    else:
        spec["Seconds"] = seconds
    return {**spec, **({"Next": then} if then else {"End": True})}


def task(then: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, **fields,
            **({"Next": then} if then else {"End": True})}


#: Wait as long as the item says, then a Task (answered by the runner's echo).
WAIT_TASK = machine({"W": wait(None, "T"), "T": task()})
#: Wait, then fail when the item says so.
WAIT_MAYBE_FAIL = machine({
    "W": wait(None, "C"),
    "C": {"Type": "Choice", "Default": "Ok", "Choices": [
        {"Variable": "$.fail", "IsPresent": True, "Next": "No"}]},
    "Ok": {"Type": "Pass", "End": True},
    "No": {"Type": "Fail", "Error": "Broken", "Cause": "item says so"}})
RETRY = [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 3, "BackoffRate": 2.0,
          "MaxAttempts": 3}]


def map_of(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine({"Each": {"Type": "Map", "End": True, "ItemProcessor": processor,
                             **fields}})


def parallel_of(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine({"Par": {"Type": "Parallel", "End": True, "Branches": list(branches),
                            **fields}})


def items(*seconds: int, fail: int | None = None) -> list[dict[str, Any]]:
    return [{"wait": s, **({"fail": True} if i == fail else {})}
            for i, s in enumerate(seconds)]


@nonblocking
def flaky(payload: Any, ctx: TaskContext) -> Any:
    """Fails the first two attempts of an item whose payload asks for it."""
    if isinstance(payload, dict) and payload.get("flaky") and ctx.retry_count < 2:
        raise TaskFailure("Flaky", f"attempt {ctx.retry_count}")
    return payload


WAIT_FLAKY_TASK = machine({"W": wait(None, "T"), "T": task(Retry=RETRY)})
NESTED = parallel_of(
    map_of(WAIT_TASK, ItemsPath="$.items", MaxConcurrency=0),
    machine({"W": wait(15, "T"), "T": task()}),
    machine({"Inner": {"Type": "Parallel", "End": True, "Retry": [
        {"ErrorEquals": ["Broken"], "IntervalSeconds": 7, "MaxAttempts": 1}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
        "Branches": [machine({"W": wait(4, "F"),
                              "F": {"Type": "Fail", "Error": "Broken"}})]},
        "Caught": {"Type": "Pass", "End": True}}),
)

#: (definition, input): workflows whose threaded history is the same run to run (every
#: job gets a slot at the start, or one runs at a time), to compare with the scheduler's.
CASES: dict[str, tuple[dict[str, Any], Any]] = {
    "map-waits-mc0": (map_of(WAIT_TASK, MaxConcurrency=0), items(30, 10, 20, 5, 0, 10)),
    "map-waits-mc1": (map_of(WAIT_TASK, MaxConcurrency=1), items(30, 10, 20, 5)),
    "map-waits-mc4-of-4": (map_of(WAIT_TASK, MaxConcurrency=4), items(3, 1, 2, 1)),
    "parallel-waits": (parallel_of(machine({"W": wait(60, "T"), "T": task()}),
                                   machine({"W": wait(5, "T"), "T": task()}),
                                   machine({"P": {"Type": "Pass", "End": True}})), {}),
    "retries-with-backoff": (map_of(WAIT_FLAKY_TASK, MaxConcurrency=0),
                             [{"wait": 1, "flaky": True}, {"wait": 2},
                              {"wait": 0, "flaky": True}]),
    # one at a time, the failing iteration stops the ones after it (side by side, a
    # threaded failure cut the others short at whatever point they had reached in real
    # time: test_a_failing_iteration_stops_the_others_where_they_are pins the scheduler)
    "failing-iteration": (map_of(WAIT_MAYBE_FAIL, MaxConcurrency=1),
                          items(10, 20, 30, 5, fail=2)),
    "tolerated-failure": (map_of(WAIT_MAYBE_FAIL, ToleratedFailureCount=1),
                          items(30, 10, 20, fail=1)),
    "nested-map-in-parallel": (NESTED, {"items": items(8, 2, 6)}),
}


def runner() -> Runner:
    runner = Runner(unmocked_lambda="echo")
    runner.register_task(LAMBDA, flaky)
    return runner


def _event_key(event: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in event.items() if k not in ("id", "previousEventId")},
                      default=str, sort_keys=True)


def canonical(history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every event with the event it follows, ids left out: threads record events of
    different jobs in whatever order they get the lock, the scheduler in time order."""
    by_id = {e["id"]: e for e in history}
    return sorted((_event_key(e), _event_key(by_id[e["previousEventId"]])
                   if e["previousEventId"] else "") for e in history)


@pytest.mark.parametrize("case", list(CASES))
def test_the_scheduler_records_what_threads_record(case: str, thread_starts: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    definition, value = CASES[case]
    scheduled = runner().execute(definition, value, start=START)
    assert thread_starts == []
    monkeypatch.setattr(inline, "needs_threads", lambda machines, check: True)
    threaded = runner().execute(definition, value, start=START)
    # the reference really ran on threads (one at a time needs none, on either path)
    assert bool(thread_starts) is ("MaxConcurrency" not in json.dumps(definition)
                                   or '"MaxConcurrency": 1' not in json.dumps(definition))
    assert (scheduled.status, scheduled.error, scheduled.output, scheduled.stop_date) == (
        threaded.status, threaded.error, threaded.output, threaded.stop_date)
    assert canonical(scheduled.history) == canonical(threaded.history)
    stamps = [e["timestamp"] for e in scheduled.history]
    assert stamps == sorted(stamps)  # recorded in virtual-time order


def _at(execution: Any) -> list[tuple[int, str, Any]]:
    """(seconds after START, type, map iteration index) of every event."""
    out = []
    for e in execution.history:
        index = (e.get("mapIterationStartedEventDetails")
                 or e.get("mapIterationSucceededEventDetails")
                 or e.get("mapIterationFailedEventDetails") or {}).get("index")
        out.append((int((e["timestamp"] - START).total_seconds()), e["type"], index))
    return out


def test_a_slot_goes_to_the_next_item_when_it_frees_up_in_virtual_time() -> None:
    # MaxConcurrency 2 over waits of 30, 10, 20, 5 s: item 2 takes the slot item 1 frees
    # at +10 s, item 3 the one item 0 frees at +30 s (threads took whichever slot was
    # given back first in real time)
    execution = runner().execute(map_of(WAIT_TASK, MaxConcurrency=2), items(30, 10, 20, 5),
                                 start=START)
    starts = [(t, i) for t, kind, i in _at(execution) if kind == "MapIterationStarted"]
    ends = [(t, i) for t, kind, i in _at(execution) if kind == "MapIterationSucceeded"]
    assert starts == [(0, 0), (0, 1), (10, 2), (30, 3)]
    assert ends == [(10, 1), (30, 0), (30, 2), (35, 3)]
    assert execution.stop_date == START + timedelta(seconds=35)


def test_a_failing_branch_stops_the_other_branches_at_its_own_time() -> None:
    definition = parallel_of(machine({"W": wait(3600, "P"), "P": {"Type": "Pass",
                                                                 "End": True}}),
                             machine({"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}))
    execution = runner().execute(definition, {}, start=START)
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "E", "c")
    assert [(t, kind) for t, kind, _ in _at(execution)] == [
        (0, "ExecutionStarted"), (0, "ParallelStateEntered"), (0, "ParallelStateStarted"),
        (0, "WaitStateEntered"), (0, "FailStateEntered"), (0, "ParallelStateFailed"),
        (0, "ExecutionFailed")]
    assert execution.stop_date == START


def test_a_failing_iteration_stops_the_others_where_they_are() -> None:
    # item 1 fails at +10 s; items 0 and 2 wait for an hour and are stopped mid-wait;
    # item 3 (MaxConcurrency 3) never starts
    execution = runner().execute(map_of(WAIT_MAYBE_FAIL, MaxConcurrency=3),
                                 items(3600, 10, 3600, 1, fail=1), start=START)
    assert (execution.status, execution.error) == ("FAILED", "Broken")
    assert _at(execution)[-7:] == [
        (10, "WaitStateExited", None), (10, "ChoiceStateEntered", None),
        (10, "ChoiceStateExited", None), (10, "FailStateEntered", None),
        (10, "MapIterationFailed", 1), (10, "MapStateFailed", None),
        (10, "ExecutionFailed", None)]
    assert max(t for t, _, _ in _at(execution)) == 10
    assert sum(kind == "MapIterationStarted" for _, kind, _ in _at(execution)) == 3
    assert execution.stop_date == START + timedelta(seconds=10)


def test_a_retried_parallel_backs_off_on_its_own_path() -> None:
    # the inner Parallel fails at +4 s, backs off 7 s, fails again at +15 s; the Wait
    # branch beside it goes on meanwhile and ends at +20 s
    definition = parallel_of(
        machine({"W": wait(20, "P"), "P": {"Type": "Pass", "End": True}}),
        machine({"Inner": {"Type": "Parallel", "End": True, "Retry": [
            {"ErrorEquals": ["Broken"], "IntervalSeconds": 7, "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
            "Branches": [machine({"W": wait(4, "F"),
                                  "F": {"Type": "Fail", "Error": "Broken"}})]},
            "Caught": {"Type": "Pass", "End": True}}))
    execution = runner().execute(definition, {}, start=START)
    assert execution.status == "SUCCEEDED"
    assert [(t, kind) for t, kind, _ in _at(execution)
            if kind in ("ParallelStateFailed", "WaitStateExited", "ParallelStateSucceeded")] \
        == [(4, "WaitStateExited"), (4, "ParallelStateFailed"), (15, "WaitStateExited"),
            (15, "ParallelStateFailed"), (20, "WaitStateExited"),
            (20, "ParallelStateSucceeded")]


def test_the_execution_timeout_ends_scheduled_jobs() -> None:
    definition = map_of(WAIT_TASK, MaxConcurrency=2) | {"TimeoutSeconds": 100}
    execution = runner().execute(definition, items(3600, 60, 60, 3600), start=START)
    assert execution.status == "TIMED_OUT"
    assert execution.history[-1]["type"] == "ExecutionTimedOut"
    assert max(t for t, _, _ in _at(execution)) == 100
    # items 1 and 2 ended at +60 s and +120 s would be past the end: item 2 never ends
    assert [(t, i) for t, kind, i in _at(execution) if kind == "MapIterationSucceeded"] == [
        (60, 1)]


def test_stop_ends_scheduled_iterations_that_never_end(thread_starts: list[str]) -> None:
    loop = machine({
        "W": wait(1, "Again"),
        "Again": {"Type": "Choice", "Default": "W", "Choices": [
            {"Variable": "$.done", "IsPresent": True, "Next": "Done"}]},
        "Done": {"Type": "Succeed"}})
    handle = Runner(limits=False).start(map_of(loop, MaxConcurrency=0), [{}, {}, {}])
    while len(handle.execution.history) < 300:
        time.sleep(0.005)
    execution = handle.stop(10)
    types = [e["type"] for e in execution.history]
    assert execution.status == "ABORTED"
    assert types[-1] == "ExecutionAborted"
    assert types.count("MapIterationStarted") == 3
    assert "MapIterationSucceeded" not in types
    # No thread for the iterations: at most the execution's own (Runner.start runs it on a
    # kept worker thread, which an earlier test in this process may already have started).
    assert [name for name in thread_starts if name != WORKERS_NAME] == []
    assert len(thread_starts) <= 1


def _runner_with(fn: Any) -> Runner:
    runner = Runner()
    runner.register_task(LAMBDA, fn)
    return runner


def _user(payload: Any, ctx: TaskContext) -> Any:
    return payload


@nonblocking
def _declared(payload: Any, ctx: TaskContext) -> Any:
    return payload


@pytest.mark.parametrize(("fn", "state", "expected"), [
    (handlers.constant_task({"ok": 1}), task(), True),
    (_declared, task(), True),
    (_user, task(), False),
    (mock_config.Mocked("m.json", "case", "T", mock_config.MockedResponse("r", ())), task(),
     True),
    (handlers.constant_task(1), task() | {"Resource": LAMBDA + ".waitForTaskToken"}, False),
    (handlers.constant_task(1), task() | {"Resource": "arn:aws:states:::lambda:invoke",
                                          "Parameters": {"FunctionName.$": "$.f"}}, False),
    (handlers.constant_task(1), task() | {"Resource": "arn:aws:states:::lambda:invoke",
                                          "Parameters": {"FunctionName": LAMBDA}}, True),
    (handlers.constant_task(1), task() | {
        "Resource": "arn:aws:states:::states:startExecution.sync:2"}, False),
], ids=["constant", "declared", "user-callable", "mock-config", "task-token",
        "dynamic-function", "static-function", "start-execution"])
def test_which_task_callables_cannot_block(fn: Any, state: dict[str, Any],
                                           expected: bool) -> None:
    assert task_never_blocks(_runner_with(fn), "Main", "T", state) is expected


def test_the_echo_cannot_block_and_an_unregistered_lambda_may() -> None:
    assert task_never_blocks(Runner(unmocked_lambda="echo"), "Main", "T", task()) is True
    assert task_never_blocks(Runner(), "Main", "T", task()) is False


@pytest.mark.parametrize(("fn", "threads"), [(_user, 3), (_declared, 0)])
def test_user_callables_keep_a_thread_each(fn: Any, threads: int,
                                           thread_starts: list[str]) -> None:
    execution = _runner_with(fn).execute(map_of(WAIT_TASK, MaxConcurrency=3),
                                         items(5, 1, 2, 3, 4), start=START)
    assert execution.status == "SUCCEEDED"
    assert len(thread_starts) == threads


def _mocked() -> mock_config.Mocked:
    answer = mock_config.Answer(0, 99, throws=False, value={"Payload": "mocked"})
    return mock_config.Mocked("mocks.json", "case", "T",
                              mock_config.MockedResponse("r", (answer,)))


@pytest.mark.parametrize(("fn", "threads", "output"), [
    (handlers.constant_task("constant"), 0, "constant"),
    (_mocked(), 0, {"Payload": "mocked"}),
    (_user, 3, {"wait": 1}),
], ids=["mock-constant", "mock-config", "user-callable"])
def test_a_local_run_schedules_mocked_tasks_on_one_thread(
        fn: Any, threads: int, output: Any, thread_starts: list[str], tmp_path: Any) -> None:
    definitions = Definitions("main", {"main": map_of(WAIT_TASK, MaxConcurrency=3)},
                              tmp_path / "main.json")
    with LocalRun(definitions, tasks={"T": fn}, generated=tmp_path) as local:
        execution = local.run(items(1, 2, 3, 4))
    assert execution.status == "SUCCEEDED"
    assert execution.output[0] == output
    assert len(thread_starts) == threads
