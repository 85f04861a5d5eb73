"""Turn the ``${...}`` placeholders of a compiled ASL into CloudFormation references.

Ours: ``${StepAFunctionArn}`` becomes ``Fn::GetAtt [StepALambdaFunction, Arn]`` (the function
serverless creates for key ``stepA``), ``${ReminderTopicArn}`` a ``Ref`` to a topic the
fragment creates, ``${DownstreamStateMachineArn}`` a ``Ref`` to that workflow's state
machine.

Foreign: any other ``${Name}`` (a SAM ``DefinitionSubstitutions`` key, a Terraform
``templatefile`` variable, a CDK token) came with a definition written for another tool. It
stays in the compiled ASL unchanged, and each deployment target turns it into a template
parameter of its own (:func:`parameter_name`): SAM maps it in ``DefinitionSubstitutions``;
in serverless.yml it becomes a ``Ref`` to that parameter (``Fn::Join`` when the placeholder
is part of a longer string), so no ``${`` is left for the Serverless Framework to read as one
of its variables.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sfs3dsl.deploy.serverless.names import function_logical_id, pascal

_OURS = re.compile(r"\$\{([A-Za-z0-9]+?)(FunctionArn|TopicArn|StateMachineArn)\}\Z")
#: ``${...}`` as CloudFormation's Fn::Sub reads it: up to the first ``}``; ``${!x}`` is
#: Fn::Sub's escape for a literal ``${x}``, so it is no placeholder. A pattern string,
#: compiled by ``re`` on first use: most workflows hold no foreign placeholder.
_ANY = r"\$\{(?!!)([^}]+)\}"


@dataclass
class Found:
    """The placeholders met, in document order.

    ``functions``: function keys; ``topics``: topic logical ids; ``machines``: state machine
    logical ids; ``foreign``: the names inside other ``${...}`` (``reserveFlightFunction``).
    """

    functions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    machines: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    #: each of our placeholders as written (``getQuickFailFunctionArn``) and its value
    ours: dict[str, Any] = field(default_factory=dict)

    def substitutions(self) -> dict[str, Any]:
        """``{placeholder name: CloudFormation value}`` for every placeholder: the
        ``DefinitionSubstitutions`` of a SAM or CloudFormation state machine."""
        return {**self.ours, **{name: {"Ref": parameter_name(name)} for name in self.foreign}}

    def make_foreign(self, name: str) -> None:
        """Treat our placeholder ``name`` as foreign (what it names is not deployed here)."""
        value = self.ours.pop(name)
        if value.get("Ref") in self.machines:
            self.machines.remove(value["Ref"])
        if name not in self.foreign:
            self.foreign.append(name)


def parameter_name(placeholder: str) -> str:
    """The template parameter that gives ``${placeholder}`` its value: the name itself when
    CloudFormation allows it (letters and digits), else its words joined
    (``pythonFunction.functionName`` -> ``PythonFunctionFunctionName``)."""
    if placeholder.isascii() and placeholder.isalnum():
        return placeholder
    return pascal(placeholder) or "Placeholder"


def _ours(text: str, found: Found) -> Any:
    match = _OURS.match(text)
    if match is None:
        return None
    stem, kind = match.groups()
    value: dict[str, Any]
    if kind == "FunctionArn":
        key = stem[:1].lower() + stem[1:]
        if key not in found.functions:
            found.functions.append(key)
        value = {"Fn::GetAtt": [function_logical_id(key), "Arn"]}
    elif kind == "TopicArn":
        logical = f"{stem}Topic"
        if logical not in found.topics:
            found.topics.append(logical)
        value = {"Ref": logical}
    else:
        logical = f"{stem}StateMachine"
        if logical not in found.machines:
            found.machines.append(logical)
        value = {"Ref": logical}
    found.ours[text[2:-1]] = value
    return value


def _foreign(text: str, found: Found) -> Any:
    parts: list[Any] = []
    last = 0
    for match in re.finditer(_ANY, text):
        name = match.group(1)
        if name not in found.foreign:
            found.foreign.append(name)
        if match.start() > last:
            parts.append(text[last:match.start()])
        parts.append({"Ref": parameter_name(name)})
        last = match.end()
    if not parts:  # a "${" with no closing brace, or only ${!escapes}: plain text
        return text
    if last < len(text):
        parts.append(text[last:])
    return parts[0] if len(parts) == 1 else {"Fn::Join": ["", parts]}


def resolve(asl: dict[str, Any]) -> tuple[dict[str, Any], Found]:
    """A copy of ``asl`` with placeholders replaced, and what they referred to."""
    found = Found()
    root: dict[str, Any] = {}
    stack: deque[tuple[Any, Any]] = deque([(asl, root)])
    while stack:
        source, target = stack.popleft()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            if isinstance(key, str) and "${" in key:
                # a field name cannot be a CloudFormation function: it stays as written,
                # and its placeholders get their parameters (Fn::Sub fills them in)
                for name in re.findall(_ANY, key):
                    if name not in found.foreign:
                        found.foreign.append(name)
            if isinstance(value, dict | list):
                copy: Any = {} if isinstance(value, dict) else [None] * len(value)
                stack.append((value, copy))
            elif isinstance(value, str) and "${" in value:
                copy = _ours(value, found)
                if copy is None:
                    copy = _foreign(value, found)
            else:
                copy = value
            target[key] = copy
    return root, found
