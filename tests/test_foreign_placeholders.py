"""``${...}`` placeholders written for SAM, Terraform or CDK survive ``sfs3dsl import`` ->
``sfs3dsl compile`` (through the CLI) unchanged in the ASL; SAM maps each one in
``DefinitionSubstitutions`` to a template parameter, and serverless.yml holds none of them
as text the Serverless Framework would read as its own variable.

Every definition of ``../shared/corpus/real-world/`` that carries a placeholder is a case.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from corpus import corpus_dir

pytestmark = pytest.mark.oracle

CFN_LINT = Path(sys.executable).parent / "cfn-lint"
_PLACEHOLDER = re.compile(r"\$\{(?!!)([^}]+)\}")
#: Not representable in the DSL at all (see tests/test_import.py's XFAIL).
XFAIL = {"shared-fallback-state-jsonata__statemachine__statemachine.asl.json":
         "a non-state entry inside States cannot be imported"}
FILES = sorted(p for p in (corpus_dir() / "real-world").glob("*.json")
               if "${" in p.read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    """A workflow name of its own per file (names cut at 60 characters could collide)."""
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", path.name.removesuffix(".asl.json"))[:60].strip("-")
    return f"rw{FILES.index(path)}-{stem}"


def _import(path: Path, root: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    done = subprocess.run([sys.executable, "-m", "sfs3dsl", "import", str(path), "--name",
                           _name(path)], cwd=root, capture_output=True, text=True,
                          check=False, timeout=120)
    if done.returncode == 0:
        (root / "workflows" / f"{_name(path).replace('-', '_')}.py").write_text(
            done.stdout, encoding="utf-8")
    return path, done


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case imported with ``sfs3dsl import``, then ``sfs3dsl compile --target
    serverless --target sam`` once over all of them; the project root."""
    assert FILES, "no real-world definition with a placeholder: is ../shared there?"
    root = tmp_path_factory.mktemp("foreign")
    (root / "workflows").mkdir()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: _import(p, root), FILES))
    failed = [(p.name, d.stderr) for p, d in results if d.returncode != 0]
    assert [n for n, _ in failed] == list(XFAIL), failed
    done = subprocess.run([sys.executable, "-m", "sfs3dsl", "compile", "--target", "serverless",
                           "--target", "sam"], cwd=root, capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return root


def _params() -> list[Any]:
    return [pytest.param(p, id=p.name, marks=pytest.mark.xfail(strict=True, reason=XFAIL[p.name]))
            if p.name in XFAIL else pytest.param(p, id=p.name) for p in FILES]


@pytest.mark.parametrize("path", _params())
def test_placeholders_survive_import_and_compile(compiled: Path, path: Path) -> None:
    folder = compiled / "generated" / _name(path)
    asl = json.loads((folder / "statemachine.asl.json").read_text(encoding="utf-8"))
    assert asl == json.loads(path.read_text(encoding="utf-8"))

    names = set(_PLACEHOLDER.findall(json.dumps(asl)))
    template = yaml.safe_load((folder / "template.yaml").read_text(encoding="utf-8"))
    (machine,) = [r["Properties"] for r in template["Resources"].values()
                  if r["Type"] == "AWS::Serverless::StateMachine"]
    assert set(machine["DefinitionSubstitutions"]) == names
    for name, value in machine["DefinitionSubstitutions"].items():
        if "Ref" in value and value["Ref"] in template["Parameters"]:
            assert template["Parameters"][value["Ref"]]["Type"] == "String", name

    # a placeholder in a field name stays as written (CloudFormation's Fn::Sub fills it in)
    in_keys = {f"${{{n}}}" for k in _keys(asl) for n in _PLACEHOLDER.findall(k)}
    text = (folder / "serverless.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{[^}]*\}", text)) <= {"${sls:stage}", *in_keys}


def _keys(data: Any) -> list[str]:
    out: list[str] = []
    work = [data]
    while work:
        item = work.pop()
        if isinstance(item, dict):
            out += item
            work += item.values()
        elif isinstance(item, list):
            work += item
    return out


def test_sam_templates_pass_cfn_lint(compiled: Path) -> None:
    binary = str(CFN_LINT) if CFN_LINT.exists() else shutil.which("cfn-lint")
    if binary is None:
        pytest.fail("cfn-lint is not installed: run `bash scripts/setup.sh --test`")
    paths = sorted(str(p) for p in (compiled / "generated").glob("*/template.yaml"))
    assert len(paths) == len(FILES) - len(XFAIL)
    done = subprocess.run([binary, "--format", "parseable", "--", *paths], capture_output=True,
                          text=True, timeout=900, check=False)
    assert [line for line in done.stdout.splitlines() if ":E" in line] == [], done.stdout


def test_a_placeholder_inside_a_longer_string_is_joined() -> None:
    from sfs3dsl.deploy.serverless.placeholders import parameter_name, resolve

    asl = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True, "Parameters": {
        "t": "${Table}", "u": "arn:${AWSPartition}:s3:::${inventoryBucket.bucketName}/*",
        "v": "${!Literal}", "f": "${StepAFunctionArn}"}}}}
    definition, found = resolve(asl)
    assert definition["States"]["P"]["Parameters"] == {
        "t": {"Ref": "Table"},
        "u": {"Fn::Join": ["", ["arn:", {"Ref": "AWSPartition"}, ":s3:::",
                                {"Ref": "InventoryBucketBucketName"}, "/*"]]},
        "v": "${!Literal}",
        "f": {"Fn::GetAtt": ["StepALambdaFunction", "Arn"]}}
    assert found.foreign == ["Table", "AWSPartition", "inventoryBucket.bucketName"]
    assert found.functions == ["stepA"]
    assert parameter_name("pythonFunction.functionName") == "PythonFunctionFunctionName"
    assert found.substitutions()["inventoryBucket.bucketName"] == {
        "Ref": "InventoryBucketBucketName"}
