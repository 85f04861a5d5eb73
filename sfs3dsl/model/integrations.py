"""Helpers that build Task states for AWS integrations.

Each helper returns a :class:`Task`; the keyword options of ``Task`` (``result_path``,
``timeout_seconds``, ``retry``, ``catch``, ...) pass through unchanged.

Example:
    >>> send = lambda_invoke("SendWait", function="arn:aws:lambda:...:function:send",
    ...                      payload={"token": Context.task_token, "message": "hi"},
    ...                      wait_for_token=True, heartbeat_seconds=60, timeout_seconds=300)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict, Unpack

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.expressions import UNSET, Jsonata
from sfs3dsl.model.retry import Catch, Retry
from sfs3dsl.model.source import caller_location
from sfs3dsl.model.states import QueryLanguage
from sfs3dsl.model.task import Task
from sfs3dsl.model.values import JsonPath

STATES_ARN = "arn:aws:states:::"


class TaskOptions(TypedDict, total=False):
    """Keyword options every task helper passes on to :class:`Task`."""

    input_path: Any
    result_selector: Any
    result_path: Any
    output_path: Any
    output: Any
    assign: Mapping[str, Any]
    timeout_seconds: Any
    heartbeat_seconds: Any
    credentials: Any
    retry: Sequence[Retry]
    catch: Sequence[Catch]
    comment: str
    query_language: QueryLanguage


def _pattern(wait_for_token: bool, sync: bool | Literal[2] = False) -> str:
    if wait_for_token and sync:
        raise BuildError("a task either waits for a token or runs a job (.sync), not both",
                         where=caller_location(), hint="choose wait_for_token or sync")
    if wait_for_token:
        return ".waitForTaskToken"
    if sync is True:
        return ".sync"
    if sync == 2:
        return ".sync:2"
    return ""


def _integration(name: str | None, service: str, payload: dict[str, Any],
                 options: TaskOptions, suffix: str = "") -> Task:
    # One loop for both questions (a generator and a comprehension cost more, and every
    # integration task passes here).
    jsonata = options.get("query_language") == "JSONata"
    body: dict[str, Any] = {}
    for k, v in payload.items():
        if v is not UNSET:
            body[k] = v
            if isinstance(v, Jsonata):
                jsonata = True
    resource = f"{STATES_ARN}{service}{suffix}"
    if jsonata:
        return Task(name, resource=resource, arguments=body, **options)
    return Task(name, resource=resource, parameters=body, **options)


def function_ref(function: str) -> str:
    """A deploy-time reference to a Lambda function's ARN: ``"${StepAFunctionArn}"``.

    Compiled ASL names no region or account: the placeholder is filled in at deploy time
    (CloudFormation ``DefinitionSubstitutions``, or the serverless.yml fragment).

    Example:
        >>> function_ref("step-a")
        '${StepAFunctionArn}'
    """
    parts = [p for p in function.replace("_", "-").split("-") if p]
    if not parts or not all(p.isalnum() for p in parts):
        raise BuildError(f"function name {function!r} must be letters and digits joined by "
                         "'-' or '_'", where=caller_location(), hint='e.g. "step-a"')
    return "${" + "".join(p[:1].upper() + p[1:] for p in parts) + "FunctionArn}"


def lambda_function(name: str | None = None, *, function_arn: str,
                    **options: Unpack[TaskOptions]) -> Task:
    """Call a Lambda function by its ARN (the classic form; the input is the payload)."""
    return Task(name, resource=function_arn, **options)


def lambda_invoke(name: str | None = None, *, function: str | JsonPath, payload: Any = UNSET,
                  wait_for_token: bool = False, **options: Unpack[TaskOptions]) -> Task:
    """``arn:aws:states:::lambda:invoke``; ``payload`` defaults to the whole state input."""
    if payload is UNSET and options.get("query_language") != "JSONata":
        payload = JsonPath("$")
    return _integration(name, "lambda:invoke", {"FunctionName": function, "Payload": payload},
                        options, _pattern(wait_for_token))


def start_execution(name: str | None = None, *, state_machine_arn: str | JsonPath,
                    input: Any = UNSET, sync: bool | Literal[2] = False,
                    wait_for_token: bool = False, **options: Unpack[TaskOptions]) -> Task:
    """``states:startExecution``: start a nested workflow; ``sync=True`` or ``2`` waits for it."""
    return _integration(name, "states:startExecution",
                        {"StateMachineArn": state_machine_arn, "Input": input}, options,
                        _pattern(wait_for_token, sync))


def sns_publish(name: str | None = None, *, topic_arn: str | JsonPath, message: Any,
                subject: Any = UNSET, wait_for_token: bool = False,
                **options: Unpack[TaskOptions]) -> Task:
    """``sns:publish`` a message to a topic."""
    return _integration(name, "sns:publish",
                        {"TopicArn": topic_arn, "Message": message, "Subject": subject},
                        options, _pattern(wait_for_token))


def sqs_send_message(name: str | None = None, *, queue_url: str | JsonPath, message_body: Any,
                     wait_for_token: bool = False, **options: Unpack[TaskOptions]) -> Task:
    """``sqs:sendMessage`` to a queue."""
    return _integration(name, "sqs:sendMessage",
                        {"QueueUrl": queue_url, "MessageBody": message_body}, options,
                        _pattern(wait_for_token))


def aws_sdk(name: str | None = None, *, service: str, action: str,
            parameters: Mapping[str, Any] | None = None,
            **options: Unpack[TaskOptions]) -> Task:
    """Any AWS API through ``arn:aws:states:::aws-sdk:<service>:<action>``."""
    for what, value in (("service", service), ("action", action)):
        if not isinstance(value, str) or not value or ":" in value:
            raise BuildError(f"aws_sdk {what} {value!r} is not valid", where=caller_location(),
                             hint='e.g. service="s3", action="getObject"')
    return _integration(name, f"aws-sdk:{service}:{action}", dict(parameters or {}), options)
