"""A Distributed Map's child executions: each item (or batch) runs as an execution of its own.

As on AWS, a child has its own ARN (``...:execution:<machine>/<label>:<uuid>``), its own
history (``ExecutionStarted`` ... ``ExecutionSucceeded`` / ``ExecutionFailed`` /
``ExecutionAborted``) and its own quota of 25,000 events, so a Distributed Map over
10,000 items does not fill its parent's history. The parent's history holds only the Map
state's events and ``MapRunStarted`` / ``MapRunSucceeded`` / ``MapRunFailed``: no
``MapIteration*`` events, as the histories recorded against AWS in LocalStack's validated
snapshot tests show. A child is found from Python through ``Execution.map_runs`` (each
:class:`~sfs3dsl.run.interpreter.map_run.MapRun` holds its ``executions``) or
``Execution.child(arn)``.

What the docs leave open, and this module decides:

* The child's context object names the child (``$$.Execution.Id`` is its ARN,
  ``$$.Execution.Input`` its item) and its state machine ``<machine>/<label>``, with the
  map run's ARN as ``$$.StateMachine.Id`` (the ARN the ResultWriter records carry).
* A child reads the variables of the scope its Map state runs in, as the runner's inline
  iterations do; whether AWS's child executions see them is not settled here.
* A child's longest run is its ``ProcessorConfig.ExecutionType``'s (an Express child ends
  after five minutes) and never past its parent's end.
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.run.interpreter.history import History
from sfs3dsl.run.interpreter.limits import ExecutionType, Limits
from sfs3dsl.run.interpreter.map_run import MapRun
from sfs3dsl.run.interpreter.scope import Frame, Run

# How it is wired: the Map state calls ``Runner.run_child`` (through ``frame.run.runner``,
# as it gets the engine's ``run_machine`` handed in), which builds the child's run here,
# then runs it as it runs any execution; so neither this module nor map.py imports the
# runner or the engine.


def execution_type(processor: dict[str, Any]) -> ExecutionType:
    """The ``ProcessorConfig.ExecutionType`` of a Distributed Map's processor."""
    config = processor.get("ProcessorConfig") or {}
    return "EXPRESS" if config.get("ExecutionType") == "EXPRESS" else "STANDARD"


def child_run(frame: Frame, map_run: MapRun, index: int, processor: dict[str, Any],
              value: Any) -> Run:
    """The run of item ``index`` of ``map_run`` (its input ``value``) on ``frame``'s
    timeline: its own ARN and history, its parent's stop event, its own end."""
    parent = frame.run
    runner = parent.runner
    limits = runner.limits
    arn = map_run.child_arn(index)
    start = frame.timeline.now()
    run = Run(runner, processor, arn.rsplit(":", 1)[1], arn, map_run.machine_name,
              map_run.arn, parent.role_arn, value, start,
              History(limits.history_events, limits.payload_bytes), stop=parent.stop,
              timeline=frame.timeline, parent=parent)
    longest = Limits(limits.enforced, execution_type(processor)).duration
    ends = [end for end in (parent.deadline, start + longest if longest else None) if end]
    run.deadline = min(ends) if ends else None
    return run
