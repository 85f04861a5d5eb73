"""The transition graph: dangling and cross-branch targets, duplicates, unreachable states,
machines without a terminal state. Every walk is iterative (work lists, never recursion).

Built for long machines: states are numbered by position, and the searches (in _reach)
run on positions with marks in bytearrays; the only table per machine maps names to
positions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl._validate._reach import Targets, all_finish, can_finish, visit
from sfs3dsl._validate._report import Machine, Report, State, field_path
from sfs3dsl._validate._tables import FLOW_TYPES, TERMINAL_TYPES

#: The fields besides Next that declare transitions: a state with none of them has at most
#: one target.
_BRANCHING: Final = frozenset({"Default", "Choices", "Catch"})


def transitions(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field suffix, target name)`` for every transition a state declares."""
    found: list[tuple[str, str]] = []
    target = body.get("Next")
    if isinstance(target, str):
        found.append(("Next", target))
    target = body.get("Default")
    if isinstance(target, str):
        found.append(("Default", target))
    for key in ("Choices", "Catch"):
        items = body.get(key)
        if isinstance(items, list):
            found.extend((f"{key}[{i}].Next", item["Next"]) for i, item in enumerate(items)
                         if isinstance(item, Mapping) and isinstance(item.get("Next"), str))
    return found


def check_graph(machines: list[Machine], report: Report) -> None:
    """All graph checks, machine by machine."""
    everywhere = _first_seen(machines, report)
    groups = _groups(machines)
    for machine in machines:
        names, bodies = groups[machine.path]
        _check_machine(machine, names, bodies, everywhere, report)


def _first_seen(machines: list[Machine], report: Report) -> Mapping[str, Machine]:
    """Report every state whose name an earlier state has; return each name's machine."""
    if len(machines) == 1 and machines[0].plain:
        return {}  # unique names: nothing to report, nothing in another machine
    first: dict[str, Machine] = {}
    for machine in machines:
        for name, body in zip(machine.names, machine.bodies, strict=True):
            earlier = first.get(name)
            if earlier is None:
                first[name] = machine
                continue
            machine.state(name, body, report).problem(
                "duplicate-state-name", "",
                f'state name "{name}" is already used at {earlier.state_path(name)}; '
                "names must be unique in the whole state machine, including "
                "branches and Map processors", "rename one of the two states")
    return first


def _groups(machines: list[Machine]) -> dict[str, tuple[list[str], list[Mapping[str, Any]]]]:
    """The states of each machine path. Two machines share a path only when state names
    contain ``.States.`` or ``.Branches[``; their states are then checked together."""
    groups: dict[str, tuple[list[str], list[Mapping[str, Any]]]] = {}
    for machine in machines:
        names, bodies = groups.get(machine.path, ([], []))
        groups[machine.path] = (names + machine.names, bodies + machine.bodies)
    return groups


def _check_machine(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
                   everywhere: Mapping[str, Machine], report: Report) -> None:
    # A name stands for its last state when a machine has two (only possible with names
    # that are not strings): every search goes through this index.
    index = {name: i for i, name in enumerate(names)}
    succ, exits = _edges(machine, names, bodies, index, everywhere, report)
    start = machine.body.get("StartAt")
    if isinstance(start, str) and index and start not in index:
        report.add("dangling-target", field_path(machine.path, "StartAt"),
                   f'"StartAt" names "{start}", which is not a state of this '
                   f"{'branch' if machine.owner else 'state machine'}",
                   f'add a state "{start}" or point StartAt at an existing state')
        return
    if not isinstance(start, str) or not index:
        return
    order, reached = visit(index[start], succ)
    if len(order) < len(index):  # else every name is reached
        for name, body in zip(names, bodies, strict=True):
            if not reached[index[name]]:
                machine.state(name, body, report).problem(
                    "unreachable-state", "",
                    f'state "{name}" cannot be reached from "StartAt" ({start})',
                    "remove the state or add a transition to it")
    _check_terminal(machine, names, bodies, index, (succ, order, reached, exits), report)


def _edges(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
           index: Mapping[str, int], everywhere: Mapping[str, Machine],
           report: Report) -> tuple[list[Targets], bytearray]:
    """Each state's targets in its machine, reporting the others; and a mark for the exits:
    states that end the machine, or whose way out is broken (already reported: not blamed
    again for having no way out)."""
    succ: list[Targets] = []
    exits = bytearray(len(names))
    for name, body in zip(names, bodies, strict=True):
        kind = body.get("Type")
        if not isinstance(kind, str):
            kind = ""  # as State.type: never unhashable
        # A Choice without Default leaves the machine (failing) when no rule matches.
        if (body.get("End") is True or kind in TERMINAL_TYPES
                or (kind in FLOW_TYPES and "Next" not in body)
                or (kind == "Choice" and "Default" not in body)):
            exits[index[name]] = 1
        if not _BRANCHING.isdisjoint(body):
            targets: list[int] = []
            succ.append(targets)
            for suffix, other in transitions(body):
                if other in index:
                    targets.append(index[other])
                else:
                    exits[index[name]] = 1
                    _bad_target(machine.state(name, body, report), suffix, other,
                                everywhere.get(other))
            continue
        target = body.get("Next")  # the common case: the only transition
        position = index.get(target) if isinstance(target, str) else None
        succ.append(-1 if position is None else position)
        if position is None and isinstance(target, str):
            exits[index[name]] = 1
            _bad_target(machine.state(name, body, report), "Next", target,
                        everywhere.get(target))
    return succ, exits


def _bad_target(state: State, suffix: str, target: str, elsewhere: Machine | None) -> None:
    field = suffix.rsplit(".", 1)[-1]
    if elsewhere is None:
        state.problem("dangling-target", suffix,
                      f'{field} names "{target}", which does not exist',
                      f'add a state "{target}" or point {field} at an existing state')
    else:
        where = elsewhere.state_path(target)
        state.problem("cross-scope-transition", suffix,
                      f'{field} names "{target}", which is in another branch or machine '
                      f"({where}); a state can only go to states of its own branch",
                      "move the target into this branch, or end the branch and continue "
                      "after the Parallel or Map state")


def _check_terminal(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
                    index: Mapping[str, int],
                    graph: tuple[list[Targets], list[int], bytearray, bytearray],
                    report: Report) -> None:
    succ, order, reached, exits = graph
    what = "a branch of" if machine.owner else "the state machine"
    if machine.owner and machine.path.endswith(("ItemProcessor", "Iterator")):
        what = "the processor of"
    owner = f" state {machine.owner!r}" if machine.owner else ""
    if 1 not in exits:
        report.add("no-terminal-state", field_path(machine.path, "States"),
                   f"{what}{owner} has no terminal state: no state has \"End\": true or is a "
                   "Succeed or Fail state",
                   'end the last state with "End": true, or add a Succeed state')
        return
    if all_finish(order, succ, exits):
        return
    finish = can_finish(succ, exits)
    stuck = [i for i, name in enumerate(names)
             if reached[index[name]] and not finish[index[name]]]
    if stuck:
        listed = ", ".join(f'"{names[i]}"' for i in stuck[:10])
        more = f" and {len(stuck) - 10} more" if len(stuck) > 10 else ""
        first = stuck[0]
        machine.state(names[first], bodies[first], report).problem(
            "no-way-out", "", f"states [{listed}{more}] loop forever: none of them can reach "
            "a terminal state", "add a Choice with a way out, or an End")
