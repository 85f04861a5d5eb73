"""pytest plugin: run your own workflows locally from a test and assert on what happened.

Registered by the package (entry point ``pytest11``), it gives two fixtures:

* ``sfn_runner`` - a :class:`WorkflowRunner`: ``run``, ``start``, ``mock``,
  ``use_mock_config``, ``put_object`` and the ``send_task_*`` callbacks;
* ``run_workflow`` - its ``run`` method, for the one-liner.

Both are built on :func:`sfs3dsl.run_local`'s pieces (:mod:`sfs3dsl.run.api`), and a run
returns the same :class:`~sfs3dsl.run.api.Result`.

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

    >>> def test_retry(run_workflow):   # AWS's MockConfigFile, as Step Functions Local reads it
    ...     result = run_workflow("LambdaSQSIntegration.asl.json", {},
    ...                           mock_config="MockConfigFile.json", test_case="RetryPath")
    ...     assert len(result.events("TaskFailed")) == 3

Importing this module imports neither moto nor boto3 (pytest loads it in every session); the
embedded S3 starts only for a run that needs it and stops when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sfs3dsl.run.api import Result, as_task, definitions_of

if TYPE_CHECKING:
    from sfs3dsl.run.api import S3Objects
    from sfs3dsl.run.interpreter import ExecutionHandle, TaskContext
    from sfs3dsl.run.local import LocalRun
    from sfs3dsl.run.s3_objects import S3Object
    from sfs3dsl.run.sidecar import SideCarRun

TaskFn = Callable[[Any, "TaskContext"], Any]
__all__ = ["Result", "WorkflowRunner", "run_workflow", "sfn_runner"]


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
        self._mock_config: tuple[str | Path | Mapping[str, Any], str] | None = None
        self._objects: list[S3Object] = []
        self._stack = ExitStack()
        self.last: LocalRun | None = None

    def mock(self, target: str, value: Any) -> None:
        """What Task ``target`` runs (a state name, a resource, a Lambda function name):
        a callable ``fn(payload, ctx)``, or a value to return."""
        self._mocks[target] = as_task(value)

    def use_mock_config(self, mock_config: str | Path | Mapping[str, Any],
                        test_case: str) -> None:
        """Mock this runner's runs with ``test_case`` of AWS's MockConfigFile (a path or the
        parsed dict), as Step Functions Local does; ``test_case`` is ``NAME`` (of the state
        machine named like the workflow) or ``MACHINE#NAME``."""
        self._mock_config = (mock_config, test_case)

    def put_object(self, uri: str, body: Any) -> None:
        """Put ``body`` (bytes, text, a Path to read, or a JSON value) at ``s3://bucket/key``
        in the local S3 of this runner's runs, before they start."""
        from sfs3dsl.run.s3_objects import as_objects

        self._objects.extend(as_objects({uri: body}))

    def prepare(self, target: Any, *, workflow: str | None = None, also: tuple[Any, ...] = (),
                mocks: dict[str, Any] | None = None, clock: str | None = None,
                s3_endpoint: str | None = None,
                mock_config: str | Path | Mapping[str, Any] | None = None,
                test_case: str | None = None, s3_objects: S3Objects | None = None) -> LocalRun:
        """Set up (but do not start) a run; its S3, if any, is open until the test ends."""
        from sfs3dsl.run.api import objects_of, tasks_of
        from sfs3dsl.run.local import LocalRun

        definitions = definitions_of(target, workflow, also)
        if mock_config is None and test_case is None and self._mock_config is not None:
            mock_config, test_case = self._mock_config
        tasks = tasks_of(definitions, {**self._mocks, **(mocks or {})}, mock_config,
                         test_case)
        local = LocalRun(definitions, clock=clock or self.clock, tasks=tasks,
                         generated=self.generated, s3_endpoint=s3_endpoint,
                         s3_objects=[*self._objects, *objects_of(s3_objects)])
        local.check()
        self.last = self._stack.enter_context(local)
        return local

    def run(self, target: Any, input: Any = None, *, workflow: str | None = None,
            also: tuple[Any, ...] = (), mocks: dict[str, Any] | None = None,
            clock: str | None = None, name: str | None = None,
            s3_endpoint: str | None = None,
            mock_config: str | Path | Mapping[str, Any] | None = None,
            test_case: str | None = None, s3_objects: S3Objects | None = None) -> Result:
        """Run ``target`` (a module path, ASL file path, Workflow or ASL dict) to its end.

        ``also``: more workflows a ``states:startExecution`` may start. For a side-car
        workflow ``input`` is the process document, written under a new transaction id
        (the execution's name) as the API facade does; ``result.document`` is the final
        one, and ``result.started`` the executions its steps started, once they ended.
        ``mock_config`` / ``test_case``: a MockConfigFile test case for this run;
        ``s3_objects``: ``{"s3://bucket/key": body}`` put into the local S3 first.
        """
        from sfs3dsl.run.api import finish

        local = self.prepare(target, workflow=workflow, also=also, mocks=mocks, clock=clock,
                             s3_endpoint=s3_endpoint, mock_config=mock_config,
                             test_case=test_case, s3_objects=s3_objects)
        return finish(local, input, name)

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
