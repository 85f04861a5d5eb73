"""``sfs3dsl run``: run a workflow module or an ASL file on this machine and show the trace.

The command in :mod:`sfs3dsl.cli` only parses options; this module reads the input, sets up
the run (:mod:`sfs3dsl._local_run`), prints each state as it enters and leaves, then the
status, the output and, for side-car workflows, the process document.

Exit codes: 0 SUCCEEDED; 1 FAILED, TIMED_OUT or ABORTED; 2 the run could not start (bad
``--input`` or ``--mock``, a definition that does not validate, an unknown resource), raised
as :class:`~sfs3dsl._local_run.RunSetupError` and reported by the CLI in one place.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl._local_run import RunSetupError, constant_task, import_file

if TYPE_CHECKING:
    from sfs3dsl._local_run import LocalRun
    from sfs3dsl._runner import Execution
    from sfs3dsl._runner.tasks import TaskFn

Echo = Callable[[str], None]
EXIT_SUCCEEDED, EXIT_FAILED = 0, 1
#: Events that start the work of a state; more than one per state means retries.
_ATTEMPTS = {"TaskScheduled", "MapStateStarted", "ParallelStateStarted"}
#: A Map's or Parallel's own events after its children were forked.
_PARENT_AFTER_FORK = {"MapStateSucceeded", "MapStateFailed", "ParallelStateSucceeded",
                      "ParallelStateFailed", "MapStateAborted", "ParallelStateAborted"}
_FAILURES = {"TaskFailed": "taskFailedEventDetails", "TaskTimedOut": "taskTimedOutEventDetails",
             "ExecutionFailed": "executionFailedEventDetails"}


def parse_input(text: str | None) -> Any:
    """``--input``: JSON text, or ``@file.json``; ``{}`` when not given."""
    if text is None:
        return {}
    where = "--input"
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RunSetupError(f"--input: cannot read {path}: {exc.strerror}") from None
        where = str(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunSetupError(f"{where}: not valid JSON at line {exc.lineno} column "
                            f"{exc.colno}: {exc.msg}; e.g. --input '{{\"foo\": \"foo val\"}}'"
                            ) from None


def duration(seconds: float) -> str:
    """``0.0042`` -> ``4 ms``; ``3725`` -> ``1h02m05s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


@dataclass
class _Open:
    """A state that entered and has not left yet."""

    name: str
    kind: str
    entered: datetime
    attempts: int = 0
    error: str | None = None


@dataclass
class Trace:
    """Turns history events, as they arrive, into one line per state entered and left.

    Branches and iterations run side by side, so events interleave: each event is put on
    its path of execution by following ``previousEventId`` (a branch's first event points
    at its Parallel's or Map's ``...StateStarted`` event); nested paths are indented.
    """

    echo: Echo
    _path: dict[int, int] = field(default_factory=dict)
    _depth: dict[int, int] = field(default_factory=lambda: {0: 0})
    _label: dict[int, str] = field(default_factory=dict)
    _open: dict[int, _Open] = field(default_factory=dict)
    _types: dict[int, str] = field(default_factory=dict)
    _paths: int = 0

    def feed(self, events: Sequence[dict[str, Any]]) -> None:
        for event in events:
            self._one(event)

    def _place(self, event: dict[str, Any]) -> int:
        previous = event["previousEventId"]
        parent = self._path.get(previous, 0)
        if self._types.get(previous) in ("MapStateStarted", "ParallelStateStarted") \
                and event["type"] not in _PARENT_AFTER_FORK:
            self._paths += 1
            self._depth[self._paths] = self._depth[parent] + 1
            return self._paths
        return parent

    def _one(self, event: dict[str, Any]) -> None:
        kind, when = str(event["type"]), event["timestamp"]
        path = self._place(event)
        self._path[event["id"]], self._types[event["id"]] = path, kind
        indent = "  " * self._depth[path]
        label = self._label.get(path, "")
        if kind == "MapIterationStarted":
            details = event.get("mapIterationStartedEventDetails", {})
            self._label[path] = f"  [{details.get('name')} #{details.get('index')}]"
        elif kind.endswith("StateEntered"):
            name = event["stateEnteredEventDetails"]["name"]
            self._open[path] = _Open(name, kind[: -len("StateEntered")], when)
            self.echo(f"{indent}-> {name} ({self._open[path].kind}){label}")
        elif kind in _ATTEMPTS and path in self._open:
            self._open[path].attempts += 1
        elif kind in _FAILURES and path in self._open:
            details = event.get(_FAILURES[kind], {})
            self._open[path].error = details.get("error")
        elif kind.endswith("StateExited") and path in self._open:
            state = self._open.pop(path)
            self.echo(f"{indent}<- {state.name} ({state.kind}) "
                      f"{duration((when - state.entered).total_seconds())}"
                      f"{_retries(state)}{label}")
        elif kind in ("MapIterationFailed", "ExecutionFailed", "ExecutionTimedOut",
                      "ExecutionAborted"):
            self._fail(path, when, kind)

    def _fail(self, path: int, when: datetime, why: str) -> None:
        state = self._open.pop(path, None)
        if state is None:
            return
        error = f": {state.error}" if state.error else ""
        self.echo(f"{'  ' * self._depth[path]}xx {state.name} ({state.kind}) failed after "
                  f"{duration((when - state.entered).total_seconds())}{_retries(state)}"
                  f"{error}{self._label.get(path, '')}")

    def close(self, when: datetime) -> None:
        """Report the states still open when the execution ended."""
        for path in sorted(self._open):
            self._fail(path, when, "end")


