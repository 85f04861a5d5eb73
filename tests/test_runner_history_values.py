"""A recorded history never changes afterwards, though it keeps values instead of JSON text.

The history writes its payloads as JSON only when it is read (history.py), which is right
only while no value it refers to changes. These tests change every value user code can get
hold of (the execution input, a task's payload, result and context object, a callback's
output, the execution's output, a child execution's input) and check the history against
the JSON text of each payload taken at the moment its event was recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_differential_moto import inputs as generated_inputs
from test_differential_moto import machine as generated_machine

from sfs3dsl.run.interpreter import Runner, TaskContext, history
from sfs3dsl.run.interpreter.history import History, dumps

PAYLOAD_KEYS = ("input", "output", "parameters")
FN = "arn:aws:lambda:us-east-1:123456789012:function:hostile"


def scribble(value: Any) -> None:
    """Change ``value`` in place everywhere it can be changed."""
    if isinstance(value, dict):
        for key in list(value):
            scribble(value[key])
            if not isinstance(value[key], (dict, list)):
                value[key] = "changed"
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            scribble(item)
        value.append("scribbled")


Recorded = dict[int, list[dict[str, str]]]


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorded]:
    """The JSON text of each recorded event's payloads, taken as it was recorded, by the
    ``id`` of the history that recorded it."""
    texts: Recorded = {}
    add = History.add

    def spying_add(self: History, event_type: str, when: Any, previous: int,
                   details: dict[str, Any] | None = None) -> int:
        taken = {key: dumps(value) for key, value in (details or {}).items()
                 if key in PAYLOAD_KEYS}
        if details and "assignedVariables" in details:
            taken["assignedVariables"] = json.dumps(
                {k: dumps(v) for k, v in details["assignedVariables"].items()})
        event_id = add(self, event_type, when, previous, details)
        texts.setdefault(id(self), []).append(taken)
        return event_id

    add_state = History.add_state

    def spying_add_state(self: History, event_type: str, when: Any, previous: int,
                         name: str, key: str, value: Any) -> int:
        taken = {key: dumps(value)}
        event_id = add_state(self, event_type, when, previous, name, key, value)
        texts.setdefault(id(self), []).append(taken)
        return event_id

    add_passage = History.add_passage

    def spying_add_passage(self: History, entered: Any, exited: Any, previous: int,
                           name: str, value: Any, out: Any) -> int:
        taken = [{"input": dumps(value)}, {"output": dumps(out)}]
        event_id = add_passage(self, entered, exited, previous, name, value, out)
        texts.setdefault(id(self), []).extend(taken)
        return event_id

    monkeypatch.setattr(history.History, "add_passage", spying_add_passage)
    monkeypatch.setattr(history.History, "add", spying_add)
    monkeypatch.setattr(history.History, "add_state", spying_add_state)
    yield texts


def read_and_recorded(execution: Any, recorded: Recorded
                      ) -> tuple[list[list[dict[str, str]]], list[list[dict[str, str]]]]:
    """The payloads of ``execution``'s history and its child executions' as read now, and
    as they were recorded."""
    read, taken = [as_rendered(execution.history)], [recorded[id(execution._history)]]
    for map_run in execution.map_runs:
        for child in map_run.children:
            more_read, more_taken = read_and_recorded(child, recorded)
            read += more_read
            taken += more_taken
    return read, taken


def as_rendered(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for event in events:
        details: dict[str, Any] = next(
            (v for k, v in event.items() if k.endswith("EventDetails")), {})
        taken = {k: v for k, v in details.items() if k in PAYLOAD_KEYS}
        if "assignedVariables" in details:
            taken["assignedVariables"] = json.dumps(details["assignedVariables"])
        out.append(taken)
    return out


class Hostile:
    """A task that keeps everything it is given or gives back, and changes all of it on
    its next call and when told to."""

    def __init__(self) -> None:
        self.kept: list[Any] = []

    def __call__(self, payload: Any, ctx: TaskContext) -> Any:
        self.scribble()
        result = {"seen": payload, "own": {"list": [1, 2], "n": 1}}
        self.kept += [payload, result, ctx.context]
        return result

    def scribble(self) -> None:
        for value in self.kept:
            scribble(value)


def hostile_machine(inner: dict[str, Any]) -> dict[str, Any]:
    """A hostile task, ``inner``'s states, and a Map whose iterations call the task."""
    states = {"First": {"Type": "Task", "Resource": FN, "ResultPath": "$.t",
                        "Next": inner["StartAt"]}}
    for name, state in inner["States"].items():
        copied = dict(state)
        if copied.pop("End", False):
            copied["Next"] = "Each"
        states[name] = copied
    states["Each"] = {"Type": "Map", "ItemsPath": "$.t.own.list", "ResultPath": "$.each",
                      "ItemProcessor": {"StartAt": "Call", "States": {
                          "Call": {"Type": "Task", "Resource": FN, "End": True}}},
                      "End": True}
    return {"StartAt": "First", "States": states}


