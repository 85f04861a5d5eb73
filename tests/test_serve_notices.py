"""serve's completion notices store (sfs3dsl/serve/notices.py): what a long poll answers."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sfs3dsl.serve.notices import Notices


def _notice(topic: str) -> Any:
    return {"topic": topic, "message": {"transactionId": topic.rsplit("/", 1)[-1]},
            "attributes": {"topic": topic}}


def _store(*topics: str) -> Notices:
    notices = Notices()
    for topic in topics:
        notices.publish(_notice(topic))
    return notices


@pytest.mark.parametrize(("prefix", "after", "seqs", "next_seq"), [
    ("", 0, [1, 2, 3, 4], 4),
    ("process-a", 0, [1, 3], 3),
    ("/process-a/", 1, [3], 3),
    ("process-a/eu", 0, [3], 3),
    ("process-a/e", 0, [], 4),  # a prefix is whole topic levels, not characters
    ("downstream", 2, [4], 4),
    ("", 4, [], 4),
    ("", 9, [], 4),
])
def test_read_at_once(prefix: str, after: int, seqs: list[int], next_seq: int) -> None:
    notices = _store("process-a/t1", "downstream/t2", "process-a/eu/t3", "downstream/t4")
    found = notices.read(prefix, after, 0)
    assert ([n["seq"] for n in found["notices"]], found["next"]) == (seqs, next_seq)


def test_a_waiting_read_skips_other_topics_and_wakes_for_its_own() -> None:
    notices = _store("process-a/t1")
    answers: list[dict[str, Any]] = []
    reader = threading.Thread(target=lambda: answers.append(notices.read("downstream", 1, 20)))
    reader.start()
    for topic in ("process-a/t2", "process-a/t3", "downstream/t4", "downstream/t5"):
        notices.publish(_notice(topic))
    reader.join(20)
    assert [n["topic"] for n in answers[0]["notices"]] in (
        [["downstream/t4"], ["downstream/t4", "downstream/t5"]])
    assert answers[0]["next"] == answers[0]["notices"][-1]["seq"]


def test_a_read_that_finds_nothing_answers_the_last_seq() -> None:
    notices = _store("process-a/t1", "process-a/t2")
    assert notices.read("downstream", 0, 0.05) == {"notices": [], "next": 2}


def test_an_ended_execution_notice_is_shaped_when_read() -> None:
    from sfs3dsl.run.interpreter.runner import Execution
    from sfs3dsl.serve.executions import Record

    arn = "arn:aws:states:us-east-1:123456789012:execution:process-a:t-1"
    execution = Execution(arn, "t-1", "arn:aws:states:us-east-1:123456789012:stateMachine:"
                          "process-a", {"processData": "txn-9", "subtopic": "eu/"},
                          status="FAILED")
    notices = _store("other/x")
    notices.publish_record(Record(execution, "{}"))
    topic = "process-a/eu/txn-9"
    want = {"seq": 2, "topic": topic,
            "message": {"transactionId": "txn-9", "status": "FAILED", "executionArn": arn},
            "attributes": {"topic": topic, "transactionId": "txn-9", "status": "FAILED"}}
    assert notices.read("process-a", 0, 0) == {"notices": [want], "next": 2}
    assert notices.read("", 1, 0) == {"notices": [want], "next": 2}  # the same, once shaped
