"""The Choice state: rules tried in order, each with a condition and a target."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sfs3dsl.model.chain import Chain, Chainable, as_chainable
from sfs3dsl.model.conditions import Condition, as_condition
from sfs3dsl.model.expressions import UNSET, Jsonata
from sfs3dsl.model.payload import render_payload
from sfs3dsl.model.source import caller_location
from sfs3dsl.model.states import QueryLanguage, State

if TYPE_CHECKING:
    from sfs3dsl.compile.compiler import RenderContext


class ChoiceRule:
    """One rule of a Choice: ``condition`` -> ``next``."""

    __slots__ = ("assign", "comment", "condition", "next", "output", "where")

    def __init__(self, condition: Condition, next: Chainable, *,
                 comment: str | None, assign: Mapping[str, Any] | None, output: Any,
                 where: str) -> None:
        self.condition = condition
        self.next = next
        self.comment = comment
        self.assign = assign
        self.output = output
        self.where = where

    def render(self, ctx: RenderContext, jsonata: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.comment is not None:
            out["Comment"] = self.comment
        out.update(self.condition.render())
        if self.assign is not None:
            out["Assign"] = render_payload(self.assign, jsonata=jsonata, field="Assign")
        if self.output is not UNSET:
            out["Output"] = render_payload(self.output, jsonata=True, field="Output")
        out["Next"] = ctx.name_of(self.next.start_state)
        return out


class Choice(State):
    """Goes to the first rule whose condition holds, else to the default.

    Example:
        >>> n = JsonPath("$.inputNum")
        >>> Choice("pick").when(n == 1, one).when(n > 5, big).otherwise(other)
    """

    type = "Choice"
    __slots__ = ("default", "rules")

    def __init__(self, name: str | None = None, *, input_path: Any = UNSET,
                 output_path: Any = UNSET, output: Any = UNSET,
                 assign: Mapping[str, Any] | None = None, comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        if input_path is not UNSET or output_path is not UNSET or output is not UNSET \
                or assign is not None:  # (no call when none is given)
            self._set_io(input_path=input_path, output_path=output_path, output=output,
                         assign=assign)
        self.rules: list[ChoiceRule] = []
        self.default: Chainable | None = None

    def when(self, condition: Condition | Jsonata | str, next: Chainable, *,
             comment: str | None = None, assign: Mapping[str, Any] | None = None,
             output: Any = UNSET) -> Choice:
        """Add a rule; a str or Jsonata condition is a JSONata ``Condition``."""
        where = caller_location()
        target = as_chainable(next, f"Choice {self.label!r} rule", where)
        self.rules.append(ChoiceRule(as_condition(condition), target, comment=comment,
                                     assign=assign, output=output, where=where))
        return self

    def otherwise(self, default: Chainable) -> Choice:
        """Set the Default target, taken when no rule matches."""
        if self.default is not None:
            raise self._fail(f"already has the default {self.default.start_state.label!r}",
                             hint="call otherwise() once")
        self.default = as_chainable(default, f"Choice {self.label!r} otherwise",
                                    self.where)
        return self

    @property
    def end_states(self) -> Sequence[State]:
        return ()

    def afterwards(self) -> Chain:
        """A chain whose open ends are every branch's open ends, to continue after the Choice.

        Example:
            >>> choice.afterwards() >> Pass("joined")
        """
        ends: list[State] = []
        seen: set[int] = set()
        targets = [r.next for r in self.rules]
        if self.default is not None:
            targets.append(self.default)
        for target in targets:
            for end in target.end_states:
                if id(end) not in seen:
                    seen.add(id(end))
                    ends.append(end)
        return Chain(self, ends)

    def successors(self) -> Iterator[State]:
        for rule in self.rules:
            yield rule.next.start_state
        if self.default is not None:
            yield self.default.start_state

    def render_extra(self, out: dict[str, Any], ctx: RenderContext, jsonata: bool) -> None:
        out["Choices"] = [rule.render(ctx, jsonata) for rule in self.rules]
        if self.default is not None:
            out["Default"] = ctx.name_of(self.default.start_state)
