"""Visit every machine (top level, Parallel branches, Map processors) and every state.

Breadth-first with an explicit queue: nesting depth never becomes Python recursion depth.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from sfs3dsl.syntax.asl import JSONATA, JSONPATH, QUERY_LANGUAGES
from sfs3dsl.validate.report import Machine, Report, State, field_path
from sfs3dsl.validate.tables import BRANCH_FIELDS, PROCESSOR_FIELDS, TOP_FIELDS
from sfs3dsl.validate.values import check_positive_int, describe

_NESTING = frozenset({"Parallel", "Map"})  # the types whose states hold machines


def walk(asl: Mapping[str, Any], report: Report,
         check: Callable[[State], None] | None = None) -> list[Machine]:
    """Check every machine's own fields; return all machines, in order, with their states.

    ``check``, when given, is run on every state that is an object, machine by machine in
    the order returned and each machine's states in document order: for most states in the
    same step that finds them, while their object is fresh in the processor's cache (at
    100,000 states, reading every state once more in a pass of its own cost about 5% of the
    validator's time: ``benchmarks/phases.py``)."""
    top_language = _language(asl.get("QueryLanguage"), JSONPATH)
    machines: list[Machine] = []
    queue = deque([Machine("", asl, top_language, None)])
    while queue:
        machine = queue.popleft()
        machines.append(machine)
        _check_machine(machine, report)
        body = machine.body.get("States")
        if isinstance(body, Mapping):
            _add_states(machine, body, report, queue, check)
    return machines


def _add_states(machine: Machine, body: Mapping[Any, Any], report: Report,
                queue: deque[Machine], check: Callable[[State], None] | None) -> None:
    clean = type(body) is dict  # a dict of string names and object states: the usual case
    for name, state_body in body.items():
        # type() first: almost every state is a dict, and isinstance on an ABC costs more.
        if type(state_body) is not dict:
            if not isinstance(state_body, Mapping):
                clean = False
                path = machine.state_path(name)
                report.add("state-not-object", path,
                           f'state "{name}" is {describe(state_body)}, not an object',
                           'write the state as an object with a "Type" field',
                           state=str(name), state_path=path)
                continue
            clean = False  # checked below, with the others that are not plain
        elif type(name) is not str:
            clean = False
        elif check is not None:
            check(machine.state(name, state_body, report))
        kind = state_body.get("Type")
        if isinstance(kind, str) and kind in _NESTING:
            queue.extend(_children(machine, name, state_body, kind))
    if clean:
        machine.plain = True
        machine.names = list(body)
        machine.bodies = list(body.values())
        return
    for name, state_body in body.items():
        if isinstance(state_body, Mapping):
            machine.names.append(str(name))
            machine.bodies.append(state_body)
            if check is not None and not (type(state_body) is dict and type(name) is str):
                check(machine.state(str(name), state_body, report))


def _language(value: Any, inherited: str) -> str:
    return value if value in QUERY_LANGUAGES else inherited


def _children(machine: Machine, name: object, body: Mapping[str, Any],
              kind: str) -> list[Machine]:
    found: list[Machine] = []
    path, owner = machine.state_path(name), str(name)
    if kind == "Parallel":
        branches = body.get("Branches")
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, Mapping):
                found.append(Machine(f"{path}.Branches[{i}]", branch, machine.language, owner))
        return found
    for key in ("ItemProcessor", "Iterator"):
        processor = body.get(key)
        if isinstance(processor, Mapping):
            found.append(Machine(f"{path}.{key}", processor, machine.language, owner))
    return found


def _what(machine: Machine) -> str:
    if machine.owner is None:
        return "the state machine"
    if machine.path.endswith(("ItemProcessor", "Iterator")):
        return f"the processor of Map state {machine.owner!r}"
    return f"a branch of Parallel state {machine.owner!r}"


def _check_machine(machine: Machine, report: Report) -> None:
    body, what = machine.body, _what(machine)
    if machine.owner is None:
        allowed = TOP_FIELDS
    elif machine.path.endswith(("ItemProcessor", "Iterator")):
        allowed = PROCESSOR_FIELDS
    else:
        allowed = BRANCH_FIELDS
    for key in body:
        if key not in allowed:
            report.add("unknown-field", field_path(machine.path, str(key)),
                       f'field "{key}" is not allowed in {what}',
                       f"remove it; allowed here: {', '.join(sorted(allowed))}")
    start = body.get("StartAt")
    if not isinstance(start, str):
        report.add("missing-start-at", field_path(machine.path, "StartAt"),
                   f'{what} needs a string "StartAt" naming its first state',
                   'add "StartAt": "<name of the first state>"')
    states = body.get("States")
    if not isinstance(states, Mapping) or not states:
        report.add("missing-states", field_path(machine.path, "States"),
                   f'{what} needs a non-empty object "States"',
                   'add "States": {"<name>": {"Type": ...}}')
    if machine.owner is None:
        _check_top(machine, report)


def _check_top(machine: Machine, report: Report) -> None:
    body = machine.body
    language = body.get("QueryLanguage")
    if language is not None and language not in QUERY_LANGUAGES:
        report.add("bad-value", "QueryLanguage",
                   f'"QueryLanguage" {describe(language)} is not one of the allowed values '
                   f'["{JSONPATH}", "{JSONATA}"]', f'write "{JSONPATH}" or "{JSONATA}"')
    for key in ("Comment", "Version"):
        if key in body and not isinstance(body[key], str):
            report.add("wrong-type", key, f'field "{key}" must be a string, not '
                       f"{describe(body[key])}", f'write "{key}" as a string')
    if "TimeoutSeconds" in body:
        for code, message, hint in check_positive_int("TimeoutSeconds", body["TimeoutSeconds"]):
            report.add(code, "TimeoutSeconds", message, hint)
