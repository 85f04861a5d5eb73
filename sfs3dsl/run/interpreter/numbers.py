"""Numbers a state reads at run time (``SecondsPath``, ``TimeoutSecondsPath``,
``MaxConcurrencyPath``, ``ToleratedFailureCountPath`` ...), checked as AWS checks them.

What AWS says is known for one field, from an execution recorded against AWS:
``The MaxItemsPath field refers to value "1.5" which is not a valid integer: $.MaxItems``
(``States.Runtime``). The value is shown as text and the text must parse as an integer, so
``"5"`` is accepted and ``1.5`` (or ``2.0``) is not; every integer field here follows that
recording. The docs give no text for a value out of range, nor for a percentage that is not
a number: those causes are ours, in the same shape. A path that finds nothing fails as every
``...Path`` does (``The JSONPath '$.x' specified for the field 'SecondsPath' could not be
found in the input '...'``, recorded for ``ErrorPath`` and ``CausePath``).

In a JSONata state the field is the expression itself (``Seconds``, ``MaxConcurrency``) and
the error is ``States.QueryEvaluationError``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sfs3dsl.run.interpreter import dataflow, jsonata_fields, roots
from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.scope import Env

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class Field:
    """Where a number came from: the field's name as AWS names it, and the path."""

    __slots__ = ("name", "path", "value")

    def __init__(self, name: str, value: Any, path: str | None) -> None:
        self.name = name
        self.value = value
        self.path = path


def read(env: Env, key: str, doc: Any, spec: dict[str, Any] | None = None) -> Field | None:
    """The value of ``key`` in ``spec`` (default: the state): a literal, ``{key}Path`` read
    from ``doc``, or a JSONata expression; None when the field is absent."""
    state = env.state if spec is None else spec
    if not env.jsonata and f"{key}Path" in state:
        path = state[f"{key}Path"]
        return Field(f"{key}Path", dataflow.lookup(env, path, doc, f"{key}Path"), str(path))
    if key not in state:
        return None
    if env.jsonata:
        value = jsonata_fields.value(env, state[key], jsonata_fields.bindings(env), key)
        return Field(key, value, None)
    return Field(key, state[key], None)


def _text(value: Any) -> str:
    """A value as the cause shows it: a string as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return dumps(value)


def _fail(env: Env, field: Field, what: str) -> StateFailure:
    message = f'The {field.name} field refers to value "{_text(field.value)}" which {what}'
    if field.path is not None:
        message += f": {field.path}"
    if env.jsonata:
        return jsonata_fields.query_error(env, message)
    return roots.runtime_error(env, message)


def integer(env: Env, field: Field, lowest: int, highest: int | None = None) -> int:
    """``field``'s value as an integer from ``lowest`` to ``highest``, or the state fails."""
    value = field.value
    text = _text(value) if not isinstance(value, bool) else "-"
    if not _INTEGER.fullmatch(text.strip()):
        raise _fail(env, field, "is not a valid integer")
    number = int(text)
    if number < lowest or (highest is not None and number > highest):
        raise _fail(env, field, _range(lowest, highest))
    return number


def number(env: Env, field: Field, lowest: float, highest: float) -> float:
    """``field``'s value as a number from ``lowest`` to ``highest``, or the state fails."""
    value = field.value
    text = _text(value) if not isinstance(value, bool) else "-"
    if not _NUMBER.fullmatch(text.strip()):
        raise _fail(env, field, "is not a valid number")
    result = float(text)
    if not lowest <= result <= highest:
        raise _fail(env, field, _range(lowest, highest))
    return result


def _range(lowest: float, highest: float | None) -> str:
    if highest is None:
        return f"is less than {_plain(lowest)}"
    return f"is not between {_plain(lowest)} and {_plain(highest)}"


def _plain(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)
