"""A Distributed Map's map run: its ARN, its child executions and what ResultWriter writes.

On AWS each item of a Distributed Map runs as a child execution with its own ARN
(``arn:aws:states:<region>:<account>:execution:<machine>/<label>:<uuid>``) under a map run
(``...:mapRun:<machine>/<label>:<uuid>``); the parent's history shows ``MapRunStarted`` and
``MapRunSucceeded`` / ``MapRunFailed``. ResultWriter writes, under
``<Prefix>/<map run id>/``, ``SUCCEEDED_0.json`` and ``FAILED_0.json`` (one record per child
execution, as DescribeExecution shows it, Input and Output as JSON text) and
``manifest.json`` (``DestinationBucket``, ``MapRunArn``, ``ResultFiles`` by status with each
file's ``Key`` and ``Size``), as the developer guide's ResultWriter page shows them.
``WriterConfig.Transformation``: ``NONE`` (the records; the default when writing to S3),
``COMPACT`` (the outputs only), ``FLATTEN`` (the outputs, arrays flattened one level); a
failed child's record is kept whole whatever the transformation. ``OutputType: JSONL`` writes
one record a line.

Each child runs as an execution of its own (:mod:`sfs3dsl.run.interpreter.children`): the
parent's history holds only the Map state's and the map run's events. RedriveStatus and the
split of big result files into ``_1``, ``_2`` ... are not modelled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.interpreter.clock import iso
from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.scope import Env

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.runner import Execution


@dataclass
class MapRun:
    """One run of a Distributed Map state: its ARN, status and child executions.

    ``executions`` maps the index of an item (or batch) to its child execution, for the
    children that started (a run that fails stops starting them); ``status`` is
    ``RUNNING``, ``SUCCEEDED``, ``FAILED`` (with ``error`` and ``cause``) or ``ABORTED``
    (the execution was stopped or ended while the run went on).
    """

    arn: str
    run_id: str
    child_prefix: str
    #: ``<machine>/<label>``: the name of the state machine its children run.
    machine_name: str = ""
    status: str = "RUNNING"
    error: str | None = None
    cause: str | None = None
    executions: dict[int, Execution] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def child_arn(self, index: int) -> str:
        name = self.names.setdefault(index, str(uuid.uuid4()))
        return f"{self.child_prefix}:{name}"

    @property
    def children(self) -> list[Execution]:
        """The child executions that started, in the order of their items."""
        return [self.executions[i] for i in sorted(self.executions)]


def is_distributed(state: dict[str, Any]) -> bool:
    processor = state.get("ItemProcessor") or {}
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"


def new_map_run(env: Env) -> MapRun:
    run = env.frame.run
    runner = run.runner
    label = env.state.get("Label", env.name)
    run_id = str(uuid.uuid4())
    where = f"arn:aws:states:{runner.region}:{runner.account}"
    return MapRun(f"{where}:mapRun:{run.machine_name}/{label}:{run_id}", run_id,
                  f"{where}:execution:{run.machine_name}/{label}",
                  f"{run.machine_name}/{label}")


def record(env: Env, map_run: MapRun, index: int, given: Any, output: Any,
           failure: StateFailure | None) -> dict[str, Any]:
    """A child execution as DescribeExecution shows it (the records of NONE)."""
    arn = map_run.child_arn(index)
    child = map_run.executions.get(index)
    started: datetime = env.entered
    stopped: datetime = env.entered
    if child is not None and child.start_date is not None:
        started = child.start_date
        stopped = child.stop_date or started
    out: dict[str, Any] = {
        "ExecutionArn": arn, "Input": dumps(given), "InputDetails": {"Included": True},
        "Name": arn.rsplit(":", 1)[1], "RedriveCount": 0, "StartDate": iso(started),
        "StateMachineArn": map_run.arn, "Status": "FAILED" if failure else "SUCCEEDED",
        "StopDate": iso(stopped)}
    if failure is None:
        out["Output"] = dumps(output)
        out["OutputDetails"] = {"Included": True}
    else:
        if failure.error is not None:
            out["Error"] = failure.error
        if failure.cause is not None:
            out["Cause"] = failure.cause
    return out


def transform(records: list[dict[str, Any]], outputs: list[Any], how: str) -> list[Any]:
    """The succeeded children's part as ``Transformation`` asks."""
    if how == "COMPACT":
        return list(outputs)
    if how == "FLATTEN":
        flat: list[Any] = []
        for value in outputs:
            if isinstance(value, list):
                flat.extend(value)
            else:
                flat.append(value)
        return flat
    return records


def body(values: list[Any], output_type: str) -> str:
    if output_type == "JSONL":
        return "".join(dumps(v) + "\n" for v in values)
    return dumps(values)


def failed_cause(map_run: MapRun | None, index: int, failure: StateFailure) -> str:
    """The cause of ``States.ExceedToleratedFailureThreshold``. Neither the docs nor the
    recorded executions give AWS's text, so this is ours: the sentence the runner always
    gave, then which child failed first and how, so the reason is in the parent's history.
    """
    who = f"child execution {map_run.child_arn(index)}" if map_run is not None \
        else f"iteration {index}"
    what = failure.error if failure.error is not None else "an error"
    tail = f": {failure.cause}" if failure.cause else ""
    return ("The specified tolerated failure threshold was exceeded. The first failure: "
            f"{who} (item {index}) failed with {what}{tail}")
