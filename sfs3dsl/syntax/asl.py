"""Facts of the Amazon States Language shared by the builder, validator, runner and importer.

Nothing here does I/O; these are the tables of the ASL specification and the Step Functions
developer guide that more than one module needs.
"""

from __future__ import annotations

from typing import Final

STATE_TYPES: Final = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")

JSONPATH: Final = "JSONPath"
JSONATA: Final = "JSONata"
QUERY_LANGUAGES: Final = (JSONPATH, JSONATA)

#: Predefined error names (developer guide, "Error names").
ERROR_NAMES: Final = frozenset({
    "States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout", "States.Http.Socket", "States.IntrinsicFailure",
    "States.ItemReaderFailed", "States.NoChoiceMatched", "States.ParameterPathFailure",
    "States.Permissions", "States.ResultPathMatchFailure", "States.ResultWriterFailed",
    "States.Runtime", "States.TaskFailed", "States.Timeout", "States.QueryEvaluationError",
    "States.BranchFailed",
})
#: Errors that ``States.ALL`` does not catch.
UNCATCHABLE_BY_ALL: Final = frozenset({"States.DataLimitExceeded", "States.Runtime"})

#: Intrinsic functions and their arity (min, max); ``None`` means unbounded.
INTRINSICS: Final[dict[str, tuple[int, int | None]]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
INTRINSIC_NESTING_LIMIT: Final = 10
HASH_ALGORITHMS: Final = ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512")

#: Choice comparison operators: name -> kind of operand (``String``, ``Numeric``, ...).
COMPARISONS: Final[dict[str, str]] = {}
for _kind in ("String", "Numeric", "Timestamp"):
    for _op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"):
        COMPARISONS[f"{_kind}{_op}"] = _kind
        COMPARISONS[f"{_kind}{_op}Path"] = _kind
COMPARISONS["BooleanEquals"] = "Boolean"
COMPARISONS["BooleanEqualsPath"] = "Boolean"
COMPARISONS["StringMatches"] = "String"
for _test in ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"):
    COMPARISONS[_test] = "Type"

#: Limits (developer guide, "Quotas").
MAX_NAME_LENGTH: Final = 80
MAX_DEFINITION_BYTES: Final = 1024 * 1024
MAX_PAYLOAD_BYTES: Final = 262_144
MAX_WAIT_SECONDS: Final = 99_999_999
MAX_TASK_TOKEN_LENGTH: Final = 2048

#: Characters CreateStateMachine forbids in a state machine name, besides whitespace and
#: control characters (API reference, CreateStateMachine).
FORBIDDEN_MACHINE_NAME_CHARACTERS: Final = frozenset('<>{}[]?*"#%\\^|~`$&,;:/')


def looks_intrinsic(text: str) -> bool:
    """True when ``text`` starts with ``States.`` after optional whitespace: an intrinsic
    function call, to be parsed by :mod:`sfs3dsl.syntax.intrinsics` (here, so that a
    validator meeting none imports no parser: ~0.8 ms of every ``sfs3dsl compile``)."""
    return isinstance(text, str) and text.lstrip().startswith("States.")


def is_forbidden_in_machine_name(char: str) -> bool:
    """True for a character AWS does not allow in a state machine name."""
    if " " < char < "\x7f":  # printable ASCII: neither space, control nor surrogate
        return char in FORBIDDEN_MACHINE_NAME_CHARACTERS
    import unicodedata  # only for other characters: its import costs every compile ~0.3 ms

    return (char in FORBIDDEN_MACHINE_NAME_CHARACTERS or char.isspace()
            or unicodedata.category(char) in ("Cc", "Cs"))


TASK_TOKEN_PATH: Final = "$$.Task.Token"
TASK_TOKEN_JSONATA: Final = "$states.context.Task.Token"
