"""The deployment side of ``sfs3dsl diff``: real changes to the reference workflow ProcessA
(its module edited as a user would), what the diff says of its serverless.yml and SAM
template, and the normaliser on shapes it does not know."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli
from sfs3dsl.core.errors import LoadError
from sfs3dsl.deploy.artifacts import workflow_artifacts
from sfs3dsl.project.load import load_module_workflows
from sfs3dsl.review.deploy_diff import diff_deployments
from sfs3dsl.review.deploy_render import (
    render_deploy_json,
    render_deploy_markdown,
    render_deploy_text,
)
from sfs3dsl.review.handler_model import handlers_document, step_settings
from sfs3dsl.review.revisions import Compared, Side, compare_sides, load_side, parse_deployment

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / "workflows"
DATA = Path(__file__).resolve().parent / "data" / "deploy_diff"
SOURCE = (WORKFLOWS / "process_a.py").read_text(encoding="utf-8")
BOTH = ["serverless.yml", "template.yaml"]
ALL = [*BOTH, "handlers"]
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
EXTRA_MODULE = "_deploy_diff_extra_steps"  # a name no other module has: sys.modules keeps it

Edit = Callable[[str], str]


def _replace(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)
    return edit


def _chain(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text
    return edit


def _permission(resource: str) -> Edit:
    return _replace("sidecar.step(step_b, timeout_seconds=11)",
                    "sidecar.step(step_b, timeout_seconds=11, permissions=[{\"Effect\": "
                    f"\"Allow\", \"Action\": [\"dynamodb:GetItem\"], \"Resource\": "
                    f"\"{resource}\"}}])")


def _options(options: str) -> Edit:
    return _chain(
        _replace('SideCar(prefix="process-a/")',
                 f'SideCar(prefix="process-a/", serverless=ServerlessOptions({options}))'),
        _replace("from sfs3dsl import Chain, SideCar, Workflow",
                 "from sfs3dsl import Chain, ServerlessOptions, SideCar, Workflow"))


UNCHANGED: Edit = _chain()
ADD_STEP = _chain(
    _replace("from downstream import downstream",
             f"from downstream import downstream\nfrom {EXTRA_MODULE} import step_g"),
    _replace("sidecar.step(step_f, timeout_seconds=11, starts=[downstream]),",
             "sidecar.step(step_f, timeout_seconds=11, starts=[downstream]),\n"
             "        sidecar.step(step_g, timeout_seconds=11),"))
MEMORY_AND_TIMEOUT = _chain(_options("memory_size=512"),
                            _replace("sidecar.step(step_c, timeout_seconds=11)",
                                     "sidecar.step(step_c, timeout_seconds=31)"))
PLUGIN_ROUTES = _options('api="plugin"')
NARROW = _permission(TABLE)
STAR = _permission("*")
COMMENT = _replace('comment="ProcessA:', 'comment="ProcessA (v2):')
EXPOSE = _replace("sidecar.step(step_a, timeout_seconds=11)",
                  'sidecar.step(step_a, timeout_seconds=11, expose=("status",))')


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Edit], Side]]:
    """ProcessA's module with an edit, loaded as ``sfs3dsl diff`` loads a side (once per
    edit). The copies import the real step modules, on sys.path here as beside the real
    module."""
    tmp = tmp_path_factory.mktemp("variants")
    loaded: dict[Edit, Side] = {}
    before = set(sys.modules)

    def load(edit: Edit) -> Side:
        if edit not in loaded:
            folder = tmp / f"v{len(loaded)}"
            folder.mkdir()
            (folder / f"{EXTRA_MODULE}.py").write_text(
                "def step_g(doc):\n    return {'g': 1}\n", encoding="utf-8")
            (folder / "process_a.py").write_text(edit(SOURCE), encoding="utf-8")
            loaded[edit] = load_side(str(folder / "process_a.py"))
        return loaded[edit]

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # the project root: compile's handlers import workflows.*
        patch.syspath_prepend(str(WORKFLOWS))
        yield load
    for name in set(sys.modules) - before:  # the copies' modules, which point at tmp
        if str(getattr(sys.modules[name], "__file__", "")).startswith(str(tmp)):
            del sys.modules[name]


def test_the_unchanged_copy_deploys_what_is_generated(variants: Callable[[Edit], Side]) -> None:
    side = variants(UNCHANGED)
    generated = ROOT / "generated" / "process-a" / "serverless.yml"
    assert side.deployment["serverless.yml"] == parse_deployment(
        generated.read_text(encoding="utf-8"), str(generated))
    assert list(side.deployment) == ALL
    handlers = sorted((generated.parent / "handlers").glob("*.py"))
    assert side.deployment["handlers"] == handlers_document(
        {p.name: p.read_text(encoding="utf-8") for p in handlers})
    assert len(side.deployment["handlers"]["sidecarSteps"]) == 6


#: (name, old edit, new edit); the expected text is tests/data/deploy_diff/<name>.txt
CASES: list[tuple[str, Edit, Edit]] = [
    ("add-a-step", UNCHANGED, ADD_STEP),
    ("memory-and-timeout", UNCHANGED, MEMORY_AND_TIMEOUT),
    ("routes-of-the-plugin", UNCHANGED, PLUGIN_ROUTES),
    ("a-new-action-widens", UNCHANGED, NARROW),
    ("a-resource-going-to-star-widens", NARROW, STAR),
    ("a-statement-removed", NARROW, UNCHANGED),
    ("comment-only-no-deployment-change", UNCHANGED, COMMENT),
    # expose= changes only the step's generated handler: the ASL does not show it
    ("expose-shows-in-the-side-car-steps", UNCHANGED, EXPOSE),
]


def expected_text(name: str) -> str:
    return (DATA / f"{name}.txt").read_text(encoding="utf-8")


def _compare(variants: Callable[[Edit], Side], old: Edit, new: Edit) -> Compared:
    return compare_sides(variants(old), variants(new))


@pytest.mark.parametrize(("name", "old", "new"), CASES, ids=[c[0] for c in CASES])
def test_real_changes_give_exactly_these_lines(variants: Callable[[Edit], Side], name: str,
                                               old: Edit, new: Edit) -> None:
    compared = _compare(variants, old, new)
    want = expected_text(name)
    assert render_deploy_text(compared.deployment) == want
    assert compared.deployment.files == tuple(ALL)
    assert (render_deploy_markdown(compared.deployment) == "") is (want == "")


#: The cases whose state machine is the same on both sides.
ASL_UNCHANGED = {"routes-of-the-plugin", "a-new-action-widens", "a-resource-going-to-star-widens",
                 "a-statement-removed", "expose-shows-in-the-side-car-steps"}


@pytest.mark.parametrize(("name", "old", "new"), CASES, ids=[c[0] for c in CASES])
def test_the_asl_side_changes_only_when_the_definition_does(
        variants: Callable[[Edit], Side], name: str, old: Edit, new: Edit) -> None:
    assert _compare(variants, old, new).asl.is_empty is (name in ASL_UNCHANGED)


def test_json_of_a_widened_resource(variants: Callable[[Edit], Side]) -> None:
    statement = {"effect": "Allow", "action": "dynamodb:GetItem"}
    summary = {f"{c}_{k}": 0 for c in ("iam", "functions", "steps", "routes", "buckets", "api",
                                       "state_machines", "notifications", "resources")
               for k in ("added", "removed", "changed")}
    summary.update(iam_added=1, iam_removed=1, widened=1)
    assert render_deploy_json(_compare(variants, NARROW, STAR).deployment) == {
        "files": ALL,
        "summary": summary,
        "changes": [
            {"category": "iam", "change": "removed", "subject": "ProcessAStepBRole",
             "statement": {**statement, "resource": TABLE}, "files": BOTH},
            {"category": "iam", "change": "added", "subject": "ProcessAStepBRole",
             "statement": {**statement, "resource": "*"}, "widened": "resource *",
             "files": BOTH},
        ]}


def test_json_of_new_settings_names_the_setting(variants: Callable[[Edit], Side]) -> None:
    changes = render_deploy_json(_compare(variants, UNCHANGED, MEMORY_AND_TIMEOUT).deployment)[
        "changes"]
    assert changes[2:4] == [
        {"category": "functions", "change": "changed", "subject": "stepC",
         "field": "memorySize", "old": 256, "new": 512, "files": BOTH},
        {"category": "functions", "change": "changed", "subject": "stepC",
         "field": "timeout", "old": 10, "new": 30, "files": BOTH}]


def test_markdown_calls_out_the_widened_grant_first(variants: Callable[[Edit], Side]) -> None:
    assert render_deploy_markdown(_compare(variants, NARROW, STAR).deployment) == (
        "### Deployment changes\n"
        "\n"
        "Compared: serverless.yml, template.yaml, handlers.\n"
        "\n"
        "**IAM widened**\n"
        "\n"
        "- `ProcessAStepBRole`: `Allow dynamodb:GetItem on *` (resource *)\n"
        "\n"
        "| change | what | old | new |\n"
        "|---|---|---|---|\n"
        f"| IAM statement removed | `ProcessAStepBRole` | `Allow dynamodb:GetItem on {TABLE}` |"
        "  |\n"
        "\n"
        "1 widened, 1 IAM grants added, 1 IAM grants removed.\n")


def test_markdown_rows_of_a_new_step(variants: Callable[[Edit], Side]) -> None:
    text = render_deploy_markdown(_compare(variants, UNCHANGED, ADD_STEP).deployment)
    assert "**IAM widened**" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]
    assert rows[3] == ("| IAM statement added [template.yaml] | `ProcessAStateMachineRole` |  | "
                       "`Allow lambda:InvokeFunction on ${StepGLambdaFunction.Arn}, "
                       "${StepGLambdaFunction.Arn}:*` |")
    assert rows[4].startswith("| function added | `stepG` |  | `runtime python3.12, "
                              "memorySize 256, timeout 10, handler ")
    assert rows[-1] == ("| resource added [template.yaml] | `StepGLogGroup` |  | "
                        "`(AWS::Logs::LogGroup)` |")


# --- the normaliser, on the generated fragment of Order with edits made by hand -----------

ORDER = ROOT / "generated" / "order" / "serverless.yml"
Doc = dict[str, Any]


def _order() -> Doc:
    doc: Doc = parse_deployment(ORDER.read_text(encoding="utf-8"), str(ORDER))
    return doc


def _resources(doc: Doc) -> Doc:
    resources: Doc = doc["resources"]["Resources"]
    return resources


def _policy(doc: Doc, role: str) -> list[Doc]:
    statements: list[Doc] = _resources(doc)[role]["Properties"]["Policies"][0][
        "PolicyDocument"]["Statement"]
    return statements


def _reorder(doc: Doc) -> None:
    for statement in _policy(doc, "OrderShipRole"):
        if isinstance(statement["Action"], list):
            statement["Action"].reverse()
    _policy(doc, "OrderShipRole").reverse()
    doc["functions"] = dict(reversed(doc["functions"].items()))
    _resources(doc)["OrderProcessData"]["Properties"] = dict(
        reversed(_resources(doc)["OrderProcessData"]["Properties"].items()))


def _action_as_string(doc: Doc) -> None:
    for statement in _policy(doc, "OrderDecideRole"):
        if len(statement["Action"]) == 1:
            statement["Action"] = statement["Action"][0]


def _condition_dropped(doc: Doc) -> None:
    for statement in _policy(doc, "OrderShipRole"):
        statement.pop("Condition", None)


def _wildcard_action(doc: Doc) -> None:
    _policy(doc, "OrderShipRole").append({"Effect": "Allow", "Action": "s3:*",
                                          "Resource": {"Fn::GetAtt": ["OrderProcessData",
                                                                      "Arn"]}})


def _bucket_opened(doc: Doc) -> None:
    bucket = _resources(doc)["OrderProcessData"]["Properties"]
    bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] = False
    bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"] = {"SSEAlgorithm": "aws:kms",
                                            "KMSMasterKeyID": "alias/orders"}
    bucket["VersioningConfiguration"]["Status"] = "Suspended"
    bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] = 90
    policy = _resources(doc)["OrderProcessDataPolicy"]["Properties"]["PolicyDocument"]
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "TlsOnly"]
    policy["Statement"].append({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                "Resource": "arn:aws:s3:::public/*"})


def _function_settings(doc: Doc) -> None:
    ship = doc["functions"]["ship"]
    ship["runtime"] = "python3.13"
    ship["handler"] = "generated/order/handlers/ship2.handler"
    ship["environment"]["CARRIER"] = "dhl"
    del ship["environment"]["SFS3DSL_PREFIX"]
    ship["vpc"] = {"securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1", "subnet-2"]}
    ship["reservedConcurrency"] = 5


def _route_opened(doc: Doc) -> None:
    events = doc["functions"]["orderStartProcess"]["events"]
    events[0]["http"]["private"] = False
    doc["functions"]["ship"]["events"] = [{"http": {"path": "order/ship", "method": "put",
                                                    "private": True}}]


def _operations(doc: Doc) -> None:
    """What wt5's operations options add: notification targets, alarms, a dashboard."""
    machine = doc["stepFunctions"]["stateMachines"]["order"]
    machine["notifications"]["SUCCEEDED"] = [
        {"sqs": {"arn": "arn:aws:sqs:us-east-1:123456789012:done.fifo",
                 "messageGroupId": "order"}}]
    del machine["notifications"]["ABORTED"]
    machine["alarms"] = {"metrics": ["executionsFailed", "executionsTimedOut"]}
    _resources(doc)["OrderDashboard"] = {"Type": "AWS::CloudWatch::Dashboard",
                                         "Properties": {"DashboardBody": "{}"}}
    del _resources(doc)["OrderNotifications"]
    doc["provider"]["apiGateway"]["usagePlan"]["quota"]["limit"] = 100


