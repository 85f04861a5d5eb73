"""The public entry point: :class:`Runner` runs ASL definitions locally.

Example:
    >>> runner = Runner()                      # virtual clock: waits take no real time
    >>> runner.register_task("step-a", lambda payload, ctx: {"ok": True})
    >>> execution = runner.run(definition, {"processData": "txn-1"})
    >>> execution.status, execution.output
    ('SUCCEEDED', {...})
"""

from __future__ import annotations

import contextlib
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.run.interpreter.callbacks import Tokens
from sfs3dsl.run.interpreter.checks import check_definition
from sfs3dsl.run.interpreter.children import child_run
from sfs3dsl.run.interpreter.clock import ClockKind, new_timeline
from sfs3dsl.run.interpreter.engine import run_machine
from sfs3dsl.run.interpreter.failure import Aborted, ExecutionTimedOut, StateFailure
from sfs3dsl.run.interpreter.history import History, dumps, not_json, snapshot
from sfs3dsl.run.interpreter.limits import (
    DATA_LIMIT,
    HISTORY_LIMIT_CAUSE,
    ExecutionType,
    HistoryFull,
    Limits,
    PayloadTooLarge,
    input_cause,
    too_large,
)
from sfs3dsl.run.interpreter.scope import Frame, Run, Variables, language_of
from sfs3dsl.run.interpreter.sizes import text_size
from sfs3dsl.run.interpreter.tasks import LAMBDA_INVOKE, Registry, TaskContext, TaskFn
from sfs3dsl.run.interpreter.workers import WORKERS, Done

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.map_run import MapRun

Status = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]


@dataclass
class Execution:
    """A finished (or, through a handle, running) execution."""

    arn: str
    name: str
    state_machine_arn: str
    input: Any
    status: Status = "RUNNING"
    error: str | None = None
    cause: str | None = None
    start_date: datetime | None = None
    stop_date: datetime | None = None
    _history: History = field(default_factory=History, repr=False)
    #: The map runs of its Distributed Map states, in the order they started; each holds
    #: its child executions (:attr:`MapRun.executions`), which are Executions too.
    map_runs: list[MapRun] = field(default_factory=list, repr=False)
    #: The output as the interpreter holds it (the history refers to it and its parts).
    _output: Any = field(default=None, repr=False)
    _output_copy: list[Any] = field(default_factory=list, repr=False)
    _output_text: str | None = field(default=None, repr=False)

    @property
    def output(self) -> Any:
        """The output of a SUCCEEDED execution (else None): a copy made on first read, so
        that changing it cannot change the recorded history, which keeps values."""
        if self.status != "SUCCEEDED":
            return None
        if not self._output_copy:
            self._output_copy.append(snapshot(self._output))
        return self._output_copy[0]

    def output_text(self) -> str | None:
        """The output of a SUCCEEDED execution as compact JSON (else None), written once:
        an ended execution's output does not change, and a service describes it often."""
        if self.status != "SUCCEEDED":
            return None
        if self._output_text is None:
            self._output_text = dumps(self._output)
        return self._output_text

    @property
    def history(self) -> list[dict[str, Any]]:
        """The events, as GetExecutionHistory returns them."""
        return self._history.events

    def child(self, arn: str) -> Execution:
        """A child execution of one of its map runs (at any depth), by its ARN.

        Raises:
            KeyError: no map run of this execution started a child with that ARN.
        """
        for map_run in self.map_runs:
            for execution in map_run.executions.values():
                if execution.arn == arn:
                    return execution
                with contextlib.suppress(KeyError):
                    return execution.child(arn)
        raise KeyError(arn)


