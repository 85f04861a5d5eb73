"""``sfs3dsl.cdk.WorkflowConstruct``: one CDK app, synthesised once per test session, holds a
stack per side-car workflow of ``workflows/`` and one workflow without side-car; cfn-lint
1.58.0 finds no error in the synthesised templates, which hold the compiled ASL, the
functions (code: the project asset), the encrypted bucket, the private API and
least-privilege IAM.

These tests FAIL, never skip, when aws-cdk-lib, Node.js or cfn-lint is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from iam_checks import assert_no_wildcard_grants, statements

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.workflow import Workflow
from sfs3dsl.project.load import load_module_workflows

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
SIDECAR = sorted(p.parent.parent.name for p in (REPO / "generated").glob("*/handlers/facade.py"))
WITHOUT_SIDECAR = "reminder"
NAMES = [*SIDECAR, WITHOUT_SIDECAR]
# jsii prints a banner on stderr for a Node.js past its end of life (Node 20 is the one here)
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")

Json = dict[str, Any]


def _workflow(name: str) -> Workflow:
    module = REPO / "workflows" / f"{name.replace('-', '_')}.py"
    (found,) = [w for w in load_module_workflows(module) if w.name == name]
    return found


@pytest.fixture(scope="session")
def synthesised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cloud assembly of an app with a stack per workflow of :data:`NAMES`."""
    import aws_cdk as cdk

    from sfs3dsl.cdk import WorkflowConstruct

    out = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(outdir=str(out))
    for name in NAMES:
        stack = cdk.Stack(app, f"Stack-{name}")
        WorkflowConstruct(stack, "Flow", workflow=_workflow(name), root=REPO)
    app.synth()
    return out


def _template(out: Path, name: str) -> Json:
    data: Json = json.loads((out / f"Stack-{name}.template.json").read_text(encoding="utf-8"))
    return data


def _of_type(template: Json, kind: str) -> Json:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == kind}


def _logical(template: Json, kind: str, sam_id: str) -> str:
    """The synthesised logical id of the resource named ``sam_id`` in the SAM template."""
    resources: dict[str, Json] = template["Resources"]
    (found,) = [k for k, v in resources.items()
                if v["Type"] == kind and k.startswith(f"FlowTemplate{sam_id}")
                and len(k) == len(f"FlowTemplate{sam_id}") + 8]
    return found


def test_the_app_has_every_sidecar_workflow_and_one_without(synthesised: Path) -> None:
    assert SIDECAR == ["downstream", "monitored", "order", "poll-job", "process-a"]
    assert sorted(p.name for p in synthesised.glob("*.template.json")) == sorted(
        f"Stack-{n}.template.json" for n in NAMES)


def test_cfn_lint_finds_no_error(synthesised: Path) -> None:
    binary = str(CFN_LINT) if CFN_LINT.exists() else shutil.which("cfn-lint")
    if binary is None:
        pytest.fail("cfn-lint is not installed: run `bash scripts/setup.sh --test`")
    paths = [str(synthesised / f"Stack-{n}.template.json") for n in NAMES]
    done = subprocess.run([binary, "--format", "parseable", "--", *paths], capture_output=True,
                          text=True, timeout=600, check=False)
    assert [line for line in done.stdout.splitlines() if ":E" in line] == [], done.stdout
    assert done.returncode in (0, 4, 8), done.stdout + done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_state_machines_hold_the_compiled_asl(synthesised: Path, name: str) -> None:
    t = _template(synthesised, name)
    assert t["Transform"] == "AWS::Serverless-2016-10-31"
    machines = _of_type(t, "AWS::Serverless::StateMachine")
    assets = json.loads((synthesised / f"Stack-{name}.assets.json").read_text())["files"]
    expected = [name, "downstream"] if name == "process-a" else [name]
    assert len(machines) == len(expected)
    for workflow in expected:
        stem = "".join(w.capitalize() for w in workflow.split("-"))
        props = machines[_logical(t, "AWS::Serverless::StateMachine", f"{stem}StateMachine")]
        # the compiled file, byte for byte, as an asset (inline, the CDK would drop nulls)
        uri = props["DefinitionUri"]
        (asset,) = [a for a in assets.values() if a["destinations"][
            next(iter(a["destinations"]))]["objectKey"] == uri["Key"]]
        assert asset["source"]["packaging"] == "file"
        assert (synthesised / asset["source"]["path"]).read_bytes() == (
            REPO / "generated" / workflow / "statemachine.asl.json").read_bytes()
        assert "Definition" not in props
        assert props["Name"] == {"Fn::Sub": f"{workflow}-dev"}  # Stage filled in
        role = _logical(t, "AWS::IAM::Role", f"{stem}StateMachineRole")
        assert props["Role"] == {"Fn::GetAtt": [role, "Arn"]}


