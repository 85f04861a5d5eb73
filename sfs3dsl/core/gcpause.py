"""Pause the cyclic garbage collector during a pure build of a large structure.

Building the ASL dict of 100,000 states, validating it or drawing its graph allocates
millions of container objects that all stay reachable until the build returns. CPython's
collector is triggered by allocation counts: while the heap grows it keeps running, and
each full collection walks the whole heap (the user's workflow objects, the document,
the result so far), finding nothing to free. Measured on the realistic 100,000-state
benchmark (``benchmarks/``), that is about a third of the time and what made the time grow
faster than the number of states.

So a pure build runs with the collector disabled and turns it back on when it returns.
Nothing is leaked: any cycle that became garbage meanwhile is still found by the next
collection; only its freeing is postponed until the build ends. A collector already
disabled by the caller stays disabled, and nested pauses leave it to the outermost one.
The switch is process-wide: with two threads building at once, the first to finish turns
the collector back on for the other, which then merely runs at its usual pace.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def gc_paused(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` with the cyclic garbage collector disabled (see the module's docstring)."""

    @wraps(func)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return paused
