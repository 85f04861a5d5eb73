"""``sfs3dsl compile --target sam``: every workflow's SAM template passes cfn-lint 1.58.0 and
``sam validate --lint`` (aws-sam-cli 1.170.0, offline; ``scripts/install-sam.sh`` puts it in
``$SFS3DSL_TOOLS/sam/venv``), and holds the state machine, functions, bucket, private API and
least-privilege IAM the serverless.yml fragment holds.

These tests FAIL, never skip, when a tool is missing.
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
import yaml
from iam_checks import assert_no_wildcard_grants, statements

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
TOOLS = Path(os.environ.get("SFS3DSL_TOOLS") or Path.home() / ".cache" / "sfs3dsl-tools")
SAM = TOOLS / "sam" / "venv" / "bin" / "sam"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
NAMES = sorted(p.parent.name for p in (REPO / "generated").glob("*/statemachine.asl.json"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's workflows (without ``sfs3dsl_runtime``: the runtime comes as
    the template's layer) compiled with ``--target serverless --target sam``."""
    root = tmp_path_factory.mktemp("sam-project")
    shutil.copytree(REPO / "workflows", root / "workflows",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "sfs3dsl", "compile", "--target", "serverless",
                           "--target", "sam"], cwd=root, capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return root


def _template(project: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (project / "generated" / name / "template.yaml").read_text(encoding="utf-8"))
    return data


def test_every_workflow_gets_a_template(project: Path) -> None:
    assert NAMES, "no generated/*/statemachine.asl.json: run `sfs3dsl compile`"
    assert sorted(p.parent.name for p in (project / "generated").glob("*/template.yaml")) == NAMES


def test_cfn_lint_finds_no_error(project: Path) -> None:
    binary = str(CFN_LINT) if CFN_LINT.exists() else shutil.which("cfn-lint")
    if binary is None:
        pytest.fail("cfn-lint is not installed: run `bash scripts/setup.sh --test`")
    paths = [str(project / "generated" / n / "template.yaml") for n in NAMES]
    done = subprocess.run([binary, "--format", "parseable", "--", *paths], capture_output=True,
                          text=True, timeout=600, check=False)
    assert [line for line in done.stdout.splitlines() if ":E" in line] == [], done.stdout
    assert done.returncode in (0, 4, 8), done.stdout + done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_sam_validate_lint_accepts(project: Path, name: str) -> None:
    if not SAM.exists():
        pytest.fail(f"sam is not installed at {SAM}: run `bash scripts/install-sam.sh`")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(SAM_CLI_TELEMETRY="0", HOME=str(project))  # no credentials, no profile
    done = subprocess.run([str(SAM), "validate", "--lint", "--template", "template.yaml",
                           "--region", "us-east-1"], cwd=project / "generated" / name,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is a valid SAM Template" in done.stdout + done.stderr


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == kind}


def test_process_a_state_machine_and_functions(project: Path) -> None:
    t = _template(project, "process-a")
    assert t["Transform"] == "AWS::Serverless-2016-10-31"
    machines = _of_type(t, "AWS::Serverless::StateMachine")
    assert set(machines) == {"ProcessAStateMachine", "DownstreamStateMachine"}
    pa = machines["ProcessAStateMachine"]
    assert pa["DefinitionUri"] == "statemachine.asl.json"
    assert machines["DownstreamStateMachine"]["DefinitionUri"] == \
        "../downstream/statemachine.asl.json"
    assert pa["DefinitionSubstitutions"] == {
        f"Step{x}FunctionArn": {"Fn::GetAtt": [f"Step{x}LambdaFunction", "Arn"]}
        for x in "ABCDEF"}
    assert pa["Name"] == {"Fn::Sub": "process-a-${Stage}"}
    functions = _of_type(t, "AWS::Serverless::Function")
    assert sorted(functions) == sorted(
        [f"Step{x}LambdaFunction" for x in "ABCDEF"]
        + [f"Downstream{x}LambdaFunction" for x in "ABC"]
        + [f"{w}{p}LambdaFunction" for w in ("ProcessA", "Downstream")
           for p in ("StartProcess", "ProcessState", "ProcessData", "Notices")])
    rules = {k: r for k, r in _of_type(t, "AWS::Events::Rule").items()
             if "CompletionNotice" in k}
    assert {k: r["EventPattern"]["detail"]["stateMachineArn"] for k, r in rules.items()} == {
        "ProcessACompletionNoticeRule": [{"Ref": "ProcessAStateMachine"}],
        "DownstreamCompletionNoticeRule": [{"Ref": "DownstreamStateMachine"}]}
    assert functions["ProcessANoticesLambdaFunction"]["Handler"] == \
        "generated/process-a/handlers/notices.publish"
    step_a = functions["StepALambdaFunction"]
    assert step_a["Handler"] == "generated/process-a/handlers/step_a.handler"
    assert step_a["CodeUri"] == "../.."
    assert step_a["Timeout"] == 10
    assert step_a["Role"] == {"Fn::GetAtt": ["ProcessAStepARole", "Arn"]}
    assert step_a["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": {"Ref": "StepALogGroup"}}
    # the ASL beside the template is the compiled one, unchanged
    asl = (project / "generated" / "process-a" / "statemachine.asl.json").read_text()
    assert json.loads(asl) == json.loads(
        (REPO / "generated" / "process-a" / "statemachine.asl.json").read_text())


