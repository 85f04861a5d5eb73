"""Task states for ``import``: an integration helper where it fits exactly, else ``Task``.

``lambda_invoke``, ``start_execution``, ``sns_publish``, ``sqs_send_message`` and ``aws_sdk``
are used only when the helper renders the very same Resource and payload: the same keys,
Parameters vs Arguments, no default the original leaves out. Anything else is a plain
``Task(resource=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sfs3dsl.model.integrations import STATES_ARN, function_ref
from sfs3dsl.review.importer.code import Atom, Call, DictLit, Node, Str
from sfs3dsl.review.importer.states import StateContext, keywords
from sfs3dsl.review.importer.values import is_jsonata_call, payload_items


@dataclass(frozen=True, slots=True)
class _Helper:
    function: str
    keys: dict[str, str]  # payload key -> keyword
    required: frozenset[str]
    suffixes: dict[str, tuple[tuple[str, str], ...]]  # resource suffix -> extra keywords


_TOKEN: Final = (("wait_for_token", "True"),)
_HELPERS: Final = {
    "lambda:invoke": _Helper("lambda_invoke", {"FunctionName": "function", "Payload": "payload"},
                             frozenset({"FunctionName"}), {"": (), ".waitForTaskToken": _TOKEN}),
    "states:startExecution": _Helper(
        "start_execution", {"StateMachineArn": "state_machine_arn", "Input": "input"},
        frozenset({"StateMachineArn"}),
        {"": (), ".sync": (("sync", "True"),), ".sync:2": (("sync", "2"),),
         ".waitForTaskToken": _TOKEN}),
    "sns:publish": _Helper("sns_publish", {"TopicArn": "topic_arn", "Message": "message",
                                           "Subject": "subject"},
                           frozenset({"TopicArn", "Message"}),
                           {"": (), ".waitForTaskToken": _TOKEN}),
    "sqs:sendMessage": _Helper("sqs_send_message",
                               {"QueueUrl": "queue_url", "MessageBody": "message_body"},
                               frozenset({"QueueUrl", "MessageBody"}),
                               {"": (), ".waitForTaskToken": _TOKEN}),
}
_FUNCTION_REF: Final = re.compile(r"\$\{([A-Z][A-Za-z0-9]*)FunctionArn\}")
_WORD: Final = re.compile(r"[A-Z][a-z0-9]*")


def task_call(state: Mapping[str, Any], ctx: StateContext) -> Call:
    """The call that builds a Task state (without its transitions)."""
    options = keywords(state, ctx, skip=("Parameters", "Arguments"))
    helper = _helper_call(state, ctx, options)
    if helper is not None:
        return helper
    head: list[tuple[str, Node]] = [("resource", Str(state["Resource"]))]
    head += keywords({k: v for k, v in state.items() if k in ("Parameters", "Arguments")}, ctx)
    return Call("Task", (Str(ctx.name),), tuple(head + options))


def _payload_of(state: Mapping[str, Any], ctx: StateContext) -> tuple[
        list[tuple[str, Node]], bool] | None:
    """The payload's items and whether it is ``Arguments``; None if helpers cannot say it."""
    if ("Parameters" in state) == ("Arguments" in state):
        return None
    arguments = "Arguments" in state
    body = state["Arguments" if arguments else "Parameters"]
    if not isinstance(body, Mapping):
        return None
    items = payload_items(body, jsonata=ctx.jsonata)
    # A helper writes Arguments for a JSONata state or when a value is a Jsonata expression.
    as_arguments = state.get("QueryLanguage") == "JSONata" or any(
        is_jsonata_call(node) for _, node in items)
    if as_arguments != arguments:
        return None
    return items, arguments


def _helper_call(state: Mapping[str, Any], ctx: StateContext,
                 options: list[tuple[str, Node]]) -> Call | None:
    resource = state["Resource"]
    if not isinstance(resource, str) or not resource.startswith(STATES_ARN):
        return None
    found = _payload_of(state, ctx)
    if found is None:
        return None
    items, arguments = found
    service = resource[len(STATES_ARN):]
    if service.startswith("aws-sdk:"):
        return _aws_sdk(service, items, ctx, options)
    base, dot, suffix = service.partition(".")
    helper = _HELPERS.get(base)
    if helper is None or dot + suffix not in helper.suffixes:
        return None
    given = dict(items)
    if not set(given) <= set(helper.keys) or not helper.required <= set(given):
        return None
    if helper.function == "lambda_invoke" and not _payload_ok(state, given, arguments):
        return None
    kwargs: list[tuple[str, Node]] = []
    for key, node in items:
        if helper.function == "lambda_invoke" and key == "Payload" and _is_whole_input(node):
            continue  # lambda_invoke passes the whole input by default
        kwargs.append((helper.keys[key], _function(node, ctx) if key == "FunctionName"
                       else node))
    kwargs += [(k, Atom(v)) for k, v in helper.suffixes[dot + suffix]]
    return Call(helper.function, (Str(ctx.name),), tuple(kwargs + options))


def _payload_ok(state: Mapping[str, Any], given: dict[str, Node], arguments: bool) -> bool:
    """lambda_invoke fills in ``Payload.$: $`` unless the state is JSONata."""
    if "Payload" in given:
        return not (arguments and _is_whole_input(given["Payload"]))
    return arguments and state.get("QueryLanguage") == "JSONata"


def _is_whole_input(node: Node) -> bool:
    return isinstance(node, Call) and node.func == "JsonPath" and node.args == (Str("$"),)


def _function(node: Node, ctx: StateContext) -> Node:
    """``"${StepAFunctionArn}"`` -> ``function_ref("step-a")``."""
    if not isinstance(node, Str):
        return node
    match = _FUNCTION_REF.fullmatch(node.value)
    if match is None:
        return node
    name = "-".join(w.lower() for w in _WORD.findall(match.group(1)))
    if not name or function_ref(name) != node.value:
        return node
    return Call("function_ref", (Str(name),))


def _aws_sdk(service: str, items: list[tuple[str, Node]], ctx: StateContext,
             options: list[tuple[str, Node]]) -> Call | None:
    parts = service.split(":")
    if len(parts) != 3 or not parts[1] or not parts[2] or "." in parts[2]:
        return None
    kwargs: list[tuple[str, Node]] = [("service", Str(parts[1])), ("action", Str(parts[2])),
                                      ("parameters", DictLit(tuple((Str(k), v)
                                                                   for k, v in items)))]
    return Call("aws_sdk", (Str(ctx.name),), tuple(kwargs + options))


__all__ = ["task_call"]
