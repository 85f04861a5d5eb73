"""``sfs3dsl diff REV:workflows/flow.py ...``: a module at a revision is compiled with the
modules it imports from its folder at that revision, both sides apart from each other, and
its errors name ``REV:path``, never the temporary copy."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli

FLOW = '''from _flow_steps import {names}

from sfs3dsl import Chain, SideCar, Workflow

sidecar = SideCar(prefix="flow/")
flow = Workflow("flow", Chain.sequence({steps}))
'''
STEPS_V1 = '''def check(doc: dict) -> dict:
    return {"ok": True}


def store(doc: dict) -> dict:
    return {"stored": True}
'''
STEPS_V2 = STEPS_V1 + '''

def notify(doc: dict) -> dict:
    return {"sent": True}
'''


def _flow(timeouts: dict[str, int]) -> str:
    return FLOW.format(names=", ".join(timeouts), steps=", ".join(
        f"sidecar.step({name}, timeout_seconds={t})" for name, t in timeouts.items()))


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


def _commit(root: Path, files: dict[str, str], message: str) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _git("add", "-A")
    _git("commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two commits of a side-car workflow whose steps live in a sibling module; both the
    workflow module and the sibling differ between them."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for the REV:path tests")
    monkeypatch.chdir(tmp_path)
    for args in (["init", "-q"], ["config", "user.email", "t@example.com"],
                 ["config", "user.name", "t"]):
        _git(*args)
    _commit(tmp_path, {"workflows/flow.py": _flow({"check": 10, "store": 10}),
                       "workflows/_flow_steps.py": STEPS_V1}, "v1")
    _commit(tmp_path, {"workflows/flow.py": _flow({"check": 10, "store": 20, "notify": 5}),
                       "workflows/_flow_steps.py": STEPS_V2}, "v2")
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["diff", *args])


TEXT_V1_V2 = """\
== flow
States
  + States.notify (Task)
Fields
  ~ States.store.TimeoutSeconds: 10 -> 20
  - States.store.End: true
Transitions
  + States.store.Next -> notify
