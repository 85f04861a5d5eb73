"""Concurrent writers never lose each other's output.

A Parallel of 20 branches and a Map of 200 iterations write to one process at once, through
the local runner's real threads against moto's S3; each run is repeated 20 times. Every
writer has its own object per visit (``outputs/<step>/<visit>.json``,
``iterations/<step>/<iteration>/<visit>.json``), so no write can replace another; the join
step after each fan-out must see all of them. The same holds when every branch and every
iteration (of a Map of 40) loops over its step three times.
"""

from __future__ import annotations

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

from sfs3dsl import Choice, JsonPath, Map, Parallel, Pass, SideCar, Workflow
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


def list_items(doc: dict[str, Any]) -> dict[str, Any]:
    """The items a Map goes over travel in the reference: expose them from the document."""
    return {"items": doc["items"]}


def _map_workflow() -> Workflow:
    sidecar = SideCar(prefix="each/")
    each = Map("each", processor=sidecar.step(item), items_path="$.items",
               item_selector=sidecar.iteration_reference(), max_concurrency=40,
               result_path=None)
    return Workflow("each", sidecar.step(list_items, expose=("items",)) >> each
                    >> sidecar.step(after_map))


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
    ProcessStore(Location(bucket, "each/")).create("t1", {"run": run,
                                                          "items": list(range(ITEMS))})
    runner = Runner()
    register(runner, plan_handlers(plan, "each"))
    execution = runner.run(wf.to_asl(), {"processData": "t1"})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="each/t1/iterations/item/")
    # one object per iteration (each one visit), none lost, none written twice
    folders = sorted(o["Key"].rsplit("/", 1)[0] for o in listed["Contents"])
    assert folders == sorted(f"each/t1/iterations/item/{i}" for i in range(ITEMS))
    # the step after the Map saw every iteration; each iteration saw the document and its
    # own outputs only, never a sibling's
    after = ProcessStore(Location(bucket, "each/")).visits("t1", "after-map")[-1][1]
    # each saw run, items, list-items-output and its own iteration key: no item-output of
    # a sibling (nor its own, on its only visit)
    assert after == {"iterations": [str(i) for i in range(ITEMS)], "seen": [4]}


# --- loops inside branches and iterations -------------------------------------------------

LAPS = 3
#: Iterations of the looping Map: fewer than ITEMS, since each loops three times (and
#: 200 x 3 visits x 20 runs took over two minutes on moto).
LAP_ITEMS = 40


def _lap(previous: Any) -> dict[str, int]:
    return {"lap": (previous or {}).get("lap", 0) + 1}


def _branch_function(i: int) -> Any:
    """A module-level step function of branch ``i`` (it reads its own previous visit)."""
    def function(doc: dict[str, Any]) -> dict[str, int]:
        return _lap(doc.get(f"lap-{i}-output"))

    function.__name__ = function.__qualname__ = f"lap_{i}"
    globals()[function.__name__] = function
    return function


def lap_item(doc: dict[str, Any]) -> dict[str, int]:
    """A Map iteration sees only its own iteration's earlier visit."""
    mine = doc.get("lap-item-output", {})
    assert len(mine) <= 1, mine
    return _lap(next(iter(mine.values()), None))


def laps_joined(doc: dict[str, Any]) -> dict[str, Any]:
    laps = {k: v for k, v in doc.items() if k.startswith("lap-") and k != "lap-item-output"}
    return {"laps": sorted({v["lap"] for v in laps.values()}), "branches": len(laps)}


def laps_after_map(doc: dict[str, Any]) -> dict[str, Any]:
    outputs = doc["lap-item-output"]
    return {"laps": sorted({v["lap"] for v in outputs.values()}), "iterations": len(outputs)}


def _looping(sidecar: SideCar, function: Any, name: str) -> Any:
    step = sidecar.step(function, name=name, expose=("lap",))
    return step >> (Choice(f"{name}-again?").when(JsonPath("$.lap") < LAPS, step)
                    .otherwise(Pass(f"{name}-done")))


def _looping_parallel() -> Workflow:
    sidecar = SideCar(prefix="laps/")
    fan = Parallel("fan-out", result_path=None, branches=[
        _looping(sidecar, _branch_function(i), f"lap-{i}") for i in range(BRANCHES)])
    return Workflow("laps", fan >> sidecar.step(laps_joined))


def _looping_map() -> Workflow:
    sidecar = SideCar(prefix="lap-each/")
    each = Map("each", processor=_looping(sidecar, lap_item, "lap-item"), items_path="$.items",
               item_selector=sidecar.iteration_reference(), max_concurrency=40,
               result_path=None)
    return Workflow("lap-each", sidecar.step(list_items, expose=("items",)) >> each
                    >> sidecar.step(laps_after_map))


def _run(wf: Workflow, prefix: str, run: int, document: dict[str, Any],
         monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    plan = plan_sidecar(wf, wf.compile(), REPO)
    bucket = make_bucket(wf.name)
    use_location(monkeypatch, bucket, prefix)
    ProcessStore(Location(bucket, prefix)).create("t1", {"run": run, **document})
    runner = Runner()
    register(runner, plan_handlers(plan, wf.name))
    execution = runner.run(wf.to_asl(), {"processData": "t1"})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    return bucket, execution


@pytest.mark.parametrize("run", range(REPEAT))
def test_loops_in_twenty_parallel_branches_lose_nothing(aws: None,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        run: int) -> None:
    bucket, _ = _run(_looping_parallel(), "laps/", run, {}, monkeypatch)
    store = ProcessStore(Location(bucket, "laps/"))
    for i in range(BRANCHES):
        assert [v["lap"] for _, v in store.visits("t1", f"lap-{i}")] == [1, 2, 3]
    assert store.read("t1").view()["laps-joined-output"] == {"laps": [LAPS],
                                                             "branches": BRANCHES}


@pytest.mark.parametrize("run", range(REPEAT))
def test_loops_in_forty_map_iterations_lose_nothing(aws: None,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          run: int) -> None:
    bucket, _ = _run(_looping_map(), "lap-each/", run, {"items": list(range(LAP_ITEMS))},
                     monkeypatch)
    store = ProcessStore(Location(bucket, "lap-each/"))
    for i in range(LAP_ITEMS):
        assert [v["lap"] for _, v in store.visits("t1", "lap-item", str(i))] == [1, 2, 3]
    assert store.read("t1").view()["laps-after-map-output"] == {"laps": [LAPS],
                                                                "iterations": LAP_ITEMS}


def test_moto_makes_an_etag_under_its_objects_lock(aws: None) -> None:
    # the fixture's repair of a moto race (test_sidecar_support._etag_under_the_key_lock):
    # while a reader holds an object's lock, working out its ETag waits for it
    import hashlib
    import threading

    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    bucket = make_bucket("etag-lock")
    body = b'{"lap":1}'
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key="k", Body=body)
    key = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[bucket].keys["k"]
    key._etag = None  # as a key is before PutObject asks for it
    found: list[str] = []
    with key.lock:
        worker = threading.Thread(target=lambda: found.append(key.etag))
        worker.start()
        worker.join(0.2)
        assert worker.is_alive() and found == []  # waiting for the lock
    worker.join(5)
    assert found == ['"' + hashlib.md5(body).hexdigest() + '"']