class ExecutionHandle:
    """A running execution started with :meth:`Runner.start`."""

    def __init__(self, run: Run, execution: Execution) -> None:
        self._run = run
        self.execution = execution
        self.arn = execution.arn
        self._done = Done()
        self._error: BaseException | None = None

    def done(self) -> bool:
        return self._done.is_set()

    @property
    def error(self) -> BaseException | None:
        """What stopped the runner itself (not the execution's own failure), once done."""
        return self._error

    def wait(self, timeout: float | None = None) -> Execution:
        """Wait for the end and return the execution (harness errors are re-raised)."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"execution {self.arn} still running after {timeout} s")
        if self._error is not None:
            raise self._error
        return self.execution

    def task_token(self, timeout: float = 10.0) -> str:
        """The token of a task of this execution that waits for a callback."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            tokens = self._run.runner.tokens.pending(self.arn)
            if tokens:
                return tokens[0]
            if self._done.is_set():
                break
            time.sleep(0.001)
        raise TimeoutError(f"no task of {self.arn} is waiting for a token")

    def stop(self, timeout: float | None = None) -> Execution:
        """Abort the execution (StopExecution) and wait (up to ``timeout`` seconds) for it
        to end.

        Waits, Retry backoff and callbacks end at once; a task callable that is running is
        not interrupted (Python cannot stop a thread), so the abort lands when it returns.

        Raises:
            TimeoutError: it had not ended after ``timeout`` seconds.
        """
        self.abort()
        return self.wait(timeout)

    def abort(self) -> None:
        """Ask the execution to stop (StopExecution) without waiting for it to end."""
        self._run.stop.set()
        self._run.runner.tokens.wake(self.arn)


