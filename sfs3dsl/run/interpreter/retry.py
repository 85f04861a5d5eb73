"""Retry and Catch: which retrier or catcher handles an error, and how long to back off.

The delay before retry number *n* (counting from 0) of a retrier is
``IntervalSeconds * BackoffRate ** n``, capped at ``MaxDelaySeconds``; with
``JitterStrategy: FULL`` it is drawn uniformly from ``[0, delay]``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from sfs3dsl.syntax.asl import UNCATCHABLE_BY_ALL

DEFAULT_INTERVAL = 1
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF = 2.0


def matches(error: str | None, names: Sequence[str]) -> bool:
    """Whether ``error`` is one of ``names`` (ErrorEquals), with the wildcards' rules.

    ``States.ALL`` matches everything but States.Runtime and States.DataLimitExceeded;
    ``States.TaskFailed`` matches the same except timeouts; ``States.Timeout`` also matches
    a heartbeat timeout (the developer guide counts a missed heartbeat as a timeout).
    """
    for name in names:
        if name == error:
            return True
        if name == "States.ALL" and error not in UNCATCHABLE_BY_ALL:
            return True
        if name == "States.TaskFailed" and error not in UNCATCHABLE_BY_ALL and error not in {
                "States.Timeout", "States.HeartbeatTimeout"}:
            return True
        if name == "States.Timeout" and error == "States.HeartbeatTimeout":
            return True
    return False


def find(rules: Sequence[dict[str, Any]], error: str | None) -> int | None:
    """The index of the first rule whose ErrorEquals matches ``error``."""
    for i, rule in enumerate(rules):
        if matches(error, rule.get("ErrorEquals", ())):
            return i
    return None


def delay(retrier: dict[str, Any], attempt: int, rng: random.Random) -> float:
    """Seconds to wait before retry ``attempt`` (0 for the first retry)."""
    interval = float(retrier.get("IntervalSeconds", DEFAULT_INTERVAL))
    seconds = interval * float(retrier.get("BackoffRate", DEFAULT_BACKOFF)) ** attempt
    cap = retrier.get("MaxDelaySeconds")
    if cap is not None:
        seconds = min(seconds, float(cap))
    if retrier.get("JitterStrategy") == "FULL":
        seconds = rng.uniform(0, seconds)
    return seconds


def max_attempts(retrier: dict[str, Any]) -> int:
    value = retrier.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS)
    return int(value) if isinstance(value, (int, float)) else DEFAULT_MAX_ATTEMPTS
