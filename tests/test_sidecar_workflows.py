"""The side-car carries real workflows: branches on an exposed decision, typed Catches, loops.

The two reference workflows ``workflows/order.py`` and ``workflows/poll_job.py`` run end to
end through the generated handlers on the embedded S3 (the ``run_workflow`` fixture), and
every path is asserted on status, output and the final document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sfs3dsl.pytest_plugin import Result, WorkflowRunner

ROOT = Path(__file__).resolve().parent.parent
ORDER = str(ROOT / "workflows" / "order.py")
POLL_JOB = str(ROOT / "workflows" / "poll_job.py")
ITEMS = [{"sku": "A", "qty": 2, "price": 5}, {"sku": "B", "qty": 1, "price": 2.5}]


def _order(run: WorkflowRunner, **extra: Any) -> Result:
    return run.run(ORDER, {"items": ITEMS, "card": "4242", **extra})


def _steps(result: Result) -> list[str]:
    assert result.document is not None
    return sorted(k.removesuffix("-output") for k in result.document if k.endswith("-output"))


def test_order_ships_when_paid_and_reserved(sfn_runner: WorkflowRunner) -> None:
    result = _order(sfn_runner)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert result.output == {"processData": result.execution.name, "decision": "ship"}
    assert result.document is not None
    assert result.document["take-order-output"] == {"orderId": "order-1", "total": 12.5,
                                                    "skus": ["A", "B"]}
    assert result.document["ship-output"] == {"trackingId": "track-order-1"}
    assert _steps(result) == ["charge", "decide", "reserve", "ship", "take-order"]
    assert result.entered()[-2:] == ["ship", "shipped"]


def test_order_refunds_when_out_of_stock(sfn_runner: WorkflowRunner) -> None:
    result = _order(sfn_runner, outOfStock=["B"])
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert result.output == {"processData": result.execution.name, "decision": "refund"}
    assert result.document is not None
    assert result.document["refund-output"] == {"refunded": 12.5, "because": ["B"]}
    assert _steps(result) == ["charge", "decide", "refund", "reserve", "take-order"]


def test_a_typed_catch_sends_a_declined_card_to_its_compensation(
        sfn_runner: WorkflowRunner) -> None:
    result = _order(sfn_runner, card="declined")
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert result.output == {"processData": result.execution.name, "decision": "cancel"}
    doc = result.document
    assert doc is not None
    # the function's own exception class is the error the Catch matched
    failed = result.events("TaskFailed")
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == ["PaymentDeclined"]
    cause = json.loads(failed[0]["taskFailedEventDetails"]["cause"])
    assert cause["errorType"] == "PaymentDeclined"
    assert cause["errorMessage"] == (f"transaction {result.execution.name}: step 'charge': "
                                     "charge raised PaymentDeclined: the card was declined "
                                     "for 12.5")
    # the stack trace Lambda reports reaches into the user's function
    assert any("_order_steps.py" in frame and "in charge" in frame
               for frame in cause["stackTrace"]), cause["stackTrace"]
    assert doc["decline-output"] == {"declined": True, "reason": cause["errorMessage"]}
    assert doc["cancel-output"] == {"cancelled": True, "released": True}
    assert "charge-output" not in doc
    assert _steps(result) == ["cancel", "decide", "decline", "reserve", "take-order"]


def test_a_failed_shipment_is_compensated_and_the_execution_fails(
        sfn_runner: WorkflowRunner) -> None:
    result = _order(sfn_runner, carrier="down")
    assert result.status == "FAILED"
    assert (result.error, result.cause) == (
        "ShippingFailed", "the parcel could not be shipped; payment refunded, stock released")
    assert result.document is not None
    assert result.document["compensate-output"] == {
        "refunded": 12.5, "released": True, "because": "CarrierUnavailable"}
    assert "ship-output" not in result.document
    # the Catch kept the reference and put the error beside it
    entered = next(e for e in result.history if e["type"] == "TaskStateEntered"
                   and e["stateEnteredEventDetails"]["name"] == "compensate")
    state_input = json.loads(entered["stateEnteredEventDetails"]["input"])
    assert state_input["processData"] == result.execution.name
    assert state_input["decision"] == "ship"
    assert state_input["error"]["Error"] == "CarrierUnavailable"


# --- poll-job: a loop of Wait, poll and assess -------------------------------------------

def _poll(run: WorkflowRunner, needed: int) -> Result:
    return run.run(POLL_JOB, {"name": "report", "pollsNeeded": needed})


def _visits(run: WorkflowRunner, result: Result, step: str) -> list[Any]:
    from sfs3dsl_runtime import Location, ProcessStore

    local = run.last
    assert local is not None and local.s3 is not None
    location = Location("sfs3dsl-poll-job", "poll-job/")
    return [v for _, v in ProcessStore(location, local.s3.client).visits(
        result.execution.name, step)]


@pytest.mark.parametrize("needed", [1, 2, 5])
def test_the_loop_polls_until_done_and_each_visit_runs_again(sfn_runner: WorkflowRunner,
                                                             needed: int) -> None:
    result = _poll(sfn_runner, needed)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert result.output == {"processData": result.execution.name, "status": "DONE",
                             "polls": needed}
    doc = result.document
    assert doc is not None
    # the document shows the latest visit of each step of the loop
    assert doc["poll-output"] == {"jobId": "job-report", "polls": needed, "state": "SUCCEEDED"}
    assert doc["assess-output"] == {"status": "DONE", "polls": needed}
    assert doc["collect-output"] == {"result": f"job-report finished after {needed} poll(s)"}
    # every visit ran the function and is kept: the first, the second, ..., the last
    assert [v["polls"] for v in _visits(sfn_runner, result, "poll")] == list(
        range(1, needed + 1))
    assert [v["status"] for v in _visits(sfn_runner, result, "assess")] == \
        ["RUNNING"] * (needed - 1) + ["DONE"]
    assert result.entered().count("wait") == needed


def test_the_loop_is_bounded(sfn_runner: WorkflowRunner) -> None:
    result = _poll(sfn_runner, 9)
    assert result.status == "FAILED"
    assert (result.error, result.cause) == ("JobTimedOut", "the job was not done after 5 polls")
    assert result.document is not None
    assert result.document["assess-output"] == {"status": "RUNNING", "polls": 5}
    assert "collect-output" not in result.document
