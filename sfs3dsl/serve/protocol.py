"""AWS JSON 1.0 as Step Functions speaks it: the action in ``X-Amz-Target``, a JSON body,
timestamps as epoch seconds, and the ARNs it names things by.

Hand-written: the protocol is a header and a JSON object each way, and no maintained
library serves it (botocore only writes the client side).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sfs3dsl.serve import errors

TARGET_PREFIX = "AWSStepFunctions."
CONTENT_TYPE = "application/x-amz-json-1.0"
_ARN = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$")
#: A name of a state machine or an execution (API reference: 1-80 characters, none of
#: whitespace, brackets, wildcards, special characters or control characters).
_NAME = re.compile(r"^[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]{1,80}$")


def action_of(target: str | None) -> str | None:
    """``AWSStepFunctions.StartExecution`` -> ``StartExecution``; None for anything else."""
    if target and target.startswith(TARGET_PREFIX):
        return target[len(TARGET_PREFIX):]
    return None


def decode(body: bytes) -> dict[str, Any]:
    """The request's parameters; an empty body is ``{}`` (as for ListStateMachines)."""
    if not body.strip():
        return {}
    try:
        # decoded here: json.loads of bytes first guesses among UTF-8/16/32, and the
        # protocol's bodies are UTF-8
        value = json.loads(body.decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.serialization(f"the request body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise errors.serialization("the request body must be a JSON object")
    return value


def _plain(value: Any) -> Any:
    """``value`` without None anywhere (datetimes are left to the encoder's ``_epoch``)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Plain(dict[str, Any]):
    """An answer built without None anywhere in it (its only values that are not JSON are
    datetimes): :func:`encode` writes it in one pass of the C encoder, without the walk that
    leaves None out. StartExecution and DescribeExecution answer these (every execution
    calls them; the walk was a tenth of serve's CPU per execution)."""

    __slots__ = ()


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: One encoder, its options fixed once (``json.dumps`` with options builds one per call).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_epoch)


def encode(value: dict[str, Any]) -> bytes:
    """The answer's body: datetimes as epoch seconds (milliseconds kept), None left out."""
    return _ENCODER.encode(value if type(value) is Plain else _plain(value)).encode()


def required(params: dict[str, Any], key: str) -> str:
    """A string parameter the API requires (missing: ValidationException, as AWS)."""
    value = params.get(key)
    if value is None:
        raise errors.validation(key, "Member must not be null", None)
    if not isinstance(value, str):
        raise errors.serialization(f"{key} must be a string")
    return value


def optional_int(params: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = params.get(key)
    if value is None or value == 0:  # 0 means "the default" in the API reference
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.serialization(f"{key} must be a number")
    if not low <= value <= high:
        raise errors.validation(key, f"Member must have value less than or equal to {high}"
                                if value > high else
                                f"Member must have value greater than or equal to {low}",
                                str(value))
    return value


def check_name(name: str, field: str = "name") -> None:
    if not _NAME.match(name):
        raise errors.ApiError("InvalidName", f"Invalid Name: '{name}'")


def parse_arn(arn: str, kind: str) -> tuple[str, str, str]:
    """``(region, account, rest)`` of an ARN of ``kind`` (``stateMachine``,
    ``execution``); a malformed one, or one of another kind, is InvalidArn."""
    found = _ARN.match(arn)
    if found is None:
        raise errors.invalid_arn(f"Invalid ARN prefix: {arn}")
    region, account, resource, rest = found.groups()
    if resource != kind:
        raise errors.invalid_arn(f"Resource type not valid in this context: {resource}")
    return region, account, rest


def json_text(text: str, field: str, *, as_output: bool = False) -> Any:
    """Parse a JSON payload parameter (``input``, ``output``), checking its size first."""
    if len(text.encode("utf-8")) > errors.MAX_PAYLOAD:
        raise errors.validation(field, "Member must have length less than or equal to "
                                f"{errors.MAX_PAYLOAD}")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise (errors.invalid_output if as_output else errors.invalid_input)(str(exc)) \
            from None
