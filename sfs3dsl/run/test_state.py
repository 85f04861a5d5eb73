"""One state, tested as AWS's TestState API tests it: ``sfs3dsl test-state`` and
:func:`test_state`.

The state's input and output processing runs on the interpreter's own data-flow functions
(:mod:`sfs3dsl.run.interpreter.dataflow` and ``jsonata_fields``, Choice rules from
``choice``, Retry and Catch matching from ``retry``), so a state tested here behaves as it
does in ``sfs3dsl run``. The answer has TestState's response shape: ``status`` (SUCCEEDED,
FAILED, RETRIABLE, CAUGHT_ERROR), ``output``, ``error``, ``cause``, ``nextState`` and, at
the DEBUG and TRACE inspection levels, ``inspectionData`` (``input``, ``afterInputPath``,
``afterParameters``, ``result``, ``afterResultSelector``, ``afterResultPath``,
``variables``), each value JSON text as the API returns it.

A local TestState calls no service: a Task state needs ``mock`` (its result) or
``mock_error`` (its error), as TestState's mocks give them. Map and Parallel states are
refused (the classic TestState API refuses them too); test the states inside them.

Example:
    >>> test_state({"Type": "Pass", "InputPath": "$.payload", "Parameters": {"data": 1},
    ...             "ResultPath": "$.result", "OutputPath": "$.result.data",
    ...             "Next": "Another State"}, input='{"payload": {"foo": "bar"}}',
    ...            inspection_level="DEBUG").to_dict()["output"]
    '1'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sfs3dsl.run.definitions import RunSetupError
from sfs3dsl.run.interpreter import dataflow, jsonata_fields, retry
from sfs3dsl.run.interpreter.choice import jsonata_rule, jsonpath_rule
from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.scope import Env, Frame, Run, Variables, language_of
from sfs3dsl.syntax.asl import JSONPATH

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Runner

Status = Literal["SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"]
InspectionLevel = Literal["INFO", "DEBUG", "TRACE"]
LEVELS = ("INFO", "DEBUG", "TRACE")
_SUPPORTED = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail")


@dataclass
class TestStateResult:
    """What TestState answers; values are Python values (:meth:`to_dict` gives JSON text).

    Attributes:
        status: SUCCEEDED, FAILED, RETRIABLE (a retrier would retry) or CAUGHT_ERROR.
        output: the state's output (``None`` when it failed or is retried).
        error, cause: the error, when the state failed (or a retrier or catcher took it).
        next_state: the state to go to next (``None`` at the end, or when it failed).
        inspection_data: ``{"input": ..., "afterInputPath": ..., ...}`` at DEBUG and TRACE.
    """

    __test__ = False  # pytest: a result, not a test class

    status: Status
    output: Any = None
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None
    inspection_data: dict[str, Any] | None = None
    #: The input as given (TestState echoes its text as it was sent).
    raw_input: str | None = field(default=None, repr=False)
    _output_is_input: bool = field(default=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """TestState's response: the same keys, every value JSON text."""
        out: dict[str, Any] = {}
        if self.status in ("SUCCEEDED", "CAUGHT_ERROR"):
            # an output that is the input object itself keeps the text it was given in,
            # as the developer guide's Choice example shows
            out["output"] = self.raw_input if self._output_is_input and \
                self.raw_input is not None else dumps(self.output)
        if self.error is not None:
            out["error"] = self.error
        if self.cause is not None:
            out["cause"] = self.cause
        if self.inspection_data is not None:
            data = {key: (self.raw_input if key == "input" and self.raw_input is not None
                          else dumps(value)) for key, value in self.inspection_data.items()}
            out["inspectionData"] = data
        if self.next_state is not None:
            out["nextState"] = self.next_state
        out["status"] = self.status
        return out


class _Env(Env):
    """A state's view whose context object starts from what the test gives (``--context``)."""

    __slots__ = ("given",)

    def __init__(self, frame: Frame, name: str, state: dict[str, Any], value: Any,
                 given: Mapping[str, Any]) -> None:
        super().__init__(frame, name, state, value, 0)
        self.given = given

    def context(self) -> dict[str, Any]:
        return _merge(super().context(), self.given)


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _parse_json(text: Any, what: str) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunSetupError(f"{what}: not valid JSON at line {exc.lineno} column "
                            f"{exc.colno}: {exc.msg}; fix: give JSON text, e.g. "
                            f"{what} '{{\"n\": 1}}'") from None


