"""The validator's contract: every problem at once, sorted, with paths and ``file:line``;
``check`` raises; large and deep definitions; a cheap import."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from sfs3dsl.core.errors import ValidationError
from sfs3dsl.core.problems import Problem
from sfs3dsl.validate import check, validate_definition

PASS_END = {"Type": "Pass", "End": True}


def _codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in problems]


def test_every_problem_is_reported_at_once_in_path_order() -> None:
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:x", "Next": "Missing", "Retry": [
            {"ErrorEquals": []}, *[{"ErrorEquals": ["E"]}] * 9,
            {"ErrorEquals": ["E"], "BackoffRate": 0}]},
        "B": {"Type": "Pass"},
    }}
    assert _codes(validate_definition(definition)) == [
        ("States.A", "task-without-timeout"),
        ("States.A.Next", "dangling-target"),
        ("States.A.Retry[0].ErrorEquals", "empty-error-equals"),
        ("States.A.Retry[10].BackoffRate", "out-of-range"),
        ("States.B", "missing-next-or-end"),
        ("States.B", "unreachable-state"),
    ]


def test_problems_carry_state_and_where_from_the_source_map() -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True,
                                                   "Branches": [{"StartAt": "B", "States": {
                                                       "B": {"Type": "Pass"}}}]}}}
    sources = {"States.P": "flow.py:3", "States.P.Branches[0].States.B": "flow.py:7"}
    [problem] = validate_definition(definition, sources)
    assert problem == Problem(
        "missing-next-or-end", "States.P.Branches[0].States.B",
        'a Pass state needs "Next" or "End": true', 'add "Next": "<state>" or "End": true',
        "error", "B", "flow.py:7")
    assert problem.render() == (
        'flow.py:7: States.P.Branches[0].States.B: error[missing-next-or-end]: a Pass state '
        'needs "Next" or "End": true; fix: add "Next": "<state>" or "End": true')


def test_map_processor_states_have_their_own_paths() -> None:
    definition = {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True,
                                                   "ItemProcessor": {"StartAt": "X", "States": {
                                                       "X": {"Type": "Wait", "End": True}}}}}}
    assert _codes(validate_definition(definition)) == [
        ("States.M.ItemProcessor.States.X", "wait-duration")]


def test_check_raises_with_the_errors_only() -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:x"}}}
    with pytest.raises(ValidationError) as info:
        check(definition, {"States.A": "flow.py:1"})
    assert [p.code for p in info.value.problems] == ["missing-next-or-end"]
    assert str(info.value) == (
        '1 problem(s):\nflow.py:1: States.A: error[missing-next-or-end]: a Task state needs '
        '"Next" or "End": true; fix: add "Next": "<state>" or "End": true')


def test_check_accepts_warnings() -> None:
    check({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:x",
                                            "End": True}}})


@pytest.mark.parametrize(("name", "expected"), [
    ("orders-nightly_v2", []),
    ("has space", ["(name): error[bad-machine-name]: the state machine name 'has space' "
                   "contains forbidden characters: ' '; fix: use only letters, digits, '-' "
                   "and '_' (also what CloudWatch Logs needs)"]),
    ("a/b{c}", ["(name): error[bad-machine-name]: the state machine name 'a/b{c}' contains "
                "forbidden characters: '/', '{', '}'; fix: use only letters, digits, '-' and "
                "'_' (also what CloudWatch Logs needs)"]),
    ("x" * 81, ["(name): error[bad-machine-name]: the state machine name is 81 characters "
                "long; it must be 1 to 80; fix: use 1 to 80 characters"]),
])
def test_machine_name(name: str, expected: list[str]) -> None:
    definition = {"StartAt": "A", "States": {"A": PASS_END}}
    found = validate_definition(definition, machine_name=name)
    assert [p.render() for p in found] == expected


@pytest.mark.parametrize(("definition", "expected"), [
    ([], ["(definition): error[not-an-object]: a definition must be a JSON object, not array; "
          'fix: write {"StartAt": ..., "States": {...}}']),
    ({}, ['StartAt: error[missing-start-at]: the state machine needs a string "StartAt" '
          'naming its first state; fix: add "StartAt": "<name of the first state>"',
          'States: error[missing-states]: the state machine needs a non-empty object "States"; '
          'fix: add "States": {"<name>": {"Type": ...}}']),
    ({"StartAt": "A", "States": {"A": PASS_END}, "Extra": 1},
     ['Extra: error[unknown-field]: field "Extra" is not allowed in the state machine; fix: '
      "remove it; allowed here: Comment, QueryLanguage, StartAt, States, TimeoutSeconds, "
      "Version"]),
])
def test_malformed_documents(definition: Any, expected: list[str]) -> None:
    assert [p.render() for p in validate_definition(definition)] == expected


def _line(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"}
                              for i in range(count)}
    states[f"S{count}"] = {"Type": "Succeed"}
    return {"StartAt": "S0", "States": states}


def test_a_hundred_thousand_states_in_a_line_validate_without_recursion() -> None:
    # Only the size limit is exceeded: nothing recurses along the 100,000 Next links.
    problems = validate_definition(_line(100_000))
    assert [p.code for p in problems] == ["definition-too-large"]


@pytest.mark.parametrize("word", ["step", "étape ✓ \U0001F600"], ids=["ascii", "not ascii"])
def test_the_size_of_a_long_machine_is_its_compact_utf8_bytes(word: str) -> None:
    # long enough for the size check to measure its States by parts (limits.LARGE_OBJECT)
    import json

    end: dict[str, Any] = {"End": True}
    doc = {"Comment": word, "StartAt": f"{word} 0", "States": {
        f"{word} {i}": {"Type": "Pass", "Result": word * 60,
                        **({"Next": f"{word} {i + 1}"} if i < 4999 else end)}
        for i in range(5000)}}
    size = len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode())
    [problem] = validate_definition(doc)
    assert problem.message == (f"the definition is {size:,} bytes; the maximum is "
                               "1,048,576 bytes")


def test_deep_nesting_does_not_recurse() -> None:
    inner: dict[str, Any] = {"StartAt": "L0", "States": {"L0": PASS_END}}
    for depth in range(1, 400):
        inner = {"StartAt": f"L{depth}", "States": {
            f"L{depth}": {"Type": "Parallel", "End": True, "Branches": [inner]}}}
    rule: dict[str, Any] = {"Variable": "$.x", "IsPresent": True}
    for _ in range(5000):
        rule = {"Not": rule}
    inner["States"]["C"] = {"Type": "Choice", "Default": "L399",
                            "Choices": [{**rule, "Next": "L399"}]}
    inner["StartAt"] = "C"
    assert validate_definition(inner) == []


def test_importing_the_validator_stays_cheap() -> None:
    code = ("import sys, sfs3dsl.validate; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'jsonata', 'boto3', 'botocore', 'jinja2', 'click'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_jsonata_is_imported_only_for_jsonata_definitions() -> None:
    code = ("import sys; from sfs3dsl.validate import validate_definition as v; "
            "v({'StartAt': 'A', 'States': {'A': {'Type': 'Pass', 'End': True}}}); "
            "print('jsonata' in sys.modules); "
            "v({'QueryLanguage': 'JSONata', 'StartAt': 'A', 'States': {'A': {'Type': 'Pass', "
            "'Output': '{% 1 %}', 'End': True}}}); print('jsonata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "True"]
