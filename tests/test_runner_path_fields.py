"""``...Path`` fields whose value is missing, of the wrong type or out of range, and
``States.Format`` of objects and arrays: the error and the cause, word for word.

Where AWS's text is recorded (``../shared/corpus/executions.json``: the MaxItemsPath cause,
the ErrorPath / CausePath "could not be found" cause, the InputPath "No results" cause, the
Timestamp and "Map state input" causes) the other fields follow it; the texts the docs do
not give are marked as ours in :mod:`sfs3dsl.run.interpreter.numbers`.
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


CASES: list[tuple[str, dict[str, Any], Any, str, str]] = [
    ("SecondsPath missing", wait(SecondsPath="$.s"), {}, RUNTIME, entered("W")
     + "The JSONPath '$.s' specified for the field 'SecondsPath' could not be found in the "
       "input '{}'"),
    ("SecondsPath text", wait(SecondsPath="$.s"), {"s": "soon"}, RUNTIME, entered("W")
     + 'The SecondsPath field refers to value "soon" which is not a valid integer: $.s'),
    ("SecondsPath fraction", wait(SecondsPath="$.s"), {"s": 1.5}, RUNTIME, entered("W")
     + 'The SecondsPath field refers to value "1.5" which is not a valid integer: $.s'),
    ("SecondsPath object", wait(SecondsPath="$.s"), {"s": {"n": 1}}, RUNTIME, entered("W")
     + 'The SecondsPath field refers to value "{"n":1}" which is not a valid integer: $.s'),
    ("SecondsPath negative", wait(SecondsPath="$.s"), {"s": -1}, RUNTIME, entered("W")
     + 'The SecondsPath field refers to value "-1" which is not between 0 and 99999999: $.s'),
    ("SecondsPath too long", wait(SecondsPath="$.s"), {"s": 100_000_000}, RUNTIME,
     entered("W") + 'The SecondsPath field refers to value "100000000" which is not between '
                    '0 and 99999999: $.s'),
    ("JSONata Seconds", {**wait(Seconds="{% 'soon' %}"), "QueryLanguage": "JSONata"}, {},
     "States.QueryEvaluationError",
     entered("W") + 'The Seconds field refers to value "soon" which is not a valid integer'),
    ("TimestampPath missing", wait(TimestampPath="$.at"), {"x": 1}, RUNTIME, entered("W")
     + "The JSONPath '$.at' specified for the field 'TimestampPath' could not be found in "
       "the input '{\"x\":1}'"),
    ("TimestampPath bad", wait(TimestampPath="$.at"), {"at": "2016-12-05 21:29:29Z"}, RUNTIME,
     entered("W") + "The TimestampPath field cannot be parsed as an ISO-8601 extended offset "
                    "date-time format string: 2016-12-05 21:29:29Z"),
    ("ItemsPath missing", inline_map(ItemsPath="$.items"), {"x": 1}, RUNTIME, entered("M")
     + "Invalid path '$.items' : No results for path: $['items']"),
    ("ItemsPath not an array", inline_map(ItemsPath="$.items"), {"items": {"a": 1}}, RUNTIME,
     entered("M") + 'Map state input must be an array but was: {"a":1}'),
    ("MaxConcurrencyPath text", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1], "mc": "many"},
     RUNTIME, entered("M")
     + 'The MaxConcurrencyPath field refers to value "many" which is not a valid integer: $.mc'),
    ("MaxConcurrencyPath negative", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1], "mc": -2},
     RUNTIME, entered("M")
     + 'The MaxConcurrencyPath field refers to value "-2" which is less than 0: $.mc'),
    ("MaxConcurrencyPath missing", inline_map(MaxConcurrencyPath="$.mc"), {"i": [1]}, RUNTIME,
     entered("M") + "The JSONPath '$.mc' specified for the field 'MaxConcurrencyPath' could "
                    "not be found in the input '{\"i\":[1]}'"),
    ("ToleratedFailureCountPath negative", inline_map(ToleratedFailureCountPath="$.n"),
     {"i": [1], "n": -1}, RUNTIME, entered("M")
     + 'The ToleratedFailureCountPath field refers to value "-1" which is less than 0: $.n'),
    ("ToleratedFailureCountPath null", inline_map(ToleratedFailureCountPath="$.n"),
     {"i": [1], "n": None}, RUNTIME, entered("M")
     + 'The ToleratedFailureCountPath field refers to value "null" which is not a valid '
       'integer: $.n'),
    ("ToleratedFailurePercentagePath over 100",
     inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": 100.5}, RUNTIME, entered("M")
     + 'The ToleratedFailurePercentagePath field refers to value "100.5" which is not '
       'between 0 and 100: $.p'),
    ("ToleratedFailurePercentagePath text",
     inline_map(ToleratedFailurePercentagePath="$.p"), {"i": [1], "p": "half"}, RUNTIME,
     entered("M") + 'The ToleratedFailurePercentagePath field refers to value "half" which '
                    'is not a valid number: $.p'),
    ("TimeoutSecondsPath zero", task(TimeoutSecondsPath="$.t"), {"t": 0}, RUNTIME,
     entered("T") + 'The TimeoutSecondsPath field refers to value "0" which is not between '
                    '1 and 99999999: $.t'),
    ("TimeoutSecondsPath text", task(TimeoutSecondsPath="$.t"), {"t": "ten"}, RUNTIME,
     entered("T") + 'The TimeoutSecondsPath field refers to value "ten" which is not a valid '
                    'integer: $.t'),
    ("TimeoutSecondsPath missing", task(TimeoutSecondsPath="$.t"), {}, RUNTIME, entered("T")
     + "The JSONPath '$.t' specified for the field 'TimeoutSecondsPath' could not be found "
       "in the input '{}'"),
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
