"""``sfs3dsl run``: run a workflow module or an ASL file on this machine and show the trace.

The command in :mod:`sfs3dsl.cli` only parses options; this module reads the input, sets up
the run (:mod:`sfs3dsl.run.local`), prints each state as it enters and leaves, then the
status, the output and, for side-car workflows, the process document.

Exit codes: 0 SUCCEEDED; 1 FAILED, TIMED_OUT or ABORTED; 2 the run could not start (bad
``--input`` or ``--mock``, a definition that does not validate, an unknown resource, a
``--history`` file that cannot be written), raised as
:class:`~sfs3dsl.run.definitions.RunSetupError` and reported by the CLI in one place; 130
interrupted (Ctrl-C): the execution is stopped, the history recorded so far is written to
``--history`` and one line says so; 3 (the CLI's) a bug of sfs3dsl. No error of the run is
ever a traceback; a Python task function that raises fails its Task state the way a Lambda
function does.

A ``--mock`` wins over the embedded S3 for the S3 Task states it targets (see
:mod:`sfs3dsl.run.local`); the run prints one ``mock:`` line per such state first.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import RunSetupError
from sfs3dsl.run.handlers import constant_task, import_file

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Execution, ExecutionHandle
    from sfs3dsl.run.interpreter.tasks import TaskFn
    from sfs3dsl.run.local import LocalRun

Echo = Callable[[str], None]
EXIT_SUCCEEDED, EXIT_FAILED, EXIT_CANNOT_START = 0, 1, 2
#: What shells use for a command ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
#: Real seconds an interrupted execution gets to record its end: waits end at once, but a
#: Python task function that is running cannot be stopped from outside.
STOP_PATIENCE = 5.0
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
        except UnicodeDecodeError:
            raise RunSetupError(f"--input: {path} is not UTF-8 text; give a JSON file, "
                                f"e.g. --input @input.json") from None
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
        ended = "aborted" if why == "ExecutionAborted" else "failed"
        self.echo(f"{'  ' * self._depth[path]}xx {state.name} ({state.kind}) {ended} after "
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


def check_history(path: Path) -> None:
    """Refuse a ``--history`` path that cannot be written, before anything runs.

    Raises:
        RunSetupError: it is a folder, its folder is missing, or it is not writable.
    """
    if path.is_dir():
        raise RunSetupError(f"--history: {path} is a folder; give a file name, e.g. "
                            f"--history {path / 'history.json'}")
    folder = path.parent
    if not folder.is_dir():
        raise RunSetupError(f"--history: cannot write {path}: there is no folder {folder}; "
                            "create it or give another path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise RunSetupError(f"--history: cannot write {path}: permission denied; give a "
                            "path you can write")


def write_history(path: Path, events: list[dict[str, Any]]) -> None:
    """Write the history as GetExecutionHistory returns it.

    Raises:
        RunSetupError: the file cannot be written after all (checked before the run).
    """
    try:
        path.write_text(_history_json(events), encoding="utf-8")
    except OSError as exc:
        raise RunSetupError(f"--history: cannot write {path}: {exc.strerror}; give a path "
                            "you can write") from None


# --- --mock --------------------------------------------------------------------------------

def load_callable(ref: str) -> Any:
    """``path/to/file.py:func`` or ``package.module:func`` -> the function."""
    target, _, attr = ref.rpartition(":")
    if not target or not attr.isidentifier():
        raise RunSetupError(f"{ref!r} names no callable; write file.py:function or "
                            "package.module:function")
    if target.endswith(".py"):
        if not Path(target).is_file():
            raise RunSetupError(f"{ref!r}: there is no file {target}; give the path of a "
                                "Python file, relative to the current folder")
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


@dataclass
class _Progress:
    """How far a run got, for the message when it is interrupted."""

    handle: ExecutionHandle | None = None
    stopped: bool = False


def run(options: RunOptions, echo: Echo) -> int:
    """Run as ``sfs3dsl run`` does; returns the exit code (0, 1 or 130).

    Ctrl-C is handled here rather than left to click (which would print "Aborted!" and
    exit 1, the code of a failed execution): the execution is stopped, the history written,
    and the code is 130.

    Raises:
        RunSetupError: the run could not start (exit code 2).
    """
    progress = _Progress()
    try:
        return _run(options, echo, progress)
    except KeyboardInterrupt:
        return _interrupted(progress, options.history, echo)


def _run(options: RunOptions, echo: Echo, progress: _Progress) -> int:
    from sfs3dsl.run.definitions import load_definitions
    from sfs3dsl.run.local import LocalRun

    value = parse_input(options.input_text)
    if options.history is not None:
        check_history(options.history)
    definitions = load_definitions(options.path, options.workflow)
    tasks = dict(parse_mock(spec) for spec in options.mocks)
    local = LocalRun(definitions, clock=options.clock, tasks=tasks,
                     generated=options.generated, s3_endpoint=options.s3_endpoint)
    _check_targets(local)
    local.check()
    with local:
        _say_mocked_s3(local, echo)
        sidecar = local.sidecar_input(value)
        execution = _execute(local, sidecar.reference if sidecar else value,
                             sidecar.name if sidecar else None,
                             echo if options.trace else None, progress)
        document = local.sidecar_document(sidecar) if sidecar else None
        try:
            started = local.started()
        except KeyboardInterrupt:  # stop the executions side-car steps started, then say so
            with contextlib.suppress(KeyboardInterrupt, Exception):
                local.started(0.0)
            raise
    _report(execution, document, sidecar.location if sidecar else None, echo)
    for child in started:
        echo(f"started {child.arn}: {child.status}"
             + (f" ({child.error})" if child.error else ""))
    if options.history is not None:  # after the report: a late failure still shows it
        write_history(options.history, execution.history)
    return EXIT_SUCCEEDED if execution.status == "SUCCEEDED" else EXIT_FAILED


def _check_targets(local: LocalRun) -> None:
    """A ``--mock`` that targets nothing would be silently ignored: refuse it, listing
    what it could target."""
    unknown = local.unknown_targets()
    if not unknown:
        return
    candidates = local.targets()
    names = ", ".join(repr(n) for n in local.definitions.machines)
    workflows = f"workflow {names}" if len(local.definitions.machines) == 1 \
        else f"workflows {names}"
    key = unknown[0]
    if not candidates:
        raise RunSetupError(f"--mock {key}: {workflows} has no Task state, so nothing can "
                            f"be mocked; drop --mock {key}")
    close = difflib.get_close_matches(key, candidates, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise RunSetupError(f"--mock {key}: no Task state, resource or function of {workflows} "
                        f"is called {key!r}; targets are: {', '.join(candidates)}{hint}")


def _say_mocked_s3(local: LocalRun, echo: Echo) -> None:
    """One line per S3 Task state a ``--mock`` runs instead of the local S3."""
    several = len(local.definitions.machines) > 1
    s3 = "the embedded S3" if local.s3 is None or local.s3.embedded \
        else f"the S3 at {local.s3.endpoint_url}"
    for machine, state, resource in local.mocked_s3():
        where = f"{machine}: " if several else ""
        echo(f"mock: {where}state {state!r} ({resource}) uses --mock instead of {s3}")


def _execute(local: LocalRun, value: Any, name: str | None, echo: Echo | None,
             progress: _Progress) -> Execution:
    from sfs3dsl.core.errors import ExecutionError

    handle = progress.handle = local.start(value, name=name)
    trace = Trace(echo) if echo is not None else None
    seen = 0

    def show() -> None:
        nonlocal seen
        if trace is not None:
            events = handle.execution.history
            trace.feed(events[seen:])
            seen = len(events)

    try:
        while True:
            finished = handle.done()
            show()
            if finished:
                execution: Execution = handle.wait()
                break
            with contextlib.suppress(TimeoutError):
                handle.wait(0.05)
    except KeyboardInterrupt:
        progress.stopped = _stop(handle)
        # side-car steps may have started executions: stop them too, before S3 closes
        with contextlib.suppress(KeyboardInterrupt, Exception):
            local.started(0.0)
        with contextlib.suppress(KeyboardInterrupt):
            show()
            if trace is not None and handle.execution.stop_date is not None:
                trace.close(handle.execution.stop_date)
        raise
    except ExecutionError as exc:
        raise RunSetupError(str(exc)) from None
    # anything else the runner's thread raised is a bug of sfs3dsl: the CLI reports it in
    # one line with exit code 3 (SFS3DSL_DEBUG=1 shows the traceback)
    if trace is not None and execution.stop_date is not None:
        trace.close(execution.stop_date)
    return execution


def _stop(handle: ExecutionHandle) -> bool:
    """Abort the execution; True once it recorded its end within :data:`STOP_PATIENCE`."""
    try:
        handle.stop(STOP_PATIENCE)
    except (TimeoutError, KeyboardInterrupt):  # a second Ctrl-C: stop waiting, not the exit
        return handle.done()
    except Exception:  # the runner failed while stopping: the history so far still counts
        return handle.done()
    return True


def _interrupted(progress: _Progress, history: Path | None, echo: Echo) -> int:
    """The one line after Ctrl-C (and the history so far); returns 130."""
    handle = progress.handle
    if handle is None:
        echo("interrupted: before the execution started; nothing ran")
        return EXIT_INTERRUPTED
    events = list(handle.execution.history)
    status = handle.execution.status
    count = f"{len(events)} events"
    if status == "ABORTED" or (progress.stopped and status == "RUNNING"):
        how = f"stopped after {count}"
    elif status == "RUNNING":
        how = (f"still running after {count} (a task function did not return within "
               f"{STOP_PATIENCE:g} s)")
    else:  # it had ended; the interrupt came while side-car executions were waited for
        how = f"had ended {status} after {count}"
    where = "pass --history FILE to keep it"
    if history is not None:
        try:
            history.write_text(_history_json(events), encoding="utf-8")
            where = f"history written to {history}"
        except (OSError, KeyboardInterrupt) as exc:
            where = f"history not written to {history}: " + (
                exc.strerror or str(exc) if isinstance(exc, OSError) else "interrupted")
    echo(f"interrupted: execution {handle.arn} {how}; {where}")
    return EXIT_INTERRUPTED


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
