"""The Parallel state: every branch gets the same input; the output is their outputs in
branch order. The first failing branch fails the state (the others are stopped)."""

from __future__ import annotations

from typing import Any

from sfs3dsl.run.interpreter import dataflow, jsonata_fields
from sfs3dsl.run.interpreter.concurrency import Job, run_jobs
from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.inline import plan
from sfs3dsl.run.interpreter.scope import Env, Frame, RunMachine, language_of


def _branch_job(branches: list[dict[str, Any]], value: Any, run_machine: RunMachine) -> Job:
    def job(index: int, frame: Frame) -> Any:
        return run_machine(frame, branches[index], value)

    return job


def run_parallel(env: Env, run_machine: RunMachine) -> list[Any]:
    """Run the branches of the Parallel state ``env.state`` with ``run_machine`` (the
    engine's); returns their outputs."""
    state, frame = env.state, env.frame
    if env.jsonata:
        value = jsonata_fields.arguments(env, state)
    else:
        value = dataflow.effective_input(env, state, env.input)
    branches: list[dict[str, Any]] = state["Branches"]
    frame.event("ParallelStateStarted")
    language = state.get("QueryLanguage", frame.language)
    inline, scheduled = plan(state, branches, frame)
    outcomes = run_jobs(frame, len(branches), _branch_job(branches, value, run_machine),
                        lambda i: frame.child(language=language_of(branches[i], language)),
                        len(branches),
                        lambda failures: failures > 0, inline=inline, scheduled=scheduled)
    first = outcomes.first_failure()
    if first is not None:
        frame.event("ParallelStateFailed")
        raise StateFailure(first.error, first.cause)
    frame.event("ParallelStateSucceeded")
    return outcomes.outputs