NORMALISER: list[tuple[str, Callable[[Doc], None], list[str]]] = [
    ("reordering-is-no-change", _reorder, []),
    ("an-action-string-is-a-one-item-list", _action_as_string, []),
    ("a-dropped-condition-widens", _condition_dropped, [
        "Deployment: IAM widened",
        "  ! OrderShipRole: Allow s3:ListBucket on ${OrderProcessData.Arn} "
        "(widened: condition dropped)",
        "Deployment: IAM",
        '  - OrderShipRole: Allow s3:ListBucket on ${OrderProcessData.Arn} if '
        '{"StringLike":{"s3:prefix":["order/*"]}}',
        "Deployment: 1 widened, 1 IAM grants added, 1 IAM grants removed (serverless.yml)"]),
    ("a-wildcard-action-widens", _wildcard_action, [
        "Deployment: IAM widened",
        "  ! OrderShipRole: Allow s3:* on ${OrderProcessData.Arn} (widened: action *)",
        "Deployment: 1 widened, 1 IAM grants added (serverless.yml)"]),
    ("bucket-settings-and-policy", _bucket_opened, [
        "Deployment: IAM widened",
        '  ! OrderProcessData: Deny s3:* on ${OrderProcessData.Arn}, ${OrderProcessData.Arn}/*'
        ' to * if {"Bool":{"aws:SecureTransport":"false"}} (widened: deny removed)',
        "  ! OrderProcessData: Allow s3:GetObject on arn:aws:s3:::public/* to * "
        "(widened: principal *)",
        "  ! OrderProcessData.publicAccessBlock.RestrictPublicBuckets: true -> false "
        "(widened: public access block off)",
        "Deployment: buckets",
        '  ~ OrderProcessData.encryption.SSEAlgorithm: "AES256" -> "aws:kms"',
        '  + OrderProcessData.encryption.KMSMasterKeyID: "alias/orders"',
        '  ~ OrderProcessData.versioning.Status: "Enabled" -> "Suspended"',
        "  ~ OrderProcessData.lifecycle.Rules[expire-process-data].ExpirationInDays: 30 -> 90",
        "Deployment: 4 widened, 1 buckets changed (serverless.yml)"]),
    ("function-settings", _function_settings, [
        "Deployment: functions",
        '  ~ ship.handler: "generated/order/handlers/ship.handler" -> '
        '"generated/order/handlers/ship2.handler"',
        '  ~ ship.runtime: "python3.12" -> "python3.13"',
        '  + ship.environment.CARRIER: "dhl"',
        '  + ship.vpc.securityGroupIds: ["sg-1"]',
        '  + ship.vpc.subnetIds: ["subnet-1", "subnet-2"]',
        "  + ship.reservedConcurrency: 5",
        '  - ship.environment.SFS3DSL_PREFIX: "order/"',
        "Deployment: 1 functions changed (serverless.yml)"]),
    ("routes", _route_opened, [
        "Deployment: IAM widened",
        "  ! POST /order/start-process.private: true -> false (widened: no API key)",
        "Deployment: routes",
        "  + PUT /order/ship -> ship (API key required)",
        "Deployment: 1 widened, 1 routes added, 1 routes changed (serverless.yml)"]),
    ("operations-pieces-are-generic-lines", _operations, [
        "Deployment: API",
        "  ~ apiGateway.usagePlan.quota.limit: 5000 -> 100",
        "Deployment: state machines",
        '  + OrderStateMachine.alarms.metrics: ["executionsFailed", "executionsTimedOut"]',
        "Deployment: notifications",
        "  - OrderStateMachine ABORTED -> sns ${OrderNotifications}",
        '  + OrderStateMachine SUCCEEDED -> sqs {"arn":"arn:aws:sqs:us-east-1:123456789012:'
        'done.fifo","messageGroupId":"order"}',
        "Deployment: resources",
        "  - OrderNotifications (AWS::SNS::Topic)",
        "  + OrderDashboard (AWS::CloudWatch::Dashboard)",
        "Deployment: 1 API settings changed, 1 state machines changed, 1 notifications added, "
        "1 notifications removed, 1 resources added, 1 resources removed (serverless.yml)"]),
]


