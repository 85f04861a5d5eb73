"""Every state type and field of the DSL, compiled and compared as whole ASL dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from sfs3dsl import (
    Catch,
    Chain,
    Chainable,
    Choice,
    Context,
    Fail,
    ItemBatcher,
    ItemReader,
    Jsonata,
    JsonPath,
    Map,
    Parallel,
    Pass,
    ResultWriter,
    Retry,
    States,
    Succeed,
    Task,
    ValidationError,
    Wait,
    Workflow,
    aws_sdk,
    lambda_function,
    lambda_invoke,
    sns_publish,
    sqs_send_message,
    start_execution,
)

FN = "arn:aws:lambda:us-east-1:123456789012:function:hello"


def asl_of(chain: Chainable, **options: Any) -> dict[str, Any]:
    return Workflow("w", chain, **options).compile().asl


def only_state(chain: Chainable, **options: Any) -> dict[str, Any]:
    """The ASL of a one-state workflow, checking StartAt on the way."""
    asl = asl_of(chain, **options)
    states = asl["States"]
    assert list(states) == [asl["StartAt"]]
    result: dict[str, Any] = states[asl["StartAt"]]
    return result


# -- single states: (id, builder, the whole rendered state) ------------------------------

SINGLE: list[tuple[str, Callable[[], Chainable], dict[str, Any]]] = [
    ("pass-bare", lambda: Pass("p"), {"Type": "Pass", "End": True}),
    ("pass-all-jsonpath", lambda: Pass(
        "p", comment="c", input_path="$.in", parameters={"a": JsonPath("$.x"), "b": [1, "2"]},
        result_path="$.r", output_path="$.o", assign={"v": JsonPath("$.x"), "w": 1}),
     {"Type": "Pass", "Comment": "c", "InputPath": "$.in",
      "Parameters": {"a.$": "$.x", "b": [1, "2"]}, "ResultPath": "$.r", "OutputPath": "$.o",
      "Assign": {"v.$": "$.x", "w": 1}, "End": True}),
    ("pass-result", lambda: Pass("p", result={"k": [1, None, True]}, result_path=None),
     {"Type": "Pass", "Result": {"k": [1, None, True]}, "ResultPath": None, "End": True}),
    ("pass-jsonata", lambda: Pass("p", query_language="JSONata",
                                  output={"a": Jsonata("$states.input.a"), "b": 2},
                                  assign={"v": "{% $states.input %}"}),
     {"Type": "Pass", "QueryLanguage": "JSONata",
      "Output": {"a": "{% $states.input.a %}", "b": 2},
      "Assign": {"v": "{% $states.input %}"}, "End": True}),
    ("pass-path-objects", lambda: Pass("p", input_path=JsonPath("$.a")["b c"][0],
                                       output_path=JsonPath("$.x")["y"]),
     {"Type": "Pass", "InputPath": "$.a['b c'][0]", "OutputPath": "$.x.y", "End": True}),
    ("wait-seconds", lambda: Wait("w", seconds=0), {"Type": "Wait", "Seconds": 0, "End": True}),
    ("wait-seconds-max", lambda: Wait("w", seconds=99_999_999),
     {"Type": "Wait", "Seconds": 99_999_999, "End": True}),
    ("wait-timestamp-str", lambda: Wait("w", timestamp="2024-01-02T03:04:05Z"),
     {"Type": "Wait", "Timestamp": "2024-01-02T03:04:05Z", "End": True}),
    ("wait-timestamp-datetime", lambda: Wait(
        "w", timestamp=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
     {"Type": "Wait", "Timestamp": "2024-01-02T03:04:05Z", "End": True}),
    ("wait-timestamp-offset", lambda: Wait(
        "w", timestamp=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
     {"Type": "Wait", "Timestamp": "2024-01-02T03:04:05+02:00", "End": True}),
    ("wait-seconds-path", lambda: Wait("w", seconds=JsonPath("$.delay"), input_path="$.i",
                                       output_path="$.o", comment="c"),
     {"Type": "Wait", "Comment": "c", "SecondsPath": "$.delay", "InputPath": "$.i",
      "OutputPath": "$.o", "End": True}),
    ("wait-timestamp-path", lambda: Wait("w", timestamp=JsonPath("$.when")),
     {"Type": "Wait", "TimestampPath": "$.when", "End": True}),
    ("wait-jsonata", lambda: Wait("w", seconds=Jsonata("$states.input.n"),
                                  query_language="JSONata", output="{% $states.input %}"),
     {"Type": "Wait", "QueryLanguage": "JSONata", "Seconds": "{% $states.input.n %}",
      "Output": "{% $states.input %}", "End": True}),
    ("wait-jsonata-timestamp", lambda: Wait("w", timestamp="{% $states.input.t %}",
                                            query_language="JSONata"),
     {"Type": "Wait", "QueryLanguage": "JSONata", "Timestamp": "{% $states.input.t %}",
      "End": True}),
    ("succeed", lambda: Succeed("s", comment="ok", input_path="$.a", output_path="$.b"),
     {"Type": "Succeed", "Comment": "ok", "InputPath": "$.a", "OutputPath": "$.b"}),
    ("succeed-jsonata", lambda: Succeed("s", output={"x": "{% 1 %}"}, query_language="JSONata"),
     {"Type": "Succeed", "QueryLanguage": "JSONata", "Output": {"x": "{% 1 %}"}}),
    ("fail-bare", lambda: Fail("f"), {"Type": "Fail"}),
    ("fail-static", lambda: Fail("f", error="Flaky.Failed", cause="it broke", comment="c"),
     {"Type": "Fail", "Comment": "c", "Error": "Flaky.Failed", "Cause": "it broke"}),
    ("fail-paths", lambda: Fail("f", error=JsonPath("$.Error"), cause=JsonPath("$.Cause")),
     {"Type": "Fail", "ErrorPath": "$.Error", "CausePath": "$.Cause"}),
    ("fail-intrinsic", lambda: Fail("f", error=States.Format("E-{}", JsonPath("$.code")),
                                    cause=States.JsonToString(JsonPath("$.detail"))),
     {"Type": "Fail", "ErrorPath": "States.Format('E-{}', $.code)",
      "CausePath": "States.JsonToString($.detail)"}),
    ("fail-jsonata", lambda: Fail("f", error=Jsonata("$states.input.e"), cause="{% 'c' %}",
                                  query_language="JSONata"),
     {"Type": "Fail", "QueryLanguage": "JSONata", "Error": "{% $states.input.e %}",
      "Cause": "{% 'c' %}"}),
    ("task-all-jsonpath", lambda: Task(
        "t", resource=FN, comment="c", input_path="$.in", parameters={"x.$": "$.y", "z": 1},
        result_selector={"r": JsonPath("$.Payload")}, result_path="$.res", output_path="$.o",
        assign={"last": JsonPath("$.res")}, timeout_seconds=60, heartbeat_seconds=10,
        credentials={"RoleArn": "arn:aws:iam::123456789012:role/r"}),
     {"Type": "Task", "Comment": "c", "Resource": FN,
      "Credentials": {"RoleArn": "arn:aws:iam::123456789012:role/r"}, "InputPath": "$.in",
      "Parameters": {"x.$": "$.y", "z": 1}, "ResultSelector": {"r.$": "$.Payload"},
      "ResultPath": "$.res", "OutputPath": "$.o", "Assign": {"last.$": "$.res"},
      "TimeoutSeconds": 60, "HeartbeatSeconds": 10, "End": True}),
    ("task-timeout-paths", lambda: Task("t", resource=FN, timeout_seconds=JsonPath("$.t"),
                                        heartbeat_seconds=JsonPath("$.h")),
     {"Type": "Task", "Resource": FN, "TimeoutSecondsPath": "$.t",
      "HeartbeatSecondsPath": "$.h", "End": True}),
    ("task-jsonata", lambda: Task(
        "t", resource="arn:aws:states:::lambda:invoke", query_language="JSONata",
        arguments={"FunctionName": FN, "Payload": "{% $states.input %}"},
        output="{% $states.result.Payload %}", assign={"x": "{% $states.result %}"},
        timeout_seconds=Jsonata("$states.input.t"), heartbeat_seconds="{% 5 %}"),
     {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"FunctionName": FN, "Payload": "{% $states.input %}"},
      "Output": "{% $states.result.Payload %}", "Assign": {"x": "{% $states.result %}"},
      "TimeoutSeconds": "{% $states.input.t %}", "HeartbeatSeconds": "{% 5 %}", "End": True}),
    ("task-jsonata-whole-arguments", lambda: Task(
        "t", resource=FN, query_language="JSONata", arguments=Jsonata("$states.input")),
     {"Type": "Task", "QueryLanguage": "JSONata", "Resource": FN,
      "Arguments": "{% $states.input %}", "End": True}),
]


@pytest.mark.parametrize(("build", "expected"), [(b, e) for _, b, e in SINGLE],
                         ids=[i for i, _, _ in SINGLE])
def test_single_state(build: Callable[[], Chainable], expected: dict[str, Any]) -> None:
    assert only_state(build()) == expected


def test_workflow_top_level_fields() -> None:
    asl = asl_of(Pass("a"), comment="hello", timeout_seconds=300, version="1.0",
                 query_language="JSONata")
    assert asl == {"Comment": "hello", "QueryLanguage": "JSONata", "StartAt": "a",
                   "States": {"a": {"Type": "Pass", "End": True}},
                   "TimeoutSeconds": 300, "Version": "1.0"}
    assert list(asl) == ["Comment", "QueryLanguage", "StartAt", "States", "TimeoutSeconds",
                         "Version"]


def test_machine_query_language_jsonata_renders_expressions_without_suffixes() -> None:
    flow = (Pass("a", output={"n": Jsonata("$states.input.n")}, assign={"v": 1})
            >> Wait("b", seconds=Jsonata("$n"))
            >> Succeed("c", output=Jsonata("$v")))
    assert asl_of(flow, query_language="JSONata") == {
        "QueryLanguage": "JSONata", "StartAt": "a", "States": {
            "a": {"Type": "Pass", "Output": {"n": "{% $states.input.n %}"},
                  "Assign": {"v": 1}, "Next": "b"},
            "b": {"Type": "Wait", "Seconds": "{% $n %}", "Next": "c"},
            "c": {"Type": "Succeed", "Output": "{% $v %}"},
        }}


def test_state_query_language_overrides_the_machine() -> None:
    flow = (Pass("jp", parameters={"x": JsonPath("$.x")})
            >> Pass("ja", output={"x": "{% $states.input.x %}"}, query_language="JSONata"))
    assert asl_of(flow, query_language="JSONPath") == {
        "QueryLanguage": "JSONPath", "StartAt": "jp", "States": {
            "jp": {"Type": "Pass", "Parameters": {"x.$": "$.x"}, "Next": "ja"},
            "ja": {"Type": "Pass", "QueryLanguage": "JSONata",
                   "Output": {"x": "{% $states.input.x %}"}, "End": True},
        }}


def test_jsonpath_state_in_a_jsonata_machine_is_refused_at_compile() -> None:
    flow = Pass("jp", query_language="JSONPath") >> Pass("ja")
    with pytest.raises(ValidationError) as info:
        Workflow("w", flow, query_language="JSONata").compile()
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("query-language-downgrade", "States.jp.QueryLanguage")]


# -- Retry and Catch ------------------------------------------------------------------------

def test_retry_every_field_and_catch_with_result_path() -> None:
    handler = Pass("handle")
    task = Task("t", resource=FN, retry=[
        Retry(["States.Timeout", "Custom.Error"], interval_seconds=2, max_attempts=5,
              backoff_rate=1.5, max_delay_seconds=30, jitter_strategy="FULL", comment="slow"),
        Retry("States.ALL", max_attempts=0),
    ], catch=[Catch(["States.TaskFailed"], handler, result_path="$.error", comment="c1"),
              Catch("States.ALL", Fail("boom"), result_path=None)])
    assert asl_of(task)["States"] == {
        "t": {"Type": "Task", "Resource": FN, "Retry": [
            {"ErrorEquals": ["States.Timeout", "Custom.Error"], "IntervalSeconds": 2,
             "MaxAttempts": 5, "BackoffRate": 1.5, "MaxDelaySeconds": 30,
             "JitterStrategy": "FULL", "Comment": "slow"},
            {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0},
        ], "Catch": [
            {"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "handle",
             "Comment": "c1"},
            {"ErrorEquals": ["States.ALL"], "ResultPath": None, "Next": "boom"},
        ], "End": True},
        "handle": {"Type": "Pass", "End": True},
        "boom": {"Type": "Fail"},
    }


def test_retry_and_catch_methods_chain_and_return_the_state() -> None:
    task = Task("t", resource=FN)
    returned = task.retry(["States.TaskFailed"], interval_seconds=1).retry(
        jitter_strategy="NONE").catch("States.ALL", Succeed("done"))
    assert returned is task
    assert asl_of(task)["States"]["t"] == {
        "Type": "Task", "Resource": FN,
        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1},
                  {"ErrorEquals": ["States.ALL"], "JitterStrategy": "NONE"}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "done"}], "End": True}


def test_catch_output_and_assign_in_jsonata() -> None:
    task = Task("t", resource=FN, query_language="JSONata")
    task.catch(["States.ALL"], Fail("f", query_language="JSONata"),
               output={"e": "{% $states.errorOutput %}"},
               assign={"err": Jsonata("$states.errorOutput.Error")})
    assert asl_of(task)["States"]["t"] == {
        "Type": "Task", "QueryLanguage": "JSONata", "Resource": FN,
        "Catch": [{"ErrorEquals": ["States.ALL"], "Output": {"e": "{% $states.errorOutput %}"},
                   "Assign": {"err": "{% $states.errorOutput.Error %}"}, "Next": "f"}],
        "End": True}


def test_catch_handler_chain_continues() -> None:
    task = Task("t", resource=FN).catch("States.ALL", Pass("log") >> Fail("f"))
    assert asl_of(task >> Succeed("ok"))["States"] == {
        "t": {"Type": "Task", "Resource": FN,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "log"}], "Next": "ok"},
        "log": {"Type": "Pass", "Next": "f"},
        "f": {"Type": "Fail"},
        "ok": {"Type": "Succeed"},
    }


# -- Parallel and Map -----------------------------------------------------------------------

def test_parallel_with_branches_retry_catch() -> None:
    par = Parallel("both", branches=[Pass("left"), Pass("right") >> Succeed("r-done")],
                   result_selector={"l": JsonPath("$[0]")}, result_path="$.both",
                   parameters={"x": JsonPath("$.x")}, comment="c")
    par.branch(Wait("third", seconds=1))
    par.retry(max_attempts=2).catch("States.ALL", Pass("recover"))
    assert asl_of(par)["States"] == {
        "both": {"Type": "Parallel", "Comment": "c", "Branches": [
            {"StartAt": "left", "States": {"left": {"Type": "Pass", "End": True}}},
            {"StartAt": "right", "States": {"right": {"Type": "Pass", "Next": "r-done"},
                                            "r-done": {"Type": "Succeed"}}},
            {"StartAt": "third", "States": {"third": {"Type": "Wait", "Seconds": 1,
                                                      "End": True}}},
        ], "Parameters": {"x.$": "$.x"}, "ResultSelector": {"l.$": "$[0]"},
            "ResultPath": "$.both", "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "recover"}], "End": True},
        "recover": {"Type": "Pass", "End": True},
    }


def test_parallel_jsonata_arguments_and_output() -> None:
    par = Parallel("p", branches=[Pass("a")], arguments={"x": "{% $states.input.x %}"},
                   output="{% $states.result %}", query_language="JSONata")
    assert asl_of(par)["States"]["p"] == {
        "Type": "Parallel", "QueryLanguage": "JSONata",
        "Branches": [{"StartAt": "a", "States": {"a": {"Type": "Pass", "End": True}}}],
        "Arguments": {"x": "{% $states.input.x %}"}, "Output": "{% $states.result %}",
        "End": True}


def test_inline_map() -> None:
    m = Map("each", processor=Pass("one") >> Pass("two"), items_path="$.items",
            item_selector={"v": Context.map_item_value, "i": Context.map_item_index, "k": "x"},
            max_concurrency=3, result_path="$.out", result_selector={"n": JsonPath("$[0]")})
    assert asl_of(m)["States"] == {"each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 3,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "k": "x"},
        "ItemProcessor": {"StartAt": "one", "States": {
            "one": {"Type": "Pass", "Next": "two"}, "two": {"Type": "Pass", "End": True}}},
        "ResultSelector": {"n.$": "$[0]"}, "ResultPath": "$.out", "End": True}}


def test_inline_map_explicit_mode_and_concurrency_path() -> None:
    m = Map("each", processor=Pass("one"), mode="INLINE", max_concurrency=JsonPath("$.n"))
    assert only_state(m) == {
        "Type": "Map", "MaxConcurrencyPath": "$.n",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "one",
                          "States": {"one": {"Type": "Pass", "End": True}}},
        "End": True}


def test_map_jsonata_items_and_expressions() -> None:
    m = Map("m", processor=Pass("one"), items=Jsonata("$states.input.xs"),
            max_concurrency=Jsonata("3"),
            item_selector={"v": "{% $states.context.Map.Item.Value %}"})
    assert asl_of(m, query_language="JSONata")["States"]["m"] == {
        "Type": "Map", "Items": "{% $states.input.xs %}", "MaxConcurrency": "{% 3 %}",
        "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}"},
        "ItemProcessor": {"StartAt": "one", "States": {"one": {"Type": "Pass", "End": True}}},
        "End": True}


def test_distributed_map_every_field() -> None:
    m = Map("big", processor=Pass("one"), mode="DISTRIBUTED", execution_type="EXPRESS",
            item_reader=ItemReader.s3_file(bucket="in", key="items.csv", input_type="CSV",
                                           csv_header_location="FIRST_ROW", max_items=10),
            item_batcher=ItemBatcher(max_items_per_batch=10, max_input_bytes_per_batch=1024,
                                     batch_input={"run": JsonPath("$$.Execution.Id")}),
            result_writer=ResultWriter(bucket="out", prefix="results/"),
            tolerated_failure_percentage=5, tolerated_failure_count=2, label="Big",
            max_concurrency=100)
    assert only_state(m) == {
        "Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW",
                                        "MaxItems": 10},
                       "Parameters": {"Bucket": "in", "Key": "items.csv"}},
        "MaxConcurrency": 100,
        "ItemBatcher": {"MaxItemsPerBatch": 10, "MaxInputBytesPerBatch": 1024,
                        "BatchInput": {"run.$": "$$.Execution.Id"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                          "StartAt": "one", "States": {"one": {"Type": "Pass", "End": True}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                         "Parameters": {"Bucket": "out", "Prefix": "results/"}},
        "ToleratedFailurePercentage": 5, "ToleratedFailureCount": 2, "Label": "Big",
        "End": True}


def test_distributed_map_path_forms() -> None:
    m = Map("big", processor=Pass("one"), mode="DISTRIBUTED", execution_type="STANDARD",
            item_reader=ItemReader.s3_objects(bucket=JsonPath("$.bucket"), prefix="in/"),
            item_batcher=ItemBatcher(max_items_per_batch=JsonPath("$.batch")),
            tolerated_failure_percentage=JsonPath("$.pct"),
            tolerated_failure_count=JsonPath("$.count"))
    assert only_state(m) == {
        "Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
                       "Parameters": {"Bucket.$": "$.bucket", "Prefix": "in/"}},
        "ItemBatcher": {"MaxItemsPerBatchPath": "$.batch"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "one", "States": {"one": {"Type": "Pass", "End": True}}},
        "ToleratedFailurePercentagePath": "$.pct", "ToleratedFailureCountPath": "$.count",
        "End": True}


def test_legacy_iterator_with_parameters() -> None:
    m = Map("m", processor=Pass("one"), legacy_iterator=True,
            parameters={"v": Context.map_item_value})
    assert only_state(m) == {
        "Type": "Map",
        "Iterator": {"StartAt": "one", "States": {"one": {"Type": "Pass", "End": True}}},
        "Parameters": {"v.$": "$$.Map.Item.Value"}, "End": True}


# -- Choice -----------------------------------------------------------------------------------

def test_choice_rules_default_and_afterwards() -> None:
    n = JsonPath("$.n")
    choice = (Choice("pick", comment="c", input_path="$.in", output_path="$.out")
              .when(n == 1, Pass("one"), comment="first")
              .when((n > 5) & (n < 10), Pass("mid"))
              .otherwise(Pass("other")))
    flow = choice.afterwards() >> Succeed("done")
    assert asl_of(flow)["States"] == {
        "pick": {"Type": "Choice", "Comment": "c", "Choices": [
            {"Comment": "first", "Variable": "$.n", "NumericEquals": 1, "Next": "one"},
            {"And": [{"Variable": "$.n", "NumericGreaterThan": 5},
                     {"Variable": "$.n", "NumericLessThan": 10}], "Next": "mid"},
        ], "Default": "other", "InputPath": "$.in", "OutputPath": "$.out"},
        "one": {"Type": "Pass", "Next": "done"},
        "mid": {"Type": "Pass", "Next": "done"},
        "other": {"Type": "Pass", "Next": "done"},
        "done": {"Type": "Succeed"},
    }


def test_choice_jsonata_condition_output_assign() -> None:
    choice = (Choice("c", query_language="JSONata", assign={"seen": True})
              .when("{% $states.input.n > 1 %}", Pass("x", query_language="JSONata"),
                    assign={"a": 1}, output="{% 1 %}", comment="r")
              .when(Jsonata("$states.input.n < 0"), Succeed("neg"),
                    output={"n": "{% $states.input.n %}"})
              .otherwise(Fail("z")))
    assert asl_of(choice)["States"]["c"] == {
        "Type": "Choice", "QueryLanguage": "JSONata",
        "Choices": [
            {"Comment": "r", "Condition": "{% $states.input.n > 1 %}", "Assign": {"a": 1},
             "Output": "{% 1 %}", "Next": "x"},
            {"Condition": "{% $states.input.n < 0 %}", "Output": {"n": "{% $states.input.n %}"},
             "Next": "neg"},
        ], "Default": "z", "Assign": {"seen": True}}


def test_choice_rule_assign_in_jsonpath() -> None:
    choice = Choice("c").when(JsonPath("$.ok") == True, Pass("y"),  # noqa: E712
                              assign={"v": JsonPath("$.value")}).otherwise(Pass("n"))
    assert asl_of(choice)["States"]["c"] == {
        "Type": "Choice", "Choices": [
            {"Variable": "$.ok", "BooleanEquals": True, "Assign": {"v.$": "$.value"},
             "Next": "y"}], "Default": "n"}


def test_choice_without_default_and_shared_target() -> None:
    joined = Pass("joined")
    choice = Choice("c").when(JsonPath("$.a").is_present(), joined).when(
        JsonPath("$.b").is_null(), joined)
    assert asl_of(choice.afterwards() >> Succeed("end"))["States"] == {
        "c": {"Type": "Choice", "Choices": [
            {"Variable": "$.a", "IsPresent": True, "Next": "joined"},
            {"Variable": "$.b", "IsNull": True, "Next": "joined"}]},
        "joined": {"Type": "Pass", "Next": "end"},
        "end": {"Type": "Succeed"},
    }


# -- task integrations ------------------------------------------------------------------------

SM = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/q"

INTEGRATIONS: list[tuple[str, Callable[[], Chainable], dict[str, Any]]] = [
    ("lambda-function", lambda: lambda_function("f", function_arn=FN, result_path="$.r",
                                                timeout_seconds=30),
     {"Type": "Task", "Resource": FN, "ResultPath": "$.r", "TimeoutSeconds": 30, "End": True}),
    ("lambda-invoke-default-payload", lambda: lambda_invoke("f", function=FN),
     {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": FN, "Payload.$": "$"}, "End": True}),
    ("lambda-invoke-payload", lambda: lambda_invoke(
        "f", function=JsonPath("$.fn"), payload={"id": JsonPath("$.id"), "k": 1},
        result_selector={"body": JsonPath("$.Payload")}),
     {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName.$": "$.fn", "Payload": {"id.$": "$.id", "k": 1}},
      "ResultSelector": {"body.$": "$.Payload"}, "End": True}),
    ("lambda-invoke-jsonata", lambda: lambda_invoke("f", function=FN, query_language="JSONata"),
     {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"FunctionName": FN}, "End": True}),
    ("lambda-invoke-jsonata-payload", lambda: lambda_invoke(
        "f", function=FN, payload=Jsonata("$states.input"), query_language="JSONata"),
     {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"FunctionName": FN, "Payload": "{% $states.input %}"}, "End": True}),
    ("lambda-invoke-wait-for-token", lambda: lambda_invoke(
        "f", function=FN, payload={"token": Context.task_token, "m": "hi"},
        wait_for_token=True, heartbeat_seconds=60, timeout_seconds=300),
     {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {"FunctionName": FN, "Payload": {"token.$": "$$.Task.Token", "m": "hi"}},
      "TimeoutSeconds": 300, "HeartbeatSeconds": 60, "End": True}),
    ("wait-for-token-jsonata", lambda: sqs_send_message(
        "q", queue_url=QUEUE, message_body={"t": "{% $states.context.Task.Token %}"},
        wait_for_token=True, query_language="JSONata"),
     {"Type": "Task", "QueryLanguage": "JSONata",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Arguments": {"QueueUrl": QUEUE, "MessageBody": {"t": "{% $states.context.Task.Token %}"}},
      "End": True}),
    ("start-execution", lambda: start_execution("s", state_machine_arn=SM,
                                                input={"x": JsonPath("$.x")}),
     {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
      "Parameters": {"StateMachineArn": SM, "Input": {"x.$": "$.x"}}, "End": True}),
    ("start-execution-sync", lambda: start_execution("s", state_machine_arn=SM, sync=True),
     {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
      "Parameters": {"StateMachineArn": SM}, "End": True}),
    ("start-execution-sync2", lambda: start_execution("s", state_machine_arn=SM, sync=2),
     {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": {"StateMachineArn": SM}, "End": True}),
    ("start-execution-token", lambda: start_execution(
        "s", state_machine_arn=SM, input={"token": Context.task_token}, wait_for_token=True),
     {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
      "Parameters": {"StateMachineArn": SM, "Input": {"token.$": "$$.Task.Token"}},
      "End": True}),
    ("sns-publish", lambda: sns_publish("n", topic_arn=TOPIC, message=JsonPath("$.m"),
                                        subject="s"),
     {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": TOPIC, "Message.$": "$.m", "Subject": "s"}, "End": True}),
    ("sqs-send-message", lambda: sqs_send_message("q", queue_url=QUEUE,
                                                  message_body={"a": [1, 2]}),
     {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {"QueueUrl": QUEUE, "MessageBody": {"a": [1, 2]}}, "End": True}),
    ("aws-sdk", lambda: aws_sdk("g", service="s3", action="getObject",
                                parameters={"Bucket": "b", "Key": JsonPath("$.key")},
                                retry=[Retry(["S3.NoSuchKey"], max_attempts=1)]),
     {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
      "Parameters": {"Bucket": "b", "Key.$": "$.key"},
      "Retry": [{"ErrorEquals": ["S3.NoSuchKey"], "MaxAttempts": 1}], "End": True}),
    ("aws-sdk-no-parameters", lambda: aws_sdk("l", service="s3", action="listBuckets"),
     {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets", "Parameters": {},
      "End": True}),
]


@pytest.mark.parametrize(("build", "expected"), [(b, e) for _, b, e in INTEGRATIONS],
                         ids=[i for i, _, _ in INTEGRATIONS])
def test_integration(build: Callable[[], Chainable], expected: dict[str, Any]) -> None:
    assert only_state(build()) == expected


def test_unnamed_integrations_are_named_after_their_resource() -> None:
    flow = Chain.sequence(
        lambda_function(function_arn=FN),
        lambda_function(function_arn=FN + ":prod"),
        lambda_invoke(function=FN),
        lambda_invoke(function=FN),
        start_execution(state_machine_arn=SM, sync=2),
        sns_publish(topic_arn=TOPIC, message="m"),
        sqs_send_message(queue_url=QUEUE, message_body="b"),
        aws_sdk(service="dynamodb", action="getItem", parameters={"TableName": "t"}),
        Task(resource="arn:aws:states:us-east-1:123456789012:activity:work"),
    )
    assert list(asl_of(flow)["States"]) == [
        "hello", "hello-2", "lambda-invoke", "lambda-invoke-2", "states-startExecution",
        "sns-publish", "sqs-sendMessage", "dynamodb-getItem", "Task"]
