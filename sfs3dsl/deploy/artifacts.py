"""What ``sfs3dsl compile`` writes for a workflow, as ``{relative path: text}``.

Pure: nothing here touches disk; the CLI writes (or, with ``--check``, compares) the files.
Every workflow gets its ASL and a serverless.yml fragment; a side-car workflow also gets
its Lambda handlers (``handlers/<step>.py`` and ``handlers/facade.py``).
"""

from __future__ import annotations

from pathlib import Path

from sfs3dsl.compile.compiler import Compiled
from sfs3dsl.model.workflow import Workflow

ASL_FILE = "statemachine.asl.json"
SERVERLESS_FILE = "serverless.yml"


def workflow_artifacts(workflow: Workflow, *, root: Path | None = None
                       ) -> tuple[dict[str, str], Compiled]:
    """The files of one workflow's folder under ``generated/``, and its compiled form.

    Args:
        workflow: the workflow.
        root: the project root the handlers import user modules relative to
            (default: the current directory, where ``sfs3dsl compile`` runs).
    """
    from sfs3dsl.deploy.serverless.fragment import dump_yaml, serverless_fragment
    from sfs3dsl.deploy.sidecar.plan import plan_sidecar
    from sfs3dsl.deploy.sidecar.render import handler_files

    compiled = workflow.compile()
    plan = plan_sidecar(workflow, compiled, root or Path.cwd())
    files = {ASL_FILE: compiled.to_json()}
    files.update(handler_files(workflow, plan))
    source = workflow.where.rsplit(":", 1)[0]
    files[SERVERLESS_FILE] = dump_yaml(serverless_fragment(workflow, compiled, plan), source)
    return files, compiled
