"""What ``sfs3dsl compile`` writes for a workflow, as ``{relative path: text}``.

Pure: nothing here touches disk; the CLI writes (or, with ``--check``, compares) the files.
Every workflow gets its ASL and, per deployment target, ``serverless.yml`` (a fragment for
the Serverless Framework, the default), ``template.yaml`` (a SAM template) and/or
``cdk_app.py`` (a CDK app around :class:`sfs3dsl.cdk.WorkflowConstruct`); a side-car
workflow also gets its Lambda handlers (``handlers/<step>.py``, ``handlers/facade.py`` and
``handlers/notices.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sfs3dsl.compile.compiler import Compiled
from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.workflow import Workflow

ASL_FILE = "statemachine.asl.json"
SERVERLESS_FILE = "serverless.yml"
SAM_FILE = "template.yaml"
CDK_FILE = "cdk_app.py"
TARGETS = ("serverless", "sam", "cdk")


def deployment_parts(workflow: Workflow, root: Path
                     ) -> list[tuple[Workflow, dict[str, Any], Compiled, Any]]:
    """``(workflow, serverless fragment data, compiled, side-car plan)`` of ``workflow`` and
    of every workflow it starts, transitively (first the workflow itself)."""
    from sfs3dsl.deploy.serverless.fragment import serverless_fragment
    from sfs3dsl.deploy.sidecar.plan import plan_sidecar

    out: list[tuple[Workflow, dict[str, Any], Compiled, Any]] = []
    todo, seen = [workflow], {workflow.name}
    while todo:
        current = todo.pop(0)
        compiled = current.compile()
        plan = plan_sidecar(current, compiled, root)
        out.append((current, serverless_fragment(current, compiled, plan), compiled, plan))
        for step in plan.steps:
            for started in step.step.starts:
                if started.name not in seen:
                    seen.add(started.name)
                    todo.append(started)
    return out


def workflow_artifacts(workflow: Workflow, *, root: Path | None = None,
                       targets: Sequence[str] = ("serverless",)
                       ) -> tuple[dict[str, str], Compiled]:
    """The files of one workflow's folder under ``generated/``, and its compiled form.

    Args:
        workflow: the workflow.
        root: the project root the handlers import user modules relative to
            (default: the current directory, where ``sfs3dsl compile`` runs).
        targets: deployment targets, some of :data:`TARGETS`.
    """
    from sfs3dsl.deploy.sidecar.render import handler_files

    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        raise BuildError(f"unknown deployment target(s) {unknown}", where=workflow.where,
                         hint=f"use some of {list(TARGETS)}")
    parts = deployment_parts(workflow, root or Path.cwd())
    _, fragment, compiled, plan = parts[0]
    files = {ASL_FILE: compiled.to_json()}
    files.update(handler_files(workflow, plan))
    source = workflow.where.rsplit(":", 1)[0]
    if "serverless" in targets:
        from sfs3dsl.deploy.serverless.fragment import dump_yaml

        files[SERVERLESS_FILE] = dump_yaml(fragment, source)
    if "sam" in targets:
        from sfs3dsl.deploy.sam.template import dump_template, sam_template

        description = workflow.comment or f"sfs3dsl workflow {workflow.name}"
        files[SAM_FILE] = dump_template(
            sam_template([(w.name, f, c) for w, f, c, _ in parts], description), source)
    if "cdk" in targets:
        from sfs3dsl.deploy.cdk_app import cdk_app  # text only: aws_cdk is not imported

        files[CDK_FILE] = cdk_app(workflow)
    return files, compiled
