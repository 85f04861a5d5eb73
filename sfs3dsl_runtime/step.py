"""What a generated step handler does at run time (see ``docs/sidecar.md``).

1. check the state input is a reference ``{"processData": "<txn id>", ...}``;
2. read the process (document and outputs) from S3;
3. if this step's output is already recorded (a retry or a replay), return at once;
4. check the read predicate: the required outputs, then the user's own predicate; when it
   does not hold, raise the not-ready error so the state's Retry tries again later;
5. call the user's function with the document and record its result under
   ``outputs/<step>.json`` (written once, encrypted);
6. return the reference unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from sfs3dsl_runtime.errors import (
    NOT_READY,
    SideCarReferenceError,
    SideCarStepError,
    not_ready_error,
)
from sfs3dsl_runtime.store import (
    ITERATION_PATTERN,
    TXN_PATTERN,
    Location,
    ProcessStore,
    Snapshot,
    output_field,
)

Scope = Literal["process", "iteration", "collection"]
StepFunction = Callable[[dict[str, Any]], Any]
Predicate = Callable[[dict[str, Any]], bool]
Handler = Callable[[Any, Any], Any]
REFERENCE_KEY = "processData"
ITERATION_KEY = "iteration"


class Requirement:
    """An output that must be recorded before a step may run.

    ``scope`` says where: ``process`` (a step outside any Map), ``iteration`` (a step
    earlier in the same Map iteration), ``collection`` (a step inside a Map that ended
    before this step: at least one iteration's output).
    """

    __slots__ = ("scope", "step")

    def __init__(self, step: str, scope: Scope = "process") -> None:
        self.step = step
        self.scope = scope

    def __repr__(self) -> str:
        return f"Requirement({self.step!r}, {self.scope!r})"

    def holds(self, snapshot: Snapshot, iteration: str | None) -> bool:
        if self.scope == "process":
            return self.step in snapshot.outputs
        per_iteration = snapshot.iterations.get(self.step, {})
        if self.scope == "iteration":
            return iteration is not None and iteration in per_iteration
        return bool(per_iteration)

    def describe(self) -> str:
        if self.scope == "process":
            return output_field(self.step)
        if self.scope == "iteration":
            return f"{output_field(self.step)} of this Map iteration"
        return f"{output_field(self.step)} of the Map iterations"


class StepSpec:
    """Everything the generator knows about one step, baked into its handler."""

    __slots__ = ("in_map", "not_ready_error", "requires", "step", "workflow")

    def __init__(self, workflow: str, step: str, requires: tuple[Requirement, ...] = (),
                 in_map: bool = False, not_ready_error: str = NOT_READY) -> None:
        self.workflow = workflow
        self.step = step
        self.requires = tuple(requires)
        self.in_map = in_map
        self.not_ready_error = not_ready_error


def parse_reference(event: Any, spec: StepSpec) -> tuple[str, str | None]:
    """The transaction id (and Map iteration) of a state input, or SideCarReferenceError."""
    if not isinstance(event, Mapping):
        hint = (" (a Parallel or Map before this step outputs a list: give it "
                "result_path=None)") if isinstance(event, list) else ""
        raise SideCarReferenceError(f"step {spec.step!r}: the state input must be a side-car "
                                    f"reference {{\"processData\": ...}}, got a "
                                    f"{type(event).__name__}{hint}")
    txn = event.get(REFERENCE_KEY)
    if not isinstance(txn, str) or not TXN_PATTERN.match(txn):
        raise SideCarReferenceError(f"step {spec.step!r}: processData must be a transaction "
                                    f"id (letters, digits, '-', '_'), got {txn!r}")
    if not spec.in_map:
        return txn, None
    raw = event.get(ITERATION_KEY)
    iteration = str(raw) if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    if not ITERATION_PATTERN.match(iteration):
        raise SideCarReferenceError(
            f"transaction {txn}: step {spec.step!r} runs inside a Map and needs the "
            f"reference's {ITERATION_KEY!r} (e.g. the item index), got {raw!r}; give the Map "
            "item_selector=sidecar.iteration_reference()")
    return txn, iteration


def run_step(spec: StepSpec, function: StepFunction, event: Any, *,
             predicate: Predicate | None = None, store: ProcessStore | None = None) -> Any:
    """Run one attempt of a side-car step; returns the state input unchanged."""
    txn, iteration = parse_reference(event, spec)
    store = store or ProcessStore(Location.from_env())
    snapshot = store.read(txn, iteration=iteration)
    own = Requirement(spec.step, "iteration" if spec.in_map else "process")
    if own.holds(snapshot, iteration):
        return event  # recorded by an earlier attempt: results are written at most once
    where = f"transaction {txn}: step {spec.step!r}" + (
        f" (iteration {iteration})" if iteration is not None else "")
    missing = [r.describe() for r in spec.requires if not r.holds(snapshot, iteration)]
    if missing:
        raise not_ready_error(spec.not_ready_error)(
            f"{where}: not ready, waiting for {', '.join(missing)}")
    document = snapshot.view()
    if predicate is not None:
        try:
            ready = predicate(document)
        except Exception as exc:
            raise SideCarStepError(f"{where}: the read predicate "
                                   f"{getattr(predicate, '__name__', predicate)!r} raised "
                                   f"{type(exc).__name__}: {exc}") from exc
        if not ready:
            raise not_ready_error(spec.not_ready_error)(
                f"{where}: not ready, the read predicate "
                f"{getattr(predicate, '__name__', predicate)!r} does not hold")
    try:
        result = function(document)
    except Exception as exc:
        raise SideCarStepError(f"{where}: {getattr(function, '__name__', 'the step function')}"
                               f" raised {type(exc).__name__}: {exc}") from exc
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise SideCarStepError(f"{where}: the result cannot be stored as JSON: {exc}") from None
    store.write_output(txn, spec.step, result, iteration)
    return event


def make_handler(spec: StepSpec, function: StepFunction, *,
                 predicate: Predicate | None = None) -> Handler:
    """The Lambda entry point ``handler(event, context)`` of one step.

    Example:
        >>> handler = make_handler(StepSpec("process-a", "step-b",
        ...                                 (Requirement("step-a"),)), step_b)
    """
    function = getattr(function, "function", function)  # a decorated step: its function

    def handler(event: Any, context: Any = None) -> Any:
        return run_step(spec, function, event, predicate=predicate)

    handler.__name__ = f"handler_{spec.step.replace('-', '_')}"
    return handler