def _retries(state: _Open) -> str:
    retries = state.attempts - 1
    return f", {retries} {'retry' if retries == 1 else 'retries'}" if retries > 0 else ""


def _history_json(events: list[dict[str, Any]]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"not JSON: {type(value).__name__}")

    return json.dumps({"events": events}, indent=2, default=default, ensure_ascii=False) + "\n"


# --- --mock --------------------------------------------------------------------------------

def load_callable(ref: str) -> Any:
    """``path/to/file.py:func`` or ``package.module:func`` -> the function."""
    target, _, attr = ref.rpartition(":")
    if not target or not attr.isidentifier():
        raise RunSetupError(f"{ref!r} names no callable; write file.py:function or "
                            "package.module:function")
    if target.endswith(".py"):
        module = import_file(Path(target))
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise RunSetupError(f"{ref!r}: cannot import {target!r}: {exc}") from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise RunSetupError(f"{ref!r}: {target} has no function {attr!r}")
    return fn


def parse_mock(spec: str) -> tuple[str, TaskFn]:
    """``KEY=@file.json``, ``KEY=<JSON>`` or ``KEY=file.py:func`` -> (key, callable)."""
    key, sep, value = spec.partition("=")
    if not sep or not key:
        raise RunSetupError(f"--mock {spec!r}: write RESOURCE=@result.json, RESOURCE='<json>' "
                            "or RESOURCE=file.py:function")
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RunSetupError(f"--mock {key}: cannot read {path}: {exc.strerror}") from None
        try:
            return key, constant_task(json.loads(text))
        except json.JSONDecodeError as exc:
            raise RunSetupError(f"--mock {key}: {path}:{exc.lineno}:{exc.colno}: invalid "
                                f"JSON: {exc.msg}") from None
    try:
        return key, constant_task(json.loads(value))
    except json.JSONDecodeError:
        pass
    if re.fullmatch(r"[\w./\\-]+:\w+", value):
        fn = load_callable(value)
        return key, fn
    raise RunSetupError(f"--mock {key}: {value!r} is neither JSON, @file.json nor "
                        "file.py:function")


@dataclass
class RunOptions:
    """What the ``run`` command was asked to do."""

    path: Path
    input_text: str | None = None
    workflow: str | None = None
    mocks: Sequence[str] = ()
    s3_endpoint: str | None = None
    history: Path | None = None
    clock: str = "virtual"
    generated: Path | None = None
    trace: bool = True


def run(options: RunOptions, echo: Echo) -> int:
    """Run as ``sfs3dsl run`` does; returns the exit code (0 or 1).

    Raises:
        RunSetupError: the run could not start (exit code 2).
    """
    from sfs3dsl._local_run import LocalRun, load_definitions

    value = parse_input(options.input_text)
    definitions = load_definitions(options.path, options.workflow)
    tasks = dict(parse_mock(spec) for spec in options.mocks)
    local = LocalRun(definitions, clock=options.clock, tasks=tasks,
                     generated=options.generated, s3_endpoint=options.s3_endpoint)
    local.check()
    with local:
        sidecar = local.sidecar_input(value)
        execution = _execute(local, sidecar.reference if sidecar else value,
                             sidecar.name if sidecar else None,
                             echo if options.trace else None)
        document = local.sidecar_document(sidecar) if sidecar else None
        started = local.started()
    if options.history is not None:
        options.history.write_text(_history_json(execution.history), encoding="utf-8")
    _report(execution, document, sidecar.location if sidecar else None, echo)
    for child in started:
        echo(f"started {child.arn}: {child.status}"
             + (f" ({child.error})" if child.error else ""))
    return EXIT_SUCCEEDED if execution.status == "SUCCEEDED" else EXIT_FAILED


def _execute(local: LocalRun, value: Any, name: str | None, echo: Echo | None) -> Execution:
    from sfs3dsl._errors import ExecutionError

    handle = local.start(value, name=name)
    trace = Trace(echo) if echo is not None else None
    seen = 0
    try:
        while True:
            finished = handle.done()
            if trace is not None:
                events = handle.execution.history
                trace.feed(events[seen:])
                seen = len(events)
            if finished:
                execution: Execution = handle.wait()
                break
            with contextlib.suppress(TimeoutError):
                handle.wait(0.05)
    except ExecutionError as exc:
        raise RunSetupError(str(exc)) from None
    if trace is not None and execution.stop_date is not None:
        trace.close(execution.stop_date)
    return execution


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _report(execution: Execution, document: Any, location: str | None, echo: Echo) -> None:
    echo(f"status: {execution.status}")
    if execution.status == "SUCCEEDED":
        echo("output:")
        echo(_dump(execution.output))
    else:
        if execution.error is not None:
            echo(f"error: {execution.error}")
        if execution.cause is not None:
            echo(f"cause: {execution.cause}")
    if location is not None:
        echo(f"document ({location}):")
        echo(_dump(document))
