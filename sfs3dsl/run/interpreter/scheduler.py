"""One thread for side-by-side jobs on the virtual clock: a discrete-event scheduler.

The branches of a Parallel state and the iterations of a Map state run side by side. On
the virtual clock nothing of theirs takes real time, except a Task whose callable may block
(:mod:`sfs3dsl.run.interpreter.inline` decides which jobs qualify), so they need no OS
thread each: every job runs in a greenlet on the thread that reached the state, and where
it would move its virtual clock forward (a Wait, a Retry's back-off, the millisecond between
two entries of a Task, a nested Parallel or Map waiting for its own jobs) it hands the
thread back to the scheduler with the time it wants to reach. The scheduler resumes the
job whose time is earliest (ties: the job that started first), so

* every history event gets the virtual timestamp it gets when the jobs run on threads, and
  events are recorded in the order of their timestamps;
* a job starts when a MaxConcurrency slot frees up in virtual time (threads took the slot
  freed first in real time, which could be a later one);
* a failing job stops the others at the virtual time of the failure, as AWS does: they
  record nothing after it (threads ran them on to their next check).

A nested Parallel or Map runs its own scheduler inside its job: to move to a time it moves
its parent path's clock there, which is a hand-over to the outer scheduler.

Why greenlet (a maintained library, pinned in pyproject.toml): a job's code is the
ordinary, synchronous interpreter (the engine, the Map and Parallel handlers, a Task's
callable), and the switch happens deep inside it, in the clock. Generators or asyncio would
need every function on the way to become one; greenlet switches whole call stacks, cheaply
(a switch is under a microsecond), on one thread.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from greenlet import getcurrent, greenlet

from sfs3dsl.run.interpreter.clock import Timeline, VirtualTimeline
from sfs3dsl.run.interpreter.failure import Aborted

_MICROSECOND = timedelta(microseconds=1)
#: How many times a job told to stop may still ask for time before it counts as a bug.
_KILL_TRIES = 100


class _Job:
    __slots__ = ("glet", "timeline", "want")

    def __init__(self, glet: greenlet, timeline: VirtualTimeline) -> None:
        self.glet = glet
        self.timeline = timeline
        #: The time (microseconds after the start) the job waits for, while it waits.
        self.want = 0


def run_scheduled(parent: Timeline, count: int, limit: int,
                  one: Callable[[int, VirtualTimeline], None], cancel: threading.Event,
                  stops: Sequence[threading.Event]) -> list[BaseException]:
    """Run ``one(i, timeline)`` for ``i`` in ``range(count)``, at most ``limit`` at once,
    each on a virtual timeline of its own starting when its slot frees up.

    ``cancel`` set (by ``one``, when a job failed and the others must stop) or one of
    ``stops`` set (the execution stops; the parent path is cancelled) ends the run: the
    jobs still running get :class:`Aborted` where they wait. Returns the exceptions jobs
    raised besides what ``one`` handles itself (a stop, the execution's end), in the order
    they were raised;
    ``parent`` is left at the time the last job ended (or the run was cut short).
    """
    base = parent.now()
    here = getcurrent()
    jobs: dict[int, _Job] = {}
    errors: list[BaseException] = []
    now = latest = 0
    #: (microseconds after base, job index): a job to start or to resume at that time.
    queue: list[tuple[int, int]] = [(0, i) for i in range(min(limit, count))]
    following = len(queue)

    def new_job(index: int, start: int) -> _Job:
        job = _Job(greenlet(lambda: body(index), parent=here),
                   VirtualTimeline(base + start * _MICROSECOND))

        def hook(when: datetime) -> None:
            offset = (when - base) // _MICROSECOND
            if offset <= now or getcurrent() is not job.glet:
                return  # already there (the scheduler is at that time), or not this job
            job.want = offset
            here.switch()

        job.timeline.hook = hook
        return job

    def body(index: int) -> None:
        try:
            one(index, jobs[index].timeline)
        except BaseException as exc:  # re-raised by the caller, after every job stopped
            errors.append(exc)
            cancel.set()

    def stopped() -> bool:
        return cancel.is_set() or any(event.is_set() for event in stops)

    try:
        while queue and not stopped():
            offset, i = heapq.heappop(queue)
            if offset > now:
                parent.advance_to(base + offset * _MICROSECOND)
                now = offset
                if stopped():
                    heapq.heappush(queue, (offset, i))
                    break
            job = jobs.get(i)
            if job is None:
                job = jobs[i] = new_job(i, offset)
            job.glet.switch()
            if not job.glet.dead:
                heapq.heappush(queue, (job.want, i))
                continue
            latest = max(latest, (job.timeline.now() - base) // _MICROSECOND)
            del jobs[i]
            if following < count:
                heapq.heappush(queue, (now, following))
                following += 1
    finally:
        # Cut short (a job failed, the execution stops, or the parent was told to stop
        # while it waited for time): the jobs still waiting stop where they are.
        for job in list(jobs.values()):
            _kill(job.glet)
    parent.advance_to(base + max(now, latest) * _MICROSECOND)
    return errors


def _kill(glet: greenlet) -> None:
    for _ in range(_KILL_TRIES):
        if glet.dead:
            return
        glet.throw(Aborted())
    raise RuntimeError("a job told to stop kept asking for virtual time")
