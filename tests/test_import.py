"""``import``: ASL -> Python module -> ASL gives the same document back, written idiomatically.

The round trip runs over every definition of the shared corpus (real-world, valid lint
fixtures, executions) and every compiled reference workflow (``generated/``). What the DSL
cannot express is listed, with the reason, in :data:`XFAIL` (one table; strict, so an entry
that starts passing fails).
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from corpus import execution_cases, lint_fixtures, real_world_definitions

from sfs3dsl import BuildError, Workflow
from sfs3dsl.project.load import load_module_workflows
from sfs3dsl.review.importer.convert import import_definition

ROOT = Path(__file__).resolve().parents[1]

_NOT_A_STATE = (
    "not representable: corpus defect, \"QueryLanguage\": \"JSONata\" sits inside States as if "
    "it were a state; the DSL builds only states, so it cannot write a non-state entry there")

#: Definitions that do not round-trip, each with the reason (the model change it needs).
XFAIL: dict[str, str] = {
    "real-world/shared-fallback-state-jsonata__statemachine__statemachine.asl.json":
        _NOT_A_STATE,
}


def _generated_definitions() -> list[tuple[str, dict[str, Any]]]:
    """generated/*/statemachine.asl.json: the reference workflows as compiled and committed."""
    return [(f"generated/{p.parent.name}", json.loads(p.read_text(encoding="utf-8")))
            for p in sorted((ROOT / "generated").glob("*/statemachine.asl.json"))]


def _corpus() -> list[tuple[str, dict[str, Any]]]:
    cases = [(f"real-world/{name}", d) for name, d in real_world_definitions()]
    cases += [(f"lint/{f.file}", f.definition) for f in lint_fixtures() if f.valid]
    cases += [(f"executions/{c['id']}", c["definition"]) for c in execution_cases()]
    return cases + _generated_definitions()


CASES = _corpus()


def _params() -> list[Any]:
    return [pytest.param(d, id=case_id, marks=pytest.mark.xfail(strict=True,
                                                                reason=XFAIL[case_id]))
            if case_id in XFAIL else pytest.param(d, id=case_id) for case_id, d in CASES]


def workflow_of(text: str, variable: str = "flow") -> Workflow:
    """Run a generated module in a fresh namespace and return its workflow."""
    namespace: dict[str, Any] = {}
    exec(compile(text, "<imported>", "exec"), namespace)
    workflow = namespace[variable]
    assert isinstance(workflow, Workflow)
    return workflow


def round_trip(asl: Mapping[str, Any]) -> dict[str, Any]:
    text = import_definition(asl, name="flow")
    return workflow_of(text).compile(validate=False).asl


def same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def code_of(text: str, variable: str) -> str:
    """The expression assigned to ``variable``, however it was wrapped, as an AST dump."""
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == variable:
            return ast.dump(node.value)
    raise AssertionError(f"{variable} is not assigned in\n{text}")


