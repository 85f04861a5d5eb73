"""The Python API of local runs: :func:`run_local` and the :class:`Result` it returns.

The pytest plugin (:mod:`sfs3dsl.pytest_plugin`) is built on the same pieces: what to run
(:func:`definitions_of`: a module path, an ASL file, a ``Workflow`` or an ASL dict), what
runs each Task (:func:`tasks_of`: ``mocks`` and a MockConfigFile test case) and the objects
put into the local S3 first.

Example:
    >>> from sfs3dsl import run_local
    >>> result = run_local("workflows/course_choice.py", {"inputNum": 7})
    >>> result.status, result.output
    ('SUCCEEDED', {'inputNum': 7, 'verdict': 'above 5'})
    >>> run_local(asl, {"data": 1}, mock_config="MockConfigFile.json",
    ...           test_case="RetryPath").events("TaskFailed")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import RunSetupError

if TYPE_CHECKING:
    from sfs3dsl.run.definitions import Definitions
    from sfs3dsl.run.interpreter import Execution, TaskContext
    from sfs3dsl.run.interpreter.map_run import MapRun
    from sfs3dsl.run.local import LocalRun
    from sfs3dsl.run.s3_objects import S3Object

TaskFn = Callable[[Any, "TaskContext"], Any]
#: ``{"s3://bucket/key": body}`` (bytes, text, a Path to read, or a JSON value), or objects.
S3Objects = Mapping[str, Any] | Iterable["S3Object"]


class Result:
    """How a local run ended.

    Attributes:
        status: ``SUCCEEDED``, ``FAILED``, ``TIMED_OUT`` or ``ABORTED``.
        output: the execution's output (``None`` unless it succeeded).
        error, cause: why it failed.
        document: a side-car workflow's process document after the run, as the runtime
            assembles it (``document.json`` with each ``<step>-output``); ``None`` otherwise.
        started: the executions its side-car steps started (``start_workflow``), ended.
        history: the events, in GetExecutionHistory's format (a Distributed Map's
            children are executions of their own: their events are in ``map_runs``).
        execution: the runner's :class:`~sfs3dsl.run.interpreter.Execution`.
    """

    def __init__(self, execution: Execution, document: Any = None,
                 started: list[Execution] | None = None) -> None:
        self.execution = execution
        self.status = execution.status
        self.output = execution.output
        self.error = execution.error
        self.cause = execution.cause
        self.document = document
        self.started = started or []

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    @property
    def history(self) -> list[dict[str, Any]]:
        return self.execution.history

    @property
    def map_runs(self) -> list[MapRun]:
        """The map runs of its Distributed Map states, in the order they started; each
        holds its child executions (``map_runs[0].children``, each with ``status``,
        ``output``, ``error``, ``cause`` and ``history``)."""
        return self.execution.map_runs

    def events(self, event_type: str) -> list[dict[str, Any]]:
        """The events of one type (``TaskFailed``, ``MapIterationStarted``...)."""
        return [e for e in self.history if e["type"] == event_type]

    def entered(self) -> list[str]:
        """The names of the states entered, in order (branches and inline Map iterations
        included; a Distributed Map's children are in :attr:`map_runs`)."""
        return [e["stateEnteredEventDetails"]["name"] for e in self.history
                if e["type"].endswith("StateEntered")]

    def __repr__(self) -> str:
        return f"Result(status={self.status!r}, output={self.output!r}, error={self.error!r})"


def definitions_of(target: Any, workflow: str | None = None,
                   also: tuple[Any, ...] = ()) -> Definitions:
    """What to run: a workflow module or ASL file path, a ``Workflow`` or an ASL dict
    (named ``workflow``, default ``LocalStateMachine``), with ``also`` startable by it."""
    from sfs3dsl.model.workflow import Workflow
    from sfs3dsl.run.definitions import Definitions, load_definitions, with_started

    if isinstance(target, (str, Path)):
        defs = load_definitions(Path(target), workflow)
    elif isinstance(target, Workflow):
        flows = {w.name: w for w in with_started([target])}
        defs = Definitions(target.name, {n: w.compile().asl for n, w in flows.items()},
                           Path(target.where.rsplit(":", 1)[0]), flows)
    elif isinstance(target, dict):
        defs = Definitions(workflow or "LocalStateMachine", {workflow or "LocalStateMachine":
                                                             target}, Path("."))
    else:
        raise TypeError(f"run a workflow module path, an ASL file path, a Workflow or an ASL "
                        f"dict, not {type(target).__name__}")
    for extra in also:
        more = definitions_of(extra)
        defs.machines.update({k: v for k, v in more.machines.items() if k not in defs.machines})
        defs.workflows.update({k: v for k, v in more.workflows.items()
                               if k not in defs.workflows})
    return defs


def as_task(value: Any) -> TaskFn:
    """A callable ``fn(payload, ctx)`` as it is; any other value: a mock returning it."""
    if callable(value):
        fn: TaskFn = value
        return fn
    from sfs3dsl.run.handlers import constant_task

    return constant_task(value)


def tasks_of(definitions: Definitions, mocks: Mapping[str, Any] | None = None,
             mock_config: str | Path | Mapping[str, Any] | None = None,
             test_case: str | None = None) -> dict[str, TaskFn]:
    """What the user's mocks run: ``mocks`` (target -> value or callable) and the Task states
    of a MockConfigFile's ``test_case``.

    Raises:
        RunSetupError: a bad mock config or test case, one given without the other, or a
            state both mock.
    """
    tasks = {key: as_task(value) for key, value in (mocks or {}).items()}
    if mock_config is None:
        if test_case is not None:
            raise RunSetupError(f"test_case={test_case!r} needs mock_config=; fix: pass "
                                "mock_config='MockConfigFile.json'")
        return tasks
    from sfs3dsl.run.mock_config import load_mock_config, test_case_tasks

    config = load_mock_config(mock_config)
    if test_case is None:
        raise RunSetupError(f"{config.label}: mock_config= needs test_case=; fix: pass "
                            f"test_case=, one of {', '.join(map(repr, _cases(config)))}")
    mocked = test_case_tasks(config, definitions, test_case)
    both = [state for state in mocked if state in tasks]
    if both:
        raise RunSetupError(f"mocks[{both[0]!r}]: state {both[0]!r} is mocked by test case "
                            f"{test_case!r} of {config.label} too; fix: drop one of them")
    return {**tasks, **mocked}


def _cases(config: Any) -> list[str]:
    return [f"{m}#{c}" if len(config.machines) > 1 else c
            for m, cases in config.machines.items() for c in cases]


def objects_of(s3_objects: S3Objects | None) -> list[S3Object]:
    from sfs3dsl.run.s3_objects import as_objects

    return as_objects(s3_objects) if s3_objects is not None else []


def finish(local: LocalRun, value: Any, name: str | None = None) -> Result:
    """Run ``local`` (entered) to its end: a side-car workflow starts from a new process
    document holding ``value``, as the API facade starts it."""
    sidecar = local.sidecar_input(value)
    if sidecar is None:
        return Result(local.run(value, name=name))
    execution = local.run(sidecar.reference, name=name or sidecar.name)
    return Result(execution, local.sidecar_document(sidecar), local.started())


def run_local(definition_or_workflow: Any, input: Any = None, *,
              mocks: Mapping[str, Any] | None = None,
              mock_config: str | Path | Mapping[str, Any] | None = None,
              test_case: str | None = None, s3_objects: S3Objects | None = None,
              clock: str = "virtual", workflow: str | None = None, also: tuple[Any, ...] = (),
              name: str | None = None, generated: str | Path | None = None,
              s3_endpoint: str | None = None) -> Result:
    """Run a workflow on this machine, to its end, as ``sfs3dsl run`` does.

    Args:
        definition_or_workflow: a workflow module path (``.py``), an ASL file path, a
            ``Workflow`` or an ASL dict.
        input: the execution input (default ``{}``); for a side-car workflow, the process
            document.
        mocks: what Task states run instead of their resource: ``{target: value or
            fn(payload, ctx)}``, the target a state name, a resource or a function name.
        mock_config, test_case: AWS's MockConfigFile (a path or the parsed dict) and the
            test case to run (``NAME`` or ``MACHINE#NAME``).
        s3_objects: put into the local S3 first: ``{"s3://bucket/key": body}``.
        clock: ``"virtual"`` (waits and retries take no time) or ``"real"``.
        workflow: which workflow of a module to run, or the name of an ASL dict.
        also: more workflows a ``states:startExecution`` may start.
        name: the execution's name.
        generated: where generated Lambda handlers are (default ``generated``).
        s3_endpoint: a real S3 instead of the embedded one.

    Returns:
        a :class:`Result`: ``status``, ``output``, ``error``, ``cause``, ``history``.

    Raises:
        RunSetupError: the run cannot start (what and the fix in one line).
        ExecutionError: the run cannot go on (a Task nothing runs, a mocked response with
            no entry for an invocation).
    """
    from sfs3dsl.run.local import LocalRun

    definitions = definitions_of(definition_or_workflow, workflow, also)
    tasks = tasks_of(definitions, mocks, mock_config, test_case)
    local = LocalRun(definitions, clock=clock, tasks=tasks,
                     generated=Path(generated) if generated is not None else None,
                     s3_endpoint=s3_endpoint, s3_objects=objects_of(s3_objects))
    local.check()
    with local:
        return finish(local, input, name)
