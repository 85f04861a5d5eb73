"""Parallel branches and Map iterations that run on the caller's thread (virtual clock).

Jobs that can neither move the virtual clock nor wait for the outside world run one after
another on the thread that reached the state (``run/interpreter/inline.py``); the others
run under the one-thread scheduler or keep a thread each (tests/test_runner_scheduler.py).
These tests pin which is which, that no thread starts for the first kind, and that their
results, history and timestamps are what running them side by side gives.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from sfs3dsl.run.interpreter import Runner
from sfs3dsl.run.interpreter.inline import may_wait

START = datetime(2024, 5, 1, 8, 30)


def machine(states: dict[str, Any], start: str | None = None) -> dict[str, Any]:
    return {"StartAt": start or next(iter(states)), "States": states}


PASS = machine({"P": {"Type": "Pass", "End": True}})
WAIT = machine({"W": {"Type": "Wait", "Seconds": 5, "End": True}})
TASK = machine({"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
                      "End": True}})
CHOICE_FAIL = machine({
    "C": {"Type": "Choice", "Default": "Ok", "Choices": [
        {"Variable": "$", "NumericLessThan": 0, "Next": "No"}]},
    "Ok": {"Type": "Succeed"},
    "No": {"Type": "Fail", "Error": "Negative", "Cause": "below zero"}})


def parallel_of(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine({"Par": {"Type": "Parallel", "End": True, "Branches": list(branches),
                            **fields}})


def map_of(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine({"Each": {"Type": "Map", "End": True, "ItemProcessor": processor,
                             **fields}})


@pytest.mark.parametrize(("machines", "expected"), [
    ([PASS], False),
    ([CHOICE_FAIL, PASS], False),
    ([parallel_of(PASS, map_of(CHOICE_FAIL))], False),
    ([machine({"M": {"Type": "Map", "End": True, "Iterator": PASS}})], False),
    ([WAIT], True),
    ([TASK], True),
    ([PASS, parallel_of(PASS, map_of(parallel_of(WAIT)))], True),
    ([parallel_of(PASS, Retry=[{"ErrorEquals": ["States.ALL"]}])], True),
    ([map_of(PASS, Retry=[{"ErrorEquals": ["States.ALL"]}])], True),
    ([map_of(PASS, ItemReader={"Resource": "arn:aws:states:::s3:getObject"})], True),
    ([map_of(PASS, ResultWriter={"Resource": "arn:aws:states:::s3:putObject"})], True),
    ([{"StartAt": "X"}], True),
    ([machine({"X": "not a state"})], True),
], ids=["pass", "choice-fail", "nested-instant", "legacy-iterator", "wait", "task",
        "deep-wait", "parallel-retry", "map-retry", "item-reader", "result-writer",
        "no-states", "bad-state"])
def test_may_wait(machines: list[dict[str, Any]], expected: bool) -> None:
    assert may_wait(machines) is expected


NESTED = map_of(parallel_of(PASS, map_of(CHOICE_FAIL, ItemsPath="$.values")),
                ItemsPath="$.groups", MaxConcurrency=0)


@pytest.mark.parametrize(("clock", "definition", "value", "threads"), [
    ("virtual", map_of(PASS), list(range(100)), 0),
    ("virtual", NESTED, {"groups": [{"values": [1, 2]}, {"values": [3]}]}, 0),
    ("virtual", parallel_of(PASS, PASS, CHOICE_FAIL), 1, 0),
    # Waits move the clock but never block: the scheduler runs them on this thread
    # (tests/test_runner_scheduler.py)
    ("virtual", map_of(WAIT, MaxConcurrency=3), list(range(10)), 0),
    ("virtual", parallel_of(PASS, WAIT), 1, 0),
    ("real", map_of(PASS, MaxConcurrency=3), list(range(10)), 3),
    ("real", parallel_of(PASS, PASS), 1, 2),
], ids=["map", "nested", "parallel", "map-wait", "parallel-wait", "real-map",
        "real-parallel"])
def test_threads_start_only_for_jobs_that_may_wait_or_on_the_real_clock(
        thread_starts: list[str], clock: Any, definition: dict[str, Any], value: Any,
        threads: int) -> None:
    execution = Runner(clock).run(definition, value)
    assert execution.status == "SUCCEEDED"
    assert len(thread_starts) == threads


def test_nested_instant_jobs_give_outputs_in_order_and_every_event_the_start_time() -> None:
    value = {"groups": [{"values": [1, 2]}, {"values": [3]}, {"values": []}]}
    execution = Runner().execute(NESTED, value, start=START)
    assert execution.status == "SUCCEEDED"
    assert execution.output == [
        [{"values": [1, 2]}, [1, 2]], [{"values": [3]}, [3]], [{"values": []}, []]]
    assert {e["timestamp"] for e in execution.history} == {START}
    assert execution.stop_date == START


def test_a_failing_iteration_stops_the_iterations_after_it() -> None:
    execution = Runner().run(map_of(CHOICE_FAIL), [1, -1, 2, 3])
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "Negative", "below zero")
    iterations = [(e["type"], e["mapIterationStartedEventDetails"]["index"])
                  for e in execution.history if e["type"] == "MapIterationStarted"]
    assert iterations == [("MapIterationStarted", 0), ("MapIterationStarted", 1)]
    assert [e["type"] for e in execution.history] == [
        "ExecutionStarted", "MapStateEntered", "MapStateStarted",
        "MapIterationStarted", "ChoiceStateEntered", "ChoiceStateExited",
        "SucceedStateEntered", "SucceedStateExited", "MapIterationSucceeded",
        "MapIterationStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered",
        "MapIterationFailed", "MapStateFailed", "ExecutionFailed"]


def test_a_failing_branch_names_its_error_and_later_branches_do_not_start() -> None:
    execution = Runner().run(parallel_of(PASS, CHOICE_FAIL, PASS), -5)
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "Negative", "below zero")
    assert sum(e["type"] == "PassStateEntered" for e in execution.history) == 1


@pytest.mark.parametrize(("items", "tolerated", "status", "output"), [
    ([1, -1, 2, -2], 2, "SUCCEEDED",
     [1, {"Error": "Negative", "Cause": "below zero"}, 2,
      {"Error": "Negative", "Cause": "below zero"}]),
    ([1, -1, -2, 3], 1, "FAILED", None),
])
def test_tolerated_failures_inline(items: list[int], tolerated: int, status: str,
                                   output: Any) -> None:
    execution = Runner().run(map_of(CHOICE_FAIL, ToleratedFailureCount=tolerated), items)
    assert (execution.status, execution.output) == (status, output)
    started = sum(e["type"] == "MapIterationStarted" for e in execution.history)
    assert started == (4 if status == "SUCCEEDED" else 3)


def test_an_instant_map_waits_as_the_wait_after_it_needs() -> None:
    # the Map takes no virtual time, the Wait after it its 5 s
    definition = machine({
        "Each": {"Type": "Map", "Next": "W", "ItemProcessor": PASS},
        "W": {"Type": "Wait", "Seconds": 5, "End": True}})
    execution = Runner().execute(definition, [1, 2, 3], start=START)
    stamps = {e["type"]: e["timestamp"] for e in execution.history}
    assert stamps["MapStateExited"] == START
    assert stamps["WaitStateExited"] == START + timedelta(seconds=5)


def test_stop_ends_an_inline_iteration_that_never_ends() -> None:
    spin = machine({
        "Spin": {"Type": "Pass", "Next": "Again"},
        "Again": {"Type": "Choice", "Default": "Spin", "Choices": [
            {"Variable": "$.done", "IsPresent": True, "Next": "Done"}]},
        "Done": {"Type": "Succeed"}})
    runner = Runner(limits=False)
    handle = runner.start(map_of(spin), [{}, {}])
    while len(handle.execution.history) < 50:
        time.sleep(0.005)
    execution = handle.stop(10)
    types = [e["type"] for e in execution.history]
    assert execution.status == "ABORTED"
    assert types[-1] == "ExecutionAborted"
    assert "MapIterationSucceeded" not in types
    # the first iteration never ends, so the second never starts
    assert types.count("MapIterationStarted") == 1


def test_threaded_workers_take_no_job_until_every_worker_started(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Thread.start waits for the new thread to run; a worker already busy with a job would
    # make each later start queue for the interpreter lock
    calls: list[int] = []
    seen_at_start: list[int] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        seen_at_start.append(len(calls))
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    def work(payload: Any, ctx: Any) -> Any:
        calls.append(payload)
        return payload

    runner = Runner()
    runner.register_task("f", work)
    execution = runner.run(map_of(TASK, MaxConcurrency=5), list(range(20)))
    assert execution.output == list(range(20))
    assert seen_at_start == [0, 0, 0, 0, 0]
