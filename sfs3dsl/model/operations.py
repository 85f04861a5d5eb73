"""The operations pieces of a deployment (seeds 000, 001 and 003), as pure data.

* :class:`Vpc`: the subnets and security groups every generated Lambda function runs in;
* :class:`Notification`: a target (SNS, SQS, Lambda, Kinesis, Firehose, Step Functions) that
  EventBridge sends a state machine's execution status changes to;
* :class:`Alarms`: CloudWatch alarms on failed and timed-out executions.

They go on :class:`~sfs3dsl.model.serverless.ServerlessOptions` (with ``dashboard=True``).
Their constructors record the caller's ``file:line`` and check nothing: what is wrong is
reported by :func:`problems` once the workflow they belong to is known, so the one-line
error names the workflow, the problem, the option's ``file:line`` and a fix.

Example:
    >>> ServerlessOptions(vpc=Vpc(subnet_ids=["subnet-0a1b2c3d"],
    ...                           security_group_ids=["sg-1a2b3c4d"]),
    ...                   dashboard=True, alarms=Alarms(),
    ...                   notifications=(Notification.sqs(QUEUE_ARN, message_group_id="orders"),))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sfs3dsl.model.eventbridge import STATUSES
from sfs3dsl.model.source import caller_location

#: Notification targets, spelt as the serverless-step-functions plugin spells them.
TARGET_KINDS = ("sns", "sqs", "lambda", "kinesis", "firehose", "stepFunctions")
#: The alarms the plugin can make (its ``alarms.metrics`` names).
ALARM_METRICS = ("executionsTimedOut", "executionsFailed", "executionsAborted",
                 "executionThrottled", "executionsSucceeded")
TreatMissingData = Literal["missing", "ignore", "breaching", "notBreaching"]
#: An ARN, or a CloudFormation value that gives one (``{"Ref": ...}``, ``{"Fn::GetAtt": ...}``).
Arn = str | Mapping[str, Any]
#: The CloudFormation functions the plugin's ``notifications`` schema accepts as an ARN; with
#: any other the plugin drops the whole block with only a log line, so we refuse it.
ARN_FUNCTIONS = ("Ref", "Fn::GetAtt", "Fn::Join")
#: ``subnet-`` / ``sg-`` and 8 or 17 hex digits: the two ID lengths EC2 has issued.
_SUBNET = re.compile(r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")
_GROUP = re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")
#: Lambda's VpcConfig limits (Lambda API reference, VpcConfig: SubnetIds at most 16 items,
#: SecurityGroupIds at most 5).
MAX_SUBNETS, MAX_SECURITY_GROUPS = 16, 5
#: The service and resource type an ARN of each target kind names.
_ARN_SHAPES = {"sns": ("sns", ""), "sqs": ("sqs", ""), "lambda": ("lambda", "function:"),
               "kinesis": ("kinesis", "stream/"), "firehose": ("firehose", "deliverystream/"),
               "stepFunctions": ("states", "stateMachine:")}
_ARN = re.compile(r"arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:\d*:(.+)\Z")

#: A problem: what is wrong, where it was written, and how to fix it.
Problem = tuple[str, str, str]


def _where() -> str:
    return caller_location()


@dataclass(frozen=True)
class Vpc:
    """The VPC placement of every generated Lambda function (seed 001).

    Args:
        subnet_ids: private subnets (``subnet-...``) with a route to S3 (a gateway endpoint
            or a NAT), or CloudFormation values (``{"Ref": "PrivateSubnetA"}``).
        security_group_ids: security groups (``sg-...``) or CloudFormation values.

    Every generated function gets ``VpcConfig`` and its role the network-interface
    permissions Lambda needs to place it (docs/deploy.md).
    """

    subnet_ids: Sequence[Any]
    security_group_ids: Sequence[Any]
    where: str = field(default_factory=_where, compare=False, repr=False)

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for what, ids, pattern, most, example in (
                ("subnet_ids", self.subnet_ids, _SUBNET, MAX_SUBNETS, "subnet-0a1b2c3d"),
                ("security_group_ids", self.security_group_ids, _GROUP, MAX_SECURITY_GROUPS,
                 "sg-0a1b2c3d")):
            if isinstance(ids, (str, Mapping)) or not isinstance(ids, Sequence):
                out.append((f"vpc {what} must be a list, got {ids!r}", self.where,
                            f'pass {what}=["{example}"]'))
                continue
            if not 1 <= len(ids) <= most:
                out.append((f"vpc {what} has {len(ids)} ids; Lambda takes 1 to {most}",
                            self.where, f"pass between 1 and {most} ids"))
            for value in ids:
                if isinstance(value, Mapping):
                    continue  # a CloudFormation value: CloudFormation checks it
                if not isinstance(value, str) or not pattern.match(value):
                    prefix = example.split("-")[0]
                    out.append((f"vpc {what} names {value!r}, which is not of the form "
                                f"{prefix}-<8 or 17 hex digits>", self.where,
                                f"copy the id from the VPC console, e.g. {example!r}"))
        return out

    def config(self) -> dict[str, list[Any]]:
        """The ``vpc`` of a serverless.yml function."""
        return {"securityGroupIds": list(self.security_group_ids),
                "subnetIds": list(self.subnet_ids)}


def _statuses(statuses: Sequence[str] | str) -> tuple[str, ...]:
    """``statuses`` as a tuple; one string is one status (``statuses="TIMED_OUT"``), not
    its letters."""
    return (statuses,) if isinstance(statuses, str) else tuple(statuses)


@dataclass(frozen=True)
class Notification:
    """A target of execution status changes (seed 003), as the plugin's ``notifications``.

    Build one with :meth:`sns`, :meth:`sqs`, :meth:`lambda_function`, :meth:`kinesis`,
    :meth:`firehose` or :meth:`step_functions`; ``statuses`` are those of :data:`STATUSES`
    that are sent (default: the unhappy endings).
    """

    kind: str
    arn: Arn
    statuses: Sequence[str] = ("ABORTED", "FAILED", "TIMED_OUT")
    message_group_id: str | None = None
    partition_key_path: str | None = None
    where: str = field(default_factory=_where, compare=False, repr=False)

    @classmethod
    def sns(cls, arn: Arn, *, statuses: Sequence[str] = ("ABORTED", "FAILED", "TIMED_OUT")
            ) -> Notification:
        return cls("sns", arn, _statuses(statuses))

    @classmethod
    def sqs(cls, arn: Arn, *, message_group_id: str | None = None,
            statuses: Sequence[str] = ("ABORTED", "FAILED", "TIMED_OUT")) -> Notification:
        """A queue; a FIFO queue (``...fifo``) needs ``message_group_id``."""
        return cls("sqs", arn, _statuses(statuses), message_group_id=message_group_id)

    @classmethod
    def lambda_function(cls, arn: Arn, *, statuses: Sequence[str] = ("ABORTED", "FAILED",
                                                                      "TIMED_OUT")
                        ) -> Notification:
        return cls("lambda", arn, _statuses(statuses))

    @classmethod
    def kinesis(cls, arn: Arn, *, partition_key_path: str | None = None,
                statuses: Sequence[str] = ("ABORTED", "FAILED", "TIMED_OUT")) -> Notification:
        """A stream; ``partition_key_path`` (``"$.detail.name"``) picks the partition key
        from the event, else EventBridge uses the event's id."""
        return cls("kinesis", arn, _statuses(statuses), partition_key_path=partition_key_path)

    @classmethod
    def firehose(cls, arn: Arn, *, statuses: Sequence[str] = ("ABORTED", "FAILED",
                                                               "TIMED_OUT")) -> Notification:
        return cls("firehose", arn, _statuses(statuses))

    @classmethod
    def step_functions(cls, arn: Arn, *, statuses: Sequence[str] = ("ABORTED", "FAILED",
                                                                     "TIMED_OUT")
                       ) -> Notification:
        """Another state machine, started with the event as its input."""
        return cls("stepFunctions", arn, _statuses(statuses))

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        here = f"{self.kind} notification"
        if self.kind not in TARGET_KINDS:
            return [(f"notification target {self.kind!r} is not one the plugin supports",
                     self.where, f"use one of {list(TARGET_KINDS)} (Notification.sqs(...))")]
        statuses = self.statuses
        if isinstance(statuses, str) or not statuses:
            out.append((f"{here} statuses must be a non-empty list, got {statuses!r}",
                        self.where, 'e.g. statuses=("FAILED", "TIMED_OUT")'))
        else:
            unknown = [s for s in statuses if s not in STATUSES]
            if unknown:
                out.append((f"{here} names status(es) {unknown}, which are not execution "
                            "statuses", self.where, f"use some of {list(STATUSES)}"))
        out += self._arn_problems(here)
        fifo = isinstance(self.arn, str) and self.arn.endswith(".fifo")
        if self.message_group_id is not None and self.kind != "sqs":
            out.append((f"{here} has message_group_id, which only an SQS target takes",
                        self.where, "drop message_group_id"))
        if self.partition_key_path is not None and self.kind != "kinesis":
            out.append((f"{here} has partition_key_path, which only a Kinesis target takes",
                        self.where, "drop partition_key_path"))
        if self.kind == "sqs":
            if fifo and not self.message_group_id:
                out.append((f"SQS queue {self.arn!r} is a FIFO queue and needs a message "
                            "group id", self.where,
                            'pass Notification.sqs(arn, message_group_id="<group>")'))
            elif self.message_group_id is not None and isinstance(self.arn, str) and not fifo:
                out.append((f"SQS queue {self.arn!r} is a standard queue, which takes no "
                            "message group id", self.where,
                            "drop message_group_id, or name the FIFO queue (...fifo)"))
            if self.message_group_id is not None and (
                    not isinstance(self.message_group_id, str) or not self.message_group_id):
                out.append((f"message_group_id must be a non-empty string, got "
                            f"{self.message_group_id!r}", self.where,
                            'e.g. message_group_id="executions"'))
        if self.partition_key_path is not None and (
                not isinstance(self.partition_key_path, str)
                or not self.partition_key_path.startswith("$")):
            out.append((f"partition_key_path {self.partition_key_path!r} is not a JSON path "
                        "into the event", self.where, 'e.g. partition_key_path="$.detail.name"'))
        return out

    def _arn_problems(self, here: str) -> list[Problem]:
        arn: Any = self.arn
        if isinstance(arn, Mapping):
            if len(arn) != 1 or next(iter(arn)) not in ARN_FUNCTIONS:
                return [(f"{here} target {dict(arn)!r} is not an ARN the plugin accepts",
                         self.where, f"give an ARN string or one of {list(ARN_FUNCTIONS)}")]
            return []
        if not isinstance(arn, str):
            return [(f"{here} target {arn!r} is not an ARN", self.where,
                     "give the target's ARN as a string")]
        service, resource = _ARN_SHAPES[self.kind]
        match = _ARN.match(arn)
        if match is None or match.group(1) != service or not match.group(2).startswith(
                resource):
            noun = resource.rstrip(":/") or "resource"
            return [(f"{here} target {arn!r} is not the ARN of a {service} {noun}", self.where,
                     f"use arn:aws:{service}:<region>:<account>:{resource}<name>")]
        return []

    def target(self) -> dict[str, Any]:
        """The target as one item of the plugin's ``notifications.<STATUS>`` list."""
        arn = dict(self.arn) if isinstance(self.arn, Mapping) else self.arn
        if self.kind == "sqs" and self.message_group_id:
            return {"sqs": {"arn": arn, "messageGroupId": self.message_group_id}}
        if self.kind == "kinesis" and self.partition_key_path:
            return {"kinesis": {"arn": arn, "partitionKeyPath": self.partition_key_path}}
        return {self.kind: arn}


