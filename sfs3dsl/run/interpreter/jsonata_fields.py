"""JSONata input and output processing of one state.

Arguments (what a Task, Parallel or Map works on), Output (what the state passes on,
by default ``$states.result`` or, where there is none, ``$states.input``) and Assign, all
evaluated with ``$states`` and the variables as they were when the state was entered.
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.run.interpreter.failure import StateFailure, state_error
from sfs3dsl.run.interpreter.jsonata import JsonataFailure, evaluate, is_expression, strip
from sfs3dsl.run.interpreter.scope import Env

QUERY_ERROR = "States.QueryEvaluationError"
_MISSING: Any = object()


def bindings(env: Env, *, result: Any = _MISSING, error_output: Any = _MISSING) -> dict[str, Any]:
    """``$states`` plus every visible variable."""
    states: dict[str, Any] = {"input": env.input, "context": env.context()}
    if result is not _MISSING:
        states["result"] = result
    if error_output is not _MISSING:
        states["errorOutput"] = error_output
    binds = dict(env.frame.variables.visible())
    binds["states"] = states
    return binds


def query_error(env: Env, message: str) -> StateFailure:
    return StateFailure(QUERY_ERROR, state_error(env.name, env.entered_id, message))


def expression(env: Env, text: str, binds: dict[str, Any], field: str) -> Any:
    """Evaluate one ``{% %}`` string; failures are States.QueryEvaluationError."""
    expr = strip(text)
    try:
        return evaluate(expr, binds)
    except JsonataFailure as exc:
        if exc.undefined:
            detail = "returned nothing (undefined)."
        else:
            detail = f"threw an error during evaluation. {exc.message}"
        raise query_error(env, f"The JSONata expression '{expr}' specified for the field "
                               f"'{field}' {detail}") from None


def value(env: Env, spec: Any, binds: dict[str, Any], field: str) -> Any:
    """Evaluate every ``{% %}`` string inside ``spec`` (objects and arrays recursively)."""
    if isinstance(spec, str):
        return expression(env, spec, binds, field) if is_expression(spec) else spec
    if isinstance(spec, dict):
        return {k: value(env, v, binds, f"{field}/{k}") for k, v in spec.items()}
    if isinstance(spec, list):
        return [value(env, v, binds, f"{field}/{i}") for i, v in enumerate(spec)]
    return spec


def arguments(env: Env, state: dict[str, Any], field: str = "Arguments") -> Any:
    """The Arguments of a state, or its input when it has none."""
    if field not in state:
        return env.input
    return value(env, state[field], bindings(env), field)


def output(env: Env, spec: dict[str, Any], default: Any, *, result: Any = _MISSING,
           error_output: Any = _MISSING) -> tuple[Any, dict[str, Any]]:
    """Output and Assign of a state, a Choice rule or a Catcher."""
    if "Output" not in spec and "Assign" not in spec:
        return default, {}
    binds = bindings(env, result=result, error_output=error_output)
    assigned = value(env, spec["Assign"], binds, "Assign") if "Assign" in spec else {}
    out = value(env, spec["Output"], binds, "Output") if "Output" in spec else default
    return out, assigned


def as_int(env: Env, spec: Any, binds: dict[str, Any], field: str) -> Any:
    """A number field that may be written as a JSONata expression."""
    return value(env, spec, binds, field)
