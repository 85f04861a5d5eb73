"""Deployment options of one workflow's serverless.yml fragment (pure data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sfs3dsl.core.errors import DeploymentOptionError
from sfs3dsl.model.eventbridge import MAX_TARGETS_PER_RULE, STATUSES
from sfs3dsl.model.source import caller_location

if TYPE_CHECKING:
    from sfs3dsl.model.operations import Alarms, Notification, Problem, Vpc

Api = Literal["auto", "facade", "plugin", "none"]
LogLevel = Literal["ALL", "ERROR", "FATAL"]
NOTIFIABLE = STATUSES


@dataclass(frozen=True)
class ServerlessOptions:
    """How a workflow is deployed with the Serverless Framework.

    Args:
        api: ``"facade"`` (the side-car API: start-process, process-state, process-data),
            ``"plugin"`` (the plugin's own start/status/stop http events), ``"none"``, or
            ``"auto"``: facade for a side-car workflow, plugin otherwise.
        express: deploy an Express state machine instead of a Standard one.
        tracing: X-Ray tracing of the state machine.
        logging: a log level to send execution logs to a generated log group (None: off).
        notify: execution statuses published to a generated, encrypted SNS topic.
        api_key: name of the API key (default ``<workflow>-${sls:stage}``).
        quota_limit, quota_period, burst_limit, rate_limit: the usage plan.
        runtime, memory_size: of the generated Lambda functions.
        vpc: a :class:`~sfs3dsl.model.operations.Vpc` every generated function runs in.
        dashboard: a CloudWatch dashboard of the workflow's executions and steps.
        alarms: :class:`~sfs3dsl.model.operations.Alarms` on failed and timed-out executions.
        notifications: more targets of execution status changes
            (:class:`~sfs3dsl.model.operations.Notification`), beside ``notify``'s topic.

    Give them to ``Workflow(..., deployment=ServerlessOptions(...))``, or to the workflow's
    ``SideCar(serverless=...)``. They are checked when a workflow takes them (see
    :meth:`check`); both deployment targets (serverless.yml and SAM) honour every option.

    Example:
        >>> ServerlessOptions(express=True, tracing=True, logging="ERROR")
    """

    api: Api = "auto"
    express: bool = False
    tracing: bool = False
    logging: LogLevel | None = None
    notify: tuple[str, ...] = ("ABORTED", "FAILED", "TIMED_OUT")
    api_key: str | None = None
    quota_limit: int = 5000
    quota_period: Literal["DAY", "WEEK", "MONTH"] = "MONTH"
    burst_limit: int = 200
    rate_limit: int = 100
    runtime: str = "python3.12"
    memory_size: int = 256
    vpc: Vpc | None = None
    dashboard: bool = False
    alarms: Alarms | None = None
    notifications: tuple[Notification, ...] = ()
    where: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        where = caller_location()
        object.__setattr__(self, "where", where)
        notifications: Any = self.notifications  # a list from the user, despite the hint
        if not isinstance(notifications, tuple):
            object.__setattr__(self, "notifications", tuple(notifications))
        if self.api not in ("auto", "facade", "plugin", "none"):
            raise DeploymentOptionError(
                f"api {self.api!r} is not one of auto, facade, plugin, none", where=where,
                hint='use api="facade" for a side-car workflow')
        if self.logging not in (None, "ALL", "ERROR", "FATAL"):
            raise DeploymentOptionError(f"logging {self.logging!r} is not ALL, ERROR or FATAL",
                             where=where, hint='use logging="ERROR", or None for no logs')
        for name in ("quota_limit", "burst_limit", "rate_limit", "memory_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise DeploymentOptionError(f"{name} must be a positive int, got {value!r}",
                                 where=where, hint=f"e.g. {name}=100")

    def problems(self) -> list[Problem]:
        """What is wrong with the operations options: ``(problem, file:line, fix)``."""
        out: list[Problem] = []
        notify: Any = self.notify
        unknown = [s for s in notify if s not in NOTIFIABLE]
        if isinstance(notify, str) or unknown:
            out.append((f"notify names {unknown or notify!r}, which are not execution "
                        "statuses", self.where, f"use some of {list(NOTIFIABLE)}"))
        if self.vpc is not None or self.alarms is not None or self.notifications:
            out += self._operations_problems()
        if self.express and self.notifications:
            out.append(("an Express state machine sends no execution status changes to "
                        "EventBridge, so notifications would never arrive", self.where,
                        "drop notifications, or deploy a Standard machine (express=False)"))
        return out

    def _operations_problems(self) -> list[Problem]:
        """The problems of ``vpc``, ``alarms`` and ``notifications``; only called when one
        is set, so a workflow without them never imports :mod:`sfs3dsl.model.operations`."""
        from sfs3dsl.model.operations import Alarms, Notification, Vpc

        out: list[Problem] = []
        checked: tuple[tuple[str, Any, Any], ...] = (("vpc", self.vpc, Vpc),
                                                      ("alarms", self.alarms, Alarms))
        for name, value, kind in checked:
            if value is not None and not isinstance(value, kind):
                out.append((f"{name}={value!r} is not a {kind.__name__}", self.where,
                            f"pass {name}={kind.__name__}(...)"))
            elif value is not None:
                out += value.problems()
        targets: tuple[Any, ...] = self.notifications
        for target in targets:
            if not isinstance(target, Notification):
                out.append((f"notifications holds {target!r}, which is not a Notification",
                            self.where, "build targets with Notification.sqs(...) and the like"))
            else:
                out += target.problems()
        for status in NOTIFIABLE:
            count = (status in self.notify) + sum(
                status in t.statuses for t in self.notifications if isinstance(t, Notification))
            if count > MAX_TARGETS_PER_RULE:
                out.append((f"notifications send {status} to {count} targets, and the rule "
                            f"EventBridge matches it with takes at most {MAX_TARGETS_PER_RULE}",
                            self.where, f"send {status} to at most {MAX_TARGETS_PER_RULE} "
                            "targets (notify's topic is one); fan out through an SNS topic"))
        return out

    def check(self, workflow: str) -> None:
        """Raise the first problem as a one-line :class:`BuildError` naming ``workflow``."""
        problems = self.problems()
        if problems:
            message, where, hint = problems[0]
            raise DeploymentOptionError(f"workflow {workflow!r}: {message}", where=where,
                                        hint=hint)
