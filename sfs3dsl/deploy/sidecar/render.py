"""Render the generated Lambda handlers of a side-car workflow from jinja2 templates.

Each text is kept in the compile cache (:mod:`sfs3dsl.deploy.cache`) under its template, this
module's source, jinja2's installed files and the values rendered, so an unchanged
workflow compiles without importing jinja2.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.deploy.cache import cached_text, package_stamp
from sfs3dsl.deploy.sidecar.plan import PlannedStep, SideCarPlan
from sfs3dsl.model.workflow import Workflow

if TYPE_CHECKING:
    import jinja2

HANDLERS = "handlers"
_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (created once; ``py`` filter for Python literals)."""
    import jinja2

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
    return _render(
        "step_handler.py.j2", workflow=workflow.name, source=_source(workflow), step=step.name,
        output=step.step.output_key, module=step.module, function=step.function,
        imports=names,
        predicate=step.predicate, needs=step.needs, in_map=step.in_map,
        not_ready=plan.sidecar.not_ready_error, expose=step.step.expose)


def render_facade(workflow: Workflow) -> str:
    """The API facade module of a side-car workflow."""
    return _render("facade_handler.py.j2", workflow=workflow.name, source=_source(workflow))


def render_notices(workflow: Workflow) -> str:
    """The completion-notices module of a side-car workflow."""
    return _render("notices_handler.py.j2", workflow=workflow.name, source=_source(workflow))


@functools.cache
def _own_inputs() -> tuple[bytes, ...]:
    """What every rendering depends on besides its values: all templates (one may include
    another), this module (the environment's options) and the installed jinja2."""
    templates = sorted(_TEMPLATES.glob("*.j2"))
    return (*(p.name.encode() + b"\0" + p.read_bytes() for p in templates),
            Path(__file__).read_bytes(), package_stamp("jinja2").encode())


def _render(template: str, **context: Any) -> str:
    def produce() -> str:
        return environment().get_template(template).render(**context)

    values = repr(sorted(context.items()))
    if " at 0x" in values:  # a value without a stable repr cannot name a cache entry
        return produce()
    return cached_text("handler", [*_own_inputs(), template, values], produce)


def handler_files(workflow: Workflow, plan: SideCarPlan) -> dict[str, str]:
    """``{"handlers/<step>.py": text, "handlers/facade.py": text, "handlers/notices.py":
    text}`` of a side-car workflow."""
    files = {f"{HANDLERS}/{s.handler_module}.py": render_step(workflow, plan, s)
             for s in plan.steps}
    if plan.steps:
        files[f"{HANDLERS}/facade.py"] = render_facade(workflow)
        files[f"{HANDLERS}/notices.py"] = render_notices(workflow)
    return dict(sorted(files.items()))
