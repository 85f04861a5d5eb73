"""pytest plugin: run your own workflows locally from a test and assert on what happened.

Registered by the package (entry point ``pytest11``), it gives two fixtures:

* ``sfn_runner`` - a :class:`WorkflowRunner`: ``run``, ``start``, ``mock``;
* ``run_workflow`` - its ``run`` method, for the one-liner.

Example:
    >>> def test_big_numbers(run_workflow):
    ...     result = run_workflow("workflows/course_choice.py", {"inputNum": 7})
    ...     assert result.status == "SUCCEEDED"
    ...     assert result.output["verdict"] == "above 5"
    ...     assert result.entered() == ["inputNum?", "big", "done"]

    >>> def test_reminder(sfn_runner):
    ...     sfn_runner.mock("convdate", {"timestamp": "2031-01-01T00:00:00Z", "message": "hi"})
    ...     sfn_runner.mock("send_reminder", lambda payload, ctx: {"MessageId": "m-1"})
    ...     assert sfn_runner.run("workflows/reminder.py").succeeded

Importing this module imports neither moto nor boto3 (pytest loads it in every session); the
embedded S3 starts only for a run that needs it and stops when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sfs3dsl.run.definitions import Definitions
    from sfs3dsl.run.interpreter import Execution, ExecutionHandle, TaskContext
    from sfs3dsl.run.local import LocalRun
    from sfs3dsl.run.sidecar import SideCarRun

TaskFn = Callable[[Any, "TaskContext"], Any]


class Result:
    """How a run ended.

    Attributes:
        status: ``SUCCEEDED``, ``FAILED``, ``TIMED_OUT`` or ``ABORTED``.
        output: the execution's output (``None`` unless it succeeded).
        error, cause: why it failed.
        document: a side-car workflow's process document after the run, as the runtime
            assembles it (``document.json`` with each ``<step>-output``); ``None`` otherwise.
        started: the executions its side-car steps started (``start_workflow``), ended.
        history: the events, in GetExecutionHistory's format.
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

    def events(self, event_type: str) -> list[dict[str, Any]]:
        """The events of one type (``TaskFailed``, ``MapIterationStarted``...)."""
        return [e for e in self.history if e["type"] == event_type]

    def entered(self) -> list[str]:
        """The names of the states entered, in order (branches and iterations included)."""
        return [e["stateEnteredEventDetails"]["name"] for e in self.history
                if e["type"].endswith("StateEntered")]

    def __repr__(self) -> str:
        return f"Result(status={self.status!r}, output={self.output!r}, error={self.error!r})"


def _definitions(target: Any, workflow: str | None, also: tuple[Any, ...]) -> Definitions:
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
        more = _definitions(extra, None, ())
        defs.machines.update({k: v for k, v in more.machines.items() if k not in defs.machines})
        defs.workflows.update({k: v for k, v in more.workflows.items()
                               if k not in defs.workflows})
    return defs


def _as_task(value: Any) -> TaskFn:
    if callable(value):
        fn: TaskFn = value
        return fn
    from sfs3dsl.run.handlers import constant_task

    return constant_task(value)


class WorkflowRunner:
    """Runs workflows for one test; what it starts (the embedded S3) ends with the test.

    Args:
        clock: the default clock of its runs (``"virtual"``: waits take no time).
        generated: where generated Lambda handlers are looked for.
    """

    def __init__(self, *, clock: str = "virtual", generated: Path | None = None) -> None:
        self.clock = clock
        self.generated = generated
        self._mocks: dict[str, TaskFn] = {}
        self._stack = ExitStack()
        self.last: LocalRun | None = None

    def mock(self, target: str, value: Any) -> None:
        """What Task ``target`` runs (a state name, a resource, a Lambda function name):
        a callable ``fn(payload, ctx)``, or a value to return."""
        self._mocks[target] = _as_task(value)

    def prepare(self, target: Any, *, workflow: str | None = None, also: tuple[Any, ...] = (),
                mocks: dict[str, Any] | None = None, clock: str | None = None,
                s3_endpoint: str | None = None) -> LocalRun:
        """Set up (but do not start) a run; its S3, if any, is open until the test ends."""
        from sfs3dsl.run.local import LocalRun

        tasks = {**self._mocks, **{k: _as_task(v) for k, v in (mocks or {}).items()}}
        local = LocalRun(_definitions(target, workflow, also), clock=clock or self.clock,
                         tasks=tasks, generated=self.generated, s3_endpoint=s3_endpoint)
        local.check()
        self.last = self._stack.enter_context(local)
        return local

    def run(self, target: Any, input: Any = None, *, workflow: str | None = None,
            also: tuple[Any, ...] = (), mocks: dict[str, Any] | None = None,
            clock: str | None = None, name: str | None = None,
            s3_endpoint: str | None = None) -> Result:
        """Run ``target`` (a module path, ASL file path, Workflow or ASL dict) to its end.

        ``also``: more workflows a ``states:startExecution`` may start. For a side-car
        workflow ``input`` is the process document, written under a new transaction id
        (the execution's name) as the API facade does; ``result.document`` is the final
        one, and ``result.started`` the executions its steps started, once they ended.
        """
        local = self.prepare(target, workflow=workflow, also=also, mocks=mocks, clock=clock,
                             s3_endpoint=s3_endpoint)
        sidecar = local.sidecar_input(input)
        if sidecar is None:
            return Result(local.run(input, name=name))
        execution = local.run(sidecar.reference, name=name or sidecar.name)
        return Result(execution, local.sidecar_document(sidecar), local.started())

    def start(self, target: Any, input: Any = None, **options: Any) -> ExecutionHandle:
        """Start ``target`` on a background thread (for callbacks: see ``send_task_*``)."""
        name = options.pop("name", None)
        local = self.prepare(target, **options)
        sidecar: SideCarRun | None = local.sidecar_input(input)
        if sidecar is None:
            return local.start(input, name=name)
        return local.start(sidecar.reference, name=name or sidecar.name)

    def send_task_success(self, token: str, output: Any) -> None:
        self._runner().send_task_success(token, output)

    def send_task_failure(self, token: str, error: str | None = None,
                          cause: str | None = None) -> None:
        self._runner().send_task_failure(token, error, cause)

    def send_task_heartbeat(self, token: str) -> None:
        self._runner().send_task_heartbeat(token)

    def _runner(self) -> Any:
        if self.last is None:
            raise RuntimeError("start a workflow first: sfn_runner.start(...)")
        return self.last.runner

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def sfn_runner() -> Iterator[WorkflowRunner]:
    """A :class:`WorkflowRunner` for this test (virtual clock)."""
    runner = WorkflowRunner()
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture
def run_workflow(sfn_runner: WorkflowRunner) -> Callable[..., Result]:
    """``run_workflow(target, input, **options) -> Result``: see :meth:`WorkflowRunner.run`."""
    return sfn_runner.run
