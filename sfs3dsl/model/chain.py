"""Chains: a value with a start state and its open ends.

``a >> b >> c`` (or ``a.next(b).next(c)``) links ``a`` to ``b`` and ``b`` to ``c`` and
returns a :class:`Chain` that starts at ``a`` and ends at ``c``; linking costs O(open ends),
so a line of 100,000 states builds in linear time and nothing recurses over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sfs3dsl.core.errors import BuildError

if TYPE_CHECKING:
    from sfs3dsl.model.states import State


class Chainable:
    """Anything with a start state and open ends: a State or a Chain."""

    __slots__ = ()

    @property
    def start_state(self) -> State:
        raise NotImplementedError

    @property
    def end_states(self) -> Sequence[State]:
        raise NotImplementedError

    def next(self, other: Chainable) -> Chain:
        """Continue every open end with ``other``; return the longer chain.

        Written out rather than through ``as_chainable`` and ``_link`` (which say what is
        wrong): ``>>`` runs once for every state of a line, so the usual case, an open end
        with no Next yet, is linked here with no further call.
        """
        start = self.start_state
        # (as_chainable, which says what is wrong, only for what is not a state or chain)
        other = other if isinstance(other, Chainable) else as_chainable(other, "next",
                                                                         start.where)
        ends = self.end_states
        if not ends:
            _link(ends, self.closed_by, other)  # raises
        first = other.start_state
        for end in ends:
            if end.next_state is None and not end.terminal:
                end.next_state = first
            else:
                end.continue_to(first)  # says what is wrong, or allows the same Next
        return Chain(start, other.end_states, closed_by=other.closed_by)

    def __rshift__(self, other: Chainable) -> Chain:
        return self.next(other)

    @property
    def closed_by(self) -> State:
        """The state that closes this chain when it has no open end (Succeed, Fail, Choice)."""
        return self.start_state


class Chain(Chainable):
    """A sequence of states, from ``start_state`` to the open ``end_states``.

    Example:
        >>> flow = Pass("a") >> Pass("b") >> Succeed("done")
        >>> flow.start_state.name, flow.end_states
        ('a', ())
    """

    __slots__ = ("_closed_by", "_end_states", "_start_state")

    def __init__(self, start: State, ends: Sequence[State], *,
                 closed_by: State | None = None) -> None:
        self._start_state = start
        self._end_states = tuple(ends)
        self._closed_by = closed_by

    @property
    def closed_by(self) -> State:
        return self._closed_by if self._closed_by is not None else self._start_state

    @property
    def start_state(self) -> State:
        return self._start_state

    @property
    def end_states(self) -> Sequence[State]:
        return self._end_states

    @staticmethod
    def sequence(first: Chainable, *rest: Chainable) -> Chain:
        """Link ``first`` to each of ``rest`` in turn: ``Chain.sequence(a, b, c)``."""
        ends, closer = first.end_states, first.closed_by
        for item in rest:  # one pass, no intermediate chains
            target = as_chainable(item, "next", closer.where)
            _link(ends, closer, target)
            ends, closer = target.end_states, target.closed_by
        return Chain(first.start_state, ends, closed_by=closer)

    def __repr__(self) -> str:
        ends = ", ".join(repr(e.name) for e in self._end_states)
        return f"Chain(start={self._start_state.name!r}, ends=[{ends}])"


def _link(ends: Sequence[State], closer: State, target: Chainable) -> None:
    """Point every open end at ``target``; ``closer`` is named when there is no end."""
    if not ends:
        raise BuildError("there is no open end to continue from "
                         "(the chain ends in Succeed, Fail or a Choice)",
                         state=closer.label, where=closer.where,
                         hint="continue a Choice with .afterwards().next(...); "
                              "nothing can follow Succeed or Fail")
    start = target.start_state
    for end in ends:
        end.continue_to(start)


def as_chainable(value: object, what: str, where: str | None) -> Chainable:
    """Accept a State or a Chain where a transition target is expected."""
    if isinstance(value, Chainable):
        return value
    raise BuildError(f"{what} got {value!r}, which is not a state or a chain", where=where,
                     hint="pass a state such as Pass('x') or a chain a >> b")