def run_and_scribble(definition: dict[str, Any], value: Any) -> Any:
    hostile = Hostile()
    runner = Runner()
    runner.register_task(FN, hostile)
    execution = runner.run(definition, value)
    hostile.scribble()
    scribble(value)
    if execution.status == "SUCCEEDED":
        scribble(execution.output)
    return execution


@settings(max_examples=120, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(inner=generated_machine(), value=generated_inputs)
def test_history_is_what_each_payload_was_when_recorded(
        recorded: Recorded, inner: dict[str, Any], value: Any) -> None:
    recorded.clear()  # one fixture for every example: a history's id may be used again
    execution = run_and_scribble(hostile_machine(inner), value)
    read, taken = read_and_recorded(execution, recorded)
    assert read == taken


def test_changing_the_input_after_the_start_changes_nothing_recorded(
        recorded: Recorded) -> None:
    value = {"doc": {"rows": [1, 2]}}
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    execution = Runner().run(definition, value)
    value["doc"]["rows"].append(3)
    assert execution.input is value  # the caller's own object; the run had a copy
    assert json.loads(execution.history[0]["executionStartedEventDetails"]["input"]) == {
        "doc": {"rows": [1, 2]}}
    read, taken = read_and_recorded(execution, recorded)
    assert read == taken


def test_the_output_handed_out_is_a_copy(recorded: Recorded) -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    execution = Runner().run(definition, {"doc": {"rows": [1, 2]}})
    execution.output["doc"]["rows"].append(3)
    assert execution.output == {"doc": {"rows": [1, 2, 3]}}  # the same copy each time
    read, taken = read_and_recorded(execution, recorded)
    assert read == taken
    assert recorded[id(execution._history)][-1] == {"output": '{"doc":{"rows":[1,2]}}'}


def test_a_task_that_changes_its_payload_and_context_changes_nothing_recorded(
        recorded: Recorded) -> None:
    def meddle(payload: Any, ctx: TaskContext) -> Any:
        context = ctx.context
        scribble(context["Execution"]["Input"])
        scribble(payload)
        return "done"

    runner = Runner()
    runner.register_task(FN, meddle)
    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "ResultPath": "$.r", "Next": "After"},
        "After": {"Type": "Pass", "Parameters": {"input.$": "$$.Execution.Input",
                                                 "doc.$": "$.doc"}, "End": True}}}
    execution = runner.run(definition, {"doc": {"rows": [1]}})
    assert execution.output == {"input": {"doc": {"rows": [1]}}, "doc": {"rows": [1]}}
    read, taken = read_and_recorded(execution, recorded)
    assert read == taken


def test_a_callback_output_changed_after_it_was_sent_changes_nothing_recorded(
        recorded: Recorded) -> None:
    sent = {"answer": [1]}

    def answer(payload: Any, ctx: TaskContext) -> Any:
        assert ctx.token is not None
        ctx.runner.send_task_success(ctx.token, sent)
        sent["answer"].append(2)
        return None

    runner = Runner()
    runner.register_task(FN, answer)
    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN + ".waitForTaskToken", "End": True}}}
    execution = runner.run(definition, {})
    assert execution.output == {"answer": [1]}
    read, taken = read_and_recorded(execution, recorded)
    assert read == taken


@pytest.mark.parametrize("items", [[1], [3, 1, 2]])
def test_a_child_execution_input_and_output_are_copies(recorded: Recorded,
                                                       items: list[int]) -> None:
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "all.$": "$.items"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED",
                                              "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}
    execution = Runner().run(definition, {"items": items})
    children = [child for map_run in execution.map_runs for child in map_run.children]
    assert len(children) == len(items)
    for child in children:
        scribble(child.input)
        scribble(child.output)
    read, taken = read_and_recorded(execution, recorded)
    assert read == taken
    assert execution.output == [{"v": v, "all": items} for v in items]
