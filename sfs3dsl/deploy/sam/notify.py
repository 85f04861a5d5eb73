"""Execution-status notifications as plain CloudFormation: one EventBridge rule per target.

The serverless-step-functions plugin turns ``notifications`` into rules itself; SAM has no
such property, so this module writes what the plugin would: a rule on "Step Functions
Execution Status Change" events of the state machine for the statuses that target wants,
the target (SQS FIFO queues get ``MessageGroupId``, Kinesis ``PartitionKeyPath``), and the
permission EventBridge needs to deliver (a topic or queue policy, a Lambda permission, or a
role EventBridge assumes for Kinesis, Firehose and Step Functions).
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.deploy.serverless.iam import POLICY_VERSION

Json = dict[str, Any]
_EVENTS = "events.amazonaws.com"
#: The actions EventBridge needs on a target it reaches through a role. The batch actions
#: too: the EventBridge user guide's Firehose target page says it delivers with
#: PutRecordBatch (the plugin grants the single-record actions only).
_ROLE_ACTIONS = {"kinesis": ["kinesis:PutRecord", "kinesis:PutRecords"],
                 "firehose": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                 "stepFunctions": ["states:StartExecution"]}


def _targets(notifications: Json) -> list[tuple[str, Any, Json, list[str]]]:
    """``(kind, arn, extra, statuses)`` per distinct target, in first-seen order."""
    out: list[tuple[str, Any, Json, list[str]]] = []
    for status, targets in notifications.items():
        for target in targets:
            ((kind, value),) = target.items()
            if isinstance(value, dict) and "arn" in value:
                arn, extra = value["arn"], {k: v for k, v in value.items() if k != "arn"}
            else:
                arn, extra = value, {}
            for seen in out:
                if seen[0] == kind and seen[1] == arn and seen[2] == extra:
                    seen[3].append(status)
                    break
            else:
                out.append((kind, arn, extra, [status]))
    return out


def notification_resources(stem: str, machine: str, notifications: Json) -> Json:
    """The rules and permissions of ``notifications`` (the plugin's format) for state
    machine ``machine`` (a logical id); logical ids start with ``stem``."""
    resources: Json = {}
    for n, (kind, arn, extra, statuses) in enumerate(_targets(notifications), start=1):
        rule = f"{stem}Notify{n}Rule"
        target: Json = {"Id": f"{kind}{n}", "Arn": arn}
        if kind == "sqs" and "messageGroupId" in extra:
            target["SqsParameters"] = {"MessageGroupId": extra["messageGroupId"]}
        if kind == "kinesis" and "partitionKeyPath" in extra:
            target["KinesisParameters"] = {"PartitionKeyPath": extra["partitionKeyPath"]}
        if kind in _ROLE_ACTIONS:
            role = f"{stem}Notify{n}Role"
            resources[role] = {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": POLICY_VERSION, "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": _EVENTS},
                     "Action": "sts:AssumeRole"}]},
                "Policies": [{"PolicyName": "deliver", "PolicyDocument": {
                    "Version": POLICY_VERSION, "Statement": [
                        {"Effect": "Allow", "Action": list(_ROLE_ACTIONS[kind]),
                         "Resource": arn}]}}]}}
            target["RoleArn"] = {"Fn::GetAtt": [role, "Arn"]}
        resources[rule] = {"Type": "AWS::Events::Rule", "Properties": {
            "EventPattern": {"source": ["aws.states"],
                             "detail-type": ["Step Functions Execution Status Change"],
                             "detail": {"status": statuses,
                                        "stateMachineArn": [{"Ref": machine}]}},
            "State": "ENABLED", "Targets": [target]}}
        rule_arn = {"Fn::GetAtt": [rule, "Arn"]}
        allow: Json = {"Effect": "Allow", "Principal": {"Service": _EVENTS},
                       "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}}
        if kind == "sns":
            resources[f"{stem}Notify{n}TopicPolicy"] = {
                "Type": "AWS::SNS::TopicPolicy", "Properties": {
                    "Topics": [arn], "PolicyDocument": {"Version": POLICY_VERSION, "Statement": [
                        {**allow, "Action": "sns:Publish"}]}}}
        elif kind == "sqs":
            resources[f"{stem}Notify{n}QueuePolicy"] = {
                "Type": "AWS::SQS::QueuePolicy", "Properties": {
                    "Queues": [_queue_url(arn)], "PolicyDocument": {
                        "Version": POLICY_VERSION, "Statement": [
                            {**allow, "Action": "sqs:SendMessage"}]}}}
        elif kind == "lambda":
            resources[f"{stem}Notify{n}Permission"] = {
                "Type": "AWS::Lambda::Permission", "Properties": {
                    "Action": "lambda:InvokeFunction", "FunctionName": arn,
                    "Principal": _EVENTS, "SourceArn": rule_arn}}
    return resources


def _queue_url(arn: Any) -> Any:
    """A queue policy names queues by URL: ``Ref`` of a queue in this template is its URL;
    for an ARN string the URL is built from its parts."""
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        return {"Ref": arn["Fn::GetAtt"][0]}
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        return f"https://sqs.{parts[3]}.amazonaws.com/{parts[4]}/{parts[5]}"
    return arn
