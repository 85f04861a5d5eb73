"""Reachability over the states of one machine, for the graph checks.

A state is its position in the machine's list of states; its targets are one position
(most states), -1 for none, or a list of positions. Marks are bytearrays indexed by
position: a long line of states costs no hash table and no object per state here, which
keeps the cost per state flat as machines grow. Every search is iterative.
"""

from __future__ import annotations

#: A state's targets in its own machine: one position (-1 for none) or several.
Targets = int | list[int]


def visit(start: int, succ: list[Targets]) -> tuple[list[int], bytearray]:
    """The positions reachable from ``start`` in breadth-first order, and a mark for each."""
    seen = bytearray(len(succ))
    seen[start] = 1
    order = [start]
    for i in order:  # grows while it is read: a queue without popping
        targets = succ[i]
        if isinstance(targets, int):
            if targets >= 0 and not seen[targets]:
                seen[targets] = 1
                order.append(targets)
            continue
        for j in targets:
            if not seen[j]:
                seen[j] = 1
                order.append(j)
    return order, seen


def all_finish(order: list[int], succ: list[Targets], exits: bytearray) -> bool:
    """True when every position of ``order`` can reach an exit, shown in one backward pass.

    Going backwards through the breadth-first order, a state with a target known to finish
    finishes too: enough for a line of states and for most graphs. False can be wrong (a
    loop, or a target met later in the order); :func:`can_finish` then decides exactly.
    """
    finish = bytearray(exits)
    for i in reversed(order):
        if finish[i]:
            continue
        targets = succ[i]
        if isinstance(targets, int):
            if targets < 0 or not finish[targets]:
                return False
        elif not any(finish[j] for j in targets):
            return False
        finish[i] = 1
    return True


def can_finish(succ: list[Targets], exits: bytearray) -> bytearray:
    """A mark for every position that can reach an exit: a search over reversed targets."""
    sources: dict[int, list[int]] = {}
    for i, targets in enumerate(succ):
        for j in (targets,) if isinstance(targets, int) else targets:
            if j >= 0:
                sources.setdefault(j, []).append(i)
    finish = bytearray(exits)
    todo = [i for i, mark in enumerate(finish) if mark]
    while todo:
        for i in sources.get(todo.pop(), ()):
            if not finish[i]:
                finish[i] = 1
                todo.append(i)
    return finish
