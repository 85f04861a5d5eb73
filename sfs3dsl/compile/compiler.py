"""Compile a workflow into its ASL dict and a source map ``{state path: file:line}``.

The walk is iterative (a worklist per machine), so a line of 100,000 states compiles without
recursion; only the nesting of Parallel branches and Map processors recurses, and that is
as deep as the user's nesting. Graph mistakes (duplicate names, a state shared by two
machines) are collected and raised together with their ``file:line``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sfs3dsl.compile.json_text import dumps_measured
from sfs3dsl.compile.order import canonical_state, dumps
from sfs3dsl.core.errors import ValidationError
from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.core.lazy import LazyMapping
from sfs3dsl.core.problems import Problem

if TYPE_CHECKING:
    from sfs3dsl.model.states import State
    from sfs3dsl.model.workflow import Workflow


class Compiled:
    """The result of compiling a workflow.

    Attributes:
        asl: the ASL document (canonical key order).
        sources: ``{state path: "file.py:line"}`` for every state.
        problems: every problem found (only warnings unless compiled with
            ``raise_errors=False``).
    """

    __slots__ = ("_text", "asl", "problems", "sources")

    def __init__(self, asl: dict[str, Any], sources: Mapping[str, str],
                 problems: list[Problem], text: str | None = None) -> None:
        self.asl = asl
        self.sources = sources
        self.problems = problems
        #: to_json()'s text when the validator needed it written (for the size check)
        self._text = text

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_json(self) -> str:
        """The ASL as deterministic JSON text: of the document as compiled (the text the
        validator measured, when it ran), so change a copy of ``asl``, not ``asl``."""
        if self._text is not None:
            return self._text
        return dumps(self.asl, ordered=True)


class _Scope:
    """One machine: the top level, a Parallel branch or a Map processor."""

    __slots__ = ("holders", "index", "owner", "prefix", "start", "states")

    def __init__(self, owner: State | None, index: int, start: State) -> None:
        self.owner = owner
        self.index = index
        self.start = start
        self.states: list[State] = []
        self.holders: list[State] = []  # its states that hold branches or a processor
        self.prefix = ""  # the owner's path and field, set by _place_scopes

    def path_of(self, state: State, ctx: RenderContext) -> str:
        """The document path of one of its states: ``States.P.Branches[0].States.B``."""
        return f"{self.prefix}States.{ctx.name_of(state)}"


def default_name(state: State) -> str:
    """A readable name for a state the user did not name: its function or service, or type."""
    resource = state.fields.get("Resource")
    if isinstance(resource, str):
        if ":function:" in resource:
            return resource.split(":function:", 1)[1].split(":", 1)[0] or "Task"
        if resource.startswith("arn:aws:states:::"):
            parts = resource[len("arn:aws:states:::"):].split(".", 1)[0].split(":")
            return "-".join(p for p in parts if p != "aws-sdk") or "Task"
    return state.type


_own_name: Callable[[State], str] = attrgetter("name")


class RenderContext:
    """What a state needs to render itself: names of other states, nested machines."""

    #: The name a state renders under (its own, or the one in ``renamed``).
    name_of: Callable[[State], str]

    def __init__(self, query_language: str | None) -> None:
        self.query_language = query_language or "JSONPath"
        #: Names that are not the state's own: default names and duplicates' stand-ins
        #: (a few; a line of 100,000 named states needs no table of 100,000 names).
        self.renamed: dict[int, str] = {}
        self.scopes: dict[tuple[int, int], _Scope] = {}
        self.name_of = self._looked_up

    def names_assigned(self) -> None:
        """Every state has its name now. When none was renamed (the usual case: every
        state named by the user, no duplicates) a name is the state's own, read by a C
        attribute getter: ``name_of`` is asked about twice per state."""
        if not self.renamed:
            self.name_of = _own_name

    def _looked_up(self, state: State) -> str:
        name = self.renamed.get(id(state), state.name)
        if name is None:  # every unnamed state is given a name before anything renders
            raise KeyError(f"{state!r} was not named")
        return name

    def render_machine(self, owner: State, index: int) -> dict[str, Any]:
        """The branch (or processor) number ``index`` of ``owner``, rendered."""
        return self.render_scope(self.scopes[(id(owner), index)])

    def render_scope(self, scope: _Scope) -> dict[str, Any]:
        """A machine's ``StartAt`` and ``States``, each state in canonical key order (put
        in order as it is rendered: one pass over a line of 100,000 states, not two)."""
        name_of = self.name_of
        return {"StartAt": name_of(scope.start),
                "States": {name_of(s): canonical_state(s.render(self)) for s in scope.states}}


class SourceMap(LazyMapping[str, str]):
    """``{state path: "file:line"}`` for every state, made on first use.

    The validator reads it only to place a problem, so a clean line of 100,000 states
    never builds its 100,000 paths.
    """

    def __init__(self, scopes: list[_Scope], ctx: RenderContext) -> None:
        super().__init__(lambda: {scope.path_of(state, ctx): state.where
                                  for scope in scopes for state in scope.states})
        self._size = sum(len(scope.states) for scope in scopes)  # paths are unique

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:
        return f"SourceMap({self.made()!r})"


class _Found:
    """What the walk found: the machines, their problems, and the names in use."""

    __slots__ = ("duplicates", "names", "problems", "scopes", "taken", "unnamed")

    def __init__(self, start: State) -> None:
        self.scopes = [_Scope(None, 0, start)]
        self.problems: list[Problem] = []
        #: the names of the named states, in the order they were found
        self.names: list[str] = []
        #: name -> the first state (machines in order, each breadth first) of that name;
        #: filled in by ``note_names`` only when a name is missing or used twice
        self.taken: dict[str, State] = {}
        #: (duplicate, first) pairs of distinct states sharing a name
        self.duplicates: list[tuple[State, State]] = []
        self.unnamed = False  # some state is left for the compiler to name

    def note_names(self) -> None:
        """Find the duplicates, and fill in ``taken`` when the compiler must choose names.
        A set of the names, made in C, tells that none is used twice (the usual case)."""
        if not self.unnamed and len(set(self.names)) == len(self.names):
            return
        taken, duplicates = self.taken, self.duplicates
        for scope in self.scopes:
            for state in scope.states:
                name = state.name
                if name is not None:
                    other = taken.setdefault(name, state)
                    if other is not state:
                        duplicates.append((state, other))


#: Marks for the walk: each walk takes the next number, times 2**32, as its base, and
#: machine ``k`` of it marks its states with base + k (one int object for a machine, shared
#: by its states). A mark below the base is an earlier walk's: not met yet by this one.
_WALKS = itertools.count(1)
#: One walk at a time writes marks (two threads compiling one workflow would otherwise
#: overwrite each other's); reentrant, so a user's ``successors()`` cannot deadlock it.
_WALKING = threading.RLock()


def _discover(start: State) -> _Found:
    """Find every machine and its states; note the names as they are met (in the order
    they are listed, so one pass over the states serves both).

    A state met before is known by its mark (``State.walk_mark``), not by a table of the states
    met: at 100,000 states such a table is megabytes looked up at random, which made this
    walk grow faster than the number of states."""
    found = _Found(start)
    scopes, problems = found.scopes, found.problems
    add_name = found.names.append
    with _WALKING:
        base = next(_WALKS) << 32
        # Breadth first (the order of each machine's States): a list that grows while it
        # is iterated is the queue, cheaper than a deque's popleft for every state.
        for number, scope in enumerate(scopes):
            mark = base + number
            states = scope.states
            queue = [scope.start]
            for state in queue:
                seen = state.walk_mark
                if seen is mark:
                    continue
                if seen >= base:
                    problems.append(Problem(
                        "state-in-two-machines", state.label,
                        f"state {state.label!r} is used in two machines (a branch or Map "
                        "processor and another)",
                        "create a separate state object for each branch", state=state.name,
                        where=state.where))
                    continue
                state.walk_mark = mark
                states.append(state)
                name = state.name
                if name is None:
                    found.unnamed = True
                else:
                    add_name(name)
                if state.plain:
                    target = state.next_state
                    if target is not None:
                        queue.append(target)
                    continue
                queue.extend(state.successors())
                subs = state.sub_machines()
                if subs:
                    scope.holders.append(state)
                for index, sub in enumerate(subs):
                    scopes.append(_Scope(state, index, sub.start_state))
    found.note_names()
    return found


def _assign_names(found: _Found, ctx: RenderContext) -> None:
    """Name every state: a stand-in for each duplicate, a default for each unnamed one.

    A duplicate gets a stand-in name so the rest of the definition can still be rendered
    and validated: the user sees every problem at once, not only the first.
    """
    taken = found.taken
    for state, _ in found.duplicates:
        k = 2
        while f"{state.name} (duplicate {k})" in taken:
            k += 1
        stand_in = f"{state.name} (duplicate {k})"
        taken[stand_in] = state
        ctx.renamed[id(state)] = stand_in
    counters: dict[str, int] = {}
    for scope in found.scopes if found.unnamed else ():
        for state in scope.states:
            if state.name is not None:
                continue
            base = default_name(state)
            n = counters.get(base, 0)
            candidate = base if n == 0 else f"{base}-{n + 1}"
            while candidate in taken:
                n += 1
                candidate = f"{base}-{n + 1}"
            counters[base] = n + 1
            taken[candidate] = state
            ctx.renamed[id(state)] = candidate


def _duplicate_problem(state: State, first: State, path: str) -> Problem:
    return Problem(
        "duplicate-state-name", path,
        f"two different states are named {state.name!r} (the other is defined at "
        f"{first.where}); names must be unique in the whole machine, branches included",
        "rename one of them", state=state.name, where=state.where)


def _place_scopes(scopes: list[_Scope], ctx: RenderContext,
                  duplicates: list[tuple[State, State]]) -> dict[int, str]:
    """Give each branch and processor its path prefix and register it for rendering;
    return the paths of the duplicates (the only other paths asked for)."""
    path_of: dict[int, str] = {}
    for scope in scopes:
        if scope.owner is not None:
            owner = path_of[id(scope.owner)]
            field = "Branches" if scope.owner.type == "Parallel" else \
                str(getattr(scope.owner, "field_name", "ItemProcessor"))
            scope.prefix = f"{owner}.{field}[{scope.index}]." if field == "Branches" else \
                f"{owner}.{field}."
            ctx.scopes[(id(scope.owner), scope.index)] = scope
        for state in scope.holders:
            path_of[id(state)] = scope.path_of(state, ctx)
    wanted = {id(state) for state, _ in duplicates}
    for scope in scopes if wanted else ():
        for state in scope.states:
            if id(state) in wanted:
                path_of[id(state)] = scope.path_of(state, ctx)
    return path_of


@gc_paused
def compile_workflow(workflow: Workflow, *, validate: bool = True,
                     raise_errors: bool = True) -> Compiled:
    """Compile ``workflow`` to ASL; raise ValidationError with every problem found.

    Args:
        workflow: the workflow to compile.
        validate: run the validator on the result (the default).
        raise_errors: raise :class:`ValidationError` listing every error (the default);
            when false, return them in ``Compiled.problems`` with the warnings.
    """
    start = workflow.definition.start_state
    found = _discover(start)
    scopes, duplicates = found.scopes, found.duplicates
    ctx = RenderContext(workflow.query_language)
    _assign_names(found, ctx)
    ctx.names_assigned()
    if found.problems:  # a state shared by two machines cannot be rendered at all
        raise ValidationError(found.problems)
    path_of = _place_scopes(scopes, ctx, duplicates)
    sources = SourceMap(scopes, ctx)
    problems = [_duplicate_problem(s, first, path_of[id(s)]) for s, first in duplicates]
    asl: dict[str, Any] = {}
    if workflow.comment is not None:
        asl["Comment"] = workflow.comment
    if workflow.query_language is not None:
        asl["QueryLanguage"] = workflow.query_language
    asl.update(ctx.render_scope(scopes[0]))
    if workflow.timeout_seconds is not None:
        asl["TimeoutSeconds"] = workflow.timeout_seconds
    if workflow.version is not None:
        asl["Version"] = workflow.version
    text: str | None = None
    if validate:
        from sfs3dsl.validate import validate_definition

        # The size check measures the definition's text: write it once, here, for both
        # the check and to_json() (the document is in canonical order already). What the
        # writer refuses (a non-string key, a value JSON has no form for) is left to the
        # validator, which measures it its own way and reports it.
        measured: tuple[str, int | None] | None
        try:
            measured = dumps_measured(asl, newline=True)
        except (TypeError, ValueError):
            measured = None
        problems.extend(validate_definition(asl, sources, text=measured))
        text = None if measured is None else measured[0]
    errors = [p for p in problems if p.severity == "error"]
    if errors and raise_errors:
        raise ValidationError(errors)
    return Compiled(asl, sources, problems, text)
