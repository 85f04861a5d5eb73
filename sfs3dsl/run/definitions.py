"""The definitions a local run loads from a file, and how a Task state names what runs it.

A workflow module (every workflow in it, so ``states:startExecution`` of one runs another)
or an ASL file, validated; :func:`aliases` lists the names a Task's function may be given
by (``lambda_function("step-a")``, a ``${StepAFunctionArn}`` placeholder, the state name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import LoadError, ValidationError

if TYPE_CHECKING:
    from sfs3dsl.model.sidecar import SideCarStep
    from sfs3dsl.model.states import State
    from sfs3dsl.model.workflow import Workflow


_LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z0-9]+?)(?:FunctionArn|StateMachineArn|Arn)\}$")


class RunSetupError(LoadError):
    """A run cannot start: bad input, an invalid definition, an unknown resource.

    A :class:`~sfs3dsl.core.errors.LoadError`, so the CLI reports it in one line with exit 2.
    """


class Definitions:
    """The definitions a run may use: ``main`` is run, every one can be started by name.

    Attributes:
        main: the name of the definition to run.
        machines: ``{name: ASL dict}``, ``main`` first.
        origin: the file they came from.
        workflows: ``{name: Workflow}`` of the machines that came from Python (their
            side-car steps need the model: bucket, prefix, the workflows they start).
    """

    def __init__(self, main: str, machines: dict[str, dict[str, Any]], origin: Path,
                 workflows: dict[str, Workflow] | None = None) -> None:
        self.main = main
        self.machines = machines
        self.origin = origin
        self.workflows = workflows or {}

    @property
    def definition(self) -> dict[str, Any]:
        return self.machines[self.main]


def _problems_text(problems: list[Any]) -> str:
    return "\n".join(f"  {p.render()}" for p in problems)


def load_definitions(path: Path, workflow: str | None = None) -> Definitions:
    """Read a workflow module (every workflow in it, and the side-car workflows their steps
    start) or an ASL JSON/YAML file, validated.

    Raises:
        RunSetupError: the file cannot be read, ``workflow`` names none of its workflows,
            or a definition does not validate.
    """
    from sfs3dsl.project.load import definition_name, load_asl, load_module_workflows

    if path.is_dir():
        raise RunSetupError(f"{path}: is a folder; give a workflow module (.py) or an ASL "
                            "file (.json, .yaml)")
    if not path.is_file():
        raise RunSetupError(f"{path}: no such file")
    machines: dict[str, dict[str, Any]] = {}
    workflows: dict[str, Workflow] = {}
    if path.suffix == ".py":
        for wf in with_started(load_module_workflows(path)):
            workflows[wf.name] = wf
            try:
                compiled = wf.compile()
            except ValidationError as exc:
                raise RunSetupError(f"{path}: workflow {wf.name!r} does not validate:\n"
                                    f"{_problems_text(exc.problems)}") from None
            machines[wf.name] = compiled.asl
    else:
        from sfs3dsl.validate import validate_definition

        asl = load_asl(path)
        errors = [p for p in validate_definition(asl) if p.severity == "error"]
        if errors:
            raise RunSetupError(f"{path}: the definition does not validate:\n"
                                f"{_problems_text(errors)}")
        machines[definition_name(path)] = asl
    main = workflow or next(iter(machines))
    if main not in machines:
        raise RunSetupError(f"{path}: no workflow named {main!r}; it defines "
                            + ", ".join(repr(n) for n in machines))
    ordered = {main: machines[main], **{k: v for k, v in machines.items() if k != main}}
    return Definitions(main, ordered, path, workflows)


# --- the workflows a run needs ------------------------------------------------------------

def _states(workflow: Workflow) -> Iterator[State]:
    """Every state reachable from the workflow's start, branches and processors included."""
    stack = [workflow.definition.start_state]
    seen: set[int] = set()
    while stack:
        state = stack.pop()
        if id(state) not in seen:
            seen.add(id(state))
            yield state
            stack.extend(state.successors())
            stack.extend(sub.start_state for sub in state.sub_machines())


def sidecar_steps(workflow: Workflow) -> list[SideCarStep]:
    """The side-car steps of ``workflow``."""
    from sfs3dsl.model.sidecar import SideCarStep

    return [s for s in _states(workflow) if isinstance(s, SideCarStep)]


def with_started(workflows: Iterable[Workflow]) -> list[Workflow]:
    """``workflows`` and, transitively, the workflows their side-car steps start."""
    found: dict[str, Workflow] = {}
    pending = list(workflows)
    while pending:
        workflow = pending.pop(0)
        if workflow.name not in found:
            found[workflow.name] = workflow
            pending.extend(w for s in sidecar_steps(workflow) for w in s.starts)
    return list(found.values())


# --- which Task runs what ------------------------------------------------------------------

def task_states(machine: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Task state of a machine, nested branches and item processors included."""
    pending = [machine]
    while pending:
        current = pending.pop()
        for name, state in (current.get("States") or {}).items():
            if not isinstance(state, dict):
                continue
            if state.get("Type") == "Task":
                yield name, state
            pending.extend(b for b in state.get("Branches") or () if isinstance(b, dict))
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    pending.append(state[key])


def kebab(camel: str) -> str:
    """``StepA`` -> ``step-a`` (the inverse of ``function_ref``'s naming)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", camel).lower()


def placeholder_name(text: str) -> str | None:
    """``${StepAFunctionArn}`` -> ``step-a``; None for anything else."""
    found = _PLACEHOLDER.match(text)
    return kebab(found.group(1)) if found else None


def _base(state: dict[str, Any]) -> str:
    resource = str(state.get("Resource", ""))
    return re.sub(r"\.(waitForTaskToken|sync:2|sync)$", "", resource)


def _function(state: dict[str, Any]) -> str | None:
    """The Lambda function a Task calls (name, ARN or placeholder), if it calls one."""
    base = _base(state)
    params = state.get("Parameters") or state.get("Arguments")
    function: Any = None
    if base == _LAMBDA_INVOKE and isinstance(params, dict):
        function = params.get("FunctionName")
    elif ":function:" in base:
        function = base
    return function if isinstance(function, str) else None


def _function_names(function: str) -> list[str]:
    """A function's ARN or placeholder -> its short names (``step-a``)."""
    out: list[str] = []
    if ":function:" in function:
        out.append(function.split(":function:", 1)[1].split(":", 1)[0])
    short = placeholder_name(function)
    if short:
        out.append(short)
    return out



def aliases(state_name: str, state: dict[str, Any]) -> list[str]:
    """The names a user may give a Task state's target by: the state's name, its resource
    (with and without ``arn:aws:states:::`` and ``.waitForTaskToken``), a Lambda function's
    name, ARN or ``${...FunctionArn}`` placeholder and the function name behind it."""
    resource = str(state.get("Resource", ""))
    base = _base(state)
    out = [state_name, resource, base, base.removeprefix("arn:aws:states:::")]
    function = _function(state)
    if function is not None:
        out.append(function)
        out.extend(_function_names(function))
    return list(dict.fromkeys(out))



def short_targets(state_name: str, state: dict[str, Any]) -> list[str]:
    """The shortest of :func:`aliases`: the state's name, its resource without
    ``arn:aws:states:::`` and the Lambda function's name (what a message lists); a Lambda
    ARN as the resource is left out, its function name stands for it."""
    base = _base(state)
    out = [state_name] if ":function:" in base else [
        state_name, base.removeprefix("arn:aws:states:::")]
    function = _function(state)
    if function is not None:
        out.append((_function_names(function) or [function])[0])
    return list(dict.fromkeys(out))
