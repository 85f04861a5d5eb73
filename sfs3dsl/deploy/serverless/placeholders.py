"""Turn the deploy-time placeholders of compiled ASL into CloudFormation references.

``${StepAFunctionArn}`` becomes ``Fn::GetAtt [StepALambdaFunction, Arn]`` (the function
serverless creates for key ``stepA``), ``${ReminderTopicArn}`` a ``Ref`` to a topic the
fragment creates, ``${DownstreamStateMachineArn}`` a ``Ref`` to that workflow's state
machine. Any other ``${`` would be read by serverless as a variable, so it is refused.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sfs3dsl.core.errors import BuildError
from sfs3dsl.deploy.serverless.names import function_logical_id

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+?)(FunctionArn|TopicArn|StateMachineArn)\}\Z")


@dataclass
class Found:
    """The placeholders met, in document order (function keys, topic ids)."""

    functions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def _replace(text: str, found: Found, where: str) -> Any:
    match = _PLACEHOLDER.match(text)
    if match is None:
        raise BuildError(f"{where} holds {text!r}; serverless would read '${{...}}' as one of "
                         "its variables", hint="use function_ref(...) for a Lambda function, "
                         "or a ${NameTopicArn} / ${NameStateMachineArn} placeholder")
    stem, kind = match.groups()
    if kind == "FunctionArn":
        key = stem[:1].lower() + stem[1:]
        if key not in found.functions:
            found.functions.append(key)
        return {"Fn::GetAtt": [function_logical_id(key), "Arn"]}
    if kind == "TopicArn":
        logical = f"{stem}Topic"
        if logical not in found.topics:
            found.topics.append(logical)
        return {"Ref": logical}
    return {"Ref": f"{stem}StateMachine"}


def resolve(asl: dict[str, Any]) -> tuple[dict[str, Any], Found]:
    """A copy of ``asl`` with placeholders replaced, and what they referred to."""
    found = Found()
    root: dict[str, Any] = {}
    stack: deque[tuple[Any, Any, str]] = deque([(asl, root, "definition")])
    while stack:
        source, target, where = stack.popleft()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            here = f"{where}.{key}" if isinstance(source, dict) else f"{where}[{key}]"
            if isinstance(value, dict | list):
                copy: Any = {} if isinstance(value, dict) else [None] * len(value)
                stack.append((value, copy, here))
            elif isinstance(value, str) and "${" in value:
                copy = _replace(value, found, here)
            else:
                copy = value
            target[key] = copy
    return root, found
