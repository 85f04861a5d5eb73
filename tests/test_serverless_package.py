"""Every generated fragment packages with the Serverless Framework, and cfn-lint accepts it.

One small service merges the fragments of all workflows in ``generated/`` (their logical ids
are prefixed by workflow, so they coexist) and is packaged once: Serverless Framework 3.40.0
with serverless-step-functions 3.28.1 (``scripts/install-serverless.sh`` puts them under
``$SFS3DSL_TOOLS/serverless``), no credentials. cfn-lint 1.58.0 then checks the template, with
each state machine's ``Fn::Sub`` definition extracted so that rule E3601 sees it.

These tests FAIL, never skip, when a tool is missing: the fragments are the product.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sfs3dsl.deploy.serverless.iam import ENI_ACTIONS
from sfs3dsl.deploy.serverless.merge import merge_workflows
from sfs3dsl.deploy.serverless.names import Ids

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
TOOLS = Path(os.environ.get("SFS3DSL_TOOLS") or Path.home() / ".cache" / "sfs3dsl-tools")
SLS_DIR = TOOLS / "serverless" / "node_modules"
SERVERLESS = SLS_DIR / ".bin" / "serverless"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
FRAGMENTS = sorted((REPO / "generated").glob("*/serverless.yml"))
BASE = {"service": "sfs3dsl-check", "frameworkVersion": "3",
        "provider": {"name": "aws", "runtime": "python3.12", "region": "us-east-1",
                     "stage": "dev"},
        "plugins": {"localPath": str(SLS_DIR), "modules": ["serverless-step-functions"]}}
INSTALL = "run `bash scripts/install-serverless.sh` (Serverless 3.40.0, plugin 3.28.1, cfn-lint)"


def _fragments() -> dict[str, dict[str, Any]]:
    """Every generated fragment, by workflow."""
    return {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in FRAGMENTS}


def _require_tools() -> None:
    if not SERVERLESS.exists() or not (SLS_DIR / "serverless-step-functions").is_dir():
        pytest.fail(f"serverless is not installed under {SLS_DIR}: {INSTALL}")
    if not CFN_LINT.exists() and shutil.which("cfn-lint") is None:
        pytest.fail(f"cfn-lint is not installed in {CFN_LINT.parent}: {INSTALL}")
    if not FRAGMENTS:
        pytest.fail("no generated/*/serverless.yml: run `sfs3dsl compile`")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The CloudFormation template of one service holding every fragment."""
    _require_tools()
    service = tmp_path_factory.mktemp("service")
    for folder in ("generated", "workflows", "sfs3dsl_runtime"):
        shutil.copytree(REPO / folder, service / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    config = merge_workflows(BASE, _fragments())
    (service / "serverless.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                            encoding="utf-8")
    env = {**os.environ, "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off",
           "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
           "HOME": str(service)}
    started = time.monotonic()
    done = subprocess.run([str(SERVERLESS), "package", "--stage", "dev", "--region",
                           "us-east-1"], cwd=service, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        pytest.fail(f"serverless package failed ({done.returncode}):\n{done.stdout}\n"
                    f"{done.stderr}")
    template = service / ".serverless" / "cloudformation-template-update-stack.json"
    data: dict[str, Any] = json.loads(template.read_text(encoding="utf-8"))
    yield {"template": data, "path": template, "seconds": elapsed, "log": done.stdout}


def _definitions() -> dict[str, dict[str, Any]]:
    """The compiled ASL of each workflow, by its state machine's logical id."""

    return {Ids(p.parent.name).state_machine: json.loads(
        (p.parent / "statemachine.asl.json").read_text(encoding="utf-8")) for p in FRAGMENTS}


def _strip_added_query_language(definition: Any, original: Any) -> None:
    """``validate: true`` adds QueryLanguage to every state; cfn-lint's schema rejects it on
    some types. Drop what the plugin added (the compiled ASL is what sfs3dsl answers for)."""
    work = [(definition, original)]
    while work:
        got, want = work.pop()
        for name, state in got.get("States", {}).items():
            source = want.get("States", {}).get(name, {})
            if "QueryLanguage" in state and "QueryLanguage" not in source:
                del state["QueryLanguage"]
            for b, branch in enumerate(state.get("Branches", ())):
                work.append((branch, source["Branches"][b]))
            for key in ("ItemProcessor", "Iterator"):
                if key in state:
                    work.append((state[key], source[key]))


def _extracted(template: dict[str, Any]) -> dict[str, Any]:
    """The template with each ``Fn::Sub`` definition as a plain DefinitionString."""
    originals = _definitions()
    out: dict[str, Any] = json.loads(json.dumps(template))
    for logical, resource in out["Resources"].items():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        text = resource["Properties"]["DefinitionString"]
        if isinstance(text, dict):  # {"Fn::Sub": [text, {name: value}]} or {"Fn::Sub": text}
            sub = text["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) else sub
        text = re.sub(r"\$\{[^}]+\}", "arn:aws:lambda:us-east-1:123456789012:function:f", text)
        definition = json.loads(text)
        _strip_added_query_language(definition, originals[logical])
        resource["Properties"]["DefinitionString"] = json.dumps(definition)
    return out


def test_the_template_holds_every_state_machine(packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    machines = {k for k, v in resources.items() if v["Type"] == "AWS::StepFunctions::StateMachine"}
    assert machines == set(_definitions())
    print(f"serverless package took {packaged['seconds']:.1f} s")


def test_the_api_is_private_behind_a_usage_plan(packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    methods = [v["Properties"] for v in resources.values()
               if v["Type"] == "AWS::ApiGateway::Method" and v["Properties"]["HttpMethod"]
               != "OPTIONS"]
    assert len(methods) == 3 * 5 + 3 * 7  # facades of 5 side-car workflows, 7 plugin APIs
    assert all(m["ApiKeyRequired"] is True for m in methods)
    (plan,) = [v["Properties"] for v in resources.values()
               if v["Type"] == "AWS::ApiGateway::UsagePlan"]
    assert plan["Quota"] == {"Limit": 5000, "Period": "MONTH"}
    assert plan["Throttle"] == {"BurstLimit": 200, "RateLimit": 100}


def test_the_buckets_are_encrypted(packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    buckets = {k: v["Properties"] for k, v in resources.items() if v["Type"] == "AWS::S3::Bucket"
               and k.endswith("ProcessData")}
    assert set(buckets) == {"ProcessAProcessData", "DownstreamProcessData",
                            "OrderProcessData", "PollJobProcessData", "MonitoredProcessData"}
    for props in buckets.values():
        rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    step_a = resources["StepALambdaFunction"]["Properties"]
    assert step_a["Handler"] == "generated/process-a/handlers/step_a.handler"
    assert step_a["Timeout"] == 10
    assert step_a["Role"] == {"Fn::GetAtt": ["ProcessAStepARole", "Arn"]}


def test_cfn_lint_finds_no_error(packaged: dict[str, Any], tmp_path: Path) -> None:
    extracted = tmp_path / "template.json"
    extracted.write_text(json.dumps(_extracted(packaged["template"]), indent=1),
                         encoding="utf-8")
    binary = str(CFN_LINT) if CFN_LINT.exists() else str(shutil.which("cfn-lint"))
    done = subprocess.run([binary, "--format", "parseable", "--ignore-checks", "W3005", "--",
                           str(packaged["path"]), str(extracted)], capture_output=True,
                          text=True, timeout=600, check=False)
    errors = [line for line in done.stdout.splitlines() if ":E" in line]
    assert errors == [], done.stdout
    assert done.returncode in (0, 4, 8), done.stdout + done.stderr  # 4/8: warnings, infos


# --- the operations pieces (workflows/monitored.py switches every one on) -----------------

MONITORED_VPC = {"SecurityGroupIds": ["sg-0123456789abcdef0"],
                 "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]}
ARN = "arn:aws:{}:us-east-1:123456789012:{}"


def _resources(packaged: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v["Properties"] for k, v in packaged["template"]["Resources"].items()
            if v["Type"] == kind}


def test_every_monitored_function_runs_in_the_vpc_and_its_role_may_place_it(
        packaged: dict[str, Any]) -> None:
    functions = _resources(packaged, "AWS::Lambda::Function")
    roles = _resources(packaged, "AWS::IAM::Role")
    keys = list(_fragments()["monitored"]["functions"])
    assert keys == ["price", "book", "monitoredStartProcess", "monitoredProcessState",
                    "monitoredProcessData", "monitoredNotices"]
    for key in keys:
        props = functions[key[:1].upper() + key[1:] + "LambdaFunction"]
        assert props["VpcConfig"] == MONITORED_VPC
        role = roles[props["Role"]["Fn::GetAtt"][0]]
        granted = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
        assert {"Effect": "Allow", "Action": ENI_ACTIONS, "Resource": "*"} in granted
    # the other workflows are not in a VPC, and their roles get no EC2 action
    in_vpc = sorted(k for k, f in functions.items() if "VpcConfig" in f)
    assert in_vpc == sorted(k[:1].upper() + k[1:] + "LambdaFunction" for k in keys)
    assert sorted(k for k, r in roles.items() if "ec2:CreateNetworkInterface" in json.dumps(r)
                  ) == sorted(["MonitoredPriceRole", "MonitoredBookRole",
                               "MonitoredStartProcessRole", "MonitoredProcessStateRole",
                               "MonitoredProcessDataRole", "MonitoredCompletionNoticesRole"])


def _text(value: Any) -> str:
    """A ``Fn::Join`` of text and references as text, each reference as ``<Ref X>``."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return str(sep).join(_text(p) for p in parts)
    ((function, argument),) = value.items()
    return f"<{function.removeprefix('Fn::')} {argument}>"


def test_the_monitored_dashboard_shows_executions_latency_and_steps(
        packaged: dict[str, Any]) -> None:
    dashboards = _resources(packaged, "AWS::CloudWatch::Dashboard")
    assert list(dashboards) == ["MonitoredDashboard"]
    props = dashboards["MonitoredDashboard"]
    assert props["DashboardName"] == "monitored-dev"
    widgets = json.loads(_text(props["DashboardBody"]))["widgets"]
    assert [w["properties"]["title"] for w in widgets] == [
        "Executions", "Execution latency (ms)", "Step latency (ms, Lambda Duration)",
        "Step errors (Lambda Errors)"]
    assert all(w["properties"]["region"] == "<Ref AWS::Region>" for w in widgets)
    machine = "<Ref MonitoredStateMachine>"
    assert widgets[0]["properties"]["metrics"] == [
        ["AWS/States", m, "StateMachineArn", machine]
        for m in ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed",
                  "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled")]
    assert widgets[0]["properties"]["stat"] == "Sum"
    assert widgets[1]["properties"]["metrics"] == [
        ["AWS/States", "ExecutionTime", "StateMachineArn", machine, {"stat": "p50"}],
        ["AWS/States", "ExecutionTime", "StateMachineArn", machine, {"stat": "p99"}]]
    assert widgets[2]["properties"]["metrics"] == [
        ["AWS/Lambda", "Duration", "FunctionName", f"<Ref {f}LambdaFunction>",
         {"label": f.lower()}] for f in ("Price", "Book")]
    assert [m[1] for m in widgets[3]["properties"]["metrics"]] == ["Errors", "Errors"]


def test_the_monitored_alarms_fire_on_failed_and_timed_out_executions(
        packaged: dict[str, Any]) -> None:
    alarms = _resources(packaged, "AWS::CloudWatch::Alarm")
    assert sorted(alarms) == ["MonitoredStateMachineExecutionsFailedAlarm",
                              "MonitoredStateMachineExecutionsTimedOutAlarm"]
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        props = alarms[f"MonitoredStateMachine{metric}Alarm"]
        assert (props["Namespace"], props["MetricName"], props["Statistic"]) == (
            "AWS/States", metric, "Sum")
        assert (props["Threshold"], props["Period"], props["EvaluationPeriods"],
                props["ComparisonOperator"]) == (1, 60, 1, "GreaterThanOrEqualToThreshold")
        assert props["AlarmActions"] == [{"Ref": "MonitoredAlarms"}]
        assert props["TreatMissingData"] == "notBreaching"
        assert props["Dimensions"] == [{"Name": "StateMachineArn",
                                        "Value": {"Ref": "MonitoredStateMachine"}}]
    assert packaged["template"]["Resources"]["MonitoredAlarms"]["Type"] == "AWS::SNS::Topic"


def test_the_monitored_notifications_reach_every_target(packaged: dict[str, Any]) -> None:
    rules = _resources(packaged, "AWS::Events::Rule")
    topic = {"Ref": "MonitoredNotifications"}
    sns, fifo, audit = (ARN.format("sns", "monitored-status"),
                        ARN.format("sqs", "monitored-failures.fifo"),
                        ARN.format("sqs", "monitored-audit"))
    function = ARN.format("lambda", "function:monitored-on-failure")
    stream = ARN.format("kinesis", "stream/monitored-events")
    archive = ARN.format("firehose", "deliverystream/monitored-archive")
    recovery = ARN.format("states", "stateMachine:monitored-recovery")
    expected = {"ABORTED": [topic, fifo, stream, archive],
                "FAILED": [topic, fifo, function, recovery],
                "RUNNING": [sns], "SUCCEEDED": [sns, audit, stream, archive],
                "TIMED_OUT": [topic, fifo, function, stream]}
    role = {"Fn::GetAtt": ["MonitoredStateMachineNotificationsIamRole", "Arn"]}
    for status, arns in expected.items():
        rule = rules[f"MonitoredStateMachineNotifications{status.replace('_', '')}EventRule"]
        assert rule["EventPattern"]["detail"] == {
            "status": [status], "stateMachineArn": [{"Ref": "MonitoredStateMachine"}]}
        targets = rule["Targets"]
        assert [t["Arn"] for t in targets] == arns
        for target in targets:
            extra = {k: v for k, v in target.items() if k not in ("Arn", "Id")}
            if target["Arn"] == fifo:
                assert extra == {"SqsParameters": {"MessageGroupId": "monitored"}}
            elif target["Arn"] == stream:
                assert extra == {"KinesisParameters": {"PartitionKeyPath": "$.detail.name"}}
            elif target["Arn"] == recovery:
                assert extra == {"RoleArn": role}
            else:
                assert extra == {}
        assert rule["RoleArn"] == role  # EventBridge assumes it for Kinesis and Firehose
    delivery = _resources(packaged, "AWS::IAM::Role")["MonitoredStateMachineNotificationsIamRole"]
    granted = {(s["Action"], json.dumps(s["Resource"])) for p in delivery["Policies"]
               for s in p["PolicyDocument"]["Statement"]}
    assert granted == {("kinesis:PutRecord", json.dumps(stream)),
                       ("firehose:PutRecord", json.dumps(archive)),
                       ("states:StartExecution", json.dumps(recovery))}
    mine = {k: v for k, v in packaged["template"]["Resources"].items()
            if k.startswith("MonitoredStateMachineResourcePolicy")}
    topics = {json.dumps(v["Properties"]["Topics"]) for v in mine.values()
              if v["Type"] == "AWS::SNS::TopicPolicy"}
    assert topics == {json.dumps([topic]), json.dumps([sns])}
    queues = {v["Properties"]["PolicyDocument"]["Statement"]["Resource"] for v in mine.values()
              if v["Type"] == "AWS::SQS::QueuePolicy"}
    assert queues == {fifo, audit}
    assert [v["Properties"]["FunctionName"] for v in mine.values()
            if v["Type"] == "AWS::Lambda::Permission"] == [function, function]


# --- several workflows in one service -------------------------------------------------------

def test_merged_workflows_keep_their_own_plans_keys_and_resources(
        packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    fragments = _fragments()
    assert len(fragments) == 12
    owners: dict[str, list[str]] = {}
    for name, fragment in fragments.items():
        for logical, resource in fragment.get("resources", {}).get("Resources", {}).items():
            owners.setdefault(logical, []).append(name)
            assert resources[logical]["Type"] == resource["Type"], logical
        for key in fragment.get("functions", {}):
            owners.setdefault(key[:1].upper() + key[1:] + "LambdaFunction", []).append(name)
            assert key[:1].upper() + key[1:] + "LambdaFunction" in resources
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    # each workflow its own key, named after it, in the service's one usage plan (the
    # plugin compiles its http events' keys itself and knows one plan only)
    keys = {k: v["Properties"].get("Name") for k, v in resources.items()
            if v["Type"] == "AWS::ApiGateway::ApiKey"}
    assert sorted(keys.values()) == sorted(f"{name}-dev" for name in fragments)
    links = {v["Properties"]["KeyId"]["Ref"]: v["Properties"]["UsagePlanId"]["Ref"]
             for v in resources.values() if v["Type"] == "AWS::ApiGateway::UsagePlanKey"}
    assert links == dict.fromkeys(keys, "ApiGatewayUsagePlan")


def test_two_workflows_with_one_step_name_are_refused_naming_both() -> None:
    from sfs3dsl.core.errors import BuildError

    fragments = _fragments()
    clash = json.loads(json.dumps(fragments["order"]))
    clash["functions"]["stepA"] = fragments["process-a"]["functions"]["stepA"] | {
        "handler": "generated/order/handlers/step_a.handler"}
    with pytest.raises(BuildError) as err:
        merge_workflows(BASE, {"process-a": fragments["process-a"], "order": clash})
    assert str(err.value) == (
        "workflows 'process-a' and 'order' both define functions.stepA, differently, so one "
        "would replace the other in the service; fix: rename the step (a function's key is "
        "its step's name) or the workflow in one of them")


def test_two_workflows_asking_for_different_usage_plans_are_refused_naming_both() -> None:
    from sfs3dsl.core.errors import BuildError

    fragments = _fragments()
    other = json.loads(json.dumps(fragments["order"]))
    other["provider"]["apiGateway"]["usagePlan"]["quota"]["limit"] = 100
    with pytest.raises(BuildError) as err:
        merge_workflows(BASE, {"process-a": fragments["process-a"], "order": other})
    assert str(err.value) == (
        "workflows 'process-a' and 'order' both define provider.apiGateway.usagePlan, "
        "differently, so one would replace the other in the service; fix: give both the "
        "same usage plan options")


def audit_step(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


def test_two_workflows_whose_names_run_together_alike_are_refused_naming_both() -> None:
    # a role's logical id is the workflow's name then the step's: order-audit + check and
    # order + audit-check both make OrderAuditCheckRole (docs/deploy.md)
    from sfs3dsl import SideCar, Workflow
    from sfs3dsl.core.errors import BuildError
    from sfs3dsl.deploy.artifacts import workflow_artifacts

    root = Path(__file__).resolve().parents[1]
    fragments = {}
    for workflow, step in (("order-audit", "check"), ("order", "audit-check")):
        files, _ = workflow_artifacts(Workflow(workflow, SideCar(prefix=f"{workflow}/").step(
            audit_step, name=step)), root=root)
        fragments[workflow] = yaml.safe_load(files["serverless.yml"])
        assert "OrderAuditCheckRole" in fragments[workflow]["resources"]["Resources"]
    with pytest.raises(BuildError) as err:
        merge_workflows(BASE, fragments)
    assert "workflows 'order-audit' and 'order' both define" in str(err.value)
    assert "OrderAuditCheckRole" in str(err.value)
