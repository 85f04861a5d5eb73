"""TestState: run one state on its own, as the Step Functions console's "Test state" does.

The state is put alone in a machine, with a Succeed state in place of every state it may
go to, and run once; its answer follows the API reference: ``status`` SUCCEEDED (and the
``nextState``), FAILED, CAUGHT_ERROR (a Catch took the error: ``nextState`` is its
target) or RETRIABLE (a Retrier matches the error: TestState runs no retries), with the
``output`` or ``error`` and ``cause``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.serve import errors
from sfs3dsl.serve.protocol import json_text, required

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Runner

_NAME = "TestState"


def _targets(state: dict[str, Any]) -> list[str]:
    found = [state.get("Next"), state.get("Default")]
    found += [rule.get("Next") for rule in state.get("Choices") or () if isinstance(rule, dict)]
    found += [c.get("Next") for c in state.get("Catch") or () if isinstance(c, dict)]
    return [t for t in dict.fromkeys(found) if isinstance(t, str)]


def _matches(error: str | None, equals: list[Any]) -> bool:
    return error in equals or ("States.ALL" in equals and error not in (
        "States.DataLimitExceeded", "States.Runtime"))


def test_state(runner: Runner, params: dict[str, Any]) -> dict[str, Any]:
    text = required(params, "definition")
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise errors.invalid_definition(f"INVALID_JSON_DESCRIPTION: {exc}") from None
    if not isinstance(state, dict) or not isinstance(state.get("Type"), str):
        raise errors.invalid_definition("SCHEMA_VALIDATION_FAILED: a state is a JSON object "
                                        "with a Type")
    value = json_text(str(params.get("input") or "{}"), "input")
    retriers = [r for r in state.get("Retry") or () if isinstance(r, dict)]
    alone = {k: v for k, v in state.items() if k != "Retry"}
    states: dict[str, Any] = {_NAME: alone}
    for target in _targets(state):
        states[target] = {"Type": "Succeed"}
    machine = {"StartAt": _NAME, "States": states}
    try:
        execution = runner.execute(machine, value, name=None)
    except ExecutionError as exc:
        raise errors.invalid_definition(f"SCHEMA_VALIDATION_FAILED: {exc}") from None
    entered = [e for e in execution.history if e["type"].endswith("StateEntered")]
    next_state = entered[1]["stateEnteredEventDetails"]["name"] if len(entered) > 1 else None
    out: dict[str, Any] = {}
    if execution.status == "SUCCEEDED":
        caught = next_state is not None and any(
            isinstance(c, dict) and c.get("Next") == next_state
            and next_state not in (state.get("Next"), state.get("Default"))
            for c in state.get("Catch") or ())
        out["status"] = "CAUGHT_ERROR" if caught else "SUCCEEDED"
        out["output"] = json.dumps(execution.output, separators=(",", ":"))
        if next_state:
            out["nextState"] = next_state
        if caught:
            failed = [e for e in execution.history if e["type"].endswith("Failed")]
            details = next((v for v in failed[0].values() if isinstance(v, dict)), {}) \
                if failed else {}
            out["error"], out["cause"] = details.get("error"), details.get("cause")
        return out
    error, cause = execution.error, execution.cause
    retriable = any(_matches(error, list(r.get("ErrorEquals") or ())) for r in retriers)
    out.update({"status": "RETRIABLE" if retriable else "FAILED", "error": error,
                "cause": cause})
    return out
