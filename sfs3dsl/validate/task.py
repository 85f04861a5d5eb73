"""Task states: Resource, Credentials, the callback task token, timeout advice."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from sfs3dsl.syntax.asl import TASK_TOKEN_JSONATA, TASK_TOKEN_PATH
from sfs3dsl.validate.paths import iter_dynamic, template_error
from sfs3dsl.validate.report import State
from sfs3dsl.validate.values import describe, is_jsonata

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # a scheme, as RFC 3986 has it
_TIMEOUT = frozenset({"TimeoutSeconds", "TimeoutSecondsPath"})
_HEARTBEAT = frozenset({"HeartbeatSeconds", "HeartbeatSecondsPath"})


def check_task(state: State) -> None:
    """Every Task-specific check."""
    resource = state.body.get("Resource")
    if "Resource" in state.body and (not isinstance(resource, str) or not resource.strip()):
        state.problem("wrong-type", "Resource",
                      f'field "Resource" must be a non-empty ARN string, not '
                      f"{describe(resource)}", 'write "Resource": "arn:aws:states:::..."')
    elif isinstance(resource, str) and not _URI.match(resource) and "${" not in resource:
        # The specification: "The Resource field MUST be a URI". A deploy-time placeholder
        # such as ${LambdaArn} (CloudFormation, SAM) is filled in before AWS sees it.
        state.problem("resource-not-uri", "Resource",
                      f'field "Resource" is {resource!r}, which is not a URI (an ARN such as '
                      '"arn:aws:states:::lambda:invoke")',
                      'write the ARN of the function, activity or integration')
    if "Credentials" in state.body:
        _credentials(state, state.body["Credentials"])
    callback = isinstance(resource, str) and resource.endswith(".waitForTaskToken")
    if callback:
        _task_token(state)
    timeout = not _TIMEOUT.isdisjoint(state.body)
    heartbeat = not _HEARTBEAT.isdisjoint(state.body)
    if not timeout:
        state.problem("task-without-timeout", "",
                      "the Task has no TimeoutSeconds; a stuck task then waits up to a year",
                      'add "TimeoutSeconds"', severity="warning")
    if callback and not heartbeat:
        state.problem("callback-without-heartbeat", "",
                      "the callback Task (.waitForTaskToken) has no HeartbeatSeconds; a lost "
                      "token is only noticed at the timeout",
                      'add "HeartbeatSeconds"', severity="warning")


def _credentials(state: State, value: Any) -> None:
    if not isinstance(value, Mapping):
        state.problem("bad-credentials", "Credentials",
                      f'field "Credentials" must be an object with "RoleArn", not '
                      f"{describe(value)}", 'write "Credentials": {"RoleArn": "arn:aws:iam::..."}')
        return
    allowed = ["RoleArn"] if state.jsonata else ["RoleArn", "RoleArn.$"]
    keys = [str(k) for k in value]
    if not keys:
        state.problem("bad-credentials", "Credentials",
                      'field "Credentials" is empty; it needs the role to assume in "RoleArn"',
                      'write "Credentials": {"RoleArn": "arn:aws:iam::..."}')
        return
    if len(set(keys) & set(allowed)) != 1 or set(keys) - set(allowed):
        # A warning, not an error: statelint and the service accept other spellings.
        state.problem("credentials-fields", "Credentials",
                      f'field "Credentials" should have exactly one of {_listing(allowed)} '
                      f"and nothing else, found {_listing(keys)}",
                      'write "Credentials": {"RoleArn": "arn:aws:iam::..."}', severity="warning")
        return
    role = value.get("RoleArn")
    if "RoleArn" in value and not isinstance(role, str):
        state.problem("bad-credentials", "Credentials.RoleArn",
                      f'"RoleArn" must be a string, not {describe(role)}',
                      "write the role's ARN")
    if "RoleArn.$" in value:
        why = template_error(value["RoleArn.$"])
        if why:
            state.problem("bad-credentials", "Credentials.RoleArn.$",
                          f'field "RoleArn.$" of Credentials is not a JSONPath or intrinsic '
                          f"function expression: {why}", 'write e.g. "$.roleArn"')


def _listing(names: list[str]) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def _task_token(state: State) -> None:
    if state.jsonata:
        payload = state.body.get("Arguments")
        found = any(TASK_TOKEN_JSONATA in s for s in _jsonata_strings(payload))
        where, wanted = "Arguments", f"{{% {TASK_TOKEN_JSONATA} %}}"
    else:
        payload = state.body.get("Parameters")
        found = any(isinstance(v, str) and TASK_TOKEN_PATH in v
                    for _, _, v in iter_dynamic(payload))
        where, wanted = "Parameters", f'"TaskToken.$": "{TASK_TOKEN_PATH}"'
    if not found:
        state.problem("missing-task-token", where,
                      f'the callback Task (.waitForTaskToken) does not pass the task token in '
                      f'"{where}"; nobody could ever resume it',
                      f"add {wanted} to the payload")


def _jsonata_strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif is_jsonata(node):
            yield node
