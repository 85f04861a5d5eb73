"""The transition graph: dangling and cross-branch targets, duplicates, unreachable states,
machines without a terminal state. Every walk is iterative (queues, never recursion)."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from typing import Any

from sfs3dsl._validate._report import Machine, Report, State, field_path
from sfs3dsl._validate._tables import FLOW_TYPES, TERMINAL_TYPES


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
    by_machine: dict[str, list[State]] = defaultdict(list)
    for state in states:
        by_machine[state.machine.path].append(state)
    for machine in machines:
        _check_machine(machine, by_machine.get(machine.path, []), first_seen, report)


def _check_machine(machine: Machine, states: list[State], everywhere: Mapping[str, State],
                   report: Report) -> None:
    local = {s.name: s for s in states}
    edges: dict[str, list[str]] = {}
    broken: set[str] = set()  # already reported: not blamed again for having no way out
    for state in states:
        edges[state.name] = []
        if state.type in FLOW_TYPES and "Next" not in state.body:
            broken.add(state.name)
        for suffix, target in transitions(state.body):
            if target in local:
                edges[state.name].append(target)
            else:
                broken.add(state.name)
                _bad_target(state, suffix, target, everywhere.get(target))
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
    for state in states:
        if state.name not in reached:
            state.problem("unreachable-state", "",
                          f'state "{state.name}" cannot be reached from "StartAt" ({start})',
                          "remove the state or add a transition to it")
    _check_terminal(machine, states, edges, reached, broken, report)


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


def _check_terminal(machine: Machine, states: list[State], edges: Mapping[str, list[str]],
                    reached: set[str], broken: set[str], report: Report) -> None:
    exits = [s.name for s in states if _is_exit(s) or s.name in broken]
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
    reverse: dict[str, list[str]] = defaultdict(list)
    for source, targets in edges.items():
        for target in targets:
            reverse[target].append(source)
    can_finish = _reachable(exits, reverse)
    stuck = [s for s in states if s.name in reached and s.name not in can_finish]
    if stuck:
        names = ", ".join(f'"{s.name}"' for s in stuck[:10])
        more = f" and {len(stuck) - 10} more" if len(stuck) > 10 else ""
        stuck[0].problem("no-way-out", "",
                         f"states [{names}{more}] loop forever: none of them can reach a "
                         "terminal state", "add a Choice with a way out, or an End")


def _reachable(starts: list[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
