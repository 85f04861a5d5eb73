"""The Lambda layer that carries ``sfs3dsl_runtime`` to the SAM and CDK deployments.

Every generated handler starts with ``from sfs3dsl_runtime import ...``, but a user's project
holds only ``workflows/`` and ``generated/``: the runtime lives in the installed sfs3dsl
distribution. ``sfs3dsl compile --target sam`` (or ``cdk``) therefore copies the installed
package, file by file, to ``<out>/_runtime/python/sfs3dsl_runtime/`` (``python/`` is where
Lambda looks in a layer: it puts ``/opt/python`` on ``sys.path``), and the SAM template gets
one ``AWS::Serverless::LayerVersion`` whose ``ContentUri`` is that folder, referenced by every
generated function. The CDK construct includes the same template and points the layer at an
asset of the same folder. A layer rather than a copy into the code folder: ``CodeUri`` is the
project root, which the compiler must not write into, and a layer keeps the runtime out of
the user's own source tree.

The copy is read from the installed package (``importlib.util.find_spec``, which does not
import it: the runtime imports boto3), so it is always the runtime of the compiler that wrote
the handlers; ``compile --check`` reports it stale after an upgrade of sfs3dsl.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from sfs3dsl.core.errors import BuildError

#: The folder under ``--out`` (beside the workflows' folders) that holds the layer.
RUNTIME_DIR = "_runtime"
PACKAGE = "sfs3dsl_runtime"
#: The layer's logical id in a SAM template (the same in every workflow's template, so
#: templates merged into one stack share one definition).
LAYER_ID = "Sfs3dslRuntimeLayer"
#: What a handler imports, relative to ``<out>/``.
LAYER_PACKAGE = f"{RUNTIME_DIR}/python/{PACKAGE}"


def runtime_folder() -> Path:
    """The folder of the installed ``sfs3dsl_runtime`` package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"the {PACKAGE} package is not installed beside sfs3dsl",
                         hint="reinstall sfs3dsl: pip install --force-reinstall sfs3dsl")
    return Path(next(iter(spec.submodule_search_locations)))


def runtime_files() -> dict[str, str]:
    """``{path relative to <out>/: text}`` of the layer: every module of the installed
    runtime and its ``py.typed`` (no caches)."""
    folder = runtime_folder()
    names = sorted(p.name for p in folder.iterdir()
                   if p.is_file() and (p.suffix == ".py" or p.name == "py.typed"))
    return {f"{LAYER_PACKAGE}/{name}": (folder / name).read_text(encoding="utf-8")
            for name in names}


def layer_resource(runtimes: set[str]) -> dict[str, Any]:
    """The SAM layer of the runtime, ``../_runtime`` from ``<out>/<workflow>/template.yaml``.

    No ``Metadata.BuildMethod``: ``sam build`` then ships the folder as it is, which is
    already the layer's layout (the runtime needs nothing but boto3, which Lambda's Python
    runtimes include).
    """
    props: dict[str, Any] = {
        "ContentUri": f"../{RUNTIME_DIR}",
        "Description": "sfs3dsl_runtime, imported by the generated handlers",
        "RetentionPolicy": "Delete"}
    if runtimes:
        props["CompatibleRuntimes"] = sorted(runtimes)
    return {"Type": "AWS::Serverless::LayerVersion", "Properties": props}