def first_rule(text: str) -> str:
    """The condition of ``pick``'s first rule, as an AST dump."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "pick.when":
            return ast.dump(node.args[0])
    raise AssertionError(f"no pick.when in\n{text}")


def expression(code: str) -> str:
    return ast.dump(ast.parse(code, mode="eval").body)


# -- the round trip --------------------------------------------------------------------------
@pytest.mark.parametrize("asl", _params())
def test_round_trip(asl: dict[str, Any]) -> None:
    assert same(round_trip(asl), asl)


def test_every_corpus_is_covered() -> None:
    kinds = {case_id.split("/", 1)[0] for case_id, _ in CASES}
    assert {"real-world", "lint", "executions", "generated"} <= kinds
    assert len(real_world_definitions()) == 108
    assert set(XFAIL) <= {case_id for case_id, _ in CASES}, "XFAIL names an unknown case"


def test_a_module_file_loads_with_the_loader(tmp_path: Path) -> None:
    asl = dict(real_world_definitions())[
        "explicit-failure-with-parallel-states__statemachine__statemachine.asl.json"]
    path = tmp_path / "imported.py"
    path.write_text(import_definition(asl, name="explicit-failure"), encoding="utf-8")
    (workflow,) = load_module_workflows(path)
    assert workflow.name == "explicit-failure"
    assert same(workflow.compile(validate=False).asl, asl)


def test_output_is_deterministic() -> None:
    for _, asl in CASES[:40]:
        try:
            first = import_definition(asl, name="flow")
        except BuildError:
            continue
        assert import_definition(json.loads(json.dumps(asl)), name="flow") == first


def test_generated_modules_are_ruff_clean(tmp_path: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    for index, (case_id, asl) in enumerate(CASES):
        if case_id not in XFAIL:
            text = import_definition(asl, name="flow")
            (tmp_path / f"m{index:03d}.py").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [ruff, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(tmp_path)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_line_of_ten_thousand_states_imports() -> None:
    states: dict[str, Any] = {}
    for i in range(10_000):
        state: dict[str, Any] = {"Type": "Pass" if i % 2 else "Task"}
        if i % 2 == 0:
            state["Resource"] = "arn:aws:lambda:eu-west-1:123456789012:function:f"
        if i % 500 == 250:
            state = {"Type": "Choice", "Default": f"s{i + 1}", "Choices": [
                {"Variable": "$.n", "NumericEquals": i, "Next": f"s{i + 1}"}]}
        elif i < 9_999:
            state["Next"] = f"s{i + 1}"
        else:
            state["End"] = True
        states[f"s{i}"] = state
    asl = {"StartAt": "s0", "States": states}
    text = import_definition(asl, name="flow")
    assert "Chain.sequence(" in text
    assert same(workflow_of(text).compile(validate=False).asl, asl)


# -- what the code looks like ----------------------------------------------------------------
FLAKY = {
    "Comment": "Retry, then catch",
    "StartAt": "hello",
    "States": {
        "hello": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "${HelloFunctionArn}", "Payload.$": "$"},
                  "OutputPath": "$.Payload", "TimeoutSeconds": 30,
                  "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5,
                             "MaxAttempts": 5, "BackoffRate": 2}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                             "Next": "Failed"}],
                  "Next": "pick"},
        "pick": {"Type": "Choice", "Default": "done", "Choices": [
            {"Variable": "$.n", "NumericEquals": 1, "Next": "one"},
            {"Not": {"Variable": "$.s", "StringEquals": "x"}, "Next": "one"},
            {"And": [{"Variable": "$.n", "NumericGreaterThanPath": "$.max"},
                     {"Variable": "$.flag", "IsPresent": True}], "Next": "wait"}]},
        "one": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.one", "Next": "done"},
        "wait": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "done"},
        "done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "Flaky.GaveUp", "CausePath": "$.error.Cause"},
    },
    "TimeoutSeconds": 60,
}

FLAKY_PY = '''\
"""The course-flaky workflow, imported from Amazon States Language."""

from sfs3dsl import (
    Choice,
    Errors,
    Fail,
    JsonPath,
    Pass,
    Retry,
    Succeed,
    Wait,
    Workflow,
    function_ref,
    lambda_invoke,
)

hello = lambda_invoke(
    "hello",
    function=function_ref("hello"),
    output_path="$.Payload",
    timeout_seconds=30,
    retry=[Retry([Errors.ALL], interval_seconds=5, max_attempts=5, backoff_rate=2)],
)
pick = Choice("pick")
one = Pass("one", result={"a": 1}, result_path="$.one")
wait = Wait("wait", seconds=JsonPath("$.delay"))
done = Succeed("done")
failed = Fail("Failed", error="Flaky.GaveUp", cause=JsonPath("$.error.Cause"))

hello.catch([Errors.ALL], failed, result_path="$.error")
(
    pick.when(JsonPath("$.n") == 1, one)
    .when(JsonPath("$.s") != "x", one)
    .when((JsonPath("$.n").number > JsonPath("$.max")) & JsonPath("$.flag").is_present(), wait)
    .otherwise(done)
)
one >> done
wait >> done

course_flaky = Workflow(
    "course-flaky",
    hello >> pick,
    comment="Retry, then catch",
    timeout_seconds=60,
)
'''


def test_a_whole_module_reads_as_a_person_would_write_it() -> None:
    text = import_definition(FLAKY, name="course-flaky")
    assert text == FLAKY_PY
    assert same(workflow_of(text, "course_flaky").compile(validate=False).asl, FLAKY)


def _line(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A machine running ``states`` in order."""
    out: dict[str, Any] = {}
    for i, (name, state) in enumerate(states):
        out[name] = {**state, **({"Next": states[i + 1][0]} if i + 1 < len(states)
                                 else {} if state["Type"] in ("Succeed", "Fail", "Choice")
                                 else {"End": True})}
    return {"StartAt": states[0][0], "States": out}


