"""``sfs3dsl test-state`` and ``sfs3dsl.test_state``: one state, answered in TestState's
response shape; the expected documents are the developer guide's and the AWS News Blog's
TestState examples (values only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sfs3dsl import test_state
from sfs3dsl.cli import cli
from sfs3dsl.run.definitions import RunSetupError

ROOT = Path(__file__).resolve().parent.parent
CHOICE = {"Type": "Choice", "Choices": [
    {"Variable": "$.number", "NumericEquals": 1, "Next": "Equals 1"},
    {"Variable": "$.number", "NumericEquals": 2, "Next": "Equals 2"}], "Default": "No Match"}
PASS = {"Type": "Pass", "InputPath": "$.payload", "Parameters": {"data": 1},
        "ResultPath": "$.result", "OutputPath": "$.result.data", "Next": "Another State"}
LAMBDA = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "process-order"}, "End": True}
ORDER = {"orderId": "12345", "status": "processed"}
VALIDATE = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "validate-order"}, "End": True}


@pytest.mark.parametrize(("definition", "options", "expected"), [
    # developer guide, "Using TestState API", example 1: INFO on a Choice state
    (CHOICE, {"input": '{"number": 2}'},
     {"output": "{\"number\": 2}", "nextState": "Equals 2", "status": "SUCCEEDED"}),
    # example 2: DEBUG on a Pass state's input and output processing
    (PASS, {"input": '{"payload": {"foo": "bar"}}', "inspection_level": "DEBUG"},
     {"output": "1",
      "inspectionData": {
          "input": "{\"payload\": {\"foo\": \"bar\"}}",
          "afterInputPath": "{\"foo\":\"bar\"}",
          "afterParameters": "{\"data\":1}",
          "afterResultSelector": "{\"data\":1}",
          "afterResultPath": "{\"payload\":{\"foo\":\"bar\"},\"result\":{\"data\":1}}"},
      "nextState": "Another State", "status": "SUCCEEDED"}),
    # the News Blog's enhanced TestState, scenario 1: a mocked result
    (LAMBDA, {"mock": ORDER, "inspection_level": "DEBUG"},
     {"output": "{\"orderId\":\"12345\",\"status\":\"processed\"}",
      "inspectionData": {
          "input": "{}", "afterInputPath": "{}",
          "afterParameters": "{\"FunctionName\":\"process-order\"}",
          "result": "{\"orderId\":\"12345\",\"status\":\"processed\"}",
          "afterResultSelector": "{\"orderId\":\"12345\",\"status\":\"processed\"}",
          "afterResultPath": "{\"orderId\":\"12345\",\"status\":\"processed\"}"},
      "status": "SUCCEEDED"}),
    # scenario 2: a mocked error
    (LAMBDA, {"mock_error": ("Lambda.ServiceException", "Function failed"),
              "inspection_level": "DEBUG"},
     {"error": "Lambda.ServiceException", "cause": "Function failed",
      "inspectionData": {"input": "{}", "afterInputPath": "{}",
                         "afterParameters": "{\"FunctionName\":\"process-order\"}"},
      "status": "FAILED"}),
    # scenario 5: input processing of a mocked Task
    (VALIDATE, {"input": '{"orderId":"12345","amount":99.99}',
                "mock": {"orderId": "12345", "validated": True}, "inspection_level": "DEBUG"},
     {"output": "{\"orderId\":\"12345\",\"validated\":true}",
      "inspectionData": {
          "input": "{\"orderId\":\"12345\",\"amount\":99.99}",
          "afterInputPath": "{\"orderId\":\"12345\",\"amount\":99.99}",
          "afterParameters": "{\"FunctionName\":\"validate-order\"}",
          "result": "{\"orderId\":\"12345\",\"validated\":true}",
          "afterResultSelector": "{\"orderId\":\"12345\",\"validated\":true}",
          "afterResultPath": "{\"orderId\":\"12345\",\"validated\":true}"},
      "status": "SUCCEEDED"}),
])
def test_the_documented_examples(definition: dict[str, Any], options: dict[str, Any],
                                 expected: dict[str, Any]) -> None:
    result = test_state(definition, **options)
    assert result.to_dict() == expected
    assert list(result.to_dict()) == list(expected)  # the keys in the documented order


RETRYING = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
            "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                       "Next": "Recover"}],
            "Next": "Done"}


@pytest.mark.parametrize(("error", "context", "status", "output", "next_state"), [
    (("Busy", "later"), {}, "RETRIABLE", None, None),
    (("Busy", "later"), {"State": {"RetryCount": 1}}, "RETRIABLE", None, None),
    (("Busy", "later"), {"State": {"RetryCount": 2}}, "CAUGHT_ERROR",
     {"n": 1, "error": {"Error": "Busy", "Cause": "later"}}, "Recover"),
    (("Other", None), {}, "CAUGHT_ERROR", {"n": 1, "error": {"Error": "Other"}}, "Recover"),
])
def test_retry_and_catch_decide_the_status(error: tuple[str, str | None],
                                           context: dict[str, Any], status: str, output: Any,
                                           next_state: str | None) -> None:
    result = test_state(RETRYING, input={"n": 1}, mock_error=error, context=context)
    assert (result.status, result.output, result.error, result.cause, result.next_state) == \
        (status, output, error[0], error[1], next_state)


def test_variables_context_and_result_selector_are_applied_and_shown() -> None:
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"id.$": "$$.Execution.Name", "limit.$": "$limit"},
             "ResultSelector": {"body.$": "$.Payload"}, "Assign": {"seen.$": "$.body"},
             "ResultPath": "$.got", "Next": "Later"}
    result = test_state(state, input={"a": 1}, mock={"Payload": "hi", "StatusCode": 200},
                        context={"Execution": {"Name": "run-7"}}, variables={"limit": 3},
                        inspection_level="DEBUG")
    assert result.to_dict() == {
        "output": "{\"a\":1,\"got\":{\"body\":\"hi\"}}",
        "inspectionData": {
            "input": "{\"a\":1}", "afterInputPath": "{\"a\":1}",
            "afterParameters": "{\"id\":\"run-7\",\"limit\":3}",
            "result": "{\"Payload\":\"hi\",\"StatusCode\":200}",
            "afterResultSelector": "{\"body\":\"hi\"}",
            "afterResultPath": "{\"a\":1,\"got\":{\"body\":\"hi\"}}",
            "variables": "{\"limit\":3,\"seen\":\"hi\"}"},
        "nextState": "Later", "status": "SUCCEEDED"}


def test_runtime_errors_of_the_data_flow_fail_the_state() -> None:
    result = test_state({"Type": "Pass", "InputPath": "$.missing", "End": True}, input={})
    assert (result.status, result.error, result.cause) == (
        "FAILED", "States.Runtime",
        "An error occurred while executing the state 'TestState' (entered at the event id "
        "#0). Invalid path '$.missing' : No results for path: $['missing']")


def test_jsonata_states_and_fail_states() -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata",
             "Output": "{% $states.input.n * 2 %}", "Next": "x"}
    assert test_state(state, input={"n": 4}).to_dict() == {
        "output": "8", "nextState": "x", "status": "SUCCEEDED"}
    fail = {"Type": "Fail", "ErrorPath": "$.e", "Cause": "because"}
    assert test_state(fail, input={"e": "Bad"}).to_dict() == {
        "error": "Bad", "cause": "because", "status": "FAILED"}


def test_a_state_in_a_workflow_module_by_name() -> None:
    result = test_state(ROOT / "workflows" / "course_choice.py", "inputNum?",
                        input={"inputNum": 7})
    assert (result.status, result.next_state) == ("SUCCEEDED", "big")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: test_state({"Type": "Map", "ItemProcessor": {}, "End": True}),
     "state 'TestState': a Map state cannot be tested alone; fix: test the states inside "
     "it, or run the workflow (sfs3dsl run)"),
    (lambda: test_state(LAMBDA),
     "state 'TestState': a local test-state calls no service; fix: give its result (--mock "
     "'{\"ok\": true}') or its error (--mock-error ERROR:CAUSE)"),
    (lambda: test_state(ROOT / "workflows" / "course_choice.py", "inputNum"),
     "--state inputNum: the workflow has no state 'inputNum' (did you mean 'inputNum?'?); "
     "fix: use one of 'inputNum?', 'one', 'big', 'other', 'done'"),
    (lambda: test_state(PASS, input="{nope"),
     "--input: not valid JSON at line 1 column 2: Expecting property name enclosed in "
     "double quotes; fix: give JSON text, e.g. --input '{\"n\": 1}'"),
    (lambda: test_state(PASS, inspection_level="LOUD"),
     "inspection level 'LOUD': fix: use one of INFO, DEBUG, TRACE"),
])
def test_what_cannot_be_tested_is_one_line(call: Any, message: str) -> None:
    with pytest.raises(RunSetupError) as caught:
        call()
    assert str(caught.value) == message


def test_cli_prints_the_response_and_exits_by_status(tmp_path: Path) -> None:
    machine = tmp_path / "m.asl.json"
    machine.write_text(json.dumps({"StartAt": "P", "States": {"P": PASS, "Another State": {
        "Type": "Succeed"}}}), encoding="utf-8")
    out = CliRunner().invoke(cli, ["test-state", str(machine), "--state", "P", "--input",
                                   '{"payload": {"foo": "bar"}}', "--inspection-level",
                                   "DEBUG"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["inspectionData"]["afterResultPath"] == \
        "{\"payload\":{\"foo\":\"bar\"},\"result\":{\"data\":1}}"
    failed = CliRunner().invoke(cli, ["test-state", str(ROOT / "workflows" / "course_flaky.py"),
                                      "--state", "FlakyFailed"], catch_exceptions=False)
    assert (failed.exit_code, json.loads(failed.output)) == (1, {
        "error": "Flaky.GaveUp", "cause": "flaky failed after 5 retries", "status": "FAILED"})
    both = CliRunner().invoke(cli, ["test-state", str(machine), "--state", "P", "--mock", "1",
                                    "--mock-error", "E:c"], catch_exceptions=False)
    assert (both.exit_code, both.output.splitlines()) == (
        2, ["Error: --mock and --mock-error: give one of them; fix: drop one"])
