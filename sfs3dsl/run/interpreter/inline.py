"""Which branches and iterations may run one after another on the caller's thread.

On the virtual clock, the branches of a Parallel state and the iterations of a Map state
run on the thread that reached the state, one after another in the order they start, when
none of them can move the virtual clock or wait for anything outside the execution. Else
each runs on a thread of its own (:mod:`sfs3dsl.run.interpreter.concurrency`), as on the
real clock.

Why one after another is exact then: a job that cannot move the clock starts and ends at
the instant the state started, so every history event of every job has that timestamp
whatever the order; a scheduler that ran each job until it would move the clock (a
discrete-event simulation of jobs side by side) would run each one to its end, in the order
they start, which is what this does. A failing job stops the jobs after it before they
start, as a scheduler at one instant would. Threads bought nothing there but their start-up
(milliseconds that varied run to run) and the interpreter lock passed between them.

What keeps threads, and why:

* a Task state: its callable (a mock, a generated handler, a Lambda stand-in) is code of
  the user's that may block, and side by side callables run at once in real time, as tests
  rely on; ``.waitForTaskToken`` waits for an answer from another thread; ``.sync``
  executions and ``TaskContext.sleep`` move the clock;
* a Wait state, and a Retry on a Parallel or Map state (its back-off): they move the clock,
  and the order of events at different instants (which job fails first, which one a failure
  cuts short) needs jobs that pause, which only threads give this engine today;
* a Map state with an ItemReader or a ResultWriter: they call registered callables, as a
  Task does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: State types whose work is all in the interpreter and takes no virtual time.
_INSTANT = frozenset({"Pass", "Choice", "Succeed", "Fail"})


def may_wait(machines: Iterable[Any]) -> bool:
    """Whether a state of ``machines`` (branches, an item processor), at any depth, may move
    the virtual clock or wait for something outside the execution."""
    pending = list(machines)
    while pending:
        machine = pending.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            return True  # not a machine the check understands: keep the threads
        for state in states.values():
            kind = state.get("Type") if isinstance(state, dict) else None
            if kind in _INSTANT:
                continue
            if kind == "Parallel" and not state.get("Retry"):
                pending.extend(state.get("Branches") or ())
                continue
            if kind == "Map" and not state.get("Retry") and "ItemReader" not in state \
                    and "ResultWriter" not in state:
                pending.append(state.get("ItemProcessor") or state.get("Iterator"))
                continue
            return True
    return False
