"""Concurrent writers never lose each other's output.

A Parallel of 20 branches and a Map of 200 iterations write to one process at once, through
the local runner's real threads against moto's S3; each run is repeated 20 times. Every
writer has its own object (``outputs/<step>[/<iteration>].json``), so no write can replace
another; the join step after each fan-out must see all of them.
"""

from __future__ import annotations

import json
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from test_sidecar_support import (
    REGION,
    REPO,
    aws,
    make_bucket,
    plan_handlers,
    read_document,
    register,
    use_location,
)

from sfs3dsl import Map, Parallel, SideCar, Workflow
from sfs3dsl.deploy.sidecar import plan_sidecar
from sfs3dsl.run.interpreter import Runner
from sfs3dsl_runtime import Location, ProcessStore

__all__ = ["aws"]

BRANCHES = 20
ITEMS = 200
REPEAT = 20


def branch(doc: dict[str, Any]) -> dict[str, Any]:
    return {"saw": sorted(k for k in doc if k.endswith("-output"))}


def item(doc: dict[str, Any]) -> dict[str, Any]:
    return {"seen": len(doc)}


def joined(doc: dict[str, Any]) -> dict[str, Any]:
    outputs = [k for k in doc if k.endswith("-output")]
    return {"outputs": len(outputs)}


def after_map(doc: dict[str, Any]) -> dict[str, Any]:
    outputs = doc["item-output"]
    return {"iterations": sorted(outputs, key=int),
            "seen": sorted({v["seen"] for v in outputs.values()})}


def _parallel_workflow() -> Workflow:
    sidecar = SideCar(prefix="fan/")
    fan = Parallel("fan-out", result_path=None,
                   branches=[sidecar.step(branch, name=f"branch-{i}") for i in range(BRANCHES)])
    return Workflow("fan", fan >> sidecar.step(joined))


def _map_workflow() -> Workflow:
    sidecar = SideCar(prefix="each/")
    each = Map("each", processor=sidecar.step(item), items_path="$.items",
               item_selector=sidecar.iteration_reference(), max_concurrency=40,
               result_path=None)
    return Workflow("each", each >> sidecar.step(after_map))


def test_the_join_after_a_parallel_needs_every_branch() -> None:
    wf = _parallel_workflow()
    plan = plan_sidecar(wf, wf.compile(), REPO)
    needs = {s.name: [(n.step, n.scope) for n in s.needs] for s in plan.steps}
    assert needs["joined"] == [(f"branch-{i}", "process") for i in range(BRANCHES)]
    assert needs["branch-0"] == []


@pytest.mark.parametrize("run", range(REPEAT))
def test_twenty_parallel_branches_all_survive(aws: None, monkeypatch: pytest.MonkeyPatch,
                                              run: int) -> None:
    wf = _parallel_workflow()
    plan = plan_sidecar(wf, wf.compile(), REPO)
    bucket = make_bucket("fan")
    use_location(monkeypatch, bucket, "fan/")
    ProcessStore(Location(bucket, "fan/")).create("t1", {"run": run})
    runner = Runner()
    register(runner, plan_handlers(plan, "fan"))
    execution = runner.run(wf.to_asl(), {"processData": "t1"})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    doc = read_document(bucket, "fan/", "t1")
    assert sorted(k for k in doc if k.startswith("branch-")) == sorted(
        f"branch-{i}-output" for i in range(BRANCHES))
    assert doc["joined-output"] == {"outputs": BRANCHES}


@pytest.mark.parametrize("run", range(REPEAT))
def test_two_hundred_map_iterations_all_survive(aws: None, monkeypatch: pytest.MonkeyPatch,
                                                run: int) -> None:
    wf = _map_workflow()
    plan = plan_sidecar(wf, wf.compile(), REPO)
    bucket = make_bucket("each")
    use_location(monkeypatch, bucket, "each/")
    ProcessStore(Location(bucket, "each/")).create("t1", {"run": run})
    runner = Runner()
    register(runner, plan_handlers(plan, "each"))
    execution = runner.run(wf.to_asl(), {"processData": "t1", "items": list(range(ITEMS))})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="each/t1/outputs/item/")
    assert sorted(o["Key"] for o in listed["Contents"]) == sorted(
        f"each/t1/outputs/item/{i}.json" for i in range(ITEMS))
    # the step after the Map saw every iteration; each iteration saw the document and its
    # own outputs only, never a sibling's
    after = json.loads(s3.get_object(Bucket=bucket, Key="each/t1/outputs/after-map.json")[
        "Body"].read())
    assert after == {"iterations": [str(i) for i in range(ITEMS)], "seen": [1]}