def _choice(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "pick", "States": {
        "pick": {"Type": "Choice", "Default": "b",
                 "Choices": [{**r, "Next": "a"} for r in rules]},
        "a": {"Type": "Pass", "End": True}, "b": {"Type": "Pass", "End": True}}}


@pytest.mark.parametrize(("rule", "code"), [
    ({"Variable": "$.s", "StringEquals": "x"}, 'JsonPath("$.s") == "x"'),
    ({"Variable": "$.n", "NumericLessThanEquals": 2.5}, 'JsonPath("$.n") <= 2.5'),
    ({"Variable": "$.b", "BooleanEquals": False}, 'JsonPath("$.b") == False'),
    ({"Variable": "$.t", "TimestampGreaterThan": "2024-01-01T00:00:00Z"},
     'JsonPath("$.t").timestamp > "2024-01-01T00:00:00Z"'),
    ({"Variable": "$.a", "StringLessThanPath": "$.b"}, 'JsonPath("$.a").string < JsonPath("$.b")'),
    ({"Variable": "$.a", "BooleanEqualsPath": "$.b"}, 'JsonPath("$.a").boolean == JsonPath("$.b")'),
    ({"Variable": "$.f", "StringMatches": "*.csv"}, 'JsonPath("$.f").matches("*.csv")'),
    ({"Variable": "$.f", "IsNull": False}, 'JsonPath("$.f").is_null(False)'),
    ({"Variable": "$$.Execution.Id", "IsString": True}, "Context.execution_id.is_string()"),
    ({"Not": {"Variable": "$.f", "IsNull": True}}, '~JsonPath("$.f").is_null()'),
    ({"Not": {"And": [{"Variable": "$.n", "NumericGreaterThan": 1},
                      {"Variable": "$.n", "NumericLessThan": 5}]}},
     '~((JsonPath("$.n") > 1) & (JsonPath("$.n") < 5))'),
    ({"Or": [{"And": [{"Variable": "$.a", "IsPresent": True},
                      {"Variable": "$.b", "IsPresent": True}]},
             {"Variable": "$.c", "IsPresent": True}]},
     '(JsonPath("$.a").is_present() & JsonPath("$.b").is_present()) | '
     'JsonPath("$.c").is_present()'),
    ({"And": [{"And": [{"Variable": "$.a", "IsPresent": True},
                       {"Variable": "$.b", "IsPresent": True}]},
              {"Variable": "$.c", "IsPresent": True}]},
     'And(JsonPath("$.a").is_present() & JsonPath("$.b").is_present(), '
     'JsonPath("$.c").is_present())'),
    ({"Or": [{"Variable": "$.a", "IsPresent": True}]}, 'Or(JsonPath("$.a").is_present())'),
    ({"Variable": "$.n", "NumericEquals": "1"},
     'RawCondition({"Variable": "$.n", "NumericEquals": "1"})'),
    ({"And": [{"Comment": "why", "Variable": "$.a", "IsPresent": True},
              {"Variable": "$.b", "IsPresent": True}]},
     'RawCondition({"Comment": "why", "Variable": "$.a", "IsPresent": True}) & '
     'JsonPath("$.b").is_present()'),
])
def test_choice_rules_use_operators(rule: dict[str, Any], code: str) -> None:
    asl = _choice(rule)
    assert first_rule(import_definition(asl, name="flow")) == expression(code)
    assert same(round_trip(asl), asl)


def test_boolean_comparisons_carry_a_noqa() -> None:
    text = import_definition(_choice({"Variable": "$.b", "BooleanEquals": True}), name="flow")
    assert 'pick.when(JsonPath("$.b") == True, a).otherwise(b)  # noqa: E712' in text


