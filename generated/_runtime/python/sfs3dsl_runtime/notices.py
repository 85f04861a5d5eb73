"""Completion notices per transaction: one message when an execution of a side-car workflow
has ended, for the subscribers of ``<root>/<subtopic>/<transaction id>``.

The same :func:`build_notice` shapes the notice deployed (the generated ``notices`` Lambda,
which an EventBridge rule invokes on the state machine's "Step Functions Execution Status
Change" events and which publishes to SNS) and under ``sfs3dsl serve`` (its long-poll
``/notices`` route), so a subscriber sees the same message and attributes in both places:

- the message body: ``{"transactionId", "status", "executionArn"}`` as JSON;
- the SNS message attributes (all ``String``): ``topic`` (``<root>/<subtopic>/<txn>``, or
  ``<root>/<txn>`` without a subtopic), ``transactionId`` and ``status``, so a subscription's
  filter policy picks a transaction (``{"transactionId": ["..."]}``), a subtopic
  (``{"topic": [{"prefix": "process-a/mobile/"}]}``) or outcomes (``{"status": ["FAILED"]}``).

The transaction is the input's ``processData`` (executions are started named after it), else
the execution's name; the subtopic is the input's ``subtopic`` (``start-process?subtopic=``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict

from sfs3dsl_runtime import clients
from sfs3dsl_runtime.errors import SideCarConfigError

#: The statuses an ended execution has (the rule's event pattern lists the same).
ENDED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
#: The environment of the deployed function: the topic root (the workflow's name) and the
#: SNS topic's ARN.
ROOT_ENV = "SFS3DSL_NOTICE_ROOT"
TOPIC_ARN_ENV = "SFS3DSL_NOTICE_TOPIC_ARN"


class Notice(TypedDict):
    """What subscribers get: the topic, the message body and the SNS message attributes."""

    topic: str
    message: dict[str, str]
    attributes: dict[str, str]


def _reference(execution_input: Any) -> Mapping[str, Any]:
    """The execution input as a mapping; EventBridge carries it as a JSON string (``null``
    when it is over 248 KiB, which a side-car reference never is)."""
    if isinstance(execution_input, str):
        try:
            execution_input = json.loads(execution_input)
        except ValueError:
            return {}
    return execution_input if isinstance(execution_input, Mapping) else {}


def build_notice(root: str, name: str, status: str, execution_arn: str,
                 execution_input: Any) -> Notice:
    """The notice of the execution ``name`` (``execution_arn``) that ended with ``status``,
    started on ``execution_input`` (a mapping or its JSON text)."""
    reference = _reference(execution_input)
    txn = reference.get("processData")
    txn = txn if isinstance(txn, str) and txn else name
    subtopic = reference.get("subtopic")
    subtopic = subtopic.strip("/") if isinstance(subtopic, str) else ""
    topic = "/".join(p for p in (root.strip("/"), subtopic, txn) if p)
    return {"topic": topic,
            "message": {"transactionId": txn, "status": status, "executionArn": execution_arn},
            "attributes": {"topic": topic, "transactionId": txn, "status": status}}


def notice_of_event(root: str, event: Mapping[str, Any]) -> Notice:
    """The notice of a "Step Functions Execution Status Change" EventBridge event."""
    detail = event.get("detail")
    if not isinstance(detail, Mapping) or not all(
            isinstance(detail.get(k), str) for k in ("name", "status", "executionArn")):
        raise SideCarConfigError("the notices function got an event that is not a Step "
                                 "Functions Execution Status Change; check the rule's pattern")
    return build_notice(root, detail["name"], detail["status"], detail["executionArn"],
                        detail.get("input"))


def publish_handler(event: Mapping[str, Any], context: Any = None) -> Notice:
    """Lambda handler: publish the notice of ``event`` to the SNS topic of the environment."""
    env = clients.environ()
    root, topic_arn = env.get(ROOT_ENV, ""), env.get(TOPIC_ARN_ENV, "")
    if not root or not topic_arn:
        raise SideCarConfigError(f"the environment variables {ROOT_ENV} and {TOPIC_ARN_ENV} "
                                 "must be set (the generated serverless.yml sets both)")
    notice = notice_of_event(root, event)
    clients.client("sns").publish(
        TopicArn=topic_arn, Message=json.dumps(notice["message"], separators=(",", ":")),
        MessageAttributes={k: {"DataType": "String", "StringValue": v}
                           for k, v in notice["attributes"].items()})
    return notice


__all__ = ["ENDED", "Notice", "build_notice", "notice_of_event", "publish_handler"]
