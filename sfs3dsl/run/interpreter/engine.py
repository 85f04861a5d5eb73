"""The execution loop: run the states of a machine (or branch, or iteration) one by one.

Each state type has one small handler that records its history events, reads its input,
does its work and returns ``(next state name or None, output)``. Task, Parallel and Map go
through :func:`guarded`, which applies Retry and Catch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sfs3dsl.run.interpreter import dataflow, jsonata_fields, retry, roots
from sfs3dsl.run.interpreter.choice import jsonata_rule, jsonpath_rule, parse_timestamp
from sfs3dsl.run.interpreter.failure import Aborted, ExecutionTimedOut, StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.limits import (
    DATA_LIMIT,
    MAX_WAIT_SECONDS,
    HistoryFull,
    PayloadTooLarge,
    input_cause,
    result_cause,
)
from sfs3dsl.run.interpreter.scope import Env, Frame
from sfs3dsl.syntax.asl import JSONPATH
from sfs3dsl.syntax.jsonpath import (
    JsonPathError,
    Path,
    PathNotFound,
    parse_reference_path,
    set_path,
)

Handler = Callable[[Frame, str, dict[str, Any], Any], tuple[str | None, Any]]
Work = Callable[[Env], Any]


def run_machine(frame: Frame, machine: dict[str, Any], value: Any) -> Any:
    """Run ``machine`` (top level, a branch or an item processor) from StartAt to its end."""
    states: dict[str, Any] = machine["States"]
    name: str | None = machine["StartAt"]
    deadline = frame.run.deadline
    cancel, handlers = frame.cancel, HANDLERS
    while name is not None:
        for stop in cancel:  # frame.check(), inline: it runs before every state
            if stop.is_set():
                raise Aborted()
        state = states[name]
        try:
            name, value = handlers[state["Type"]](frame, name, state, value)
        except PayloadTooLarge as exc:  # an input or output over 256 KiB: no Catch sees it
            here = str(name)
            cause = result_cause(here) if exc.field == "output" else input_cause(here)
            raise StateFailure(DATA_LIMIT, cause) from None
        if deadline is not None and frame.timeline.now() >= deadline:
            raise ExecutionTimedOut()
    return value


#: The clock resolution of ``$$.State.EnteredTime``.
_MILLISECOND = timedelta(milliseconds=1)


def _enter(frame: Frame, name: str, state: dict[str, Any], value: Any) -> Env:
    if state["Type"] == "Task" and frame.timeline.virtual:
        # On AWS two entries of one Task state are never in the same millisecond (the task
        # itself takes longer; the docs give no figure), and side-car steps take the
        # entered time as the identity of a visit. On the virtual clock a loop without a
        # Wait would enter the Task again at the same instant, so it enters 1 ms later.
        last = frame.entered.get(name)
        if last is not None and frame.timeline.now() - last < _MILLISECOND:
            frame.timeline.advance_to(last + _MILLISECOND)
        frame.entered[name] = frame.timeline.now()
    frame.last_event = entered = frame.run.history.add_state(
        f"{state['Type']}StateEntered", frame.timeline.now(), frame.last_event, name,
        "input", value)
    return Env(frame, name, state, value, entered)


def _exit(env: Env, output: Any, assigned: dict[str, Any]) -> None:
    frame = env.frame
    event_type = f"{env.state['Type']}StateExited"
    if not assigned:
        frame.last_event = frame.run.history.add_state(
            event_type, frame.timeline.now(), frame.last_event, env.name, "output", output)
        return
    frame.variables.values.update(assigned)
    frame.event(event_type, {"name": env.name, "output": output, "assignedVariables": assigned})


def _next(state: dict[str, Any]) -> str | None:
    return None if state.get("End") else state.get("Next")


def _finish(env: Env, result: Any) -> tuple[Any, dict[str, Any]]:
    """Output and Assign of a state that produced ``result``."""
    if env.jsonata:
        return jsonata_fields.output(env, env.state, result, result=result)
    return dataflow.output(env, env.state, env.input, result)


#: The fields of a JSONPath Pass state that :func:`_plain_pass` handles: a Result (or the
#: input) placed by a ResultPath, the most common Pass. Any other field (InputPath,
#: Parameters, Assign, QueryLanguage ...) takes the general path.
_PLAIN_PASS = frozenset({"Type", "Result", "ResultPath", "Next", "End", "Comment"})


#: How a plain Pass places its result: ResultPath null, "$", "$.key", or another path.
_DISCARD, _REPLACE, _KEY, _PATH = range(4)
Placement = tuple[int, Path | None, str | None]


@functools.lru_cache(maxsize=1024)
def _placement(spec: str | None) -> Placement | None:
    """A ResultPath read once (the same few come back in every state); None when it is not
    a reference path from the state input (the general path reports it)."""
    if spec is None:
        return _DISCARD, None, None
    if spec == "$":
        return _REPLACE, None, None
    try:
        path = parse_reference_path(spec)
    except JsonPathError:
        return None
    if path.root != "$":
        return None
    keys = path.plain_keys
    if keys is not None and len(keys) == 1:
        return _KEY, path, keys[0]
    return _PATH, path, None


def pass_state(frame: Frame, name: str, state: dict[str, Any], value: Any) -> tuple[Any, Any]:
    place: Placement | None = None
    if frame.language == JSONPATH and _PLAIN_PASS.issuperset(state):
        spec = state.get("ResultPath", "$")
        if spec is None or isinstance(spec, str):  # else the general path reports it
            place = _placement(spec)
    if place is not None:
        # a plain Pass: the same events and checks as below, without the general
        # machinery (no Env, no context object, no payload template), as it is the
        # commonest state there is
        history, timeline = frame.run.history, frame.timeline
        entered = timeline.now()
        result = state.get("Result", value)
        mode, path, key = place
        if mode == _KEY and type(value) is dict:
            out = dict(value)  # set_path's copy, for the commonest ResultPath
            out[key] = result
            if history.payload_limit is not None:
                # its size follows from the input's, measured as it entered: a big state
                # passing through costs what a small one does
                history.sizes.placed(value, out, key, result)  # type: ignore[arg-type]
        elif mode == _DISCARD:
            out = value
        elif mode == _REPLACE:
            out = result
        else:
            try:
                out = set_path(value, path, result)  # type: ignore[arg-type]
            except PathNotFound:
                frame.last_event = history.add_state("PassStateEntered", entered,
                                                     frame.last_event, name, "input", value)
                raise StateFailure("States.ResultPathMatchFailure",
                                   f"Unable to apply ResultPath \"{state['ResultPath']}\" to "
                                   f"input {dumps(value)}") from None
        try:
            frame.last_event = history.add_passage(
                ("PassStateEntered", entered), ("PassStateExited", timeline.now()),
                frame.last_event, name, value, out)
        except (PayloadTooLarge, HistoryFull) as exc:
            if exc.entered is not None:  # the entered event was recorded
                frame.last_event = exc.entered
            raise
        return (None if state.get("End") else state.get("Next")), out
    env = _enter(frame, name, state, value)
    if env.jsonata:
        out, assigned = jsonata_fields.output(env, state, value)
    else:
        effective = dataflow.effective_input(env, state, value)
        result = state.get("Result", effective)
        out, assigned = dataflow.output(env, state, value, result)
    _exit(env, out, assigned)
    return _next(state), out


def succeed_state(frame: Frame, name: str, state: dict[str, Any],
                  value: Any) -> tuple[Any, Any]:
    env = _enter(frame, name, state, value)
    if env.jsonata:
        out, assigned = jsonata_fields.output(env, state, value)
    else:
        out = dataflow.select(env, state.get("InputPath", "$"), value, "InputPath")
        out = dataflow.select(env, state.get("OutputPath", "$"), out, "OutputPath")
        assigned = {}
    _exit(env, out, assigned)
    return None, out


def _fail_field(env: Env, state: dict[str, Any], key: str) -> Any:
    if env.jsonata:
        if key not in state:
            return None
        return jsonata_fields.value(env, state[key], jsonata_fields.bindings(env), key)
    if f"{key}Path" in state:
        return dataflow.dynamic(env, state[f"{key}Path"], env.input, f"{key}Path")
    return state.get(key)


def fail_state(frame: Frame, name: str, state: dict[str, Any], value: Any) -> tuple[Any, Any]:
    env = _enter(frame, name, state, value)
    error, cause = _fail_field(env, state, "Error"), _fail_field(env, state, "Cause")
    raise StateFailure(error, cause)


def choice_state(frame: Frame, name: str, state: dict[str, Any],
                 value: Any) -> tuple[Any, Any]:
    env = _enter(frame, name, state, value)
    chosen: dict[str, Any] | None = None
    if env.jsonata:
        doc = value
        for rule in state.get("Choices", ()):
            if jsonata_rule(env, rule):
                chosen = rule
                break
    else:
        doc = dataflow.select(env, state.get("InputPath", "$"), value, "InputPath")
        for rule in state.get("Choices", ()):
            if jsonpath_rule(env, rule, doc):
                chosen = rule
                break
    if chosen is None and "Default" not in state:
        raise StateFailure("States.NoChoiceMatched",
                           f"No Choice rule of state '{name}' matched, and it has no Default")
    target = chosen["Next"] if chosen is not None else state["Default"]
    if env.jsonata:
        spec = chosen if chosen is not None and ("Output" in chosen or "Assign" in chosen) \
            else state
        out, assigned = jsonata_fields.output(env, spec, value)
    else:
        out = dataflow.select(env, state.get("OutputPath", "$"), doc, "OutputPath")
        assigned = dataflow.template(env, state["Assign"], doc) if "Assign" in state else {}
        if chosen is not None and "Assign" in chosen:
            assigned = {**assigned, **dataflow.template(env, chosen["Assign"], doc)}
    _exit(env, out, assigned)
    return target, out


def _wait_until(env: Env, doc: Any) -> datetime:
    from sfs3dsl.run.interpreter import numbers

    state, now = env.state, env.frame.timeline.now()
    seconds = numbers.read(env, "Seconds", doc)
    if seconds is not None:
        if isinstance(seconds.value, int) and not isinstance(seconds.value, bool) \
                and 0 <= seconds.value <= MAX_WAIT_SECONDS:  # the common case, checked once
            return now + timedelta(seconds=seconds.value)
        return now + timedelta(seconds=numbers.seconds(env, seconds, MAX_WAIT_SECONDS))
    if env.jsonata:
        stamp = jsonata_fields.value(env, state.get("Timestamp"), jsonata_fields.bindings(env),
                                     "Timestamp")
        return _timestamp(env, stamp, "Timestamp", jsonata_fields.query_error)
    if "Timestamp" in state:
        return _timestamp(env, state["Timestamp"], "Timestamp", roots.runtime_error)
    return _timestamp_path(env, str(state.get("TimestampPath")), doc)


def _timestamp_path(env: Env, path: str, doc: Any) -> datetime:
    """A Wait's ``TimestampPath``. The text for a value that is not a timestamp is AWS's,
    recorded in LocalStack's ``scenarios/test_base_scenarios.snapshot.json``
    (``test_wait_timestamp_path[NO_T]`` ...) and ``base/test_wait.snapshot.json``
    (``test_wait_timestamppath[]``). For a path that finds nothing nothing is recorded: our
    wording follows the one recorded for ``SecondsPath``."""
    parsed = dataflow.parse(env, path, "TimestampPath")
    try:
        stamp = parsed.get(roots.root_value(parsed, env, doc))
    except PathNotFound:
        raise roots.runtime_error(env, f"The TimestampPath parameter does not reference an "
                                       f"input value: {path}") from None
    when = parse_timestamp(stamp)
    if when is None:
        shown = stamp if isinstance(stamp, str) else dumps(stamp)
        raise roots.runtime_error(env, f"The TimestampPath parameter does not reference a "
                                       f"valid ISO-8601 extended offset date-time format "
                                       f"string: {path} == {shown}")
    return when


def _timestamp(env: Env, stamp: Any, field: str,
               fail: Callable[[Env, str], StateFailure]) -> datetime:
    when = parse_timestamp(stamp)
    if when is None:
        # AWS's text, recorded for a JSONata Timestamp (../shared/corpus); TimestampPath has
        # its own recorded text (_timestamp_path)
        raise fail(env, f"The {field} field cannot be parsed as an ISO-8601 extended offset "
                        f"date-time format string: {stamp}")
    return when


def wait_state(frame: Frame, name: str, state: dict[str, Any], value: Any) -> tuple[Any, Any]:
    env = _enter(frame, name, state, value)
    doc = value if env.jsonata else dataflow.select(env, state.get("InputPath", "$"), value,
                                                    "InputPath")
    until = _wait_until(env, doc)
    deadline = frame.run.deadline
    timed_out = deadline is not None and until >= deadline
    if timed_out:  # the execution ends during the wait: the state never exits
        until = deadline  # type: ignore[assignment]
    timeline = frame.timeline
    if timeline.virtual:
        timeline.advance_to(until)
    else:
        timeline.sleep((until - timeline.now()).total_seconds(), frame.run.stop)
    frame.check()
    if timed_out:
        raise ExecutionTimedOut()
    if env.jsonata:
        out, assigned = jsonata_fields.output(env, state, value)
    else:
        out = dataflow.select(env, state.get("OutputPath", "$"), doc, "OutputPath")
        assigned = dataflow.template(env, state["Assign"], doc) if "Assign" in state else {}
    _exit(env, out, assigned)
    return _next(state), out


def _catch(env: Env, catcher: dict[str, Any], failure: StateFailure) -> tuple[Any, Any]:
    error_output = failure.output()
    if env.jsonata:
        return jsonata_fields.output(env, catcher, error_output, error_output=error_output)
    assigned = dataflow.template(env, catcher["Assign"], error_output) \
        if "Assign" in catcher else {}
    out = dataflow.result_path(env, env.input, error_output, catcher.get("ResultPath", "$"))
    return out, assigned


def guarded(frame: Frame, name: str, state: dict[str, Any], value: Any,
            work: Work) -> tuple[str | None, Any]:
    """Enter the state, run ``work`` with Retry and Catch, exit; returns (next, output)."""
    env = _enter(frame, name, state, value)
    env.retry_count = 0
    retriers: list[dict[str, Any]] = state.get("Retry", [])
    counts = [0] * len(retriers)
    while True:
        try:
            result = work(env)
            out, assigned = _finish(env, result)
        except StateFailure as failure:
            i = retry.find(retriers, failure.error)
            if i is not None and counts[i] < retry.max_attempts(retriers[i]):
                seconds = retry.delay(retriers[i], counts[i], frame.run.runner.rng)
                counts[i] += 1
                _sleep(frame, seconds)
                env.retry_count = sum(counts)
                env.reset_context()
                continue
            catchers: list[dict[str, Any]] = state.get("Catch", [])
            j = retry.find(catchers, failure.error)
            if j is None:
                raise
            out, assigned = _catch(env, catchers[j], failure)
            _exit(env, out, assigned)
            return catchers[j]["Next"], out
        _exit(env, out, assigned)
        return _next(state), out


def _sleep(frame: Frame, seconds: float) -> None:
    deadline = frame.run.deadline
    timeline = frame.timeline
    if deadline is not None:
        seconds = min(seconds, max(0.0, (deadline - timeline.now()).total_seconds()))
    timeline.sleep(seconds, frame.run.stop)
    frame.check()
    if deadline is not None and timeline.now() >= deadline:
        raise ExecutionTimedOut()


def task_state(frame: Frame, name: str, state: dict[str, Any], value: Any) -> tuple[Any, Any]:
    from sfs3dsl.run.interpreter.tasks import run_task

    return guarded(frame, name, state, value, run_task)


def parallel_state(frame: Frame, name: str, state: dict[str, Any],
                   value: Any) -> tuple[Any, Any]:
    from sfs3dsl.run.interpreter.parallel import run_parallel

    return guarded(frame, name, state, value, lambda env: run_parallel(env, run_machine))


def map_state(frame: Frame, name: str, state: dict[str, Any], value: Any) -> tuple[Any, Any]:
    from sfs3dsl.run.interpreter.map import run_map

    return guarded(frame, name, state, value, lambda env: run_map(env, run_machine))


HANDLERS: dict[str, Handler] = {
    "Pass": pass_state, "Succeed": succeed_state, "Fail": fail_state, "Choice": choice_state,
    "Wait": wait_state, "Task": task_state, "Parallel": parallel_state, "Map": map_state,
}