def find_state(machine: dict[str, Any], name: str) -> tuple[dict[str, Any], str] | None:
    """The state ``name`` anywhere in ``machine`` (branches and item processors too) and the
    query language its machine declares."""
    pending = [(machine, language_of(machine))]
    while pending:
        current, language = pending.pop()
        for key, state in (current.get("States") or {}).items():
            if not isinstance(state, dict):
                continue
            if key == name:
                return state, language
            for branch in state.get("Branches") or ():
                if isinstance(branch, dict):
                    pending.append((branch, language_of(branch, language)))
            for k in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(k), dict):
                    pending.append((state[k], language_of(state[k], language)))
    return None


def _state_names(machine: dict[str, Any]) -> list[str]:
    names: list[str] = []
    pending = [machine]
    while pending:
        current = pending.pop()
        for key, state in (current.get("States") or {}).items():
            names.append(key)
            if isinstance(state, dict):
                pending.extend(b for b in state.get("Branches") or () if isinstance(b, dict))
                pending.extend(state[k] for k in ("ItemProcessor", "Iterator")
                               if isinstance(state.get(k), dict))
    return names


def _mock_error(value: Any) -> tuple[str, str | None] | None:
    if value is None or isinstance(value, tuple):
        return value
    error, sep, cause = str(value).partition(":")
    if not error:
        raise RunSetupError(f"--mock-error {value!r}: no error name; fix: write ERROR:CAUSE, "
                            "e.g. --mock-error Lambda.ServiceException:'Function failed'")
    return error, (cause if sep else None)


def test_state(definition: Any, state: str | None = None, input: Any = None, *,
               mock: Any = None, mock_error: tuple[str, str | None] | str | None = None,
               context: Mapping[str, Any] | str | None = None,
               variables: Mapping[str, Any] | str | None = None,
               inspection_level: str = "INFO", workflow: str | None = None) -> TestStateResult:
    """Test one state as TestState does.

    Args:
        definition: the state's own definition (``{"Type": ...}``), or a state machine
            (``{"StartAt": ..., "States": ...}``, a ``Workflow``, a workflow module or ASL
            file path; ``workflow`` picks one of a module's) with ``state`` naming the
            state in it.
        input: the state input: a value, or JSON text (default ``{}``).
        mock, mock_error: a Task's result, or its error as ``(error, cause)`` or
            ``"ERROR:CAUSE"``.
        context: merged into the context object (``{"State": {"RetryCount": 2}}``).
        variables: the variables the state sees (``{"$name"...}`` without the ``$``).
        inspection_level: INFO, DEBUG or TRACE (TRACE adds HTTP details, which a local
            run has none of: it is DEBUG).

    Raises:
        RunSetupError: the state cannot be tested (not found, Map or Parallel, a Task
            without a mock, bad JSON).
    """
    from sfs3dsl.run.interpreter import Runner

    level = inspection_level.upper()
    if level not in LEVELS:
        raise RunSetupError(f"inspection level {inspection_level!r}: fix: use one of "
                            + ", ".join(LEVELS))
    raw = input if isinstance(input, str) else None
    value = {} if input is None else _parse_json(input, "--input")
    given_context = _parse_json(context, "--context") or {}
    given_variables = _parse_json(variables, "--variables") or {}
    for what, given in (("--context", given_context), ("--variables", given_variables)):
        if not isinstance(given, Mapping):
            raise RunSetupError(f"{what}: must be a JSON object; fix: e.g. {what} "
                                "'{\"name\": 1}'")
    if not isinstance(definition, Mapping):
        from sfs3dsl.run.api import definitions_of

        definition = definitions_of(definition, workflow).definition
    machine, name, spec, language = _locate(dict(definition), state)
    kind = spec.get("Type")
    if kind not in _SUPPORTED:
        raise RunSetupError(f"state {name!r}: a {kind} state cannot be tested alone; fix: "
                            f"test the states inside it, or run the workflow (sfs3dsl run)")
    error = _mock_error(mock_error)
    if kind == "Task" and mock is None and error is None:
        raise RunSetupError(f"state {name!r}: a local test-state calls no service; fix: give "
                            "its result (--mock '{\"ok\": true}') or its error (--mock-error "
                            "ERROR:CAUSE)")
    runner = Runner("virtual")
    frame = _frame(runner, machine, value, language)
    frame.variables.values.update(given_variables)
    env = _Env(frame, name, spec, value, given_context)
    steps: dict[str, Any] = {"input": value}
    outcome = _run(env, spec, steps, mock, error)
    if level != "INFO":
        if given_variables or "Assign" in spec:
            steps["variables"] = frame.variables.visible()
        outcome.inspection_data = steps
    outcome.raw_input = raw
    return outcome


