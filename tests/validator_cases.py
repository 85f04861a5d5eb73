"""The definitions whose validator findings are recorded in ``data/validator_findings.json.gz``.

Every corpus definition (statelint's fixtures, the real-world definitions, the executions AWS
ran), compiled definitions frozen in ``data/validator_inputs.json`` (the reference workflows
and a 40-state slice of the benchmarks' realistic mix), and mutated copies of each: fields
deleted, renamed, retyped or added, values replaced by wrong types, broken paths, intrinsics
and JSONata, transitions pointed elsewhere. Mutations are drawn from a generator seeded by the
case's name, so every run (and every machine) builds the same documents.

Record the findings again only when a change of findings is intended::

    .venv/bin/python tests/validator_cases.py   # rewrites tests/data/validator_findings.json.gz

or, to record what another checkout's validator finds (new cases, an unchanged validator),
run it from outside the project with that checkout first on the path:
``cd /tmp && PYTHONPATH=<checkout> <project>/.venv/bin/python <project>/tests/validator_cases.py``.
"""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
import json
import random
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus import execution_cases, lint_fixtures, real_world_definitions

DATA = Path(__file__).resolve().parent / "data"
FINDINGS = DATA / "validator_findings.json.gz"

#: Values a mutation puts in place of another value.
_VALUES: tuple[Any, ...] = (
    None, 0, -1, 1.5, 100_000_000, True, "x", "", [], {}, [1, "a"], {"a": 1},
    "$", "$.a", "$.a[0].b", "$..bad[", "$.a..", "$$.Execution.Id", "$var", "$$bad", "a.b",
    "States.Format('{}', $.a)", "States.Nope($.a)", "States.Format(", "States.UUID()",
    "  States.UUID()", "{% $x %}", "{% (( %}", "{% $x", "{%%}", "States.ALL", "States.Timeout",
    "States.Bogus", "2026-01-31T23:59:59Z", "yesterday", "FULL", "SOMETIMES", "DISTRIBUTED",
    "JSONata", "JSONPath", "{% $states.input", "{% $states.input %}", "Pass", "Task", "Choice",
    "Nope", "arn:aws:states:::lambda:invoke",
    "not a uri", "${Arn}", "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ["States.ALL", "States.Timeout"], ["States.Bogus"], [{"ErrorEquals": ["States.ALL"]}],
    {"Variable": "$.x", "NumericEquals": 1, "Next": "Nowhere"},
    {"And": [{"Variable": "$.x", "IsPresent": True}], "Next": "A"},
    {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}},
    {"k.$": "$.a", "n": {"m.$": "States.Bad("}, "l": [{"o.$": 3}]},
)
#: Field names a mutation adds.
_FIELDS: tuple[str, ...] = (
    "Next", "End", "Default", "Type", "Comment", "QueryLanguage", "InputPath", "OutputPath",
    "ResultPath", "Parameters", "ResultSelector", "Result", "Arguments", "Output", "Assign",
    "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
    "Seconds", "SecondsPath", "Timestamp", "Choices", "Branches", "ItemProcessor", "Iterator",
    "ItemsPath", "Items", "ItemSelector", "ItemReader", "MaxConcurrency", "Error", "Cause",
    "ErrorPath", "Credentials", "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
    "MaxDelaySeconds", "JitterStrategy", "Variable", "StringEquals", "NumericGreaterThanPath",
    "And", "Not", "Condition", "ProcessorConfig", "Mode", "Bogus", "x.$", "StartAt", "States",
)


def compiled_inputs() -> dict[str, Any]:
    """The frozen compiled definitions, by name."""
    with (DATA / "validator_inputs.json").open(encoding="utf-8") as handle:
        inputs: dict[str, Any] = json.load(handle)
    return inputs


def _task(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "TimeoutSeconds": 5, **fields, "End": True},
        "F": {"Type": "Fail"}}}


