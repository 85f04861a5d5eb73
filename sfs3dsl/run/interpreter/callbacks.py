"""Task tokens: ``.waitForTaskToken`` pauses a Task until someone calls
``send_task_success``, ``send_task_failure`` or ``send_task_heartbeat`` with its token.

On the real clock the wait ends at the TimeoutSeconds or HeartbeatSeconds deadline, or at the
execution's own end (its TimeoutSeconds). On the virtual clock nothing moves time while the
wait is busy, so after ``patience`` real seconds without any call the clock jumps to the
nearest of these and the timeout fires at once.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.run.interpreter.failure import ExecutionTimedOut, StateFailure
from sfs3dsl.run.interpreter.history import not_json, snapshot
from sfs3dsl.run.interpreter.scope import Frame

TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"


class TaskTokenError(ExecutionError):
    """A token that no waiting task owns (AWS: TaskDoesNotExist / InvalidToken).

    ``stale`` is True when the token was issued here but its task has ended (AWS answers
    TaskTimedOut for those), False when no task ever had it.
    """

    def __init__(self, message: str, *, stale: bool = False) -> None:
        super().__init__(message)
        self.stale = stale


@dataclass
class Waiter:
    """One paused task: how it ended (if it did) and how many heartbeats it received."""

    token: str
    state: str
    execution: str
    cond: threading.Condition = field(default_factory=threading.Condition)
    outcome: tuple[bool, Any, str | None, str | None] | None = None
    beats: int = 0


class Tokens:
    """The tokens of every paused task of a runner."""

    def __init__(self) -> None:
        self._waiters: dict[str, Waiter] = {}
        #: Tokens whose task has ended (32 bytes each: kept so a late answer is "stale").
        self._ended: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, state: str, execution: str) -> Waiter:
        waiter = Waiter(uuid.uuid4().hex + uuid.uuid4().hex, state, execution)
        with self._lock:
            self._waiters[waiter.token] = waiter
        return waiter

    def retire(self, waiter: Waiter) -> None:
        with self._lock:
            self._waiters.pop(waiter.token, None)
            self._ended.add(waiter.token)

    def pending(self, execution: str | None = None) -> list[str]:
        """Tokens nobody has answered yet (of one execution, when given its ARN)."""
        with self._lock:
            return [t for t, w in self._waiters.items() if w.outcome is None
                    and execution in (None, w.execution)]

    def wake(self, execution: str) -> None:
        """Wake the paused tasks of ``execution`` (it is being stopped): they see the stop
        at once instead of after their patience."""
        with self._lock:
            waiters = [w for w in self._waiters.values() if w.execution == execution]
        for waiter in waiters:
            with waiter.cond:
                waiter.cond.notify_all()

    def _get(self, token: str) -> Waiter:
        with self._lock:
            waiter = self._waiters.get(token)
            stale = token in self._ended
        if waiter is None:
            raise TaskTokenError(f"no task is waiting for token {token[:16]}...", stale=stale)
        return waiter

    def succeed(self, token: str, output: Any) -> None:
        if isinstance(output, str):
            value = json.loads(output)
        else:
            try:  # a copy: the caller may change ``output`` afterwards
                value = snapshot(output)
            except (TypeError, ValueError, RecursionError):
                raise ExecutionError("send_task_success: the output is not JSON "
                                     f"({not_json(output)})") from None
        self._finish(token, (True, value, None, None))

    def fail(self, token: str, error: str | None, cause: str | None) -> None:
        self._finish(token, (False, None, error, cause))

    def heartbeat(self, token: str) -> None:
        waiter = self._get(token)
        with waiter.cond:
            waiter.beats += 1
            waiter.cond.notify_all()

    def _finish(self, token: str, outcome: tuple[bool, Any, str | None, str | None]) -> None:
        waiter = self._get(token)
        with waiter.cond:
            if waiter.outcome is None:
                waiter.outcome = outcome
            waiter.cond.notify_all()


def _deadline(start: datetime, seconds: float | None) -> datetime | None:
    return None if seconds is None else start + timedelta(seconds=seconds)


def wait(frame: Frame, waiter: Waiter, timeout: float | None, heartbeat: float | None,
         patience: float) -> Any:
    """Block until the token is answered; returns the output or raises the failure."""
    timeline = frame.timeline
    start = last_beat = timeline.now()
    while True:
        with waiter.cond:
            beats = waiter.beats
            if waiter.outcome is None:
                step = patience if timeline.virtual else 0.05
                waiter.cond.wait(step)
            outcome, new_beat = waiter.outcome, waiter.beats != beats
        if outcome is not None:
            ok, value, error, cause = outcome
            if ok:
                return value
            raise StateFailure(error, cause)
        frame.check()
        if new_beat:
            last_beat = timeline.now()
            continue
        limits = [(d, e) for d, e in ((_deadline(start, timeout), TIMEOUT),
                                      (_deadline(last_beat, heartbeat), HEARTBEAT_TIMEOUT))
                  if d is not None]
        nearest = min(limits) if limits else None
        end = frame.run.deadline  # the execution's own: its TimeoutSeconds, or its type's
        if end is not None and (nearest is None or end <= nearest[0]):
            # the execution ends first (at the same instant too: then no task is left to
            # time out), whatever the task waits for
            if timeline.virtual:
                timeline.advance_to(end)
            if timeline.now() >= end:
                raise ExecutionTimedOut()
            continue
        if nearest is None:
            continue
        when, error = nearest
        if timeline.virtual:
            timeline.advance_to(when)
        if timeline.now() >= when:
            raise StateFailure(error, None)
