"""Running branches and iterations side by side, at most ``limit`` at a time.

Real threads do the work (a pool per Parallel or Map state; one job runs inline in the
caller's thread). On the virtual clock each job starts when a slot frees up in virtual time,
so a Map of ten one-hour iterations with MaxConcurrency 2 takes five virtual hours. On the
virtual clock, jobs that can neither move the clock nor wait for the outside world
(:mod:`sfs3dsl.run.interpreter.inline` decides) run on the caller's thread, one after another;
jobs that may move the clock but never block run on the caller's thread too, under the
discrete-event scheduler of :mod:`sfs3dsl.run.interpreter.scheduler`.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sfs3dsl.run.interpreter.clock import VirtualTimeline
from sfs3dsl.run.interpreter.failure import Aborted, StateFailure
from sfs3dsl.run.interpreter.scope import Frame

#: Inline Map iterations AWS runs at once when MaxConcurrency is 0 (unlimited).
INLINE_LIMIT = 40


class Outcomes:
    """The ends of all jobs: ``outputs[i]`` for a job that finished, ``failures[i]`` for
    one that failed (a cancelled job has neither)."""

    __slots__ = ("failures", "outputs")

    def __init__(self, count: int) -> None:
        self.outputs: list[Any] = [None] * count
        self.failures: dict[int, StateFailure] = {}

    def first_failure(self) -> StateFailure | None:
        return self.failures[min(self.failures)] if self.failures else None


#: Runs job number ``i`` on its own frame.
Job = Callable[[int, Frame], Any]
#: Makes the frame of job number ``i`` when the job starts.
MakeFrame = Callable[[int], Frame]
#: Called after each failed job with the failures so far; True stops the remaining jobs.
StopRule = Callable[[int], bool]


_MICROSECOND = timedelta(microseconds=1)
#: With the GIL, one heapq call on a list of ints is atomic: it runs in C, compares ints
#: and never lets another thread in. A lock there made every thread of a big Map queue on
#: it (a lock convoy: each hand-over waits for the GIL), and the cost per iteration grew
#: with the length of the run. Free-threaded builds have no GIL, and take the lock.
_GIL = bool(getattr(sys, "_is_gil_enabled", lambda: True)())


class _Slots:
    """Virtual start times: a job takes the earliest free slot, then gives back its end.

    A time is kept as whole microseconds after ``start``, so comparing two runs no Python
    code (a tzinfo written in Python would), and handed out as ``start`` plus that much:
    in the start time's own zone, naive when it was naive.
    """

    def __init__(self, start: datetime, limit: int) -> None:
        self._start = start
        self._free = [0] * limit
        self._lock = contextlib.nullcontext() if _GIL else threading.Lock()

    def take(self) -> datetime:
        with self._lock:
            offset = heapq.heappop(self._free)
        return self._start + offset * _MICROSECOND

    def give(self, when: datetime) -> None:
        offset = (when - self._start) // _MICROSECOND
        with self._lock:
            heapq.heappush(self._free, offset)

    def latest(self) -> datetime:
        """When the last job ended (the start time when none ran)."""
        return self._start + max(self._free) * _MICROSECOND


def run_jobs(frame: Frame, count: int, job: Job, make_frame: MakeFrame, limit: int,
             stop_rule: StopRule, *, inline: bool = False,
             scheduled: bool = False) -> Outcomes:
    """Run ``job(i, make_frame(i))`` for ``i`` in ``range(count)``; at most ``limit`` at once.

    On the virtual clock (a real clock always takes threads):

    * ``inline``: the jobs can neither move the virtual clock nor wait for anything
      outside the execution (:func:`sfs3dsl.run.interpreter.inline.may_wait` is False for
      them); they run on this thread, one after another in the order they start, which is
      exact for such jobs (see that module) and starts no thread;
    * ``scheduled``: the jobs may move the virtual clock but never block this thread
      (:func:`sfs3dsl.run.interpreter.inline.needs_threads` is False for them); they run
      on this thread under :mod:`sfs3dsl.run.interpreter.scheduler`, each until it would
      move its clock, in the order of their virtual times;
    * else each concurrent job gets a thread.

    A job's frame is made when the job starts and dropped when it ends, so a Map over
    100,000 items holds only ``limit`` frames at a time (and the garbage collector has no
    growing heap of waiting frames to walk). A job's StateFailure is recorded in
    ``failures``; ``stop_rule(failures)`` decides whether the remaining jobs are cancelled.
    Any other exception (a stop, a harness error) is re-raised here after every worker
    has stopped.
    """
    limit = max(1, min(limit or count or 1, count or 1))
    cancel = threading.Event()
    outcomes = Outcomes(count)
    lock = threading.Lock()
    timeline = frame.timeline
    virtual = isinstance(timeline, VirtualTimeline)
    slots = _Slots(timeline.now(), limit) if virtual else None
    # One after another on this thread: the jobs' clocks hand over to this path's
    # scheduler, if it has one (a nested state in a scheduled job).
    here = limit == 1 or count <= 1 or (inline and virtual)

    def one(i: int, own: VirtualTimeline | None = None) -> None:
        child = make_frame(i)
        if own is not None:
            child.timeline = own
        elif slots is not None:
            start = slots.take()
            child.timeline = timeline.at(start) if here and isinstance(
                timeline, VirtualTimeline) else VirtualTimeline(start)
        try:
            child.cancel = (*child.cancel, cancel)
            child.check()
            outcomes.outputs[i] = job(i, child)
        except Aborted:
            if frame.run.stop.is_set():
                raise
            # cancelled because a sibling failed: neither an output nor a failure
        except StateFailure as failure:
            with lock:
                outcomes.failures[i] = failure
                if stop_rule(len(outcomes.failures)):
                    cancel.set()
        finally:
            if slots is not None and own is None:
                slots.give(child.timeline.now())

    if here:
        for i in range(count):
            if cancel.is_set():
                break
            one(i)
    elif scheduled and virtual:
        from sfs3dsl.run.interpreter.scheduler import run_scheduled

        _reraise(list(run_scheduled(timeline, count, limit, one, cancel, frame.cancel)))
        frame.check()
        return outcomes
    else:
        _run_workers(one, count, limit, cancel)
    if slots is not None:
        timeline.advance_to(slots.latest())
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
        go.wait()
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

    # Workers wait for ``go`` until all are started: ``Thread.start`` waits for the new
    # thread to run, and with workers already busy each start queued behind them for the
    # interpreter lock (a switch interval, 5 ms by default, a turn): starting 40 threads
    # took from 2 to 27 ms run to run.
    go = threading.Event()
    threads = [threading.Thread(target=worker, name=f"sfs3dsl-{k}", daemon=True)
               for k in range(limit)]
    try:
        for thread in threads:
            thread.start()
    except BaseException:  # no thread left to start (RuntimeError): stop those that did
        cancel.set()
        raise
    finally:
        go.set()
    for thread in threads:
        thread.join()
    _reraise(list(errors))


def _reraise(errors: list[BaseException | None]) -> None:
    real = [e for e in errors if e is not None and not isinstance(e, Aborted)]
    if real:
        raise real[0]
    if any(isinstance(e, Aborted) for e in errors):
        raise Aborted()