1 states added, 2 fields changed, 1 transitions added
Deployment: IAM
  + FlowNotifyRole: Allow logs:CreateLogStream, logs:PutLogEvents on ${NotifyLogGroup.Arn}
  + FlowNotifyRole: Allow s3:GetObject, s3:PutObject on ${FlowProcessData.Arn}/flow/*
  + FlowNotifyRole: Allow s3:ListBucket on ${FlowProcessData.Arn} if \
{"StringLike":{"s3:prefix":["flow/*"]}}
  + FlowStateMachineRole: Allow lambda:InvokeFunction on ${NotifyLambdaFunction.Arn}, \
${NotifyLambdaFunction.Arn}:* [template.yaml]
Deployment: functions
  ~ store.timeout: 9 -> 19
  + notify: runtime python3.12, memorySize 256, timeout 4, handler \
generated/flow/handlers/notify.handler, environment SFS3DSL_BUCKET SFS3DSL_PREFIX
Deployment: side-car steps
  + notify: calls workflows._flow_steps.notify; reads check (process), store (process)
Deployment: state machines
  + FlowStateMachine.DefinitionSubstitutions.NotifyFunctionArn: \
"${NotifyLambdaFunction.Arn}" [template.yaml]
Deployment: resources
  + NotifyLogGroup (AWS::Logs::LogGroup) [template.yaml]
Deployment: 7 IAM grants added, 1 functions added, 1 functions changed, 1 side-car steps \
added, 1 state machines changed, 1 resources added (serverless.yml, template.yaml, handlers)

"""


def test_two_revisions_of_a_module_with_a_sibling_steps_module(repo: Path) -> None:
    """Both revisions import their own ``_flow_steps`` (v1 has no ``notify``), and the new
    step's handler calls ``workflows._flow_steps.notify``, as compile run here names it."""
    result = run("HEAD~1:workflows/flow.py", "HEAD:workflows/flow.py", "--no-color")
    assert result.exit_code == 1, result.output
    assert result.output == TEXT_V1_V2


def test_the_same_revision_twice_is_equal(repo: Path) -> None:
    result = run("HEAD~1:workflows/flow.py", "HEAD~1:workflows/flow.py")
    assert (result.exit_code, result.output) == (0, "")


def test_a_revision_against_the_working_tree_and_back(repo: Path) -> None:
    """Each side imports its own ``_flow_steps``: the revision's has no ``notify``."""
    assert run("HEAD:workflows/flow.py", "workflows/flow.py").exit_code == 0
    forward = run("HEAD~1:workflows/flow.py", "workflows/flow.py", "--no-color")
    assert forward.exit_code == 1
    assert forward.output == TEXT_V1_V2
    back = run("workflows/flow.py", "HEAD~1:workflows/flow.py", "--no-color")
    assert back.exit_code == 1
    assert "  - States.notify (Task)" in back.output


def test_json_and_markdown_between_revisions(repo: Path) -> None:
    doc = json.loads(run("HEAD~1:workflows/flow.py", "HEAD:workflows/flow.py",
                         "--format", "json").output)
    assert [a["name"] for a in doc["flow"]["added"]] == ["notify"]
    steps = {c["subject"] for c in doc["flow"]["deployment"]["changes"]
             if c["category"] == "steps"}
    assert steps == {"notify"}
    markdown = run("HEAD~1:workflows/flow.py", "HEAD:workflows/flow.py",
                   "--format", "markdown").output
    assert markdown.startswith("## flow\n\n### State machine changes\n"), markdown
    assert "\n### Deployment changes\n" in markdown


def test_handlers_name_the_steps_module_as_compile_does(repo: Path) -> None:
    """The copy keeps the repository's layout, so a generated handler imports
    ``workflows._flow_steps`` at the revision as in the working tree: no change there."""
    doc = json.loads(run("HEAD:workflows/flow.py", "workflows/flow.py",
                         "--format", "json").output)
    assert doc["flow"]["deployment"]["changes"] == []


def test_a_sibling_not_committed_at_the_revision_is_named_with_a_fix(repo: Path) -> None:
    _git("rm", "-q", "--cached", "workflows/_flow_steps.py")
    _git("commit", "-qm", "steps untracked")
    result = run("HEAD:workflows/flow.py", "workflows/flow.py")
    assert result.exit_code == 2
    assert result.output == (
        "Error: HEAD:workflows/flow.py:1: importing the workflow module raised "
        "ModuleNotFoundError: No module named '_flow_steps'; fix: '_flow_steps' is neither "
        "installed nor committed in workflows/ at HEAD (`git ls-tree --name-only HEAD "
        "workflows/` lists what is there): commit it there, or compare the compiled files "
        "instead: sfs3dsl diff --since HEAD\n")


def test_an_error_in_a_module_at_a_revision_names_its_path(repo: Path) -> None:
    _commit(repo, {"workflows/_flow_steps.py": "raise RuntimeError('broken steps')\n"},
            "broken")
    result = run("HEAD:workflows/flow.py", "HEAD~1:workflows/flow.py")
    assert result.exit_code == 2
    assert result.output == (
        "Error: HEAD:workflows/flow.py:1: importing the workflow module raised RuntimeError: "
        "broken steps; fix: fix the error at that line of the module\n")
    assert "/tmp" not in result.output and "sfs3dsl-rev-" not in result.output


def test_a_missing_sibling_in_the_working_tree_says_where_to_put_it(repo: Path) -> None:
    (repo / "workflows" / "_flow_steps.py").unlink()
    result = run("HEAD:workflows/flow.py", "workflows/flow.py")
    assert result.exit_code == 2
    assert result.output == (
        "Error: workflows/flow.py:1: importing the workflow module raised ModuleNotFoundError: "
        "No module named '_flow_steps'; fix: put _flow_steps.py beside flow.py, or install "
        "the package that provides '_flow_steps'\n")


def test_graph_of_a_module_at_a_revision(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["graph", "HEAD~1:workflows/flow.py"])
    assert result.exit_code == 0, result.output
    assert "notify" not in result.output and "store" in result.output


def test_a_bad_revision_of_a_module(repo: Path) -> None:
    result = run("nosuchrev:workflows/flow.py", "workflows/flow.py")
    assert result.exit_code == 2
    assert result.output == (
        "Error: nosuchrev:workflows/flow.py: git cannot show it: fatal: invalid object name "
        "'nosuchrev'; fix: check the revision and path with `git log --oneline` and "
        "`git ls-tree -r --name-only REV`\n")


def test_since_a_revision_git_does_not_know(repo: Path) -> None:
    result = run("--since", "nosuchrev")
    assert result.exit_code == 2
    assert result.output == (
        "Error: --since nosuchrev: git knows no commit 'nosuchrev'; fix: give a commit, branch "
        "or tag (`git log --oneline` lists the commits)\n")


def test_from_a_subfolder_the_revision_path_is_read_from_the_top(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``REV:path`` names a path from the repository's top, ``REV:./path`` one from here;
    both compile the module with its folder at that revision."""
    monkeypatch.chdir(repo / "workflows")
    for old in ("HEAD~1:workflows/flow.py", "HEAD~1:./flow.py"):
        result = run(old, "HEAD:workflows/flow.py", "--no-color")
        assert result.exit_code == 1, result.output
        assert "  + notify: calls _flow_steps.notify; reads check (process), store (process)" \
            in result.output.splitlines(), result.output


def test_a_build_error_at_a_revision_names_its_path(repo: Path) -> None:
    _commit(repo, {"workflows/flow.py": "from sfs3dsl import Wait, Workflow\n\n"
                                        "flow = Workflow('flow', Wait('w'))\n"}, "bad wait")
    result = run("HEAD:workflows/flow.py", "HEAD~1:workflows/flow.py")
    assert result.exit_code == 1
    assert result.output.startswith("Error: HEAD:workflows/flow.py:3: state 'w': "), \
        result.output
    assert "sfs3dsl-rev-" not in result.output
