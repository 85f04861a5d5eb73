"""A lone surrogate (half of a UTF-16 pair, e.g. from text decoded with
``errors="surrogateescape"``) has no UTF-8 form: a definition holding one cannot be written
as the UTF-8 file ``compile`` makes, nor sent as UTF-8 text. The validator reports it with
the path of the string, its state and file:line, instead of letting the compile succeed
with a text no file can hold. (AWS's documentation does not say what CreateStateMachine
does with an escaped lone surrogate; the file is what fails here.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import sfs3dsl as dsl
from sfs3dsl.cli import cli
from sfs3dsl.core.errors import ValidationError
from sfs3dsl.validate import validate_definition

HERE = __file__.rsplit("/", 1)[-1]
LONE = "x\ud800y"


def _problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in validate_definition(doc)]


def test_compiling_a_lone_surrogate_fails_with_its_path_state_and_line() -> None:
    step = dsl.Pass("p", result={"a": LONE})  # the line the problem names
    line = test_compiling_a_lone_surrogate_fails_with_its_path_state_and_line.__code__
    with pytest.raises(ValidationError) as caught:
        dsl.compile_workflow(dsl.Workflow("w", step))
    [problem] = caught.value.problems
    assert (problem.code, problem.path, problem.state) == ("not-utf8", "States.p.Result.a", "p")
    assert problem.where is not None
    assert problem.where.endswith(f"{HERE}:{line.co_firstlineno + 1}")
    assert "U+D800" in problem.message
    assert "\n" not in problem.message + problem.hint


def test_compile_command_says_it_in_one_line_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "lone.py").write_text(
        "from sfs3dsl import Pass, Workflow\n"
        "lone = Workflow('lone', Pass('p', comment='a \\udcff b'))\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["compile"])
    assert result.exit_code != 0
    [line] = [text for text in result.output.splitlines() if "not-utf8" in text]
    assert "lone.py:2" in line and "States.p.Comment" in line and "U+DCFF" in line
    assert "Traceback" not in result.output
    assert not (tmp_path / "generated" / "lone" / "statemachine.asl.json").exists()


@pytest.mark.parametrize(("doc", "path"), [
    ({"Comment": LONE, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "Comment"),
    ({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"k\udc80": 1},
                                       "End": True}}}, "States.A.Parameters.k\udc80"),
    ({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": [1, ["\udfff"]],
                                       "End": True}}}, "States.A.Result[1][0]"),
    ({"StartAt": "A", "States": {"A": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Comment": LONE, "End": True}}}]}}},
     "States.A.Branches[0].States.B.Comment"),
], ids=["top-level", "a key", "in a list", "in a branch"])
def test_a_raw_definition_with_a_lone_surrogate_is_reported_where_it_is(
        doc: dict[str, Any], path: str) -> None:
    assert ("not-utf8", path) in _problems(doc)


def test_a_character_beyond_the_basic_plane_is_not_a_lone_surrogate() -> None:
    # written as a pair of escapes by json.dumps(ensure_ascii=True), one character in Python
    compiled = dsl.compile_workflow(dsl.Workflow("w", dsl.Pass("p", result={"a": "ok \U0001F600"})))
    assert compiled.problems == []
    assert "\U0001F600" in compiled.to_json()
    assert _problems({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "é \U0001F600",
                                                       "End": True}}}) == []


def test_validate_command_reports_an_escaped_lone_surrogate_in_one_line(
        tmp_path: Path) -> None:
    path = tmp_path / "lone.asl.json"
    # the escape is valid JSON text; what it decodes to has no UTF-8 form
    path.write_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "\\ud800",'
                    ' "End": true}}}')
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    [line] = [text for text in result.output.splitlines() if "not-utf8" in text]
    assert "States.A.Result" in line and "U+D800" in line
    assert "Traceback" not in result.output
    assert json.loads(path.read_text())["States"]["A"]["Result"] == "\ud800"
