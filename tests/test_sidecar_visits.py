"""A side-car step's visits: each runs its function once, loops see fresh data, typed errors.

Faults injected at the handler: Lambda invoking one visit twice, a listing that misses the
newest output of a step in the same loop, a function that returns None or raises its own
exception class, and exposed values that are too large or missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from test_sidecar_support import REGION, aws, make_bucket, use_location

from sfs3dsl_runtime import (
    Location,
    ProcessStore,
    Requirement,
    S3DataPreconditionError,
    SideCarStepError,
    StepSpec,
    clients,
    make_handler,
)
from sfs3dsl_runtime.step import EXPOSE_LIMIT

__all__ = ["aws"]

T1, T2, T3, T4 = ("2026-12-05T10:00:00.000Z", "2026-12-05T10:00:05.000Z",
                  "2026-12-05T10:00:10.000Z", "2026-12-05T10:00:15.000Z")


def payload(visit: str, txn: str = "t1", **extra: Any) -> dict[str, Any]:
    """What a compiled side-car Task sends its Lambda."""
    return {"input": {"processData": txn, **extra}, "visit": visit}


def counting(result: Callable[[dict[str, Any], int], Any]
             ) -> tuple[list[dict[str, Any]], Callable[[dict[str, Any]], Any]]:
    calls: list[dict[str, Any]] = []

    def function(doc: dict[str, Any]) -> Any:
        calls.append(doc)
        return result(doc, len(calls))

    return calls, function


@pytest.fixture
def store(aws: None, monkeypatch: pytest.MonkeyPatch) -> ProcessStore:
    bucket = make_bucket("visits")
    use_location(monkeypatch, bucket, "p/")
    found = ProcessStore(Location(bucket, "p/"))
    found.create("t1", {"job": "report"})
    return found


def test_a_duplicate_invocation_of_one_visit_runs_the_function_once(
        store: ProcessStore) -> None:
    calls, function = counting(lambda doc, n: {"status": f"call {n}"})
    handler = make_handler(StepSpec("wf", "check", expose=("status",)), function)
    first = handler(payload(T1), None)
    again = handler(payload(T1), None)  # Lambda ran the same attempt twice
    assert len(calls) == 1
    assert first == again == {"processData": "t1", "status": "call 1"}
    # a new visit (the loop came round again) runs it again; the document shows the latest
    assert handler(payload(T2), None) == {"processData": "t1", "status": "call 2"}
    assert len(calls) == 2
    assert calls[1]["check-output"] == {"status": "call 1"}  # it sees its previous visit
    assert store.read("t1").view()["check-output"] == {"status": "call 2"}
    assert store.visits("t1", "check") == [("20261205T100000000Z", {"status": "call 1"}),
                                           ("20261205T100005000Z", {"status": "call 2"})]


class _HideNewest:
    """An S3 client whose listings miss one key (a read that has not seen a write yet)."""

    def __init__(self, real: Any, key: str) -> None:
        self._real = real
        self.key = key
        self.hiding = True

    def list_objects_v2(self, **kwargs: Any) -> Any:
        page = self._real.list_objects_v2(**kwargs)
        if self.hiding:
            page = {**page, "Contents": [o for o in page.get("Contents", ())
                                         if not o["Key"].endswith(self.key)]}
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_a_stale_read_inside_a_loop_raises_not_ready_and_never_runs_the_function(
        store: ProcessStore) -> None:
    calls, assess = counting(lambda doc, n: {"polls": doc["poll-output"]["polls"]})
    handler = make_handler(
        StepSpec("wf", "assess", (Requirement("poll", "process", fresh=True),)), assess)
    store.write_output("t1", "poll", {"polls": 1}, visit="20261205T100000000Z")
    handler(payload(T2), None)  # round 1: assess after poll
    # round 2: poll recorded a new visit, but this read does not see it yet
    store.write_output("t1", "poll", {"polls": 2}, visit="20261205T100010000Z")
    hide = _HideNewest(boto3.client("s3", region_name=REGION), "poll/20261205T100010000Z.json")
    clients.use("s3", hide)
    with pytest.raises(S3DataPreconditionError,
                       match=r"^transaction t1: step 'assess': not ready, waiting for "
                             r"poll-output newer than this step's previous visit$"):
        handler(payload(T4), None)
    assert len(calls) == 1  # never ran on last round's poll
    hide.hiding = False  # the Retry's next attempt sees it
    assert handler(payload(T4), None) == {"processData": "t1"}
    assert [c["poll-output"] for c in calls] == [{"polls": 1}, {"polls": 2}]


def test_a_requirement_outside_the_loop_need_not_be_fresh(store: ProcessStore) -> None:
    _, function = counting(lambda doc, n: n)
    handler = make_handler(StepSpec("wf", "check", (Requirement("submit"),)), function)
    store.write_output("t1", "submit", {"jobId": "j"}, visit="20261205T090000000Z")
    assert handler(payload(T1), None) == {"processData": "t1"}
    assert handler(payload(T3), None) == {"processData": "t1"}  # submit ran once, long ago
    assert [v for _, v in store.visits("t1", "check")] == [1, 2]


def test_a_function_that_returns_none_records_null_and_the_next_step_proceeds(
        store: ProcessStore) -> None:
    calls, nothing = counting(lambda doc, n: None)
    first = make_handler(StepSpec("wf", "notify"), nothing)
    assert first(payload(T1), None) == {"processData": "t1"}
    first(payload(T1), None)  # a retry of the same visit: recorded, not run again
    assert len(calls) == 1
    after = make_handler(StepSpec("wf", "after", (Requirement("notify"),)),
                         lambda doc: {"saw": doc["notify-output"]})
    assert after(payload(T2), None) == {"processData": "t1"}
    assert store.read("t1").view() == {"job": "report", "notify-output": None,
                                       "after-output": {"saw": None}}


class TemporaryFailure(Exception):
    """A user's own error class."""


