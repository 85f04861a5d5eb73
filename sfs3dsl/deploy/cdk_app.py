"""``sfs3dsl compile --target cdk``: ``generated/<workflow>/cdk_app.py``, a CDK app of one stack
holding the workflow's :class:`~sfs3dsl.deploy.cdk.construct.WorkflowConstruct`.

The file is a short Python module rather than a ``cdk.json`` or a synthesised template: the
construct reads the workflow module and the generated files when the app runs, so the app
stays right as the workflow changes, and ``cdk synth``/``cdk deploy --app "python ..."`` (or
``python generated/<workflow>/cdk_app.py``) is all a user types. It is rendered with
:class:`string.Template` from the standard library: this module must not import aws_cdk (nor
jinja2), since ``sfs3dsl compile`` loads it; and it sits beside ``deploy/cdk/`` rather than in
it because :mod:`sfs3dsl.deploy.artifacts` imports it and ``deploy/cdk/`` imports
``artifacts``. The names go into the file as JSON strings, which are Python string literals
too.
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template

from sfs3dsl.deploy.serverless.names import pascal
from sfs3dsl.model.workflow import Workflow

CDK_FILE = "cdk_app.py"

_APP = Template('''\
"""The CDK app of the workflow $name ($module).

Written by `sfs3dsl compile --target cdk`. From the project root, after `sfs3dsl compile`
(the CDK assets are the files in generated/, and the construct refuses stale ones):

    cdk synth --app "python $app"
    cdk deploy --app "python $app" -c stage=prod
    python $app    # synthesises into cdk.out/ without the CDK CLI

It needs the cdk extra: pip install 'sfs3dsl[cdk]'. Each `sfs3dsl compile --target cdk`
writes this file again: to add resources of your own, use WorkflowConstruct in your own app
(docs/deploy.md#cdk).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import sfs3dsl.cdk
from sfs3dsl import Sfs3dslError, load_workflow

#: The project root: this file is generated/<workflow>/cdk_app.py below it.
ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / $module_literal
WORKFLOW = $name_literal
STACK = "$stack"


def main() -> None:
    try:
        construct = sfs3dsl.cdk.WorkflowConstruct  # names the extra when it is missing
        import aws_cdk as cdk

        # `cdk synth` says where to write (CDK_OUTDIR); run as a script: cdk.out/ at the root
        app = cdk.App(outdir=None if "CDK_OUTDIR" in os.environ else str(ROOT / "cdk.out"))
        stack = cdk.Stack(app, STACK)
        flow = construct(stack, "Workflow", workflow=load_workflow(MODULE, WORKFLOW), root=ROOT,
                         stage=app.node.try_get_context("stage") or "dev")
        cdk.CfnOutput(stack, "StateMachineArn", value=flow.state_machine.ref)
        app.synth()
    except Sfs3dslError as exc:
        sys.exit(f"Error: {exc}")


if __name__ == "__main__":
    main()
''')


def cdk_app(workflow: Workflow) -> str:
    """The text of ``generated/<workflow>/cdk_app.py`` for ``workflow``.

    The workflow module is named relative to the working directory (the project root, where
    ``sfs3dsl compile`` runs), so the file is the same on every machine.
    """
    module = Path(workflow.where.rsplit(":", 1)[0]).as_posix()
    stack = pascal(workflow.name)
    if not stack[:1].isalpha():  # a stack name starts with a letter
        stack = f"Workflow{stack}"
    return _APP.substitute(name=workflow.name, module=module, stack=stack,
                           name_literal=json.dumps(workflow.name),
                           module_literal=json.dumps(module),
                           app=f"generated/{workflow.name}/{CDK_FILE}")
