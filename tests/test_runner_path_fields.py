"""``...Path`` fields whose value is missing, of the wrong type or out of range, and
``States.Format`` of objects and arrays: the error and the cause, word for word.

Each case says where its text was recorded against AWS (LocalStack's AWS-validated snapshot
files, or ``../shared/corpus/executions.json``) or that it is ours because nothing is
recorded; :mod:`sfs3dsl.run.interpreter.numbers` keeps the same list.
"""

from __future__ import annotations

from typing import Any

import pytest

from sfs3dsl.run.interpreter import Runner

RUNTIME = "States.Runtime"


def entered(state: str) -> str:
    return f"An error occurred while executing the state '{state}' (entered at the event id #2). "


def wait(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "W", "States": {"W": {"Type": "Wait", **fields, "End": True}}}


def task(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
        **fields, "End": True}}}


def inline_map(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.i", **fields, "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}


# Recorded: AWS's text as LocalStack's AWS-validated snapshots hold it (files under
# tests/aws/services/stepfunctions/v2/ of github.com/localstack/localstack; S = scenarios/
# test_base_scenarios.snapshot.json, W = base/test_wait.snapshot.json, L = logs/
# test_logs.snapshot.json) or ../shared/corpus; "ours" where nothing is recorded.
CASES: list[tuple[str, dict[str, Any], Any, str, str]] = [
    # recorded: L, TestLogs::test_base[wait_seconds_path.json5_ALL_False]
    ("SecondsPath missing", wait(SecondsPath="$.s"), {}, RUNTIME, entered("W")
     + "The SecondsPath parameter does not reference an input value: $.s"),
    # ours (only numbers are recorded), in the recorded shape
    ("SecondsPath text", wait(SecondsPath="$.s"), {"s": "soon"}, RUNTIME, entered("W")
     + "The SecondsPath parameter cannot be parsed as a long value: $.s == soon"),
    # recorded: W, TestSfnWait::test_base_wait_seconds_path[1.5]
    ("SecondsPath fraction", wait(SecondsPath="$.s"), {"s": 1.5}, RUNTIME, entered("W")
     + "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"),
    # recorded: W, TestSfnWait::test_base_wait_seconds_path[-1.5] (parsed before the sign)
    ("SecondsPath negative fraction", wait(SecondsPath="$.s"), {"s": -1.5}, RUNTIME,
     entered("W") + "The SecondsPath parameter cannot be parsed as a long value: $.s == -1.5"),
    # ours (objects not recorded)
    ("SecondsPath object", wait(SecondsPath="$.s"), {"s": {"n": 1}}, RUNTIME, entered("W")
     + 'The SecondsPath parameter cannot be parsed as a long value: $.s == {"n":1}'),
    # recorded: W, TestSfnWait::test_base_wait_seconds_path[-1]
    ("SecondsPath negative", wait(SecondsPath="$.s"), {"s": -1}, RUNTIME, entered("W")
     + "The SecondsPath parameter references a negative value: $.s == -1"),
    # ours: nothing recorded above 99999999
    ("SecondsPath too long", wait(SecondsPath="$.s"), {"s": 100_000_000}, RUNTIME,
     entered("W") + "The SecondsPath parameter references a value greater than 99999999: "
                    "$.s == 100000000"),
    # ours (JSONata Seconds not recorded)
    ("JSONata Seconds", {**wait(Seconds="{% 'soon' %}"), "QueryLanguage": "JSONata"}, {},
     "States.QueryEvaluationError",
     entered("W") + 'The Seconds field refers to value "soon" which is not a valid integer'),
    # ours, following the recorded SecondsPath text
    ("TimestampPath missing", wait(TimestampPath="$.at"), {"x": 1}, RUNTIME, entered("W")
     + "The TimestampPath parameter does not reference an input value: $.at"),
    # recorded: S, TestBaseScenarios::test_wait_timestamp_path[NO_T]
    ("TimestampPath bad", wait(TimestampPath="$.at"), {"at": "2016-12-05 21:29:29Z"}, RUNTIME,
     entered("W") + "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                    "offset date-time format string: $.at == 2016-12-05 21:29:29Z"),
    # recorded: S, TestBaseScenarios::test_wait_timestamp_path[NO_Z]
    ("TimestampPath no zone", wait(TimestampPath="$.at"), {"at": "2016-12-05T21:29:29"},
     RUNTIME, entered("W") + "The TimestampPath parameter does not reference a valid ISO-8601 "
                             "extended offset date-time format string: $.at == "
                             "2016-12-05T21:29:29"),
    # ours: the InputPath text (recorded) applied to ItemsPath
    ("ItemsPath missing", inline_map(ItemsPath="$.items"), {"x": 1}, RUNTIME, entered("M")
     + "Invalid path '$.items' : No results for path: $['items']"),
    # text recorded for JSONata (S, test_map_state_items_input_types[object]); the error
    # name for a JSONPath ItemsPath is ours
    ("ItemsPath not an array", inline_map(ItemsPath="$.items"), {"items": {"a": 1}}, RUNTIME,
     entered("M") + 'Map state input must be an array but was: {"a":1}'),
    # recorded: S, TestBaseScenarios::test_max_concurrency_path[NoNumber]
    ("MaxConcurrencyPath text", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1], "mc": "many"},
     RUNTIME, entered("M")
     + 'The MaxConcurrencyPath field refers to value "many" which is not a valid integer: $.mc'),
    # recorded: S, TestBaseScenarios::test_max_concurrency_path[max_concurrency_value0]
    ("MaxConcurrencyPath object", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1], "mc": {}},
     RUNTIME, entered("M")
     + 'The MaxConcurrencyPath field refers to value "{}" which is not a valid integer: $.mc'),
    # ours: AWS's recording of -1 (test_max_concurrency_path_negative) has no end
    ("MaxConcurrencyPath negative", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1], "mc": -2},
     RUNTIME, entered("M")
     + 'The MaxConcurrencyPath field refers to value "-2" which is less than 0: $.mc'),
    # ours: the ErrorPath / CausePath text (recorded) applied to MaxConcurrencyPath
    ("MaxConcurrencyPath missing", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1]}, RUNTIME,
     entered("M") + "The JSONPath '$.mc' specified for the field 'MaxConcurrencyPath' could "
                    "not be found in the input '{\"i\":[1]}'"),
    # recorded: S, TestBaseScenarios::test_map_state_tolerated_failure_count_path[-1]
    ("ToleratedFailureCountPath negative", inline_map(ToleratedFailureCountPath="$.n"),
     {"i": [1], "n": -1}, RUNTIME, entered("M") + "ToleratedFailureCount cannot be negative."),
    # recorded: S, test_map_state_tolerated_failure_count_path[NoNumber]
    ("ToleratedFailureCountPath text", inline_map(ToleratedFailureCountPath="$.n"),
     {"i": [1], "n": "NoNumber"}, RUNTIME, entered("M")
     + 'The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid '
       'integer: $.n'),
    # ours (null not recorded), in the recorded shape
    ("ToleratedFailureCountPath null", inline_map(ToleratedFailureCountPath="$.n"),
     {"i": [1], "n": None}, RUNTIME, entered("M")
     + 'The ToleratedFailureCountPath field refers to value "null" which is not a valid '
       'integer: $.n'),
    # recorded: S, test_map_state_tolerated_failure_percentage_path[100.1]
    ("ToleratedFailurePercentagePath over 100",
     inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": 100.1}, RUNTIME,
     entered("M") + "ToleratedFailurePercentage must be between 0 and 100."),
    # recorded: S, test_map_state_tolerated_failure_percentage_path[-1.1]
    ("ToleratedFailurePercentagePath negative",
     inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": -1.1}, RUNTIME,
     entered("M") + "ToleratedFailurePercentage must be between 0 and 100."),
    # recorded: S, test_map_state_tolerated_failure_percentage_path[NoNumber]
    ("ToleratedFailurePercentagePath text",
     inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": "NoNumber"}, RUNTIME,
     entered("M") + 'The ToleratedFailurePercentagePath field refers to value "NoNumber" '
                    'which is not a valid float: $.p'),
    # recorded: S, test_map_state_tolerated_failure_percentage_path[..._value0]
    ("ToleratedFailurePercentagePath object",
     inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": {}}, RUNTIME,
     entered("M") + 'The ToleratedFailurePercentagePath field refers to value "{}" '
                    'which is not a valid float: $.p'),
    # ours: not a positive integer is not recorded
    ("TimeoutSecondsPath zero", task(TimeoutSecondsPath="$.t"), {"t": 0}, RUNTIME,
     entered("T") + 'The TimeoutSecondsPath field refers to value "0" which is not between '
                    '1 and 99999999: $.t'),
    # ours, in the recorded MaxConcurrencyPath shape
    ("TimeoutSecondsPath text", task(TimeoutSecondsPath="$.t"), {"t": "ten"}, RUNTIME,
     entered("T") + 'The TimeoutSecondsPath field refers to value "ten" which is not a valid '
                    'integer: $.t'),
    # recorded: S, test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_TIMEOUTSECONDSPATH]
    ("TimeoutSecondsPath missing", task(TimeoutSecondsPath="$.t"), {}, RUNTIME, entered("T")
     + "Invalid path '$.t' : No results for path: $['t']"),
    # recorded: S, test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_HEARTBEATSECONDSPATH]
    ("HeartbeatSecondsPath missing", task(HeartbeatSecondsPath="$.h"), {"x": 0}, RUNTIME,
     entered("T") + "Invalid path '$.h' : No results for path: $['h']"),
    # ours, in the recorded shape
    ("HeartbeatSecondsPath boolean", task(HeartbeatSecondsPath="$.h"), {"h": True}, RUNTIME,
     entered("T") + 'The HeartbeatSecondsPath field refers to value "true" which is not a '
                    'valid integer: $.h'),
]


