"""A workflow's CloudWatch dashboard and alarms (seeds 000 and 001).

The dashboard is a plain ``AWS::CloudWatch::Dashboard`` (neither the Serverless Framework nor
its step-functions plugin makes one), so both deployment targets use the very same resource.
Its widgets:

* executions: ``ExecutionsStarted``, ``ExecutionsSucceeded``, ``ExecutionsFailed``,
  ``ExecutionsTimedOut``, ``ExecutionsAborted`` and ``ExecutionThrottled`` (namespace
  ``AWS/States``, dimension ``StateMachineArn``, the names the Step Functions developer guide
  lists), summed per five minutes;
* execution latency: ``ExecutionTime`` (milliseconds), p50 and p99;
* step latency and step errors: each Lambda function the state machine invokes, by Lambda's
  own ``Duration`` and ``Errors`` (``AWS/Lambda``, dimension ``FunctionName``). Step
  Functions publishes ``LambdaFunctionTime`` only for Tasks whose ``Resource`` is the
  function's ARN; side-car steps call ``arn:aws:states:::lambda:invoke``, for which it
  publishes ``ServiceIntegration*`` metrics that do not say which function ran.

A dashboard body is a JSON *string*; the ARNs and names in it are CloudFormation values, so
the body is an ``Fn::Join`` of text and references. ``Fn::Sub`` would do too, but its
``${...}`` is what the Serverless Framework reads as its own variables.

Alarms use the plugin's ``alarms`` in serverless.yml; :func:`alarm_resources` writes what the
plugin writes, for SAM.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sfs3dsl.model.operations import Alarms

Json = dict[str, Any]
#: ``AWS/States`` execution metrics on the dashboard, in widget order.
EXECUTION_METRICS = ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed",
                     "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled")
#: The plugin's alarm metric names and the CloudWatch metric each one alarms on.
ALARM_METRIC_NAMES = {"executionsTimedOut": "ExecutionsTimedOut",
                      "executionsFailed": "ExecutionsFailed",
                      "executionsAborted": "ExecutionsAborted",
                      "executionThrottled": "ExecutionThrottled",
                      "executionsSucceeded": "ExecutionsSucceeded"}
_DESCRIPTIONS = {"executionsTimedOut": "executions timed out",
                 "executionsFailed": "executions failed",
                 "executionsAborted": "executions were aborted",
                 "executionThrottled": "execution were throttled",
                 "executionsSucceeded": "executions succeeded"}
_MARK = "@@sfs3dsl-ref-{}@@"
#: A pattern string, compiled by ``re`` on first use (and cached there): compiling it at
#: import would cost every ``sfs3dsl compile``, and only a dashboard needs it.
_MARKED = r"@@sfs3dsl-ref-(\d+)@@"


def _joined(body: Any, refs: list[Any]) -> Json:
    """``body`` as JSON text in an ``Fn::Join``, each ``_MARK.format(i)`` string replaced by
    CloudFormation value ``refs[i]``."""
    text = json.dumps(body, separators=(",", ":"), sort_keys=False)
    parts: list[Any] = []
    for i, piece in enumerate(re.split(_MARKED, text)):
        parts.append(refs[int(piece)] if i % 2 else piece)
    return {"Fn::Join": ["", [p for p in parts if p != ""]]}


def dashboard(workflow: str, state_machine: str, functions: list[tuple[str, str]]) -> Json:
    """The ``AWS::CloudWatch::Dashboard`` of ``workflow``: ``state_machine`` is its state
    machine's logical id, ``functions`` ``(label, logical id)`` of the functions it invokes."""
    refs: list[Any] = [{"Ref": "AWS::Region"}, {"Ref": state_machine}]
    region, arn = _MARK.format(0), _MARK.format(1)

    def metric_widget(title: str, metrics: list[list[Any]], stat: str, x: int, y: int,
                      width: int) -> Json:
        return {"type": "metric", "x": x, "y": y, "width": width, "height": 6,
                "properties": {"title": title, "region": region, "view": "timeSeries",
                               "stacked": False, "stat": stat, "period": 300,
                               "metrics": metrics}}

    widgets = [
        metric_widget("Executions", [["AWS/States", m, "StateMachineArn", arn]
                                     for m in EXECUTION_METRICS], "Sum", 0, 0, 12),
        metric_widget("Execution latency (ms)", [
            ["AWS/States", "ExecutionTime", "StateMachineArn", arn, {"stat": "p50"}],
            ["AWS/States", "ExecutionTime", "StateMachineArn", arn, {"stat": "p99"}]],
            "p50", 12, 0, 12)]
    if functions:
        names = []
        for label, logical in functions:
            refs.append({"Ref": logical})  # a function's Ref is its name
            names.append((label, _MARK.format(len(refs) - 1)))
        widgets.append(metric_widget("Step latency (ms, Lambda Duration)", [
            ["AWS/Lambda", "Duration", "FunctionName", name, {"label": label}]
            for label, name in names], "Average", 0, 6, 12))
        widgets.append(metric_widget("Step errors (Lambda Errors)", [
            ["AWS/Lambda", "Errors", "FunctionName", name, {"label": label}]
            for label, name in names], "Sum", 12, 6, 12))
    return {"Type": "AWS::CloudWatch::Dashboard", "Properties": {
        "DashboardName": f"{workflow}-${{sls:stage}}",
        "DashboardBody": _joined({"widgets": widgets}, refs)}}


def alarms_config(alarms: Alarms, topic: Any) -> Json:
    """The plugin's ``alarms`` of a state machine, notifying SNS ``topic`` (an ARN value)."""
    return {"topics": {"alarm": topic}, "metrics": list(alarms.metrics),
            "treatMissingData": alarms.treat_missing_data, "period": alarms.period}


def alarm_resources(machine: str, name: str, alarms: Json, stage: Any) -> Json:
    """What the plugin makes of ``alarms`` (its format) for state machine ``machine`` (a
    logical id) named ``name``: one ``AWS::CloudWatch::Alarm`` per metric, logical id
    ``<machine><CloudWatch metric>Alarm``, threshold one execution in one period. ``stage``
    is the text (or CloudFormation value) of the stage in the description."""
    out: Json = {}
    topics = alarms.get("topics", {})
    for metric in alarms["metrics"]:
        cloudwatch = ALARM_METRIC_NAMES[metric]
        out[f"{machine}{cloudwatch}Alarm"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "Namespace": "AWS/States", "MetricName": cloudwatch,
            "AlarmDescription": {"Fn::Join": ["", [f"{name}[", stage, "][",
                                                   {"Ref": "AWS::Region"},
                                                   f"]: {_DESCRIPTIONS[metric]}"]]},
            "Threshold": 1, "Period": alarms.get("period", 60), "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Statistic": "Sum",
            "OKActions": [topics["ok"]] if "ok" in topics else [],
            "AlarmActions": [topics["alarm"]] if "alarm" in topics else [],
            "InsufficientDataActions": [topics["insufficientData"]]
            if "insufficientData" in topics else [],
            "TreatMissingData": alarms.get("treatMissingData", "missing"),
            "Dimensions": [{"Name": "StateMachineArn", "Value": {"Ref": machine}}]}}
    return out
