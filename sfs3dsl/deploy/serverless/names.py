"""CloudFormation logical ids and serverless keys, derived from names the same way every time."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+")


def pascal(name: str) -> str:
    """``process-a`` -> ``ProcessA``; ``iw102_starter`` -> ``Iw102Starter``."""
    return "".join(w[:1].upper() + w[1:] for w in _WORD.findall(name))


def camel(name: str) -> str:
    """``step-a`` -> ``stepA`` (a serverless function or state machine key)."""
    p = pascal(name)
    return p[:1].lower() + p[1:]


def function_logical_id(key: str) -> str:
    """The logical id serverless gives function ``key``: ``stepA`` -> ``StepALambdaFunction``."""
    return key[:1].upper() + key[1:] + "LambdaFunction"


def snake(name: str) -> str:
    """``step-a`` -> ``step_a`` (a Python module name)."""
    return "_".join(_WORD.findall(name)).lower() if name else name


def env_stem(workflow: str) -> str:
    """Environment prefix of a started workflow: ``downstream`` -> ``SFS3DSL_DOWNSTREAM``."""
    return "SFS3DSL_" + "_".join(_WORD.findall(workflow)).upper()


class Ids:
    """The logical ids of one workflow's resources."""

    def __init__(self, workflow: str) -> None:
        stem = pascal(workflow)
        self.stem = stem
        self.machine_key = camel(workflow)
        self.state_machine = f"{stem}StateMachine"
        self.bucket = f"{stem}ProcessData"
        self.bucket_policy = f"{stem}ProcessDataPolicy"
        self.topic = f"{stem}Notifications"
        self.log_group = f"{stem}ExecutionLogs"
        self.notice_topic = f"{stem}CompletionNotices"
        self.notice_rule = f"{stem}CompletionNoticeRule"
        self.notice_permission = f"{stem}CompletionNoticePermission"
        self.alarm_topic = f"{stem}Alarms"
        self.dashboard = f"{stem}Dashboard"

    def role(self, what: str) -> str:
        return f"{self.stem}{pascal(what)}Role"