def test_process_a_substitutions_name_its_functions(synthesised: Path) -> None:
    t = _template(synthesised, "process-a")
    props = _of_type(t, "AWS::Serverless::StateMachine")[
        _logical(t, "AWS::Serverless::StateMachine", "ProcessAStateMachine")]
    assert props["DefinitionSubstitutions"] == {
        f"Step{x}FunctionArn": {"Fn::GetAtt": [
            _logical(t, "AWS::Serverless::Function", f"Step{x}LambdaFunction"), "Arn"]}
        for x in "ABCDEF"}


@pytest.mark.parametrize("name", NAMES)
def test_functions_run_the_project_asset(synthesised: Path, name: str) -> None:
    t = _template(synthesised, name)
    functions = _of_type(t, "AWS::Serverless::Function")
    assert functions
    (asset,) = [a for a in json.loads((synthesised / f"Stack-{name}.assets.json").read_text())[
        "files"].values() if a["source"].get("packaging") == "zip"
        and not (synthesised / a["source"]["path"] / "python").is_dir()]  # not the layer
    (destination,) = asset["destinations"].values()
    key = destination["objectKey"]
    staged = synthesised / asset["source"]["path"]  # zipped when `cdk deploy` publishes it
    shipped = {p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()}
    for props in functions.values():
        assert props["CodeUri"] == {"Bucket": {"Fn::Sub": (
            "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}")}, "Key": key}
        module = props["Handler"].rsplit(".", 1)[0].replace(".", "/")
        if module.startswith("generated/"):
            assert f"{module}.py" in shipped
    assert "sfs3dsl_runtime/__init__.py" in shipped
    assert not [n for n in shipped if n.startswith((".venv/", ".git/")) or "__pycache__" in n]


def test_process_a_step_a_function(synthesised: Path) -> None:
    t = _template(synthesised, "process-a")
    step_a = _of_type(t, "AWS::Serverless::Function")[
        _logical(t, "AWS::Serverless::Function", "StepALambdaFunction")]
    assert step_a["Handler"] == "generated/process-a/handlers/step_a.handler"
    assert (step_a["Runtime"], step_a["MemorySize"], step_a["Timeout"]) == ("python3.12", 256, 10)
    assert step_a["Environment"] == {"Variables": {
        "SFS3DSL_BUCKET": {"Ref": _logical(t, "AWS::S3::Bucket", "ProcessAProcessData")},
        "SFS3DSL_PREFIX": "process-a/"}}
    assert step_a["Role"] == {"Fn::GetAtt": [
        _logical(t, "AWS::IAM::Role", "ProcessAStepARole"), "Arn"]}


