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


def check_graph(machines: list[Machine], states: list[State], report: Report) -> None:
    """All graph checks, machine by machine."""
    first_seen: dict[str, State] = {}
    for state in states:
        earlier = first_seen.setdefault(state.name, state)
        if earlier is not state:
            state.problem("duplicate-state-name", "",
                          f'state name "{state.name}" is already used at {earlier.path}; '
                          "names must be unique in the whole state machine, including "
                          "branches and Map processors", "rename one of the two states")
    groups = _groups(machines)
    for machine in machines:
        group = groups[machine.path]
        # With one machine and unique names, its name table is the one just built.
        local = first_seen if len(first_seen) == len(group) == len(states) \
            else {s.name: s for s in group}
        _check_machine(machine, group, local, first_seen, report)


def _groups(machines: list[Machine]) -> dict[str, list[State]]:
    """The states of each machine path. Two machines share a path only when state names
    contain ``.States.`` or ``.Branches[``; their states are then checked together."""
    groups: dict[str, list[State]] = {}
    for machine in machines:
        earlier = groups.get(machine.path)
        groups[machine.path] = machine.states if earlier is None else earlier + machine.states
    return groups


def _check_machine(machine: Machine, states: list[State], local: Mapping[str, State],
                   everywhere: Mapping[str, State], report: Report) -> None:
    edges, exits = _edges(states, local, everywhere)
    start = machine.body.get("StartAt")
    if isinstance(start, str) and local and start not in local:
        report.add("dangling-target", field_path(machine.path, "StartAt"),
                   f'"StartAt" names "{start}", which is not a state of this '
                   f"{'branch' if machine.owner else 'state machine'}",
                   f'add a state "{start}" or point StartAt at an existing state')
        return
    if not isinstance(start, str) or not local:
        return
    reached = _reachable([start], edges)
    if len(reached) < len(local):  # reached is a subset of local: else every state is in it
        for state in states:
            if state.name not in reached:
                state.problem("unreachable-state", "",
                              f'state "{state.name}" cannot be reached from "StartAt" '
                              f"({start})", "remove the state or add a transition to it")
    _check_terminal(machine, states, len(local), edges, reached, exits, report)


def _edges(states: list[State], local: Mapping[str, State],
           everywhere: Mapping[str, State]) -> tuple[Edges, set[str]]:
    """Each state's targets in its machine, reporting the others; and the exits: states
    that end the machine, or whose way out is broken (already reported: not blamed again
    for having no way out)."""
    edges: Edges = {}
    exits: set[str] = set()
    for state in states:
        name, body = state.name, state.body
        if _is_exit(state) or (state.type in FLOW_TYPES and "Next" not in body):
            exits.add(name)
        if _BRANCHING.isdisjoint(body):  # the common case: Next is the only transition
            target = body.get("Next")
            edges[name] = ()
            if not isinstance(target, str):
                continue
            if target in local:
                edges[name] = target
            else:
                exits.add(name)
                _bad_target(state, "Next", target, everywhere.get(target))
            continue
        found: list[str] = []
        edges[name] = found
        for suffix, target in transitions(body):
            if target in local:
                found.append(target)
            else:
                exits.add(name)
                _bad_target(state, suffix, target, everywhere.get(target))
    return edges, exits


def _bad_target(state: State, suffix: str, target: str, elsewhere: State | None) -> None:
    field = suffix.rsplit(".", 1)[-1]
    if elsewhere is None:
        state.problem("dangling-target", suffix,
                      f'{field} names "{target}", which does not exist',
                      f'add a state "{target}" or point {field} at an existing state')
    else:
        state.problem("cross-scope-transition", suffix,
                      f'{field} names "{target}", which is in another branch or machine '
                      f"({elsewhere.path}); a state can only go to states of its own branch",
                      "move the target into this branch, or end the branch and continue "
                      "after the Parallel or Map state")


def _is_exit(state: State) -> bool:
    body = state.body
    # A Choice without Default leaves the machine (failing) when no rule matches.
    return (state.type in TERMINAL_TYPES or body.get("End") is True
            or (state.type == "Choice" and "Default" not in body))


def _check_terminal(machine: Machine, states: list[State], count: int, edges: Edges,
                    reached: set[str], exits: set[str], report: Report) -> None:
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
    can_finish = _reachable(exits, _reverse(edges))
    if len(can_finish) == count:  # a subset of the machine's names: none can be stuck
        return
    stuck = [s for s in states if s.name in reached and s.name not in can_finish]
    if stuck:
        names = ", ".join(f'"{s.name}"' for s in stuck[:10])
        more = f" and {len(stuck) - 10} more" if len(stuck) > 10 else ""
        stuck[0].problem("no-way-out", "",
                         f"states [{names}{more}] loop forever: none of them can reach a "
                         "terminal state", "add a Choice with a way out, or an End")


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


def _reachable(starts: Iterable[str], edges: Mapping[str, Targets]) -> set[str]:
    seen = set(starts)
    todo = list(seen)  # the order of the visit does not matter, only what it reaches
    while todo:
        targets = edges.get(todo.pop(), ())
        for target in (targets,) if isinstance(targets, str) else targets:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
