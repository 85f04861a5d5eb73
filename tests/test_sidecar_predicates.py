"""Read predicates derived from the state graph, and the side-car's build-time checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sfs3dsl import Choice, JsonPath, Map, Parallel, Pass, SideCar, Workflow
from sfs3dsl.core.errors import BuildError
from sfs3dsl.deploy.sidecar import derive_requirements, plan_sidecar

REPO = Path(__file__).resolve().parents[1]

GRAPH: dict[str, Any] = {"StartAt": "a", "States": {
    "a": {"Type": "Task", "Next": "p"},
    "p": {"Type": "Parallel", "Next": "m", "Branches": [
        {"StartAt": "b1", "States": {"b1": {"Type": "Task", "End": True}}},
        {"StartAt": "b2", "States": {
            "b2": {"Type": "Task", "Next": "pick"},
            "pick": {"Type": "Choice", "Choices": [{"Next": "x"}], "Default": "y"},
            "x": {"Type": "Task", "End": True}, "y": {"Type": "Task", "End": True}}}]},
    "m": {"Type": "Map", "Next": "z", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "f"}],
          "ItemProcessor": {"StartAt": "i1", "States": {
              "i1": {"Type": "Task", "Next": "i2"}, "i2": {"Type": "Task", "End": True}}}},
    "f": {"Type": "Task", "End": True},
    "z": {"Type": "Task", "End": True}}}
STEPS = {"States.a": "a", "States.p.Branches[0].States.b1": "b1",
         "States.p.Branches[1].States.b2": "b2", "States.p.Branches[1].States.x": "x",
         "States.p.Branches[1].States.y": "y", "States.m.ItemProcessor.States.i1": "i1",
         "States.m.ItemProcessor.States.i2": "i2", "States.f": "f", "States.z": "z"}
BRANCHES = [("a", "process"), ("b1", "process"), ("b2", "process")]


@pytest.mark.parametrize(("path", "expected"), [
    ("States.a", []),
    ("States.p.Branches[0].States.b1", [("a", "process")]),
    ("States.p.Branches[1].States.x", [("a", "process"), ("b2", "process")]),
    ("States.m.ItemProcessor.States.i1", BRANCHES),
    ("States.m.ItemProcessor.States.i2", [*BRANCHES, ("i1", "iteration")]),
    # a Catch leaves a failed Map: nothing inside it is guaranteed
    ("States.f", BRANCHES),
    # after the Map every iteration's outputs exist; after the Choice neither x nor y must
    ("States.z", [*BRANCHES, ("i1", "collection"), ("i2", "collection")]),
])
def test_derived_requirements(path: str, expected: list[tuple[str, str]]) -> None:
    needs = derive_requirements(GRAPH, STEPS)[path]
    assert [(n.step, n.scope) for n in needs] == expected


def test_a_loop_needs_only_what_every_path_has() -> None:
    asl = {"StartAt": "a", "States": {
        "a": {"Type": "Task", "Next": "b"},
        "b": {"Type": "Task", "Next": "again"},
        "again": {"Type": "Choice", "Choices": [{"Next": "c"}], "Default": "b"},
        "c": {"Type": "Task", "End": True}}}
    got = derive_requirements(asl, {"States.a": "a", "States.b": "b", "States.c": "c"})
    assert {k: [n.step for n in v] for k, v in got.items()} == {
        "States.a": [], "States.b": ["a"], "States.c": ["a", "b"]}


def test_a_long_line_is_derived_without_recursion() -> None:
    n = 1000  # every step needs all before it: the answer itself is quadratic
    states: dict[str, dict[str, Any]] = {f"s{i}": {"Type": "Task", "Next": f"s{i + 1}"}
                                         for i in range(n - 1)}
    states[f"s{n - 1}"] = {"Type": "Task", "End": True}
    got = derive_requirements({"StartAt": "s0", "States": states},
                              {f"States.s{i}": f"s{i}" for i in range(n)})
    assert len(got[f"States.s{n - 1}"]) == n - 1


def one(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


def two(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


def ready(doc: dict[str, Any]) -> bool:
    return "go" in doc


def test_step_names_retry_and_predicate() -> None:
    sidecar = SideCar(prefix="p")
    step = sidecar.step(two, predicate=ready, timeout_seconds=11)
    wf = Workflow("w", sidecar.step(one) >> step)
    asl = wf.to_asl()
    assert sidecar.prefix == "p/"
    assert asl["States"]["two"] == {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "${TwoFunctionArn}",
                       "Payload": {"input.$": "$", "visit.$": "$$.State.EnteredTime"}},
        "OutputPath": "$.Payload", "TimeoutSeconds": 11,
        "Retry": [{"ErrorEquals": ["S3DataPreconditionError"], "IntervalSeconds": 1,
                   "MaxAttempts": 3, "BackoffRate": 1}], "End": True}
    plan = plan_sidecar(wf, wf.compile(), REPO)
    assert [(s.name, s.predicate, s.module) for s in plan.steps] == [
        ("one", None, "tests.test_sidecar_predicates"),
        ("two", "ready", "tests.test_sidecar_predicates")]


def test_decorator_form() -> None:
    sidecar = SideCar(prefix="d/")

    decorated = sidecar.step(timeout_seconds=11)(one)
    assert decorated.name == "one" and decorated({"x": 1}) == {}


@pytest.mark.parametrize(("build", "message"), [
    (lambda s: s.step(lambda doc: doc), "is not a module-level function"),
    (lambda s: s.step(one, predicate=lambda doc: True), "the predicate"),
    (lambda s: s.step(one, name="has space"), "must be letters and digits"),
    (lambda s: s.step(one, timeout_seconds=1), "at least 2"),
])
def test_build_errors(build: Any, message: str) -> None:
    with pytest.raises(BuildError, match=message):
        build(SideCar(prefix="x/"))


def test_a_parallel_before_a_step_must_drop_its_result() -> None:
    sidecar = SideCar(prefix="x/")
    fan = Parallel("fan", branches=[sidecar.step(one)])
    wf = Workflow("w", fan >> sidecar.step(two))
    with pytest.raises(BuildError, match="give it result_path=None"):
        plan_sidecar(wf, wf.compile(), REPO)


def test_nested_maps_are_refused() -> None:
    sidecar = SideCar(prefix="x/")
    inner = Map("inner", processor=sidecar.step(one), items_path="$.i", result_path=None,
                item_selector=sidecar.iteration_reference())
    outer = Map("outer", processor=inner, items_path="$.o", result_path=None)
    wf = Workflow("w", outer)
    with pytest.raises(BuildError, match="nested in another Map"):
        plan_sidecar(wf, wf.compile(), REPO)


def test_two_sidecars_in_one_workflow_are_refused() -> None:
    wf = Workflow("w", SideCar(prefix="a/").step(one) >> SideCar(prefix="b/").step(two))
    with pytest.raises(BuildError, match="mixes steps of 2 SideCar objects"):
        plan_sidecar(wf, wf.compile(), REPO)


def test_choice_branches_are_optional() -> None:
    sidecar = SideCar(prefix="x/")
    pick = (Choice("pick").when(JsonPath("$.subtopic") == "a", sidecar.step(one))
            .otherwise(Pass("skip")))
    wf = Workflow("w", pick.afterwards() >> sidecar.step(two))
    plan = plan_sidecar(wf, wf.compile(), REPO)
    assert {s.name: s.needs for s in plan.steps} == {"one": (), "two": ()}
