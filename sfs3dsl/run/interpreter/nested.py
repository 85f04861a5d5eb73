"""``states:startExecution``: a Task that starts another state machine registered with the
runner. ``.sync`` and ``.sync:2`` run it to the end first (its time counts on the caller's
clock); without a suffix it is started in the background and only its ARN is returned."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.scope import Env

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.runner import Execution, Runner


def _millis(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp() * 1000)


def describe(execution: Execution, *, parse_output: bool) -> dict[str, Any]:
    """The execution as DescribeExecution shows it (``.sync:2`` keeps JSON as objects)."""
    out: dict[str, Any] = {
        "ExecutionArn": execution.arn, "Input": execution.input if parse_output else dumps(
            execution.input), "InputDetails": {"Included": True}, "Name": execution.name,
        "StartDate": _millis(execution.start_date),
        "StateMachineArn": execution.state_machine_arn, "Status": execution.status,
        "StopDate": _millis(execution.stop_date)}
    if execution.status == "SUCCEEDED":
        out["Output"] = execution.output if parse_output else dumps(execution.output)
        out["OutputDetails"] = {"Included": True}
    else:
        out["Error"], out["Cause"] = execution.error, execution.cause
    return out


def start_execution(env: Env, resource: str, params: Any, runner: Runner) -> Any:
    """Run (or start) the state machine named by ``params["StateMachineArn"]``."""
    if not isinstance(params, dict) or "StateMachineArn" not in params:
        raise StateFailure("States.Runtime", f"state {env.name!r}: startExecution needs "
                                             "a StateMachineArn parameter")
    arn, definition = runner.state_machine(str(params["StateMachineArn"]), env.name)
    child_input = params.get("Input", {})
    if isinstance(child_input, str):
        child_input = json.loads(child_input)
    name = params.get("Name")
    suffix = env.state.get("Resource", "")[len(resource):]
    frame = env.frame
    if not suffix:
        handle = runner.start(definition, child_input, name=name, state_machine_arn=arn)
        return {"ExecutionArn": handle.arn, "StartDate": _millis(frame.timeline.now())}
    execution = runner.execute(definition, child_input, name=name, state_machine_arn=arn,
                               start=frame.timeline.now())
    if execution.stop_date is not None:
        frame.timeline.advance_to(execution.stop_date)
    result = describe(execution, parse_output=suffix == ".sync:2")
    if execution.status != "SUCCEEDED":
        raise StateFailure("States.TaskFailed", dumps(result))
    return result
