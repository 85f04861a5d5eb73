"""The transition graph: dangling and cross-branch targets, duplicates, unreachable states,
machines without a terminal state. Every walk is iterative (work lists, never recursion).

Built for long machines: states are numbered by position and the searches (in _reach) run
on positions with marks in bytearrays; a table from names to positions is built only when
a target is not simply the next state in document order. A transition's field suffix
(``Catch[0].Next``) is made only for a target that is reported, and a machine that is a line
of states ending in an exit needs no search.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.lazy import LazyMapping
from sfs3dsl.validate.reach import Targets, all_finish, can_finish, visit
from sfs3dsl.validate.report import Machine, Report, State, field_path
from sfs3dsl.validate.tables import FLOW_TYPES, TERMINAL_TYPES

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


def _targets(body: Mapping[str, Any]) -> list[str]:
    """The targets of ``transitions(body)``, in its order, without making the suffixes (made
    only for a target that is reported)."""
    found: list[str] = []
    target = body.get("Next")
    if isinstance(target, str):
        found.append(target)
    target = body.get("Default")
    if isinstance(target, str):
        found.append(target)
    for key in ("Choices", "Catch"):
        items = body.get(key)
        if isinstance(items, list):
            for item in items:
                if type(item) is dict or isinstance(item, Mapping):
                    target = item.get("Next")
                    if isinstance(target, str):
                        found.append(target)
    return found


def check_graph(machines: list[Machine], report: Report) -> None:
    """All graph checks, machine by machine."""
    everywhere = _first_seen(machines, report)
    groups = _groups(machines)
    for machine in machines:
        _check_machine(machine, *groups[machine.path], everywhere, report)


def _first_seen(machines: list[Machine], report: Report) -> Mapping[str, Machine]:
    """Report every state whose name an earlier state has; return each name's machine.

    Names are unique in the usual case, told without a table of every name: the largest
    machine's ``States`` object is such a table already (a plain one's keys are its names),
    so only the other machines' names go into a set, and it is checked against that. The
    table of each name's machine is then made only if a transition is reported."""
    if len(machines) == 1 and machines[0].plain:
        return {}  # unique names: nothing to report, nothing in another machine
    largest = max(machines, key=lambda machine: len(machine.names))
    if largest.plain:
        rest = [machine.names for machine in machines if machine is not largest]
        others = set(itertools.chain.from_iterable(rest))
        if (len(others) == sum(map(len, rest))
                and largest.body["States"].keys().isdisjoint(others)):
            return LazyMapping(lambda: {name: machine for machine in machines
                                        for name in machine.names})
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


#: The states checked together: names, bodies, and whether the names are unique.
Group = tuple[list[str], list[Mapping[str, Any]], bool]


def _groups(machines: list[Machine]) -> dict[str, Group]:
    """The states of each machine path. Two machines share a path only when state names
    contain ``.States.`` or ``.Branches[``; their states are then checked together."""
    groups: dict[str, Group] = {}
    for machine in machines:
        if machine.path in groups:
            names, bodies, _ = groups[machine.path]
            groups[machine.path] = (names + machine.names, bodies + machine.bodies, False)
        else:
            groups[machine.path] = (machine.names, machine.bodies, machine.plain)
    return groups


def _index(names: list[str]) -> dict[str, int]:
    """The position of each name: of its last state when two states share it."""
    return dict(zip(names, range(len(names)), strict=True))


def _check_machine(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
                   unique: bool, everywhere: Mapping[str, Machine], report: Report) -> None:
    # With unique names the i-th state is at position i, and the table of names is built
    # only when a name is not where it is first looked for (see _edges): a line of states,
    # each going to the next one in document order, never needs it. Otherwise a name stands
    # for its last state (two states share a name only when names are not strings), and
    # `own` gives the position standing for each state.
    index = None if unique else _index(names)
    own = None if index is None else [index[name] for name in names]
    succ, exits, index = _edges(machine, names, bodies, (index, own), everywhere, report)
    start = machine.body.get("StartAt")
    if not isinstance(start, str) or not names:
        return
    if index is None and names[0] != start:
        index = _index(names)
    first = 0 if index is None else index.get(start)
    if first is None:
        report.add("dangling-target", field_path(machine.path, "StartAt"),
                   f'"StartAt" names "{start}", which is not a state of this '
                   f"{'branch' if machine.owner else 'state machine'}",
                   f'add a state "{start}" or point StartAt at an existing state')
        return
    if first == 0 and own is None and exits[-1] and succ[:-1] == list(range(1, len(succ))):
        # A line: each state goes to the next one and the last one ends the machine (a
        # branch of two states, a processor). Every state is reached and can finish: what
        # visit and _check_terminal would find, found with one list comparison.
        return
    order, reached = visit(first, succ)
    if len(order) < (len(names) if own is None else len(set(own))):  # some name is missed
        for i, name in enumerate(names):
            if not reached[i if own is None else own[i]]:
                machine.state(name, bodies[i], report).problem(
                    "unreachable-state", "",
                    f'state "{name}" cannot be reached from "StartAt" ({start})',
                    "remove the state or add a transition to it")
    _check_terminal(machine, names, bodies, own, (succ, order, reached, exits), report)


def _edges(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
           tables: tuple[dict[str, int] | None, list[int] | None],
           everywhere: Mapping[str, Machine],
           report: Report) -> tuple[list[Targets], bytearray, dict[str, int] | None]:
    """Each state's targets in its machine, reporting the others; a mark for the exits (states
    that end the machine, or whose way out is broken: already reported, not blamed again for
    having no way out); and the table of names, if it had to be built."""
    index, own = tables
    succ: list[Targets] = []
    exits = bytearray(len(names))
    count = len(names)
    for i, body in enumerate(bodies):
        kind = body.get("Type")
        if type(kind) is not str and not isinstance(kind, str):
            kind = ""  # as State.type: never unhashable
        # A Choice without Default leaves the machine (failing) when no rule matches.
        if (body.get("End") is True or kind in TERMINAL_TYPES
                or ("Next" not in body and kind in FLOW_TYPES)
                or (kind == "Choice" and "Default" not in body)):
            exits[i if own is None else own[i]] = 1
        single = _BRANCHING.isdisjoint(body)  # the common case: Next is the only transition
        if single:
            target = body.get("Next")
            if type(target) is not str and not isinstance(target, str):
                succ.append(-1)
                continue
            if own is None and i + 1 < count and names[i + 1] == target:
                succ.append(i + 1)  # the next state in document order, found without a table
                continue
            found = [target]
        else:
            found = _targets(body)
        index = _index(names) if index is None else index
        targets: list[int] = []
        for j, other in enumerate(found):
            position = index.get(other)
            if position is not None:
                targets.append(position)
                continue
            exits[i if own is None else own[i]] = 1
            suffix = "Next" if single else transitions(body)[j][0]
            _bad_target(machine.state(names[i], body, report), suffix, other,
                        everywhere.get(other))
        succ.append(targets if not single else targets[0] if targets else -1)
    return succ, exits, index


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
                    own: list[int] | None,
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
    stuck = [i for i, p in enumerate(range(len(names)) if own is None else own)
             if reached[p] and not finish[p]]
    if stuck:
        listed = ", ".join(f'"{names[i]}"' for i in stuck[:10])
        more = f" and {len(stuck) - 10} more" if len(stuck) > 10 else ""
        first = stuck[0]
        machine.state(names[first], bodies[first], report).problem(
            "no-way-out", "", f"states [{listed}{more}] loop forever: none of them can reach "
            "a terminal state", "add a Choice with a way out, or an End")