test_state.__test__ = False  # type: ignore[attr-defined]  # pytest: not a test function


def _locate(definition: dict[str, Any], state: str | None
            ) -> tuple[dict[str, Any], str, dict[str, Any], str]:
    if "States" not in definition:  # one state's definition, as TestState takes it
        name = state or "TestState"
        return {"StartAt": name, "States": {name: definition}}, name, definition, \
            str(definition.get("QueryLanguage", JSONPATH))
    if state is None:
        raise RunSetupError("the definition is a state machine; fix: name the state to test "
                            f"(--state), one of {', '.join(map(repr, _state_names(definition)))}")
    found = find_state(definition, state)
    if found is None:
        import difflib

        names = _state_names(definition)
        close = difflib.get_close_matches(state, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise RunSetupError(f"--state {state}: the workflow has no state {state!r}{hint}; "
                            f"fix: use one of {', '.join(map(repr, names))}")
    return definition, state, found[0], found[1]


def _frame(runner: Runner, machine: dict[str, Any], value: Any, language: str) -> Frame:
    from sfs3dsl.run.interpreter.clock import new_timeline

    timeline = new_timeline("virtual")
    machine_arn = f"arn:aws:states:{runner.region}:{runner.account}:stateMachine:TestState"
    run = Run(runner, machine, "test-state",
              f"arn:aws:states:{runner.region}:{runner.account}:execution:TestState:test-state",
              "TestState", machine_arn, f"arn:aws:iam::{runner.account}:role/TestState",
              value, timeline.now(), timeline=timeline)
    return Frame(run, timeline, Variables(), language)


def _run(env: Env, spec: dict[str, Any], steps: dict[str, Any], mock: Any,
         error: tuple[str, str | None] | None) -> TestStateResult:
    try:
        if env.jsonata:
            return _jsonata(env, spec, steps, mock, error)
        return _jsonpath(env, spec, steps, mock, error)
    except StateFailure as failure:
        return _failed(env, spec, failure)


def _next(spec: dict[str, Any]) -> str | None:
    return None if spec.get("End") else spec.get("Next")


def _jsonpath(env: Env, spec: dict[str, Any], steps: dict[str, Any], mock: Any,
              error: tuple[str, str | None] | None) -> TestStateResult:
    value, kind = env.input, spec["Type"]
    after_input = dataflow.select(env, spec.get("InputPath", "$"), value, "InputPath")
    steps["afterInputPath"] = after_input
    if kind == "Choice":
        return _choice(env, spec, after_input)
    if kind in ("Wait", "Succeed"):
        # a local TestState does not wait: the Wait's duration changes nothing it returns
        out = dataflow.select(env, spec.get("OutputPath", "$"), after_input, "OutputPath")
        _assign(env, spec, after_input)
        return TestStateResult("SUCCEEDED", out, next_state=_next(spec),
                               _output_is_input=out is value)
    if kind == "Fail":
        return _fail(env, spec)
    effective = dataflow.template(env, spec["Parameters"], after_input) \
        if "Parameters" in spec else after_input
    # the guide's examples show afterParameters for a Pass and a Task with Parameters; it
    # does not say what a state without them shows: the effective input, unchanged, here
    steps["afterParameters"] = effective
    if kind == "Task":
        if error is not None:
            raise StateFailure(*error)
        result = mock
        steps["result"] = result
    else:  # Pass: no "result" in the guide's example
        result = spec.get("Result", effective)
    selected = dataflow.template(env, spec["ResultSelector"], result) \
        if "ResultSelector" in spec else result
    steps["afterResultSelector"] = selected
    _assign(env, spec, selected)
    placed = dataflow.result_path(env, value, selected, spec.get("ResultPath", "$"))
    steps["afterResultPath"] = placed
    out = dataflow.select(env, spec.get("OutputPath", "$"), placed, "OutputPath")
    return TestStateResult("SUCCEEDED", out, next_state=_next(spec),
                           _output_is_input=out is value)


def _assign(env: Env, spec: dict[str, Any], doc: Any) -> None:
    if "Assign" in spec:
        env.frame.variables.values.update(dataflow.template(env, spec["Assign"], doc))


def _choice(env: Env, spec: dict[str, Any], doc: Any) -> TestStateResult:
    chosen = next((rule for rule in spec.get("Choices", ())
                   if (jsonata_rule(env, rule) if env.jsonata
                       else jsonpath_rule(env, rule, doc))), None)
    if chosen is None and "Default" not in spec:
        raise StateFailure("States.NoChoiceMatched",
                           f"No Choice rule of state '{env.name}' matched, and it has no "
                           "Default")
    target = chosen["Next"] if chosen is not None else spec["Default"]
    if env.jsonata:
        rule = chosen if chosen is not None and ("Output" in chosen or "Assign" in chosen) \
            else spec
        out, assigned = jsonata_fields.output(env, rule, env.input)
        env.frame.variables.values.update(assigned)
    else:
        out = dataflow.select(env, spec.get("OutputPath", "$"), doc, "OutputPath")
        _assign(env, spec, doc)
        if chosen is not None and "Assign" in chosen:
            env.frame.variables.values.update(dataflow.template(env, chosen["Assign"], doc))
    return TestStateResult("SUCCEEDED", out, next_state=target,
                           _output_is_input=out is env.input)


def _fail(env: Env, spec: dict[str, Any]) -> TestStateResult:
    def field_value(key: str) -> Any:
        if env.jsonata:
            return jsonata_fields.value(env, spec[key], jsonata_fields.bindings(env), key) \
                if key in spec else None
        if f"{key}Path" in spec:
            return dataflow.dynamic(env, spec[f"{key}Path"], env.input, f"{key}Path")
        return spec.get(key)

    return TestStateResult("FAILED", error=field_value("Error"), cause=field_value("Cause"))


def _jsonata(env: Env, spec: dict[str, Any], steps: dict[str, Any], mock: Any,
             error: tuple[str, str | None] | None) -> TestStateResult:
    kind = spec["Type"]
    if kind == "Choice":
        return _choice(env, spec, env.input)
    if kind == "Fail":
        return _fail(env, spec)
    result: Any = env.input
    if kind in ("Task", "Pass") and "Arguments" in spec:
        steps["afterArguments"] = result = jsonata_fields.arguments(env, spec)
    if kind == "Task":
        if error is not None:
            raise StateFailure(*error)
        steps["result"] = result = mock
    out, assigned = jsonata_fields.output(env, spec, result, result=result)
    env.frame.variables.values.update(assigned)
    return TestStateResult("SUCCEEDED", out, next_state=_next(spec),
                           _output_is_input=out is env.input)


def _failed(env: Env, spec: dict[str, Any], failure: StateFailure) -> TestStateResult:
    """A failure, seen through the state's Retry and Catch as TestState reports it."""
    retriers: list[dict[str, Any]] = spec.get("Retry", [])
    i = retry.find(retriers, failure.error)
    state_context = env.context().get("State", {})
    count = state_context.get("RetryCount", 0) if isinstance(state_context, dict) else 0
    # The API says only that RETRIABLE means a retrier would retry; with one RetryCount in
    # the context this compares it with the matching retrier's MaxAttempts.
    if i is not None and isinstance(count, int) and count < retry.max_attempts(retriers[i]):
        return TestStateResult("RETRIABLE", error=failure.error, cause=failure.cause)
    catchers: list[dict[str, Any]] = spec.get("Catch", [])
    j = retry.find(catchers, failure.error)
    if j is None:
        return TestStateResult("FAILED", error=failure.error, cause=failure.cause)
    catcher = catchers[j]
    error_output = failure.output()
    if env.jsonata:
        out, assigned = jsonata_fields.output(env, catcher, error_output,
                                              error_output=error_output)
    else:
        assigned = dataflow.template(env, catcher["Assign"], error_output) \
            if "Assign" in catcher else {}
        out = dataflow.result_path(env, env.input, error_output,
                                   catcher.get("ResultPath", "$"))
    env.frame.variables.values.update(assigned)
    return TestStateResult("CAUGHT_ERROR", out, failure.error, failure.cause,
                           next_state=catcher["Next"])


__all__ = ["LEVELS", "TestStateResult", "find_state", "test_state"]