@pytest.mark.parametrize(("condition", "code"), [
    ("{% $states.input.n > 1 %}", '"{% $states.input.n > 1 %}"'),
    ("{%$states.input.n > 1%}", 'RawCondition({"Condition": "{%$states.input.n > 1%}"})'),
])
def test_jsonata_conditions_are_strings(condition: str, code: str) -> None:
    asl = _choice({"Condition": condition})
    asl["QueryLanguage"] = "JSONata"
    assert first_rule(import_definition(asl, name="flow")) == expression(code)
    assert same(round_trip(asl), asl)


@pytest.mark.parametrize(("state", "code"), [
    ({"Type": "Pass", "Parameters": {"id.$": "$.order.id", "token.$": "$$.Task.Token",
                                     "fixed": [1, {"k.$": "$.k"}]}},
     'Pass("s", parameters={"id": JsonPath("$.order.id"), "token": Context.task_token, '
     '"fixed": [1, {"k": JsonPath("$.k")}]})'),
    ({"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hi {}', $.name)"}},
     'Pass("s", parameters={"msg": States.Format("Hi {}", JsonPath("$.name"))})'),
    ({"Type": "Pass", "Parameters": {"m.$": "States.JsonMerge($.a, $.b, false)"}},
     'Pass("s", parameters={"m": States.JsonMerge(JsonPath("$.a"), JsonPath("$.b"))})'),
    # spacing the model would normalise: kept exactly as written
    ({"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hi {}',$.name)"}},
     'Pass("s", parameters={"msg.$": "States.Format(\'Hi {}\',$.name)"})'),
    ({"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.a"}},
     'Pass("s", parameters={"a": 1, "a.$": "$.a"})'),
    ({"Type": "Wait", "TimestampPath": "$.when"},
     'Wait("s", timestamp=JsonPath("$.when"))'),
    ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "f", "Payload": {"x.$": "$.x"}},
      "TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 5},
     'lambda_invoke("s", function="f", payload={"x": JsonPath("$.x")}, '
     'timeout_seconds=JsonPath("$.t"), heartbeat_seconds=5)'),
    ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "f"}},
     'Task("s", resource="arn:aws:states:::lambda:invoke", parameters={"FunctionName": "f"})'),
    ({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": {"StateMachineArn": "arn", "Input.$": "$"}},
     'start_execution("s", state_machine_arn="arn", input=JsonPath("$"), sync=2)'),
    ({"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": "t", "Message.$": "$.m"}},
     'sns_publish("s", topic_arn="t", message=JsonPath("$.m"))'),
    ({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}},
     'sqs_send_message("s", queue_url="q", message_body={"token": Context.task_token}, '
     'wait_for_token=True)'),
    ({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
      "Parameters": {"Bucket": "b", "Key.$": "$.key"}},
     'aws_sdk("s", service="s3", action="getObject", parameters={"Bucket": "b", '
     '"Key": JsonPath("$.key")})'),
    ({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets"},
     'Task("s", resource="arn:aws:states:::aws-sdk:s3:listBuckets")'),
    ({"Type": "Fail", "ErrorPath": "States.Format('E{}', $.code)", "Cause": "c"},
     'Fail("s", error=States.Format("E{}", JsonPath("$.code")), cause="c")'),
    ({"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.a %}",
      "Assign": {"x": "{% 1 + 1 %}", "y": "{%2%}"}},
     'Pass("s", output=Jsonata("$states.input.a"), assign={"x": Jsonata("1 + 1"), '
     '"y": "{%2%}"}, query_language="JSONata")'),
])
def test_values_are_written_as_dsl_values(state: dict[str, Any], code: str) -> None:
    asl = _line(("s", state))
    assert code_of(import_definition(asl, name="flow"), "s") == expression(code)
    assert same(round_trip(asl), asl)


