"""Executions over the API: Start (and StartSync for Express machines), Describe, List,
GetExecutionHistory (paged), Stop, and the callback actions SendTaskSuccess, SendTaskFailure
and SendTaskHeartbeat.

Each execution runs on the runner's thread for it (:meth:`Runner.start`); the service keeps
its handle by ARN. Whoever registered with :meth:`Executions.on_end` hears of each execution
once it has ended (the completion notices of :mod:`sfs3dsl.serve.notices`).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.serve import errors
from sfs3dsl.serve.machines import Machines, page_offset, page_token
from sfs3dsl.serve.protocol import (
    Plain,
    check_name,
    json_text,
    optional_int,
    parse_arn,
    required,
)

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Execution, ExecutionHandle

#: ``inputDetails``/``outputDetails`` of a payload shown whole (shared: encoded, never changed).
_INCLUDED = {"included": True}
_STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
#: How long StopExecution waits for the abort to land before it answers (a task callable
#: that is running cannot be interrupted; the abort then lands when it returns).
_STOP_WAIT = 5.0


@dataclass
class Record:
    """One execution the service started."""

    execution: Execution
    input_text: str
    handle: ExecutionHandle | None = None
    stop_error: str | None = None
    stop_cause: str | None = None

    @property
    def arn(self) -> str:
        return self.execution.arn

    @property
    def status(self) -> str:
        return self.execution.status

    def summary(self) -> Plain:
        e = self.execution
        out = Plain(executionArn=e.arn, stateMachineArn=e.state_machine_arn, name=e.name,
                    status=e.status, startDate=e.start_date)
        if e.status != "RUNNING" and e.stop_date is not None:
            out["stopDate"] = e.stop_date
        return out

    def describe(self) -> Plain:
        e = self.execution
        status = e.status
        out = self.summary()
        out["input"], out["inputDetails"] = self.input_text, _INCLUDED
        if status == "SUCCEEDED":
            out["output"], out["outputDetails"] = e.output_text(), _INCLUDED
        error, cause = (self.stop_error, self.stop_cause) if status == "ABORTED" else (
            e.error, e.cause)
        if error is not None:
            out["error"] = error
        if cause is not None:
            out["cause"] = cause
        out["redriveCount"], out["redriveStatus"] = 0, "NOT_REDRIVABLE"
        return out


class Executions:
    """The executions of the service's machines, by ARN."""

    def __init__(self, machines: Machines) -> None:
        self.machines = machines
        self.runner = machines.runner
        self._records: dict[str, Record] = {}
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Record], None]] = []

    def on_end(self, listener: Callable[[Record], None]) -> None:
        """Call ``listener(record)`` once each execution has ended."""
        self._listeners.append(listener)

    def get(self, arn: str) -> Record:
        with self._lock:
            found = self._records.get(arn)
        if found is None:
            # checked only when unknown: every ARN kept here is well formed
            parse_arn(arn, "execution")
            raise errors.execution_does_not_exist(arn)
        return found

    def running(self) -> list[Record]:
        with self._lock:
            return [r for r in self._records.values() if r.status == "RUNNING"]

    def _ended(self, handle: ExecutionHandle) -> None:
        execution = handle.execution
        if handle.error is not None:  # the run could not go on (a harness error): say so
            execution.status, execution.error = "FAILED", "States.Runtime"
            execution.cause = f"{type(handle.error).__name__}: {handle.error}"
            execution.stop_date = datetime.now(UTC)
        with self._lock:
            record = self._records.get(handle.arn)
        if record is not None:
            for listener in self._listeners:
                with contextlib.suppress(Exception):  # a listener must not stop the others
                    listener(record)

    # --- actions ----------------------------------------------------------------------

    def start(self, params: dict[str, Any]) -> dict[str, Any]:
        machine = self.machines.get(required(params, "stateMachineArn"))
        name = params.get("name") or str(uuid.uuid4())
        check_name(str(name))
        text = params.get("input")
        text = "{}" if text is None else str(text)
        value = json_text(text, "input")
        arn = machine.arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"
        with self._lock:
            existing = self._records.get(arn)
            if existing is not None:
                # AWS: the same name and input while it runs is the same start (idempotent)
                if existing.status == "RUNNING" and existing.input_text == text:
                    return Plain(executionArn=arn, startDate=existing.execution.start_date)
                raise errors.already_exists(arn)
            if machine.unrunnable is not None:
                raise errors.invalid_input(machine.unrunnable)
            try:
                handle = self.runner.start(machine.asl, value, name=str(name),
                                           state_machine_arn=machine.arn, on_end=self._ended,
                                           checked=True)
            except ExecutionError as exc:
                raise errors.invalid_input(str(exc)) from None
            self._records[arn] = Record(handle.execution, text, handle)
        return Plain(executionArn=arn, startDate=handle.execution.start_date)

    def start_sync(self, params: dict[str, Any]) -> dict[str, Any]:
        machine = self.machines.get(required(params, "stateMachineArn"))
        if machine.type != "EXPRESS":
            raise errors.ApiError("StateMachineTypeNotSupported", "This operation is not "
                                  "supported by this type of state machine")
        name = params.get("name") or str(uuid.uuid4())
        check_name(str(name))
        text = params.get("input")
        text = "{}" if text is None else str(text)
        value = json_text(text, "input")
        execution = self.runner.execute(machine.asl, value, name=str(name),
                                        state_machine_arn=machine.arn)
        out = Record(execution, text).describe()
        out["executionArn"] = execution.arn.replace(":execution:", ":express:", 1)
        for key in ("redriveCount", "redriveStatus", "inputDetails"):
            out.pop(key, None)
        out["billingDetails"] = {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds":
                                 100}
        return out

    def describe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.get(required(params, "executionArn")).describe()

    def list(self, params: dict[str, Any]) -> dict[str, Any]:
        machine = self.machines.get(required(params, "stateMachineArn"))
        status = params.get("statusFilter")
        if status is not None and status not in _STATUSES:
            raise errors.validation("statusFilter", "Member must satisfy enum value set: "
                                    f"[{', '.join(_STATUSES)}]")
        limit = optional_int(params, "maxResults", 100, 1, 1000)
        start = page_offset(params.get("nextToken"), "executions")
        with self._lock:
            found = [r for r in self._records.values()
                     if r.execution.state_machine_arn == machine.arn
                     and status in (None, r.status)]
        found.reverse()  # newest first, as AWS lists them
        out: dict[str, Any] = {"executions": [r.summary() for r in found[start:start + limit]]}
        if start + limit < len(found):
            out["nextToken"] = page_token("executions", start + limit)
        return out

    def history(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self.get(required(params, "executionArn"))
        limit = optional_int(params, "maxResults", 100, 1, 1000)
        start = page_offset(params.get("nextToken"), "history")
        events = record.execution.history
        if params.get("reverseOrder"):
            events.reverse()
        page = events[start:start + limit]
        if params.get("includeExecutionData") is False:
            for event in page:
                for details in event.values():
                    if isinstance(details, dict):
                        for key in ("input", "output"):
                            if details.pop(key, None) is not None:
                                details[f"{key}Details"] = {"included": False}
        out: dict[str, Any] = {"events": page}
        if start + limit < len(events):
            out["nextToken"] = page_token("history", start + limit)
        return out

    def stop(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self.get(required(params, "executionArn"))
        if record.status == "RUNNING" and record.handle is not None:
            record.stop_error, record.stop_cause = params.get("error"), params.get("cause")
            with contextlib.suppress(TimeoutError):
                record.handle.stop(_STOP_WAIT)
        # The API reference does not say what stopping an ended execution answers; this
        # answers its stop date, as for one that was running.
        return {"stopDate": record.execution.stop_date or datetime.now(UTC)}

    def send_success(self, params: dict[str, Any]) -> dict[str, Any]:
        token = required(params, "taskToken")
        output = json_text(required(params, "output"), "output", as_output=True)
        self._answer(lambda: self.runner.send_task_success(token, output))
        return {}

    def send_failure(self, params: dict[str, Any]) -> dict[str, Any]:
        token = required(params, "taskToken")
        error, cause = params.get("error"), params.get("cause")
        if isinstance(error, str) and len(error) > 256:
            raise errors.validation("error", "Member must have length less than or equal "
                                    "to 256")
        if isinstance(cause, str) and len(cause) > 32768:
            raise errors.validation("cause", "Member must have length less than or equal "
                                    "to 32768")
        self._answer(lambda: self.runner.send_task_failure(token, error, cause))
        return {}

    def send_heartbeat(self, params: dict[str, Any]) -> dict[str, Any]:
        token = required(params, "taskToken")
        self._answer(lambda: self.runner.send_task_heartbeat(token))
        return {}

    @staticmethod
    def _answer(call: Callable[[], None]) -> None:
        from sfs3dsl.run.interpreter import TaskTokenError

        try:
            call()
        except TaskTokenError as exc:
            raise (errors.task_timed_out() if exc.stale else errors.invalid_token()) from None