def test_the_functions_own_exception_class_is_the_error(store: ProcessStore) -> None:
    def flaky(doc: dict[str, Any]) -> Any:
        raise TemporaryFailure("the service said 503")

    handler = make_handler(StepSpec("wf", "call-service"), flaky)
    with pytest.raises(SideCarStepError) as raised:
        handler(payload(T1), None)
    assert type(raised.value).__name__ == "TemporaryFailure"  # Lambda's errorType
    assert str(raised.value) == ("transaction t1: step 'call-service': flaky raised "
                                 "TemporaryFailure: the service said 503")
    assert store.visits("t1", "call-service") == []  # nothing recorded: a retry runs it


def test_a_caught_error_is_in_the_document_of_the_step_it_leads_to(
        store: ProcessStore) -> None:
    report = {"errorMessage": "transaction t1: step 'charge': declined", "errorType": "X"}
    error = {"Error": "PaymentDeclined", "Cause": json.dumps(report)}
    seen: list[Any] = []
    handler = make_handler(StepSpec("wf", "decline"), lambda doc: seen.append(doc["error"]))
    assert handler(payload(T1, error=error), None) == {"processData": "t1", "error": error}
    assert seen == [{**error, "message": "transaction t1: step 'charge': declined"}]


@pytest.mark.parametrize(("result", "message"), [
    ({"decision": "x" * EXPOSE_LIMIT}, rf"the exposed values make the state output \d+ bytes, "
                                       rf"over the side-car's limit of {EXPOSE_LIMIT}"),
    ({"other": 1}, r"the step exposes \['decision'\] but its result has no such key"),
    (["decision"], r"the step exposes \['decision'\] but returned a list, not an object"),
])
def test_exposed_values_are_small_and_present(store: ProcessStore, result: Any,
                                              message: str) -> None:
    handler = make_handler(StepSpec("wf", "decide", expose=("decision",)), lambda doc: result)
    with pytest.raises(SideCarStepError, match=rf"^transaction t1: step 'decide': {message}"):
        handler(payload(T1), None)


