"""Numbers a state reads at run time (``SecondsPath``, ``TimeoutSecondsPath``,
``MaxConcurrencyPath``, ``ToleratedFailureCountPath`` ...), checked as AWS checks them.

Where each cause text comes from. "Recorded" means AWS's response as recorded in
LocalStack's AWS-validated snapshot files (facts only, no code taken); file names are under
``tests/aws/services/stepfunctions/v2/`` of github.com/localstack/localstack:

* ``The {F}Path field refers to value "{v}" which is not a valid integer: {path}``
  (``States.Runtime``): recorded for MaxItemsPath (also ``../shared/corpus``),
  MaxConcurrencyPath and ToleratedFailureCountPath (``scenarios/test_base_scenarios
  .snapshot.json``, ``test_max_concurrency_path[NoNumber]`` / ``[max_concurrency_value0]``,
  ``test_map_state_tolerated_failure_count_path[NoNumber]``); TimeoutSecondsPath and
  HeartbeatSecondsPath follow it (our wording: nothing recorded).
* ``... which is not a valid float: {path}``: recorded for ToleratedFailurePercentagePath
  (``test_map_state_tolerated_failure_percentage_path[NoNumber]``).
* ``ToleratedFailureCount cannot be negative.`` and ``ToleratedFailurePercentage must be
  between 0 and 100.``: recorded (``test_map_state_tolerated_failure_count_path[-1]``,
  ``test_map_state_tolerated_failure_percentage_path[-1]`` / ``[100.1]``).
* SecondsPath (``base/test_wait.snapshot.json``, ``test_base_wait_seconds_path[1.5]`` /
  ``[-1]``; ``logs/test_logs.snapshot.json``, ``test_base[wait_seconds_path.json5_ALL_False]``):
  ``The SecondsPath parameter cannot be parsed as a long value: $.x == 1.5``, ``... references
  a negative value: $.x == -1``, ``... does not reference an input value: $.x``. Above
  99999999 nothing is recorded: our wording, in the same shape.
* A value below the lowest for MaxConcurrencyPath (AWS's recording of -1 has no end) and
  TimeoutSecondsPath / HeartbeatSecondsPath (not a positive integer): our wording.
* A path that finds nothing: TimeoutSecondsPath / HeartbeatSecondsPath fail with ``Invalid
  path '$.x' : No results for path: $['x']``, recorded
  (``test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_TIMEOUTSECONDSPATH]`` / ``...HEARTBEAT...``);
  for the Map fields nothing is recorded, so they keep the ``The JSONPath '$.x' specified for
  the field '...' could not be found in the input '...'`` text recorded for ErrorPath and
  CausePath (our choice).

The value is shown as text and the text must parse as an integer, so ``"5"`` is accepted and
``1.5`` (or ``2.0``) is not. In a JSONata state the field is the expression itself
(``Seconds``, ``MaxConcurrency``) and the error is ``States.QueryEvaluationError``; those
texts are ours, in the JSONPath shape.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sfs3dsl.run.interpreter import dataflow, jsonata_fields, roots
from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.scope import Env
from sfs3dsl.syntax.jsonpath import PathNotFound

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
        name, path = f"{key}Path", str(state[f"{key}Path"])
        return Field(name, _find(env, name, path, doc), path)
    if key not in state:
        return None
    if env.jsonata:
        value = jsonata_fields.value(env, state[key], jsonata_fields.bindings(env), key)
        return Field(key, value, None)
    return Field(key, state[key], None)


#: Fields whose path finding nothing fails as InputPath does (``Invalid path ...``), recorded.
_INVALID_PATH = frozenset({"TimeoutSecondsPath", "HeartbeatSecondsPath"})

#: Out-of-range causes AWS words without the value or the path (recorded, see above).
_RANGE_TEXT = {"ToleratedFailureCount": "ToleratedFailureCount cannot be negative.",
               "ToleratedFailurePercentage": "ToleratedFailurePercentage must be between 0 "
                                             "and 100."}


def _find(env: Env, name: str, path: str, doc: Any) -> Any:
    """The value at ``path``, or the state fails with the cause AWS gives for ``name``."""
    if name in _INVALID_PATH:
        return dataflow.select(env, path, doc, name)
    if name != "SecondsPath":
        return dataflow.lookup(env, path, doc, name)
    parsed = dataflow.parse(env, path, name)
    try:
        return parsed.get(roots.root_value(parsed, env, doc))
    except PathNotFound:
        raise roots.runtime_error(env, f"The SecondsPath parameter does not reference an "
                                       f"input value: {path}") from None


def seconds(env: Env, field: Field, highest: int) -> int:
    """A Wait's ``SecondsPath`` value: a whole number from 0 to ``highest``, worded as AWS
    words it (recorded in ``base/test_wait.snapshot.json``); other ``Seconds`` forms go
    through :func:`integer`."""
    if field.path is None or env.jsonata:
        return integer(env, field, 0, highest)
    value = field.value
    text = _text(value) if not isinstance(value, bool) else "-"
    shown = f"{field.path} == {_text(value)}"
    if not _INTEGER.fullmatch(text.strip()):
        raise roots.runtime_error(env, f"The SecondsPath parameter cannot be parsed as a long "
                                       f"value: {shown}")
    number = int(text)
    if number < 0:
        raise roots.runtime_error(env, f"The SecondsPath parameter references a negative "
                                       f"value: {shown}")
    if number > highest:  # nothing recorded: our wording, in the recorded shape
        raise roots.runtime_error(env, f"The SecondsPath parameter references a value "
                                       f"greater than {highest}: {shown}")
    return number


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
        raise _out_of_range(env, field, lowest, highest)
    return number


def number(env: Env, field: Field, lowest: float, highest: float) -> float:
    """``field``'s value as a number from ``lowest`` to ``highest``, or the state fails."""
    value = field.value
    text = _text(value) if not isinstance(value, bool) else "-"
    if not _NUMBER.fullmatch(text.strip()):
        raise _fail(env, field, "is not a valid float")
    result = float(text)
    if not lowest <= result <= highest:
        raise _out_of_range(env, field, lowest, highest)
    return result


def _out_of_range(env: Env, field: Field, lowest: float, highest: float | None
                  ) -> StateFailure:
    base = field.name.removesuffix("Path")
    if base in _RANGE_TEXT:
        message = _RANGE_TEXT[base]
        return (jsonata_fields.query_error(env, message) if env.jsonata
                else roots.runtime_error(env, message))
    return _fail(env, field, _range(lowest, highest))  # nothing recorded: our wording


def _range(lowest: float, highest: float | None) -> str:
    if highest is None:
        return f"is less than {_plain(lowest)}"
    return f"is not between {_plain(lowest)} and {_plain(highest)}"


def _plain(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)
