"""The command line: compile (and --check), validate, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli

GOOD = '''
from sfs3dsl import Pass, Succeed, Workflow

hello = Workflow("hello", Pass("a", result={"x": 1}) >> Succeed("done"))
'''

BROKEN_AT_IMPORT = '''
from sfs3dsl import Wait, Workflow

w = Wait("pause")
'''

RAISES = '''
import json

data = json.loads("{not json")
'''


def run(*args: str, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(cli, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "hello.py").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_compile_writes_one_folder_per_workflow(project: Path) -> None:
    result = run("compile")
    assert result.exit_code == 0, result.output
    written = project / "generated" / "hello" / "statemachine.asl.json"
    assert json.loads(written.read_text()) == {
        "StartAt": "a",
        "States": {"a": {"Type": "Pass", "Result": {"x": 1}, "Next": "done"},
                   "done": {"Type": "Succeed"}}}
    assert written.read_text().endswith("}\n")
    assert "hello: generated/hello/statemachine.asl.json" in result.output


def test_compile_is_deterministic_byte_for_byte(project: Path) -> None:
    run("compile")
    first = (project / "generated/hello/statemachine.asl.json").read_bytes()
    run("compile", "--out", "again")
    assert (project / "again/hello/statemachine.asl.json").read_bytes() == first


def test_check_passes_when_fresh_and_fails_when_stale(project: Path) -> None:
    assert run("compile").exit_code == 0
    fresh = run("compile", "--check")
    assert fresh.exit_code == 0
    assert fresh.output == "1 workflow(s), target(s) serverless: generated/ is up to date\n"
    target = project / "generated/hello/statemachine.asl.json"
    target.write_text(target.read_text().replace('"x": 1', '"x": 2'))
    stale = run("compile", "--check")
    assert stale.exit_code == 1
    assert "1 generated file(s) are missing or stale:" in stale.output
    assert "generated/hello/statemachine.asl.json" in stale.output
    assert "run `sfs3dsl compile` and commit the result" in stale.output


def _change_hello(project: Path) -> None:
    """Change the ASL and the SAM template's Description (the template names the ASL file)."""
    module = project / "workflows" / "hello.py"
    module.write_text(module.read_text().replace('"x": 1', '"x": 2').replace(
        'Succeed("done"))', 'Succeed("done"), comment="hello v2")'))


def test_plain_compile_rewrites_every_target_already_there(project: Path) -> None:
    assert run("compile", "--target", "sam", "--target", "cdk").exit_code == 0
    folder = project / "generated" / "hello"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cdk_app.py", "statemachine.asl.json", "template.yaml"]
    _change_hello(project)
    result = run("compile")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "hello: generated/hello/statemachine.asl.json", "hello: generated/hello/template.yaml",
        "hello: generated/hello/cdk_app.py"]
    assert not (folder / "serverless.yml").exists()  # not a target of this project
    assert '"x": 2' in (folder / "statemachine.asl.json").read_text()
    check = run("compile", "--check", "--target", "sam", "--target", "cdk")
    assert (check.exit_code, check.output) == (
        0, "1 workflow(s), target(s) sam, cdk: generated/ is up to date\n")


def test_plain_check_checks_every_target_already_there(project: Path) -> None:
    assert run("compile", "--target", "serverless", "--target", "sam").exit_code == 0
    _change_hello(project)
    assert run("compile", "--target", "serverless").exit_code == 0  # template.yaml left stale
    stale = run("compile", "--check")
    assert (stale.exit_code, stale.output) == (1, (
        "Error: 1 generated file(s) are missing or stale:\n"
        "  generated/hello/template.yaml\n"
        "run `sfs3dsl compile` and commit the result\n"))
    assert run("compile").exit_code == 0
    fresh = run("compile", "--check")
    assert (fresh.exit_code, fresh.output) == (
        0, "1 workflow(s), target(s) serverless, sam: generated/ is up to date\n")


def test_check_of_named_targets_says_to_compile_them(project: Path) -> None:
    assert run("compile").exit_code == 0
    stale = run("compile", "--check", "--target", "sam")
    assert (stale.exit_code, stale.output) == (1, (
        "Error: 1 generated file(s) are missing or stale:\n"
        "  generated/hello/template.yaml\n"
        "run `sfs3dsl compile --target sam` and commit the result\n"))