@pytest.mark.parametrize(("mutate", "want"), [c[1:] for c in NORMALISER],
                         ids=[c[0] for c in NORMALISER])
def test_the_normaliser_on_edited_fragments(mutate: Callable[[Doc], None],
                                            want: list[str]) -> None:
    old = _order()
    new = copy.deepcopy(old)
    mutate(new)
    diff = diff_deployments({"serverless.yml": old}, {"serverless.yml": new})
    assert render_deploy_text(diff).splitlines() == want


ODD_SHAPES: list[Any] = [
    None, [], "text", {"functions": None, "stepFunctions": [], "resources": "x"},
    {"functions": {"f": {"events": "http", "environment": ["A"]}},
     "provider": {"iam": {"role": {"statements": {"Effect": "Allow", "Action": "s3:*"}}}}},
    {"Resources": {"R": None, "S": {"Type": "AWS::IAM::Role", "Properties": "p"},
                   "B": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b"}},
                   "F": {"Type": "AWS::Serverless::Function",
                         "Properties": {"Events": {"E": {"Type": "SQS"}}, "Role": "r"}}}},
]


@pytest.mark.parametrize("odd", ODD_SHAPES, ids=[str(i) for i in range(len(ODD_SHAPES))])
def test_shapes_it_does_not_know_are_compared_not_refused(odd: Any) -> None:
    for old, new in ((_order(), odd), (odd, _order()), (odd, odd)):
        diff = diff_deployments({"serverless.yml": old}, {"serverless.yml": new})
        assert diff.is_empty is (old == new)
        assert json.loads(json.dumps(render_deploy_json(diff)))["files"] == ["serverless.yml"]


