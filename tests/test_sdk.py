"""``sfs3dsl.sdk``: the Step Functions Data Science SDK (``stepfunctions`` 2.3.0, the real
package) as a partner.

- ``to_sdk`` gives an SDK Workflow whose definition is the compiled ASL, for every reference
  workflow; ``from_sdk`` of it compiles to the same ASL again.
- Graphs built with the SDK's own classes (Retry, Catch, Choice rules, Parallel, Map, Wait,
  Pass, Succeed, Fail, Task, LambdaStep, ExecutionInput and StepInput placeholders) compile,
  after ``from_sdk``, to exactly the SDK's ASL.
- The SDK creates, executes and attaches a machine against ``sfs3dsl serve`` (boto3 pointed at
  it), and ``render_graph()`` gives its HTML.
- Bad input and a missing extra are one line each.

These tests FAIL, never skip, when the SDK is missing (it is in the test extra).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from serve_support import serving, sfn, wait_until

from sfs3dsl import BuildError, Workflow
from sfs3dsl.project.load import load_module_workflows
from sfs3dsl.sdk import from_sdk, load_sdk, to_sdk

load_sdk()  # the SDK below is imported the way sfs3dsl.sdk imports it (quietly)
from stepfunctions.inputs import ExecutionInput, StepInput  # noqa: E402
from stepfunctions.steps import (  # noqa: E402
    Catch,
    Chain,
    Choice,
    ChoiceRule,
    Fail,
    Graph,
    LambdaStep,
    Map,
    Parallel,
    Pass,
    Retry,
    Succeed,
    Task,
    Wait,
)
from stepfunctions.workflow import Workflow as SdkWorkflow  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ROLE = "arn:aws:iam::123456789012:role/sfs3dsl-sdk"
CLIENT = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")

Json = dict[str, Any]


def _reference() -> list[Workflow]:
    found: list[Workflow] = []
    for module in sorted((ROOT / "workflows").glob("[!_]*.py")):
        found.extend(load_module_workflows(module))
    return found


REFERENCE = {w.name: w for w in _reference()}


def _asl(workflow: Workflow) -> Json:
    asl: Json = json.loads(workflow.compile().to_json())
    return asl


def test_every_reference_workflow_is_covered() -> None:
    assert sorted(REFERENCE) == sorted(
        p.parent.name for p in (ROOT / "generated").glob("*/statemachine.asl.json"))


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_to_sdk_definition_is_the_compiled_asl(name: str) -> None:
    workflow = REFERENCE[name]
    sdk = to_sdk(workflow, role=ROLE, client=CLIENT)
    assert isinstance(sdk, SdkWorkflow)
    assert (sdk.name, sdk.role) == (name, ROLE)
    # the same document, in the same key order (json.dumps keeps it)
    assert sdk.definition.to_json() == json.dumps(_asl(workflow))
    assert json.loads(sdk.definition.to_json(pretty=True)) == _asl(workflow)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_round_trip_through_the_sdk_keeps_the_asl(name: str) -> None:
    back = from_sdk(to_sdk(REFERENCE[name], role=ROLE, client=CLIENT))
    assert back.name == name
    assert back.compile().to_json() == REFERENCE[name].compile().to_json()


# -- graphs built with the SDK's classes -------------------------------------------------------

def _lambda_with_retry_and_catch() -> Graph:
    execution = ExecutionInput(schema={"FunctionName": str, "Order": {"id": str}})
    failed = Fail("Failed", error="OrderFailed", cause="the order step failed")
    invoke = LambdaStep("Invoke", parameters={
        "FunctionName": execution["FunctionName"],
        "Payload": {"order": execution["Order"]["id"], "all.$": "$"}}, result_path="$.invoked")
    invoke.add_retry(Retry(error_equals=["Lambda.ServiceException", "Lambda.SdkClientException"],
                           interval_seconds=2, max_attempts=6, backoff_rate=2.0))
    invoke.add_retry(Retry(error_equals=["States.Timeout"], max_attempts=0))
    invoke.add_catch(Catch(error_equals=["States.TaskFailed"], next_step=failed,
                           result_path="$.error"))
    invoke.add_catch(Catch(error_equals=["States.ALL"], next_step=failed))
    return Graph(Chain([invoke, Succeed("Done")]))


def _choice_rules() -> Graph:
    done, other, flagged = Succeed("Done"), Pass("Other"), Fail("Flagged", error="Flagged")
    choice = Choice("Route", comment="every kind of rule")
    choice.add_choice(ChoiceRule.And([ChoiceRule.NumericGreaterThan("$.total", 100),
                                      ChoiceRule.BooleanEquals("$.express", True)]), done)
    choice.add_choice(ChoiceRule.Or([ChoiceRule.StringEquals("$.kind", "digital"),
                                     ChoiceRule.StringMatches("$.file", "*.csv")]), done)
    choice.add_choice(ChoiceRule.Not(ChoiceRule.IsPresent("$.items", True)), flagged)
    choice.add_choice(ChoiceRule.NumericLessThanEqualsPath("$.total", "$.limit"), other)
    choice.add_choice(ChoiceRule.TimestampGreaterThan("$.at", "2026-01-01T00:00:00Z"), other)
    choice.add_choice(ChoiceRule.IsNull("$.gone", True), flagged)
    choice.add_choice(ChoiceRule.StringEquals(StepInput()["order"]["kind"], "physical"), other)
    choice.default_choice(other)
    other.next(done)
    return Graph(choice)


def _parallel() -> Graph:
    execution = ExecutionInput()
    both = Parallel("Both", result_path="$.both", output_path="$.both")
    both.add_branch(Pass("Left", result={"side": "left"}))
    both.add_branch(Chain([Pass("Right", parameters={"id": execution["Order"]["id"]}),
                           Wait("RightWait", timestamp_path="$.when")]))
    both.add_retry(Retry(error_equals=["States.ALL"], max_attempts=1))
    both.add_catch(Catch(error_equals=["States.ALL"], next_step=Fail("Broken")))
    return Graph(Chain([both, Succeed("Done")]))


def _map() -> Graph:
    execution = ExecutionInput()
    each = Map("EachItem", items_path="$.items", max_concurrency=2, result_path="$.mapped",
               parameters={"item.$": "$$.Map.Item.Value", "order": execution["Order"]["id"]},
               iterator=Chain([Pass("Item", result_path="$.seen"), Wait("Breathe", seconds=1)]))
    each.add_retry(Retry(error_equals=["States.ALL"], interval_seconds=1, max_attempts=2))
    return Graph(Chain([each, Succeed("Done")]))


def _waits_and_passes() -> Graph:
    return Graph(Chain([
        Pass("Start", result={"n": 1}, result_path="$.start", input_path="$.in",
             output_path="$"),
        Wait("Seconds", seconds=5, comment="five"),
        Wait("SecondsPath", seconds_path="$.delay"),
        Wait("Timestamp", timestamp="2026-01-01T00:00:00Z"),
        Wait("TimestampPath", timestamp_path="$.until"),
        Pass("Discard", result_path=None),
        Succeed("Done", output_path="$.start")]))


def _task_and_step_input() -> Graph:
    execution = ExecutionInput()
    first = Task("Get", resource="arn:aws:states:::dynamodb:getItem", parameters={
        "TableName": execution["Table"], "Key": {"id": {"S.$": "$.id"}}},
        timeout_seconds=30, heartbeat_seconds=10)
    ship = Task("Ship", resource="arn:aws:states:::sqs:sendMessage", parameters={
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/ship",
        "MessageBody": first.output()["Item"]["body"]}, timeout_seconds_path="$.timeout",
        heartbeat_seconds_path="$.beat")
    return Graph(Chain([first, ship]))


def _everything() -> Graph:
    execution = ExecutionInput()
    done, failed = Succeed("Done"), Fail("Failed", error="E", cause="c")
    invoke = LambdaStep("Invoke", parameters={"FunctionName": "arn:aws:lambda:us-east-1:"
                                              "123456789012:function:f",
                                              "Payload": {"order": execution["Order"]}})
    invoke.add_catch(Catch(error_equals=["States.ALL"], next_step=failed, result_path="$.e"))
    each = Map("Each", items_path="$.items", iterator=Pass("One"))
    choice = Choice("Route")
    choice.add_choice(ChoiceRule.NumericEquals("$.n", 1), done)
    choice.default_choice(each)
    each.next(done)
    return Graph(Chain([Pass("Start"), Wait("Pause", seconds=1), invoke, choice]))


GRAPHS: dict[str, Callable[[], Graph]] = {
    "lambda-retry-catch": _lambda_with_retry_and_catch, "choice-rules": _choice_rules,
    "parallel": _parallel, "map": _map, "waits-and-passes": _waits_and_passes,
    "task-and-step-input": _task_and_step_input, "everything": _everything}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_sdk_graph_compiles_to_the_sdk_asl(name: str) -> None:
    graph = GRAPHS[name]()
    workflow = from_sdk(graph, name=name)
    assert isinstance(workflow, Workflow) and workflow.name == name
    assert workflow.where.startswith(f"<from_sdk {name}>:")
    assert _asl(workflow) == json.loads(graph.to_json())


def test_sdk_graphs_use_every_state_type_and_block() -> None:
    texts = [GRAPHS[name]().to_json() for name in GRAPHS]
    for needle in ('"Type": "Pass"', '"Type": "Succeed"', '"Type": "Fail"', '"Type": "Wait"',
                   '"Type": "Choice"', '"Type": "Parallel"', '"Type": "Map"', '"Type": "Task"',
                   '"Retry"', '"Catch"', '"And"', '"Or"', '"Not"', "$$.Execution.Input[",
                   "arn:aws:states:::lambda:invoke"):
        assert any(needle in text for text in texts), needle


def test_placeholders_become_paths() -> None:
    workflow = from_sdk(GRAPHS["lambda-retry-catch"](), name="placeholders")
    assert _asl(workflow)["States"]["Invoke"]["Parameters"] == {
        "FunctionName.$": "$$.Execution.Input['FunctionName']",
        "Payload": {"order.$": "$$.Execution.Input['Order']['id']", "all.$": "$"}}
    ship = _asl(from_sdk(GRAPHS["task-and-step-input"](), name="step-input"))["States"]["Ship"]
    assert ship["Parameters"]["MessageBody.$"] == "$['Item']['body']"
    route = _asl(from_sdk(GRAPHS["choice-rules"](), name="rules"))["States"]["Route"]
    assert route["Choices"][-1] == {"Variable": "$['order']['kind']",
                                    "StringEquals": "physical", "Next": "Other"}


def test_from_sdk_names_the_workflow_after_the_sdk_workflow() -> None:
    sdk = SdkWorkflow("OrderFlow", _parallel(), ROLE, client=CLIENT,
                      execution_input=ExecutionInput(schema={"Order": {"id": str}}))
    workflow = from_sdk(sdk)
    assert workflow.name == "OrderFlow"
    assert _asl(workflow) == json.loads(sdk.definition.to_json())
    assert from_sdk(sdk, name="renamed").name == "renamed"


def test_a_state_or_chain_is_taken_as_its_graph() -> None:
    alone = Pass("Alone", result=1)
    assert _asl(from_sdk(alone, name="alone")) == {
        "StartAt": "Alone", "States": {"Alone": {"Type": "Pass", "Result": 1, "End": True}}}
    chain = Chain([Pass("A"), Succeed("B")])
    assert _asl(from_sdk(chain, name="chain")) == json.loads(Graph(chain).to_json())


# -- what SDK users do with it -----------------------------------------------------------------

@pytest.fixture(scope="module")
def served_client() -> Iterator[Any]:
    for served in serving():
        yield sfn(served.url)


def test_sdk_creates_executes_and_attaches_on_serve(served_client: Any) -> None:
    execution_input = ExecutionInput(schema={"Order": {"id": str}, "Table": str})
    flow = Chain([Pass("Pick", parameters={"order": execution_input["Order"]["id"],
                                           "table": execution_input["Table"]}),
                  Pass("Tag", result="tagged", result_path="$.tag")])
    workflow = from_sdk(Graph(flow), name="sdk-flow")
    sdk = to_sdk(workflow, role=ROLE, client=served_client, execution_input=execution_input)
    arn = sdk.create()
    assert arn == "arn:aws:states:us-east-1:123456789012:stateMachine:sdk-flow"
    described = served_client.describe_state_machine(stateMachineArn=arn)
    assert json.loads(described["definition"]) == _asl(workflow)
    execution = sdk.execute(inputs={"Order": {"id": "o-1"}, "Table": "orders"})
    wait_until(lambda: execution.describe()["status"] != "RUNNING")
    assert execution.describe()["status"] == "SUCCEEDED"
    assert execution.get_output() == {"order": "o-1", "table": "orders", "tag": "tagged"}
    assert [e["type"] for e in execution.list_events()][-1] == "ExecutionSucceeded"
    with pytest.raises(ValueError, match="Expected run input with the schema"):
        sdk.execute(inputs={"Order": {"id": 1}})  # the SDK checks its schema first
    attached = SdkWorkflow.attach(arn, client=served_client)
    assert from_sdk(attached).compile().to_json() == workflow.compile().to_json()


def test_render_graph_draws_the_compiled_asl() -> None:
    sdk = to_sdk(REFERENCE["course-choice"], role=ROLE, client=CLIENT)
    html = sdk.render_graph(portrait=True).data
    assert f"var definition = {json.dumps(_asl(REFERENCE['course-choice']))};" in html
    assert "layout: 'TB'" in html


def test_substitutions_fill_placeholders() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:step-a"
    sdk = to_sdk(REFERENCE["process-a"], role=ROLE, client=CLIENT,
                 substitutions={"StepAFunctionArn": arn})
    text = sdk.definition.to_json()
    assert arn in text and "${StepAFunctionArn}" not in text and "${StepBFunctionArn}" in text
    assert json.loads(text) == json.loads(json.dumps(_asl(REFERENCE["process-a"])).replace(
        "${StepAFunctionArn}", arn))


# -- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "message"), [
    ({"StartAt": "a"}, "from_sdk takes a Step Functions Data Science SDK Workflow, Graph, State "
     "or Chain, not a dict; fix: for an ASL document, `sfs3dsl import FILE` writes its Python "
     "module"),
    (42, "from_sdk takes a Step Functions Data Science SDK Workflow, Graph, State or Chain, not "
     "an int; fix: pass a stepfunctions.workflow.Workflow, or a Graph, State or Chain with "
     "name="),
])
def test_from_sdk_refuses_what_is_not_the_sdks(given: Any, message: str) -> None:
    with pytest.raises(BuildError) as caught:
        from_sdk(given)
    assert str(caught.value) == message


def test_a_graph_needs_a_name() -> None:
    with pytest.raises(BuildError) as caught:
        from_sdk(_map())
    assert str(caught.value) == ('an SDK Graph has no name to give the workflow; fix: pass one: '
                                 'from_sdk(graph, name="my-flow")')


def test_a_placeholder_the_sdk_does_not_render_is_named() -> None:
    graph = Graph(Pass("Keep", result={"order": ExecutionInput()["Order"]}))
    with pytest.raises(BuildError) as caught:
        from_sdk(graph, name="unrendered")
    assert str(caught.value) == (
        "States.Keep.Result.order: the SDK left an ExecutionInput here, which is not JSON (the "
        "SDK turns placeholders into paths only inside Parameters); fix: move the placeholder "
        "into the state's parameters, or write its path as a string")


def test_what_the_sdk_cannot_render_is_one_line() -> None:
    with pytest.raises(BuildError) as caught:
        from_sdk(Map("NoIterator", items_path="$.items"), name="broken")
    assert str(caught.value) == (
        "the SDK cannot render 'broken' as ASL: Expected branch to be a State or a Chain, but "
        "got `None`; fix: fix the SDK definition so that graph.to_json() works")


def test_to_sdk_refuses_what_is_not_a_workflow() -> None:
    with pytest.raises(BuildError) as caught:
        to_sdk(_map(), role=ROLE, client=CLIENT)
    assert str(caught.value) == ("to_sdk takes an sfs3dsl Workflow, not a Graph; fix: pass "
                                 "Workflow(name, definition), or from_sdk(...) for an SDK object")


def test_to_sdk_of_a_path_says_to_load_the_workflow() -> None:
    with pytest.raises(BuildError) as caught:
        to_sdk("workflows/claim.py", role=ROLE, client=CLIENT)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "to_sdk takes an sfs3dsl Workflow, not the path 'workflows/claim.py'; fix: load the "
        "module's workflow first: to_sdk(sfs3dsl.load_workflow(path, name), role=...)")


def test_from_sdk_of_an_sfs3dsl_workflow_says_it_already_is_one() -> None:
    with pytest.raises(BuildError) as caught:
        from_sdk(REFERENCE["process-a"])
    assert str(caught.value) == (
        "from_sdk takes a Step Functions Data Science SDK object, and 'process-a' is already an "
        "sfs3dsl Workflow; fix: use it as it is; to_sdk(workflow, role=...) makes an SDK "
        "Workflow of it")


def test_an_unknown_substitution_is_named() -> None:
    workflow = REFERENCE["course-choice"]
    with pytest.raises(BuildError) as caught:
        to_sdk(workflow, role=ROLE, client=CLIENT, substitutions={"Nope": "x"})
    assert str(caught.value) == (
        f"{workflow.where}: substitutions name ${{Nope}}, which the ASL does not hold (it holds "
        "none); fix: give values only for placeholders of the compiled ASL")


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, check=False, timeout=120, cwd=ROOT,
                          env={**os.environ, **env})


def test_no_region_is_one_line() -> None:
    code = ("from sfs3dsl import Pass, Workflow\nfrom sfs3dsl.sdk import to_sdk\n"
            "try:\n    to_sdk(Workflow('w', Pass('a')), role='r')\n"
            "except Exception as exc:\n    print(type(exc).__name__, exc)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, check=False, timeout=120, cwd=ROOT,
                          env={**env, "AWS_CONFIG_FILE": os.devnull})
    assert (done.stdout, done.stderr) == (
        "BuildError <string>:4: to_sdk: no AWS region is configured for the SDK's Step "
        "Functions client; fix: set AWS_DEFAULT_REGION, or pass client=boto3.client("
        "\"stepfunctions\", region_name=\"us-east-1\")\n", "")


def test_without_the_extra_the_error_names_it() -> None:
    code = ("import sys\nsys.modules['stepfunctions'] = None\nimport sfs3dsl.sdk\n"
            "try:\n    sfs3dsl.sdk.from_sdk(None)\n"
            "except sfs3dsl.Sfs3dslError as exc:\n    print(type(exc).__name__, exc)\n")
    done = _python(code)
    assert (done.stdout, done.stderr) == (
        "MissingDependencyError sfs3dsl.sdk needs the Step Functions Data Science SDK "
        "(stepfunctions is not installed); fix: pip install 'sfs3dsl[sdk]'\n", "")


def test_the_stripped_copy_is_named(tmp_path: Path) -> None:
    # stepfunctions-asl installs the same package folder without its workflow module
    (tmp_path / "stepfunctions" / "steps").mkdir(parents=True)
    (tmp_path / "stepfunctions" / "__init__.py").write_text("")
    (tmp_path / "stepfunctions" / "steps" / "__init__.py").write_text("")
    code = ("import sfs3dsl.sdk\ntry:\n    sfs3dsl.sdk.to_sdk(None, role='r')\n"
            "except sfs3dsl.Sfs3dslError as exc:\n    print(exc)\n")
    done = _python(code, PYTHONPATH=str(tmp_path))
    assert (done.stdout, done.stderr) == (
        "sfs3dsl.sdk needs the Step Functions Data Science SDK with its workflow module (the "
        "installed stepfunctions has none: stepfunctions-asl?); fix: pip uninstall "
        "stepfunctions-asl && pip install 'sfs3dsl[sdk]'\n", "")


def test_importing_the_sdk_leaves_the_program_as_it_was() -> None:
    code = ("import logging, sys\nhook = sys.excepthook\n"
            "from sfs3dsl.sdk import load_sdk\nload_sdk()\n"
            "print(logging.getLogger().level, sys.excepthook is hook)\n")
    done = _python(code)
    # no sagemaker v2 warning, no "sagemaker.config INFO" lines, the root level still WARNING
    assert (done.stdout, done.stderr) == ("30 True\n", "")


def test_import_sfs3dsl_never_loads_the_sdk() -> None:
    code = ("import sys, sfs3dsl, sfs3dsl.sdk, sfs3dsl.cli\nsfs3dsl.Workflow\n"
            "print(sorted(m for m in ('stepfunctions', 'sagemaker') if m in sys.modules))\n")
    done = _python(code)
    assert (done.stdout, done.stderr) == ("[]\n", "")
