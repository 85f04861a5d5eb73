"""Completion notices per transaction, deployed: the fragment's EventBridge rule, the generated
notices Lambda and its least-privilege role, and what it publishes to SNS (through moto, with
subscriptions filtering on the message attributes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
import yaml
from moto import mock_aws  # type: ignore[import-untyped,unused-ignore]

from sfs3dsl import ServerlessOptions, SideCar, Workflow
from sfs3dsl_runtime import clients
from sfs3dsl_runtime.errors import SideCarConfigError
from sfs3dsl_runtime.notices import build_notice, notice_of_event, publish_handler

REPO = Path(__file__).resolve().parents[1]
SIDECARS = sorted(p.parent.parent for p in (REPO / "generated").glob("*/handlers/facade.py"))
ARN = "arn:aws:states:us-east-1:123456789012:execution:process-a-dev:t-1"
ENDED = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]


def _fragment(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "serverless.yml").read_text("utf-8"))
    return data


def test_process_a_rule_function_and_role() -> None:
    fragment = _fragment(REPO / "generated/process-a")
    resources = fragment["resources"]["Resources"]
    assert resources["ProcessACompletionNoticeRule"] == {
        "Type": "AWS::Events::Rule", "Properties": {
            "Description": "completion notices: ended executions of this state machine",
            "State": "ENABLED",
            "EventPattern": {
                "source": ["aws.states"],
                "detail-type": ["Step Functions Execution Status Change"],
                "detail": {"stateMachineArn": [{"Ref": "ProcessAStateMachine"}],
                           "status": ENDED}},
            # no InputTransformer: the function reads the subtopic from detail.input
            "Targets": [{"Id": "completion-notices",
                         "Arn": {"Fn::GetAtt": ["ProcessANoticesLambdaFunction", "Arn"]},
                         "RetryPolicy": {"MaximumRetryAttempts": 8,
                                         "MaximumEventAgeInSeconds": 3600}}]}}
    assert resources["ProcessACompletionNoticePermission"] == {
        "Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["ProcessANoticesLambdaFunction", "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": ["ProcessACompletionNoticeRule", "Arn"]}}}
    assert resources["ProcessACompletionNotices"] == {"Type": "AWS::SNS::Topic",
                                                      "Properties": {}}
    policy = resources["ProcessACompletionNoticesRole"]["Properties"]["Policies"]
    assert policy == [{"PolicyName": "least-privilege", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": {"Fn::GetAtt": ["ProcessANoticesLogGroup", "Arn"]}},
            {"Effect": "Allow", "Action": ["sns:Publish"],
             "Resource": {"Ref": "ProcessACompletionNotices"}}]}}]
    assert fragment["functions"]["processANotices"] == {
        "handler": "generated/process-a/handlers/notices.publish", "runtime": "python3.12",
        "memorySize": 256, "timeout": 10, "role": "ProcessACompletionNoticesRole",
        "environment": {"SFS3DSL_NOTICE_ROOT": "process-a",
                        "SFS3DSL_NOTICE_TOPIC_ARN": {"Ref": "ProcessACompletionNotices"}}}
    assert "events" not in fragment["functions"]["processANotices"]


@pytest.mark.parametrize("folder", SIDECARS, ids=lambda p: p.name)
def test_every_sidecar_fragment_has_one_notice_rule_on_its_own_machine(folder: Path) -> None:
    fragment = _fragment(folder)
    machine = next(iter(fragment["stepFunctions"]["stateMachines"].values()))
    rules = [r for r in fragment["resources"]["Resources"].values()
             if r["Type"] == "AWS::Events::Rule"]
    assert len(rules) == 1
    assert rules[0]["Properties"]["EventPattern"]["detail"]["stateMachineArn"] == [
        {"Ref": machine["id"]}]
    functions = [f for f in fragment["functions"].values()
                 if f["handler"].endswith("/handlers/notices.publish")]
    assert [f["environment"]["SFS3DSL_NOTICE_ROOT"] for f in functions] == [folder.name]
    text = (folder / "handlers/notices.py").read_text("utf-8")
    assert "from sfs3dsl_runtime.notices import publish_handler as publish" in text


def step_one(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(("express", "rules"), [(False, 1), (True, 0)])
def test_express_machines_get_no_notice_rule(express: bool, rules: int) -> None:
    # Express workflows send no "Execution Status Change" events to EventBridge.
    from sfs3dsl.deploy.artifacts import workflow_artifacts

    sidecar = SideCar(prefix="opt/", serverless=ServerlessOptions(express=express))
    files, _ = workflow_artifacts(Workflow("opt", sidecar.step(step_one)), root=REPO)
    fragment = yaml.safe_load(files["serverless.yml"])
    found = [k for k, r in fragment["resources"]["Resources"].items()
             if r["Type"] == "AWS::Events::Rule"]
    assert found == ["OptCompletionNoticeRule"][:rules]
    assert ("optNotices" in fragment["functions"]) is bool(rules)


@pytest.mark.parametrize(("execution_input", "topic", "txn"), [
    ({"processData": "t-1", "subtopic": "mobile/eu"}, "process-a/mobile/eu/t-1", "t-1"),
    ('{"processData":"t-1","subtopic":"/mobile/"}', "process-a/mobile/t-1", "t-1"),
    ({"processData": "t-1"}, "process-a/t-1", "t-1"),
    ({"processData": "t-1", "subtopic": ""}, "process-a/t-1", "t-1"),
    ({"subtopic": "mobile"}, "process-a/mobile/name-1", "name-1"),
    ("not json", "process-a/name-1", "name-1"),
    (None, "process-a/name-1", "name-1"),
    ([1, 2], "process-a/name-1", "name-1"),
])
def test_build_notice(execution_input: Any, topic: str, txn: str) -> None:
    assert build_notice("process-a", "name-1", "FAILED", ARN, execution_input) == {
        "topic": topic,
        "message": {"transactionId": txn, "status": "FAILED", "executionArn": ARN},
        "attributes": {"topic": topic, "transactionId": txn, "status": "FAILED"}}


def _event(name: str, status: str, execution_input: Any) -> dict[str, Any]:
    """A "Step Functions Execution Status Change" event as EventBridge delivers it."""
    arn = f"arn:aws:states:us-east-1:123456789012:execution:process-a-dev:{name}"
    return {"version": "0", "id": "e-1", "detail-type": "Step Functions Execution Status Change",
            "source": "aws.states", "account": "123456789012", "region": "us-east-1",
            "time": "2026-12-05T12:00:00Z", "resources": [arn],
            "detail": {"executionArn": arn, "name": name, "status": status,
                       "stateMachineArn": "arn:aws:states:us-east-1:123456789012:"
                                          "stateMachine:process-a-dev",
                       "startDate": 1, "stopDate": 2,
                       "input": json.dumps(execution_input), "inputDetails": {"included": True},
                       "output": None, "outputDetails": None}}


@pytest.mark.parametrize("event", [{}, {"detail": "x"}, {"detail": {"name": "n"}}])
def test_a_foreign_event_is_a_clear_error(event: dict[str, Any]) -> None:
    with pytest.raises(SideCarConfigError) as caught:
        notice_of_event("process-a", event)
    assert str(caught.value) == ("the notices function got an event that is not a Step "
                                 "Functions Execution Status Change; check the rule's pattern")


@pytest.fixture
def sns_and_queues() -> Iterator[tuple[Any, Any, dict[str, str]]]:
    """A topic, and one SQS queue per filter policy subscribed to it."""
    policies = {"mobile": {"topic": [{"prefix": "process-a/mobile/"}]},
                "failed": {"status": ["FAILED", "TIMED_OUT", "ABORTED"]},
                "t-2": {"transactionId": ["t-2"]}}
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="notices")["TopicArn"]
        queues = {}
        for name, policy in policies.items():
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                          Attributes={"FilterPolicy": json.dumps(policy)})
            queues[name] = url
        clients.reset()
        clients.use("sns", sns)
        token = clients.use_environ({"SFS3DSL_NOTICE_ROOT": "process-a",
                                     "SFS3DSL_NOTICE_TOPIC_ARN": topic})
        try:
            yield sns, sqs, queues
        finally:
            clients.restore_environ(token)
            clients.reset()


def test_the_lambda_publishes_one_filterable_message_per_ended_execution(
        sns_and_queues: tuple[Any, Any, dict[str, str]]) -> None:
    _, sqs, queues = sns_and_queues
    publish_handler(_event("t-1", "SUCCEEDED", {"processData": "t-1", "subtopic": "mobile"}))
    publish_handler(_event("t-2", "FAILED", {"processData": "t-2"}))
    got: dict[str, list[tuple[Any, ...]]] = {}
    for name, url in queues.items():
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        got[name] = sorted(
            (json.loads(envelope["Message"]),
             {k: (v["Type"], v["Value"]) for k, v in envelope["MessageAttributes"].items()})
            for envelope in (json.loads(m["Body"]) for m in messages.get("Messages", ())))
    arn1, arn2 = (f"arn:aws:states:us-east-1:123456789012:execution:process-a-dev:{t}"
                  for t in ("t-1", "t-2"))
    one = ({"transactionId": "t-1", "status": "SUCCEEDED", "executionArn": arn1},
           {"topic": ("String", "process-a/mobile/t-1"), "transactionId": ("String", "t-1"),
            "status": ("String", "SUCCEEDED")})
    two = ({"transactionId": "t-2", "status": "FAILED", "executionArn": arn2},
           {"topic": ("String", "process-a/t-2"), "transactionId": ("String", "t-2"),
            "status": ("String", "FAILED")})
    assert got == {"mobile": [one], "failed": [two], "t-2": [two]}


def test_the_lambda_names_missing_settings() -> None:
    token = clients.use_environ({"SFS3DSL_NOTICE_ROOT": "", "SFS3DSL_NOTICE_TOPIC_ARN": ""})
    try:
        with pytest.raises(SideCarConfigError) as caught:
            publish_handler(_event("t-1", "SUCCEEDED", {"processData": "t-1"}))
    finally:
        clients.restore_environ(token)
    assert str(caught.value) == (
        "the environment variables SFS3DSL_NOTICE_ROOT and SFS3DSL_NOTICE_TOPIC_ARN must be "
        "set (the generated serverless.yml sets both)")
