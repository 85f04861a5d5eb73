"""Deployment options of one workflow's serverless.yml fragment (pure data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.source import caller_location

Api = Literal["auto", "facade", "plugin", "none"]
LogLevel = Literal["ALL", "ERROR", "FATAL"]
NOTIFIABLE = ("ABORTED", "FAILED", "RUNNING", "SUCCEEDED", "TIMED_OUT")


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

    def __post_init__(self) -> None:
        where = caller_location()
        unknown = [s for s in self.notify if s not in NOTIFIABLE]
        if unknown:
            raise BuildError(f"notify names {unknown}, which are not execution statuses",
                             where=where, hint=f"use some of {list(NOTIFIABLE)}")
        if self.api not in ("auto", "facade", "plugin", "none"):
            raise BuildError(f"api {self.api!r} is not one of auto, facade, plugin, none",
                             where=where, hint='use api="facade" for a side-car workflow')
        if self.logging not in (None, "ALL", "ERROR", "FATAL"):
            raise BuildError(f"logging {self.logging!r} is not ALL, ERROR or FATAL",
                             where=where, hint='use logging="ERROR", or None for no logs')
        for name in ("quota_limit", "burst_limit", "rate_limit", "memory_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise BuildError(f"{name} must be a positive int, got {value!r}",
                                 where=where, hint=f"e.g. {name}=100")
