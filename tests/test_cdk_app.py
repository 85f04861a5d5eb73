"""``sfs3dsl compile --target cdk``: ``generated/<workflow>/cdk_app.py``, a CDK app around
``sfs3dsl.cdk.WorkflowConstruct``, for every workflow of ``workflows/``.

Two of the apps are synthesised (each takes ~25 s of jsii): ProcessA run as a script
(``python generated/process-a/cdk_app.py`` writes ``cdk.out/``), and the reminder the way
``cdk synth -c stage=prod`` runs an app (``CDK_OUTDIR`` and ``CDK_CONTEXT_JSON`` set); cfn-lint
1.58.0 finds no error in either template. ``tests/test_cdk_construct.py`` covers the construct
itself on every side-car workflow.

These tests FAIL, never skip, when aws-cdk-lib, Node.js or cfn-lint is missing.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from iam_checks import assert_no_wildcard_grants

from sfs3dsl import load_workflow

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
NAMES = sorted(p.parent.name for p in (REPO / "generated").glob("*/statemachine.asl.json"))

def _node_major() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: jsii runs aws-cdk-lib in it")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True,
                             timeout=60).stdout
    return version.strip().lstrip("v").split(".")[0]


# jsii prints a banner on stderr for a Node.js past its end of life (Node 20 here) unless this
# lists that major version
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": _node_major()}

Json = dict[str, Any]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project compiled, through the CLI, with ``--target cdk``."""
    root = tmp_path_factory.mktemp("cdk-project")
    for folder in ("workflows", "sfs3dsl_runtime"):
        shutil.copytree(REPO / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "sfs3dsl", "compile", "--target", "cdk"],
                          cwd=root, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return root


def _run_app(project: Path, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-W", "error", f"generated/{name}/cdk_app.py"],
                          cwd=project, env={**ENV, **env}, capture_output=True, text=True,
                          check=False, timeout=600)


@pytest.fixture(scope="module")
def process_a(project: Path) -> Path:
    """ProcessA's app run as a script: its cloud assembly in ``cdk.out/`` at the root."""
    done = _run_app(project, "process-a")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    return project / "cdk.out"


@pytest.fixture(scope="module")
def reminder(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reminder's app as ``cdk synth -c stage=prod`` runs it."""
    out = tmp_path_factory.mktemp("reminder.out")
    done = _run_app(project, "reminder", CDK_OUTDIR=str(out),
                    CDK_CONTEXT_JSON=json.dumps({"stage": "prod"}))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    return out


def test_every_workflow_gets_an_app_and_no_serverless_yml(project: Path) -> None:
    assert sorted(p.parent.name for p in (project / "generated").glob("*/cdk_app.py")) == NAMES
    assert not list((project / "generated").glob("*/serverless.yml"))  # only the target asked


@pytest.mark.parametrize("name", NAMES)
def test_each_app_names_its_module_and_workflow(project: Path, name: str) -> None:
    text = (project / "generated" / name / "cdk_app.py").read_text(encoding="utf-8")
    values = {node.targets[0].id: ast.literal_eval(node.value)  # type: ignore[attr-defined]
              for node in ast.parse(text).body
              if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)}
    module = REPO / "workflows" / f"{name.replace('-', '_')}.py"
    assert values == {"WORKFLOW": name,
                      "STACK": "".join(w.capitalize() for w in name.replace("_", "-").split("-"))}
    assert f'MODULE = ROOT / "workflows/{module.name}"' in text
    assert load_workflow(module, name).name == name


def test_the_app_is_the_same_every_compile(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sfs3dsl", "compile", "--check", "--target",
                           "cdk"], cwd=project, capture_output=True, text=True, check=False,
                          timeout=600)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout


def _template(out: Path, stack: str) -> Json:
    data: Json = json.loads((out / f"{stack}.template.json").read_text(encoding="utf-8"))
    return data


def _machines(template: Json) -> dict[str, Json]:
    return {k: v["Properties"] for k, v in template["Resources"].items()
            if v["Type"] == "AWS::Serverless::StateMachine"}


