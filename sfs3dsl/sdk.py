"""``sfs3dsl.sdk``: the AWS Step Functions Data Science SDK (``stepfunctions``) as a partner.

- :func:`to_sdk` gives an SDK ``stepfunctions.workflow.Workflow`` whose definition is the
  compiled ASL, so ``create()``, ``execute()``, ``render_graph()`` and
  ``get_cloudformation_template()`` work as SDK users know them. The definition is the SDK's
  ``FrozenGraph``, which holds an ASL dict as it is: rebuilding SDK state objects instead
  would lose what its classes cannot say (JSONata, variables, ``ItemProcessor``, a
  Distributed Map, ``Arguments``, ...), and the deployed machine would differ.
- :func:`from_sdk` turns an SDK ``Workflow``, ``Graph``, ``State`` or ``Chain`` into an
  sfs3dsl :class:`~sfs3dsl.model.workflow.Workflow`. The SDK renders its own graph
  (``to_dict()``), which writes ``ExecutionInput`` placeholders as ``$$.Execution.Input[...]``
  and ``StepInput`` ones as ``$[...]`` paths; :mod:`sfs3dsl.review.importer` (what ``sfs3dsl
  import`` writes) turns that ASL into model objects, so compiling the result gives the
  SDK's ASL back.

Needs the ``sdk`` extra (``pip install 'sfs3dsl[sdk]'``); this module imports the SDK only
when one of its functions is called, and ``import sfs3dsl`` never imports this module.
See docs/sdk.md.
"""

from __future__ import annotations

import json
import linecache
import logging
import os
import re
import sys
import warnings
from collections.abc import Mapping
from pathlib import PurePath
from types import ModuleType
from typing import Any

from sfs3dsl.core.errors import BuildError, MissingDependencyError
from sfs3dsl.model.workflow import Workflow

__all__ = ["from_sdk", "load_sdk", "to_sdk"]

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def load_sdk() -> tuple[ModuleType, ModuleType]:
    """``stepfunctions.workflow`` and ``stepfunctions.steps``, imported quietly: call it before
    importing anything of ``stepfunctions`` yourself (the package is imported once).

    Importing the SDK has three side effects that are not the user's business, and each is
    undone or prevented here:

    - sagemaker 2, which the SDK imports, emits ``SageMakerV2DeprecationWarning`` unless
      ``SAGEMAKER_SUPPRESS_V2_WARNING`` is set: the SDK is built on v2 and its users cannot
      act on the warning (and under ``-W error`` it would stop the import);
    - sagemaker logs at INFO, on standard output, "Not applying SDK defaults from location"
      for each missing config file: its ``sagemaker.config`` logger is set to WARNING unless
      the user has set a level on it;
    - ``stepfunctions/__init__.py`` sets the root logger's level to ERROR, which would mute
      every warning of the user's program, and sagemaker-core installs rich's traceback
      printer as ``sys.excepthook``: both are put back.
    """
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    config = logging.getLogger("sagemaker.config")
    if config.level == logging.NOTSET:
        config.setLevel(logging.WARNING)
    root = logging.getLogger()
    level, excepthook = root.level, sys.excepthook
    try:
        with warnings.catch_warnings():
            # setuptools on Python 3.12+ warns that pkg_resources, which the SDK imports for
            # its version, is deprecated (Python 3.11's venv setuptools does not)
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                                    category=UserWarning)
            import stepfunctions.steps
            import stepfunctions.workflow
    except ImportError as exc:
        missing = exc.name or "stepfunctions"
        if missing.split(".")[0] not in ("stepfunctions", "sagemaker", "pkg_resources"):
            raise
        if missing == "stepfunctions.workflow":  # `stepfunctions-asl`, the stripped copy
            raise MissingDependencyError(
                "sfs3dsl.sdk needs the Step Functions Data Science SDK with its workflow "
                "module (the installed stepfunctions has none: stepfunctions-asl?)",
                hint="pip uninstall stepfunctions-asl && pip install 'sfs3dsl[sdk]'") from None
        package = missing.split(".")[0]
        raise MissingDependencyError(
            f"sfs3dsl.sdk needs the Step Functions Data Science SDK ({package} is not "
            "installed)", hint="pip install 'sfs3dsl[sdk]'") from None
    finally:
        root.setLevel(level)
        sys.excepthook = excepthook
    return stepfunctions.workflow, stepfunctions.steps


def to_sdk(workflow: Workflow, *, role: str, name: str | None = None, client: Any = None,
           substitutions: Mapping[str, str] | None = None, **options: Any) -> Any:
    """An SDK ``stepfunctions.workflow.Workflow`` whose definition is ``workflow``'s ASL.

    Args:
        workflow: the sfs3dsl workflow; compiled (and validated) here.
        role: the ARN of the IAM role the state machine runs with (the SDK's ``role``).
        name: the state machine's name (default: the workflow's).
        client: a boto3 Step Functions client (default: the SDK makes one from the
            environment's region and credentials).
        substitutions: values for ``${...}`` placeholders in the ASL (``{"StepAFunctionArn":
            "arn:aws:lambda:..."}``), filled in before the SDK gets it, as CloudFormation's
            ``DefinitionSubstitutions`` would; placeholders left out stay as written.
        **options: the SDK Workflow's other keywords (``tags``, ``execution_input``,
            ``format_json``).

    Raises:
        BuildError: ``workflow`` is not a Workflow, a substitution names no placeholder of
            the ASL, or no AWS region is configured and no ``client`` is given.
        ValidationError: the workflow has errors.
        MissingDependencyError: the ``sdk`` extra is not installed.
    """
    sdk_workflow, steps = load_sdk()
    if isinstance(workflow, (str, PurePath)):  # type: ignore[unreachable]
        raise BuildError(f"to_sdk takes an sfs3dsl Workflow, not the path {str(workflow)!r}",
                         hint="load the module's workflow first: to_sdk(sfs3dsl.load_workflow("
                              "path, name), role=...)")
    if not isinstance(workflow, Workflow):
        raise BuildError(f"to_sdk takes an sfs3dsl Workflow, not {_kind(workflow)}",
                         hint="pass Workflow(name, definition), or from_sdk(...) for an SDK "
                              "object")
    asl: dict[str, Any] = json.loads(workflow.compile().to_json())  # the SDK's own copy
    if substitutions:
        asl = _substitute(asl, substitutions, workflow.where)
    if client is None:
        client = _default_client(workflow.where)
    return sdk_workflow.Workflow(name or workflow.name, steps.FrozenGraph(asl), role,
                                 client=client, **options)