def test_a_change_in_both_files_is_one_line() -> None:
    fragment: Doc = {"functions": {"stepA": {"memorySize": 256,
                                             "vpc": {"subnetIds": ["s-1"]}}}}
    template: Doc = {"Resources": {"StepALambdaFunction": {
        "Type": "AWS::Serverless::Function",
        "Properties": {"MemorySize": 256, "CodeUri": "../..",
                       "VpcConfig": {"SubnetIds": ["s-1"]}}}}}
    old: dict[str, Doc] = {"serverless.yml": fragment, "template.yaml": template}
    new = copy.deepcopy(old)
    new["serverless.yml"]["functions"]["stepA"]["vpc"]["subnetIds"].append("s-2")
    new["template.yaml"]["Resources"]["StepALambdaFunction"]["Properties"]["VpcConfig"][
        "SubnetIds"].append("s-2")
    new["template.yaml"]["Resources"]["StepALambdaFunction"]["Properties"]["CodeUri"] = "."
    assert render_deploy_text(diff_deployments(old, new)).splitlines() == [
        "Deployment: functions",
        '  ~ stepA.vpc.subnetIds: ["s-1"] -> ["s-1", "s-2"]',
        '  ~ stepA.CodeUri: "../.." -> "." [template.yaml]',
        "Deployment: 1 functions changed (serverless.yml, template.yaml)"]


