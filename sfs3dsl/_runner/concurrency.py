"""Running branches and iterations side by side, at most ``limit`` at a time.

Real threads do the work (a pool per Parallel or Map state; one job runs inline in the
caller's thread). On the virtual clock each job starts when a slot frees up in virtual time,
so a Map of ten one-hour iterations with MaxConcurrency 2 takes five virtual hours.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sfs3dsl._runner.clock import Timeline, VirtualTimeline
from sfs3dsl._runner.failure import Aborted, StateFailure
from sfs3dsl._runner.scope import Frame

#: Inline Map iterations AWS runs at once when MaxConcurrency is 0 (unlimited).
INLINE_LIMIT = 40


@dataclass
class Outcome:
    """The end of one job: its output, or the failure that ended it."""

    output: Any = None
    failure: StateFailure | None = None


Job = Callable[[Frame], Any]
#: Called after each failed job with the failures so far; True stops the remaining jobs.
StopRule = Callable[[int], bool]


class _Slots:
    """Virtual start times: a job takes the earliest free slot, then gives back its end."""

    def __init__(self, start: datetime, limit: int) -> None:
        self._free = [start] * limit
        self._lock = threading.Lock()

    def take(self) -> datetime:
        with self._lock:
            return heapq.heappop(self._free)

    def give(self, when: datetime) -> None:
        with self._lock:
            heapq.heappush(self._free, when)


def run_jobs(frame: Frame, jobs: Sequence[tuple[Job, Frame]], limit: int,
             stop_rule: StopRule) -> list[Outcome]:
    """Run each ``job(child_frame)``; returns outcomes in order.

    A job's StateFailure is recorded in its Outcome; ``stop_rule(failures)`` decides
    whether the remaining jobs are cancelled. Any other exception (a stop, a harness
    error) is re-raised here after the pool has shut down.
    """
    limit = max(1, min(limit or len(jobs) or 1, len(jobs) or 1))
    cancel = threading.Event()
    outcomes = [Outcome() for _ in jobs]
    failures = [0]
    lock = threading.Lock()
    slots = _Slots(frame.timeline.now(), limit) if frame.timeline.virtual else None

    def one(i: int) -> None:
        job, child = jobs[i]
        if slots is not None:
            child.timeline = VirtualTimeline(slots.take())
        try:
            child.cancel = (*child.cancel, cancel)
            child.check()
            outcomes[i].output = job(child)
        except Aborted:
            if frame.run.stop.is_set():
                raise
            outcomes[i].failure = None  # cancelled because a sibling failed
        except StateFailure as failure:
            outcomes[i].failure = failure
            with lock:
                failures[0] += 1
                if stop_rule(failures[0]):
                    cancel.set()
        finally:
            if slots is not None:
                slots.give(child.timeline.now())

    if limit == 1 or len(jobs) <= 1:
        for i in range(len(jobs)):
            if cancel.is_set():
                break
            one(i)
    else:
        _run_workers(one, len(jobs), limit, cancel)
    _join(frame.timeline, [child for _, child in jobs])
    frame.check()
    return outcomes


def _run_workers(one: Callable[[int], None], count: int, limit: int,
                 cancel: threading.Event) -> None:
    """Run ``one(0) .. one(count - 1)`` on ``limit`` threads, each taking the next index.

    At most ``limit`` iterations run at once, as MaxConcurrency asks, without a future per
    iteration: a Map over 10,000 items costs what 10 Maps over 1,000 cost. An exception
    other than a recorded StateFailure stops the others and is re-raised here.
    """
    indexes = itertools.count()  # next() on it is atomic under the GIL
    errors: list[BaseException] = []

    def worker() -> None:
        while not cancel.is_set():
            i = next(indexes)
            if i >= count:
                return
            try:
                one(i)
            except BaseException as exc:  # re-raised below, after every worker stopped
                errors.append(exc)
                cancel.set()
                return

    threads = [threading.Thread(target=worker, name=f"sfs3dsl-{k}", daemon=True)
               for k in range(limit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _reraise(list(errors))


def _reraise(errors: list[BaseException | None]) -> None:
    real = [e for e in errors if e is not None and not isinstance(e, Aborted)]
    if real:
        raise real[0]
    if any(isinstance(e, Aborted) for e in errors):
        raise Aborted()


def _join(timeline: Timeline, children: Sequence[Frame]) -> None:
    timeline.join([child.timeline for child in children])
