"""The review commands end to end: diff (files, REV:path, --since), graph, import."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CHOICE = ROOT / "generated" / "course-choice" / "statemachine.asl.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _changed(tmp_path: Path) -> Path:
    asl = json.loads(CHOICE.read_text())
    asl["States"]["big"]["Result"] = "above five"
    asl["States"]["only-new"] = {"Type": "Pass", "End": True}
    asl["States"]["done"]["Next"] = "only-new"
    del asl["States"]["done"]["End"]
    path = tmp_path / "new.asl.json"
    path.write_text(json.dumps(asl))
    return path


def test_diff_of_a_file_with_itself_is_empty_and_exits_zero() -> None:
    result = run("diff", str(CHOICE), str(CHOICE))
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_diff_reports_changes_and_exits_one(tmp_path: Path) -> None:
    result = run("diff", str(CHOICE), str(_changed(tmp_path)), "--no-color")
    assert result.exit_code == 1
    assert '~ States.big.Result: "above 5" -> "above five"' in result.output
    assert "+ States.only-new (Pass)" in result.output
    assert "\x1b[" not in result.output


def test_diff_json_and_markdown(tmp_path: Path) -> None:
    new = str(_changed(tmp_path))
    doc = json.loads(run("diff", str(CHOICE), new, "--format", "json").output)
    (entry,) = doc.values()
    assert [a["name"] for a in entry["added"]] == ["only-new"]
    markdown = run("diff", str(CHOICE), new, "--format", "markdown").output
    assert "```mermaid" in markdown
    assert "| " in markdown


def test_diff_python_workflow_against_its_compiled_file() -> None:
    result = run("diff", str(ROOT / "workflows" / "course_choice.py"), str(CHOICE))
    assert result.exit_code == 0, result.output


def test_diff_missing_file_is_an_error() -> None:
    result = run("diff", "nope.json", str(CHOICE))
    assert result.exit_code == 2
    assert "nope.json: no such file" in result.output


def test_diff_needs_two_sides_or_since() -> None:
    result = run("diff", str(CHOICE))
    assert result.exit_code == 2
    assert "give OLD and NEW (or --since REV)" in result.output


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed for the REV:path and --since tests")
    monkeypatch.chdir(tmp_path)
    for args in (["init", "-q"], ["config", "user.email", "t@example.com"],
                 ["config", "user.name", "t"]):
        subprocess.run(["git", *args], check=True)
    target = tmp_path / "generated" / "course-choice"
    target.mkdir(parents=True)
    shutil.copy(CHOICE, target / "statemachine.asl.json")
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-qm", "base"], check=True)
    return tmp_path


def test_diff_since_compares_generated_with_a_revision(repo: Path) -> None:
    assert run("diff", "--since", "HEAD").exit_code == 0
    target = repo / "generated" / "course-choice" / "statemachine.asl.json"
    target.write_text(_changed(repo).read_text())
    result = run("diff", "--since", "HEAD", "--no-color")
    assert result.exit_code == 1
    assert "== course-choice" in result.output
    assert "+ States.only-new (Pass)" in result.output


def test_diff_rev_path(repo: Path) -> None:
    rel = "generated/course-choice/statemachine.asl.json"
    assert run("diff", f"HEAD:{rel}", rel).exit_code == 0
    result = run("diff", f"HEAD~5:{rel}", rel)
    assert result.exit_code == 2
    assert "git cannot show it" in result.output


def test_graph_mermaid_and_dot_of_a_python_workflow() -> None:
    mermaid = run("graph", str(ROOT / "workflows" / "course_choice.py"))
    assert mermaid.exit_code == 0, mermaid.output
    assert mermaid.output.startswith("flowchart TD")
    assert '-->|"$.inputNum == 1"|' in mermaid.output
    dot = run("graph", str(CHOICE), "--format", "dot")
    assert dot.output.startswith("digraph")


def test_graph_svg_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "g.svg"
    result = run("graph", str(CHOICE), "--format", "svg", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_import_then_compile_gives_the_same_asl(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    source = run("import", str(CHOICE), "--name", "course-choice")
    assert source.exit_code == 0, source.output
    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "course_choice.py").write_text(source.output)
    monkeypatch.chdir(tmp_path)
    assert run("compile", "wf", "--out", "out").exit_code == 0
    again = json.loads((tmp_path / "out/course-choice/statemachine.asl.json").read_text())
    assert again == json.loads(CHOICE.read_text())
