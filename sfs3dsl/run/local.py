"""A local run set up from loaded definitions: what runs each Task, and the local S3.

Shared by ``sfs3dsl run`` (:mod:`sfs3dsl.run.command`) and the pytest plugin
(:mod:`sfs3dsl.pytest_plugin`). Given the definitions loaded by
:func:`sfs3dsl.run.definitions.load_definitions`, it registers every workflow with the
runner (so ``states:startExecution`` of one runs another), and decides what each Task state
runs: a mock or a Python callable given by the user, a generated Lambda handler
(``generated/<workflow>/handlers/*.py``), the local S3 for ``s3:getObject`` /
``s3:putObject``. :meth:`LocalRun.missing` names every Task nothing would run, before
anything starts. Side-car workflows (and the ones their steps start) get what production
gives them from :mod:`sfs3dsl.run.sidecar`.

Who runs a Task, first match wins: a user's task (``--mock``, the plugin's ``tasks=``), the
side-car step, a generated handler, then the local S3 for ``s3:getObject`` /
``s3:putObject``. So an explicit mock wins over the embedded S3 (or ``--s3-endpoint``) for
the Task states it targets, by state name or by resource; every other S3 Task still uses
the local S3, and a Distributed Map's ItemReader and ResultWriter always do (put the items
in the S3 to feed them). :meth:`LocalRun.mocked_s3` lists the states a mock took from S3,
so ``sfs3dsl run`` can say so. :meth:`LocalRun.unknown_targets` names the user's task keys
that match no state, resource or function, and :meth:`LocalRun.targets` what they could be.

Example:
    >>> defs = load_definitions(Path("workflows/course_choice.py"))
    >>> with LocalRun(defs) as local:
    ...     local.run({"inputNum": 7}).status
    'SUCCEEDED'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import (
    RunSetupError,
    aliases,
    short_targets,
    sidecar_steps,
    task_states,
)
from sfs3dsl.run.handlers import find_handlers

if TYPE_CHECKING:
    from sfs3dsl.run.definitions import Definitions
    from sfs3dsl.run.embedded_s3 import LocalS3
    from sfs3dsl.run.interpreter import Execution, ExecutionHandle, Runner, TaskContext
    from sfs3dsl.run.interpreter.tasks import TaskFn
    from sfs3dsl.run.sidecar import LocalSideCar, SideCarRun

_START_EXECUTION = "arn:aws:states:::states:startExecution"
_S3_RESOURCES = ("arn:aws:states:::s3:getObject", "arn:aws:states:::s3:putObject")


def _is_served_elsewhere(state: dict[str, Any]) -> bool:
    resource = str(state.get("Resource", ""))
    return resource.startswith(_START_EXECUTION) or resource in _S3_RESOURCES


class LocalRun:
    """A runner set up for ``definitions`` (a context manager: it owns the local S3).

    Args:
        definitions: what :func:`load_definitions` returned.
        clock: ``"virtual"`` (default) or ``"real"``.
        tasks: ``{name: callable}``: a state name, a resource, a Lambda function name or
            ARN (see :func:`aliases`) -> ``fn(payload, ctx)``. These win over handlers.
        generated: the folder of generated output (``<generated>/<workflow>/handlers``);
            its parent is the project root, which side-car handlers import from.
        s3_endpoint: a real S3 endpoint instead of the embedded one.
        s3: ``True`` starts the local S3 even if nothing seems to need it.
        limits: ``False`` lets executions go past AWS's quotas (``--no-limits``).
            Executions run as Standard ones (a year at most); ``Runner(execution_type=
            "EXPRESS")`` gives Express's five minutes.

    Raises:
        RunSetupError: a side-car workflow's generated handlers are missing or stale.
    """

    def __init__(self, definitions: Definitions, *, clock: str = "virtual",
                 tasks: dict[str, TaskFn] | None = None, generated: Path | None = None,
                 s3_endpoint: str | None = None, s3: bool = False,
                 limits: bool = True) -> None:
        from sfs3dsl.run.interpreter import Runner

        if clock not in ("virtual", "real"):
            raise RunSetupError(f"clock must be 'virtual' or 'real', not {clock!r}")
        self.definitions = definitions
        self.runner: Runner = Runner("virtual" if clock == "virtual" else "real",
                                     limits=limits)
        for name, asl in definitions.machines.items():
            self.runner.register_state_machine(name, asl)
            for alias in _machine_aliases(name):
                self.runner.register_state_machine(alias, asl)
        folder = generated if generated is not None else Path("generated")
        self._user_tasks = dict(tasks or {})
        self.sidecar = self._sidecar(folder)
        self.tasks: dict[str, TaskFn] = {}
        for name in definitions.machines:
            if self.sidecar is None or name not in self.sidecar:
                self.tasks.update(find_handlers(folder / name / "handlers"))
        self.tasks.update(self._user_tasks)
        self._s3_endpoint = s3_endpoint
        self._want_s3 = s3 or s3_endpoint is not None or self.sidecar is not None or any(
            (folder / n / "handlers").is_dir() or "arn:aws:states:::s3:" in json.dumps(asl)
            for n, asl in definitions.machines.items())
        self.s3: LocalS3 | None = None
        self._by_state: dict[str, dict[str, TaskFn]] = {}
        #: Task states a user's task runs: {state name: {machine: callable}}.
        self._mocked: dict[str, dict[str, TaskFn]] = {}
        self._route()

    def _sidecar(self, folder: Path) -> LocalSideCar | None:
        """The side-car setup, when a workflow has side-car steps (user tasks win)."""
        if not self.definitions.workflows:
            return None
        from sfs3dsl.run.sidecar import LocalSideCar

        if not any(sidecar_steps(w) for w in self.definitions.workflows.values()):
            return None
        served = frozenset((machine, name) for machine, name, state in self._all_tasks()
                           if any(a in self._user_tasks for a in aliases(name, state)))
        arns = {n: self.runner.state_machine(n, "(start)")[0] for n in self.definitions.machines}
        return LocalSideCar(self.definitions.workflows, folder, arns, served)

    def _all_tasks(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for machine, asl in self.definitions.machines.items():
            for name, state in task_states(asl):
                yield machine, name, state

    def _route(self) -> None:
        sidecar = self.sidecar.tasks if self.sidecar is not None else {}
        for machine, name, state in self._all_tasks():
            names = aliases(name, state)
            user = next((self._user_tasks[a] for a in names if a in self._user_tasks), None)
            if user is not None:
                self._mocked.setdefault(name, {})[machine] = user
            fn = user or sidecar.get((machine, name)) or next(
                (self.tasks[a] for a in names if a in self.tasks), None)
            if fn is not None:
                self._by_state.setdefault(name, {})[machine] = fn
        self.runner.register_task("*", self._dispatch)

    def targets(self) -> list[str]:
        """What a user's task may be keyed by, shortest names: every Task state's name,
        then the resources and Lambda functions they call (see :func:`aliases` for the
        longer forms that work too)."""
        states: list[str] = []
        others: list[str] = []
        for _, name, state in self._all_tasks():
            short = short_targets(name, state)
            states.append(short[0])
            others.extend(short[1:])
        return list(dict.fromkeys(states + others))

    def unknown_targets(self) -> list[str]:
        """The user's task keys that name no Task state, resource or function of the
        definitions (they would silently run nothing)."""
        known = {a for _, name, state in self._all_tasks() for a in aliases(name, state)}
        return [key for key in self._user_tasks if key not in known]

    def mocked_s3(self) -> list[tuple[str, str, str]]:
        """``(machine, state, resource)`` of the S3 Task states a user's task runs instead
        of the local S3."""
        return [(machine, name, str(state.get("Resource")))
                for machine, name, state in self._all_tasks()
                if str(state.get("Resource")) in _S3_RESOURCES
                and machine in self._mocked.get(name, {})]

    def _over_s3(self, served: TaskFn) -> TaskFn:
        """``served`` (the local S3's callable) unless a user's task targets the state.

        The local S3 registers the S3 resources exactly, and the task registry tries exact
        names before the ``"*"`` dispatcher, so without this a mock of an S3 Task state
        would be silently ignored.
        """

        def call(payload: Any, ctx: TaskContext) -> Any:
            options = self._mocked.get(ctx.state, {})
            machine = str(ctx.context["StateMachine"]["Name"])
            # a machine started under a placeholder name is not one of ours by name
            fn = options.get(machine) if machine in self.definitions.machines else next(
                iter(options.values()), None)
            return (fn or served)(payload, ctx)

        return call

    def _dispatch(self, payload: Any, ctx: TaskContext) -> Any:
        from sfs3dsl.run.interpreter import MissingTask

        options = self._by_state.get(ctx.state, {})
        fn = options.get(str(ctx.context["StateMachine"]["Name"])) or next(
            iter(options.values()), None)
        if fn is None:
            raise MissingTask(f"state {ctx.state!r}: nothing runs resource {ctx.resource!r}; "
                              f"mock it: --mock {ctx.state}=@result.json")
        return fn(payload, ctx)

    def missing(self) -> list[str]:
        """One line per Task state that nothing would run (empty when all are served)."""
        out: list[str] = []
        for machine, name, state in self._all_tasks():
            if machine in self._by_state.get(name, {}) or _is_served_elsewhere(state):
                continue
            where = f"{machine}: " if len(self.definitions.machines) > 1 else ""
            out.append(f"{where}state {name!r}: nothing runs resource "
                       f"{state.get('Resource')!r}; give a mock or a Python function: "
                       f"--mock {name}=@result.json or --mock {name}=file.py:function")
        return out

    def check(self) -> None:
        """Raise :class:`RunSetupError` naming every Task state nothing would run."""
        lines = self.missing()
        if lines:
            raise RunSetupError("\n".join(lines))

    def __enter__(self) -> LocalRun:
        if self._want_s3:
            self.s3 = _start_s3(self._s3_endpoint)
            self.s3.register(self.runner)
            if self.mocked_s3():
                for resource in _S3_RESOURCES:
                    served = self.runner.tasks.find(resource)
                    if served is not None:
                        self.runner.register_task(resource, self._over_s3(served))
            if self.sidecar is not None:
                try:
                    self.sidecar.start(self.s3, self.runner, self.definitions.main)
                except BaseException:
                    self.s3.close()
                    self.s3 = None
                    raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self.sidecar is not None:
                self.sidecar.stop()
        finally:
            if self.s3 is not None:
                self.s3.close()
                self.s3 = None

    def sidecar_input(self, value: Any) -> SideCarRun | None:
        """For a side-car workflow: write ``value`` (``None``: ``{}``) as a new process
        document, as the API facade does, and return the reference to start with (the
        execution is named after the transaction); ``None`` for any other workflow.

        Raises:
            RunSetupError: ``value`` is not a JSON object.
        """
        main = self.definitions.main
        if self.sidecar is None or main not in self.sidecar:
            return None
        return self.sidecar.write_document(main, {} if value is None else value)

    def sidecar_document(self, sidecar: SideCarRun) -> dict[str, Any]:
        """The process document as the runtime assembles it: ``document.json`` with each
        step's output laid over it under ``<step>-output``."""
        if self.sidecar is None:
            raise RunSetupError(f"{self.definitions.main!r} is not a side-car workflow")
        return self.sidecar.document(sidecar)

    def started(self, timeout: float = 60.0) -> list[Execution]:
        """The executions side-car steps started (``start_workflow``), once they ended
        (waiting up to ``timeout`` real seconds each, then stopping them)."""
        return self.sidecar.finish(timeout) if self.sidecar is not None else []

    def _arn(self) -> str:
        return self.runner.state_machine(self.definitions.main, "(start)")[0]

    def run(self, value: Any = None, *, name: str | None = None) -> Execution:
        """Run the main definition to its end."""
        return self.runner.execute(self.definitions.definition, {} if value is None else value,
                                   name=name, state_machine_arn=self._arn())

    def start(self, value: Any = None, *, name: str | None = None) -> ExecutionHandle:
        """Start the main definition on a background thread."""
        return self.runner.start(self.definitions.definition, value, name=name,
                                 state_machine_arn=self._arn())


def _start_s3(endpoint: str | None) -> LocalS3:
    """The local S3, started; a bad endpoint or a missing moto is a :class:`RunSetupError`."""
    from sfs3dsl.run.embedded_s3 import LocalS3

    try:
        return LocalS3(endpoint_url=endpoint).start()
    except ImportError as exc:
        raise RunSetupError(f"the embedded S3 needs moto ({exc}); install it: "
                            "pip install 'sfs3dsl[local]'") from None
    except ValueError as exc:  # botocore: "Invalid endpoint: ..."
        raise RunSetupError(f"S3 endpoint {endpoint!r}: {exc}; give a URL such as "
                            "http://localhost:9000") from None


def _machine_aliases(name: str) -> list[str]:
    """Deploy-time placeholders a Task may name another local workflow by."""
    camel = "".join(p[:1].upper() + p[1:] for p in re.split(r"[-_]", name) if p)
    return [f"${{{camel}StateMachineArn}}", f"${{{camel}Arn}}"]
