"""The compiler: chaining, default names, source maps, determinism and very long chains."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest

from sfs3dsl import (
    Chain,
    Choice,
    Fail,
    JsonPath,
    Map,
    Parallel,
    Pass,
    Retry,
    Succeed,
    Task,
    ValidationError,
    Wait,
    Workflow,
    compile_workflow,
)
from sfs3dsl.compile.order import STATE
from sfs3dsl.validate import validate_definition

FN = "arn:aws:lambda:us-east-1:123456789012:function:hello"



def states_of(flow: Any, **options: Any) -> dict[str, Any]:
    asl = Workflow("w", flow, **options).compile().asl
    states: dict[str, Any] = asl["States"]
    return states


# -- chaining ----------------------------------------------------------------

LINE = {"a": {"Type": "Pass", "Next": "b"}, "b": {"Type": "Pass", "Next": "c"},
        "c": {"Type": "Succeed"}}


@pytest.mark.parametrize("build", [
    lambda: Pass("a") >> Pass("b") >> Succeed("c"),
    lambda: Pass("a").next(Pass("b")).next(Succeed("c")),
    lambda: Pass("a") >> (Pass("b") >> Succeed("c")),
    lambda: Chain.sequence(Pass("a"), Pass("b"), Succeed("c")),
    lambda: Chain.sequence(Pass("a") >> Pass("b"), Succeed("c")),
], ids=["rshift", "next", "right-nested", "sequence", "sequence-of-chains"])
def test_chaining_forms_agree(build: Any) -> None:
    flow = build()
    assert isinstance(flow, Chain)
    assert flow.start_state.name == "a"
    assert flow.end_states == ()
    assert states_of(flow) == LINE


def test_chain_value_keeps_its_open_ends() -> None:
    tail = Pass("z")
    chain = Pass("a") >> tail
    assert chain.start_state.name == "a"
    assert list(chain.end_states) == [tail]
    assert repr(chain) == "Chain(start='a', ends=['z'])"


def test_sequence_of_one_state() -> None:
    only = Pass("only")
    chain = Chain.sequence(only)
    assert chain.start_state is only
    assert list(chain.end_states) == [only]


def test_afterwards_joins_every_open_branch_end() -> None:
    n = JsonPath("$.n")
    left_end = Pass("left-2")
    choice = (Choice("c").when(n > 1, Pass("left-1") >> left_end)
              .when(n < 0, Fail("neg"))
              .otherwise(Pass("right")))
    after = choice.afterwards()
    assert [s.name for s in after.end_states] == ["left-2", "right"]
    assert states_of(after >> Succeed("joined")) == {
        "c": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "left-1"},
            {"Variable": "$.n", "NumericLessThan": 0, "Next": "neg"}], "Default": "right"},
        "left-1": {"Type": "Pass", "Next": "left-2"},
        "left-2": {"Type": "Pass", "Next": "joined"},
        "neg": {"Type": "Fail"},
        "right": {"Type": "Pass", "Next": "joined"},
        "joined": {"Type": "Succeed"},
    }


def test_loop_back_to_an_earlier_state() -> None:
    check = Task("check", resource=FN)
    wait = Wait("wait", seconds=5)
    choice = Choice("done?").when(JsonPath("$.done") == True, Succeed("yes"))  # noqa: E712
    choice.otherwise(wait)
    wait.next(check)
    assert states_of(check >> choice) == {
        "check": {"Type": "Task", "Resource": FN, "Next": "done?"},
        "done?": {"Type": "Choice", "Choices": [
            {"Variable": "$.done", "BooleanEquals": True, "Next": "yes"}], "Default": "wait"},
        "yes": {"Type": "Succeed"},
        "wait": {"Type": "Wait", "Seconds": 5, "Next": "check"},
    }


# -- default names ----------------------------------------------------------------

def test_unnamed_states_are_named_after_their_type_and_deduplicated() -> None:
    flow = Chain.sequence(Pass(), Pass(), Wait(seconds=1), Pass(), Task(resource=FN),
                          Task(resource=FN), Succeed())
    assert list(states_of(flow)) == ["Pass", "Pass-2", "Wait", "Pass-3", "hello", "hello-2",
                                     "Succeed"]


def test_default_names_skip_names_the_user_took() -> None:
    flow = Chain.sequence(Pass("Pass"), Pass(), Pass("Pass-3"), Pass(), Pass())
    assert list(states_of(flow)) == ["Pass", "Pass-2", "Pass-3", "Pass-4", "Pass-5"]


def test_default_names_are_unique_across_branches() -> None:
    par = Parallel(branches=[Pass(), Pass() >> Pass()])
    flow = Map(processor=Pass()) >> par
    asl = Workflow("w", flow).compile().asl
    assert asl == {"StartAt": "Map", "States": {
        "Map": {"Type": "Map", "ItemProcessor": {
            "StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": True}}},
            "Next": "Parallel"},
        "Parallel": {"Type": "Parallel", "Branches": [
            {"StartAt": "Pass-2", "States": {"Pass-2": {"Type": "Pass", "End": True}}},
            {"StartAt": "Pass-3", "States": {"Pass-3": {"Type": "Pass", "Next": "Pass-4"},
                                             "Pass-4": {"Type": "Pass", "End": True}}},
        ], "End": True}}}


# -- source map ----------------------------------------------------------------

def test_source_map_names_every_state_path() -> None:
    par = Parallel("p", branches=[Pass("l"), Map("m", processor=Pass("item"))])
    compiled = compile_workflow(Workflow("w", Pass("a") >> par))
    here = os.path.relpath(__file__)
    assert sorted(compiled.sources) == [
        "States.a", "States.p", "States.p.Branches[0].States.l",
        "States.p.Branches[1].States.m", "States.p.Branches[1].States.m.ItemProcessor.States.item"]
    assert all(where.startswith(here + ":") for where in compiled.sources.values())
    assert len(compiled.sources) == 5
    assert compiled.sources["States.p.Branches[1].States.m.ItemProcessor.States.item"] == \
        compiled.sources.get("States.p.Branches[1].States.m.ItemProcessor.States.item")
    assert "States.nope" not in compiled.sources


def test_source_map_of_duplicates_and_default_names() -> None:
    first, second = Pass("same"), Pass("same")
    compiled = compile_workflow(Workflow("w", first >> Pass() >> second), raise_errors=False)
    assert list(compiled.sources) == ["States.same", "States.Pass", "States.same (duplicate 2)"]
    assert compiled.sources["States.same (duplicate 2)"] == second.where
    (problem,) = [p for p in compiled.problems if p.code == "duplicate-state-name"]
    assert (problem.path, problem.where) == ("States.same (duplicate 2)", second.where)


# -- determinism and key order ----------------------------------------------------------------

def _kitchen_sink() -> Workflow:
    task = Task("t", resource=FN, parameters={"z": 1, "a": JsonPath("$.a")}, result_path="$.r",
                timeout_seconds=30, heartbeat_seconds=10, comment="task",
                retry=[Retry("States.ALL", backoff_rate=2.0, interval_seconds=1)])
    task.catch("States.ALL", Fail("f", error="E", cause="C"), result_path="$.e")
    choice = (Choice("c").when((JsonPath("$.n") > 1) | JsonPath("$.s").is_null(), Pass("x"))
              .otherwise(Pass("y")))
    return Workflow("w", task >> choice.afterwards() >> Succeed("done"), comment="sink",
                    timeout_seconds=60, version="1.0")


def test_compiling_twice_gives_identical_bytes() -> None:
    first = _kitchen_sink().to_json()
    second = _kitchen_sink().to_json()
    assert first == second
    again = _kitchen_sink().compile().to_json()
    assert first.encode() == again.encode()


def test_json_text_is_indent_two_with_trailing_newline_and_type_first() -> None:
    text = _kitchen_sink().compile().to_json()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "Comment": "sink",\n  "StartAt": "t",\n  "States": {\n'
                           '    "t": {\n      "Type": "Task",\n      "Comment": "task",\n')
    assert json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n" == text
    for state in json.loads(text)["States"].values():
        keys = list(state)
        assert keys[0] == "Type"
        assert keys == sorted(keys, key=STATE.index)


def test_key_order_does_not_depend_on_keyword_order() -> None:
    a = Task("t", resource=FN, result_path="$.r", input_path="$.i", timeout_seconds=5)
    b = Task("t", timeout_seconds=5, input_path="$.i", resource=FN, result_path="$.r")
    assert Workflow("w", a).to_json() == Workflow("w", b).to_json()
    assert list(json.loads(Workflow("w", a).to_json())["States"]["t"]) == [
        "Type", "Resource", "InputPath", "ResultPath", "TimeoutSeconds", "End"]


def test_payload_templates_keep_the_users_key_order() -> None:
    step = Pass("p", parameters={"z": 1, "a": 2, "m": {"y": 1, "b": 2}})
    assert json.loads(Workflow("w", step).to_json())["States"]["p"]["Parameters"] == {
        "z": 1, "a": 2, "m": {"y": 1, "b": 2}}
    assert '"z": 1,\n' in Workflow("w", step).to_json().split('"a": 2')[0]


def test_non_ascii_text_is_kept() -> None:
    text = Workflow("w", Pass("grüße", comment="日本")).to_json()
    assert '"grüße"' in text and '"日本"' in text


# -- very long chains ----------------------------------------------------------------

N = 100_000


def test_a_line_of_100000_pass_states_compiles_without_recursion() -> None:
    states = [Pass(f"s{i}") for i in range(N)]
    flow = Chain.sequence(states[0], *states[1:])
    compiled = Workflow("long", flow).compile(validate=False)
    body = compiled.asl["States"]
    assert len(body) == N
    assert compiled.asl["StartAt"] == "s0"
    assert body["s0"] == {"Type": "Pass", "Next": "s1"}
    assert body[f"s{N - 1}"] == {"Type": "Pass", "End": True}
    assert list(body)[-1] == f"s{N - 1}"
    assert len(compiled.sources) == N
    # The validator walks all of it too; the only thing wrong is AWS's 1 MB limit.
    found = validate_definition(compiled.asl, compiled.sources)
    assert [(p.code, p.severity) for p in found] == [("definition-too-large", "error")]


def test_a_line_of_100000_unnamed_states_built_with_next() -> None:
    first = Pass()
    chain = Chain.sequence(first)
    for _ in range(N - 1):
        chain = chain.next(Pass())
    text = Workflow("long", chain).compile(validate=False).to_json()
    body = json.loads(text)["States"]
    assert len(body) == N
    assert body[f"Pass-{N}"] == {"Type": "Pass", "End": True}
    assert body["Pass"] == {"Type": "Pass", "Next": "Pass-2"}


# -- known defects ----------------------------------------------------------------

def test_task_credentials_with_a_path() -> None:
    task = Task("t", resource=FN, credentials={"RoleArn": JsonPath("$.role")})
    assert states_of(task)["t"]["Credentials"] == {"RoleArn.$": "$.role"}
    assert '"RoleArn.$": "$.role"' in Workflow("w", task).to_json()


def test_task_resource_that_is_not_an_arn_is_refused() -> None:
    with pytest.raises(ValidationError):
        Workflow("w", Task("t", resource="not-an-arn")).compile()


@pytest.mark.parametrize("over", [0, 1])
@pytest.mark.parametrize("filler", ["x", "\u00e9", "\x7f", "\U0001f600"], ids=repr)
def test_the_compiler_measures_the_size_as_the_validator_does(filler: str, over: int) -> None:
    # compile_workflow measures the text it writes for to_json(); the validator on its
    # own dumps the document: both must count the same UTF-8 bytes of the compact text.
    from sfs3dsl.syntax.asl import MAX_DEFINITION_BYTES

    def build(count: int) -> Workflow:
        return Workflow("big", Pass("p", result=filler * count))

    empty = len(json.dumps(compile_workflow(build(0)).asl, separators=(",", ":")))
    count = (MAX_DEFINITION_BYTES - empty) // len(filler.encode()) + over
    compiled = compile_workflow(build(count), raise_errors=False)
    size = len(json.dumps(compiled.asl, separators=(",", ":"), ensure_ascii=False).encode())
    alone = validate_definition(compiled.asl, compiled.sources)
    assert [p.render() for p in compiled.problems] == [p.render() for p in alone]
    assert [p.code for p in compiled.problems] == (
        ["definition-too-large"] if size > MAX_DEFINITION_BYTES else [])
    assert (size > MAX_DEFINITION_BYTES) == (over == 1)
    assert compiled.to_json() == json.dumps(compiled.asl, indent=2, ensure_ascii=False) + "\n"


def _reference_workflows() -> list[Any]:
    from pathlib import Path

    from sfs3dsl.project.load import load_module_workflows

    root = Path(__file__).resolve().parent.parent / "workflows"
    return [w for m in sorted(root.glob("[!_]*.py")) for w in load_module_workflows(m)]


def test_compiled_documents_are_canonical_all_the_way_down() -> None:
    # The compiler orders only each state's own keys; what the model renders inside
    # (rules, retriers, catchers, branches, processors) must come in canonical order.
    from sfs3dsl.compile.order import canonical

    workflows = _reference_workflows()
    assert len(workflows) >= 10
    for workflow in workflows:
        asl = workflow.compile().asl
        assert json.dumps(asl) == json.dumps(canonical(asl)), workflow.name


# -- the walk's marks (compile/compiler._discover): each compile sees only its own -------------

def _loop_workflow() -> Workflow:
    work = Task("work", resource=FN, retry=[Retry(["States.ALL"], max_attempts=2)])
    done = Choice("done").when(JsonPath("$.left") == 0, Succeed("ok"))
    done.otherwise(work)
    branch = Pass("inner") >> Task("inner-work", resource=FN)
    return Workflow("loop", Pass("start") >> work >> Parallel("fan", branches=[branch])
                    >> done, comment="a loop back to work")


def test_a_workflow_compiled_again_gives_the_same_document() -> None:
    workflow = _loop_workflow()
    first = compile_workflow(workflow).to_json()
    assert compile_workflow(workflow).to_json() == first
    assert compile_workflow(workflow, validate=False).asl == json.loads(first)


def test_a_state_in_two_workflows_compiles_in_each() -> None:
    # the first compile marks the shared states; the second must not take its marks for
    # a state met in another machine of its own
    shared = Pass("shared") >> Pass("after")
    one = Workflow("one", Pass("a") >> shared.start_state)
    two = Workflow("two", Parallel("p", branches=[shared.start_state]))
    assert list(compile_workflow(one).asl["States"]) == ["a", "shared", "after"]
    assert list(compile_workflow(two).asl["States"]["p"]["Branches"][0]["States"]) == [
        "shared", "after"]
    assert list(compile_workflow(one).asl["States"]) == ["a", "shared", "after"]


def test_a_state_in_two_branches_is_reported_on_every_compile() -> None:
    shared = Pass("shared")
    workflow = Workflow("w", Parallel("p", branches=[Pass("l") >> shared,
                                                     Pass("r") >> shared]))
    for _ in range(3):
        with pytest.raises(ValidationError) as info:
            compile_workflow(workflow)
        assert [p.code for p in info.value.problems] == ["state-in-two-machines"]


def test_threads_compiling_one_workflow_at_once_each_get_the_whole_document() -> None:
    import threading

    workflow = _loop_workflow()
    expected = compile_workflow(workflow).to_json()
    texts: list[str] = []
    errors: list[BaseException] = []

    def compile_many() -> None:
        try:
            texts.extend(compile_workflow(workflow).to_json() for _ in range(200))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=compile_many) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns inside each other's walks
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(texts) == 800
    assert set(texts) == {expected}
