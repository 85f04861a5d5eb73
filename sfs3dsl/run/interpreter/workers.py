"""The threads executions started with :meth:`Runner.start` run on: kept and reused.

A new thread per execution costs a ``clone``, a stack and, in :meth:`threading.Thread.start`,
a wait until the thread has run, on the caller's side: under ``sfs3dsl serve`` that was a
fifth of the CPU time of a short execution. A finished execution's thread instead waits
(up to :data:`IDLE_SECONDS`) for the next one. The pool has no upper bound, as threads
had none: an execution waiting for a callback holds its thread for as long as it waits, and
the next one must not queue behind it.

Hand-written: :class:`concurrent.futures.ThreadPoolExecutor` has a fixed number of workers
(a full pool of waiting callbacks would block every later start) and a future per call.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable

#: How long an idle thread waits for work before it ends.
IDLE_SECONDS = 5.0


class _Slot:
    """An idle thread's mailbox: ``ready`` is released when ``work`` is set."""

    __slots__ = ("ready", "work")

    def __init__(self) -> None:
        self.ready = threading.Lock()
        self.ready.acquire()
        self.work: Callable[[], None] | None = None


class Workers:
    """Runs each callable given to :meth:`submit` on a thread of its own at once."""

    def __init__(self, name: str = "sfs3dsl-run") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._idle: list[_Slot] = []

    def submit(self, work: Callable[[], None]) -> None:
        """Run ``work()`` on an idle thread, or on a new one if none is idle. It runs in a
        fresh :mod:`contextvars` context, as on a new thread; its exceptions are lost
        (the caller's ``work`` catches its own)."""
        with self._lock:
            slot = self._idle.pop() if self._idle else None
        if slot is None:
            threading.Thread(target=self._loop, args=(work,), name=self._name,
                             daemon=True).start()
        else:
            slot.work = work
            slot.ready.release()

    def _loop(self, work: Callable[[], None]) -> None:
        while True:
            # the thread lives on for the next one whatever ``work`` raised
            with contextlib.suppress(BaseException):
                contextvars.Context().run(work)
            slot = _Slot()
            with self._lock:
                self._idle.append(slot)
            if not slot.ready.acquire(timeout=IDLE_SECONDS):
                with self._lock:
                    if slot in self._idle:  # nobody took it: end this thread
                        self._idle.remove(slot)
                        return
                slot.ready.acquire()  # taken just now: its work is on the way
            assert slot.work is not None
            work, slot.work = slot.work, None


class Done:
    """A one-shot event (``set`` once, ``is_set``, ``wait``): what an execution's handle
    needs of :class:`threading.Event` at a fraction of its making cost (an Event builds a
    :class:`threading.Condition`, which catches three AttributeErrors on a plain lock; a
    fifth of StartExecution's CPU under ``serve``). A lock held from the start is released
    once on ``set``; each waiter takes it and hands it straight back, so all of them wake.
    """

    __slots__ = ("_flag", "_lock")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()
        self._flag = False

    def set(self) -> None:
        """Mark it done (called once, by the thread that ran the work)."""
        if not self._flag:
            self._flag = True
            self._lock.release()

    def is_set(self) -> bool:
        return self._flag

    def wait(self, timeout: float | None = None) -> bool:
        """Whether it is done, waiting up to ``timeout`` seconds (None: for ever)."""
        if self._flag:
            return True
        if self._lock.acquire(timeout=-1 if timeout is None else max(timeout, 0.0)):
            self._lock.release()
            return True
        return self._flag


#: The pool every runner of the process shares.
WORKERS = Workers()
