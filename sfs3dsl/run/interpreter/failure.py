"""How a failure travels through the interpreter.

A state that fails raises :class:`StateFailure` (an ASL error name and a cause); Retry and
Catch look at it, and an uncaught one ends the branch, the iteration or the execution.
A user's task callable raises :class:`TaskFailure` to fail the way a Lambda function does.
"""

from __future__ import annotations

from typing import Any


class StateFailure(Exception):
    """A state failed with an ASL error name and a cause (both may be ``None``)."""

    def __init__(self, error: str | None, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause

    def output(self) -> dict[str, Any]:
        """The error output a Catch passes on: ``{"Error": ..., "Cause": ...}``."""
        out: dict[str, Any] = {}
        if self.error is not None:
            out["Error"] = self.error
        if self.cause is not None:
            out["Cause"] = self.cause
        return out


class TaskFailure(StateFailure):
    """Raised by a registered task callable to fail the Task state.

    Example:
        >>> def flaky(payload, ctx):
        ...     raise TaskFailure("S3DataPreconditionError", "step-a-output is missing")
    """


class ExecutionTimedOut(Exception):
    """The machine's own TimeoutSeconds passed (or the longest run of its type, or its
    parent's end): no Catch sees it; the execution ends TIMED_OUT."""


class Aborted(Exception):
    """The execution was stopped from outside (``handle.stop()``)."""


def state_error(name: str, entered_id: int, message: str) -> str:
    """The cause AWS gives for a runtime or query error inside state ``name``."""
    return (f"An error occurred while executing the state '{name}' "
            f"(entered at the event id #{entered_id}). {message}")