def test_process_a_bucket_is_encrypted_and_private(project: Path) -> None:
    t = _template(project, "process-a")
    bucket = _of_type(t, "AWS::S3::Bucket")["ProcessAProcessData"]
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True}
    policy = _of_type(t, "AWS::S3::BucketPolicy")["ProcessAProcessDataPolicy"]
    assert [s["Sid"] for s in policy["PolicyDocument"]["Statement"]] == [
        "TlsOnly", "EncryptedWritesOnly"]


def test_process_a_api_is_private_with_keys_and_a_usage_plan(project: Path) -> None:
    t = _template(project, "process-a")
    api = _of_type(t, "AWS::Serverless::Api")["ProcessAApi"]
    assert api["Auth"] == {"ApiKeyRequired": True, "UsagePlan": {
        "CreateUsagePlan": "PER_API", "UsagePlanName": {"Fn::Sub": "process-a-${Stage}"},
        "Quota": {"Limit": 5000, "Period": "MONTH"},
        "Throttle": {"BurstLimit": 200, "RateLimit": 100}}}
    start = _of_type(t, "AWS::Serverless::Function")["ProcessAStartProcessLambdaFunction"]
    assert start["Events"] == {"ProcessAStartProcessPost": {"Type": "Api", "Properties": {
        "RestApiId": {"Ref": "ProcessAApi"}, "Path": "/process-a/start-process",
        "Method": "post", "Auth": {"ApiKeyRequired": True}}}}
    state = _of_type(t, "AWS::Serverless::Function")["ProcessAProcessStateLambdaFunction"]
    (event,) = state["Events"].values()
    assert event["Properties"]["Path"] == "/process-a/process-state/{transactionId}"
    assert event["Properties"]["RequestParameters"] == [
        {"method.request.path.transactionId": {"Required": True}}]



@pytest.mark.parametrize("name", NAMES)
def test_no_role_grants_s3_states_or_lambda_on_everything(project: Path, name: str) -> None:
    roles = _of_type(_template(project, name), "AWS::IAM::Role")
    assert_no_wildcard_grants(roles)


def test_state_machine_role_invokes_only_its_functions(project: Path) -> None:
    roles = _of_type(_template(project, "process-a"), "AWS::IAM::Role")
    role = roles["ProcessAStateMachineRole"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "states.amazonaws.com"}
    (statement,) = statements(role)
    assert statement["Action"] == ["lambda:InvokeFunction"]
    arns = [{"Fn::GetAtt": [f"Step{x}LambdaFunction", "Arn"]} for x in "ABCDEF"]
    assert statement["Resource"] == [*arns, *({"Fn::Join": ["", [a, ":*"]]} for a in arns)]
    roles = _of_type(_template(project, "reminder"), "AWS::IAM::Role")
    reminder = roles["ReminderStateMachineRole"]
    assert [(s["Action"], s["Resource"]) for s in statements(reminder)] == [
        (["lambda:InvokeFunction"], [{"Fn::GetAtt": ["ConvdateLambdaFunction", "Arn"]},
                                     {"Fn::Join": ["", [{"Fn::GetAtt": [
                                         "ConvdateLambdaFunction", "Arn"]}, ":*"]]}]),
        (["sns:Publish"], [{"Ref": "ReminderTopic"}])]


def test_notifications_become_an_eventbridge_rule(project: Path) -> None:
    t = _template(project, "process-a")
    rule = _of_type(t, "AWS::Events::Rule")["ProcessANotify1Rule"]
    assert rule["EventPattern"] == {
        "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["ABORTED", "FAILED", "TIMED_OUT"],
                   "stateMachineArn": [{"Ref": "ProcessAStateMachine"}]}}
    assert rule["Targets"] == [{"Id": "sns1", "Arn": {"Ref": "ProcessANotifications"}}]
    policy = _of_type(t, "AWS::SNS::TopicPolicy")["ProcessANotify1TopicPolicy"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {
        "Fn::GetAtt": ["ProcessANotify1Rule", "Arn"]}}}


