"""Find a workflow's side-car steps and everything their handlers need (pure, no I/O)."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from sfs3dsl.compile.compiler import Compiled
from sfs3dsl.core.errors import BuildError, ValidationError
from sfs3dsl.core.problems import Problem
from sfs3dsl.deploy.sidecar.exposed import choice_problems
from sfs3dsl.deploy.sidecar.predicates import Need, derive_requirements
from sfs3dsl.model.sidecar import SideCar, SideCarStep
from sfs3dsl.model.states import State
from sfs3dsl.model.workflow import Workflow


# PlannedStep and SideCarPlan (and predicates.Need) are NamedTuples, not frozen dataclasses:
# the same fields, repr and immutability, equal when their fields are (and, unlike a
# dataclass, to a plain tuple of the same values, which nothing compares them with), and
# ~0.3 ms less of every `sfs3dsl compile` each: a dataclass compiles six methods at import.
class PlannedStep(NamedTuple):
    """One side-car step as its handler and its serverless function see it."""

    path: str
    step: SideCarStep
    needs: tuple[Need, ...]
    in_map: bool
    module: str
    function: str
    predicate: str | None

    @property
    def name(self) -> str:
        return str(self.step.name)

    @property
    def handler_module(self) -> str:
        """The handler's file stem: ``step-a`` -> ``step_a``."""
        return self.name.replace("-", "_")


class SideCarPlan(NamedTuple):
    """The side-car of a workflow (None when it has no side-car step) and its steps."""

    sidecar: SideCar | None
    steps: tuple[PlannedStep, ...]


def _walk(workflow: Workflow) -> Iterator[State]:
    """Every state reachable from the workflow's start, branches and processors included."""
    stack = [workflow.definition.start_state]
    seen: set[int] = set()
    while stack:
        state = stack.pop()
        if id(state) in seen:
            continue
        seen.add(id(state))
        yield state
        stack.extend(state.successors())
        stack.extend(sub.start_state for sub in state.sub_machines())


