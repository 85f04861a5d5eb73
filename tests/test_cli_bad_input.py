"""Bad input to every command: a one-line message, the documented exit code, no traceback.

One table, one row per mistake a user makes: malformed and binary files, wrong JSON types in
a definition, missing files, blocked or read-only output paths, duplicate names, unknown
mock targets, missing optional packages, interrupts. Each row gives the files of a scratch
project, the command line, the exit code the README documents and a fragment of the
message; the test also checks that nothing printed a traceback and that the command did
not end in an uncaught exception.
"""

from __future__ import annotations

import errno
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent

GOOD = 'from sfs3dsl import Pass, Workflow\n\nhello = Workflow("hello", Pass("a"))\n'
TWO = ('from sfs3dsl import Pass, Workflow\n\n'
       'a = Workflow("a", Pass("x"))\nb = Workflow("b", Pass("y"))\n')
ASL_OK = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
MAP_ITEMS = json.dumps({"StartAt": "M", "States": {"M": {
    "Type": "Map", "End": True,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "JSON"},
                   "Parameters": {"Bucket": "no-such-bucket", "Key": "items.json"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}})
TASK = json.dumps({"StartAt": "Work", "States": {"Work": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
    "Parameters": {"FunctionName": "worker", "Payload.$": "$"}}}})


def _asl(states: Any, start: Any = "A") -> str:
    return json.dumps({"StartAt": start, "States": states})


@dataclass
class Row:
    """One bad input: project files, argv, expected exit code and message fragment."""

    id: str
    argv: list[str]
    code: int
    message: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    absent: str | None = None  # a fragment that must NOT appear (a hint that does not fit)
    one_line: bool = True  # the whole output is the one-line message
    patch: Callable[[pytest.MonkeyPatch], None] | None = None
    env: dict[str, str] | None = None


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: Any, **kwargs: Any) -> int:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)


def _no_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes `import moto` raise ModuleNotFoundError, as on a machine without it.
    monkeypatch.setitem(sys.modules, "moto", None)