def test_compile_help_says_what_the_default_targets_are() -> None:
    text = " ".join(run("compile", "--help").output.split())
    assert ("Default: every target whose file is already under --out (so none goes stale), "
            "or serverless when none is.") in text
    assert "(without --target: those of every target found there)" in text


def test_a_workflow_named_like_the_runtime_folder_is_refused(project: Path) -> None:
    (project / "workflows" / "hello.py").write_text(GOOD.replace('"hello"', '"_runtime"'))
    result = run("compile")
    assert (result.exit_code, result.output) == (
        1, "Error: workflows/hello.py:4: workflow name '_runtime' is the folder of the "
           "sfs3dsl_runtime layer under --out; fix: give the workflow another name\n")


def test_check_reports_missing_files(project: Path) -> None:
    result = run("compile", "--check")
    assert result.exit_code == 1
    assert "generated/hello/statemachine.asl.json" in result.output


def test_build_error_in_a_module_names_file_and_line(project: Path) -> None:
    (project / "workflows" / "broken.py").write_text(BROKEN_AT_IMPORT)
    result = run("compile", "workflows/broken.py")
    assert result.exit_code == 1
    assert result.output == (
        "Error: workflows/broken.py:4: state 'pause': a Wait needs exactly one of seconds "
        "or timestamp; fix: pass seconds=10, or timestamp=JsonPath('$.when')\n")
    assert "Traceback" not in result.output


def test_user_exception_is_reported_at_its_line_without_traceback(project: Path) -> None:
    (project / "workflows" / "raises.py").write_text(RAISES)
    result = run("compile", "workflows/raises.py")
    assert result.exit_code == 2
    assert result.output.startswith(
        "Error: workflows/raises.py:4: importing the workflow module raised JSONDecodeError:")
    assert "Traceback" not in result.output


def test_module_without_workflow_is_a_clear_error(project: Path) -> None:
    (project / "workflows" / "empty.py").write_text("x = 1\n")
    result = run("compile", "workflows/empty.py")
    assert result.exit_code == 2
    assert "workflows/empty.py: defines no Workflow at module level" in result.output


def test_missing_path_is_a_usage_error(project: Path) -> None:
    result = run("compile", "nope.py")
    assert result.exit_code == 2
    assert "nope.py: no such file or folder" in result.output


def test_validate_clean_file_exits_zero(project: Path) -> None:
    path = project / "ok.asl.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("1 definition(s): 0 error(s), 0 warning(s)\n")


def test_validate_reports_every_problem_and_exits_one(project: Path) -> None:
    path = project / "bad.asl.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Nowhere"},
        "B": {"Type": "Succeed"}}}))
    result = run("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    codes = sorted(p["code"] for f in report["files"] for p in f["problems"])
    assert len(codes) >= 2  # the dangling Next and the unreachable B, at least
    paths = {p["path"] for f in report["files"] for p in f["problems"]}
    assert "States.A.Next" in paths
    assert any(p.startswith("States.B") for p in paths)
    assert report["errors"] >= 2


def test_validate_malformed_json_names_line_and_column(project: Path) -> None:
    path = project / "broken.json"
    path.write_text('{"StartAt": "A",\n "States": {,}}')
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:2:13: invalid JSON" in result.output


def test_validate_yaml(project: Path) -> None:
    path = project / "flow.asl.yaml"
    path.write_text("StartAt: A\nStates:\n  A:\n    Type: Succeed\n")
    assert run("validate", str(path)).exit_code == 0


def test_validate_python_workflow_reports_file_and_line(project: Path) -> None:
    (project / "flow.py").write_text(
        "from sfs3dsl import Choice, JsonPath, Pass, Workflow\n"
        "c = Choice('pick').when(JsonPath('$.n') == 1, Pass('one'))\n"
        "flow = Workflow('flow', c)\n")
    result = run("validate", "flow.py", "--format", "json")
    report = json.loads(result.output)
    problems = [p for f in report["files"] for p in f["problems"]]
    missing_default = [p for p in problems if p["path"] == "States.pick"
                       and p["severity"] == "warning"]
    assert missing_default, problems
    assert missing_default[0]["where"] == "flow.py:2"


@pytest.mark.parametrize("argv", [["-m", "sfs3dsl", "--help"], ["-m", "sfs3dsl", "--version"]])
def test_python_dash_m_works(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "sfs3dsl" in done.stdout


def test_unknown_command_is_usage_error() -> None:
    result = run("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output