@pytest.mark.parametrize(("definition", "given", "error", "cause"),
                         [pytest.param(d, g, e, c, id=label) for label, d, g, e, c in CASES])
def test_a_bad_path_field_fails_with_aws_cause(definition: dict[str, Any], given: Any,
                                               error: str, cause: str) -> None:
    runner = Runner()
    runner.register_task("work", lambda payload, ctx: {"done": True})
    execution = runner.run(definition, given)
    assert (execution.status, execution.error, execution.cause) == ("FAILED", error, cause)


def test_states_all_does_not_catch_a_bad_path_field() -> None:
    definition = task(TimeoutSecondsPath="$.t",
                      Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}])
    definition["States"]["Caught"] = {"Type": "Succeed"}
    runner = Runner()
    runner.register_task("work", lambda payload, ctx: {"done": True})
    assert runner.run(definition, {"t": "ten"}).error == RUNTIME


@pytest.mark.parametrize(("definition", "given"), [
    (wait(SecondsPath="$.s"), {"s": "10"}),          # the text of an integer is one
    (wait(SecondsPath="$.s"), {"s": 0}),
    (inline_map(ItemsPath="$.i", MaxConcurrencyPath="$.mc", ToleratedFailureCountPath="$.n",
                ToleratedFailurePercentagePath="$.p"), {"i": [1], "mc": 0, "n": 0, "p": 12.5}),
    (task(TimeoutSecondsPath="$.t", HeartbeatSecondsPath="$.h"), {"t": 60, "h": "30"}),
    # recorded as succeeding (LocalStack scenarios/test_base_scenarios.snapshot.json,
    # test_map_state_tolerated_failure_percentage_path[100] / [1.1], and
    # base/test_wait.snapshot.json, test_wait_timestamppath[.000000Z] / [.00Z] / [Z])
    (inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": 100}),
    (inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": 1.1}),
    (wait(TimestampPath="$.at"), {"at": "2016-12-05T21:29:29.000000Z"}),
    (wait(TimestampPath="$.at"), {"at": "2016-12-05T21:29:29.00Z"}),
    (wait(TimestampPath="$.at"), {"at": "2016-12-05T21:29:29Z"}),
])
def test_good_path_values_run(definition: dict[str, Any], given: Any) -> None:
    runner = Runner()
    runner.register_task("work", lambda payload, ctx: {"done": True})
    execution = runner.run(definition, given)
    assert (execution.status, execution.error) == ("SUCCEEDED", None)


@pytest.mark.parametrize(("argument", "text"), [
    ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"),
    (["a", 1, 1.5, None, True, {"k": "v"}], "[a, 1, 1.5, null, true, {k=v}]"),
    ({"nested": {"list": [{"x": "y"}], "flag": False}}, "{nested={list=[{x=y}], flag=false}}"),
    ({}, "{}"),
    ([], "[]"),
    ("plain", "plain"),
    (None, "null"),
    (3, "3"),
])
def test_states_format_renders_objects_and_arrays_as_aws_does(argument: Any,
                                                              text: str) -> None:
    definition = {"StartAt": "F", "States": {"F": {
        "Type": "Pass", "Parameters": {"s.$": "States.Format('<{}>', $.v)"}, "End": True}}}
    execution = Runner().run(definition, {"v": argument})
    assert execution.output == {"s": f"<{text}>"}
