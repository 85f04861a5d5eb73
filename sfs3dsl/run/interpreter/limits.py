"""AWS Step Functions' quotas on one execution, and the failures the runner raises for them.

From the developer guide's "Step Functions service quotas" page:

* 25,000 events in one execution's history ("If the execution history reaches this quota,
  the execution fails"); the error and cause are the ones AWS reports (``States.Runtime``,
  ``The execution reached the maximum number of history events (25000).``), as seen in
  executions users have posted; the quotas page itself gives no text.
* 256 KiB (262,144 bytes) of UTF-8 text for the input or output of a task, a state or an
  execution: ``States.DataLimitExceeded``, which ``States.ALL`` does not catch (the error
  handling page). The cause AWS gives for a result that is too big is
  ``The state/task '<name>' returned a result with a size exceeding the maximum number of
  bytes service limit.`` (seen in posted executions); for a state *input* that is too big
  the docs give no text, so ours says ``received an input`` in the same shape.
* One year for a Standard execution, five minutes for an Express one; past that the
  execution ends with ``States.Timeout`` like a machine's own ``TimeoutSeconds``.

``Limits(enforced=False)`` (``sfs3dsl run --no-limits``, ``Runner(limits=False)``) turns all
of them off, for the rare test that must go past them.

How the checks stay cheap: the history keeps payloads as values and measures each one
through :class:`~sfs3dsl.run.interpreter.sizes.PayloadSizes`, which remembers the size of
every big container and string it has measured (values are never changed in place), so a
state that passes a 100 KB document on costs about what one with an empty document does;
the event count is a ``len`` of a list. The execution input is measured from its JSON
text, which StartExecution needs anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

ExecutionType = Literal["STANDARD", "EXPRESS"]

#: Events one execution's history may hold.
MAX_HISTORY_EVENTS = 25_000
#: Bytes of UTF-8 JSON text in one payload (input, output, task result, parameters).
MAX_PAYLOAD_BYTES = 262_144
#: How long an execution may run, by workflow type.
MAX_DURATION: dict[str, timedelta] = {"STANDARD": timedelta(days=365),
                                      "EXPRESS": timedelta(minutes=5)}
#: The most a Wait state's Seconds may be (the ASL's bound for seconds fields).
MAX_WAIT_SECONDS = 99_999_999

DATA_LIMIT = "States.DataLimitExceeded"
HISTORY_LIMIT_CAUSE = ("The execution reached the maximum number of history events "
                       f"({MAX_HISTORY_EVENTS}).")


@dataclass(frozen=True)
class Limits:
    """Which quotas a run enforces (all of them unless ``enforced`` is False)."""

    enforced: bool = True
    execution_type: ExecutionType = "STANDARD"

    @property
    def history_events(self) -> int | None:
        return MAX_HISTORY_EVENTS if self.enforced else None

    @property
    def payload_bytes(self) -> int | None:
        return MAX_PAYLOAD_BYTES if self.enforced else None

    @property
    def duration(self) -> timedelta | None:
        return MAX_DURATION[self.execution_type] if self.enforced else None


class HistoryFull(Exception):
    """The history holds as many events as AWS allows: the execution fails at once.

    Not a :class:`~sfs3dsl.run.interpreter.failure.StateFailure`, so no Retry or Catch sees
    it; every path of the execution meets it at its next event and stops.
    """

    #: The id of the event recorded just before, by the same call (``History.add_passage``).
    entered: int | None = None


class PayloadTooLarge(Exception):
    """A payload is over :data:`MAX_PAYLOAD_BYTES`; ``field`` is the event's key
    (``input``, ``output`` or ``parameters``)."""

    #: The id of the event recorded just before, by the same call (``History.add_passage``).
    entered: int | None = None

    def __init__(self, field: str, size: int) -> None:
        super().__init__(f"{field} of {size} bytes")
        self.field = field
        self.size = size


def too_large(text: str, limit: int) -> int | None:
    """The size in bytes of ``text`` when it is over ``limit``, else None.

    A character takes at most 4 bytes in UTF-8, so short text needs no encoding.
    """
    if len(text) * 4 <= limit:
        return None
    size = len(text.encode("utf-8"))
    return size if size > limit else None


def result_cause(name: str) -> str:
    """AWS's cause for a task result or state output over the limit."""
    return (f"The state/task '{name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.")


def input_cause(name: str) -> str:
    """Our cause for a state input (or task parameters) over the limit: the docs give no
    text for it, so it follows :func:`result_cause`."""
    return (f"The state/task '{name}' received an input with a size exceeding the maximum "
            "number of bytes service limit.")
