"""Compile-time checks of side-car workflows: what a Choice reads, Catch paths, loops.

In a side-car workflow only the reference and the exposed keys flow between states, so a
Choice on a key no step exposes would fail at run time; ``compile`` and ``validate`` report
it with the Choice's ``file:line``. An error when no way into the Choice carries the key, a
warning when only some do, nothing when the Choice tests ``is_present()`` first.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import pytest
from click.testing import CliRunner

from sfs3dsl import (
    BuildError,
    Choice,
    Jsonata,
    JsonPath,
    Map,
    Parallel,
    Pass,
    SideCar,
    Succeed,
    ValidationError,
    Workflow,
)
from sfs3dsl.cli import cli
from sfs3dsl.deploy.sidecar.plan import plan_sidecar, sidecar_problems

REPO = Path(__file__).resolve().parents[1]
HERE = os.path.relpath(__file__)  # how file:line names this file (relative to the cwd)


def decide(doc: dict[str, Any]) -> dict[str, Any]:
    return {"outcome": "ok", "score": 1}


def other(doc: dict[str, Any]) -> dict[str, Any]:
    return {}


def _codes(wf: Workflow) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity, p.path) for p in sidecar_problems(wf, wf.compile())]


def _flow(choice_on: Any, *, expose: tuple[str, ...] = ("outcome",)) -> Workflow:
    sidecar = SideCar(prefix="c/")
    language: Literal["JSONata"] | None = "JSONata" if isinstance(choice_on, str) else None
    choice = Choice("route", query_language=language).when(choice_on, Succeed("yes")).otherwise(
        Succeed("no"))
    return Workflow("c", sidecar.step(decide, expose=expose) >> choice)


def test_a_choice_on_an_exposed_key_is_clean() -> None:
    assert _codes(_flow(JsonPath("$.outcome") == "ok")) == []


def test_a_choice_on_an_unexposed_key_is_an_error_at_its_line() -> None:
    wf = _flow(JsonPath("$.outcome") == "ok", expose=())
    problems = sidecar_problems(wf, wf.compile())
    assert [(p.code, p.severity, p.state) for p in problems] == [
        ("choice-reads-unexposed", "error", "route")]
    assert problems[0].where is not None and problems[0].where.startswith(f"{HERE}:")
    assert problems[0].message == (
        "the Choice reads $.outcome, but in a side-car workflow only a reference flows "
        "between states and no step before it exposes 'outcome', nor does the execution "
        "input carry it")
    assert problems[0].hint == ("expose it from the side-car step that computes it: "
                                "sidecar.step(fn, expose=('outcome',))")
    with pytest.raises(ValidationError, match="choice-reads-unexposed"):
        plan_sidecar(wf, wf.compile(), REPO)


def test_jsonata_conditions_are_checked_too() -> None:
    assert _codes(_flow("{% $states.input.outcome = 'ok' %}")) == []
    assert _codes(_flow("{% $states.input.verdict = 'ok' %}")) == [
        ("choice-reads-unexposed", "error", "States.route.Choices")]


def test_nested_rules_and_path_operands_are_read() -> None:
    rule = (JsonPath("$.outcome") == "ok") & ~(JsonPath("$.score").number
                                               > JsonPath("$.limit"))
    assert _codes(_flow(rule, expose=("outcome", "score"))) == [
        ("choice-reads-unexposed", "error", "States.route.Choices")]
    assert [p.message.split(",")[0] for p in
            sidecar_problems(_flow(rule, expose=("outcome", "score")),
                             _flow(rule, expose=("outcome", "score")).compile())] == [
        "the Choice reads $.limit"]


def test_nested_choices_see_what_the_first_one_passed_on() -> None:
    sidecar = SideCar(prefix="n/")
    inner = Choice("inner").when(JsonPath("$.score") > 0, Succeed("high")).otherwise(
        Succeed("low"))
    outer = Choice("outer").when(JsonPath("$.outcome") == "ok", inner).otherwise(
        Succeed("bad"))
    assert _codes(Workflow("n", sidecar.step(decide, expose=("outcome",)) >> outer)) == [
        ("choice-reads-unexposed", "error", "States.inner.Choices")]
    assert _codes(Workflow("n2", sidecar.step(decide, expose=("outcome", "score"))
                           >> outer)) == []


def test_a_key_exposed_on_one_incoming_branch_only_is_a_warning() -> None:
    sidecar = SideCar(prefix="b/")
    join = Choice("join").when(JsonPath("$.outcome") == "ok", Succeed("yes")).otherwise(
        Succeed("no"))
    fork = (Choice("fork").when(JsonPath("$.subtopic") == "a",
                                sidecar.step(decide, expose=("outcome",)) >> join)
            .otherwise(sidecar.step(other) >> join))
    wf = Workflow("b", fork)
    problems = sidecar_problems(wf, wf.compile())
    assert [(p.code, p.severity) for p in problems] == [
        ("choice-reads-partly-exposed", "warning")]
    assert "test JsonPath('$.outcome').is_present() first" in problems[0].hint
    compiled = wf.compile()
    plan_sidecar(wf, compiled, REPO)  # compiles, and the warning joins the others
    assert "choice-reads-partly-exposed" in [p.code for p in compiled.warnings]


def test_an_is_present_guard_silences_the_check() -> None:
    guarded = JsonPath("$.outcome").is_present() & (JsonPath("$.outcome") == "ok")
    assert _codes(_flow(guarded, expose=())) == []


def test_the_execution_input_a_catch_and_a_map_iteration_carry_keys() -> None:
    sidecar = SideCar(prefix="k/")
    step = sidecar.step(decide)
    handler = Choice("why").when(JsonPath("$.error.Error") == "X", Succeed("x")).otherwise(
        Succeed("other"))
    step.catch(["States.ALL"], handler)
    on_input = Choice("topic").when(JsonPath("$.subtopic") == "a", step).otherwise(
        Succeed("skip"))
    assert _codes(Workflow("k", on_input)) == []
    item = Choice("first?").when(JsonPath("$.iteration") == 0, sidecar.step(other)).otherwise(
        Succeed("rest"))
    each = Map("each", processor=item, items_path="$.items", result_path=None,
               item_selector=sidecar.iteration_reference())
    assert _codes(Workflow("m", sidecar.step(decide, expose=("items",)) >> each)) == []


def test_a_state_that_reshapes_the_input_stops_the_check() -> None:
    sidecar = SideCar(prefix="r/")
    reshape = Pass("reshape", parameters={"outcome": "ok", "processData.$": "$.processData"})
    choice = Choice("route").when(JsonPath("$.outcome") == "ok", Succeed("y")).otherwise(
        Succeed("n"))
    assert _codes(Workflow("r", sidecar.step(decide) >> reshape >> choice)) == []


def test_validate_and_compile_report_it(tmp_path: Path) -> None:
    steps = tmp_path / "_steps.py"
    steps.write_text("def decide(doc):\n    return {'outcome': 'ok'}\n")
    flow = tmp_path / "flow.py"
    flow.write_text(
        "from _steps import decide\n"
        "from sfs3dsl import Choice, JsonPath, SideCar, Succeed, Workflow\n"
        "sidecar = SideCar(prefix='f/')\n"
        "route = Choice('route').when(JsonPath('$.outcome') == 'ok', Succeed('y'))"
        ".otherwise(Succeed('n'))\n"
        "flow = Workflow('flow', sidecar.step(decide) >> route)\n")
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(flow)])
    assert validated.exit_code == 1
    assert f"{flow}:4: States.route.Choices: error[choice-reads-unexposed]" in validated.output
    compiled = runner.invoke(cli, ["compile", str(flow), "--out", str(tmp_path / "out")])
    assert compiled.exit_code == 1
    assert "error[choice-reads-unexposed]" in compiled.output
    assert "Traceback" not in validated.output + compiled.output


# --- Catch keeps the reference; expose is checked where it is written -----------------------

def test_a_catch_on_a_side_car_step_keeps_the_reference() -> None:
    sidecar = SideCar(prefix="k/")
    step = sidecar.step(decide)
    step.catch(["PaymentDeclined"], sidecar.step(other))
    step.catch(["States.ALL"], Succeed("gave-up"), result_path="$.failure")
    catchers = Workflow("k", step).to_asl()["States"]["decide"]["Catch"]
    assert [(c["ErrorEquals"], c["ResultPath"]) for c in catchers] == [
        (["PaymentDeclined"], "$.error"), (["States.ALL"], "$.failure")]


@pytest.mark.parametrize("path", ["$", "$.processData", "$.iteration.x"])
def test_a_catch_that_would_drop_the_reference_is_refused(path: str) -> None:
    step = SideCar(prefix="k/").step(decide)
    with pytest.raises(BuildError, match=rf"state 'decide': a Catch with result_path="
                                         rf"'{re.escape(path)}' replaces the side-car "
                                         r"reference.*; fix: leave result_path out"):
        step.catch(["States.ALL"], Succeed("x"), result_path=path)


def test_a_map_of_side_car_steps_needs_the_iteration_reference() -> None:
    sidecar = SideCar(prefix="m/")
    each = Map("each", processor=sidecar.step(other), items_path="$.items", result_path=None)
    wf = Workflow("m", sidecar.step(decide) >> each)
    with pytest.raises(BuildError, match=r"state 'each': the Map runs side-car steps, but its "
                                         r"iterations do not get the side-car reference.*fix: "
                                         r"give it item_selector=sidecar.iteration_reference"):
        plan_sidecar(wf, wf.compile(), REPO)


@pytest.mark.parametrize(("expose", "message"), [
    ("outcome", "is a string, so it would expose each letter"),
    (("processData",), "a key of the side-car reference itself"),
    (("not a key",), "not a top-level key"),
    (("a", "a"), "names a key twice"),
])
def test_expose_is_checked_where_it_is_written(expose: Any, message: str) -> None:
    with pytest.raises(BuildError, match=message) as raised:
        SideCar(prefix="e/").step(decide, expose=expose)
    assert str(raised.value).startswith(f"{HERE}:")


# --- loops: which requirements must be fresh ------------------------------------------------

def test_requirements_inside_a_loop_are_fresh_and_outside_are_not() -> None:
    sidecar = SideCar(prefix="l/")
    check = sidecar.step(other, name="check")
    assess = sidecar.step(decide, name="assess", expose=("outcome",))
    loop = check >> assess >> (Choice("done?").when(JsonPath("$.outcome") == "ok",
                                                    Succeed("done")).otherwise(check))
    wf = Workflow("l", sidecar.step(other, name="submit") >> loop)
    plan = plan_sidecar(wf, wf.compile(), REPO)
    needs = {s.name: [(n.step, n.fresh) for n in s.needs] for s in plan.steps}
    assert needs == {"submit": [], "check": [("submit", False)],
                     "assess": [("submit", False), ("check", True)]}


def test_a_loop_around_a_parallel_makes_its_branches_need_fresh_data() -> None:
    sidecar = SideCar(prefix="p/")
    first = sidecar.step(other, name="first")
    inner = sidecar.step(other, name="inner")
    fan = Parallel("fan", branches=[inner, Pass("idle")], result_path=None)
    tail = sidecar.step(decide, name="tail", expose=("outcome",))
    body = first >> fan >> tail
    wf = Workflow("p", body >> (Choice("again?").when(JsonPath("$.outcome") == "no", first)
                                .otherwise(Succeed("end"))))
    plan = plan_sidecar(wf, wf.compile(), REPO)
    needs = {s.name: [(n.step, n.fresh) for n in s.needs] for s in plan.steps}
    assert needs == {"first": [], "inner": [("first", True)],
                     "tail": [("first", True), ("inner", True)]}


def test_jsonata_workflows_read_the_same(tmp_path: Path) -> None:
    # a Choice in a JSONata state reads $states.input like a JSONPath one reads $
    sidecar = SideCar(prefix="j/")
    choice = Choice("route", query_language="JSONata").when(
        Jsonata("$states.input.outcome = 'ok'"), Succeed("y")).otherwise(Succeed("n"))
    assert _codes(Workflow("j", sidecar.step(decide, expose=("outcome",)) >> choice)) == []


def test_a_map_over_an_unexposed_key_is_an_error() -> None:
    sidecar = SideCar(prefix="i/")
    each = Map("each", processor=sidecar.step(other), items_path="$.pages", result_path=None,
               item_selector=sidecar.iteration_reference())
    assert _codes(Workflow("i", sidecar.step(decide) >> each)) == [
        ("choice-reads-unexposed", "error", "States.each.ItemsPath")]
    assert _codes(Workflow("i2", sidecar.step(decide, expose=("pages",)) >> each)) == []


def test_a_step_module_that_imports_sfs3dsl_is_warned_about() -> None:
    # this test module imports sfs3dsl, and decide() lives here: its Lambda would need it
    wf = Workflow("w", SideCar(prefix="w/").step(decide))
    compiled = wf.compile()
    plan_sidecar(wf, compiled, REPO)
    warned = [p for p in compiled.warnings if p.code == "step-module-imports-sfs3dsl"]
    assert len(warned) == 1 and warned[0].state == "decide"
    assert "the step function 'decide' lives in module" in warned[0].message
    assert warned[0].hint.startswith("move the step functions to a module of their own")
    from sfs3dsl.project.load import load_module_workflows

    order = load_module_workflows(REPO / "workflows" / "order.py")[0]
    clean = order.compile()
    plan_sidecar(order, clean, REPO)
    assert [p.code for p in clean.warnings] == []
