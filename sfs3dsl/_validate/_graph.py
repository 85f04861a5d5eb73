"""The transition graph: dangling and cross-branch targets, duplicates, unreachable states,
machines without a terminal state. Every walk is iterative (work lists, never recursion).

Built for long machines: a state's targets are kept as a bare name when it has one (most
states), so the graph of a line of states allocates no list per state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from sfs3dsl._validate._report import Machine, Report, State, field_path
from sfs3dsl._validate._tables import FLOW_TYPES, TERMINAL_TYPES

#: The fields besides Next that declare transitions: a state with none of them has at most
#: one target.
_BRANCHING: Final = frozenset({"Default", "Choices", "Catch"})

#: A state's targets in its own machine: one name, or a sequence (``()`` for none).
Targets = str | tuple[str, ...] | list[str]
Edges = dict[str, Targets]


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
        _check_machine(machine, *groups[machine.path], everywhere, report)


def _first_seen(machines: list[Machine], report: Report) -> Mapping[str, Machine]:
    """Report every state whose name an earlier state has; return each name's machine."""
    if len(machines) == 1 and machines[0].table is not None:
        return {}  # one dict of names: nothing to report, nothing in another machine
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


#: A group of states checked together: names, bodies, and the table of their names.
Group = tuple[list[str], list[Mapping[str, Any]], Mapping[str, object]]


def _groups(machines: list[Machine]) -> dict[str, Group]:
    """The states of each machine path. Two machines share a path only when state names
    contain ``.States.`` or ``.Branches[``; their states are then checked together."""
    groups: dict[str, Group] = {}
    for machine in machines:
        earlier = groups.get(machine.path)
        if earlier is None:
            table = machine.table
            if table is None:
                table = dict(zip(machine.names, machine.bodies, strict=True))
            groups[machine.path] = (machine.names, machine.bodies, table)
        else:
            names, bodies = earlier[0] + machine.names, earlier[1] + machine.bodies
            groups[machine.path] = (names, bodies, dict(zip(names, bodies, strict=True)))
    return groups


def _check_machine(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
                   local: Mapping[str, object], everywhere: Mapping[str, Machine],
                   report: Report) -> None:
    edges, exits = _edges(machine, names, bodies, local, everywhere, report)
    start = machine.body.get("StartAt")
    if isinstance(start, str) and local and start not in local:
        report.add("dangling-target", field_path(machine.path, "StartAt"),
                   f'"StartAt" names "{start}", which is not a state of this '
                   f"{'branch' if machine.owner else 'state machine'}",
                   f'add a state "{start}" or point StartAt at an existing state')
        return
    if not isinstance(start, str) or not local:
        return
    order, reached = _visit([start], edges)
    if len(reached) < len(local):  # reached is a subset of local: else every state is in it
        for name, body in zip(names, bodies, strict=True):
            if name not in reached:
                machine.state(name, body, report).problem(
                    "unreachable-state", "",
                    f'state "{name}" cannot be reached from "StartAt" ({start})',
                    "remove the state or add a transition to it")
    _check_terminal(machine, names, bodies, edges, order, exits, report)


def _edges(machine: Machine, names: list[str], bodies: list[Mapping[str, Any]],
           local: Mapping[str, object], everywhere: Mapping[str, Machine],
           report: Report) -> tuple[Edges, set[str]]:
    """Each state's targets in its machine, reporting the others; and the exits: states
    that end the machine, or whose way out is broken (already reported: not blamed again
    for having no way out)."""
    edges: Edges = {}
    exits: set[str] = set()
    for name, body in zip(names, bodies, strict=True):
        kind = body.get("Type")
        if not isinstance(kind, str):
            kind = ""  # as State.type: never unhashable
        # A Choice without Default leaves the machine (failing) when no rule matches.
        if (body.get("End") is True or kind in TERMINAL_TYPES
                or (kind in FLOW_TYPES and "Next" not in body)
                or (kind == "Choice" and "Default" not in body)):
            exits.add(name)
        if not _BRANCHING.isdisjoint(body):
            edges[name] = targets = []
            for suffix, other in transitions(body):
                if other in local:
                    targets.append(other)
                else:
                    exits.add(name)
                    _bad_target(machine.state(name, body, report), suffix, other,
                                everywhere.get(other))
            continue
        target = body.get("Next")  # the common case: the only transition
        if isinstance(target, str) and target in local:
            edges[name] = target
            continue
        edges[name] = ()
        if isinstance(target, str):
            exits.add(name)
            _bad_target(machine.state(name, body, report), "Next", target,
                        everywhere.get(target))
    return edges, exits


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
                    edges: Edges, order: list[str], exits: set[str], report: Report) -> None:
    what = "a branch of" if machine.owner else "the state machine"
    if machine.owner and machine.path.endswith(("ItemProcessor", "Iterator")):
        what = "the processor of"
    owner = f" state {machine.owner!r}" if machine.owner else ""
    if not exits:
        report.add("no-terminal-state", field_path(machine.path, "States"),
                   f"{what}{owner} has no terminal state: no state has \"End\": true or is a "
                   "Succeed or Fail state",
                   'end the last state with "End": true, or add a Succeed state')
        return
    if _all_finish(order, edges, exits):
        return
    reached, can_finish = set(order), _visit(exits, _reverse(edges))[1]
    stuck = [i for i, name in enumerate(names) if name in reached and name not in can_finish]
    if stuck:
        listed = ", ".join(f'"{names[i]}"' for i in stuck[:10])
        more = f" and {len(stuck) - 10} more" if len(stuck) > 10 else ""
        first = stuck[0]
        machine.state(names[first], bodies[first], report).problem(
            "no-way-out", "", f"states [{listed}{more}] loop forever: none of them can reach "
            "a terminal state", "add a Choice with a way out, or an End")


def _reverse(edges: Edges) -> dict[str, str | list[str]]:
    """The edges backwards, again with a bare name for a single source."""
    reverse: dict[str, str | list[str]] = {}
    for source, targets in edges.items():
        for target in (targets,) if isinstance(targets, str) else targets:
            sources = reverse.get(target)
            if sources is None:
                reverse[target] = source
            elif isinstance(sources, list):
                sources.append(source)
            else:
                reverse[target] = [sources, source]
    return reverse


def _visit(starts: Iterable[str], edges: Mapping[str, Targets]) -> tuple[list[str], set[str]]:
    """Every state reachable from ``starts``, in breadth-first order and as a set."""
    order = list(dict.fromkeys(starts))
    seen = set(order)
    for name in order:  # grows while it is read: a queue without popping
        targets = edges.get(name, ())
        for target in (targets,) if isinstance(targets, str) else targets:
            if target not in seen:
                seen.add(target)
                order.append(target)
    return order, seen


def _all_finish(order: list[str], edges: Edges, exits: set[str]) -> bool:
    """True when every state of ``order`` can reach an exit, found in one backward pass.

    Going backwards, a state whose target is known to finish finishes too: enough for a
    line of states and for most graphs. False may be wrong (a loop, or a target met later
    in the breadth-first order); the exact search over reversed edges then decides.
    """
    finish = set(exits)
    for name in reversed(order):
        if name in finish:
            continue
        targets = edges.get(name, ())
        if isinstance(targets, str):
            if targets not in finish:
                return False
        elif finish.isdisjoint(targets):
            return False
        finish.add(name)
    return True