def test_cloudformation_short_tags_read_as_their_long_forms() -> None:
    text = "A: !Ref B\nC: !GetAtt D.Arn\nE: !Sub '${F}-x'\nG: !Join ['', [a, !Ref H]]\n"
    assert parse_deployment(text, "t.yaml") == {
        "A": {"Ref": "B"}, "C": {"Fn::GetAtt": ["D", "Arn"]}, "E": {"Fn::Sub": "${F}-x"},
        "G": {"Fn::Join": ["", ["a", {"Ref": "H"}]]}}


def test_a_broken_deployment_file_is_one_line_naming_it() -> None:
    with pytest.raises(LoadError, match=r"^g/x/serverless\.yml:2: invalid YAML: "):
        parse_deployment("a: 1\n b: [\n", "g/x/serverless.yml")


# --- through the CLI, between git revisions ---------------------------------------------------

TIMEOUT = _replace("sidecar.step(step_c, timeout_seconds=11)",
                   "sidecar.step(step_c, timeout_seconds=31)")
ASL = "generated/process-a/statemachine.asl.json"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project whose generated/process-a was compiled from NARROW (HEAD~1), then from STAR
    (HEAD), and is now, uncommitted, compiled from STAR with step c's timeout raised and
    step a exposing ``status``."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for the revision tests")
    monkeypatch.syspath_prepend(str(WORKFLOWS))
    before = set(sys.modules)
    target = tmp_path / "generated" / "process-a"
    target.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    for args in (["init", "-q"], ["config", "user.email", "t@example.com"],
                 ["config", "user.name", "t"]):
        _git(*args)
    (target / "handlers").mkdir()
    for i, edit in enumerate((NARROW, STAR, _chain(STAR, TIMEOUT, EXPOSE))):
        module = tmp_path / "modules" / f"v{i}" / "process_a.py"
        module.parent.mkdir(parents=True)
        module.write_text(edit(SOURCE), encoding="utf-8")
        (workflow,) = load_module_workflows(module)
        files, _ = workflow_artifacts(workflow, root=ROOT, targets=["serverless", "sam"])
        for name, text in files.items():
            (target / name).write_text(text, encoding="utf-8")
        if i < 2:
            _git("add", "generated")
            _git("commit", "-qm", f"v{i}")
    yield tmp_path
    for name in set(sys.modules) - before:
        if str(getattr(sys.modules[name], "__file__", "")).startswith(str(tmp_path)):
            del sys.modules[name]


