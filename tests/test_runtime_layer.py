"""The generated handlers import with only what a SAM or CDK deployment ships: the project's
code (``CodeUri``, the project root without ``sfs3dsl_runtime``) and the runtime layer that
``sfs3dsl compile`` writes to ``generated/_runtime/python/`` (Lambda's ``/opt/python``).

Each import runs in a fresh interpreter with ``-I -S`` (no environment, no site hooks, so an
editable or installed ``sfs3dsl_runtime`` is not found through a ``.pth`` file) whose
``sys.path`` is the project copy, the layer and the site-packages folder for boto3, in the
order Lambda searches ``/var/task``, ``/opt/python`` and its runtime.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
HANDLERS = sorted(p.relative_to(REPO / "generated").with_suffix("").as_posix()
                  for p in (REPO / "generated").glob("*/handlers/*.py"))
_IMPORT = """\
import importlib, sys
sys.path[:0] = sys.argv[1:4]
module = importlib.import_module(sys.argv[4])
import sfs3dsl_runtime
print(sfs3dsl_runtime.__file__)
print("sfs3dsl" in sys.modules)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of ``workflows/`` alone, compiled with ``--target sam``."""
    root = tmp_path_factory.mktemp("layer-project")
    shutil.copytree(REPO / "workflows", root / "workflows",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "sfs3dsl", "compile", "--target", "sam"],
                          cwd=root, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    assert not (root / "sfs3dsl_runtime").exists()
    return root


def test_compile_copies_the_installed_runtime(project: Path) -> None:
    installed = REPO / "sfs3dsl_runtime"
    layer = project / "generated" / "_runtime" / "python" / "sfs3dsl_runtime"
    names = sorted(p.name for p in installed.iterdir()
                   if p.suffix == ".py" or p.name == "py.typed")
    assert sorted(p.name for p in layer.iterdir()) == names
    for name in names:
        assert (layer / name).read_bytes() == (installed / name).read_bytes()


@pytest.mark.parametrize("name", sorted({h.split("/")[0] for h in HANDLERS}))
def test_every_function_has_the_layer_the_template_defines(project: Path, name: str) -> None:
    folder = project / "generated" / name
    template = yaml.safe_load((folder / "template.yaml").read_text(encoding="utf-8"))
    resources = template["Resources"]
    assert resources["Sfs3dslRuntimeLayer"]["Type"] == "AWS::Serverless::LayerVersion"
    layer = resources["Sfs3dslRuntimeLayer"]["Properties"]
    assert layer["ContentUri"] == "../_runtime"
    assert layer["CompatibleRuntimes"] == ["python3.12"]
    assert (folder / layer["ContentUri"] / "python" / "sfs3dsl_runtime" / "__init__.py").is_file()
    functions = [r["Properties"] for r in resources.values()
                 if r["Type"] == "AWS::Serverless::Function"]
    assert functions
    assert [f["Layers"] for f in functions] == [[{"Ref": "Sfs3dslRuntimeLayer"}]] * len(functions)


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_handler_imports_with_only_the_deployed_code(project: Path, handler: str) -> None:
    layer = project / "generated" / "_runtime" / "python"
    site = sysconfig.get_paths()["purelib"]  # boto3, as Lambda's runtime has it
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _IMPORT, str(project), str(layer), site,
         "generated." + handler.replace("/", ".")],
        cwd=project, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(layer / "sfs3dsl_runtime" / "__init__.py"), "False"]


def test_without_the_layer_a_handler_does_not_import(project: Path) -> None:
    """The check above can fail: the same import without the layer is refused."""
    site = sysconfig.get_paths()["purelib"]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _IMPORT, str(project), str(project), site,
         "generated.process-a.handlers.step_a"],
        cwd=project, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "ModuleNotFoundError: No module named 'sfs3dsl_runtime'"
