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

Jobs that may move the clock but can never block the thread (:func:`needs_threads` is
False: Waits, Retry back-offs, Tasks whose callable declares it cannot block) run on the
caller's thread too, under the discrete-event scheduler of
:mod:`sfs3dsl.run.interpreter.scheduler`, which pauses a job where it would move its clock.

What keeps a thread per job, and why:

* a Task whose callable may block (:func:`sfs3dsl.run.interpreter.tasks.task_never_blocks`
  is False): a user's callable or a generated handler is code that may block, and side by
  side callables run at once in real time, as tests rely on; ``.waitForTaskToken`` waits
  for an answer from another thread; ``.sync`` and ``states:startExecution`` run other
  executions; the local S3 answers over HTTP. The runner's echo for unmocked Lambdas,
  ``--mock`` constants and MockConfigFile responses declare that they cannot block;
* a Map state with an ItemReader or a ResultWriter: they call registered callables, as a
  Task does; a Distributed Map: its iterations are child executions;
* anything on the real clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.scope import Frame

#: ``(state name, state) -> whether the Task state can never block``.
TaskCheck = Callable[[str, dict[str, Any]], bool]

#: State types whose work is all in the interpreter and takes no virtual time.
_INSTANT = frozenset({"Pass", "Choice", "Succeed", "Fail"})


def _some_state(machines: Iterable[Any], settled: TaskCheck,
                opens: Callable[[dict[str, Any]], bool]) -> bool:
    """Whether a state of ``machines``, at any depth, is not ``settled``: a Parallel or Map
    state that ``opens`` is judged by the states of its branches or processor instead of
    by ``settled``. Anything that is not a machine the walk understands counts as
    unsettled, so its jobs keep their threads."""
    pending = list(machines)
    while pending:
        machine = pending.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            return True
        for name, state in states.items():
            if not isinstance(state, dict):
                return True
            kind = state.get("Type")
            if kind == "Parallel" and opens(state):
                pending.extend(state.get("Branches") or ())
            elif kind == "Map" and opens(state) and "ItemReader" not in state \
                    and "ResultWriter" not in state:
                pending.append(state.get("ItemProcessor") or state.get("Iterator"))
            elif not settled(name, state):
                return True
    return False


def may_wait(machines: Iterable[Any]) -> bool:
    """Whether a state of ``machines`` (branches, an item processor), at any depth, may move
    the virtual clock or wait for something outside the execution (a nested Parallel or
    Map with a Retry may back off)."""
    return _some_state(machines, lambda _name, state: state.get("Type") in _INSTANT,
                       lambda state: not state.get("Retry"))


def needs_threads(machines: Iterable[Any], task_never_blocks: TaskCheck) -> bool:
    """Whether a state of ``machines`` (branches, an item processor), at any depth, may
    block the thread it runs on (so its jobs need a thread each); moving the virtual clock
    does not count (the scheduler pauses a job there)."""
    from sfs3dsl.run.interpreter.map_run import is_distributed

    def settled(name: str, state: dict[str, Any]) -> bool:
        kind = state.get("Type")
        return kind in _INSTANT or kind == "Wait" or (
            kind == "Task" and task_never_blocks(name, state))

    return _some_state(machines, settled, lambda state: not is_distributed(state))


def plan(state: dict[str, Any], machines: list[Any], frame: Frame) -> tuple[bool, bool]:
    """``(inline, scheduled)`` for the jobs of the Parallel or Map ``state`` (whose
    branches or processor are ``machines``), as :func:`run_jobs` takes them; worked out
    once per state and execution."""
    plans = frame.run.plans
    key = id(state)
    found = plans.get(key)
    if found is None:
        from sfs3dsl.run.interpreter.tasks import task_never_blocks

        run = frame.run
        inline = not may_wait(machines)
        scheduled = not inline and not needs_threads(
            machines, lambda name, task: task_never_blocks(run.runner, run.machine_name,
                                                          name, task))
        found = plans[key] = (inline, scheduled)
    return found
