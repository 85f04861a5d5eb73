"""Least-privilege IAM roles: one per function, each allowed only what its code does.

A step may read and write objects under its workflow's prefix (and list that prefix); the
facade's start function may write a new document and start *this* state machine; the state
function may describe its executions; the data function may read. No statement grants an
S3 or Step Functions action on ``*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Json = dict[str, Any]
POLICY_VERSION = "2012-10-17"


def join(*parts: Any) -> Json:
    return {"Fn::Join": ["", list(parts)]}


def arn_prefix(service: str) -> list[Any]:
    """``arn:<partition>:<service>:<region>:<account>:`` as Fn::Join parts."""
    return ["arn:", {"Ref": "AWS::Partition"}, f":{service}:", {"Ref": "AWS::Region"}, ":",
            {"Ref": "AWS::AccountId"}, ":"]


def bucket_arn(bucket: str) -> Json:
    return {"Fn::GetAtt": [bucket, "Arn"]}


def objects_arn(bucket: str, prefix: str) -> Json:
    return join(bucket_arn(bucket), f"/{prefix}*")


def s3_statements(bucket: str, prefix: str, actions: Sequence[str], *,
                  list_prefix: bool) -> list[Json]:
    out: list[Json] = [{"Effect": "Allow", "Action": list(actions),
                        "Resource": objects_arn(bucket, prefix)}]
    if list_prefix:
        out.append({"Effect": "Allow", "Action": ["s3:ListBucket"],
                    "Resource": bucket_arn(bucket),
                    "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}})
    return out


def kms_statement(kms_key_id: str | None, actions: Sequence[str]) -> list[Json]:
    if not kms_key_id:
        return []
    resource: Any = kms_key_id if kms_key_id.startswith("arn:") else join(
        *arn_prefix("kms"), kms_key_id if kms_key_id.startswith("alias/") else
        f"key/{kms_key_id}")
    return [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]


def logs_statement(function_key: str) -> Json:
    log_group = function_key[:1].upper() + function_key[1:] + "LogGroup"
    return {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::GetAtt": [log_group, "Arn"]}}


#: What Lambda does with a function's role to place it in a VPC: the EC2 actions of the
#: AWS managed policy AWSLambdaVPCAccessExecutionRole (its logs actions are already granted
#: on the function's own log group).
ENI_ACTIONS = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
               "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
               "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]


def eni_statement() -> Json:
    """The network-interface permissions of a function in a VPC. On every resource: the
    Describe actions have no resource-level permissions, the interface does not exist before
    Lambda creates it, and the Lambda developer guide warns that a DeleteNetworkInterface
    limited to some interfaces can cut the function off from the VPC."""
    return {"Effect": "Allow", "Action": list(ENI_ACTIONS), "Resource": "*"}


def lambda_role(function_key: str, statements: Sequence[Json], *, tracing: bool,
                vpc: bool = False) -> Json:
    """An ``AWS::IAM::Role`` a Lambda function assumes, with exactly ``statements`` (and
    the network-interface permissions when the function runs in a VPC)."""
    granted = [logs_statement(function_key), *statements]
    if vpc:
        granted.append(eni_statement())
    if tracing:
        granted.append({"Effect": "Allow",
                        "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                        "Resource": "*"})  # X-Ray has no resource-level permissions
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": POLICY_VERSION, "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "least-privilege",
                      "PolicyDocument": {"Version": POLICY_VERSION, "Statement": granted}}]}}


def executions_arn(state_machine: str) -> Json:
    """Every execution of ``state_machine`` (a logical id), for DescribeExecution."""
    return join(*arn_prefix("states"), "execution:",
                {"Fn::GetAtt": [state_machine, "Name"]}, ":*")


def _sync_targets(asl: Json) -> bool:
    """Whether any Task of ``asl`` runs a state machine with ``.sync`` (which needs the
    managed EventBridge rule and DescribeExecution/StopExecution)."""
    machines = [asl]
    while machines:
        machine = machines.pop()
        for state in machine.get("States", {}).values():
            resource = state.get("Resource")
            if isinstance(resource, str) and resource.startswith(
                    "arn:aws:states:::states:startExecution.sync"):
                return True
            machines.extend(state.get("Branches", ()))
            machines.extend(state[k] for k in ("ItemProcessor", "Iterator") if k in state)
    return False


def state_machine_statements(asl: Json, functions: Sequence[str], topics: Sequence[str],
                             machines: Sequence[str], *, logging: bool,
                             tracing: bool) -> list[Json]:
    """What a state machine's role may do: invoke the functions, publish to the topics and
    start the state machines its definition names by placeholder (logical ids), and deliver
    logs and traces when those are on. A foreign ``${...}`` grants nothing: what it names
    is unknown here (SAM users add ``Policies`` to the state machine)."""
    from sfs3dsl.deploy.serverless.names import function_logical_id

    out: list[Json] = []
    if functions:
        arns = [{"Fn::GetAtt": [function_logical_id(k), "Arn"]} for k in functions]
        out.append({"Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                    "Resource": [*arns, *(join(a, ":*") for a in arns)]})
    if topics:
        out.append({"Effect": "Allow", "Action": ["sns:Publish"],
                    "Resource": [{"Ref": t} for t in topics]})
    if machines:
        out.append({"Effect": "Allow", "Action": ["states:StartExecution"],
                    "Resource": [{"Ref": m} for m in machines]})
        if _sync_targets(asl):
            out.append({"Effect": "Allow",
                        "Action": ["states:DescribeExecution", "states:StopExecution"],
                        "Resource": [executions_arn(m) for m in machines]})
            out.append({"Effect": "Allow",
                        "Action": ["events:PutTargets", "events:PutRule",
                                   "events:DescribeRule"],
                        "Resource": join(*arn_prefix("events"), "rule/"
                                         "StepFunctionsGetEventsForStepFunctionsExecutionRule")})
    if logging:
        # CloudWatch Logs delivery has no resource-level permissions (Step Functions
        # developer guide, "IAM policies for logging to CloudWatch Logs").
        out.append({"Effect": "Allow", "Action": [
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], "Resource": "*"})
    if tracing:
        out.append({"Effect": "Allow", "Action": [
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
            "xray:GetSamplingTargets"], "Resource": "*"})  # X-Ray: no resource-level
    return out


def service_role(service: str, statements: Sequence[Json]) -> Json:
    """An ``AWS::IAM::Role`` that ``service`` (``states.amazonaws.com``) assumes."""
    props: Json = {"AssumeRolePolicyDocument": {"Version": POLICY_VERSION, "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}}
    if statements:
        props["Policies"] = [{"PolicyName": "least-privilege", "PolicyDocument": {
            "Version": POLICY_VERSION, "Statement": list(statements)}}]
    return {"Type": "AWS::IAM::Role", "Properties": props}
