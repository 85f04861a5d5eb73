"""What ``sfs3dsl compile`` writes for a workflow, as ``{relative path: text}``.

Pure: nothing here touches disk; the CLI writes (or, with ``--check``, compares) the files.
"""

from __future__ import annotations

from sfs3dsl._compile import Compiled
from sfs3dsl._workflow import Workflow

ASL_FILE = "statemachine.asl.json"


def workflow_artifacts(workflow: Workflow) -> tuple[dict[str, str], Compiled]:
    """The files of one workflow's folder under ``generated/``, and its compiled form."""
    compiled = workflow.compile()
    return {ASL_FILE: compiled.to_json()}, compiled
