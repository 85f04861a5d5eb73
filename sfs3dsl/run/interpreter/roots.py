"""Where a JSONPath starts at run time (the data, the context object or a variable), and the
``States.Runtime`` failure a path that cannot be followed raises.

Shared by the data flow, the intrinsic functions and Choice rules, so none of them imports
another for it.
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.run.interpreter.failure import StateFailure, state_error
from sfs3dsl.run.interpreter.scope import Env
from sfs3dsl.syntax.jsonpath import Path, PathNotFound

RUNTIME = "States.Runtime"


def runtime_error(env: Env, message: str) -> StateFailure:
    return StateFailure(RUNTIME, state_error(env.name, env.entered_id, message))


def root_value(path: Path, env: Env, doc: Any) -> Any:
    """The document a path starts from: the data, the context object or a variable."""
    if path.root == "$":
        return doc
    if path.root == "$$":
        return env.context()
    try:
        return env.variable(path.var or "")
    except KeyError:
        raise PathNotFound(f"variable ${path.var} is not defined") from None
