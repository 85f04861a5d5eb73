"""Render the generated Lambda handlers of a side-car workflow from jinja2 templates."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from sfs3dsl._sidecar.plan import PlannedStep, SideCarPlan
from sfs3dsl._workflow import Workflow

HANDLERS = "handlers"
_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (created once; ``py`` filter for Python literals)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                             autoescape=False, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["py"] = repr
    return env


def _source(workflow: Workflow) -> str:
    return workflow.where.rsplit(":", 1)[0]


def render_step(workflow: Workflow, plan: SideCarPlan, step: PlannedStep) -> str:
    """The handler module of one step."""
    assert plan.sidecar is not None
    names = sorted([(step.function, "_function")] + (
        [(step.predicate, "_predicate")] if step.predicate else []))
    return environment().get_template("step_handler.py.j2").render(
        workflow=workflow.name, source=_source(workflow), step=step.name,
        output=step.step.output_key, module=step.module, function=step.function,
        imports=names,
        predicate=step.predicate, needs=step.needs, in_map=step.in_map,
        not_ready=plan.sidecar.not_ready_error)


def render_facade(workflow: Workflow) -> str:
    """The API facade module of a side-car workflow."""
    return environment().get_template("facade_handler.py.j2").render(
        workflow=workflow.name, source=_source(workflow))


def handler_files(workflow: Workflow, plan: SideCarPlan) -> dict[str, str]:
    """``{"handlers/<step>.py": text, "handlers/facade.py": text}`` of a side-car workflow."""
    files = {f"{HANDLERS}/{s.handler_module}.py": render_step(workflow, plan, s)
             for s in plan.steps}
    if plan.steps:
        files[f"{HANDLERS}/facade.py"] = render_facade(workflow)
    return dict(sorted(files.items()))
