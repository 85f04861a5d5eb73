"""Text and Markdown diffs show where two long values differ (a JSON text by its changed
paths, anything else by a window around the first difference), and a SAM template's
notification rules are listed under notifications as a serverless fragment's are."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sfs3dsl.review.deploy_diff import diff_deployments
from sfs3dsl.review.deploy_render import (
    render_deploy_json,
    render_deploy_markdown,
    render_deploy_text,
)
from sfs3dsl.review.diff import MISSING, diff_definitions
from sfs3dsl.review.diff_render import render_markdown, render_text
from sfs3dsl.review.value_diff import changed_pair, json_text_changes

LONG = "x" * 100


@pytest.mark.parametrize(("old", "new", "want"), [
    ("short", "other", ('"short"', '"other"')),
    (LONG + "old tail", LONG + "new tail",
     ("\u2026xxxxxxxxxxxxxxxxxxxxold tail\"", "\u2026xxxxxxxxxxxxxxxxxxxxnew tail\"")),
    ("ab" + LONG, "ac" + LONG,
     ('"ab' + "x" * 76 + "\u2026", '"ac' + "x" * 76 + "\u2026")),
    (LONG, LONG + "!", ("\u2026" + "x" * 20 + '"', "\u2026" + "x" * 20 + '!"')),
])
def test_changed_pair_shows_the_first_difference(old: Any, new: Any,
                                                 want: tuple[str, str]) -> None:
    assert changed_pair(old, new) == want


@pytest.mark.parametrize(("old", "new", "want"), [
    ('{"a": [1, 2], "c": {"d": 1}}', '{"a": [1, 3], "b": true, "c": {"d": 1}}',
     [("$.a[1]", 2, 3), ("$.b", MISSING, True)]),
    ('[{"x": 1}, {"x": 2}]', '[{"x": 1}]', [("$[1]", {"x": 2}, MISSING)]),
    ('{"a b": 1}', '{"a b": "1"}', [('$["a b"]', 1, "1")]),
    ('{"a": 1}', "not json", None),
    ('"a string"', '"another"', None),
    ({"a": 1}, {"a": 2}, None),
])
def test_json_text_changes(old: Any, new: Any, want: Any) -> None:
    assert json_text_changes(old, new) == want


def _dashboard(period: int, metrics: list[str]) -> dict[str, Any]:
    body = {"widgets": [{"type": "metric", "properties": {
        "period": period, "title": "Executions of the insurance claim workflow, by status",
        "metrics": [["AWS/States", m] for m in metrics]}}]}
    return {"Resources": {"ClaimDashboard": {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {"DashboardBody": json.dumps(body, separators=(",", ":"))}}}}


def test_a_dashboard_body_is_diffed_by_json_path_in_text_and_markdown() -> None:
    old = {"template.yaml": _dashboard(300, ["ExecutionsFailed"])}
    new = {"template.yaml": _dashboard(60, ["ExecutionsFailed", "ExecutionsTimedOut"])}
    diff = diff_deployments(old, new)
    assert render_deploy_text(diff).splitlines() == [
        "Deployment: resources",
        "  ~ ClaimDashboard.Properties.DashboardBody $.widgets[0].properties.period: 300 -> 60",
        "  + ClaimDashboard.Properties.DashboardBody $.widgets[0].properties.metrics[1]: "
        '["AWS/States", "ExecutionsTimedOut"]',
        "Deployment: 1 resources changed (template.yaml)"]
    markdown = render_deploy_markdown(diff)
    assert "| resource setting changed | `ClaimDashboard.Properties.DashboardBody " \
           "$.widgets[0].properties.period` | `300` | `60` |\n" in markdown
    assert "| resource setting added | `ClaimDashboard.Properties.DashboardBody " \
           "$.widgets[0].properties.metrics[1]` |  | " \
           '`["AWS/States", "ExecutionsTimedOut"]` |\n' in markdown
    # JSON keeps both texts whole
    (change,) = render_deploy_json(diff)["changes"]
    assert change["old"] == old["template.yaml"]["Resources"]["ClaimDashboard"][
        "Properties"]["DashboardBody"]


def test_a_long_string_setting_shows_a_window_around_the_difference() -> None:
    def template(tail: str) -> dict[str, Any]:
        return {"Resources": {"Rule": {"Type": "AWS::Events::Rule", "Properties": {
            "Description": LONG + tail}}}}

    diff = diff_deployments({"template.yaml": template("old")},
                            {"template.yaml": template("new")})
    assert render_deploy_text(diff).splitlines()[1] == (
        '  ~ Rule.Properties.Description: \u2026xxxxxxxxxxxxxxxxxxxxold" -> '
        '\u2026xxxxxxxxxxxxxxxxxxxxnew"')


def test_a_long_asl_field_shows_a_window_around_the_difference() -> None:
    def asl(tail: str) -> dict[str, Any]:
        return {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": LONG + tail,
                                                 "End": True}}}

    diff = diff_definitions(asl("old tail"), asl("new tail"))
    assert render_text(diff).splitlines()[1] == (
        '  ~ States.A.Result: \u2026xxxxxxxxxxxxxxxxxxxxold tail" -> '
        '\u2026xxxxxxxxxxxxxxxxxxxxnew tail"')
    assert '| field changed | `States.A.Result` | `\u2026xxxxxxxxxxxxxxxxxxxxold tail"` | ' \
           '`\u2026xxxxxxxxxxxxxxxxxxxxnew tail"` |' in render_markdown(diff, asl("new tail"))


# --- SAM notification rules read as notifications ------------------------------------------

def _rule(statuses: list[str], target: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::Events::Rule", "Properties": {
        "EventPattern": {"source": ["aws.states"],
                         "detail-type": ["Step Functions Execution Status Change"],
                         "detail": {"status": statuses,
                                    "stateMachineArn": [{"Ref": "OrderStateMachine"}]}},
        "State": "ENABLED", "Targets": [target], **extra}}


QUEUE = "arn:aws:sqs:us-east-1:123456789012:done.fifo"
TOPIC = "arn:aws:sns:us-east-1:123456789012:ops"


def test_sam_notification_rules_are_listed_under_notifications_like_serverless() -> None:
    old_sam = {"Resources": {"OrderNotify1Rule": _rule(["FAILED", "TIMED_OUT"],
                                                       {"Id": "sns1", "Arn": TOPIC})}}
    new_sam = {"Resources": {
        "OrderNotify1Rule": _rule(["FAILED"], {"Id": "sns1", "Arn": TOPIC}),
        "OrderNotify2Rule": _rule(["SUCCEEDED"], {
            "Id": "sqs2", "Arn": QUEUE, "SqsParameters": {"MessageGroupId": "order"}})}}

    def fragment(notifications: dict[str, Any]) -> dict[str, Any]:
        return {"stepFunctions": {"stateMachines": {"order": {
            "id": "OrderStateMachine", "notifications": notifications}}}}

    old_sls = fragment({"FAILED": [{"sns": TOPIC}], "TIMED_OUT": [{"sns": TOPIC}]})
    new_sls = fragment({"FAILED": [{"sns": TOPIC}],
                        "SUCCEEDED": [{"sqs": {"arn": QUEUE, "messageGroupId": "order"}}]})
    want = [
        "Deployment: notifications",
        "  - OrderStateMachine TIMED_OUT -> sns arn:aws:sns:us-east-1:123456789012:ops",
        '  + OrderStateMachine SUCCEEDED -> sqs {"arn":"arn:aws:sqs:us-east-1:123456789012:'
        'done.fifo","messageGroupId":"order"}']
    sam = diff_deployments({"template.yaml": old_sam}, {"template.yaml": new_sam})
    assert render_deploy_text(sam).splitlines() == [
        *want, "Deployment: 1 notifications added, 1 notifications removed (template.yaml)"]
    both = diff_deployments({"serverless.yml": old_sls, "template.yaml": old_sam},
                            {"serverless.yml": new_sls, "template.yaml": new_sam})
    assert render_deploy_text(both).splitlines() == [
        *want, "Deployment: 1 notifications added, 1 notifications removed "
               "(serverless.yml, template.yaml)"]


@pytest.mark.parametrize("rule", [
    _rule(["FAILED"], {"Id": "sns1", "Arn": TOPIC}, Description="mine"),
    _rule(["FAILED"], {"Id": "pager", "Arn": TOPIC}),
    _rule(["FAILED"], {"Id": "sns1", "Arn": TOPIC, "InputPath": "$.detail"}),
    {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(1 hour)",
                                                 "State": "ENABLED", "Targets": []}},
], ids=["other-setting", "unknown-target-id", "target-input", "schedule"])
def test_any_other_rule_stays_a_resource(rule: dict[str, Any]) -> None:
    diff = diff_deployments({"template.yaml": {"Resources": {}}},
                            {"template.yaml": {"Resources": {"R": rule}}})
    assert render_deploy_text(diff).splitlines() == [
        "Deployment: resources", "  + R (AWS::Events::Rule)",
        "Deployment: 1 resources added (template.yaml)"]