def test_maps_and_parallels_nest() -> None:
    asl = _line(
        ("each", {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED",
                                                        "ExecutionType": "EXPRESS"},
                                    "StartAt": "inner", "States": {
                                        "inner": {"Type": "Pass", "End": True}}},
                  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
                                 "Parameters": {"Bucket": "b", "Prefix": "in/"}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                                   "Parameters": {"Bucket": "b", "Prefix": "out/"}},
                  "ItemBatcher": {"MaxItemsPerBatchPath": "$.n"}}),
        ("old", {"Type": "Map", "Iterator": {"StartAt": "x", "States": {
            "x": {"Type": "Pass", "Next": "y"}, "y": {"Type": "Pass", "End": True}}}}),
        ("both", {"Type": "Parallel", "Branches": [
            {"StartAt": "left", "States": {"left": {"Type": "Succeed"}}},
            {"StartAt": "r", "States": {"r": {"Type": "Pass", "End": True}}}]}),
    )
    text = import_definition(asl, name="flow")
    for fragment in ('item_reader=ItemReader.s3_objects(bucket="b", prefix="in/")',
                     'result_writer=ResultWriter(bucket="b", prefix="out/")',
                     'item_batcher=ItemBatcher(max_items_per_batch=JsonPath("$.n"))',
                     'mode="DISTRIBUTED"', 'execution_type="EXPRESS"',
                     "processor=x >> y", "legacy_iterator=True",
                     'both = Parallel("both", branches=[left, r])', "# each: item processor",
                     "# both: branch 2"):
        assert fragment in text, fragment
    assert same(round_trip(asl), asl)


def test_loops_and_joins_are_wired_after_the_states() -> None:
    asl = {"StartAt": "a", "States": {
        "a": {"Type": "Pass", "Next": "b"},
        "b": {"Type": "Choice", "Choices": [{"Variable": "$.again", "BooleanEquals": True,
                                              "Next": "a"}], "Default": "c"},
        "c": {"Type": "Pass", "Next": "d"}, "d": {"Type": "Pass", "Next": "c"}}}
    text = import_definition(asl, name="flow")
    assert "c >> d >> c\n" in text
    assert same(round_trip(asl), asl)


def test_long_lines_become_chain_sequence() -> None:
    asl = _line(*((f"s{i}", {"Type": "Pass"}) for i in range(5)))
    assert 'Workflow("flow", Chain.sequence(s0, s1, s2, s3, s4))' in import_definition(
        asl, name="flow")
    short = _line(*((f"s{i}", {"Type": "Pass"}) for i in range(4)))
    assert 'Workflow("flow", s0 >> s1 >> s2 >> s3)' in import_definition(short, name="flow")


@pytest.mark.parametrize(("names", "variables"), [
    (["Step A", "step-a", "step_a"], ["step_a", "step_a_2", "step_a_3"]),
    (["l", "L", "a"], ["l_state", "l_state_2", "a"]),
    (["class", "list", "Task", "1st", "lambda_invoke"],
     ["class_state", "list_state", "task", "state_1st", "lambda_invoke_state"]),
    (["HTTPRequest", "café", "???", "flow"], ["http_request", "cafe", "state", "flow_state"]),
])
def test_variables_are_safe_identifiers(names: list[str], variables: list[str]) -> None:
    asl = _line(*((n, {"Type": "Pass"}) for n in names))
    text = import_definition(asl, name="flow")
    for name, variable in zip(names, variables, strict=True):
        assert code_of(text, variable) == expression(f"Pass({name!r})")
    assert same(round_trip(asl), asl)


def test_the_workflow_variable_can_be_chosen() -> None:
    text = import_definition(_line(("a", {"Type": "Pass"})), name="x-y", variable="wf")
    assert 'wf = Workflow("x-y", a)' in text
    with pytest.raises(BuildError, match="not a Python identifier"):
        import_definition(_line(("a", {"Type": "Pass"})), name="x", variable="class")


@pytest.mark.parametrize(("asl", "message"), [
    ({"StartAt": "a", "States": {"a": {"Type": "Pass", "End": True},
                                 "lost": {"Type": "Pass", "End": True}}},
     "state(s) 'lost' cannot be reached from StartAt"),
    ({"StartAt": "a", "States": {"a": {"Type": "Pass", "Next": "nowhere"}}},
     "a transition to 'nowhere', which is not a state"),
    (_line(("a", {"Type": "Pass", "Seconds": 3})),
     "state 'a': the field(s) Seconds on a Pass state cannot be expressed with the DSL"),
    ({"StartAt": "a", "States": {"a": {"Type": "Pass", "End": True}}, "Extra": 1},
     "the top-level field(s) Extra cannot be expressed"),
])
def test_what_the_dsl_cannot_say_is_refused(asl: dict[str, Any], message: str) -> None:
    with pytest.raises(BuildError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_definition(asl, name="flow")