def test_exposed_values_ride_with_the_reference_until_exposed_again(
        store: ProcessStore) -> None:
    decide = make_handler(StepSpec("wf", "decide", expose=("decision", "score")),
                          lambda doc: {"decision": "ship", "score": 3, "big": "x" * 10_000})
    after = make_handler(StepSpec("wf", "after"), lambda doc: {})
    redo = make_handler(StepSpec("wf", "redo", expose=("decision",)),
                        lambda doc: {"decision": "refund"})
    out = decide(payload(T1, subtopic="orders"), None)
    assert out == {"processData": "t1", "subtopic": "orders", "decision": "ship", "score": 3}
    out = after({"input": out, "visit": T2}, None)
    assert out == {"processData": "t1", "subtopic": "orders", "decision": "ship", "score": 3}
    out = redo({"input": out, "visit": T3}, None)
    assert out == {"processData": "t1", "subtopic": "orders", "decision": "refund", "score": 3}
    assert store.read("t1").view()["decide-output"]["big"] == "x" * 10_000


_attempts: list[int] = []


def flaky_once(doc: dict[str, Any]) -> dict[str, Any]:
    """Fails with the user's own error on its first call, then works."""
    _attempts.append(1)
    if len(_attempts) == 1:
        raise TemporaryFailure("try again")
    return {"attempts": len(_attempts)}


def test_a_retry_on_the_functions_own_error_class_matches(
        aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_sidecar_support import REPO, plan_handlers, register

    from sfs3dsl import SideCar, Workflow
    from sfs3dsl.deploy.sidecar import plan_sidecar
    from sfs3dsl.run.interpreter import Runner

    _attempts.clear()
    step = SideCar(prefix="r/").step(flaky_once)
    step.retry(["TemporaryFailure"], interval_seconds=2, max_attempts=2)
    wf = Workflow("retrying", step)
    bucket = make_bucket("retrying")
    use_location(monkeypatch, bucket, "r/")
    ProcessStore(Location(bucket, "r/")).create("t1", {})
    runner = Runner()
    register(runner, plan_handlers(plan_sidecar(wf, wf.compile(), REPO), "retrying"))
    execution = runner.run(wf.to_asl(), {"processData": "t1"})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    failed = [e["taskFailedEventDetails"]["error"] for e in execution.history
              if e["type"] == "TaskFailed"]
    assert failed == ["TemporaryFailure"]
    assert ProcessStore(Location(bucket, "r/")).read("t1").view() == {
        "flaky-once-output": {"attempts": 2}}


def test_a_step_in_a_map_sees_its_iteration_and_item(store: ProcessStore) -> None:
    seen: list[dict[str, Any]] = []

    def render(doc: dict[str, Any]) -> dict[str, Any]:
        seen.append(doc)
        return {"rendered": doc["item"]}

    handler = make_handler(StepSpec("wf", "page", in_map=True), render)
    out = handler(payload(T1, iteration=3, item={"page": 4}), None)
    assert out == {"processData": "t1", "iteration": 3, "item": {"page": 4}}
    assert seen[0] == {"job": "report", "iteration": 3, "item": {"page": 4}}
    assert store.read("t1", iteration="3").view()["page-output"] == {"3": {"rendered":
                                                                           {"page": 4}}}


def test_after_a_map_over_no_items_the_next_step_runs(store: ProcessStore) -> None:
    after = make_handler(StepSpec("wf", "assemble", (Requirement("page", "collection"),)),
                         lambda doc: {"pages": len(doc.get("page-output", {}))})
    assert after(payload(T1), None) == {"processData": "t1"}
    assert store.read("t1").view()["assemble-output"] == {"pages": 0}
