"""The clients of ``sfs3dsl_runtime.waiting`` and the CLI commands that use them: against
``sfs3dsl serve`` and against moto's Step Functions (server mode), with the same results;
ProcessClient over the facade, with the completion notice and without it; the notices
themselves, one per finished transaction."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from moto.server import ThreadedMotoServer  # type: ignore[import-untyped,unused-ignore]
from serve_support import API_KEY, machine_arn, serving, sfn, task_token

from sfs3dsl.cli import main
from sfs3dsl.serve.app import Served
from sfs3dsl_runtime.waiting import (
    ProcessApiError,
    ProcessClient,
    WaitTimeout,
    start_and_wait,
    wait_for_execution,
)

PASS3 = json.dumps({"StartAt": "a", "States": {
    "a": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "b"},
    "b": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "Next": "c"},
    "c": {"Type": "Fail", "Error": "Stop", "Cause": "at c"}}})
ROLE = "arn:aws:iam::123456789012:role/x"


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    yield from serving()


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    config = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/config", data=config,
                                                  method="POST"), timeout=30).close()
    try:
        yield url
    finally:
        off = json.dumps({"stepfunctions": {"execute_state_machine": False}}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/config", data=off,
                                                      method="POST"), timeout=30).close()
        server.stop()


def _essentials(found: dict[str, Any]) -> tuple[Any, ...]:
    output = found.get("output")
    return (found["status"], json.loads(found["input"]),
            None if output is None else json.loads(output), found.get("error"),
            found.get("cause"))


@pytest.mark.parametrize(("definition", "given", "want"), [
    (PASS3.replace('"Type": "Fail", "Error": "Stop", "Cause": "at c"',
                   '"Type": "Pass", "Result": 3, "ResultPath": "$.c", "End": true'),
     {"x": 0}, ("SUCCEEDED", {"x": 0}, {"x": 0, "a": 1, "b": 2, "c": 3}, None, None)),
    (PASS3, {"y": 1}, ("FAILED", {"y": 1}, None, "Stop", "at c")),
])
def test_same_results_against_serve_and_moto(served: Served, moto_url: str, definition: str,
                                             given: Any, want: tuple[Any, ...]) -> None:
    results = []
    for url in (served.url, moto_url):
        client = sfn(url)
        name = f"same-{len(definition)}"
        arn = client.create_state_machine(name=name, definition=definition,
                                          roleArn=ROLE)["stateMachineArn"]
        done = start_and_wait(arn, given, poll=0.05, timeout=30, client=client)
        again = wait_for_execution(done["executionArn"], poll=0.05, timeout=5,
                                   endpoint_url=url)
        assert _essentials(again) == _essentials(done)
        results.append(_essentials(done))
    assert results == [want, want]


def test_wait_for_execution_backs_off_then_times_out(served: Served) -> None:
    client = sfn(served.url)
    started = client.start_execution(stateMachineArn=machine_arn("iw102-callback"))
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(WaitTimeout) as caught:
        wait_for_execution(started["executionArn"], poll=1.5, timeout=20, client=client,
                           sleep=sleep, clock=lambda: now[0])
    assert slept == [1.5, 2.25, 3.375, 5.0625, 7.59375, 0.21875]
    assert str(caught.value) == (f"execution {started['executionArn']} is still RUNNING "
                                 "after 20 s (7 checks); wait longer (timeout=...) or stop "
                                 "it with StopExecution")
    client.stop_execution(executionArn=started["executionArn"])


def test_process_client_with_notice_and_by_polling(served: Served) -> None:
    api = ProcessClient(served.url, API_KEY, workflow="process-a")
    for notices in (True, False):
        started = api.start({"foo": "foo val"}, subtopic=f"orders/{notices}")
        state = api.wait(started["transactionId"], subtopic=f"orders/{notices}",
                         notices=notices, poll=0.05)
        assert (state["status"], state["executionArn"]) == ("SUCCEEDED",
                                                            started["executionArn"])
        data = api.data(started["transactionId"])
        assert data["foo"] == "foo val" and "step-f-output" in data
    with pytest.raises(ProcessApiError) as caught:
        ProcessClient(served.url, "wrong", workflow="process-a").start({})
    assert (caught.value.status, caught.value.message) == (403, "Forbidden")


def test_one_notice_per_finished_transaction(served: Served) -> None:
    assert served.notices is not None
    api = ProcessClient(served.url, API_KEY, workflow="poll-job")
    first = served.notices.read("poll-job/batch", 0, 0)["next"]
    txns = {api.start({"job": i}, subtopic="batch")["transactionId"] for i in range(5)}
    for txn in txns:
        api.wait(txn, subtopic="batch", timeout=60)
    seen: list[dict[str, Any]] = []
    after = first
    while True:
        url = f"{served.url}/notices?topic=poll-job/batch&after={after}&wait=0"
        request = urllib.request.Request(url, headers={"x-api-key": API_KEY})
        with urllib.request.urlopen(request, timeout=30) as answer:
            page = json.loads(answer.read())
        if not page["notices"]:
            break
        seen.extend(page["notices"])
        after = page["next"]
    assert sorted(n["message"]["transactionId"] for n in seen) == sorted(txns)
    assert {n["topic"] for n in seen} == {f"poll-job/batch/{t}" for t in txns}
    assert {n["message"]["status"] for n in seen} == {"SUCCEEDED"}
    assert [n["attributes"] for n in seen] == [
        {"topic": n["topic"], "transactionId": n["message"]["transactionId"],
         "status": "SUCCEEDED"} for n in seen]


def test_local_notice_is_what_the_deployed_lambda_publishes(served: Served) -> None:
    # The deployed function gets the EventBridge event, whose detail carries DescribeExecution's
    # name, status, executionArn and input; the notice must be the same as serve's.
    from sfs3dsl_runtime.notices import notice_of_event

    assert served.notices is not None
    api = ProcessClient(served.url, API_KEY, workflow="process-a")
    started = api.start({"foo": "x"}, subtopic="mobile/eu")
    txn = started["transactionId"]
    api.wait(txn, subtopic="mobile/eu", timeout=60)
    [local] = served.notices.read(f"process-a/mobile/eu/{txn}", 0, 0)["notices"]
    described = sfn(served.url).describe_execution(executionArn=started["executionArn"])
    event = {"source": "aws.states", "detail-type": "Step Functions Execution Status Change",
             "detail": {k: described[k] for k in ("executionArn", "name", "status", "input",
                                                  "stateMachineArn")}}
    assert notice_of_event("process-a", event) == {
        k: local[k] for k in ("topic", "message", "attributes")}
    assert local["message"] == {"transactionId": txn, "status": "SUCCEEDED",
                                "executionArn": started["executionArn"]}


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    out, err = capsys.readouterr()
    return int(ended.value.code or 0), out, err


def test_cli_start_wait_and_callbacks(served: Served, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    url = served.url
    code, out, _ = _cli(capsys, "start", machine_arn("course-choice"), "--input",
                        '{"inputNum": 7}', "--wait", "--poll", "0.05", "--endpoint-url", url)
    assert code == 0 and json.loads(json.loads(out)["output"])["verdict"] == "above 5"
    code, out, _ = _cli(capsys, "start", machine_arn("iw102-callback"), "--name", "cli-cb",
                        "--endpoint-url", url)
    arn = json.loads(out)["executionArn"]
    token = task_token(sfn(url), arn)
    assert _cli(capsys, "send-task-heartbeat", "--task-token", token, "--endpoint-url",
                url)[0] == 0
    assert _cli(capsys, "send-task-failure", "--task-token", token, "--error", "Nope",
                "--endpoint-url", url)[0] == 0
    code, out, _ = _cli(capsys, "wait", arn, "--poll", "0.05", "--endpoint-url", url)
    assert (code, json.loads(out)["status"]) == (1, "FAILED")
    code, _, err = _cli(capsys, "send-task-success", "--task-token", token, "--output", "{}",
                        "--endpoint-url", url)
    assert (code, err.strip()) == (1, "Error: SendTaskSuccess: TaskTimedOut: Task Timed Out: "
                                      "'Provided task does not exist anymore'")
    code, _, err = _cli(capsys, "wait", "arn:aws:states:us-east-1:123456789012:execution:"
                        "course-choice:nope", "--endpoint-url", url)
    assert (code, err.strip()) == (1, "Error: DescribeExecution: ExecutionDoesNotExist: "
                                      "Execution Does Not Exist: 'arn:aws:states:us-east-1:"
                                      "123456789012:execution:course-choice:nope'")
    code, _, err = _cli(capsys, "wait", arn, "--endpoint-url", "http://127.0.0.1:9")
    assert code == 2 and "nothing answers at http://127.0.0.1:9" in err


def test_client_error_is_botocore_s(served: Served) -> None:
    with pytest.raises(ClientError):
        wait_for_execution("arn:aws:states:us-east-1:123456789012:execution:x:y",
                           client=sfn(served.url))
