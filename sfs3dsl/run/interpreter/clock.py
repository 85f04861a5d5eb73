"""Time as the interpreter sees it: virtual by default, real on request.

Each path of an execution (the main path, a Parallel branch, a Map iteration) has a
:class:`Timeline`. On the virtual clock a Wait of an hour moves the timeline an hour forward
and returns at once; branches fork the parent's time and the parent continues at the latest
child's time, as if they had run side by side. On the real clock time is the wall clock and
waits sleep (interruptibly, so ``stop()`` ends them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

ClockKind = Literal["virtual", "real"]
#: Called by a virtual timeline before it moves forward to a time; returns when the path
#: may be there (:mod:`sfs3dsl.run.interpreter.scheduler` runs other paths meanwhile).
Hook = Callable[[datetime], None]


class Timeline:
    """The clock of one path of an execution."""

    virtual: bool = False

    def now(self) -> datetime:
        raise NotImplementedError

    def sleep(self, seconds: float, abort: threading.Event) -> None:
        """Let ``seconds`` pass (at once on the virtual clock)."""
        raise NotImplementedError

    def advance_to(self, when: datetime) -> None:
        """Move a virtual timeline forward to ``when`` (no-op on the real clock)."""

    def fork(self) -> Timeline:
        raise NotImplementedError

    def join(self, children: Sequence[Timeline]) -> None:
        """Continue after children that ran side by side."""


class VirtualTimeline(Timeline):
    """Virtual time of one path. With a ``hook`` (a path run by the one-thread scheduler),
    moving forward first hands the thread to the scheduler until the others caught up."""

    virtual = True

    def __init__(self, start: datetime, hook: Hook | None = None) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.hook = hook

    def now(self) -> datetime:
        return self._now

    def sleep(self, seconds: float, abort: threading.Event) -> None:
        if seconds > 0:
            self.advance_to(self._now + timedelta(seconds=seconds))

    def advance_to(self, when: datetime) -> None:
        if when <= self._now:
            return
        if self.hook is not None:
            self.hook(when)
        with self._lock:
            self._now = max(self._now, when)

    def fork(self) -> Timeline:
        return VirtualTimeline(self._now, self.hook)

    def at(self, start: datetime) -> VirtualTimeline:
        """A timeline of a path that starts at ``start`` on this one's scheduler."""
        return VirtualTimeline(start, self.hook)

    def join(self, children: Sequence[Timeline]) -> None:
        for child in children:
            self.advance_to(child.now())


class RealTimeline(Timeline):
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float, abort: threading.Event) -> None:
        if seconds > 0:
            abort.wait(seconds)

    def fork(self) -> Timeline:
        return self


def new_timeline(kind: ClockKind, start: datetime | None = None) -> Timeline:
    """A timeline for a new execution; the virtual one starts at ``start`` (default: now)."""
    if kind == "real":
        return RealTimeline()
    if kind == "virtual":
        return VirtualTimeline(start or datetime.now(UTC))
    raise ValueError(f"clock must be 'virtual' or 'real', not {kind!r}")


def iso(when: datetime) -> str:
    """AWS's timestamp text in the context object: ``2024-01-01T00:00:00.000Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