class Runner:
    """Runs ASL definitions on this machine, answering as AWS Step Functions does.

    Args:
        clock: ``"virtual"`` (default: Wait, Retry backoff and timeouts take no real time)
            or ``"real"``.
        region, account: used in the ARNs the runner makes up.
        seed: seeds the random numbers of retry jitter.
        callback_patience: on the virtual clock, real seconds a ``.waitForTaskToken`` task
            waits for a call before its clock jumps to its timeout or heartbeat deadline, or
            to the execution's end (its TimeoutSeconds), whichever comes first.
        unmocked_lambda: ``"fail"`` (default): a Lambda resource without a registered
            callable stops the run with :class:`ExecutionError`; ``"echo"``: it returns its
            payload, as moto does without Docker.
        limits: ``True`` (default) enforces AWS's quotas on each execution (25,000
            history events, 256 KiB payloads, the longest run of ``execution_type``; see
            :mod:`sfs3dsl.run.interpreter.limits`); ``False`` lets a test go past them.
        execution_type: ``"STANDARD"`` (default: runs end after a year) or ``"EXPRESS"``
            (after five minutes).
    """

    def __init__(self, clock: ClockKind = "virtual", *, region: str = "us-east-1",
                 account: str = "123456789012", seed: int | None = None,
                 callback_patience: float = 1.0,
                 unmocked_lambda: Literal["fail", "echo"] = "fail",
                 limits: bool = True, execution_type: ExecutionType = "STANDARD") -> None:
        new_timeline(clock)  # validates the name
        if execution_type not in ("STANDARD", "EXPRESS"):
            raise ValueError(f"execution_type must be 'STANDARD' or 'EXPRESS', not "
                             f"{execution_type!r}")
        self.limits = Limits(limits, execution_type)
        self.clock: ClockKind = clock
        self.region = region
        self.account = account
        self.rng = random.Random(seed)
        self.callback_patience = callback_patience
        self.unmocked_lambda = unmocked_lambda
        self.tasks = Registry()
        self.tokens = Tokens()
        self._machines: dict[str, tuple[str, dict[str, Any]]] = {}

    # --- registration -----------------------------------------------------------------

    def register_task(self, resource_or_pattern: str, fn: TaskFn) -> None:
        """Run ``fn(payload, ctx)`` for Task states whose resource (or Lambda function name)
        is ``resource_or_pattern`` (globs allowed: ``arn:aws:lambda:*:function:step-*``)."""
        self.tasks.register(resource_or_pattern, fn)

    def register_state_machine(self, arn_or_name: str, definition: dict[str, Any]) -> str:
        """Make ``definition`` startable by ``states:startExecution``; returns its ARN."""
        check_definition(definition)
        arn = arn_or_name if arn_or_name.startswith("arn:") else self._machine_arn(arn_or_name)
        self._machines[arn] = (arn, definition)
        self._machines[arn.rsplit(":", 1)[-1]] = (arn, definition)
        return arn

    def state_machine(self, arn_or_name: str, state: str) -> tuple[str, dict[str, Any]]:
        found = self._machines.get(arn_or_name) or self._machines.get(
            arn_or_name.rsplit(":", 1)[-1])
        if found is None:
            raise ExecutionError(f"state {state!r}: no state machine {arn_or_name!r} is "
                                 "registered; call runner.register_state_machine(...)")
        return found

    def default_task(self, base: str) -> TaskFn | None:
        """The callable for an unregistered resource: an echo for Lambda if asked for."""
        is_lambda = base == LAMBDA_INVOKE or base.startswith("arn:aws:lambda:")
        if is_lambda and self.unmocked_lambda == "echo":
            return _echo
        return None

    # --- running ------------------------------------------------------------------------

    def run(self, definition: dict[str, Any], input: Any = None, *,
            name: str | None = None) -> Execution:
        """Run ``definition`` to its end in this thread and return the execution."""
        return self.execute(definition, {} if input is None else input, name=name)

    def start(self, definition: dict[str, Any], input: Any = None, *,
              name: str | None = None, state_machine_arn: str | None = None,
              on_end: Callable[[ExecutionHandle], None] | None = None,
              checked: bool = False) -> ExecutionHandle:
        """Start ``definition`` on a background thread (one kept from an execution that
        ended, :mod:`~sfs3dsl.run.interpreter.workers`); returns a handle.

        ``on_end(handle)`` is called on that thread when the execution has ended, before
        anyone waiting on the handle wakes up (its exceptions are ignored: it observes).
        ``checked``: the caller has passed ``definition`` through
        :func:`~sfs3dsl.run.interpreter.checks.check_definition` already and not changed it
        since (a service checks a machine once, not at every start).
        """
        run, execution = self._prepare(definition, {} if input is None else input, name,
                                       state_machine_arn, None, checked)
        handle = ExecutionHandle(run, execution)

        def main() -> None:
            try:
                finish(run, execution)
            except BaseException as exc:  # handed to whoever waits on the handle
                handle._error = exc
            finally:
                if on_end is not None:
                    with contextlib.suppress(Exception):
                        on_end(handle)
                handle._done.set()

        WORKERS.submit(main)
        return handle

    def execute(self, definition: dict[str, Any], input: Any, *,
                name: str | None = None, state_machine_arn: str | None = None,
                start: datetime | None = None) -> Execution:
        """Run to the end in this thread (``start``: the virtual clock's starting time)."""
        run, execution = self._prepare(definition, input, name, state_machine_arn, start)
        finish(run, execution)
        return execution

    def run_child(self, frame: Frame, map_run: MapRun, index: int,
                  processor: dict[str, Any], value: Any, language: str) -> Any:
        """Run item ``index`` of a Distributed Map's ``map_run`` as a child execution of
        its own (:mod:`sfs3dsl.run.interpreter.children`) and return its output.

        Raises:
            StateFailure: the child failed or timed out (its error and cause).
            Aborted: the child was stopped (its parent stopped, or the map run failed).
            ExecutionTimedOut: the parent's own end came while the child ran.
        """
        run = child_run(frame, map_run, index, processor, value)
        # its input as the caller sees it is a copy: the item is part of the parent's values
        execution = Execution(run.arn, run.name, run.machine_arn, snapshot(value),
                              start_date=run.start, _history=run.history,
                              map_runs=run.map_runs)
        map_run.executions[index] = execution
        # frame.cancel[0] is the parent's stop event, which the child's run shares
        finish(run, execution, Frame(run, frame.timeline, frame.variables, language,
                                     cancel=frame.cancel[1:]))
        if execution.status == "SUCCEEDED":
            return execution._output
        if execution.status == "ABORTED":
            raise Aborted()
        parent_end = frame.run.deadline
        if execution.status == "TIMED_OUT" and parent_end is not None \
                and frame.timeline.now() >= parent_end:
            raise ExecutionTimedOut()
        raise StateFailure(execution.error, execution.cause)

    def send_task_success(self, token: str, output: Any) -> None:
        """Resume the task waiting on ``token`` with ``output`` (JSON text or a value)."""
        self.tokens.succeed(token, output)

    def send_task_failure(self, token: str, error: str | None = None,
                          cause: str | None = None) -> None:
        """Fail the task waiting on ``token``."""
        self.tokens.fail(token, error, cause)

    def send_task_heartbeat(self, token: str) -> None:
        """Tell the task waiting on ``token`` that its worker is still alive."""
        self.tokens.heartbeat(token)

    # --- internals ------------------------------------------------------------------------

    def _machine_arn(self, name: str) -> str:
        return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"

    def _prepare(self, definition: dict[str, Any], value: Any, name: str | None,
                 machine_arn: str | None, start: datetime | None,
                 checked: bool = False) -> tuple[Run, Execution]:
        if not checked:
            check_definition(definition)
        try:
            text = dumps(value)
        except (TypeError, ValueError, RecursionError):
            raise ExecutionError(f"the execution input is not JSON ({not_json(value)}); pass "
                                 "dicts, lists, strings, numbers, booleans and None") from None
        limits = self.limits
        payload_limit = limits.payload_bytes
        if payload_limit is not None:
            size = too_large(text, payload_limit)
            if size is not None:  # StartExecution refuses it: the execution never starts
                raise ExecutionError(
                    f"the execution input is {size} bytes of JSON, over AWS's limit of "
                    f"{payload_limit} (StartExecution refuses it); keep large data in S3 "
                    "and pass a reference, or run with --no-limits")
        machine_arn = machine_arn or self._machine_arn("LocalStateMachine")
        machine_name = machine_arn.rsplit(":", 1)[-1]
        name = name or str(uuid.uuid4())
        arn = f"arn:aws:states:{self.region}:{self.account}:execution:{machine_name}:{name}"
        timeline = new_timeline(self.clock, start)
        # the run works on its own copy: the caller may change ``value`` afterwards, and the
        # history keeps values, not text (history.py)
        own = json.loads(text)
        history = History(limits.history_events, payload_limit)
        if payload_limit is not None:
            history.sizes.remember(own, text_size(text))
        run = Run(self, definition, name, arn, machine_name, machine_arn,
                  f"arn:aws:iam::{self.account}:role/StepFunctionsLocal", own,
                  timeline.now(), history)
        seconds = definition.get("TimeoutSeconds")
        if isinstance(seconds, int) and not isinstance(seconds, bool):
            run.deadline = run.start + timedelta(seconds=seconds)
        longest = limits.duration
        if longest is not None and (run.deadline is None
                                    or run.deadline > run.start + longest):
            run.deadline = run.start + longest
        execution = Execution(arn, name, machine_arn, value, start_date=run.start,
                              _history=run.history, map_runs=run.map_runs)
        run.timeline = timeline
        return run, execution