# --- the operations pieces (workflows/monitored.py switches every one on) -----------------

ENI = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
       "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
       "ec2:UnassignPrivateIpAddresses"]
ARN = "arn:aws:{}:us-east-1:123456789012:{}"


def test_monitored_functions_run_in_the_vpc_and_their_roles_may_place_them(
        project: Path) -> None:
    t = _template(project, "monitored")
    functions = _of_type(t, "AWS::Serverless::Function")
    assert sorted(functions) == sorted(["PriceLambdaFunction", "BookLambdaFunction",
                                        *(f"Monitored{p}LambdaFunction" for p in (
                                            "StartProcess", "ProcessState", "ProcessData",
                                            "Notices"))])
    roles = _of_type(t, "AWS::IAM::Role")
    for props in functions.values():
        assert props["VpcConfig"] == {
            "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
            "SecurityGroupIds": ["sg-0123456789abcdef0"]}
        role = roles[props["Role"]["Fn::GetAtt"][0]]
        assert {"Effect": "Allow", "Action": ENI, "Resource": "*"} in statements(role)
    # no function of a workflow without vpc= is in a VPC
    assert all("VpcConfig" not in f
               for f in _of_type(_template(project, "order"), "AWS::Serverless::Function")
               .values())


def test_monitored_dashboard_and_alarms(project: Path) -> None:
    t = _template(project, "monitored")
    dashboard = _of_type(t, "AWS::CloudWatch::Dashboard")["MonitoredDashboard"]
    assert dashboard["DashboardName"] == {"Fn::Sub": "monitored-${Stage}"}
    parts = dashboard["DashboardBody"]["Fn::Join"][1]
    assert {"Ref": "MonitoredStateMachine"} in parts
    assert {"Ref": "PriceLambdaFunction"} in parts and {"Ref": "BookLambdaFunction"} in parts
    body = json.loads("".join(p if isinstance(p, str) else '"' + "@" + '"' for p in parts)
                      .replace('""@""', '"@"'))
    assert [m[1] for m in body["widgets"][0]["properties"]["metrics"]] == [
        "ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut",
        "ExecutionsAborted", "ExecutionThrottled"]
    assert [m[1] for m in body["widgets"][1]["properties"]["metrics"]] == [
        "ExecutionTime", "ExecutionTime"]
    alarms = _of_type(t, "AWS::CloudWatch::Alarm")
    assert sorted(alarms) == ["MonitoredStateMachineExecutionsFailedAlarm",
                              "MonitoredStateMachineExecutionsTimedOutAlarm"]
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        alarm = alarms[f"MonitoredStateMachine{metric}Alarm"]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Threshold"],
                alarm["ComparisonOperator"], alarm["TreatMissingData"]) == (
            "AWS/States", metric, 1, "GreaterThanOrEqualToThreshold", "notBreaching")
        assert alarm["AlarmActions"] == [{"Ref": "MonitoredAlarms"}]
        assert alarm["Dimensions"] == [{"Name": "StateMachineArn",
                                        "Value": {"Ref": "MonitoredStateMachine"}}]


