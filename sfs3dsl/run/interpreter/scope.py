"""The objects one execution is made of: the run, a path of execution, a state's view.

* :class:`Run` - one execution: names, ARNs, history, the stop flag.
* :class:`Frame` - one path of execution (the main path, a branch, an iteration): its
  timeline, its variable scope and, inside a Map, the current item.
* :class:`Env` - what the expressions of one state can see: input, context object,
  variables. The context object is built only when something reads it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.interpreter.clock import Timeline, iso
from sfs3dsl.run.interpreter.failure import Aborted
from sfs3dsl.run.interpreter.history import History
from sfs3dsl.syntax.asl import JSONATA, JSONPATH

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.map_run import MapRun
    from sfs3dsl.run.interpreter.runner import Runner


class Variables:
    """A variable scope; an inner scope (branch, iteration) reads the outer ones."""

    __slots__ = ("parent", "values")

    def __init__(self, parent: Variables | None = None) -> None:
        self.parent = parent
        self.values: dict[str, Any] = {}

    def lookup(self, name: str) -> Any:
        """The value of ``name``; raises KeyError when no scope defines it."""
        scope: Variables | None = self
        while scope is not None:
            if name in scope.values:
                return scope.values[name]
            scope = scope.parent
        raise KeyError(name)

    def visible(self) -> dict[str, Any]:
        """Every variable this scope can read (inner names hide outer ones)."""
        chain: list[dict[str, Any]] = []
        scope: Variables | None = self
        while scope is not None:
            chain.append(scope.values)
            scope = scope.parent
        if len(chain) == 1:
            return chain[0]
        out: dict[str, Any] = {}
        for values in reversed(chain):
            out.update(values)
        return out


@dataclass
class Run:
    """One execution of a state machine."""

    runner: Runner
    definition: dict[str, Any]
    name: str
    arn: str
    machine_name: str
    machine_arn: str
    role_arn: str
    input: Any
    start: datetime
    history: History = field(default_factory=History)
    stop: threading.Event = field(default_factory=threading.Event)
    deadline: datetime | None = None
    timeline: Timeline = field(default_factory=lambda: _unset_timeline())
    #: The execution that started this one (a Distributed Map's child has its parent).
    parent: Run | None = None
    #: The map runs of this execution's Distributed Map states, in the order they started.
    map_runs: list[MapRun] = field(default_factory=list)
    #: How the jobs of each Parallel and Map state run, by ``id`` of the state
    #: (:func:`sfs3dsl.run.interpreter.inline.plan`).
    plans: dict[int, tuple[bool, bool]] = field(default_factory=dict)

    @property
    def start_text(self) -> str:
        return iso(self.start)

    @property
    def top_arn(self) -> str:
        """The ARN of the execution that was started (a child's root parent): the one a
        caller holds a handle on, so task tokens of its children are found under it."""
        run = self
        while run.parent is not None:
            run = run.parent
        return run.arn


def _unset_timeline() -> Timeline:
    from sfs3dsl.run.interpreter.clock import RealTimeline

    return RealTimeline()


class Frame:
    """One path of execution inside a run."""

    def __init__(self, run: Run, timeline: Timeline, variables: Variables,
                 language: str, *, map_item: dict[str, Any] | None = None,
                 cancel: Iterable[threading.Event] = ()) -> None:
        self.run = run
        self.timeline = timeline
        self.variables = variables
        self.language = language
        self.map_item = map_item
        self.cancel = (run.stop, *cancel)
        self.last_event = 0
        #: When each Task state was last entered on this path (virtual clock only).
        self.entered: dict[str, datetime] = {}

    def child(self, *, language: str | None = None, map_item: dict[str, Any] | None = None,
              cancel: threading.Event | None = None) -> Frame:
        """A frame for a branch or iteration: forked time, an inner variable scope."""
        extra = (*self.cancel[1:], cancel) if cancel is not None else self.cancel[1:]
        frame = Frame(self.run, self.timeline.fork(), Variables(self.variables),
                      language or self.language, map_item=map_item, cancel=extra)
        frame.last_event = self.last_event
        return frame

    def check(self) -> None:
        """Raise :class:`Aborted` when this path was told to stop."""
        for event in self.cancel:
            if event.is_set():
                raise Aborted()

    def event(self, event_type: str, details: dict[str, Any] | None = None) -> int:
        """Record a history event on this path; returns its id."""
        self.last_event = self.run.history.add(event_type, self.timeline.now(),
                                               self.last_event, details)
        return self.last_event


class Env:
    """What the expressions of one state can see."""

    __slots__ = ("_context", "entered", "entered_id", "frame", "input", "name", "retry_count",
                 "state", "task_token")

    def __init__(self, frame: Frame, name: str, state: dict[str, Any], value: Any,
                 entered_id: int) -> None:
        self.frame = frame
        self.name = name
        self.state = state
        self.input = value
        self.entered_id = entered_id
        self.entered = frame.timeline.now()
        self.task_token: str | None = None
        self.retry_count: int | None = None
        self._context: dict[str, Any] | None = None

    @property
    def jsonata(self) -> bool:
        return bool(self.state.get("QueryLanguage", self.frame.language) == JSONATA)

    def context(self) -> dict[str, Any]:
        """The context object (``$$`` / ``$states.context``)."""
        if self._context is None:
            run = self.frame.run
            state: dict[str, Any] = {"EnteredTime": iso(self.entered), "Name": self.name}
            if self.retry_count is not None:
                state["RetryCount"] = self.retry_count
            ctx: dict[str, Any] = {
                "Execution": {"Id": run.arn, "Input": run.input, "Name": run.name,
                              "RoleArn": run.role_arn, "StartTime": run.start_text,
                              "RedriveCount": 0},
                "State": state,
                "StateMachine": {"Id": run.machine_arn, "Name": run.machine_name},
            }
            if self.task_token is not None:
                ctx["Task"] = {"Token": self.task_token}
            if self.frame.map_item is not None:
                ctx["Map"] = {"Item": self.frame.map_item}
            self._context = ctx
        return self._context

    def reset_context(self) -> None:
        self._context = None

    def variable(self, name: str) -> Any:
        return self.frame.variables.lookup(name)


def language_of(machine: dict[str, Any], default: str = JSONPATH) -> str:
    """The query language a machine (or branch, or processor) declares."""
    value = machine.get("QueryLanguage", default)
    return value if isinstance(value, str) else default


#: Runs one machine (a Parallel branch, a Map iteration) in a frame: the engine's
#: ``run_machine``, handed to Parallel and Map so they need not import the engine.
RunMachine = Callable[[Frame, dict[str, Any], Any], Any]