def from_sdk(definition: Any, *, name: str | None = None) -> Workflow:
    """An sfs3dsl Workflow from an SDK ``Workflow``, ``Graph``, ``State`` or ``Chain``.

    Args:
        definition: the SDK object. Its placeholders become paths: an ``ExecutionInput``
            placeholder ``$$.Execution.Input['key']``, a ``StepInput`` one ``$['key']``.
        name: the workflow's name (default: the SDK Workflow's name; a Graph, State or
            Chain has none, so it is needed then).

    Raises:
        BuildError: ``definition`` is not an SDK object, has no name, holds a placeholder
            where the SDK does not render one, or uses something the DSL cannot express.
        MissingDependencyError: the ``sdk`` extra is not installed.
    """
    from sfs3dsl.review.importer.convert import import_definition

    sdk_workflow, steps = load_sdk()
    graph: Any
    if isinstance(definition, sdk_workflow.Workflow):
        graph, name = definition.definition, name or definition.name
    elif isinstance(definition, (steps.Graph, steps.states.State, steps.Chain)):
        graph = definition
    elif isinstance(definition, Workflow):
        raise BuildError(f"from_sdk takes a Step Functions Data Science SDK object, and "
                         f"{definition.name!r} is already an sfs3dsl Workflow",
                         hint="use it as it is; to_sdk(workflow, role=...) makes an SDK "
                              "Workflow of it")
    else:
        hint = ("for an ASL document, `sfs3dsl import FILE` writes its Python module"
                if isinstance(definition, (dict, str)) else
                "pass a stepfunctions.workflow.Workflow, or a Graph, State or Chain with "
                "name=")
        raise BuildError(f"from_sdk takes a Step Functions Data Science SDK Workflow, Graph, "
                         f"State or Chain, not {_kind(definition)}", hint=hint)
    if not name:
        raise BuildError(f"an SDK {type(definition).__name__} has no name to give the workflow",
                         hint='pass one: from_sdk(graph, name="my-flow")')
    try:
        if not isinstance(graph, steps.Graph):
            graph = steps.Graph(graph)  # a State or a Chain, as the SDK's Workflow takes them
        asl = graph.to_dict()
    except (ValueError, TypeError, AttributeError) as exc:  # the SDK's own complaint
        raise BuildError(f"the SDK cannot render {name!r} as ASL: {exc}",
                         hint="fix the SDK definition so that graph.to_json() works") from None
    _check_json(asl, "")
    source = import_definition(asl, name=name, variable="workflow")
    filename = f"<from_sdk {name}>"
    # so that a traceback, or a problem's file:line, can show the line
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {"__name__": "sfs3dsl_from_sdk"}
    exec(compile(source, filename, "exec"), namespace)
    made: Workflow = namespace["workflow"]
    return made


def _default_client(where: str) -> Any:
    """``boto3.client("stepfunctions")``, or one line saying how to give it a region."""
    import boto3
    from botocore.exceptions import NoRegionError

    try:
        return boto3.client("stepfunctions")
    except NoRegionError:
        raise BuildError("to_sdk: no AWS region is configured for the SDK's Step Functions "
                         "client", where=where,
                         hint='set AWS_DEFAULT_REGION, or pass client=boto3.client('
                              '"stepfunctions", region_name="us-east-1")') from None


def _substitute(asl: dict[str, Any], values: Mapping[str, str], where: str) -> dict[str, Any]:
    """``asl`` with each ``${name}`` of ``values`` replaced, in keys and string values."""
    text = json.dumps(asl)
    present = set(_PLACEHOLDER.findall(text))
    unknown = sorted(set(values) - present)
    if unknown:
        held = ", ".join(f"${{{p}}}" for p in sorted(present)) or "none"
        raise BuildError(f"substitutions name {', '.join(f'${{{u}}}' for u in unknown)}, "
                         f"which the ASL does not hold (it holds {held})", where=where,
                         hint="give values only for placeholders of the compiled ASL")

    def replace(value: Any) -> Any:
        if isinstance(value, str):
            return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), value)
        if isinstance(value, dict):
            return {replace(k): replace(v) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v) for v in value]
        return value

    replaced: dict[str, Any] = replace(asl)
    return replaced


def _check_json(value: Any, path: str) -> None:
    """Refuse what the SDK left unrendered: it turns placeholders into paths only in a
    state's ``Parameters`` (``Block._replace_placeholders``), so one in ``Result`` or a
    Catch's ``ResultPath`` reaches ``to_dict()`` as an object, not JSON."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{path}[{i}]")
    elif not isinstance(value, (str, int, float, bool)) and value is not None:
        raise BuildError(f"{path}: the SDK left {_kind(value)} here, which is not JSON (the "
                         "SDK turns placeholders into paths only inside Parameters)",
                         hint="move the placeholder into the state's parameters, or write "
                              "its path as a string")


def _kind(value: Any) -> str:
    """``a dict``, ``an ExecutionInput``: the type of a value, for a message."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
