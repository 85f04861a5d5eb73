"""Every generated fragment packages with the Serverless Framework, and cfn-lint accepts it.

One small service merges the fragments of all workflows in ``generated/`` (their logical ids
are prefixed by workflow, so they coexist) and is packaged once: Serverless Framework 3.40.0
with serverless-step-functions 3.28.1 (``scripts/install-serverless.sh`` puts them under
``$SFS3DSL_TOOLS/serverless``), no credentials. cfn-lint 1.58.0 then checks the template, with
each state machine's ``Fn::Sub`` definition extracted so that rule E3601 sees it.

These tests FAIL, never skip, when a tool is missing: the fragments are the product.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sfs3dsl.deploy.serverless.merge import merge

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
TOOLS = Path(os.environ.get("SFS3DSL_TOOLS") or Path.home() / ".cache" / "sfs3dsl-tools")
SLS_DIR = TOOLS / "serverless" / "node_modules"
SERVERLESS = SLS_DIR / ".bin" / "serverless"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
FRAGMENTS = sorted((REPO / "generated").glob("*/serverless.yml"))
BASE = {"service": "sfs3dsl-check", "frameworkVersion": "3",
        "provider": {"name": "aws", "runtime": "python3.12", "region": "us-east-1",
                     "stage": "dev"},
        "plugins": {"localPath": str(SLS_DIR), "modules": ["serverless-step-functions"]}}
INSTALL = "run `bash scripts/install-serverless.sh` (Serverless 3.40.0, plugin 3.28.1, cfn-lint)"


def _require_tools() -> None:
    if not SERVERLESS.exists() or not (SLS_DIR / "serverless-step-functions").is_dir():
        pytest.fail(f"serverless is not installed under {SLS_DIR}: {INSTALL}")
    if not CFN_LINT.exists() and shutil.which("cfn-lint") is None:
        pytest.fail(f"cfn-lint is not installed in {CFN_LINT.parent}: {INSTALL}")
    if not FRAGMENTS:
        pytest.fail("no generated/*/serverless.yml: run `sfs3dsl compile`")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The CloudFormation template of one service holding every fragment."""
    _require_tools()
    service = tmp_path_factory.mktemp("service")
    for folder in ("generated", "workflows", "sfs3dsl_runtime"):
        shutil.copytree(REPO / folder, service / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    fragments = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in FRAGMENTS]
    config = merge(BASE, *fragments)
    (service / "serverless.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                            encoding="utf-8")
    env = {**os.environ, "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off",
           "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
           "HOME": str(service)}
    started = time.monotonic()
    done = subprocess.run([str(SERVERLESS), "package", "--stage", "dev", "--region",
                           "us-east-1"], cwd=service, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        pytest.fail(f"serverless package failed ({done.returncode}):\n{done.stdout}\n"
                    f"{done.stderr}")
    template = service / ".serverless" / "cloudformation-template-update-stack.json"
    data: dict[str, Any] = json.loads(template.read_text(encoding="utf-8"))
    yield {"template": data, "path": template, "seconds": elapsed, "log": done.stdout}


def _definitions() -> dict[str, dict[str, Any]]:
    """The compiled ASL of each workflow, by its state machine's logical id."""
    from sfs3dsl.deploy.serverless.names import Ids

    return {Ids(p.parent.name).state_machine: json.loads(
        (p.parent / "statemachine.asl.json").read_text(encoding="utf-8")) for p in FRAGMENTS}


def _strip_added_query_language(definition: Any, original: Any) -> None:
    """``validate: true`` adds QueryLanguage to every state; cfn-lint's schema rejects it on
    some types. Drop what the plugin added (the compiled ASL is what sfs3dsl answers for)."""
    work = [(definition, original)]
    while work:
        got, want = work.pop()
        for name, state in got.get("States", {}).items():
            source = want.get("States", {}).get(name, {})
            if "QueryLanguage" in state and "QueryLanguage" not in source:
                del state["QueryLanguage"]
            for b, branch in enumerate(state.get("Branches", ())):
                work.append((branch, source["Branches"][b]))
            for key in ("ItemProcessor", "Iterator"):
                if key in state:
                    work.append((state[key], source[key]))


def _extracted(template: dict[str, Any]) -> dict[str, Any]:
    """The template with each ``Fn::Sub`` definition as a plain DefinitionString."""
    originals = _definitions()
    out: dict[str, Any] = json.loads(json.dumps(template))
    for logical, resource in out["Resources"].items():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        text = resource["Properties"]["DefinitionString"]
        if isinstance(text, dict):  # {"Fn::Sub": [text, {name: value}]} or {"Fn::Sub": text}
            sub = text["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) else sub
        text = re.sub(r"\$\{[^}]+\}", "arn:aws:lambda:us-east-1:123456789012:function:f", text)
        definition = json.loads(text)
        _strip_added_query_language(definition, originals[logical])
        resource["Properties"]["DefinitionString"] = json.dumps(definition)
    return out


def test_the_template_holds_every_state_machine(packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    machines = {k for k, v in resources.items() if v["Type"] == "AWS::StepFunctions::StateMachine"}
    assert machines == set(_definitions())
    print(f"serverless package took {packaged['seconds']:.1f} s")


def test_the_api_is_private_behind_a_usage_plan(packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    methods = [v["Properties"] for v in resources.values()
               if v["Type"] == "AWS::ApiGateway::Method" and v["Properties"]["HttpMethod"]
               != "OPTIONS"]
    assert len(methods) == 3 * 4 + 3 * 7  # facades of 4 side-car workflows, 7 plugin APIs
    assert all(m["ApiKeyRequired"] is True for m in methods)
    (plan,) = [v["Properties"] for v in resources.values()
               if v["Type"] == "AWS::ApiGateway::UsagePlan"]
    assert plan["Quota"] == {"Limit": 5000, "Period": "MONTH"}
    assert plan["Throttle"] == {"BurstLimit": 200, "RateLimit": 100}


def test_the_buckets_are_encrypted(packaged: dict[str, Any]) -> None:
    resources = packaged["template"]["Resources"]
    buckets = {k: v["Properties"] for k, v in resources.items() if v["Type"] == "AWS::S3::Bucket"
               and k.endswith("ProcessData")}
    assert set(buckets) == {"ProcessAProcessData", "DownstreamProcessData",
                            "OrderProcessData", "PollJobProcessData"}
    for props in buckets.values():
        rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    step_a = resources["StepALambdaFunction"]["Properties"]
    assert step_a["Handler"] == "generated/process-a/handlers/step_a.handler"
    assert step_a["Timeout"] == 10
    assert step_a["Role"] == {"Fn::GetAtt": ["ProcessAStepARole", "Arn"]}


def test_cfn_lint_finds_no_error(packaged: dict[str, Any], tmp_path: Path) -> None:
    extracted = tmp_path / "template.json"
    extracted.write_text(json.dumps(_extracted(packaged["template"]), indent=1),
                         encoding="utf-8")
    binary = str(CFN_LINT) if CFN_LINT.exists() else str(shutil.which("cfn-lint"))
    done = subprocess.run([binary, "--format", "parseable", "--ignore-checks", "W3005", "--",
                           str(packaged["path"]), str(extracted)], capture_output=True,
                          text=True, timeout=600, check=False)
    errors = [line for line in done.stdout.splitlines() if ":E" in line]
    assert errors == [], done.stdout
    assert done.returncode in (0, 4, 8), done.stdout + done.stderr  # 4/8: warnings, infos
