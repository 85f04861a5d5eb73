"""Derive each side-car step's read predicate from the compiled state graph.

A step may read the output of every side-car step that *must* have run before it, on every
path from the start: a must-have-run ("available outputs") forward data-flow analysis,
which is the dominator relation generalised to Parallel's all-branches join.

* Each state ``s`` has ``IN(s)`` (outputs present when it starts) and ``OUT(s) = IN(s) |
  gen(s)``. A transition (Next, Choice targets, Default) carries ``OUT``; a Catch carries
  ``IN``, because a state that failed produced nothing.
* ``IN(start) = {}``; elsewhere ``IN(s)`` is the intersection over incoming edges. Loops are
  solved by iterating from "everything" down to the greatest fixed point (worklist).
* ``gen(step) = {step}``. ``gen(Parallel)`` is the union over its branches of what every
  successful end of the branch has; ``gen(Map)`` is what every end of its processor has:
  the outputs of the Map's iterations, present as a collection once the Map is done.
* A branch or processor starts from its owner's ``IN``; since ``IN(owner)`` distributes over
  the intersections, each machine is solved once with an empty entry and the owner's set is
  added afterwards. Machines are solved innermost first for ``gen`` and outermost first for
  the absolute sets, so the work is linear in the states times the loop depth. Nothing
  recurses: the nesting is walked with explicit lists.

Requirement scopes: a producer outside any Map is needed as a ``process`` output; one in the
same Map as the consumer as an ``iteration`` output; one in a Map the consumer comes after as
a ``collection``. Side-car steps in Maps nested inside Maps are refused (one iteration key).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sfs3dsl.core.errors import BuildError

Scope = str  # "process" | "iteration" | "collection"


class Need(NamedTuple):  # not a frozen dataclass: ~0.3 ms less at import (plan.py says why)
    """One required output: the producing step's name, the scope it is needed in, and
    whether it must be *fresh*: produced again since the consumer's previous visit, because
    every way from the consumer back to itself (a loop) runs the producer again."""

    step: str
    scope: Scope
    fresh: bool = False


@dataclass
class _Machine:
    """A machine of the document (top level, a branch, a Map's processor) being solved."""

    prefix: str
    states: Mapping[str, Any]
    start: str
    owner: str | None  # path of the Parallel/Map state that runs it
    map_path: str | None  # innermost enclosing Map, if any
    gen_end: int = 0  # outputs every successful end has (relative to the entry)
    rel_in: dict[str, int] = field(default_factory=dict)


def _machines(asl: Mapping[str, Any]) -> list[_Machine]:
    """Every machine (top level, branches, Map processors), parents before children."""
    found = [_Machine("", asl.get("States", {}), str(asl.get("StartAt")), None, None)]
    i = 0
    while i < len(found):
        machine = found[i]
        i += 1
        for name, state in machine.states.items():
            path = f"{machine.prefix}States.{name}"
            if state.get("Type") == "Parallel":
                for b, branch in enumerate(state.get("Branches", ())):
                    found.append(_Machine(f"{path}.Branches[{b}].", branch.get("States", {}),
                                          str(branch.get("StartAt")), path, machine.map_path))
            elif state.get("Type") == "Map":
                key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
                proc = state.get(key, {})
                found.append(_Machine(f"{path}.{key}.", proc.get("States", {}),
                                      str(proc.get("StartAt")), path, path))
    return found


def _edges(state: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(targets reached on success, targets reached by a Catch)."""
    success = [str(state["Next"])] if "Next" in state else []
    success += [str(r["Next"]) for r in state.get("Choices", ()) if "Next" in r]
    if "Default" in state:
        success.append(str(state["Default"]))
    caught = [str(c["Next"]) for c in state.get("Catch", ()) if "Next" in c]
    return success, caught


def _graph(states: Mapping[str, Any]
           ) -> tuple[dict[str, list[tuple[str, bool]]], dict[str, set[str]]]:
    """Predecessors ``(source, on_success)`` and successors of every state of a machine."""
    preds: dict[str, list[tuple[str, bool]]] = {name: [] for name in states}
    for name, state in states.items():
        success, caught = _edges(state)
        for target in success:
            if target in preds:
                preds[target].append((name, True))
        for target in caught:
            if target in preds:
                preds[target].append((name, False))
    succs: dict[str, set[str]] = {name: set() for name in states}
    for target, sources in preds.items():
        for source, _ in sources:
            succs[source].add(target)
    return preds, succs


def _flow(states: Mapping[str, Any], preds: Mapping[str, list[tuple[str, bool]]],
          succs: Mapping[str, set[str]], gen: Mapping[str, int], everything: int,
          origin: str, *, through: bool) -> dict[str, int]:
    """Must-have-run sets of a machine's states, solved to the greatest fixed point.

    ``through=False``: ``origin`` is the entry (its set is empty). ``through=True``:
    ``origin``'s own edges are the entry, so the set that reaches ``origin`` again is what
    every loop back to it runs.
    """
    rel_in = dict.fromkeys(states, everything)
    if not through and origin in rel_in:
        rel_in[origin] = 0
    work = deque(states)
    queued = set(states)
    while work:
        name = work.popleft()
        queued.discard(name)
        if name == origin and not through:
            continue
        value = everything
        for source, on_success in preds[name]:
            if through and source == origin:
                value = 0
                break
            value &= rel_in[source] | gen.get(source, 0) if on_success else rel_in[source]
        if value != rel_in[name]:
            rel_in[name] = value
            for nxt in succs[name]:
                if nxt not in queued:
                    work.append(nxt)
                    queued.add(nxt)
    return rel_in


def _solve(machine: _Machine, gen: Mapping[str, int], everything: int) -> None:
    """Fill ``machine.rel_in`` and ``machine.gen_end`` (entry set = empty)."""
    states = machine.states
    preds, succs = _graph(states)
    rel_in = _flow(states, preds, succs, gen, everything, machine.start, through=False)
    reachable = _reachable(machine.start, succs)
    end = everything
    any_end = False
    for name, state in states.items():
        if name in reachable and (state.get("End") is True or state.get("Type") == "Succeed"):
            end &= rel_in[name] | gen.get(name, 0)
            any_end = True
    machine.gen_end = end if any_end else 0
    machine.rel_in = {n: (v if n in reachable else 0) for n, v in rel_in.items()}


def _reachable(start: str, succs: Mapping[str, set[str]]) -> set[str]:
    seen = {start} if start in succs else set()
    stack = list(seen)
    while stack:
        for nxt in succs[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def derive_requirements(asl: Mapping[str, Any], steps: Mapping[str, str]
                        ) -> dict[str, tuple[Need, ...]]:
    """The outputs each side-car step must see before it runs.

    Args:
        asl: the compiled ASL document.
        steps: ``{state path: step name}`` of the side-car steps
            (``{"States.step-a": "step-a"}``).

    Returns:
        ``{state path: (Need, ...)}`` in the order the producers appear in the document.

    Example:
        >>> derive_requirements(asl, {"States.step-a": "step-a", "States.step-b": "step-b"})
        {'States.step-a': (), 'States.step-b': (Need(step='step-a', scope='process'),)}
    """
    machines = _machines(asl)
    order = list(steps)
    bit = {path: 1 << i for i, path in enumerate(order)}
    everything = (1 << len(order)) - 1
    map_of: dict[str, str | None] = {}
    children: dict[str, list[_Machine]] = {}
    for machine in machines:
        if machine.owner is not None:
            children.setdefault(machine.owner, []).append(machine)
        for name in machine.states:
            path = f"{machine.prefix}States.{name}"
            map_of[path] = machine.map_path
    _check_nesting(machines, steps)
    gens: dict[str, dict[str, int]] = {}
    for machine in reversed(machines):  # children first: gen of Parallel/Map needs them
        gen: dict[str, int] = {}
        gens[machine.prefix] = gen
        for name, state in machine.states.items():
            path = f"{machine.prefix}States.{name}"
            value = bit.get(path, 0)
            if state.get("Type") in ("Parallel", "Map"):
                for child in children.get(path, ()):
                    value |= child.gen_end
            gen[name] = value
        _solve(machine, gen, everything)
    absolute: dict[str, int] = {}
    entry: dict[str, int] = {}
    for machine in machines:  # parents first
        base = entry.get(machine.owner, 0) if machine.owner is not None else 0
        for name in machine.states:
            path = f"{machine.prefix}States.{name}"
            absolute[path] = base | machine.rel_in.get(name, 0)
            entry[path] = absolute[path]
    loops = _Loops(machines, gens, everything)
    out: dict[str, tuple[Need, ...]] = {}
    for path in order:
        needs: list[Need] = []
        have = absolute.get(path, 0) & ~bit[path]
        fresh = loops.fresh(path) or 0
        while have:  # visit the set bits only, lowest (earliest producer) first
            low = have & -have
            producer = order[low.bit_length() - 1]
            have ^= low
            scope = _scope(map_of.get(producer), map_of.get(path))
            needs.append(Need(steps[producer], scope,
                              bool(fresh & low) and scope != "collection"))
        out[path] = tuple(needs)
    return out


class _Loops:
    """Which outputs every loop back to a state runs again (its *fresh* set).

    Within its own machine that is what must have run on every way from the state back to
    itself. A state inside a branch or processor whose owner is itself in a loop is run
    again with its owner, so it also needs fresh what comes before it in its machine and
    what the owner needs fresh.
    """

    def __init__(self, machines: list[_Machine], gens: Mapping[str, Mapping[str, int]],
                 everything: int) -> None:
        self._where = {f"{m.prefix}States.{name}": (m, name)
                       for m in machines for name in m.states}
        self._gens = gens
        self._everything = everything
        self._graphs: dict[str, tuple[dict[str, list[tuple[str, bool]]],
                                      dict[str, set[str]]]] = {}
        self._memo: dict[str, int | None] = {}

    def _in_machine(self, machine: _Machine, name: str) -> int | None:
        if machine.prefix not in self._graphs:
            self._graphs[machine.prefix] = _graph(machine.states)
        preds, succs = self._graphs[machine.prefix]
        again = set().union(*(_reachable(n, succs) for n in succs[name]))
        if name not in again:
            return None  # no loop leads back to it
        return _flow(machine.states, preds, succs, self._gens[machine.prefix],
                     self._everything, name, through=True)[name]

    def fresh(self, path: str) -> int | None:
        """The fresh set of the state at ``path`` (None when no loop runs it again)."""
        if path in self._memo:
            return self._memo[path]
        machine, name = self._where[path]
        value = self._in_machine(machine, name)
        if machine.owner is not None:
            outer = self.fresh(machine.owner)
            if outer is not None:
                value = (value or 0) | machine.rel_in.get(name, 0) | outer
        self._memo[path] = value
        return value


def _scope(producer_map: str | None, consumer_map: str | None) -> Scope:
    if producer_map is None:
        return "process"
    return "iteration" if producer_map == consumer_map else "collection"


def _check_nesting(machines: list[_Machine], steps: Mapping[str, str]) -> None:
    outer_map: dict[str, str | None] = {}
    for machine in machines:
        if machine.owner is not None and machine.map_path == machine.owner:
            # this machine is a Map processor: its Map sits in the enclosing map (if any)
            outer_map[machine.owner] = _enclosing_map(machines, machine.owner)
    for machine in machines:
        if machine.map_path is None:
            continue
        if outer_map.get(machine.map_path) is None:
            continue
        for name in machine.states:
            path = f"{machine.prefix}States.{name}"
            if path in steps:
                raise BuildError(f"side-car step {steps[path]!r} runs in a Map nested in "
                                 "another Map; a side-car reference carries one iteration key",
                                 state=steps[path],
                                 hint="move the step to the outer Map, or flatten the items")


def _enclosing_map(machines: list[_Machine], state_path: str) -> str | None:
    for machine in machines:
        if state_path.startswith(machine.prefix + "States.") and \
                "." not in state_path[len(machine.prefix + "States."):]:
            return machine.map_path
    return None
