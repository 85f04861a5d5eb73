"""Retry and Catch: what a Task, Parallel or Map does when it fails.

Example:
    >>> Retry(["States.ALL"], interval_seconds=5, max_attempts=5, backoff_rate=2).render()
    {'ErrorEquals': ['States.ALL'], 'IntervalSeconds': 5, 'MaxAttempts': 5, 'BackoffRate': 2}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.chain import as_chainable
from sfs3dsl.model.expressions import UNSET, _Unset
from sfs3dsl.model.payload import render_path_field, render_payload
from sfs3dsl.model.source import caller_location

if TYPE_CHECKING:
    from sfs3dsl.model.chain import Chainable


class Errors:
    """The predefined error names, for ``ErrorEquals``."""

    ALL: Final = "States.ALL"
    TIMEOUT: Final = "States.Timeout"
    HEARTBEAT_TIMEOUT: Final = "States.HeartbeatTimeout"
    TASK_FAILED: Final = "States.TaskFailed"
    PERMISSIONS: Final = "States.Permissions"
    RESULT_PATH_MATCH_FAILURE: Final = "States.ResultPathMatchFailure"
    PARAMETER_PATH_FAILURE: Final = "States.ParameterPathFailure"
    QUERY_EVALUATION_ERROR: Final = "States.QueryEvaluationError"
    BRANCH_FAILED: Final = "States.BranchFailed"
    NO_CHOICE_MATCHED: Final = "States.NoChoiceMatched"
    INTRINSIC_FAILURE: Final = "States.IntrinsicFailure"
    EXCEED_TOLERATED_FAILURE_THRESHOLD: Final = "States.ExceedToleratedFailureThreshold"
    ITEM_READER_FAILED: Final = "States.ItemReaderFailed"
    RESULT_WRITER_FAILED: Final = "States.ResultWriterFailed"


def check_errors(errors: Sequence[str] | str, what: str, where: str) -> list[str]:
    """Check an ErrorEquals list where it is written; return it as a list.

    A ``States.*`` name that is not predefined is allowed here: AWS accepts it (deployed
    definitions use such names) and the validator warns about it with a suggestion.
    """
    names = [errors] if isinstance(errors, str) else list(errors)
    if not names:
        raise BuildError(f"{what} has an empty ErrorEquals", where=where,
                         hint='name at least one error, e.g. ["States.ALL"]')
    for name in names:
        if not isinstance(name, str) or not name:
            raise BuildError(f"{what} names {name!r}, which is not an error name", where=where,
                             hint="error names are non-empty strings")
    if "States.ALL" in names and len(names) > 1:
        raise BuildError(f"{what} lists States.ALL with other errors", where=where,
                         hint="States.ALL must appear alone in its ErrorEquals")
    return names


class Retry:
    """A Retrier. Defaults are AWS's: interval 1 s, 3 attempts, backoff 2.0."""

    __slots__ = ("backoff_rate", "comment", "errors", "interval_seconds", "jitter_strategy",
                 "max_attempts", "max_delay_seconds", "where")

    def __init__(self, errors: Sequence[str] | str, *, interval_seconds: int | None = None,
                 max_attempts: int | None = None, backoff_rate: float | None = None,
                 max_delay_seconds: int | None = None,
                 jitter_strategy: Literal["FULL", "NONE"] | None = None,
                 comment: str | None = None) -> None:
        self.where = caller_location()
        self.errors = check_errors(errors, "Retry", self.where)
        if interval_seconds is not None:  # (a call only for what is given)
            _check_int("Retry interval_seconds", interval_seconds, 1, self.where)
        if max_attempts is not None:
            _check_int("Retry max_attempts", max_attempts, 0, self.where)
        if max_delay_seconds is not None:
            _check_int("Retry max_delay_seconds", max_delay_seconds, 1, self.where)
        if backoff_rate is not None and (isinstance(backoff_rate, bool)
                                         or not isinstance(backoff_rate, int | float)
                                         or not 1 <= backoff_rate < math.inf):
            limit = "JSON has no number for it" if isinstance(backoff_rate, float) and \
                not math.isfinite(backoff_rate) else "the allowed minimum is 1"
            raise BuildError(f"Retry backoff_rate is {backoff_rate!r}; {limit}",
                             where=self.where, hint="use backoff_rate=1 for a constant interval")
        if jitter_strategy not in (None, "FULL", "NONE"):
            raise BuildError(f"Retry jitter_strategy {jitter_strategy!r} is not one of "
                             '["FULL", "NONE"]', where=self.where, hint='use "FULL" or "NONE"')
        self.interval_seconds = interval_seconds
        self.max_attempts = max_attempts
        self.backoff_rate = backoff_rate
        self.max_delay_seconds = max_delay_seconds
        self.jitter_strategy = jitter_strategy
        self.comment = comment

    def render(self) -> dict[str, Any]:
        # One test per field rather than a loop over (key, value) pairs: no tuples are
        # built for each retrier rendered.
        out: dict[str, Any] = {"ErrorEquals": list(self.errors)}
        if self.interval_seconds is not None:
            out["IntervalSeconds"] = self.interval_seconds
        if self.max_attempts is not None:
            out["MaxAttempts"] = self.max_attempts
        if self.backoff_rate is not None:
            out["BackoffRate"] = self.backoff_rate
        if self.max_delay_seconds is not None:
            out["MaxDelaySeconds"] = self.max_delay_seconds
        if self.jitter_strategy is not None:
            out["JitterStrategy"] = self.jitter_strategy
        if self.comment is not None:
            out["Comment"] = self.comment
        return out


def _check_int(what: str, value: int | None, minimum: int, where: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise BuildError(f"{what} must be an int, got {value!r}", where=where,
                         hint=f"pass a whole number >= {minimum}")
    if value < minimum:
        raise BuildError(f"{what} is {value}; the allowed minimum is {minimum}", where=where,
                         hint=f"pass a whole number >= {minimum}")


class Catch:
    """A Catcher: on a matching error, go to ``next`` (a state or chain)."""

    __slots__ = ("assign", "comment", "errors", "next", "output", "result_path", "where")

    def __init__(self, errors: Sequence[str] | str, next: Chainable, *,
                 result_path: str | None | _Unset = UNSET, output: Any = UNSET,
                 assign: dict[str, Any] | None = None, comment: str | None = None) -> None:
        self.where = caller_location()
        self.errors = check_errors(errors, "Catch", self.where)
        self.next = as_chainable(next, "Catch next", self.where)
        self.result_path = result_path
        self.output = output
        self.assign = assign
        self.comment = comment

    def render(self, target: str, *, jsonata: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"ErrorEquals": list(self.errors)}
        if not isinstance(self.result_path, _Unset):
            out["ResultPath"] = render_path_field(self.result_path, "Catch ResultPath")
        if not isinstance(self.output, _Unset):
            out["Output"] = render_payload(self.output, jsonata=True, field="Catch Output")
        if self.assign is not None:
            out["Assign"] = render_payload(self.assign, jsonata=jsonata, field="Catch Assign")
        out["Next"] = target
        if self.comment is not None:
            out["Comment"] = self.comment
        return out