_ALL = {"ErrorEquals": ["States.ALL"]}
_TIMEOUT = {"ErrorEquals": ["States.Timeout"]}
#: Definitions right but for one thing that a quick pass could overlook.
HANDMADE: dict[str, Any] = {
    "retry-all-not-last": _task(Retry=[_ALL, _TIMEOUT]),
    "retry-all-last": _task(Retry=[_TIMEOUT, _ALL]),
    "catch-all-not-last": _task(Catch=[{**_ALL, "Next": "F"}, {**_TIMEOUT, "Next": "F"}]),
    "retry-all-with-others": _task(Retry=[{"ErrorEquals": ["States.ALL", "States.Timeout"]}]),
    "retry-numbers": _task(Retry=[{**_TIMEOUT, "MaxAttempts": True, "BackoffRate": 1,
                                   "IntervalSeconds": 1.0, "MaxDelaySeconds": 0}]),
    "retry-jitter": _task(Retry=[{**_TIMEOUT, "JitterStrategy": "full"}]),
    "catch-output-in-jsonpath": _task(Catch=[{**_ALL, "Next": "F", "Output": {}}]),
    "catch-result-path-context": _task(Catch=[{**_ALL, "Next": "F", "ResultPath": "$$.x"}]),
    "jsonata-unterminated": _task(QueryLanguage="JSONata", Output="{% $states.input"),
    "jsonata-in-list": _task(QueryLanguage="JSONata",
                             Arguments={"a": ["{% 1 %}", {"b": "{% $x.( %}"}]}),
    "jsonata-timeout": _task(TimeoutSeconds="{% 5 %}"),
    "timeout-true": _task(TimeoutSeconds=True),
    "timeout-float": _task(TimeoutSeconds=5.0),
    "heartbeat-equal": _task(HeartbeatSeconds=5),
    "template-in-list": _task(Parameters={"a": [{"b.$": "$.ok"}, [{"c.$": "$..["}]]}),
    "template-not-string": _task(Parameters={"a.$": 1}),
    "template-assign-in-catch": _task(Catch=[{**_ALL, "Next": "F",
                                              "Assign": {"x.$": "States.Nope()"}}]),
    "path-null": _task(InputPath=None, OutputPath=None, ResultPath=None),
    "items-path-null": {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": None, "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}},
    "choice-rules": {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Default": "E", "Choices": [
            {"Not": {"Variable": "$.a", "IsPresent": True}, "Next": "E"},
            {"And": [{"Variable": "$.a", "NumericEqualsPath": "$$.bad"},
                     {"Variable": "$.b", "TimestampEquals": "2026-01-01"}], "Next": "E"},
            {"Or": [], "Next": "E"},
            {"Variable": "States.Format('x')", "StringEquals": "x", "Next": "E"},
            {"Variable": "$.a", "BooleanEquals": 1}]},
        "E": {"Type": "Succeed"}}},
    "line-without-end": {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}},
    "line-ending-in-loop": {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [
            {"Variable": "$.a", "IsNull": True, "Next": "B"}]}}},
}


def _originals() -> Iterator[tuple[str, Any, int]]:
    """(name, definition, how many mutated copies to make)."""
    for name, definition in HANDMADE.items():
        yield f"handmade/{name}", definition, 4
    for name, definition in compiled_inputs().items():
        yield f"compiled/{name}", definition, 30
    for name, definition in real_world_definitions():
        yield f"real-world/{name}", definition, 6
    for case in execution_cases():
        yield f"execution/{case['id']}", case["definition"], 2
    for fixture in lint_fixtures():
        yield f"lint/{fixture.file}", fixture.definition, 2