@dataclass(frozen=True)
class Alarms:
    """CloudWatch alarms on the state machine's execution metrics (the plugin's ``alarms``).

    Args:
        topic: the SNS topic an alarm notifies; None: a topic the deployment creates.
        metrics: some of :data:`ALARM_METRICS` (default: failed and timed-out executions).
        treat_missing_data: ``notBreaching`` by default, since a minute without executions
            is a minute without failures.
        period: seconds per evaluation (one period, threshold one execution).
    """

    topic: Arn | None = None
    metrics: Sequence[str] = ("executionsFailed", "executionsTimedOut")
    treat_missing_data: TreatMissingData = "notBreaching"
    period: int = 60
    where: str = field(default_factory=_where, compare=False, repr=False)

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        unknown = [m for m in self.metrics if m not in ALARM_METRICS]
        if isinstance(self.metrics, str) or not self.metrics or unknown:
            out.append((f"alarms metrics {unknown or self.metrics!r} are not metrics the "
                        "plugin alarms on", self.where, f"use some of {list(ALARM_METRICS)}"))
        if self.treat_missing_data not in ("missing", "ignore", "breaching", "notBreaching"):
            out.append((f"alarms treat_missing_data {self.treat_missing_data!r} is not one of "
                        "missing, ignore, breaching, notBreaching", self.where,
                        'use treat_missing_data="notBreaching"'))
        if isinstance(self.period, bool) or not isinstance(self.period, int) or \
                self.period <= 0 or self.period % 60:
            # PutMetricAlarm takes 10, 20 and 30 only for high-resolution metrics; AWS/States
            # publishes at one-minute resolution, so a multiple of 60 seconds
            out.append((f"alarms period {self.period!r} is not a multiple of 60 seconds",
                        self.where, "use period=60"))
        if isinstance(self.topic, Mapping) and (
                len(self.topic) != 1 or next(iter(self.topic)) not in ARN_FUNCTIONS):
            out.append((f"alarms topic {dict(self.topic)!r} is not an ARN the plugin accepts",
                        self.where, f"give an ARN string or one of {list(ARN_FUNCTIONS)}"))
        elif isinstance(self.topic, str) and not (
                (m := _ARN.match(self.topic)) and m.group(1) == "sns"):
            out.append((f"alarms topic {self.topic!r} is not the ARN of an SNS topic",
                        self.where, "use arn:aws:sns:<region>:<account>:<topic>"))
        return out
