"""The trace ``sfs3dsl run`` prints: one line per state entered and left, from history events.

Branches and iterations run side by side, so their events interleave; each event is placed
on its path of execution by ``previousEventId``, and nested paths are indented. A
Distributed Map's children are executions of their own, whose events are not in this
history: the trace shows the Map state and one line for its map run; when the run fails,
the Map's line gives the error (the execution's cause names the first failing child).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Echo = Callable[[str], None]
#: Events that start the work of a state; more than one per state means retries.
_ATTEMPTS = {"TaskScheduled", "MapStateStarted", "ParallelStateStarted"}
#: A Map's or Parallel's own events after its children were forked (a Distributed Map's
#: map run events are its own too: its children are not in this history).
_PARENT_AFTER_FORK = {"MapStateSucceeded", "MapStateFailed", "ParallelStateSucceeded",
                      "ParallelStateFailed", "MapStateAborted", "ParallelStateAborted",
                      "MapRunStarted", "MapRunSucceeded", "MapRunFailed", "MapRunAborted"}
_FAILURES = {"TaskFailed": "taskFailedEventDetails", "TaskTimedOut": "taskTimedOutEventDetails",
             "ExecutionFailed": "executionFailedEventDetails"}


def duration(seconds: float) -> str:
    """``0.0042`` -> ``4 ms``; ``3725`` -> ``1h02m05s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


@dataclass
class _Open:
    """A state that entered and has not left yet."""

    name: str
    kind: str
    entered: datetime
    attempts: int = 0
    error: str | None = None


@dataclass
class Trace:
    """Turns history events, as they arrive, into one line per state entered and left.

    Branches and iterations run side by side, so events interleave: each event is put on
    its path of execution by following ``previousEventId`` (a branch's first event points
    at its Parallel's or Map's ``...StateStarted`` event); nested paths are indented.
    """

    echo: Echo
    _path: dict[int, int] = field(default_factory=dict)
    _depth: dict[int, int] = field(default_factory=lambda: {0: 0})
    _label: dict[int, str] = field(default_factory=dict)
    _open: dict[int, _Open] = field(default_factory=dict)
    _types: dict[int, str] = field(default_factory=dict)
    _paths: int = 0

    def feed(self, events: Sequence[dict[str, Any]]) -> None:
        for event in events:
            self._one(event)

    def _place(self, event: dict[str, Any]) -> int:
        previous = event["previousEventId"]
        parent = self._path.get(previous, 0)
        if self._types.get(previous) in ("MapStateStarted", "ParallelStateStarted") \
                and event["type"] not in _PARENT_AFTER_FORK:
            self._paths += 1
            self._depth[self._paths] = self._depth[parent] + 1
            return self._paths
        return parent

    def _one(self, event: dict[str, Any]) -> None:
        kind, when = str(event["type"]), event["timestamp"]
        path = self._place(event)
        self._path[event["id"]], self._types[event["id"]] = path, kind
        indent = "  " * self._depth[path]
        label = self._label.get(path, "")
        if kind == "MapIterationStarted":
            details = event.get("mapIterationStartedEventDetails", {})
            self._label[path] = f"  [{details.get('name')} #{details.get('index')}]"
        elif kind.endswith("StateEntered"):
            name = event["stateEnteredEventDetails"]["name"]
            self._open[path] = _Open(name, kind[: -len("StateEntered")], when)
            self.echo(f"{indent}-> {name} ({self._open[path].kind}){label}")
        elif kind == "MapRunStarted":
            arn = event.get("mapRunStartedEventDetails", {}).get("mapRunArn")
            self.echo(f"{indent}   map run {arn} (its child executions are not traced)")
        elif kind == "MapRunFailed" and path in self._open:
            self._open[path].error = event.get("mapRunFailedEventDetails", {}).get("error")
        elif kind in _ATTEMPTS and path in self._open:
            self._open[path].attempts += 1
        elif kind in _FAILURES and path in self._open:
            details = event.get(_FAILURES[kind], {})
            self._open[path].error = details.get("error")
        elif kind.endswith("StateExited") and path in self._open:
            state = self._open.pop(path)
            self.echo(f"{indent}<- {state.name} ({state.kind}) "
                      f"{duration((when - state.entered).total_seconds())}"
                      f"{_retries(state)}{label}")
        elif kind in ("MapIterationFailed", "ExecutionFailed", "ExecutionTimedOut",
                      "ExecutionAborted"):
            self._fail(path, when, kind)

    def _fail(self, path: int, when: datetime, why: str) -> None:
        state = self._open.pop(path, None)
        if state is None:
            return
        error = f": {state.error}" if state.error else ""
        ended = "aborted" if why == "ExecutionAborted" else "failed"
        self.echo(f"{'  ' * self._depth[path]}xx {state.name} ({state.kind}) {ended} after "
                  f"{duration((when - state.entered).total_seconds())}{_retries(state)}"
                  f"{error}{self._label.get(path, '')}")

    def close(self, when: datetime) -> None:
        """Report the states still open when the execution ended."""
        for path in sorted(self._open):
            self._fail(path, when, "end")


def _retries(state: _Open) -> str:
    retries = state.attempts - 1
    return f", {retries} {'retry' if retries == 1 else 'retries'}" if retries > 0 else ""