def test_monitored_notifications_reach_every_target_with_its_permission(project: Path) -> None:
    t = _template(project, "monitored")
    rules = {k: r for k, r in _of_type(t, "AWS::Events::Rule").items() if "Notify" in k}
    targets = {}
    for logical, rule in rules.items():
        (target,) = rule["Targets"]
        targets[json.dumps(target["Arn"])] = (rule["EventPattern"]["detail"]["status"], target,
                                             logical)
    fifo = ARN.format("sqs", "monitored-failures.fifo")
    stream = ARN.format("kinesis", "stream/monitored-events")
    archive = ARN.format("firehose", "deliverystream/monitored-archive")
    recovery = ARN.format("states", "stateMachine:monitored-recovery")
    function = ARN.format("lambda", "function:monitored-on-failure")
    expected = {json.dumps({"Ref": "MonitoredNotifications"}): ["ABORTED", "FAILED", "TIMED_OUT"],
                json.dumps(ARN.format("sns", "monitored-status")): ["RUNNING", "SUCCEEDED"],
                json.dumps(fifo): ["ABORTED", "FAILED", "TIMED_OUT"],
                json.dumps(ARN.format("sqs", "monitored-audit")): ["SUCCEEDED"],
                json.dumps(function): ["FAILED", "TIMED_OUT"],
                json.dumps(stream): ["ABORTED", "SUCCEEDED", "TIMED_OUT"],
                json.dumps(archive): ["ABORTED", "SUCCEEDED"],
                json.dumps(recovery): ["FAILED"]}
    assert {arn: statuses for arn, (statuses, _, _) in targets.items()} == expected
    assert targets[json.dumps(fifo)][1]["SqsParameters"] == {"MessageGroupId": "monitored"}
    assert targets[json.dumps(stream)][1]["KinesisParameters"] == {
        "PartitionKeyPath": "$.detail.name"}
    roles = _of_type(t, "AWS::IAM::Role")
    for arn, actions in ((stream, ["kinesis:PutRecord", "kinesis:PutRecords"]),
                         (archive, ["firehose:PutRecord", "firehose:PutRecordBatch"]),
                         (recovery, ["states:StartExecution"])):
        role = roles[targets[json.dumps(arn)][1]["RoleArn"]["Fn::GetAtt"][0]]
        assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
            "Service": "events.amazonaws.com"}
        assert statements(role) == [{"Effect": "Allow", "Action": actions, "Resource": arn}]
    # the resource policies, each for its rule only
    queue_policies = _of_type(t, "AWS::SQS::QueuePolicy")
    assert sorted(p["Queues"][0] for p in queue_policies.values()) == [
        "https://sqs.us-east-1.amazonaws.com/123456789012/monitored-audit",
        "https://sqs.us-east-1.amazonaws.com/123456789012/monitored-failures.fifo"]
    topic_policies = _of_type(t, "AWS::SNS::TopicPolicy")
    assert len([p for p in topic_policies.values()
                if p["Topics"] != [{"Ref": "MonitoredCompletionNotices"}]]) == 2
    (permission,) = [p for k, p in _of_type(t, "AWS::Lambda::Permission").items()
                     if "Notify" in k]
    assert permission["FunctionName"] == function
    assert permission["SourceArn"] == {"Fn::GetAtt": [targets[json.dumps(function)][2], "Arn"]}


def test_several_workflows_in_one_template_keep_their_own_api_key_plan_and_ids(
        project: Path) -> None:
    """One SAM template holding four workflows (as a team's stack would): each has its own
    API with its own key and usage plan, every logical id of each is its own, and cfn-lint
    finds no error."""
    from sfs3dsl.deploy.artifacts import deployment_parts
    from sfs3dsl.deploy.sam.template import dump_template, sam_template
    from sfs3dsl.project.load import load_module_workflows

    names = ["monitored", "order", "poll-job", "reminder"]
    parts = []
    own: dict[str, set[str]] = {}
    for name in names:
        (workflow,) = load_module_workflows(project / "workflows" / f"{name.replace('-', '_')}.py")
        (part,) = deployment_parts(workflow, project)
        parts.append((part[0].name, part[1], part[2]))
        alone = sam_template([parts[-1]], name)
        own[name] = set(alone["Resources"])
    shared = {"Sfs3dslRuntimeLayer"}  # one runtime layer, the same in every template
    # reminder's one function is the user's own (functions/convdate.py): no runtime, no layer
    assert [shared <= own[n] for n in names] == [True, True, True, False]
    for a in names:
        for b in names:
            assert a == b or not own[a] & own[b] - shared, (a, b, own[a] & own[b])
    merged = sam_template(parts, "four workflows")
    assert set(merged["Resources"]) == set().union(*own.values())
    apis = _of_type(merged, "AWS::Serverless::Api")
    assert sorted(apis) == ["MonitoredApi", "OrderApi", "PollJobApi", "ReminderApi"]
    assert all(api["Auth"]["UsagePlan"]["CreateUsagePlan"] == "PER_API" for api in apis.values())
    assert sorted(a["Auth"]["UsagePlan"]["UsagePlanName"]["Fn::Sub"] for a in apis.values()) == [
        "monitored-${Stage}", "order-${Stage}", "poll-job-${Stage}", "reminder-${Stage}"]
    path = project / "generated" / "monitored" / "four.yaml"
    path.write_text(dump_template(merged, "workflows"), encoding="utf-8")
    binary = str(CFN_LINT) if CFN_LINT.exists() else shutil.which("cfn-lint")
    assert binary is not None
    done = subprocess.run([binary, "--format", "parseable", "--", str(path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert [line for line in done.stdout.splitlines() if ":E" in line] == [], done.stdout