def test_cli_text_between_two_revisions(repo: Path) -> None:
    result = _run("diff", f"HEAD~1:{ASL}", f"HEAD:{ASL}", "--no-color")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "== process-a",
        "No state machine changes.",
        "Deployment: IAM widened",
        "  ! ProcessAStepBRole: Allow dynamodb:GetItem on * (widened: resource *)",
        "Deployment: IAM",
        f"  - ProcessAStepBRole: Allow dynamodb:GetItem on {TABLE}",
        "Deployment: 1 widened, 1 IAM grants added, 1 IAM grants removed "
        "(serverless.yml, template.yaml, handlers)",
        ""]


def test_cli_text_since_a_revision_shows_both_sides(repo: Path) -> None:
    result = _run("diff", "--since", "HEAD", "--no-color")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "== process-a",
        "Fields",
        "  ~ States.step-c.TimeoutSeconds: 11 -> 31",
        "1 fields changed",
        "Deployment: functions",
        "  ~ stepC.timeout: 10 -> 30",
        "Deployment: side-car steps",
        '  + step-a.expose: ["status"]',
        "Deployment: 1 functions changed, 1 side-car steps changed "
        "(serverless.yml, template.yaml, handlers)",
        ""]


def test_cli_markdown_since_a_revision(repo: Path) -> None:
    result = _run("diff", "--since", "HEAD~1", "--format", "markdown")
    assert result.exit_code == 1, result.output
    machine, deployment = result.output.split("### Deployment changes\n", 1)
    assert machine.startswith("## process-a\n\n### State machine changes\n")
    assert machine.endswith("Yellow: changed.\n\n")  # a blank line before the section
    assert "| field changed | `States.step-c.TimeoutSeconds` | `11` | `31` |" in machine
    assert deployment == (
        "\n"
        "Compared: serverless.yml, template.yaml, handlers.\n"
        "\n"
        "**IAM widened**\n"
        "\n"
        "- `ProcessAStepBRole`: `Allow dynamodb:GetItem on *` (resource *)\n"
        "\n"
        "| change | what | old | new |\n"
        "|---|---|---|---|\n"
        f"| IAM statement removed | `ProcessAStepBRole` | `Allow dynamodb:GetItem on {TABLE}` |"
        "  |\n"
        "| function setting changed | `stepC.timeout` | `10` | `30` |\n"
        '| side-car step setting added | `step-a.expose` |  | `["status"]` |\n'
        "\n"
        "1 widened, 1 IAM grants added, 1 IAM grants removed, 1 functions changed, "
        "1 side-car steps changed.\n"
        "\n")