@pytest.mark.parametrize("name", SIDECAR)
def test_bucket_is_encrypted_and_private(synthesised: Path, name: str) -> None:
    t = _template(synthesised, name)
    stem = "".join(w.capitalize() for w in name.split("-"))
    bucket = _of_type(t, "AWS::S3::Bucket")[_logical(t, "AWS::S3::Bucket", f"{stem}ProcessData")]
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True}
    policy = _of_type(t, "AWS::S3::BucketPolicy")[
        _logical(t, "AWS::S3::BucketPolicy", f"{stem}ProcessDataPolicy")]
    assert [s["Sid"] for s in policy["PolicyDocument"]["Statement"]] == [
        "TlsOnly", "EncryptedWritesOnly"]


@pytest.mark.parametrize("name", SIDECAR)
def test_api_is_private_with_keys_and_a_usage_plan(synthesised: Path, name: str) -> None:
    t = _template(synthesised, name)
    stem = "".join(w.capitalize() for w in name.split("-"))
    api_id = _logical(t, "AWS::Serverless::Api", f"{stem}Api")
    api = _of_type(t, "AWS::Serverless::Api")[api_id]
    assert api["StageName"] == "dev"
    assert api["Auth"] == {"ApiKeyRequired": True, "UsagePlan": {
        "CreateUsagePlan": "PER_API", "UsagePlanName": {"Fn::Sub": f"{name}-dev"},
        "Quota": {"Limit": 5000, "Period": "MONTH"},
        "Throttle": {"BurstLimit": 200, "RateLimit": 100}}}
    start = _of_type(t, "AWS::Serverless::Function")[
        _logical(t, "AWS::Serverless::Function", f"{stem}StartProcessLambdaFunction")]
    assert start["Events"] == {f"{stem}StartProcessPost": {"Type": "Api", "Properties": {
        "RestApiId": {"Ref": api_id}, "Path": f"/{name}/start-process", "Method": "post",
        "Auth": {"ApiKeyRequired": True}}}}



@pytest.mark.parametrize("name", NAMES)
def test_no_role_grants_s3_states_lambda_or_sns_on_everything(synthesised: Path,
                                                               name: str) -> None:
    roles = _of_type(_template(synthesised, name), "AWS::IAM::Role")
    assert_no_wildcard_grants(roles)


def test_state_machine_roles_invoke_only_their_functions(synthesised: Path) -> None:
    t = _template(synthesised, "process-a")
    role = _of_type(t, "AWS::IAM::Role")[_logical(t, "AWS::IAM::Role", "ProcessAStateMachineRole")]
    (statement,) = statements(role)
    assert statement["Action"] == ["lambda:InvokeFunction"]
    arns = [{"Fn::GetAtt": [_logical(t, "AWS::Serverless::Function", f"Step{x}LambdaFunction"),
                            "Arn"]} for x in "ABCDEF"]
    assert statement["Resource"] == [*arns, *({"Fn::Join": ["", [a, ":*"]]} for a in arns)]
    t = _template(synthesised, "reminder")
    role = _of_type(t, "AWS::IAM::Role")[_logical(t, "AWS::IAM::Role", "ReminderStateMachineRole")]
    convdate = {"Fn::GetAtt": [_logical(t, "AWS::Serverless::Function", "ConvdateLambdaFunction"),
                               "Arn"]}
    assert [(s["Action"], s["Resource"]) for s in statements(role)] == [
        (["lambda:InvokeFunction"], [convdate, {"Fn::Join": ["", [convdate, ":*"]]}]),
        (["sns:Publish"], [{"Ref": _logical(t, "AWS::SNS::Topic", "ReminderTopic")}])]


def test_a_workflow_twice_in_one_stack_is_refused() -> None:
    import aws_cdk as cdk

    from sfs3dsl.cdk import WorkflowConstruct

    stack = cdk.Stack(cdk.App(), "Twice")
    WorkflowConstruct(stack, "ProcessA", workflow=_workflow("process-a"), root=REPO)
    with pytest.raises(BuildError) as caught:
        WorkflowConstruct(stack, "Downstream", workflow=_workflow("downstream"), root=REPO)
    assert str(caught.value) == (
        f"{_workflow('downstream').where}: workflow(s) ['downstream'] are already in this "
        "stack, in Twice/ProcessA; fix: add the starting workflow once: it brings the "
        "workflows it starts, or put the constructs in different stacks")