def _places(document: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in the document, in a fixed order."""
    found: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                found.append((node, key))
                stack.append(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                found.append((node, i))
                stack.append(value)
    return found


def _state_names(document: Any) -> list[str]:
    names: list[str] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            states = node.get("States")
            if isinstance(states, dict):
                names.extend(str(k) for k in states)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def mutate(document: Any, rng: random.Random) -> Any:
    """A copy of ``document`` with one to three random changes."""
    copied = copy.deepcopy(document)
    for _ in range(rng.randint(1, 3)):
        places = _places(copied)
        if not places:
            return rng.choice(_VALUES)
        container, key = rng.choice(places)
        names = _state_names(copied) or ["A"]
        action = rng.randrange(8)
        if action == 7:
            _to_jsonata(copied, rng)
        elif action == 0:
            del container[key]
        elif action == 1:
            container[key] = copy.deepcopy(rng.choice(_VALUES))
        elif action == 2 and isinstance(container, dict):
            container[rng.choice(_FIELDS)] = copy.deepcopy(rng.choice(_VALUES))
        elif action == 3 and isinstance(container, dict) and isinstance(key, str):
            new = key[:-2] if key.endswith(".$") else rng.choice((key + ".$", key.lower()))
            container[new] = container.pop(key)
        elif action == 4:
            container[key] = rng.choice([*names, "Nowhere", ""])
        elif action == 5 and isinstance(container, dict):
            container[rng.choice(("Next", "Default", "StartAt"))] = rng.choice([*names, "Gone"])
        elif isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = copy.deepcopy(rng.choice(_VALUES))
    return copied


def _to_jsonata(document: Any, rng: random.Random) -> None:
    """Make one state (or the whole machine) JSONata, with some expressions in it."""
    states = [node for node, _ in _places(document)
              if isinstance(node, dict) and isinstance(node.get("Type"), str)]
    target = rng.choice(states) if states and rng.random() < 0.8 else document
    if not isinstance(target, dict):
        return
    target["QueryLanguage"] = "JSONata"
    for key in rng.sample(("Output", "Arguments", "Assign", "Items", "Seconds"), 2):
        target[key] = rng.choice(("{% $states.input %}", "{% (( %}", "{% $x", "{%%}",
                                  {"a": "{% $a.b %}", "b": ["{% 1 + %}", "plain"]},
                                  "{% $states.context.Task.Token %}", 5))


def sources_for(document: Any) -> dict[str, str]:
    """A ``where`` for every state path, as a compiled workflow's source map has."""
    sources: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        base, machine = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            continue
        for name, body in states.items():
            path = f"{base}.States.{name}" if base else f"States.{name}"
            sources[path] = f"workflow.py:{len(sources) + 1}"
            if not isinstance(body, dict):
                continue
            branches = body.get("Branches")
            for i, branch in enumerate(branches if isinstance(branches, list) else []):
                stack.append((f"{path}.Branches[{i}]", branch))
            for key in ("ItemProcessor", "Iterator"):
                stack.append((f"{path}.{key}", body.get(key)))
    return sources


def cases() -> Iterator[tuple[str, Any, dict[str, str] | None]]:
    """(case id, definition, sources) for every recorded case."""
    for name, definition, copies in _originals():
        yield name, definition, None
        rng = random.Random(zlib.crc32(name.encode()))
        for i in range(copies):
            mutated = mutate(definition, rng)
            yield f"{name}#{i}", mutated, sources_for(mutated) if i % 2 else None


def digest(document: Any) -> str:
    """A short fingerprint of a case's document: tells a changed input from a changed finding."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache
def recorded() -> dict[str, Any]:
    """What ``record`` wrote: {case id: {"input": digest, "findings": [...]}}."""
    found: dict[str, Any] = json.loads(gzip.decompress(FINDINGS.read_bytes()))
    return found


def findings(definition: Any, sources: dict[str, str] | None) -> list[list[Any]]:
    """Every problem the validator reports, each as a list of all its fields, in order."""
    from sfs3dsl.validate import validate_definition

    return [[p.code, p.path, p.message, p.hint, p.severity, p.state, p.where]
            for p in validate_definition(definition, sources)]


def record() -> None:
    """Write ``data/validator_findings.json.gz`` from the validator as it is now."""
    recorded = {case_id: {"input": digest(definition), "findings": findings(definition, sources)}
                for case_id, definition, sources in cases()}
    text = json.dumps(recorded, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    # gzip, and no time stamp in it: the same findings always make the same bytes
    FINDINGS.write_bytes(gzip.compress(text.encode(), mtime=0))
    total = sum(len(v["findings"]) for v in recorded.values())
    import sfs3dsl.validate

    print(f"{len(recorded)} cases, {total} findings -> {FINDINGS}\n"
          f"(the validator of {Path(sfs3dsl.validate.__file__).parent})")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    record()
