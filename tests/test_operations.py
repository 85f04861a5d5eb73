"""The operations options (``vpc=``, ``dashboard=``, ``alarms=``, ``notifications=``): what
bad input says, from Python and from ``sfs3dsl compile``, and what good input puts in both
deployment targets' data. The packaged and linted templates are checked in
``test_serverless_package.py`` and ``test_sam_template.py`` (``workflows/monitored.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sfs3dsl import (
    Alarms,
    BuildError,
    Notification,
    Pass,
    ServerlessOptions,
    SideCar,
    Vpc,
    Workflow,
)
from sfs3dsl.cli import cli

REPO = Path(__file__).resolve().parents[1]
SG = ["sg-0123456789abcdef0"]
SUBNETS = ["subnet-0a1b2c3d"]
QUEUE = "arn:aws:sqs:us-east-1:123456789012:{}"


def _line() -> int:
    return sys._getframe(1).f_lineno


# (id, a function building the bad options and returning the line it was made on, message,
# fix); each message is prefixed by "workflow 'ops': " and located at that line.
BAD: list[tuple[str, Any, str, str]] = [
    ("subnet-not-of-the-form",
     lambda: (ServerlessOptions(vpc=Vpc(subnet_ids=["sn-0a1b2c3d"], security_group_ids=SG)),
              _line() - 1),
     "vpc subnet_ids names 'sn-0a1b2c3d', which is not of the form subnet-<8 or 17 hex "
     "digits>", "copy the id from the VPC console, e.g. 'subnet-0a1b2c3d'"),
    ("security-group-not-of-the-form",
     lambda: (ServerlessOptions(vpc=Vpc(subnet_ids=SUBNETS, security_group_ids=["default"])),
              _line() - 1),
     "vpc security_group_ids names 'default', which is not of the form sg-<8 or 17 hex "
     "digits>", "copy the id from the VPC console, e.g. 'sg-0a1b2c3d'"),
    ("subnets-a-string",
     lambda: (ServerlessOptions(vpc=Vpc(subnet_ids="subnet-0a1b2c3d", security_group_ids=SG)),
              _line() - 1),
     "vpc subnet_ids must be a list, got 'subnet-0a1b2c3d'",
     'pass subnet_ids=["subnet-0a1b2c3d"]'),
    ("no-security-group",
     lambda: (ServerlessOptions(vpc=Vpc(subnet_ids=SUBNETS, security_group_ids=[])),
              _line() - 1),
     "vpc security_group_ids has 0 ids; Lambda takes 1 to 5", "pass between 1 and 5 ids"),
    ("unknown-status",
     lambda: (ServerlessOptions(notifications=(
         Notification.sns("arn:aws:sns:us-east-1:123456789012:t", statuses=("DONE",)),)),
              _line() - 1),
     "sns notification names status(es) ['DONE'], which are not execution statuses",
     "use some of ['ABORTED', 'FAILED', 'RUNNING', 'SUCCEEDED', 'TIMED_OUT']"),
    ("unknown-notify-status",
     lambda: (ServerlessOptions(notify=("FAILED", "SUCCEDED")), _line()),
     "notify names ['SUCCEDED'], which are not execution statuses",
     "use some of ['ABORTED', 'FAILED', 'RUNNING', 'SUCCEEDED', 'TIMED_OUT']"),
    ("fifo-without-message-group",
     lambda: (ServerlessOptions(notifications=(Notification.sqs(QUEUE.format("q.fifo")),)),
              _line() - 1),
     "SQS queue 'arn:aws:sqs:us-east-1:123456789012:q.fifo' is a FIFO queue and needs a "
     "message group id", 'pass Notification.sqs(arn, message_group_id="<group>")'),
    ("message-group-on-a-standard-queue",
     lambda: (ServerlessOptions(notifications=(
         Notification.sqs(QUEUE.format("q"), message_group_id="g"),)), _line()),
     "SQS queue 'arn:aws:sqs:us-east-1:123456789012:q' is a standard queue, which takes no "
     "message group id", "drop message_group_id, or name the FIFO queue (...fifo)"),
    ("arn-of-another-service",
     lambda: (ServerlessOptions(notifications=(Notification.kinesis(QUEUE.format("q")),)),
              _line() - 1),
     "kinesis notification target 'arn:aws:sqs:us-east-1:123456789012:q' is not the ARN of "
     "a kinesis stream", "use arn:aws:kinesis:<region>:<account>:stream/<name>"),
    ("cfn-function-the-plugin-drops",
     lambda: (ServerlessOptions(notifications=(
         Notification.lambda_function({"Fn::ImportValue": "fn"}),)), _line()),
     "lambda notification target {'Fn::ImportValue': 'fn'} is not an ARN the plugin accepts",
     "give an ARN string or one of ['Ref', 'Fn::GetAtt', 'Fn::Join']"),
    ("partition-key-not-a-path",
     lambda: (ServerlessOptions(notifications=(Notification.kinesis(
         "arn:aws:kinesis:us-east-1:123456789012:stream/s", partition_key_path="id"),)),
              _line() - 2),
     "partition_key_path 'id' is not a JSON path into the event",
     'e.g. partition_key_path="$.detail.name"'),
    ("six-targets-for-one-status",
     lambda: (ServerlessOptions(notifications=tuple(
         Notification.sqs(QUEUE.format(f"q{i}")) for i in range(5))), _line() - 1),
     "notifications send ABORTED to 6 targets, and the rule EventBridge matches it with "
     "takes at most 5",
     "send ABORTED to at most 5 targets (notify's topic is one); fan out through an SNS "
     "topic"),
    ("express-with-notifications",
     lambda: (ServerlessOptions(express=True, notifications=(
         Notification.sqs(QUEUE.format("q")),)), _line() - 1),
     "an Express state machine sends no execution status changes to EventBridge, so "
     "notifications would never arrive",
     "drop notifications, or deploy a Standard machine (express=False)"),
    ("unknown-alarm-metric",
     lambda: (ServerlessOptions(alarms=Alarms(metrics=("executionsFailed", "errors"))),
              _line() - 1),
     "alarms metrics ['errors'] are not metrics the plugin alarms on",
     "use some of ['executionsTimedOut', 'executionsFailed', 'executionsAborted', "
     "'executionThrottled', 'executionsSucceeded']"),
    ("alarm-period",
     lambda: (ServerlessOptions(alarms=Alarms(period=90)), _line()),
     "alarms period 90 is not a multiple of 60 seconds", "use period=60"),
]


@pytest.mark.parametrize(("options", "message", "fix"), [row[1:] for row in BAD],
                         ids=[row[0] for row in BAD])
def test_bad_options_name_the_workflow_the_line_and_a_fix(options: Any, message: str,
                                                          fix: str) -> None:
    built, line = options()
    with pytest.raises(BuildError) as err:
        Workflow("ops", Pass("p"), deployment=built)
    assert str(err.value) == (f"tests/test_operations.py:{line}: workflow 'ops': {message}; "
                              f"fix: {fix}")


def test_bad_options_on_a_sidecar_are_one_line_from_compile_and_validate(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    (tmp_path / "flow.py").write_text(
        "from sfs3dsl import Notification, ServerlessOptions, SideCar, Workflow\n\n\n"
        "def work(doc):\n    return {}\n\n\n"
        "sidecar = SideCar(prefix='flow/', serverless=ServerlessOptions(notifications=(\n"
        "    Notification.sqs('arn:aws:sqs:us-east-1:123456789012:q.fifo'),)))\n"
        "flow = Workflow('flow', sidecar.step(work))\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["compile", "flow.py", "--out", "out"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: flow.py:9: workflow 'flow': SQS queue "
        "'arn:aws:sqs:us-east-1:123456789012:q.fifo' is a FIFO queue and needs a message "
        "group id; fix: pass Notification.sqs(arn, message_group_id=\"<group>\")\n")
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(cli, ["validate", "flow.py"])
    assert result.exit_code == 1
    assert result.output == (
        "flow.py:9: (workflow): error[deployment-option]: workflow 'flow': SQS queue "
        "'arn:aws:sqs:us-east-1:123456789012:q.fifo' is a FIFO queue and needs a message "
        "group id; fix: pass Notification.sqs(arn, message_group_id=\"<group>\")\n"
        "1 definition(s): 1 error(s), 0 warning(s)\n")


def step_one(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


def test_options_given_twice_are_refused() -> None:
    from sfs3dsl.deploy.artifacts import workflow_artifacts

    sidecar = SideCar(prefix="twice/", serverless=ServerlessOptions(dashboard=True))
    flow = Workflow("twice", sidecar.step(step_one), deployment=ServerlessOptions(tracing=True))
    with pytest.raises(BuildError) as err:
        workflow_artifacts(flow, root=REPO)
    assert str(err.value).endswith(
        "workflow 'twice' has deployment options twice: deployment= and its side-car's "
        "serverless=; fix: keep one of them")


@pytest.mark.parametrize("target", ["serverless", "sam"])
def test_a_workflow_without_sidecar_gets_the_dashboard_alarms_and_notifications(
        target: str) -> None:
    """The options are the workflow's, not the side-car's: a plugin-API workflow has them."""
    import yaml

    from sfs3dsl.deploy.artifacts import workflow_artifacts

    topic = "arn:aws:sns:us-east-1:123456789012:ops-alarms"
    flow = Workflow("plain-ops", Pass("p"), deployment=ServerlessOptions(
        dashboard=True, alarms=Alarms(topic=topic, metrics=("executionsFailed",)),
        notify=(), notifications=(Notification.step_functions(
            "arn:aws:states:us-east-1:123456789012:stateMachine:next",
            statuses=("SUCCEEDED",)),)))
    files, _ = workflow_artifacts(flow, root=REPO, targets=(target,))
    name = "serverless.yml" if target == "serverless" else "template.yaml"
    data = yaml.safe_load(files[name])
    resources = data["resources"]["Resources"] if target == "serverless" else data["Resources"]
    kinds = sorted(r["Type"] for r in resources.values())
    if target == "serverless":
        machine = data["stepFunctions"]["stateMachines"]["plainOps"]
        assert machine["alarms"] == {"topics": {"alarm": topic}, "metrics": ["executionsFailed"],
                                     "treatMissingData": "notBreaching", "period": 60}
        assert machine["notifications"] == {"SUCCEEDED": [{
            "stepFunctions": "arn:aws:states:us-east-1:123456789012:stateMachine:next"}]}
        assert kinds == ["AWS::CloudWatch::Dashboard"]  # no alarm topic: the user's is used
    else:
        assert kinds == sorted(["AWS::CloudWatch::Dashboard", "AWS::CloudWatch::Alarm",
                                "AWS::Events::Rule", "AWS::IAM::Role", "AWS::IAM::Role",
                                "AWS::Serverless::StateMachine", "AWS::Serverless::Api"])
        alarm = resources["PlainOpsStateMachineExecutionsFailedAlarm"]["Properties"]
        assert alarm["AlarmActions"] == [topic]
    body = resources["PlainOpsDashboard"]["Properties"]["DashboardBody"]["Fn::Join"][1]
    # no functions: the executions and latency widgets only
    assert "".join(p for p in body if isinstance(p, str)).count('"type":"metric"') == 2


def test_sam_names_carry_the_stage_parameter_not_the_frameworks_variable() -> None:
    """``${sls:stage}`` in a fragment's resource (the log group, the dashboard) is the
    framework's; in SAM it becomes the Stage parameter."""
    import yaml

    from sfs3dsl.deploy.artifacts import workflow_artifacts

    flow = Workflow("staged", Pass("p"), deployment=ServerlessOptions(
        logging="ERROR", dashboard=True, notify=()))
    files, _ = workflow_artifacts(flow, root=REPO, targets=("serverless", "sam"))
    fragment = yaml.safe_load(files["serverless.yml"])["resources"]["Resources"]
    template = yaml.safe_load(files["template.yaml"])["Resources"]
    assert fragment["StagedExecutionLogs"]["Properties"]["LogGroupName"] == \
        "/aws/vendedlogs/states/staged-${sls:stage}"
    assert template["StagedExecutionLogs"]["Properties"]["LogGroupName"] == {
        "Fn::Sub": "/aws/vendedlogs/states/staged-${Stage}"}
    assert template["StagedDashboard"]["Properties"]["DashboardName"] == {
        "Fn::Sub": "staged-${Stage}"}
    assert "${sls:" not in files["template.yaml"]