def _bug(monkeypatch: pytest.MonkeyPatch) -> None:
    import sfs3dsl.review.graph

    def broken(asl: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(sfs3dsl.review.graph, "to_mermaid", broken)


def _interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    import sfs3dsl.project.load

    def interrupted(path: Path) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(sfs3dsl.project.load, "load_module_workflows", interrupted)


SYNTAX = "from sfs3dsl import Workflow\nflow = Workflow(\n"
RAISES = "x = 1 / 0\n"
BUILD = 'from sfs3dsl import Wait, Workflow\n\nflow = Workflow("w", Wait("pause"))\n'
NO_WF = "x = 1\n"
DUP_A = 'from sfs3dsl import Pass, Workflow\n\nflow = Workflow("same", Pass("a"))\n'
DUP_B = 'from sfs3dsl import Pass, Workflow\n\nother = Workflow("same", Pass("b"))\n'
SIBLING = "from helper_mod import value\nfrom sfs3dsl import Pass, Workflow\n" \
          "flow = Workflow('s', Pass('a'))\n"

ROWS = [
    # --- compile -----------------------------------------------------------------------
    Row("compile-missing", ["compile", "nope.py"], 2,
        "Error: nope.py: no such file or folder; fix: check the path"),
    Row("compile-syntax", ["compile", "w/bad.py"], 2,
        "w/bad.py:2: syntax error:", files={"w/bad.py": SYNTAX}),
    Row("compile-binary-module", ["compile", "w/bin.py"], 2,
        "w/bin.py: is not Python source text (it holds NUL bytes)",
        files={"w/bin.py": b"\x00\x01\xff\xfe"}),
    Row("compile-raises", ["compile", "w/r.py"], 2,
        "w/r.py:1: importing the workflow module raised ZeroDivisionError: division by zero; "
        "fix: fix the error at that line of the module", files={"w/r.py": RAISES}),
    Row("compile-sibling-syntax", ["compile", "w/s.py"], 2,
        "helper_mod.py:1: syntax error", absent="fix the file so it parses",
        files={"w/s.py": SIBLING, "w/helper_mod.py": "value = (\n"}),
    Row("compile-exits-at-import", ["compile", "w/x.py"], 2,
        "w/x.py:2: importing the workflow module called sys.exit(0); fix: guard script code",
        files={"w/x.py": "import sys\nsys.exit(0)\n"}),
    Row("compile-no-workflow", ["compile", "w/n.py"], 2,
        "w/n.py: defines no Workflow at module level; fix: assign one",
        files={"w/n.py": NO_WF}),
    Row("compile-build-error", ["compile", "w/b.py"], 1,
        "w/b.py:3: state 'pause': a Wait needs exactly one of", files={"w/b.py": BUILD}),
    Row("compile-duplicate-names-two-files", ["compile", "w"], 1,
        "w/b.py:3: workflow name 'same' is already used by the workflow at w/a.py:3",
        files={"w/a.py": DUP_A, "w/b.py": DUP_B}),
    Row("compile-duplicate-names-one-file", ["compile", "w/d.py"], 1,
        "w/d.py:4: workflow name 'same' is already used by the workflow at w/d.py:3",
        files={"w/d.py": DUP_A + 'again = Workflow("same", Pass("c"))\n'}),
    Row("compile-asl-file", ["compile", "m.asl.json"], 2,
        "m.asl.json: compile reads workflow modules (.py), not ASL files; fix: turn it into "
        "one first: sfs3dsl import m.asl.json", files={"m.asl.json": ASL_OK}),
    Row("compile-empty-folder", ["compile", "w"], 2,
        "w: no workflow module found", files={"w/notes.txt": "x"}),
    Row("compile-file-blocks-folder", ["compile", "w/g.py", "--out", "out/sub/x"], 2,
        "out/sub: cannot create the folder out/sub/x/hello: a file is in the way",
        files={"w/g.py": GOOD, "out/sub": "a file"}),
    Row("compile-read-only", ["compile", "w/g.py", "--out", "o"], 2,
        "o/hello/statemachine.asl.json: cannot be written: Read-only file system",
        files={"w/g.py": GOOD}, patch=_read_only),
    Row("compile-out-is-file", ["compile", "w/g.py", "--out", "f"], 2,
        "'f' is a file", files={"w/g.py": GOOD, "f": "x"}, one_line=False),
    Row("compile-check-stale", ["compile", "w/g.py", "--check"], 1,
        "generated file(s) are missing or stale", files={"w/g.py": GOOD}, one_line=False),
    Row("compile-interrupted", ["compile", "w/g.py"], 130, "Error: interrupted",
        files={"w/g.py": GOOD}, patch=_interrupt),
    # --- validate ----------------------------------------------------------------------
    Row("validate-malformed-json", ["validate", "b.json"], 1,
        "b.json:1:13: invalid JSON: Expecting value; fix: fix the file so it parses",
        files={"b.json": '{"StartAt": }'}, one_line=False),
    Row("validate-empty-file", ["validate", "e.json"], 1,
        "error[unparsable]: e.json:1:1: invalid JSON", files={"e.json": ""}, one_line=False),
    Row("validate-binary", ["validate", "b.json"], 1,
        "b.json: is not UTF-8 text; fix: give an ASL definition saved as UTF-8",
        files={"b.json": b"\x00\x9f\xff"}, one_line=False),
    Row("validate-top-level-list", ["validate", "l.json"], 1,
        "an ASL document is a JSON object with StartAt and States, not a list",
        files={"l.json": "[1, 2]"}, one_line=False),
    Row("validate-states-is-list", ["validate", "s.json"], 1,
        "States: error[missing-states]", files={"s.json": _asl([])}, one_line=False),
    Row("validate-state-not-object", ["validate", "s.json"], 1,
        "States.A: error[state-not-object]", files={"s.json": _asl({"A": "x"})},
        one_line=False),
    Row("validate-retry-string", ["validate", "r.json"], 1, "States.A.Retry",
        files={"r.json": _asl({"A": {"Type": "Task", "Resource": "arn:aws:states:::x",
                                     "Retry": "x", "End": True}})}, one_line=False),
    Row("validate-start-at-number", ["validate", "n.json"], 1, "StartAt",
        files={"n.json": _asl({"A": {"Type": "Succeed"}}, start=5)}, one_line=False),
    Row("validate-invalid-yaml", ["validate", "y.yaml"], 1,
        "y.yaml:2: invalid YAML", files={"y.yaml": "StartAt: A\n  States: [\n"},
        one_line=False),
    Row("validate-missing", ["validate", "nope.json"], 2,
        "Error: nope.json: no such file or folder"),
    Row("validate-no-workflow-hint", ["validate", "w/n.py"], 1,
        "defines no Workflow at module level; fix: assign one",
        absent="fix the file so it parses", files={"w/n.py": NO_WF}, one_line=False),
    Row("validate-import-raises-hint", ["validate", "w/r.py"], 1,
        "raised ZeroDivisionError", absent="fix the file so it parses",
        files={"w/r.py": RAISES}, one_line=False),
    Row("validate-bad-format", ["validate", "a.json", "--format", "xml"], 2,
        "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json'; fix: give "
        "--format one of: text, json\n", files={"a.json": ASL_OK}),
    # --- diff --------------------------------------------------------------------------
    Row("diff-one-side", ["diff", "a.json"], 2,
        "Error: give OLD and NEW (or --since REV); fix: the usage is `sfs3dsl diff [OPTIONS] "
        "[OLD] [NEW]` (`sfs3dsl diff --help` explains it)\n", files={"a.json": ASL_OK}),
    Row("diff-missing", ["diff", "a.json", "nope.json"], 2,
        "Error: nope.json: no such file; fix: give a .py workflow module",
        files={"a.json": ASL_OK}),
    Row("diff-malformed", ["diff", "a.json", "b.json"], 2, "b.json:1:2: invalid JSON",
        files={"a.json": ASL_OK, "b.json": "{,"}),
    Row("diff-sides-and-since", ["diff", "a.json", "a.json", "--since", "HEAD"], 2,
        "Error: give either OLD and NEW, or --since REV; fix: the usage is `sfs3dsl diff "
        "[OPTIONS] [OLD] [NEW]` (`sfs3dsl diff --help` explains it)\n",
        files={"a.json": ASL_OK}),
    Row("diff-since-bad-rev", ["diff", "--since", "no-such-rev-xyz"], 2,
        "Error: --since no-such-rev-xyz: not a git repository (or any of the parent "
        "directories): .git; fix: run it inside the project's git repository\n",
        files={"generated/x/statemachine.asl.json": ASL_OK},
        env={"GIT_CEILING_DIRECTORIES": "/"}),
    Row("diff-bad-format", ["diff", "a.json", "a.json", "--format", "yaml"], 2,
        "Error: Invalid value for '--format': 'yaml' is not one of 'text', 'markdown', 'json'; "
        "fix: give --format one of: text, markdown, json\n", files={"a.json": ASL_OK}),
    Row("diff-bad-rev-path", ["diff", "no-such-rev-xyz:a.json", "a.json"], 2,
        "no-such-rev-xyz:a.json: git cannot show it", files={"a.json": ASL_OK}),
    # --- graph -------------------------------------------------------------------------
    Row("graph-missing", ["graph", "nope.json"], 2, "Error: nope.json: no such file"),
    Row("graph-binary", ["graph", "b.json"], 2, "b.json: is not UTF-8 text",
        files={"b.json": b"\xff\xfe\x00"}),
    Row("graph-no-graphviz", ["graph", "a.json", "--format", "svg", "-o", "a.svg"], 2,
        "Graphviz's 'dot' program was not found on PATH", files={"a.json": ASL_OK},
        env={"PATH": "/nonexistent"}),
    Row("graph-output-folder-missing", ["graph", "a.json", "-o", "no/such/dir/g.mmd"], 2,
        "no/such/dir/g.mmd: cannot be written: No such file or directory",
        files={"a.json": ASL_OK}),
    Row("graph-bad-format", ["graph", "a.json", "--format", "bmp"], 2,
        "Error: Invalid value for '--format': 'bmp' is not one of 'mermaid', 'dot', 'svg', "
        "'png'; fix: give --format one of: mermaid, dot, svg, png\n", files={"a.json": ASL_OK}),
    Row("graph-missing-argument", ["graph"], 2,
        "Error: Missing argument 'PATH'; fix: the usage is `sfs3dsl graph [OPTIONS] PATH` "
        "(`sfs3dsl graph --help` explains it)\n"),
    Row("graph-unknown-option", ["graph", "a.json", "--colour"], 2,
        "Error: No such option '--colour'; fix: `sfs3dsl graph --help` lists its options\n",
        files={"a.json": ASL_OK}),
    Row("compile-unknown-target", ["compile", "--target", "terraform"], 2,
        "Error: Invalid value for '--target': 'terraform' is not one of 'serverless', 'sam', "
        "'cdk'; fix: give --target one of: serverless, sam, cdk\n"),
    Row("unknown-command", ["frobnicate"], 2,
        "Error: No such command 'frobnicate'; fix: `sfs3dsl --help` lists the commands\n"),
    Row("unknown-group-option", ["--verbose", "compile"], 2,
        "Error: No such option '--verbose'. Did you mean '--version'?; fix: `sfs3dsl --help` "
        "lists its options\n"),
    Row("graph-several-workflows", ["graph", "w/two.py"], 2,
        "defines several workflows (a, b); fix: pick one with --workflow NAME",
        files={"w/two.py": TWO}),
    Row("graph-internal-error", ["graph", "a.json"], 3,
        "internal error in sfs3dsl: RuntimeError: boom; this is a bug",
        files={"a.json": ASL_OK}, patch=_bug),
    # --- import ------------------------------------------------------------------------
    Row("import-states-list", ["import", "s.json"], 2,
        "s.json: a machine without States", files={"s.json": _asl([])}),
    Row("import-branches-string", ["import", "p.json"], 2,
        "p.json: state 'A': the Branches 'x' cannot be expressed",
        files={"p.json": _asl({"A": {"Type": "Parallel", "Branches": "x", "End": True}})}),
    Row("import-missing", ["import", "nope.asl.json"], 2, "nope.asl.json: no such file"),
    Row("import-bad-yaml", ["import", "y.yml"], 2, "y.yml:2: invalid YAML",
        files={"y.yml": "StartAt: [\n"}),
    # --- run ---------------------------------------------------------------------------
    Row("run-missing", ["run", "nope.py"], 2, "nope.py: no such file"),
    Row("run-bad-input", ["run", "a.json", "--input", "{nope"], 2,
        "--input: not valid JSON at line 1 column 2", files={"a.json": ASL_OK}),
    Row("run-input-file-missing", ["run", "a.json", "--input", "@in.json"], 2,
        "--input: cannot read in.json", files={"a.json": ASL_OK}),
    Row("run-unserved-task", ["run", "t.json"], 2,
        "state 'Work': nothing runs resource", files={"t.json": TASK}),
    Row("run-mock-unknown-target", ["run", "t.json", "--mock", "Wrok={}"], 2,
        "--mock Wrok", files={"t.json": TASK}),
    Row("run-compiled-sidecar-asl", ["run", str(ROOT / "generated" / "order" /
                                               "statemachine.asl.json"),
                                     "--generated", str(ROOT / "generated")], 2,
        "'order' is a compiled side-car workflow: its steps keep the process in S3 and need "
        "the workflow module to set it up; fix: run the module: sfs3dsl run workflows/order.py"),
    Row("validate-build-error-as-json", ["validate", "w/b.py", "--format", "json"], 1,
        '"code": "build-error"', files={"w/b.py": BUILD}, one_line=False),
    Row("run-no-moto", ["run", "m.json"], 2,
        "pip install 'sfs3dsl[local]'", files={"m.json": MAP_ITEMS}, patch=_no_moto),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input_is_one_clear_line(row: Row, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for rel, content in row.files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    if row.patch is not None:
        row.patch(monkeypatch)
    result: Result = CliRunner().invoke(cli, row.argv, env=row.env)
    shown = result.output
    assert result.exit_code == row.code, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in shown
    assert row.message in shown, shown
    if row.absent is not None:
        assert row.absent not in shown, shown
    if row.one_line:
        assert len(shown.strip().splitlines()) == 1, shown


def test_the_table_covers_every_command() -> None:
    commands = {r.argv[0] for r in ROWS}  # and rows for an unknown command or option
    assert commands >= {"compile", "validate", "run", "diff", "graph", "import"}
    assert len(ROWS) >= 40


# --- import names a workflow after something meaningful -------------------------------------

def _imported_name(*argv: str) -> str:
    result = CliRunner().invoke(cli, ["import", *argv], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    after = result.output.split(" = Workflow(", 1)[1]
    return after.split(",", 1)[0].strip().strip("'\"")


def test_import_names_statemachine_asl_json_after_its_folder() -> None:
    path = ROOT / "generated" / "course-choice" / "statemachine.asl.json"
    assert _imported_name(str(path)) == "course-choice"


def test_import_skips_a_folder_itself_named_statemachine(tmp_path: Path) -> None:
    path = tmp_path / "order-flow" / "statemachine" / "statemachine.asl.json"
    path.parent.mkdir(parents=True)
    path.write_text(ASL_OK, encoding="utf-8")
    assert _imported_name(str(path)) == "order-flow"


def test_import_names_other_files_after_their_stem_and_name_wins(tmp_path: Path) -> None:
    path = tmp_path / "order_flow.asl.json"
    path.write_text(ASL_OK, encoding="utf-8")
    assert _imported_name(str(path)) == "order-flow"
    assert _imported_name(str(path), "--name", "orders") == "orders"


def test_import_of_a_revision_names_it_after_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    spec = "HEAD:generated/course-choice/statemachine.asl.json"
    assert _imported_name(spec) == "course-choice"


# --- the README's set-up commands, as CI extracts them ----------------------------------------

def test_ci_runs_the_readme_commands_as_written() -> None:
    import runpy

    setup_commands = runpy.run_path(str(ROOT / "scripts" / "readme_command.py"))["setup_commands"]
    commands = setup_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2
    first, second = commands
    assert first.startswith("bash scripts/setup.sh && ")
    assert "sfs3dsl run workflows/process_a.py" in first
    assert second == "bash scripts/test.sh"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/readme_command.py 1" in ci and "status: SUCCEEDED" in ci
