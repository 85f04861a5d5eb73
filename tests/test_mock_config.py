"""AWS's MockConfigFile (Step Functions Local) and ``--s3-object``: ``sfs3dsl run``,
``run_local`` and the pytest plugin, with the developer guide's own example file."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from test_pytest_plugin import plugin_args

from sfs3dsl import run_local
from sfs3dsl.cli import cli
from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.run.definitions import RunSetupError
from sfs3dsl.run.mock_config import load_mock_config

pytest_plugins = ["pytester"]

DATA = Path(__file__).resolve().parent / "data" / "mock_config"
#: The developer guide's example: the file and the LambdaSQSIntegration state machine.
CONFIG = DATA / "MockConfigFile.json"
MACHINE = DATA / "LambdaSQSIntegration.asl.json"
LAMBDA_OK = {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
SQS_OK = {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
          "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)


def output_json(text: str) -> Any:
    return json.JSONDecoder().raw_decode(text.split("output:\n", 1)[1])[0]


def task_errors(history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["taskFailedEventDetails"]["error"], e["taskFailedEventDetails"]["cause"])
            for e in history if e["type"] == "TaskFailed"]


# --- the developer guide's example ------------------------------------------------------------

def test_happy_path_returns_the_mocked_responses_as_the_task_results() -> None:
    result = run_local(MACHINE, {"data": "test input"}, mock_config=CONFIG,
                       test_case="HappyPath")
    assert result.status == "SUCCEEDED"
    assert result.output == SQS_OK
    # Return is the service's whole response: the Lambda result is not wrapped again, and
    # it is what the next state gets, as the guide's history shows
    exited = [e["stateExitedEventDetails"] for e in result.history
              if e["type"] == "TaskStateExited"]
    assert [(d["name"], json.loads(d["output"])) for d in exited] == [
        ("LambdaState", LAMBDA_OK), ("SQSState", SQS_OK)]
    assert len(result.events("TaskSucceeded")) == 2


def test_retry_path_fails_three_times_then_succeeds() -> None:
    result = run_local(MACHINE, {"data": "test input"}, mock_config=CONFIG,
                       test_case="RetryPath")
    assert result.status == "SUCCEEDED"
    assert task_errors(result.history) == [
        ("Lambda.ResourceNotReadyException", "Lambda resource is not ready."),
        ("Lambda.TimeoutException", "Lambda timed out."),
        ("Lambda.TimeoutException", "Lambda timed out.")]
    # the retrier's backoff on the virtual clock: 2 s, 4 s, 8 s
    entered = [e["timestamp"] for e in result.history if e["type"] == "TaskScheduled"
               and e["taskScheduledEventDetails"]["resource"] == "invoke"]
    assert [(b - a).total_seconds() for a, b in pairwise(entered)] == \
        [2.0, 4.0, 8.0]
    assert result.output == SQS_OK


def test_hybrid_path_leaves_the_unmocked_state_to_what_else_runs_it() -> None:
    with pytest.raises(RunSetupError, match=r"state 'SQSState': nothing runs resource "
                                            r"'arn:aws:states:::sqs:sendMessage'"):
        run_local(MACHINE, {}, mock_config=CONFIG, test_case="HybridPath")
    result = run_local(MACHINE, {}, mock_config=CONFIG, test_case="HybridPath",
                       mocks={"SQSState": {"MessageId": "m-1"}})
    assert result.output == {"MessageId": "m-1"}


def test_cli_runs_a_test_case_and_says_which(tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    result = run(str(MACHINE), "--mock-config", str(CONFIG), "--test-case", "RetryPath",
                 "--input", '{"data": "test input"}', "--history", str(history))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        f"mock: test case 'RetryPath' of {CONFIG}: LambdaState=MockedLambdaRetry, "
        "SQSState=MockedSQSSuccess",
        "-> LambdaState (Task)",
        "<- LambdaState (Task) 14.00 s, 3 retries"]
    assert output_json(result.output) == SQS_OK
    events = json.loads(history.read_text(encoding="utf-8"))["events"]
    assert [e for e in task_errors(events) if e[0] == "Lambda.TimeoutException"] == \
        [("Lambda.TimeoutException", "Lambda timed out.")] * 2


def test_machine_named_in_the_test_case_as_the_start_execution_suffix_names_it() -> None:
    asl = json.loads(MACHINE.read_text(encoding="utf-8"))
    result = run_local(asl, {}, mock_config=CONFIG, test_case="LambdaSQSIntegration#HappyPath")
    assert result.output == SQS_OK


# --- a retry sequence, a catch, callbacks, Maps -------------------------------------------------

FLAKY: dict[str, Any] = {
    "StartAt": "Call",
    "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:flaky",
                 "Retry": [{"ErrorEquals": ["Flaky.Error"], "IntervalSeconds": 1,
                            "MaxAttempts": 2, "BackoffRate": 1}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                            "Next": "Caught"}],
                 "End": True},
        "Caught": {"Type": "Pass", "End": True},
    },
}


def flaky_config(responses: dict[str, Any]) -> dict[str, Any]:
    return {"StateMachines": {"flaky": {"TestCases": {"T": {"Call": "R"}}}},
            "MockedResponses": {"R": responses}}


FAIL = {"Throw": {"Error": "Flaky.Error", "Cause": "try again"}}


@pytest.mark.parametrize(("responses", "status", "output", "failures"), [
    ({"0-1": FAIL, "2": {"Return": {"ok": True}}}, "SUCCEEDED", {"ok": True}, 2),
    ({"0": {"Return": 7}}, "SUCCEEDED", 7, 0),
    ({"0-2": FAIL}, "SUCCEEDED",
     {"error": {"Error": "Flaky.Error", "Cause": "try again"}}, 3),
    ({"0": {"Throw": {"Error": "Other"}}}, "SUCCEEDED", {"error": {"Error": "Other"}}, 1),
])
def test_fail_twice_then_succeed_and_other_sequences(responses: dict[str, Any], status: str,
                                                     output: Any, failures: int) -> None:
    result = run_local(FLAKY, {}, workflow="flaky", mock_config=flaky_config(responses),
                       test_case="T")
    assert (result.status, result.output) == (status, output)
    assert len(result.events("TaskFailed")) == failures


def test_an_invocation_without_an_entry_stops_the_run_naming_the_fix() -> None:
    flow = {"StartAt": "Call", "States": {"Call": {**FLAKY["States"]["Call"], "Catch": []}}}
    with pytest.raises(ExecutionError) as caught:
        run_local(flow, {}, workflow="flaky", mock_config=flaky_config({"0-1": FAIL}),
                  test_case="T")
    assert str(caught.value) == (
        "mock config: test case 'T': state 'Call' was invoked 3 times, but mocked response "
        "'R' answers invocations 0-1 only; fix: add an entry \"2\" (Return or Throw) to 'R'")


def test_invocations_are_counted_per_execution() -> None:
    config = flaky_config({"0": {"Return": 1}})
    for _ in range(2):
        assert run_local(FLAKY, {}, workflow="flaky", mock_config=config,
                         test_case="T").output == 1


def test_a_mocked_callback_is_answered_at_once_and_map_iterations_share_the_count() -> None:
    flow = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "Wait for it", "States": {"Wait for it": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": True}}},
        "End": True}}}
    config = {"StateMachines": {"cb": {"TestCases": {"T": {"Wait for it": "R"}}}},
              "MockedResponses": {"R": {"0": {"Return": "first"}, "1-2": {"Return": "more"}}}}
    result = run_local(flow, {"items": [1, 2, 3]}, workflow="cb", mock_config=config,
                       test_case="T")
    assert result.output == ["first", "more", "more"]


# --- one-line errors: bad files, unknown test cases and states ---------------------------------

def bad(config: Any) -> str:
    with pytest.raises(RunSetupError) as caught:
        run_local(FLAKY, {}, workflow="flaky", mock_config=config, test_case="T")
    return str(caught.value)


OK_RESPONSES = {"R": {"0": {"Return": 1}}}


@pytest.mark.parametrize(("config", "message"), [
    ([], "mock config: top level: is an array, not an object; fix: write "
         '{"StateMachines": {...}, "MockedResponses": {...}}'),
    ({"StateMachines": {}}, "mock config: MockedResponses: is missing; fix: add "
                            '"MockedResponses": {...} at the top level'),
    ({"StateMachines": {}, "MockedResponses": {}, "Mocks": 1},
     "mock config: Mocks: is not a field of a mock configuration; fix: the top-level fields "
     "are StateMachines and MockedResponses"),
    ({"StateMachines": {"flaky": {"T": {}}}, "MockedResponses": {}},
     'mock config: StateMachines.flaky: has no "TestCases" object; fix: write "flaky": '
     '{"TestCases": {"HappyPath": {"State": "Response"}}}'),
    ({"StateMachines": {"flaky": {"TestCases": {"T": {"Call": "Rr"}}}},
      "MockedResponses": OK_RESPONSES},
     "mock config: StateMachines.flaky.TestCases.T.Call: names mocked response 'Rr', which "
     "MockedResponses does not define; fix: define it under MockedResponses or use one of "
     "'R' (did you mean 'R'?)"),
    (flaky_config({"first": {"Return": 1}}),
     'mock config: MockedResponses.R["first"]: is not an invocation number or range; fix: '
     'key each entry by a number from 0 ("0", "3") or an inclusive range ("1-2")'),
    (flaky_config({"0-1": {"Return": 1}, "3": {"Return": 2}}),
     'mock config: MockedResponses.R: has no entry for invocation 2; fix: add "2" '
     "(invocations are numbered from 0, with no gaps)"),
    (flaky_config({"1": {"Return": 1}}),
     'mock config: MockedResponses.R: has no entry for invocation 0; fix: add "0" '
     "(invocations are numbered from 0, with no gaps)"),
    (flaky_config({"0-2": {"Return": 1}, "2": {"Return": 2}}),
     'mock config: MockedResponses.R["2"]: overlaps invocation 2, which another entry '
     "answers; fix: give each invocation one entry"),
    (flaky_config({"3-1": {"Return": 1}}),
     'mock config: MockedResponses.R["3-1"]: the range ends before it starts; fix: write '
     '"1-3"'),
    (flaky_config({"0": {"Return": 1, "Throw": {"Error": "E"}}}),
     'mock config: MockedResponses.R["0"]: must hold exactly one field, "Return" or '
     '"Throw"; fix: write {"Return": <the service response>} or {"Throw": {"Error": "...", '
     '"Cause": "..."}}'),
    (flaky_config({"0": {"Throw": {"Cause": "no error"}}}),
     'mock config: MockedResponses.R["0"].Throw: needs "Error", a string; fix: write '
     '{"Return": <the service response>} or {"Throw": {"Error": "...", "Cause": "..."}}'),
    ({"StateMachines": {"flaky": {"TestCases": {"Other": {"Call": "R"}}}},
      "MockedResponses": OK_RESPONSES},
     "mock config: state machine 'flaky' has no test case 'T'; fix: use one of 'Other'"),
    ({"StateMachines": {"LambdaSQSIntegration": {"TestCases": {"T": {"Call": "R"}}}},
      "MockedResponses": OK_RESPONSES},
     "mock config: StateMachines has no state machine 'flaky'; fix: name the entry after the "
     "workflow ('flaky'), or name the state machine of the file: --test-case "
     "LambdaSQSIntegration#T"),
    ({"StateMachines": {"flaky": {"TestCases": {"T": {"Cal": "R"}}}},
      "MockedResponses": OK_RESPONSES},
     "mock config: StateMachines.flaky.TestCases.T: the workflow has no Task state 'Cal' "
     "(did you mean 'Call'?); fix: name one of its Task states: 'Call'"),
    ({"StateMachines": {"flaky": {"TestCases": {"T": {"Caught": "R"}}}},
      "MockedResponses": OK_RESPONSES},
     "mock config: StateMachines.flaky.TestCases.T: 'Caught' is a Pass state, and only Task "
     "states call a service; fix: name one of its Task states: 'Call'"),
])
def test_bad_mock_configs_are_one_line_naming_where_and_the_fix(config: Any,
                                                                message: str) -> None:
    assert bad(config) == message


def test_bad_files_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "MockConfigFile.json"
    broken.write_text('{"StateMachines": {,}', encoding="utf-8")
    with pytest.raises(RunSetupError) as caught:
        load_mock_config(broken)
    assert str(caught.value) == (f"{broken}:1:20: not valid JSON: Expecting property name "
                                 "enclosed in double quotes; fix: correct the JSON")
    missing = tmp_path / "nope.json"
    with pytest.raises(RunSetupError) as caught:
        load_mock_config(missing)
    assert str(caught.value) == f"{missing}: no such file; fix: give the path of your " \
        "MockConfigFile.json"


@pytest.mark.parametrize(("args", "message"), [
    (["--mock-config", str(CONFIG), "--test-case", "Happy"],
     f"Error: {CONFIG}: state machine 'LambdaSQSIntegration' has no test case 'Happy' (did "
     "you mean 'HappyPath'?); fix: use one of 'HappyPath', 'RetryPath', 'HybridPath'"),
    (["--mock-config", str(CONFIG)],
     f"Error: {CONFIG}: --mock-config needs --test-case; fix: add --test-case NAME "
     "(HappyPath, RetryPath, HybridPath)"),
    (["--test-case", "HappyPath"],
     "Error: --test-case HappyPath: no --mock-config to take it from; fix: add --mock-config "
     "MockConfigFile.json"),
    (["--mock-config", str(CONFIG), "--test-case", "HappyPath", "--mock", "LambdaState=1"],
     f"Error: --mock LambdaState: state 'LambdaState' is mocked by test case 'HappyPath' of "
     f"{CONFIG} too; fix: drop one of them"),
])
def test_cli_errors_are_one_line_with_exit_2(args: list[str], message: str) -> None:
    result = run(str(MACHINE), *args)
    assert result.exit_code == 2
    assert result.output.splitlines() == [message]


# --- the pytest plugin reads the same file ------------------------------------------------------

def test_the_same_file_from_the_pytest_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f'''
        CONFIG, MACHINE = {str(CONFIG)!r}, {str(MACHINE)!r}

        def test_retry(run_workflow):
            result = run_workflow(MACHINE, {{}}, mock_config=CONFIG, test_case="RetryPath")
            assert result.succeeded
            assert [e["taskFailedEventDetails"]["error"] for e in result.events("TaskFailed")] \\
                == ["Lambda.ResourceNotReadyException"] + ["Lambda.TimeoutException"] * 2

        def test_runner_wide(sfn_runner):
            sfn_runner.use_mock_config(CONFIG, "HybridPath")
            sfn_runner.mock("SQSState", {{"MessageId": "m"}})
            assert sfn_runner.run(MACHINE).output == {{"MessageId": "m"}}
    ''')
    outcome = pytester.runpytest_subprocess(*plugin_args(), "-q", "-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=2)


# --- S3 objects: a Distributed Map over a CSV from the command line ----------------------------

CSV_MAP = {
    "StartAt": "Each row",
    "States": {"Each row": {
        "Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                       "Parameters": {"Bucket": "input", "Key": "rows.csv"}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Total",
            "States": {"Total": {"Type": "Pass", "End": True, "Parameters": {
                "id.$": "$.id", "total.$": "States.MathAdd(States.StringToJson($.price), 1)"}}}},
        "End": True}},
}
ROWS = [{"id": "a", "total": 4}, {"id": "b", "total": 6}]


def test_distributed_map_over_a_csv_from_the_command_line(tmp_path: Path) -> None:
    machine = tmp_path / "csv-map.asl.json"
    machine.write_text(json.dumps(CSV_MAP), encoding="utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text("id,price\na,3\nb,5\n", encoding="utf-8")
    result = run(str(machine), "--s3-object", f"s3://input/rows.csv=@{rows}", "--no-trace")
    assert result.exit_code == 0, result.output
    assert output_json(result.output) == ROWS
    # without the object the ItemReader fails, as on AWS
    result = run(str(machine), "--no-trace")
    assert result.exit_code == 1
    assert "error: States.ItemReaderFailed" in result.output.splitlines()


def test_s3_objects_from_python_and_the_plugin(pytester: pytest.Pytester) -> None:
    assert run_local(CSV_MAP, {}, s3_objects={
        "s3://input/rows.csv": "id,price\na,3\nb,5\n"}).output == ROWS
    pytester.makepyfile(f'''
        import json
        CSV_MAP = json.loads({json.dumps(json.dumps(CSV_MAP))})

        def test_seeded(sfn_runner):
            sfn_runner.put_object("s3://input/rows.csv", b"id,price\\nz,1\\n")
            assert sfn_runner.run(CSV_MAP).output == [{{"id": "z", "total": 2}}]
    ''')
    pytester.runpytest_subprocess(*plugin_args(), "-q",
                                  "-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize(("spec", "message"), [
    ("input/rows.csv=@x", "Error: --s3-object 'input/rows.csv': not an S3 object URI; fix: "
                          "write s3://bucket/key, e.g. --s3-object "
                          "s3://input/items.csv=@items.csv"),
    ("s3://input/rows.csv", "Error: --s3-object 's3://input/rows.csv': no '=' between the "
                            "object and its content; fix: write s3://bucket/key=@file, e.g. "
                            "--s3-object s3://input/items.csv=@items.csv"),
    ("s3://input=@x", "Error: --s3-object 's3://input': not an S3 object URI; fix: write "
                      "s3://bucket/key, e.g. --s3-object s3://input/items.csv=@items.csv"),
    ("s3://input/rows.csv=@no-such.csv",
     "Error: --s3-object s3://input/rows.csv: there is no file no-such.csv; fix: give the path "
     "of the file to upload, relative to the current folder"),
])
def test_bad_s3_objects_are_one_line(tmp_path: Path, spec: str, message: str) -> None:
    machine = tmp_path / "m.asl.json"
    machine.write_text(json.dumps(CSV_MAP), encoding="utf-8")
    result = run(str(machine), "--s3-object", spec)
    assert (result.exit_code, result.output.splitlines()) == (2, [message])