def test_cfn_lint_finds_no_error(process_a: Path, reminder: Path) -> None:
    binary = str(CFN_LINT) if CFN_LINT.exists() else shutil.which("cfn-lint")
    if binary is None:
        pytest.fail("cfn-lint is not installed: run `bash scripts/setup.sh --test`")
    paths = [str(process_a / "ProcessA.template.json"), str(reminder / "Reminder.template.json")]
    done = subprocess.run([binary, "--format", "parseable", "--", *paths], capture_output=True,
                          text=True, timeout=600, check=False)
    assert [line for line in done.stdout.splitlines() if ":E" in line] == [], done.stdout
    assert done.returncode in (0, 4, 8), done.stdout + done.stderr


def test_process_a_stack_holds_both_machines_and_outputs_the_arn(process_a: Path,
                                                                 project: Path) -> None:
    template = _template(process_a, "ProcessA")
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    machines = _machines(template)
    assert sorted(p["Name"]["Fn::Sub"] for p in machines.values()) == [
        "downstream-dev", "process-a-dev"]
    (first,) = [k for k, p in machines.items() if p["Name"] == {"Fn::Sub": "process-a-dev"}]
    assert template["Outputs"]["StateMachineArn"]["Value"] == {"Ref": first}
    assets = json.loads((process_a / "ProcessA.assets.json").read_text())["files"]
    key = machines[first]["DefinitionUri"]["Key"]
    (asset,) = [a for a in assets.values()
                if next(iter(a["destinations"].values()))["objectKey"] == key]
    assert (process_a / asset["source"]["path"]).read_bytes() == (
        project / "generated" / "process-a" / "statemachine.asl.json").read_bytes()
    handlers = sorted(v["Properties"]["Handler"] for v in template["Resources"].values()
                      if v["Type"] == "AWS::Serverless::Function")
    assert [f"generated/process-a/handlers/step_{x}.handler" for x in "abcdef"] == [
        h for h in handlers if h.startswith("generated/process-a/handlers/step_")]
    buckets = [v["Properties"] for v in template["Resources"].values()
               if v["Type"] == "AWS::S3::Bucket"]
    assert buckets and all(b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"} for b in buckets)
    assert_no_wildcard_grants({k: v["Properties"] for k, v in template["Resources"].items()
                               if v["Type"] == "AWS::IAM::Role"})


def test_the_stage_comes_from_the_cdk_context(reminder: Path) -> None:
    machines = _machines(_template(reminder, "Reminder"))
    assert [p["Name"] for p in machines.values()] == [{"Fn::Sub": "reminder-prod"}]


def test_a_stale_generated_file_is_one_line(project: Path) -> None:
    asl = project / "generated" / "course-map" / "statemachine.asl.json"
    kept = asl.read_text(encoding="utf-8")
    asl.write_text(kept.replace('"StartAt"', '"Comment": "edited", "StartAt"', 1))
    try:
        done = _run_app(project, "course-map")
    finally:
        asl.write_text(kept, encoding="utf-8")
    workflow = load_workflow(project / "workflows" / "course_map.py")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Error: {workflow.where.replace(str(project) + os.sep, '')}: "
        "generated/course-map/statemachine.asl.json is stale: the CDK assets ship the generated "
        f"files; fix: run `sfs3dsl compile --target cdk` in {project} (or pass root= the "
        "project folder)\n")


def test_without_the_extra_the_app_names_it(project: Path) -> None:
    code = ("import runpy, sys\nsys.modules['aws_cdk'] = None\n"
            "runpy.run_path('generated/reminder/cdk_app.py', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=project, env=ENV,
                          capture_output=True, text=True, check=False, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", "Error: sfs3dsl.cdk needs aws-cdk-lib and constructs (aws_cdk is not installed); "
               "fix: pip install 'sfs3dsl[cdk]'\n")


def test_load_workflow_says_which_workflows_a_module_has(tmp_path: Path) -> None:
    from sfs3dsl import LoadError

    module = tmp_path / "two.py"
    module.write_text("from sfs3dsl import Pass, Workflow\n"
                      "a = Workflow('first', Pass('a'))\nb = Workflow('second', Pass('b'))\n")
    assert load_workflow(module, "second").name == "second"
    with pytest.raises(LoadError) as caught:
        load_workflow(module)
    assert str(caught.value) == (f"{module}: defines 2 workflows ('first', 'second'); fix: say "
                                 "which: load_workflow(path, name)")
    with pytest.raises(LoadError) as caught:
        load_workflow(module, "third")
    assert str(caught.value) == (f"{module}: defines no workflow named 'third' (it defines "
                                 "'first', 'second'); fix: use one of those names")
