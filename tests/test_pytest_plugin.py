"""The pytest plugin: users' own tests run workflows through ``sfn_runner`` / ``run_workflow``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


def plugin_args() -> list[str]:
    """``-p sfs3dsl.pytest_plugin`` until the package registers the plugin itself."""
    registered = any(ep.value == "sfs3dsl.pytest_plugin"
                     for ep in entry_points(group="pytest11"))
    return [] if registered else ["-p", "sfs3dsl.pytest_plugin"]


USER_TESTS = f'''
import pytest
from sfs3dsl import Choice, JsonPath, Pass, Wait, Workflow, lambda_invoke, function_ref
from sfs3dsl.run.interpreter import TaskFailure

ROOT = {str(ROOT)!r}


def test_module_path(run_workflow):
    result = run_workflow(ROOT + "/workflows/course_choice.py", {{"inputNum": 1}})
    assert result.succeeded
    assert result.output == {{"inputNum": 1, "verdict": "it was 1"}}
    assert result.entered() == ["inputNum?", "one", "done"]
    assert result.history[-1]["type"] == "ExecutionSucceeded"


def test_asl_file_and_dict(run_workflow):
    result = run_workflow(ROOT + "/generated/course-map/statemachine.asl.json",
                          {{"basket": {{"items": [1]}}}})
    assert result.output["checked"] == [{{"item": 1, "checked": True}}]
    assert len(result.events("MapIterationStarted")) == 1
    assert run_workflow({{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": True}}}}}},
                        {{"x": 1}}).output == {{"x": 1}}


def test_workflow_object_with_mocks(sfn_runner):
    n = JsonPath("$.n")
    flow = Workflow("mine", lambda_invoke("double", function=function_ref("double"),
                                          output_path="$.Payload")
                    >> Wait("later", seconds=86400)
                    >> Choice("big?").when(n > 10, Pass("yes")).otherwise(Pass("no")))
    sfn_runner.mock("double", lambda payload, ctx: {{"n": payload["n"] * 2}})
    result = sfn_runner.run(flow, {{"n": 6}})
    assert result.status == "SUCCEEDED"
    assert result.entered()[-1] == "yes"


def test_failure_is_reported(run_workflow):
    flow = {{"StartAt": "T", "States": {{"T": {{"Type": "Task", "End": True,
             "Resource": "arn:aws:lambda:us-east-1:1:function:boom"}}}}}}

    def boom(payload, ctx):
        raise TaskFailure("Boom", "it broke")

    result = run_workflow(flow, {{}}, mocks={{"boom": boom}})
    assert (result.status, result.error, result.cause) == ("FAILED", "Boom", "it broke")
    assert result.events("TaskFailed")[0]["taskFailedEventDetails"]["error"] == "Boom"


def test_callback_resumed_from_the_test(sfn_runner):
    handle = sfn_runner.start(ROOT + "/workflows/iw102_callback.py", {{"id": 1}},
                              mocks={{"send-wait": lambda payload, ctx: None}})
    sfn_runner.send_task_success(handle.task_token(), {{"done": True}})
    execution = handle.wait(10)
    assert execution.status == "SUCCEEDED"
    assert execution.output == {{"id": 1, "taskresult": {{"done": True}}}}


def test_side_car_workflow_gives_its_document(run_workflow, monkeypatch):
    monkeypatch.chdir(ROOT)  # where generated/ is, as when a user runs pytest there
    result = run_workflow("workflows/process_a.py", {{"foo": "foo val"}})
    assert result.succeeded, result.cause
    assert result.output == {{"processData": result.execution.name}}
    assert list(result.document) == ["foo"] + [f"step-{{x}}-output" for x in "abcdef"]
    [downstream] = result.started
    assert result.document["step-f-output"] == {{"downstreamExecutionArn": downstream.arn}}
    assert downstream.status == "SUCCEEDED"


def test_unknown_resource_is_a_setup_error(run_workflow):
    from sfs3dsl.run.definitions import RunSetupError

    with pytest.raises(RunSetupError, match="state 'convdate': nothing runs resource"):
        run_workflow(ROOT + "/workflows/reminder.py", {{}})
'''


def test_user_tests_pass_through_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(*plugin_args(), "-W", "error", "-q")
    result.assert_outcomes(passed=7)


def test_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess(*plugin_args(), "--fixtures", "-q")
    result.stdout.fnmatch_lines(["*sfn_runner*", "*run_workflow*"])


def test_loading_the_plugin_imports_neither_moto_nor_boto3() -> None:
    code = ("import sys, sfs3dsl.pytest_plugin\n"
            "print(sorted(m for m in ('moto', 'boto3', 'botocore', 'click', 'jinja2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
