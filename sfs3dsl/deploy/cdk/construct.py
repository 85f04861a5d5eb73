"""``WorkflowConstruct``: the resources of a workflow's SAM template, in a user's CDK app.

The construct does not describe the resources again: it includes the SAM template that
``sfs3dsl compile --target sam`` writes (:func:`sfs3dsl.deploy.sam.template.sam_template`, the
same dicts, built in memory) with ``aws_cdk.cloudformation_include.CfnInclude``, which turns
every resource into its L1 (``aws_sam.CfnFunction``, ``aws_iam.CfnRole``, ...), renames the
logical ids so that several workflows (and the user's own resources) share a stack, and
rewrites every ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` to the new names. Then only what a
SAM template leaves to ``sam build`` is replaced: each function's ``CodeUri`` becomes the S3
location of one asset of the project folder, and each state machine's ``DefinitionUri``
becomes the S3 location of an asset of its ``statemachine.asl.json``, and the layer of
``sfs3dsl_runtime`` an asset of ``generated/_runtime/`` (:mod:`sfs3dsl.deploy.runtime_layer`)
(``DefinitionSubstitutions`` unchanged). The ASL is not put inline (``Definition``): the CDK
drops ``null`` values from resource properties, and ``"ResultPath": null`` means "discard
the result", so the deployed machine would differ from the compiled one.

The resources stay ``AWS::Serverless::*`` and the stack gets the SAM transform, rather than
being rebuilt from plain CloudFormation types, because SAM expands them into what the
Serverless Framework and its plugin would add (the API's deployment, stage, key, usage plan
and Lambda permissions, the state machine's event wiring): written again here, that would
be a second description of the same resources to keep in step with the first. The price is
the ``CAPABILITY_AUTO_EXPAND`` a transformed stack needs, which ``cdk deploy`` grants by
itself.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_s3_assets, aws_sam
from aws_cdk import cloudformation_include as cfn_include
from constructs import Construct

from sfs3dsl.compile.compiler import Compiled
from sfs3dsl.core.errors import BuildError
from sfs3dsl.deploy.artifacts import ASL_FILE, deployment_parts
from sfs3dsl.deploy.runtime_layer import LAYER_ID, RUNTIME_DIR, runtime_files
from sfs3dsl.deploy.sam.template import TRANSFORM, sam_template
from sfs3dsl.deploy.serverless.names import Ids
from sfs3dsl.model.workflow import Workflow

#: Left out of the code asset: they are never what a handler imports, and ``.venv`` alone
#: would make every ``cdk synth`` hash and copy hundreds of megabytes.
DEFAULT_EXCLUDE = (".venv", "venv", ".git", "cdk.out", "node_modules", "**/__pycache__",
                   "**/*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
                   ".aws-sam")


def _check_generated(workflow: Workflow, root: Path,
                     parts: Sequence[tuple[Workflow, Any, Compiled, Any]],
                     layer: bool) -> None:
    """Fail unless ``generated/<workflow>/`` under ``root`` holds exactly the ASL and handlers
    the workflows compile to, and ``generated/_runtime/`` the runtime layer when ``layer``:
    the assets ship those files, so stale ones would be deployed."""
    from sfs3dsl.deploy.sidecar.render import handler_files

    checked: list[tuple[Path, str]] = []
    for current, _, compiled, plan in parts:
        files = {ASL_FILE: compiled.to_json(), **handler_files(current, plan)}
        checked.extend((root / "generated" / current.name / rel, text)
                       for rel, text in files.items())
    checked.extend((root / "generated" / rel, text)
                   for rel, text in (runtime_files() if layer else {}).items())
    for path, text in checked:
        shown = path.relative_to(root).as_posix()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            state = "missing" if not path.is_file() else "stale"
            raise BuildError(
                f"{shown} is {state}: the CDK assets ship the generated files",
                where=workflow.where,
                hint=f"run `sfs3dsl compile --target cdk` in {root} (or pass root= the "
                     "project folder)")


class WorkflowConstruct(Construct):
    """The state machine, side-car functions, bucket, roles, private API and notifications
    of ``workflow`` (and of every workflow it starts), as ``sfs3dsl compile --target sam``
    describes them.

    Args:
        scope: the parent construct, usually a ``Stack``.
        construct_id: the construct's id.
        workflow: the workflow; the workflows it starts come with it.
        root: the project folder: what the functions' code asset holds, where
            ``generated/<workflow>/handlers/`` must be fresh (``sfs3dsl compile``).
            Default: the current directory, as for ``sfs3dsl compile``.
        stage: the template's ``Stage`` (suffix of the state machine and API names).
        parameters: values of the template's other parameters (foreign ``${...}``
            placeholders); those left out stay stack parameters.
        exclude: more glob patterns to leave out of the code asset.
    """

    def __init__(self, scope: Construct, construct_id: str, *, workflow: Workflow,
                 root: Path | str | None = None, stage: str = "dev",
                 parameters: Mapping[str, Any] | None = None,
                 exclude: Sequence[str] = ()) -> None:
        super().__init__(scope, construct_id)
        project = Path(root) if root is not None else Path.cwd()
        parts = deployment_parts(workflow, project)
        self.workflow_names: tuple[str, ...] = tuple(w.name for w, _, _, _ in parts)
        self._refuse_overlap(workflow)
        template = sam_template([(w.name, f, c) for w, f, c, _ in parts],
                                workflow.comment or f"sfs3dsl workflow {workflow.name}")
        _check_generated(workflow, project, parts, LAYER_ID in template["Resources"])
        with tempfile.TemporaryDirectory(prefix="sfs3dsl-cdk-") as folder:
            path = Path(folder) / "template.json"
            path.write_text(json.dumps(template), encoding="utf-8")
            # read here, in the constructor: the file is not needed afterwards
            self.include = cfn_include.CfnInclude(
                self, "Template", template_file=str(path), preserve_logical_ids=False,
                parameters={"Stage": stage, **(parameters or {})})
        cdk.Stack.of(self).add_transform(TRANSFORM)
        self.code = aws_s3_assets.Asset(self, "Code", path=str(project),
                                        exclude=[*DEFAULT_EXCLUDE, *exclude])
        code_uri = aws_sam.CfnFunction.S3LocationProperty(
            bucket=self.code.s3_bucket_name, key=self.code.s3_object_key)
        for logical, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Serverless::Function":
                function = self.include.get_resource(logical)
                assert isinstance(function, aws_sam.CfnFunction)
                function.code_uri = code_uri
        #: the asset of the sfs3dsl_runtime layer (``generated/_runtime/``), if any function
        self.runtime: aws_s3_assets.Asset | None = None
        if LAYER_ID in template["Resources"]:
            self.runtime = aws_s3_assets.Asset(
                self, "Runtime", path=str(project / "generated" / RUNTIME_DIR))
            layer = self.include.get_resource(LAYER_ID)
            assert isinstance(layer, aws_sam.CfnLayerVersion)
            layer.content_uri = aws_sam.CfnLayerVersion.S3LocationProperty(
                bucket=self.runtime.s3_bucket_name, key=self.runtime.s3_object_key)
        self.definitions: dict[str, aws_s3_assets.Asset] = {}
        for current, _, _, _ in parts:
            machine = self.include.get_resource(Ids(current.name).state_machine)
            assert isinstance(machine, aws_sam.CfnStateMachine)
            asset = aws_s3_assets.Asset(
                self, f"Definition-{current.name}",
                path=str(project / "generated" / current.name / ASL_FILE))
            machine.definition_uri = aws_sam.CfnStateMachine.S3LocationProperty(
                bucket=asset.s3_bucket_name, key=asset.s3_object_key)
            self.definitions[current.name] = asset
        first = self.include.get_resource(Ids(workflow.name).state_machine)
        assert isinstance(first, aws_sam.CfnStateMachine)
        self.state_machine: aws_sam.CfnStateMachine = first

    def resource(self, logical_id: str) -> cdk.CfnResource:
        """A resource by its logical id in the SAM template (``StepALambdaFunction``, ...)."""
        return self.include.get_resource(logical_id)

    def _refuse_overlap(self, workflow: Workflow) -> None:
        """Two constructs of one stack holding the same workflow would create its state
        machine, API and bucket twice under one name."""
        for other in cdk.Stack.of(self).node.find_all():
            if isinstance(other, WorkflowConstruct) and other is not self:
                shared = sorted(set(other.workflow_names) & set(self.workflow_names))
                if shared:
                    raise BuildError(
                        f"workflow(s) {shared} are already in this stack, in "
                        f"{other.node.path}", where=workflow.where,
                        hint="add the starting workflow once: it brings the workflows it "
                             "starts, or put the constructs in different stacks")
