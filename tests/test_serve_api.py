"""The Step Functions API of ``sfs3dsl serve`` through boto3: state machines, executions,
paged history, Stop, Express StartSync, TestState, and AWS's error codes and texts for bad
requests, after which the server keeps serving."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from serve_support import API_KEY, machine_arn, serving, sfn, wait_until

from sfs3dsl.serve.app import Served

PASS3 = json.dumps({"StartAt": "a", "States": {
    "a": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "b"},
    "b": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "Next": "c"},
    "c": {"Type": "Pass", "Result": 3, "ResultPath": "$.c", "End": True}}})
ROLE = "arn:aws:iam::123456789012:role/x"
EXEC = "arn:aws:states:us-east-1:123456789012:execution"


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    yield from serving()


@pytest.fixture(scope="module")
def client(served: Served) -> Any:
    return sfn(served.url)


def _error(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"], caught.value.response["ResponseMetadata"][
        "HTTPStatusCode"]


def test_state_machine_lifecycle(client: Any) -> None:
    created = client.create_state_machine(name="pass3", definition=PASS3, roleArn=ROLE)
    arn = created["stateMachineArn"]
    assert arn == machine_arn("pass3")
    again = client.create_state_machine(name="pass3", definition=PASS3, roleArn=ROLE)
    assert again["stateMachineArn"] == arn  # the same request again is no error
    described = client.describe_state_machine(stateMachineArn=arn)
    assert (described["name"], described["status"], described["type"],
            described["definition"], described["roleArn"]) == (
        "pass3", "ACTIVE", "STANDARD", PASS3, ROLE)
    names = [m["name"] for m in client.list_state_machines()["stateMachines"]]
    assert "pass3" in names and "process-a" in names and "iw102-callback" in names
    page = client.list_state_machines(maxResults=2)
    assert len(page["stateMachines"]) == 2 and page["nextToken"]
    second = client.list_state_machines(maxResults=2, nextToken=page["nextToken"])
    assert second["stateMachines"][0]["name"] == sorted(names)[2]
    changed = PASS3.replace('"Result": 3', '"Result": 30')
    client.update_state_machine(stateMachineArn=arn, definition=changed)
    assert client.describe_state_machine(stateMachineArn=arn)["definition"] == changed
    client.delete_state_machine(stateMachineArn=arn)
    assert _error(lambda: client.describe_state_machine(stateMachineArn=arn)) == (
        "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'", 400)


def test_execution_start_describe_list_history(client: Any) -> None:
    arn = client.create_state_machine(name="pass3-run", definition=PASS3,
                                      roleArn=ROLE)["stateMachineArn"]
    started = [client.start_execution(stateMachineArn=arn, name=f"run-{i}",
                                      input=json.dumps({"i": i})) for i in range(3)]
    assert [s["executionArn"] for s in started] == [
        f"{EXEC}:pass3-run:run-{i}" for i in range(3)]
    for i, s in enumerate(started):
        done = wait_until(lambda s=s: (d := client.describe_execution(
            executionArn=s["executionArn"]))["status"] != "RUNNING" and d)
        assert (done["status"], json.loads(done["output"]), done["input"]) == (
            "SUCCEEDED", {"i": i, "a": 1, "b": 2, "c": 3}, json.dumps({"i": i}))
    listed = client.list_executions(stateMachineArn=arn)["executions"]
    assert [e["name"] for e in listed] == ["run-2", "run-1", "run-0"]
    assert client.list_executions(stateMachineArn=arn, statusFilter="FAILED")[
        "executions"] == []
    events: list[dict[str, Any]] = []
    request: dict[str, Any] = {"executionArn": started[0]["executionArn"], "maxResults": 3}
    while True:
        page = client.get_execution_history(**request)
        events.extend(page["events"])
        if "nextToken" not in page:
            break
        request["nextToken"] = page["nextToken"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
        "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert [e["id"] for e in events] == list(range(1, 9))
    newest = client.get_execution_history(executionArn=started[0]["executionArn"],
                                          reverseOrder=True, maxResults=1)["events"]
    assert newest[0]["type"] == "ExecutionSucceeded"


def test_same_name_and_input_while_running_is_the_same_start(client: Any) -> None:
    arn = machine_arn("iw102-callback")
    first = client.start_execution(stateMachineArn=arn, name="twice", input="{}")
    assert client.start_execution(stateMachineArn=arn, name="twice", input="{}")[
        "executionArn"] == first["executionArn"]
    assert _error(lambda: client.start_execution(stateMachineArn=arn, name="twice",
                                                 input='{"other": 1}')) == (
        "ExecutionAlreadyExists", f"Execution Already Exists: '{first['executionArn']}'", 400)
    stopped = client.stop_execution(executionArn=first["executionArn"], error="Op",
                                    cause="stopped by the test")
    assert stopped["stopDate"]
    described = client.describe_execution(executionArn=first["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED", "Op", "stopped by the test")
    assert _error(lambda: client.start_execution(stateMachineArn=arn, name="twice",
                                                 input="{}"))[0] == "ExecutionAlreadyExists"


def test_express_start_sync_execution(served: Served, client: Any) -> None:
    # StartSyncExecution (and TestState) go to the "sync-" host on AWS; a local endpoint
    # turns that off, as botocore documents for custom endpoints
    sync = sfn(served.url, inject_host_prefix=False)
    arn = client.create_state_machine(name="pass3-express", definition=PASS3, roleArn=ROLE,
                                      type="EXPRESS")["stateMachineArn"]
    done = sync.start_sync_execution(stateMachineArn=arn, input='{"x": 0}')
    assert (done["status"], json.loads(done["output"])) == (
        "SUCCEEDED", {"x": 0, "a": 1, "b": 2, "c": 3})
    assert done["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:express:")
    assert _error(lambda: sync.start_sync_execution(stateMachineArn=machine_arn(
        "course-choice"))) == ("StateMachineTypeNotSupported", "This operation is not "
                               "supported by this type of state machine", 400)


@pytest.mark.parametrize(("state", "given", "want"), [
    ({"Type": "Pass", "Result": {"x": 1}, "Next": "later"}, {},
     {"status": "SUCCEEDED", "output": '{"x":1}', "nextState": "later"}),
    ({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5,
                                     "Next": "big"}], "Default": "small"}, {"n": 7},
     {"status": "SUCCEEDED", "output": '{"n":7}', "nextState": "big"}),
    ({"Type": "Fail", "Error": "Nope", "Cause": "because"}, {},
     {"status": "FAILED", "error": "Nope", "cause": "because"}),
])
def test_test_state(served: Served, state: dict[str, Any], given: Any, want: dict[str, Any]
                    ) -> None:
    found = sfn(served.url, inject_host_prefix=False).test_state(
        definition=json.dumps(state), roleArn=ROLE, input=json.dumps(given))
    assert {k: v for k, v in found.items() if k != "ResponseMetadata"} == want


def test_validate_state_machine_definition(client: Any) -> None:
    assert client.validate_state_machine_definition(definition=PASS3)["result"] == "OK"
    bad = client.validate_state_machine_definition(definition=json.dumps(
        {"StartAt": "a", "States": {"a": {"Type": "Pass", "Next": "b"}}}))
    assert bad["result"] == "FAIL"
    assert [(d["severity"], d["code"], d["location"]) for d in bad["diagnostics"]] == [
        ("ERROR", "dangling-target", "States.a.Next")]


BIG = json.dumps({"x": "a" * 262_144})


@pytest.mark.parametrize(("call", "want"), [
    (lambda c: c.describe_execution(executionArn=f"{EXEC}:process-a:nope"),
     ("ExecutionDoesNotExist", f"Execution Does Not Exist: '{EXEC}:process-a:nope'")),
    (lambda c: c.describe_execution(executionArn="not-an-arn"),
     ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'")),
    (lambda c: c.describe_execution(executionArn=machine_arn("process-a")),
     ("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: stateMachine'")),
    (lambda c: c.start_execution(stateMachineArn=machine_arn("nope")),
     ("StateMachineDoesNotExist",
      f"State Machine Does Not Exist: '{machine_arn('nope')}'")),
    (lambda c: c.start_execution(stateMachineArn=machine_arn("course-choice"), input="{bad"),
     ("InvalidExecutionInput", "Invalid State Machine Execution Input: 'Expecting property "
      "name enclosed in double quotes: line 1 column 2 (char 1)'")),
    (lambda c: c.start_execution(stateMachineArn=machine_arn("course-choice"), input=BIG),
     ("ValidationException", "1 validation error detected: Value at 'input' failed to "
      "satisfy constraint: Member must have length less than or equal to 262144")),
    (lambda c: c.create_state_machine(name="broken", roleArn=ROLE, definition="{"),
     ("InvalidDefinition", "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
      "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'")),
    (lambda c: c.create_state_machine(name="bad name", roleArn=ROLE, definition=PASS3),
     ("InvalidName", "Invalid Name: 'bad name'")),
    (lambda c: c.send_task_success(taskToken="f" * 64, output="{}"),
     ("InvalidToken", "Invalid Token: 'Invalid token'")),
    (lambda c: c.get_execution_history(executionArn=f"{EXEC}:process-a:nope"),
     ("ExecutionDoesNotExist", f"Execution Does Not Exist: '{EXEC}:process-a:nope'")),
])
def test_errors_as_aws_answers_them(client: Any, call: Any, want: tuple[str, str]) -> None:
    assert _error(lambda: call(client)) == (*want, 400)
    assert client.list_state_machines()["stateMachines"]  # still serving


def _raw(url: str, body: bytes, headers: dict[str, str], method: str = "POST",
         path: str = "/") -> tuple[int, Any]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null")
    finally:
        connection.close()


JSON10 = "application/x-amz-json-1.0"


@pytest.mark.parametrize(("body", "headers", "want"), [
    (b"{not json", {"X-Amz-Target": "AWSStepFunctions.ListStateMachines",
                    "Content-Type": JSON10},
     (400, "com.amazon.coral.service#SerializationException")),
    (b"[]", {"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": JSON10},
     (400, "com.amazon.coral.service#SerializationException")),
    (b"{}", {"X-Amz-Target": "AWSStepFunctions.LaunchRockets", "Content-Type": JSON10},
     (400, "com.amazon.coral.service#UnknownOperationException")),
    (b"{}", {"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": JSON10},
     (400, "com.amazonaws.swf.service.model.v20160801#ValidationException")),
])
def test_malformed_requests(served: Served, body: bytes, headers: dict[str, str],
                            want: tuple[int, str]) -> None:
    status, answer = _raw(served.url, body, headers)
    assert (status, answer["__type"]) == want
    assert sfn(served.url).list_state_machines()["stateMachines"]


@pytest.mark.parametrize(("method", "path", "key", "want"), [
    ("POST", "/process-a/start-process", "wrong-key", (403, {"message": "Forbidden"})),
    ("POST", "/process-a/start-process", None, (403, {"message": "Forbidden"})),
    ("GET", "/process-a/process-state/abc", "wrong-key", (403, {"message": "Forbidden"})),
    ("GET", "/no/such/route", API_KEY, (403, {"message": "Missing Authentication Token"})),
    ("GET", "/process-a/process-state/nope", API_KEY,
     (404, {"message": "there is no process nope"})),
    ("POST", "/process-a/start-process", API_KEY,
     (400, {"message": "the process document must be a JSON object, not a list"})),
])
def test_facade_keys_and_routes(served: Served, method: str, path: str, key: str | None,
                                want: tuple[int, Any]) -> None:
    headers = {"x-api-key": key} if key else {}
    body = b"[1]" if method == "POST" else b""
    assert _raw(served.url, body, headers, method, path) == want


def test_a_loaded_machine_the_runner_cannot_run_refuses_each_start(served: Served,
                                                                   client: Any) -> None:
    assert served.service is not None
    machine = served.service.machines.add("unrunnable", {"StartAt": "x", "States": {}})
    assert _error(lambda: client.start_execution(stateMachineArn=machine.arn)) == (
        "InvalidExecutionInput", "Invalid State Machine Execution Input: 'definition: "
        "StartAt 'x' names no state'", 400)
