"""The seeds' callers, replayed unchanged against ``sfs3dsl serve``: the AWS CLI and boto3
(seed 002's polling client, seed 003's callback), and HTTP with an API key (seed 001's
embedded service)."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from serve_support import API_KEY, aws, aws_json, machine_arn, s3, serving, wait_until

from sfs3dsl.serve.app import Served

STEPS = ["step-a", "step-b", "step-c", "step-d", "step-e", "step-f"]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    yield from serving()


def test_seed_002_polling_client(served: Served) -> None:
    """Write the process document, start ProcessA on its reference, poll DescribeExecution
    until it is no longer RUNNING, read the process objects with `aws s3 cp`."""
    url, txn = served.url, uuid.uuid4().hex
    key = f"process-a/{txn}/document.json"
    s3(url).put_object(Bucket="sfs3dsl-process-a", Key=key,
                       Body=b'{"foo":"foo val","bar":"bar val"}')
    started = aws_json(url, "stepfunctions", "start-execution", "--state-machine-arn",
                       machine_arn("process-a"), "--name", txn, "--input",
                       json.dumps({"processData": txn}))
    assert started["executionArn"] == f"arn:aws:states:us-east-1:123456789012:execution:" \
                                      f"process-a:{txn}"
    described = wait_until(lambda: (d := aws_json(
        url, "stepfunctions", "describe-execution", "--execution-arn",
        started["executionArn"]))["status"] != "RUNNING" and d)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"processData": txn}
    assert aws(url, "s3", "cp", f"s3://sfs3dsl-process-a/{key}", "-").stdout == \
        '{"foo":"foo val","bar":"bar val"}'
    listed = aws(url, "s3", "ls", "--recursive", f"s3://sfs3dsl-process-a/process-a/{txn}/")
    steps = sorted(line.split("/outputs/")[1].split("/")[0]
                   for line in listed.stdout.splitlines() if "/outputs/" in line)
    assert steps == STEPS
    step_a = next(line.split()[-1] for line in listed.stdout.splitlines() if "/step-a/" in line)
    assert json.loads(aws(url, "s3", "cp", f"s3://sfs3dsl-process-a/{step_a}", "-").stdout
                      )["status"] == "ok"


def _get(url: str, path: str, key: str = API_KEY, body: bytes | None = None) -> Any:
    request = urllib.request.Request(url + path, data=body, method="POST" if body else "GET",
                                     headers={"x-api-key": key})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_seed_001_embedded_service(served: Served) -> None:
    """start-process with the API key, poll process-state every 1.5 s up to 20 s, then read
    process-data: what the seed's sample service does for its own caller."""
    started = _get(served.url, "/process-a/start-process",
                   body=b'{"foo":"foo val","bar":"bar val"}')
    txn = started["transactionId"]
    end, state = time.monotonic() + 20, {"status": "RUNNING"}
    while state["status"] == "RUNNING" and time.monotonic() < end:
        state = _get(served.url, f"/process-a/process-state/{txn}")
        if state["status"] == "RUNNING":
            time.sleep(1.5)
    assert (state["status"], state["transactionId"], state["executionArn"]) == (
        "SUCCEEDED", txn, started["executionArn"])
    data = _get(served.url, f"/process-a/process-data/{txn}")
    assert data["foo"] == "foo val" and data["bar"] == "bar val"
    assert [k for k in data if k.endswith("-output")] == [f"{s}-output" for s in STEPS]
    assert data["step-f-output"]["downstreamExecutionArn"].startswith(
        "arn:aws:states:us-east-1:123456789012:execution:downstream:")


def _callback(url: str) -> tuple[str, str]:
    started = aws_json(url, "stepfunctions", "start-execution", "--state-machine-arn",
                       machine_arn("iw102-callback"), "--input", '{"thekey":"thevalue"}')
    arn = started["executionArn"]
    return arn, _token(url, arn)


def _token(url: str, arn: str) -> str:
    def scheduled() -> str | None:
        events = aws_json(url, "stepfunctions", "get-execution-history", "--execution-arn",
                          arn)["events"]
        found = [e for e in events if e["type"] == "TaskScheduled"]
        if not found:
            return None
        return str(json.loads(found[0]["taskScheduledEventDetails"]["parameters"]
                              )["Payload"]["token"])

    found: str = wait_until(scheduled)
    return found


def _ended(url: str, arn: str) -> dict[str, Any]:
    found: dict[str, Any] = wait_until(lambda: (d := aws_json(
        url, "stepfunctions", "describe-execution", "--execution-arn", arn)
        )["status"] != "RUNNING" and d)
    return found


def test_seed_003_callback_send_task_success(served: Served) -> None:
    arn, token = _callback(served.url)
    aws(served.url, "stepfunctions", "send-task-heartbeat", "--task-token", token)
    aws(served.url, "stepfunctions", "send-task-success", "--task-token", token,
        "--task-output", '{"answer": 42}')
    described = _ended(served.url, arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"thekey": "thevalue",
                                               "taskresult": {"answer": 42}}
    late = aws(served.url, "stepfunctions", "send-task-success", "--task-token", token,
               "--task-output", "{}", check=False)
    assert late.returncode == 255  # AWS CLI v1: a service error
    assert "(TaskTimedOut) when calling the SendTaskSuccess operation: Task Timed Out: " \
           "'Provided task does not exist anymore'" in late.stderr


def test_seed_003_callback_send_task_failure(served: Served) -> None:
    arn, token = _callback(served.url)
    aws(served.url, "stepfunctions", "send-task-failure", "--task-token", token,
        "--error", "States.TaskFailed", "--cause", "the worker gave up")
    described = _ended(served.url, arn)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED", "CallbackFailed", "the worker reported a failure")
    events = aws_json(served.url, "stepfunctions", "get-execution-history",
                      "--execution-arn", arn)["events"]
    failed = [e["taskFailedEventDetails"] for e in events if e["type"] == "TaskFailed"]
    assert failed == [{"resourceType": "lambda", "resource": "invoke.waitForTaskToken",
                       "error": "States.TaskFailed", "cause": "the worker gave up"}]


def test_seed_003_callback_times_out_without_heartbeats() -> None:
    # patience 0.2 s: with no call for that long, the virtual clock jumps to the
    # HeartbeatSeconds (60) deadline
    for served in serving(patience=0.2):
        arn, token = _callback(served.url)
        described = _ended(served.url, arn)
        assert described["status"] == "SUCCEEDED"  # Catch States.Timeout -> TimeoutState
        events = aws_json(served.url, "stepfunctions", "get-execution-history",
                          "--execution-arn", arn)["events"]
        timed_out = [e["taskTimedOutEventDetails"] for e in events
                     if e["type"] == "TaskTimedOut"]
        assert timed_out == [{"resourceType": "lambda", "resource": "invoke.waitForTaskToken",
                              "error": "States.HeartbeatTimeout"}]
        entered = [e["stateEnteredEventDetails"]["name"] for e in events
                   if e["type"].endswith("StateEntered")]
        assert entered == ["wait-before", "SendWait", "TimeoutState"]
        late = aws(served.url, "stepfunctions", "send-task-success", "--task-token", token,
                   "--task-output", "{}", check=False)
        assert "(TaskTimedOut)" in late.stderr
