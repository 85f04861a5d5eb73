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
``--mock-config FILE --test-case NAME`` mocks Task states as Step Functions Local does
(:mod:`sfs3dsl.run.mock_config`), and ``--s3-object s3://bucket/key=@file`` puts objects into
the local S3 before the run (:mod:`sfs3dsl.run.s3_objects`).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import RunSetupError
from sfs3dsl.run.mocks import parse_mock
from sfs3dsl.run.trace import Echo, Trace

if TYPE_CHECKING:
    from sfs3dsl.run.definitions import Definitions
    from sfs3dsl.run.interpreter import Execution, ExecutionHandle
    from sfs3dsl.run.local import LocalRun
    from sfs3dsl.run.mock_config import Mocked

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_CANNOT_START = 0, 1, 2
#: What shells use for a command ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
#: Real seconds an interrupted execution gets to record its end: waits end at once, but a
#: Python task function that is running cannot be stopped from outside.
STOP_PATIENCE = 5.0

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
    mock_config: Path | None = None
    test_case: str | None = None
    s3_objects: Sequence[str] = ()
    #: False: ``--no-limits``, AWS's quotas are not enforced.
    limits: bool = True


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
    from sfs3dsl.run.s3_objects import parse_s3_object

    value = parse_input(options.input_text)
    objects = [parse_s3_object(spec) for spec in options.s3_objects]
    if options.history is not None:
        check_history(options.history)
    definitions = load_definitions(options.path, options.workflow)
    tasks = dict(parse_mock(spec) for spec in options.mocks)
    mocked = _test_case(options, definitions, tasks)
    local = LocalRun(definitions, clock=options.clock, tasks={**tasks, **mocked},
                     generated=options.generated, s3_endpoint=options.s3_endpoint,
                     s3_objects=objects, limits=options.limits)
    _check_targets(local)
    local.check()
    with local:
        _say_mocked_s3(local, echo)
        if options.test_case is not None and options.mock_config is not None:
            echo(f"mock: test case {options.test_case!r} of {options.mock_config}: "
                 + ", ".join(f"{state}={fn.response.name}" for state, fn in mocked.items()))
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
    # The history first: printing may fail (a closed pipe, a full disk) and must not lose
    # it; a history that cannot be written is reported after the run's report.
    unwritten: RunSetupError | None = None
    if options.history is not None:
        try:
            write_history(options.history, execution.history)
        except RunSetupError as exc:
            unwritten = exc
    _report(execution, document, sidecar.location if sidecar else None, echo)
    for child in started:
        echo(f"started {child.arn}: {child.status}"
             + (f" ({child.error})" if child.error else ""))
    if unwritten is not None:
        raise unwritten
    return EXIT_SUCCEEDED if execution.status == "SUCCEEDED" else EXIT_FAILED


def _test_case(options: RunOptions, definitions: Definitions,
               tasks: dict[str, Any]) -> dict[str, Mocked]:
    """The task callables of ``--mock-config FILE --test-case NAME`` (empty without them).

    Raises:
        RunSetupError: one option without the other, a bad file, an unknown test case or
            state, or a state that a ``--mock`` mocks too.
    """
    from sfs3dsl.run.mock_config import load_mock_config, test_case_tasks

    if options.mock_config is None:
        if options.test_case is not None:
            raise RunSetupError(f"--test-case {options.test_case}: no --mock-config to take "
                                "it from; fix: add --mock-config MockConfigFile.json")
        return {}
    config = load_mock_config(options.mock_config)
    if options.test_case is None:
        cases = config.machines.get(definitions.main, {})
        some = ", ".join(cases) if cases else "a test case of the file"
        raise RunSetupError(f"{options.mock_config}: --mock-config needs --test-case; fix: "
                            f"add --test-case NAME ({some})")
    mocked = test_case_tasks(config, definitions, options.test_case)
    both = [state for state in mocked if state in tasks]
    if both:
        raise RunSetupError(f"--mock {both[0]}: state {both[0]!r} is mocked by test case "
                            f"{options.test_case!r} of {options.mock_config} too; fix: drop "
                            "one of them")
    return mocked


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
    for state in local.mocked_sidecar_steps():
        echo(f"mock: side-car step {state!r} uses --mock instead of its handler, so nothing "
             f"records {state}-output in S3; a step that needs it waits for it")


def _execute(local: LocalRun, value: Any, name: str | None, echo: Echo | None,
             progress: _Progress) -> Execution:
    from sfs3dsl.core.errors import ExecutionError

    try:
        handle = progress.handle = local.start(value, name=name)
    except ExecutionError as exc:  # e.g. an input over AWS's limit: it cannot start
        raise RunSetupError(str(exc)) from None
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
