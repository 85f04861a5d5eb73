"""What ``sfs3dsl validate`` says about deployment options (the trial's findings 4, 5 and 8):
options given twice and wrong ``deployment=`` are ``error[deployment-option]`` as a side-car's
wrong ``serverless=`` is; a side-car step's ``permissions=`` are checked where the step is
made; ``statuses="TIMED_OUT"`` is one status.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sfs3dsl import BuildError, Notification, SideCar
from sfs3dsl.cli import cli

TOPIC = "arn:aws:sns:us-east-1:123456789012:t"
HEAD = ("from sfs3dsl import Notification, ServerlessOptions, SideCar, Workflow\n\n\n"
        "def work(doc):\n    return {}\n\n\n")


def _validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> tuple[int, str]:
    (tmp_path / "flow.py").write_text(HEAD + body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "flow.py"])
    return result.exit_code, result.output


def test_validate_reports_options_given_twice_as_compile_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate(tmp_path, monkeypatch, (
        "sidecar = SideCar(prefix='flow/', serverless=ServerlessOptions(dashboard=True))\n"
        "flow = Workflow('flow', sidecar.step(work), deployment=ServerlessOptions())\n")) == (
        1, "flow.py:9: (workflow): error[deployment-option]: workflow 'flow' has deployment "
           "options twice: deployment= and its side-car's serverless=; fix: keep one of them\n"
           "1 definition(s): 1 error(s), 0 warning(s)\n")
    result = CliRunner().invoke(cli, ["compile", "flow.py", "--out", "out"])
    assert (result.exit_code, result.output) == (
        1, "Error: flow.py:9: workflow 'flow' has deployment options twice: deployment= and "
           "its side-car's serverless=; fix: keep one of them\n")


@pytest.mark.parametrize(("body", "message"), [
    ("flow = Workflow('flow', SideCar(prefix='f/').step(work),\n"
     "                deployment=ServerlessOptions(notifications=(\n"
     f"                    Notification.sns('{TOPIC}', statuses=('DONE',)),)))\n",
     "flow.py:10: (workflow): error[deployment-option]: workflow 'flow': sns notification "
     "names status(es) ['DONE'], which are not execution statuses; fix: use some of "
     "['ABORTED', 'FAILED', 'RUNNING', 'SUCCEEDED', 'TIMED_OUT']"),
    ("flow = Workflow('flow', SideCar(prefix='f/').step(work), deployment={'vpc': None})\n",
     "flow.py:8: (workflow): error[deployment-option]: workflow 'flow': deployment={'vpc': "
     "None} is not a ServerlessOptions; fix: pass deployment=ServerlessOptions(...)"),
    ("flow = Workflow('flow', SideCar(prefix='f/').step(work),\n"
     "                deployment=ServerlessOptions(api='rest'))\n",
     "flow.py:9: (workflow): error[deployment-option]: api 'rest' is not one of auto, facade, "
     "plugin, none; fix: use api=\"facade\" for a side-car workflow"),
], ids=["bad-notification", "not-options", "bad-api"])
def test_validate_labels_deployment_errors_deployment_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str) -> None:
    assert _validate(tmp_path, monkeypatch, body) == (
        1, f"{message}\n1 definition(s): 1 error(s), 0 warning(s)\n")


def step_one(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


BAD_PERMISSIONS: list[tuple[str, Any, str, str]] = [
    ("one-dict", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
     "permissions= takes a list of IAM statements, got dict",
     'wrap it in a list: permissions=[{"Effect": "Allow", "Action": "dynamodb:GetItem", '
     '"Resource": "<table arn>"}]'),
    ("misspelt-resource", [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                            "Resources": "*"}],
     "permissions[0] has the key 'Resources', which an IAM statement does not take",
     "write 'Resource'"),
    ("no-effect", [{"Action": "dynamodb:GetItem", "Resource": "*"}],
     "permissions[0] has Effect None, not 'Allow' or 'Deny'", 'add "Effect": "Allow"'),
    ("effect-lower-case", [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}],
     "permissions[0] has Effect 'allow', not 'Allow' or 'Deny'", 'add "Effect": "Allow"'),
    ("action-without-service", [{"Effect": "Allow", "Action": ["s3:GetObject", "GetItem"],
                                 "Resource": "*"}],
     "permissions[0] Action 'GetItem' is not of the form 'service:Action'",
     'e.g. "dynamodb:GetItem" (a string, or a list of them)'),
    ("no-action", [{"Effect": "Allow", "Resource": "*"}],
     "permissions[0] needs exactly one of Action and NotAction",
     'e.g. "Action": ["dynamodb:GetItem", "dynamodb:Query"]'),
    ("no-resource", [{"Effect": "Allow", "Action": "s3:GetObject"}],
     "permissions[0] needs exactly one of Resource and NotResource",
     'e.g. "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders"'),
    ("resource-a-number", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": 3}],
     "permissions[0] Resource 3 is not an ARN, a list of them or a CloudFormation function",
     'e.g. "Resource": {"Fn::GetAtt": ["Table", "Arn"]}'),
    ("second-not-a-dict", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                           "s3:PutObject"],
     "permissions[1] is 's3:PutObject', not an IAM statement (a dict)",
     'use [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "<table arn>"}]'),
]


@pytest.mark.parametrize(("permissions", "message", "fix"),
                         [row[1:] for row in BAD_PERMISSIONS],
                         ids=[row[0] for row in BAD_PERMISSIONS])
def test_bad_permissions_are_one_line_at_the_step(permissions: Any, message: str,
                                                  fix: str) -> None:
    sidecar = SideCar(prefix="perm/")
    line = sys._getframe().f_lineno + 2
    with pytest.raises(BuildError) as err:
        sidecar.step(step_one, permissions=permissions)
    assert str(err.value) == (f"tests/test_deploy_option_checks.py:{line}: side-car step "
                              f"'step-one': {message}; fix: {fix}")


def test_good_permissions_are_kept_as_written() -> None:
    statements: list[dict[str, Any]] = [
        {"Sid": "Read", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
         "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/customers"},
        {"Effect": "Deny", "NotAction": "s3:*", "NotResource": [{"Fn::GetAtt": ["B", "Arn"]}],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::GetAtt": ["K", "Arn"]}}]
    step = SideCar(prefix="perm/").step(step_one, permissions=statements)
    assert step.permissions == statements


def test_misspelt_permission_fails_validate_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate(tmp_path, monkeypatch, (
        "flow = Workflow('flow', SideCar(prefix='f/').step(\n"
        "    work, permissions=[{'Action': 'dynamodb:GetItem', 'Resources': '*'}]))\n")) == (
        1, "flow.py:8: (workflow): error[build-error]: side-car step 'work': permissions[0] "
           "has the key 'Resources', which an IAM statement does not take; fix: write "
           "'Resource'\n1 definition(s): 1 error(s), 0 warning(s)\n")


@pytest.mark.parametrize("make", [Notification.sns, Notification.lambda_function,
                                  Notification.step_functions, Notification.firehose])
def test_one_status_string_is_one_status(make: Any) -> None:
    assert make(TOPIC, statuses="TIMED_OUT").statuses == ("TIMED_OUT",)