def test_cli_json_adds_a_deployment_key(repo: Path) -> None:
    result = _run("diff", "--since", "HEAD~1", "--format", "json")
    assert result.exit_code == 1, result.output
    entry = json.loads(result.output)["process-a"]
    assert list(entry) == ["summary", "top_level", "added", "removed", "renamed", "changed",
                           "transitions_added", "transitions_removed", "deployment"]
    assert [c["path"] for c in entry["changed"]] == ["States.step-c.TimeoutSeconds"]
    deployment = entry["deployment"]
    assert deployment["files"] == ALL
    assert [(c["category"], c["change"], c["subject"], c.get("field"), c.get("widened"),
             c["files"]) for c in deployment["changes"]] == [
        ("iam", "removed", "ProcessAStepBRole", None, None, BOTH),
        ("iam", "added", "ProcessAStepBRole", None, "resource *", BOTH),
        ("functions", "changed", "stepC", "timeout", None, BOTH),
        ("steps", "added", "step-a", "expose", None, ["handlers"])]


def test_cli_json_of_no_change_has_an_empty_deployment(repo: Path) -> None:
    result = _run("diff", f"HEAD:{ASL}", f"HEAD:{ASL}", "--format", "json")
    assert result.exit_code == 0, result.output
    deployment = json.loads(result.output)["process-a"]["deployment"]
    assert deployment["changes"] == []
    assert set(deployment["summary"].values()) == {0}


