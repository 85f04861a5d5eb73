"""The generated API facade: good requests work, malformed ones get a clear 4xx and write
nothing (moto's S3 and Step Functions; handlers imported from generated/process-a)."""

from __future__ import annotations

import base64
import importlib
import json
import os
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from test_sidecar_support import REGION, aws, make_bucket, use_location

__all__ = ["aws"]

BUCKET = "facade-data"


@pytest.fixture
def facade(aws: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    make_bucket(BUCKET)
    use_location(monkeypatch, BUCKET, "process-a/")
    arn = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
        name="process-a-dev", definition=json.dumps({"StartAt": "x", "States": {
            "x": {"Type": "Pass", "End": True}}}),
        roleArn="arn:aws:iam::123456789012:role/x")["stateMachineArn"]
    monkeypatch.setenv("SFS3DSL_STATE_MACHINE_ARN", arn)
    monkeypatch.setenv("SFS3DSL_MAX_BODY_BYTES", "1000")
    return importlib.import_module("generated.process-a.handlers.facade")


def _objects() -> list[str]:
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET)
    return [o["Key"] for o in listed.get("Contents", ())]


def _answer(response: dict[str, Any]) -> tuple[int, Any]:
    assert response["headers"] == {"Content-Type": "application/json"}
    return response["statusCode"], json.loads(response["body"])


def test_start_state_and_data(facade: Any) -> None:
    status, started = _answer(facade.start_process({"body": '{"foo": "foo val"}'}, None))
    assert status == 200 and set(started) == {"transactionId", "executionArn"}
    txn = started["transactionId"]
    assert len(txn) == 32 and int(txn, 16) >= 0  # 128 random bits
    assert started["executionArn"].endswith(f":execution:process-a-dev:{txn}")
    assert _objects() == [f"process-a/{txn}/document.json"]
    head = boto3.client("s3", region_name=REGION).head_object(
        Bucket=BUCKET, Key=f"process-a/{txn}/document.json")
    assert head["ServerSideEncryption"] == "AES256"
    path = {"pathParameters": {"transactionId": txn}}
    status, state = _answer(facade.process_state(path, None))
    assert status == 200 and state["transactionId"] == txn and state["status"] in (
        "RUNNING", "SUCCEEDED")
    status, data = _answer(facade.process_data(path, None))
    assert (status, data) == (200, {"foo": "foo val"})


def test_two_starts_get_different_ids(facade: Any) -> None:
    ids = {_answer(facade.start_process({"body": "{}"}, None))[1]["transactionId"]
           for _ in range(5)}
    assert len(ids) == 5


def test_subtopic_is_carried_in_the_reference(facade: Any) -> None:
    status, started = _answer(facade.start_process(
        {"body": "{}", "queryStringParameters": {"subtopic": "orders/eu"}}, None))
    assert status == 200
    described = boto3.client("stepfunctions", region_name=REGION).describe_execution(
        executionArn=started["executionArn"])
    assert json.loads(described["input"]) == {"processData": started["transactionId"],
                                              "subtopic": "orders/eu"}


@pytest.mark.parametrize(("event", "status", "message"), [
    ({}, 400, "the request body is empty"),
    ({"body": ""}, 400, "the request body is empty"),
    ({"body": "{not json"}, 400, "the request body is not JSON"),
    ({"body": "[1, 2]"}, 400, "must be a JSON object, not a list"),
    ({"body": '"text"'}, 400, "must be a JSON object, not a str"),
    ({"body": "x" * 1001}, 413, "the request body has 1001 bytes; at most 1000"),
    ({"body": "!!!", "isBase64Encoded": True}, 400, "not valid base64"),
    ({"body": base64.b64encode(b"\xff\xfe").decode(), "isBase64Encoded": True}, 400,
     "not UTF-8"),
    ({"body": "{}", "queryStringParameters": {"subtopic": "../x"}}, 400, "subtopic has only"),
], ids=["no-body", "empty-body", "non-json", "list", "string", "oversized", "bad-base64",
        "not-utf8", "bad-subtopic"])
def test_malformed_starts_write_nothing(facade: Any, event: dict[str, Any], status: int,
                                        message: str) -> None:
    got, body = _answer(facade.start_process(event, None))
    assert got == status and message in body["message"]
    assert _objects() == []
    listed = boto3.client("stepfunctions", region_name=REGION).list_executions(
        stateMachineArn=os.environ["SFS3DSL_STATE_MACHINE_ARN"])
    assert listed["executions"] == []


@pytest.mark.parametrize(("params", "status", "message"), [
    (None, 400, "must end with the transaction id"),
    ({"transactionId": "../../etc/passwd"}, 400, "only letters, digits"),
    ({"transactionId": "a/b"}, 400, "only letters, digits"),
    ({"transactionId": "x" * 129}, 400, "at most 128"),
    ({"transactionId": "0123456789abcdef0123456789abcdef"}, 404, "there is no process"),
], ids=["missing", "traversal", "slash", "too-long", "unknown"])
@pytest.mark.parametrize("endpoint", ["process_state", "process_data"])
def test_bad_transaction_ids(facade: Any, endpoint: str, params: Any, status: int,
                             message: str) -> None:
    got, body = _answer(getattr(facade, endpoint)({"pathParameters": params}, None))
    assert got == status and message in body["message"]
    assert _objects() == []