def test_missing_generated_handlers_are_refused(tmp_path: Path) -> None:
    import aws_cdk as cdk

    from sfs3dsl.cdk import WorkflowConstruct

    workflow = _workflow("order")
    with pytest.raises(BuildError) as caught:
        WorkflowConstruct(cdk.Stack(cdk.App(), "S"), "Order", workflow=workflow, root=tmp_path)
    assert str(caught.value) == (
        f"{workflow.where}: generated/order/statemachine.asl.json is missing: the CDK assets "
        "ship the generated files; fix: run `sfs3dsl compile --target cdk` in "
        f"{tmp_path} (or pass root= the "
        "project folder)")


def test_without_the_extra_the_error_names_it() -> None:
    code = ("import sys\nsys.modules['aws_cdk'] = None\nimport sfs3dsl, sfs3dsl.cdk\n"
            "assert 'aws_cdk' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
            "try:\n    sfs3dsl.cdk.WorkflowConstruct\n"
            "except sfs3dsl.Sfs3dslError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.stderr == ""
    assert done.stdout == ("sfs3dsl.cdk needs aws-cdk-lib and constructs (aws_cdk is not "
                           "installed); fix: pip install 'sfs3dsl[cdk]'\n")


def test_import_sfs3dsl_never_loads_the_cdk() -> None:
    code = ("import sys, sfs3dsl\nsfs3dsl.Workflow, sfs3dsl.compile_workflow\n"
            "import sfs3dsl.deploy.artifacts, sfs3dsl.cli\n"
            "print(sorted(m for m in ('aws_cdk', 'constructs', 'jsii', 'sfs3dsl.cdk') "
            "if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)
    assert (done.stdout, done.stderr) == ("[]\n", "")


@pytest.mark.parametrize("name", [n for n in NAMES
                                  if (REPO / "generated" / n / "handlers").is_dir()])
def test_functions_get_the_runtime_layer_asset(synthesised: Path, name: str) -> None:
    t = _template(synthesised, name)
    (layer_id,) = _of_type(t, "AWS::Serverless::LayerVersion")
    layer = t["Resources"][layer_id]["Properties"]
    assets = json.loads((synthesised / f"Stack-{name}.assets.json").read_text())["files"]
    (asset,) = [a for a in assets.values() if a["source"].get("packaging") == "zip"
                and (synthesised / a["source"]["path"] / "python").is_dir()]
    (destination,) = asset["destinations"].values()
    assert layer["ContentUri"]["Key"] == destination["objectKey"]
    staged = synthesised / asset["source"]["path"]
    assert (staged / "python" / "sfs3dsl_runtime" / "__init__.py").read_bytes() == (
        REPO / "sfs3dsl_runtime" / "__init__.py").read_bytes()
    for props in _of_type(t, "AWS::Serverless::Function").values():
        assert props["Layers"] == [{"Ref": layer_id}]


def test_a_stale_runtime_layer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed runtime (here: a newer one) differs from generated/_runtime/."""
    import aws_cdk as cdk

    from sfs3dsl.cdk import WorkflowConstruct
    from sfs3dsl.deploy.cdk import construct

    init = "_runtime/python/sfs3dsl_runtime/__init__.py"
    monkeypatch.setattr(construct, "runtime_files", lambda: {init: "# a newer runtime\n"})
    workflow = _workflow("order")
    with pytest.raises(BuildError) as caught:
        WorkflowConstruct(cdk.Stack(cdk.App(), "S"), "Order", workflow=workflow, root=REPO)
    assert str(caught.value) == (
        f"{workflow.where}: generated/{init} is stale: the CDK assets ship the generated "
        f"files; fix: run `sfs3dsl compile --target cdk` in {REPO} (or pass root= the project "
        "folder)")
