"""What a generated step handler does at run time (see ``docs/sidecar.md``).

1. take the state input (a reference ``{"processData": "<txn id>", ...}``) and the visit
   (``$$.State.EnteredTime``) from the payload the compiled Task sends;
2. read the process (document and the latest result of each step) from S3;
3. if this visit's result is already recorded (a Retry attempt after a lost response, a
   duplicate Lambda invocation), answer from it at once: a visit runs the function once;
4. check the read predicate: the required outputs (those a loop must have produced again
   since this step's previous visit must be newer than it), then the user's predicate; when
   it does not hold, raise the not-ready error so the state's Retry tries again later;
5. call the user's function with the document and record its result (``None`` as JSON
   ``null``) as this visit's object, written once and encrypted;
6. return the reference, with the exposed keys of the result beside ``processData``.

An exception the function raises reaches Step Functions under its own class name (as
Lambda reports ``errorType``), so a Catch or Retry on ``PaymentDeclined`` matches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from sfs3dsl_runtime.errors import (
    NOT_READY,
    SideCarError,
    SideCarReferenceError,
    SideCarStepError,
    not_ready_error,
    user_error,
)
from sfs3dsl_runtime.store import (
    ITERATION_PATTERN,
    TXN_PATTERN,
    Location,
    ProcessStore,
    Snapshot,
    dump,
    output_field,
    visit_key,
)

Scope = Literal["process", "iteration", "collection"]
StepFunction = Callable[[dict[str, Any]], Any]
Predicate = Callable[[dict[str, Any]], bool]
Handler = Callable[[Any, Any], Any]
REFERENCE_KEY = "processData"
ITERATION_KEY = "iteration"
#: The payload a compiled side-car Task sends: the state input and the visit.
INPUT_KEY, VISIT_KEY = "input", "visit"
#: The largest state output (compact JSON bytes) a step may produce with what it exposes:
#: far below Step Functions' 262,144-byte payload quota, so exposing a value never comes
#: near it; large data belongs in the document.
EXPOSE_LIMIT = 8192


class Requirement:
    """An output that must be recorded before a step may run.

    ``scope`` says where: ``process`` (a step outside any Map), ``iteration`` (a step
    earlier in the same Map iteration), ``collection`` (a step inside a Map that ended
    before this step: at least one iteration's output). ``fresh`` says the producer runs
    again on every way back to this step (both are in a loop): then its latest visit must
    be newer than this step's previous visit, or the step would read the last round's
    result.
    """

    __slots__ = ("fresh", "scope", "step")

    def __init__(self, step: str, scope: Scope = "process", fresh: bool = False) -> None:
        self.step = step
        self.scope = scope
        self.fresh = fresh

    def __repr__(self) -> str:
        return f"Requirement({self.step!r}, {self.scope!r}, fresh={self.fresh!r})"

    def holds(self, snapshot: Snapshot, iteration: str | None,
              since: str | None = None) -> bool:
        """True when the output is there (and, if ``fresh``, newer than ``since``: this
        step's previous visit)."""
        if self.scope == "collection":
            # After a Map, its iterations' outputs are there without looking: Step Functions
            # leaves a Map only once every iteration succeeded, every iteration recorded its
            # output before it succeeded, and S3 lists what was written (strong
            # read-after-write consistency). Looking could not tell a Map over no items
            # from a missing output anyway, so the requirement is kept as documentation.
            return True
        if self.scope == "iteration" and iteration is None:
            return False
        latest = snapshot.latest_visit(self.step,
                                       iteration if self.scope == "iteration" else None)
        if latest is None:
            return False
        return not (self.fresh and since is not None and latest <= since)

    def describe(self) -> str:
        fresh = " newer than this step's previous visit" if self.fresh else ""
        if self.scope == "process":
            return output_field(self.step) + fresh
        if self.scope == "iteration":
            return f"{output_field(self.step)} of this Map iteration{fresh}"
        return f"{output_field(self.step)} of the Map iterations"


class StepSpec:
    """Everything the generator knows about one step, baked into its handler."""

    __slots__ = ("expose", "in_map", "not_ready_error", "requires", "step", "workflow")

    def __init__(self, workflow: str, step: str, requires: tuple[Requirement, ...] = (),
                 in_map: bool = False, not_ready_error: str = NOT_READY,
                 expose: tuple[str, ...] = ()) -> None:
        self.workflow = workflow
        self.step = step
        self.requires = tuple(requires)
        self.in_map = in_map
        self.not_ready_error = not_ready_error
        self.expose = tuple(expose)


def split_payload(event: Any, spec: StepSpec) -> tuple[Any, str]:
    """The state input and the visit key of a Lambda payload.

    A compiled side-car Task sends ``{"input": <state input>, "visit": <EnteredTime>}``;
    anything else (a test calling the handler with a bare reference) is the state input
    itself, with no visit (recorded once, as before loops existed).
    """
    if isinstance(event, Mapping) and INPUT_KEY in event and VISIT_KEY in event \
            and REFERENCE_KEY not in event:
        visit = event[VISIT_KEY]
        try:
            return event[INPUT_KEY], visit_key(visit if isinstance(visit, str) else "")
        except ValueError as exc:
            raise SideCarReferenceError(f"step {spec.step!r}: the payload's visit must be "
                                        f"the state's entered time: {exc}") from None
    return event, visit_key(None)


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
    """Run one attempt of a side-car step; returns the state output (see the module)."""
    reference, visit = split_payload(event, spec)
    txn, iteration = parse_reference(reference, spec)
    store = store or ProcessStore(Location.from_env())
    snapshot = store.read(txn, iteration=iteration)
    where = f"transaction {txn}: step {spec.step!r}" + (
        f" (iteration {iteration})" if iteration is not None else "")
    own = snapshot.visits.get(spec.step if iteration is None else (spec.step, iteration), [])
    if visit in own:  # recorded by an earlier attempt of this visit: never run it twice
        return _state_output(spec, reference, store.read_output(txn, spec.step, iteration,
                                                                visit), where)
    since = own[-1] if own else None
    missing = [r.describe() for r in spec.requires if not r.holds(snapshot, iteration, since)]
    if missing:
        raise not_ready_error(spec.not_ready_error)(
            f"{where}: not ready, waiting for {', '.join(missing)}")
    document = snapshot.view()
    if spec.in_map and isinstance(reference, Mapping):
        # a Map iteration's own keys (its ItemSelector's: iteration, and e.g. the item)
        document.update((k, v) for k, v in reference.items() if k != REFERENCE_KEY)
    if isinstance(reference, Mapping) and isinstance(reference.get(CAUGHT_KEY), Mapping):
        document[CAUGHT_KEY] = caught_error(reference[CAUGHT_KEY])
    if predicate is not None:
        _check_predicate(predicate, document, spec, where)
    try:
        result = function(document)
    except SideCarError:
        raise
    except Exception as exc:
        name = getattr(function, "__name__", "the step function")
        error = user_error(exc)(f"{where}: {name} raised {type(exc).__name__}: {exc}")
        # Lambda's stackTrace is the raised exception's: keep the frames of the user's code
        raise error.with_traceback(exc.__traceback__) from exc
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise SideCarStepError(f"{where}: the result cannot be stored as JSON: {exc}") from None
    output = _state_output(spec, reference, result, where)
    if not store.write_output(txn, spec.step, result, iteration, visit):
        # a duplicate invocation of this visit recorded first: answer as it did
        return _state_output(spec, reference, store.read_output(txn, spec.step, iteration,
                                                                visit), where)
    return output


#: Where a Catch on a side-car step puts the error (the compiler's default ResultPath);
#: the step it leads to sees it in the document under the same key.
CAUGHT_KEY = "error"


def caught_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """The error a Catch put in the state input, as a step's function sees it.

    ``Error`` and ``Cause`` as Step Functions gives them; when the cause is a Lambda
    function's error report (JSON with ``errorMessage``), its message as ``message`` too.
    """
    out = dict(error)
    cause = out.get("Cause")
    if isinstance(cause, str) and cause.startswith("{"):
        try:
            report = json.loads(cause)
        except ValueError:
            report = None
        if isinstance(report, Mapping) and isinstance(report.get("errorMessage"), str):
            out["message"] = report["errorMessage"]
    return out


def _check_predicate(predicate: Predicate, document: dict[str, Any], spec: StepSpec,
                     where: str) -> None:
    name = getattr(predicate, "__name__", predicate)
    try:
        ready = predicate(document)
    except Exception as exc:
        raise SideCarStepError(f"{where}: the read predicate {name!r} raised "
                               f"{type(exc).__name__}: {exc}") from exc
    if not ready:
        raise not_ready_error(spec.not_ready_error)(
            f"{where}: not ready, the read predicate {name!r} does not hold")


def _state_output(spec: StepSpec, reference: Any, result: Any, where: str) -> Any:
    """The state input with the exposed keys of ``result`` laid over it."""
    if not spec.expose:
        return reference
    if not isinstance(result, Mapping):
        raise SideCarStepError(f"{where}: the step exposes {list(spec.expose)} but returned "
                               f"a {type(result).__name__}, not an object")
    absent = [key for key in spec.expose if key not in result]
    if absent:
        raise SideCarStepError(f"{where}: the step exposes {absent} but its result has no "
                               "such key; return it (None is fine) or drop it from expose=")
    output = {**reference, **{key: result[key] for key in spec.expose}}
    size = len(dump(output))
    if size > EXPOSE_LIMIT:
        raise SideCarStepError(f"{where}: the exposed values make the state output {size} "
                               f"bytes, over the side-car's limit of {EXPOSE_LIMIT}; expose "
                               "a small decision and keep the data in the document")
    return output


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