def _echo(payload: Any, ctx: TaskContext) -> Any:
    return payload


_echo.cannot_block = True  # type: ignore[attr-defined]  # see tasks.nonblocking


def finish(run: Run, execution: Execution, frame: Frame | None = None) -> None:
    """Run the machine and record how it ended on ``execution`` (``frame``: the path to
    run it on, made here when not given)."""
    if frame is None:
        frame = Frame(run, run.timeline, Variables(), language_of(run.definition))
    try:
        frame.event("ExecutionStarted", {"input": run.input, "roleArn": run.role_arn})
    except PayloadTooLarge:
        # Only a Distributed Map's child gets here (StartExecution refuses a big input
        # before a run exists). The docs give no error for an item over the limit; the
        # child fails as a state given such an input fails, at its first state.
        frame.event("ExecutionStarted", {"roleArn": run.role_arn})
        failure = StateFailure(DATA_LIMIT, input_cause(str(run.definition["StartAt"])))
        execution.status, execution.error, execution.cause = ("FAILED", failure.error,
                                                              failure.cause)
        frame.event("ExecutionFailed", {"error": failure.error, "cause": failure.cause})
        execution.stop_date = frame.timeline.now() if run.timeline.virtual \
            else datetime.now(UTC)
        return
    try:
        output = run_machine(frame, run.definition, run.input)
    except StateFailure as failure:
        execution.status, execution.error, execution.cause = ("FAILED", failure.error,
                                                              failure.cause)
        details = {"error": failure.error, "cause": failure.cause}
        frame.event("ExecutionFailed", {k: v for k, v in details.items() if v is not None})
    except HistoryFull:
        execution.status, execution.error = "FAILED", "States.Runtime"
        execution.cause = HISTORY_LIMIT_CAUSE
        frame.event("ExecutionFailed", {"error": execution.error, "cause": execution.cause})
    except ExecutionTimedOut:
        execution.status, execution.error = "TIMED_OUT", "States.Timeout"
        frame.event("ExecutionTimedOut", {"error": "States.Timeout"})
    except Aborted:
        execution.status = "ABORTED"
        frame.event("ExecutionAborted")
    else:
        execution._output = output  # before the status: another thread may be reading
        execution.status = "SUCCEEDED"
        frame.event("ExecutionSucceeded", {"output": output})
    execution.stop_date = frame.timeline.now() if run.timeline.virtual else datetime.now(UTC)
