"""``sfs3dsl run``: input, trace, status, exit codes, history, mocks, the embedded S3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CHOICE = ROOT / "workflows" / "course_choice.py"
MAP_ASL = ROOT / "generated" / "course-map" / "statemachine.asl.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)


def write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def output_json(text: str) -> Any:
    """The JSON printed after ``output:``."""
    body = text.split("output:\n", 1)[1]
    return json.JSONDecoder().raw_decode(body)[0]


# --- success, trace, output ------------------------------------------------------------------

def test_workflow_module_runs_and_prints_each_state_then_output() -> None:
    result = run(str(CHOICE), "--input", '{"inputNum": 7}')
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:6] == ["-> inputNum? (Choice)", "<- inputNum? (Choice) 0 ms",
                         "-> big (Pass)", "<- big (Pass) 0 ms",
                         "-> done (Pass)", "<- done (Pass) 0 ms"]
    assert "status: SUCCEEDED" in lines
    assert output_json(result.output) == {"inputNum": 7, "verdict": "above 5"}


def test_asl_file_with_map_indents_iterations(tmp_path: Path) -> None:
    source = write(tmp_path / "in.json", {"basket": {"items": ["a", "b"]}})
    result = run(str(MAP_ASL), "--input", f"@{source}")
    assert result.exit_code == 0, result.output
    assert "  -> price (Pass)  [each-item #1]" in result.output.splitlines()
    assert output_json(result.output)["checked"] == [{"item": "a", "checked": True},
                                                     {"item": "b", "checked": True}]


def test_yaml_definition_and_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result: 42\n    End: true\n",
                    encoding="utf-8")
    result = run(str(path), "--no-trace")
    assert result.exit_code == 0, result.output
    assert result.output == "status: SUCCEEDED\noutput:\n42\n"


def test_wait_of_almost_a_year_on_the_virtual_clock_shows_its_virtual_duration(
        tmp_path: Path) -> None:
    # 364 days: a Standard execution ends after a year (365 days), as on AWS
    path = write(tmp_path / "w.json", {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600 * 24 * 364, "End": True}}})
    result = run(str(path))
    assert result.exit_code == 0
    assert "<- W (Wait) 8736h00m00s" in result.output


def test_retries_are_counted_in_the_trace(tmp_path: Path) -> None:
    module = tmp_path / "flaky.py"
    module.write_text(
        "from sfs3dsl.run.interpreter import TaskFailure\n"
        "calls = []\n"
        "def work(payload, ctx):\n"
        "    calls.append(1)\n"
        "    if len(calls) < 3:\n"
        "        raise TaskFailure('Busy', 'try again')\n"
        "    return {'calls': len(calls)}\n", encoding="utf-8")
    path = write(tmp_path / "m.json", {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:work",
        "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 2}], "End": True}}})
    result = run(str(path), "--mock", f"work={module}:work")
    assert result.exit_code == 0, result.output
    assert "<- T (Task) 6.00 s, 2 retries" in result.output
    assert output_json(result.output) == {"calls": 3}


# --- failures: exit 1 ------------------------------------------------------------------------

def test_failed_execution_exits_1_with_error_and_cause(tmp_path: Path) -> None:
    path = write(tmp_path / "f.json", {"StartAt": "F", "States": {
        "F": {"Type": "Fail", "Error": "Nope", "Cause": "it had to fail"}}})
    result = run(str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[-3:] == ["status: FAILED", "error: Nope",
                                               "cause: it had to fail"]
    assert "xx F (Fail) failed after 0 ms: Nope" in result.output


def test_timed_out_execution_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path / "t.json", {"StartAt": "W", "TimeoutSeconds": 10, "States": {
        "W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    result = run(str(path))
    assert result.exit_code == 1
    assert "status: TIMED_OUT" in result.output
    assert "error: States.Timeout" in result.output


# --- bad input: exit 2, one clear message, no traceback --------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["--input", '{"x": '], "Error: --input: not valid JSON at line 1 column 7: Expecting value"),
    (["--input", "@/nonexistent/in.json"], "Error: --input: cannot read /nonexistent/in.json"),
    (["--workflow", "nope"], "no workflow named 'nope'; it defines 'course-choice'"),
    (["--mock", "x"], "Error: --mock 'x': write RESOURCE=@result.json"),
    (["--mock", "x=not json"], "Error: --mock x: 'not json' is neither JSON"),
])
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    result = run(str(CHOICE), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_definition_that_does_not_validate_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Nowhere"}}})
    result = run(str(path))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: the definition does not validate:\n")
    assert "Nowhere" in result.output
    assert "Traceback" not in result.output


def test_unreadable_definition_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2
    assert "invalid JSON" in result.output


def test_unknown_resource_exits_2_naming_every_state_and_the_fix() -> None:
    result = run(str(ROOT / "workflows" / "reminder.py"))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: state 'convdate': nothing runs resource 'arn:aws:states:::lambda:invoke'; "
        "give a mock or a Python function: --mock convdate=@result.json or "
        "--mock convdate=file.py:function",
        "state 'send_reminder': nothing runs resource 'arn:aws:states:::sns:publish'; "
        "give a mock or a Python function: --mock send_reminder=@result.json or "
        "--mock send_reminder=file.py:function"]


# --- mocks, history, several workflows -------------------------------------------------------

def test_mocks_by_function_name_and_resource_and_history_file(tmp_path: Path) -> None:
    convdate = write(tmp_path / "convdate.json",
                     {"timestamp": "2031-01-01T09:00:00Z", "message": "call mum"})
    history = tmp_path / "history.json"
    result = run(str(ROOT / "workflows" / "reminder.py"), "--mock", f"convdate=@{convdate}",
                 "--mock", 'sns:publish={"MessageId": "m-1"}', "--history", str(history),
                 "--no-limits")  # the reminder is more than a year away: past AWS's limit
    assert result.exit_code == 0, result.output
    assert output_json(result.output) == {"MessageId": "m-1"}
    events = json.loads(history.read_text(encoding="utf-8"))["events"]
    assert [e["type"] for e in events][:2] == ["ExecutionStarted", "TaskStateEntered"]
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == {
        "MessageId": "m-1"}
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    scheduled = [e for e in events if e["type"] == "TaskScheduled"][-1]
    assert json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["TopicArn"] \
        == "${ReminderTopicArn}"


def test_callback_task_mocked_with_a_value_resumes() -> None:
    result = run(str(ROOT / "workflows" / "iw102_callback.py"), "--mock",
                 'send-wait={"ok": true}')
    assert result.exit_code == 0, result.output
    assert "-> SuccessState (Succeed)" in result.output
    assert output_json(result.output) == {"taskresult": {"ok": True}}


def test_other_workflows_of_the_module_can_be_started(tmp_path: Path) -> None:
    module = tmp_path / "two.py"
    module.write_text(
        "from sfs3dsl import Pass, Workflow, start_execution\n"
        "child = Workflow('child', Pass('inner', result={'from': 'child'}))\n"
        "parent = Workflow('parent', start_execution('call', state_machine_arn="
        "'arn:aws:states:us-east-1:123456789012:stateMachine:child', sync=2, "
        "output_path='$.Output'))\n", encoding="utf-8")
    result = run(str(module), "--workflow", "parent")
    assert result.exit_code == 0, result.output
    assert output_json(result.output) == {"from": "child"}
    first = run(str(module))
    assert output_json(first.output) == {"from": "child"}
    assert "-> inner (Pass)" in first.output


def test_s3_tasks_use_the_embedded_s3(tmp_path: Path) -> None:
    path = write(tmp_path / "s3.json", {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "local-bucket", "Key": "k.json", "Body.$": "$"},
                "ResultPath": None, "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::s3:getObject",
                "Parameters": {"Bucket": "local-bucket", "Key": "k.json"},
                "ResultSelector": {"body.$": "States.StringToJson($.Body)"}, "End": True}}})
    result = run(str(path), "--input", '{"a": 1}')
    assert result.exit_code == 0, result.output
    assert output_json(result.output) == {"body": {"a": 1}}


# --- side-car workflows: generated handlers on the embedded S3 -------------------------------

def printed_document(text: str) -> Any:
    """The JSON printed after ``document (s3://...):``."""
    body = text.split("\ndocument (s3://", 1)[1].split(":\n", 1)[1]
    return json.JSONDecoder().raw_decode(body)[0]


def test_readme_command_runs_process_a_and_prints_its_document(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("workflows/process_a.py", "--input", '{"foo": "foo val", "bar": "bar val"}')
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:12] == [line for s in "abcdef" for line in (
        f"-> step-{s} (Task)", f"<- step-{s} (Task) 0 ms")]
    assert "status: SUCCEEDED" in lines
    txn = output_json(result.output)["processData"]
    assert f"document (s3://sfs3dsl-process-a/process-a/{txn}/):" in lines
    document = printed_document(result.output)
    assert list(document) == ["foo", "bar"] + [f"step-{s}-output" for s in "abcdef"]
    assert document["step-a-output"]["fields"] == 2
    assert document["step-e-output"] == {"e": "e output"}
    arn = document["step-f-output"]["downstreamExecutionArn"]
    assert arn.startswith("arn:aws:states:us-east-1:123456789012:execution:downstream:")
    assert lines[-1] == f"started {arn}: SUCCEEDED"


def tiny_project(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A project of its own: ``workflows/tiny.py`` with two side-car steps; returns the
    steps module's name (unique, since Python caches modules by name)."""
    steps = f"_tiny_steps_{root.name.replace('-', '_')}"
    (root / "workflows").mkdir()
    (root / "workflows" / f"{steps}.py").write_text(
        "def tiny_a(doc):\n    return {'n': doc['n'] + 1}\n\n\n"
        "def tiny_b(doc):\n    return {'n': doc['tiny-a-output']['n'] * 10}\n",
        encoding="utf-8")
    (root / "workflows" / "tiny.py").write_text(
        f"from {steps} import tiny_a, tiny_b\n"
        "from sfs3dsl import SideCar, Workflow\n\n"
        "sidecar = SideCar(prefix='tiny/')\n"
        "tiny = Workflow('tiny', sidecar.step(tiny_a) >> sidecar.step(tiny_b))\n",
        encoding="utf-8")
    monkeypatch.chdir(root)
    return steps


def test_a_side_car_project_compiled_then_run(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_project(tmp_path, monkeypatch)
    assert CliRunner().invoke(cli, ["compile"]).exit_code == 0
    result = run("workflows/tiny.py", "--input", '{"n": 4}', "--no-trace")
    assert result.exit_code == 0, result.output
    assert printed_document(result.output) == {
        "n": 4, "tiny-a-output": {"n": 5}, "tiny-b-output": {"n": 50}}


@pytest.mark.parametrize("how", ["missing", "stale"])
def test_missing_or_stale_handlers_exit_2_asking_for_compile(
        how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_project(tmp_path, monkeypatch)
    handler = Path("generated", "tiny", "handlers", "tiny_b.py")
    if how == "stale":  # compiled when tiny_b did not need tiny_a yet
        assert CliRunner().invoke(cli, ["compile"]).exit_code == 0
        text = handler.read_text(encoding="utf-8")
        handler.write_text(text.replace("Requirement('tiny-a', 'process'),", ""),
                           encoding="utf-8")
    result = run("workflows/tiny.py", "--input", '{"n": 4}')
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: side-car workflow 'tiny' runs generated handlers, "
                                    "and these are missing or stale:\n")
    assert f"  {handler} ({how})" in result.output.splitlines()
    assert ("  generated/tiny/handlers/tiny_a.py (missing)" in result.output) == (
        how == "missing")
    assert "run `sfs3dsl compile` first, in the project root" in result.output
    assert "Traceback" not in result.output


def test_a_mocked_side_car_step_needs_no_handler(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_project(tmp_path, monkeypatch)
    assert CliRunner().invoke(cli, ["compile"]).exit_code == 0
    Path("generated", "tiny", "handlers", "tiny_b.py").unlink()
    result = run("workflows/tiny.py", "--input", '{"n": 4}', "--mock",
                 'tiny-b={"processData": "mocked"}', "--no-trace")
    assert result.exit_code == 0, result.output
    assert "mock: side-car step 'tiny-b' uses --mock instead of its handler, so nothing " \
           "records tiny-b-output in S3; a step that needs it waits for it" in result.output
    assert output_json(result.output) == {"processData": "mocked"}
    assert printed_document(result.output) == {"n": 4, "tiny-a-output": {"n": 5}}


@pytest.mark.parametrize(("text", "message"), [
    ('{"foo": ', "Error: --input: not valid JSON at line 1 column 9: Expecting value"),
    ('["foo"]', "Error: workflow 'process-a' keeps its data in an S3 side-car: its input is "
                "the process document and must be a JSON object, not an array"),
])
def test_bad_side_car_input_exits_2(text: str, message: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("workflows/process_a.py", "--input", text)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(message)
    assert "Traceback" not in result.output


def test_s3_endpoint_is_used_instead_of_the_embedded_s3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for key, value in (("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s"),
                       ("AWS_MAX_ATTEMPTS", "1")):
        monkeypatch.setenv(key, value)
    result = run("workflows/process_a.py", "--s3-endpoint", "http://127.0.0.1:9")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: cannot create the side-car bucket "
                                    "'sfs3dsl-process-a' in http://127.0.0.1:9: ")
    assert "Traceback" not in result.output
