"""Completion notices per transaction: ``{transactionId, status, executionArn}`` on the topic
``<workflow>/<subtopic>/<transaction id>`` (``<workflow>/<transaction id>`` without a
subtopic), once each execution has ended.

Deployed, the generated serverless.yml publishes the same message, with the same SNS message
attributes, through an EventBridge rule, a small Lambda and SNS (see docs/serve.md); both
shape it with :func:`sfs3dsl_runtime.notices.build_notice`. Each notice here is ``{"seq",
"topic", "message", "attributes"}``: ``message`` is the SNS message body, ``attributes`` the
SNS message attributes. Here, subscribers long-poll ``GET /notices?topic=PREFIX&
after=SEQ&wait=SECONDS``: the answer lists the notices after ``SEQ`` whose topic is
``PREFIX`` or lies under it, as soon as there is one (or none after ``wait`` seconds), with
the ``next`` sequence number to ask from, so a subscriber sees each notice exactly once.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from sfs3dsl_runtime.notices import Notice, build_notice

if TYPE_CHECKING:
    from sfs3dsl.serve.executions import Record

#: Notices kept for late subscribers (the oldest are dropped beyond this).
KEEP = 100_000
#: The longest a long poll may wait, in seconds.
MAX_WAIT = 30.0


class _Entry:
    """A notice kept: made when it is published (:meth:`Notices.publish`) or, for an
    ended execution, when a subscriber first reads it: most executions under load have
    no subscriber, and shaping each one's notice was a tenth of its run's CPU."""

    __slots__ = ("_notice", "_record", "seq")

    def __init__(self, seq: int, notice: dict[str, Any] | None,
                 record: Record | None = None) -> None:
        self.seq, self._notice, self._record = seq, notice, record

    def notice(self) -> dict[str, Any]:
        if self._notice is None:
            assert self._record is not None
            execution = self._record.execution
            machine = execution.state_machine_arn.rsplit(":", 1)[-1]
            self._notice = {"seq": self.seq, **build_notice(
                machine, execution.name, execution.status, execution.arn, execution.input)}
            self._record = None
        return self._notice


class Notices:
    """The notices published so far, for subscribers to read."""

    def __init__(self) -> None:
        self._items: deque[_Entry] = deque(maxlen=KEEP)
        self._seq = 0
        self._cond = threading.Condition()

    def publish(self, notice: Notice) -> None:
        with self._cond:
            self._seq += 1
            self._items.append(_Entry(self._seq, {"seq": self._seq, **notice}))
            self._cond.notify_all()

    def publish_record(self, record: Record) -> None:
        """The notice of an ended execution (its status and input do not change any more;
        the notice is shaped from them when first read)."""
        with self._cond:
            self._seq += 1
            self._items.append(_Entry(self._seq, None, record))
            self._cond.notify_all()

    def read(self, prefix: str, after: int, wait: float) -> dict[str, Any]:
        """The notices after ``after`` under ``prefix``, waiting up to ``wait`` seconds for
        one."""
        prefix = prefix.strip("/")

        def matching(since: int) -> list[dict[str, Any]]:
            # the newest are at the right end, in order: walk back to ``since`` only, so a
            # waiting subscriber woken by each publish looks at the new notices, not at
            # every notice kept
            newer: list[dict[str, Any]] = []
            for entry in reversed(self._items):
                if entry.seq <= since:
                    break
                notice = entry.notice()
                if not prefix or notice["topic"] == prefix or \
                        notice["topic"].startswith(prefix + "/"):
                    newer.append(notice)
            newer.reverse()
            return newer

        with self._cond:
            found = matching(after)
            seen = self._seq
            end = time.monotonic() + min(wait, MAX_WAIT)
            while not found:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
                found = matching(max(seen, after))  # none up to ``seen`` matched
                seen = self._seq
            last = self._seq
        return {"notices": found, "next": found[-1]["seq"] if found else last}

    @staticmethod
    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()