def _state_paths(asl: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    machines: list[tuple[str, Mapping[str, Any]]] = [("", asl)]
    while machines:
        prefix, machine = machines.pop()
        for name, state in machine.get("States", {}).items():
            path = f"{prefix}States.{name}"
            yield path, state
            for b, branch in enumerate(state.get("Branches", ())):
                machines.append((f"{path}.Branches[{b}].", branch))
            for key in ("ItemProcessor", "Iterator"):
                if key in state:
                    machines.append((f"{path}.{key}.", state[key]))


def import_path(obj: Any, root: Path) -> str:
    """The dotted module a handler imports ``obj`` from: its file relative to ``root``
    (``workflows/process_a_steps.py`` -> ``workflows.process_a_steps``), else its module."""
    try:
        source = inspect.getsourcefile(obj)
    except TypeError:
        source = None
    if source is not None:
        try:
            rel = Path(source).resolve().relative_to(root.resolve())
        except ValueError:
            rel = None
        if rel is not None and rel.suffix == ".py":
            parts = list(rel.with_suffix("").parts)
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                return ".".join(parts)
    module = str(getattr(obj, "__module__", ""))
    if not module or module == "__main__" or module.startswith("sfs3dsl_user_"):
        raise BuildError(f"cannot tell which module {obj!r} comes from",
                         hint="put the step functions in a module under the project root, "
                              "with a name that is a Python identifier")
    return module


def _located(workflow: Workflow, compiled: Compiled
             ) -> tuple[dict[str, SideCarStep], dict[str, str]]:
    """The side-car steps by name, and ``{state path: step name}`` in document order."""
    by_name = {str(s.name): s for s in _walk(workflow) if isinstance(s, SideCarStep)}
    if not by_name:
        return by_name, {}
    sidecars = {id(s.sidecar) for s in by_name.values()}
    if len(sidecars) > 1:
        raise BuildError(f"workflow {workflow.name!r} mixes steps of {len(sidecars)} SideCar "
                         "objects; one workflow keeps its process data in one place",
                         where=workflow.where, hint="create one SideCar per workflow")
    paths: dict[str, str] = {}
    for path, state in _state_paths(compiled.asl):
        name = path.rsplit(".States.", 1)[-1].removeprefix("States.")
        if name in by_name:
            paths[path] = name
        elif state.get("Type") in ("Parallel", "Map") and "Next" in state and not (
                ("ResultPath" in state and state["ResultPath"] is None)
                or "OutputPath" in state or "ResultSelector" in state):
            raise BuildError(f"the {state['Type']} outputs a list, but the side-car steps "
                             "after it expect the reference {\"processData\": ...}",
                             state=name, where=compiled.sources.get(path),
                             hint="give it result_path=None: the outputs are in S3 anyway")
    _check_iteration_references(compiled, paths)
    position = {path: i for i, path in enumerate(compiled.sources)}
    return by_name, {p: paths[p] for p in sorted(paths, key=position.__getitem__)}


def _check_iteration_references(compiled: Compiled, paths: Mapping[str, str]) -> None:
    """A Map whose iterations run side-car steps must hand each the reference and its
    iteration key (``item_selector=sidecar.iteration_reference()``)."""
    maps = {path.rsplit(".ItemProcessor.", 1)[0] for path in paths if ".ItemProcessor." in path}
    states = dict(_state_paths(compiled.asl))
    for path in sorted(maps):
        selector = states[path].get("ItemSelector", states[path].get("Parameters"))
        keys = {str(k).removesuffix(".$") for k in selector} if isinstance(selector, Mapping) \
            else set()
        if not {"processData", "iteration"} <= keys:
            name = path.rsplit(".States.", 1)[-1].removeprefix("States.")
            raise BuildError("the Map runs side-car steps, but its iterations do not get the "
                             "side-car reference and their iteration key", state=name,
                             where=compiled.sources.get(path),
                             hint="give it item_selector=sidecar.iteration_reference() (add "
                                  "keys with {**sidecar.iteration_reference(), \"item\": "
                                  "Context.map_item_value})")


def sidecar_problems(workflow: Workflow, compiled: Compiled) -> list[Problem]:
    """What the side-car's Choices read that their input may not carry (see
    :mod:`sfs3dsl.deploy.sidecar.exposed`), and what is wrong with the deployment options
    its ``SideCar(serverless=...)`` carries (``Workflow(deployment=...)`` is checked when
    the workflow is made); empty for a workflow without side-car steps."""
    return [*_option_problems(workflow),
            *_choice_problems(compiled, *_located(workflow, compiled))]


def _option_problems(workflow: Workflow) -> list[Problem]:
    from sfs3dsl.model.serverless import ServerlessOptions

    sidecar = next((s.sidecar for s in _walk(workflow) if isinstance(s, SideCarStep)), None)
    if sidecar is None:
        return []
    if workflow.deployment is not None:  # what deployment_options refuses at compile
        if sidecar.serverless == ServerlessOptions():
            return []
        return [Problem("deployment-option", "(workflow)",
                        f"workflow {workflow.name!r} has deployment options twice: deployment= "
                        "and its side-car's serverless=", "keep one of them",
                        where=workflow.where)]
    return [Problem("deployment-option", "(workflow)", f"workflow {workflow.name!r}: {message}",
                    hint, where=where)
            for message, where, hint in sidecar.serverless.problems()]


def _choice_problems(compiled: Compiled, by_name: Mapping[str, SideCarStep],
                     ordered: Mapping[str, str]) -> list[Problem]:
    if not ordered:
        return []
    return choice_problems(compiled.asl, {p: frozenset(by_name[n].expose)
                                          for p, n in ordered.items()}, compiled.sources)


def _imports_sfs3dsl(function: Any) -> str | None:
    """The name of ``function``'s module when that module holds anything of sfs3dsl (the
    model, click or jinja2 come with it), else None. Reads the module's namespace as it is
    now: a module that imports sfs3dsl inside a function is not seen."""
    name = str(getattr(function, "__module__", ""))
    module = sys.modules.get(name)
    if module is None:
        return None
    for value in vars(module).values():
        owner = value.__name__ if isinstance(value, ModuleType) else getattr(
            value, "__module__", None)
        if isinstance(owner, str) and owner.split(".")[0] == "sfs3dsl":
            return name
    return None


def plan_sidecar(workflow: Workflow, compiled: Compiled, root: Path) -> SideCarPlan:
    """The side-car steps of ``workflow`` with their derived read predicates.

    Also checks what the side-car's Choices read (:func:`sidecar_problems`): errors raise
    :class:`ValidationError`, warnings join ``compiled.problems``.
    """
    by_name, ordered = _located(workflow, compiled)
    if not by_name:
        return SideCarPlan(None, ())
    needs = derive_requirements(compiled.asl, ordered)  # refuses what it cannot carry first
    problems = _choice_problems(compiled, by_name, ordered)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(errors)
    compiled.problems.extend(p for p in problems if p not in compiled.problems)
    steps = []
    warned: set[str] = set()
    for path, name in ordered.items():
        step = by_name[name]
        heavy = _imports_sfs3dsl(step.function)
        if heavy is not None and heavy not in warned:
            warned.add(heavy)
            compiled.problems.append(Problem(
                "step-module-imports-sfs3dsl", path,
                f"the step function {step.function.__name__!r} lives in module {heavy!r}, "
                "which imports sfs3dsl; the generated Lambda handler imports that module, "
                "and sfs3dsl is not deployed with it", "move the step functions to a module "
                "of their own that imports only the standard library, boto3 and "
                "sfs3dsl_runtime (e.g. workflows/_steps.py)", severity="warning", state=name,
                where=step.where))
        in_map = ".ItemProcessor." in path or ".Iterator." in path
        module = import_path(step.function, root)
        predicate = None
        if step.predicate is not None:
            if import_path(step.predicate, root) != module:
                raise BuildError("the predicate must live in the same module as the step "
                                 "function", state=name, where=step.where,
                                 hint=f"move {step.predicate.__name__} beside "
                                      f"{step.function.__name__}")
            predicate = step.predicate.__name__
        steps.append(PlannedStep(path, step, needs[path], in_map, module,
                                 step.function.__name__, predicate))
    return SideCarPlan(next(iter(by_name.values())).sidecar, tuple(steps))