HANDLER = """\
from sfs3dsl_runtime import Requirement, StepSpec, make_handler
from workflows._steps import assess as _function
from workflows._steps import ready as _predicate

SPEC = StepSpec(
    workflow='poll-job',
    step='assess',
    requires=(
        Requirement('submit', 'process'),
        Requirement('poll', 'process', fresh=True),
    ),
    in_map=False,
    not_ready_error='S3DataPreconditionError',
    expose=('state', 'attempt'),
)
"""


@pytest.mark.parametrize(("text", "want"), [
    (HANDLER, ("assess", {
        "function": "workflows._steps.assess", "predicate": "workflows._steps.ready",
        "requires": ["submit (process)", "poll (process) fresh"], "in_map": False,
        "not_ready_error": "S3DataPreconditionError", "expose": ["state", "attempt"]})),
    (HANDLER.replace("in_map=False", "in_map=IN_MAP"), ("assess", {
        "function": "workflows._steps.assess", "predicate": "workflows._steps.ready",
        "requires": ["submit (process)", "poll (process) fresh"], "in_map": "IN_MAP",
        "not_ready_error": "S3DataPreconditionError", "expose": ["state", "attempt"]})),
    ("def start_process(event, context):\n    return {}\n", None),  # the facade: no SPEC
    ("SPEC = (\n", None),  # not Python
], ids=["a-step", "a-name-is-its-text", "another-handler", "broken"])
def test_a_generated_handler_read_back(text: str, want: Any) -> None:
    assert step_settings(text) == want


def test_the_real_poll_job_handlers_read_back() -> None:
    folder = ROOT / "generated" / "poll-job" / "handlers"
    steps = handlers_document({p.name: p.read_text(encoding="utf-8")
                               for p in folder.glob("*.py")})["sidecarSteps"]
    assert steps["assess"]["requires"][-1] == "poll (process) fresh"
    assert all(s["function"].startswith("workflows._poll_job_steps.") for s in steps.values())


INLINE = """\
from sfs3dsl import SideCar, Workflow

sidecar = SideCar(prefix="inline/")


def step_one(doc):
    return {}


flow = Workflow("inline", sidecar.step(step_one, timeout_seconds=TIMEOUT))
"""


def test_cli_a_module_outside_the_current_folder_is_its_own_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, timeout in (("old", 11), ("new", 21)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "flow.py").write_text(INLINE.replace("TIMEOUT", str(timeout)),
                                                 encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    old, new = str(tmp_path / "old" / "flow.py"), str(tmp_path / "new" / "flow.py")
    assert _run("diff", old, old).exit_code == 0
    result = _run("diff", old, new, "--no-color")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-3:] == [
        "  ~ stepOne.timeout: 10 -> 20",
        "Deployment: 1 functions changed (serverless.yml, template.yaml, handlers)",
        ""]


def _unencrypted(doc: Doc) -> None:
    del _resources(doc)["OrderProcessData"]["Properties"]["BucketEncryption"]


def test_a_bucket_losing_its_encryption_is_widened() -> None:
    old = _order()
    new = copy.deepcopy(old)
    _unencrypted(new)
    assert render_deploy_text(diff_deployments({"serverless.yml": old},
                                               {"serverless.yml": new})).splitlines() == [
        "Deployment: IAM widened",
        '  ! OrderProcessData.encryption.SSEAlgorithm: "AES256" (widened: encryption off)',
        "Deployment: buckets",
        "  - OrderProcessData.encryption.BucketKeyEnabled: false",
        "Deployment: 1 widened, 1 buckets changed (serverless.yml)"]


@pytest.mark.parametrize("color", [False, True])
def test_text_is_coloured_only_when_asked(color: bool) -> None:
    old = _order()
    new = copy.deepcopy(old)
    _wildcard_action(new)
    text = render_deploy_text(diff_deployments({"s": old}, {"s": new}), color=color)
    assert ("\x1b[1;31m  ! OrderShipRole: Allow s3:* on" in text) is color
    assert ("\x1b[" in text) is color
