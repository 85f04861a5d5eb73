"""The Map state: run the item processor once per item, at most MaxConcurrency at a time.

Items come from ItemsPath (JSONPath), Items (JSONata), or an ItemReader; ItemSelector (or
the legacy Parameters) shapes each item with ``$$.Map.Item.Index`` / ``Value`` in the context;
ItemBatcher groups items; ToleratedFailureCount/Percentage decide how many failed
iterations the state accepts.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sfs3dsl.run.interpreter import dataflow, jsonata_fields, numbers, roots
from sfs3dsl.run.interpreter.concurrency import INLINE_LIMIT, Job, run_jobs
from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.inline import plan
from sfs3dsl.run.interpreter.map_run import MapRun, failed_cause, is_distributed, new_map_run
from sfs3dsl.run.interpreter.scope import Env, Frame, RunMachine, language_of

THRESHOLD = "States.ExceedToleratedFailureThreshold"


def _item_env(env: Env, index: int, item: Any) -> Env:
    """``env`` with ``Map.Item`` in its context object."""
    inner = Env(env.frame, env.name, env.state, env.input, env.entered_id)
    context = dict(env.context())
    context["Map"] = {"Item": {"Index": index, "Value": item}}
    inner._context = context
    return inner


def _items(env: Env, doc: Any) -> Any:
    state = env.state
    if "ItemReader" in state:
        from sfs3dsl.run.interpreter.item_reader import read_items

        return read_items(env, state["ItemReader"], doc)
    if env.jsonata:
        if "Items" in state:
            return jsonata_fields.value(env, state["Items"], jsonata_fields.bindings(env),
                                        "Items")
        return env.input
    return dataflow.select(env, state.get("ItemsPath", "$"), doc, "ItemsPath")


def _select(env: Env, doc: Any, index: int, item: Any) -> Any:
    state = env.state
    spec_key = "ItemSelector" if "ItemSelector" in state else "Parameters"
    if spec_key not in state:
        return item
    inner = _item_env(env, index, item)
    if env.jsonata:
        return jsonata_fields.value(inner, state[spec_key], jsonata_fields.bindings(inner),
                                    spec_key)
    return dataflow.template(inner, state[spec_key], doc)


def _batches(env: Env, doc: Any, items: list[Any]) -> list[Any]:
    batcher = env.state["ItemBatcher"]
    size = _count(env, "MaxItemsPerBatch", doc, batcher) or len(items)
    extra: dict[str, Any] = {}
    if "BatchInput" in batcher:
        spec = batcher["BatchInput"]
        extra = jsonata_fields.value(env, spec, jsonata_fields.bindings(env), "BatchInput") \
            if env.jsonata else dataflow.template(env, spec, doc)
    out = []
    for i in range(0, len(items), max(size, 1)):
        batch: dict[str, Any] = {"Items": items[i:i + size]}
        if extra:
            batch["BatchInput"] = extra
        out.append(batch)
    return out


def _count(env: Env, key: str, doc: Any, spec: dict[str, Any] | None = None) -> int | None:
    """An integer field of at least 0 (MaxConcurrency, ToleratedFailureCount,
    MaxItemsPerBatch), None when absent."""
    field = numbers.read(env, key, doc, spec)
    return None if field is None else numbers.integer(env, field, 0)


def _iteration_job(processor: dict[str, Any], inputs: list[Any], name: str,
                   run_machine: RunMachine, map_run: MapRun | None, language: str) -> Job:
    if map_run is not None:  # a Distributed Map: each item is a child execution
        def child(index: int, frame: Frame) -> Any:
            return frame.run.runner.run_child(frame, map_run, index, processor,
                                              inputs[index], language)

        return child

    def job(index: int, frame: Frame) -> Any:
        frame.event("MapIterationStarted", {"name": name, "index": index})
        try:
            out = run_machine(frame, processor, inputs[index])
        except StateFailure:
            frame.event("MapIterationFailed", {"name": name, "index": index})
            raise
        frame.event("MapIterationSucceeded", {"name": name, "index": index})
        return out

    return job


def _not_array(env: Env, items: Any) -> StateFailure:
    # AWS's text, recorded for a JSONata Map whose input is not an array
    # (States.QueryEvaluationError; ../shared/corpus and LocalStack's
    # scenarios/test_base_scenarios.snapshot.json, test_map_state_items_input_types[object]).
    # For a JSONPath ItemsPath nothing is recorded: our choice is the same text as
    # States.Runtime. An ItemsPath finding nothing fails as InputPath does (dataflow.select,
    # "Invalid path ..."), also our choice by analogy: not recorded for ItemsPath.
    message = f"Map state input must be an array but was: {dumps(items)}"
    if env.jsonata:
        return jsonata_fields.query_error(env, message)
    return roots.runtime_error(env, message)


def _start_map_run(env: Env, started: list[MapRun]) -> MapRun:
    map_run = new_map_run(env)
    started.append(map_run)
    env.frame.run.map_runs.append(map_run)
    env.frame.event("MapRunStarted", {"mapRunArn": map_run.arn})
    return map_run


def _end_map_run(env: Env, map_run: MapRun, failure: StateFailure | None) -> None:
    if failure is None:
        map_run.status = "SUCCEEDED"
        env.frame.event("MapRunSucceeded")
        return
    map_run.status, map_run.error, map_run.cause = "FAILED", failure.error, failure.cause
    details = {"error": failure.error, "cause": failure.cause}
    env.frame.event("MapRunFailed", {k: v for k, v in details.items() if v is not None})


def run_map(env: Env, run_machine: RunMachine) -> Any:
    """Run the Map state ``env.state``, each iteration with ``run_machine`` (the engine's);
    returns the outputs of its iterations in order."""
    state, frame = env.state, env.frame
    started: list[MapRun] = []  # the map run, once it started
    if is_distributed(state) and "ItemReader" in state:
        # AWS starts the map run before it reads the items: the recorded histories show
        # MapStateStarted with length 0, MapRunStarted, then MapRunFailed with
        # States.ItemReaderFailed when the reader fails.
        frame.event("MapStateStarted", {"length": 0})
        _start_map_run(env, started)
    try:
        return _run_items(env, run_machine, started)
    except StateFailure as failure:
        if started and started[0].status == "RUNNING":
            _end_map_run(env, started[0], failure)
            frame.event("MapStateFailed")
        raise
    except BaseException:
        # Stopped (StopExecution, the execution's own end, its history full) or a harness
        # error: the children were aborted, and so is the map run.
        if started and started[0].status == "RUNNING":
            started[0].status = "ABORTED"
            with contextlib.suppress(Exception):  # a full history has no room for it
                frame.event("MapRunAborted")
        raise


def _run_items(env: Env, run_machine: RunMachine, started: list[MapRun]) -> Any:
    state, frame = env.state, env.frame
    doc = env.input if env.jsonata else dataflow.select(
        env, state.get("InputPath", "$"), env.input, "InputPath")
    items = _items(env, doc)
    if not isinstance(items, list):
        raise _not_array(env, items)
    inputs = [_select(env, doc, i, item) for i, item in enumerate(items)]
    if "ItemBatcher" in state:
        inputs = _batches(env, doc, inputs)
    limit = _count(env, "MaxConcurrency", doc) or INLINE_LIMIT
    tolerated_count = _count(env, "ToleratedFailureCount", doc)
    pct = numbers.read(env, "ToleratedFailurePercentage", doc)
    tolerated_pct = None if pct is None else numbers.number(env, pct, 0, 100)
    processor = state.get("ItemProcessor") or state.get("Iterator") or {}
    language = language_of(processor, state.get("QueryLanguage", frame.language))
    if not started:
        frame.event("MapStateStarted", {"length": len(inputs)})
        if is_distributed(state):
            _start_map_run(env, started)
    map_run = started[0] if started else None
    total = len(inputs)

    def too_many(failures: int) -> bool:
        if tolerated_count is None and tolerated_pct is None:
            return failures > 0
        over_count = tolerated_count is not None and failures > tolerated_count
        over_pct = tolerated_pct is not None and total and failures * 100 / total > tolerated_pct
        return bool(over_count or over_pct)

    job = _iteration_job(processor, inputs, env.name, run_machine, map_run, language)
    inline, scheduled = plan(state, [processor], frame)
    outcomes = run_jobs(frame, total, job, lambda _: frame.child(language=language), limit,
                        too_many, inline=inline, scheduled=scheduled)
    first = outcomes.first_failure()
    if first is not None and too_many(len(outcomes.failures)):
        if tolerated_count is None and tolerated_pct is None and map_run is None:
            frame.event("MapStateFailed")
            raise StateFailure(first.error, first.cause)
        failure = StateFailure(THRESHOLD, failed_cause(map_run, min(outcomes.failures), first))
        if map_run is not None:
            _end_map_run(env, map_run, failure)
        frame.event("MapStateFailed")
        raise failure
    if map_run is not None:
        _end_map_run(env, map_run, None)
    frame.event("MapStateSucceeded")
    results = outcomes.outputs
    if "ResultWriter" in state:
        from sfs3dsl.run.interpreter.result_writer import write_results

        return write_results(env, state["ResultWriter"], doc, inputs, outcomes,
                             map_run or new_map_run(env))
    for i, failure in outcomes.failures.items():
        results[i] = failure.output()
    return results
