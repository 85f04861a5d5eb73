"""The API facade of a side-car workflow: API Gateway (Lambda proxy) handlers.

Callers never touch the bucket: ``start-process`` writes the request body as a new process
and starts the state machine, ``process-state`` describes the execution, ``process-data``
returns the document. A malformed request gets a 4xx answer and writes nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from sfs3dsl_runtime import clients
from sfs3dsl_runtime.errors import S3DataCorruptError, S3DataMissingError, SideCarConfigError
from sfs3dsl_runtime.process import execution_arn, start_process
from sfs3dsl_runtime.store import TXN_PATTERN, Location, ProcessStore, dump

#: Lambda answers at most 6 MB synchronously; leave room for the envelope.
DEFAULT_MAX_BODY = 5 * 1024 * 1024
_SUBTOPIC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/")


def respond(status: int, body: Any) -> dict[str, Any]:
    """A Lambda proxy response with a JSON body."""
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body, separators=(",", ":"))}


def _problem(status: int, message: str) -> dict[str, Any]:
    return respond(status, {"message": message})


def _setting(name: str) -> str:
    value = clients.environ().get(name, "")
    if not value:
        raise SideCarConfigError(f"the environment variable {name} is not set")
    return value


def _max_body() -> int:
    return int(clients.environ().get("SFS3DSL_MAX_BODY_BYTES") or DEFAULT_MAX_BODY)


def _transaction_id(event: Mapping[str, Any]) -> str | dict[str, Any]:
    """The path's transaction id, or the 4xx response explaining why there is none."""
    params = event.get("pathParameters") or {}
    txn = params.get("transactionId") if isinstance(params, Mapping) else None
    if not isinstance(txn, str) or not txn:
        return _problem(400, "the path must end with the transaction id: "
                             ".../process-state/<transactionId>")
    if not TXN_PATTERN.match(txn):
        return _problem(400, "a transaction id has only letters, digits, '-' and '_' "
                             "(at most 128); this one does not")
    return txn


def _body(event: Mapping[str, Any]) -> bytes | dict[str, Any]:
    raw = event.get("body")
    if raw is None or raw == "":
        return _problem(400, "the request body is empty: send the process document as a "
                             "JSON object")
    if not isinstance(raw, str):
        return _problem(400, "the request body must be text")
    if event.get("isBase64Encoded"):
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return _problem(400, "the request body is not valid base64")
    else:
        data = raw.encode("utf-8")
    if len(data) > _max_body():
        return _problem(413, f"the request body has {len(data)} bytes; at most {_max_body()} "
                             "are accepted")
    return data


def start_process_handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
    """``POST start-process``: answers ``{transactionId, executionArn}``."""
    data = _body(event)
    if isinstance(data, dict):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _problem(400, "the request body is not UTF-8 text")
    try:
        document = json.loads(text)
    except ValueError as exc:
        return _problem(400, f"the request body is not JSON: {exc}")
    if not isinstance(document, dict):
        return _problem(400, f"the process document must be a JSON object, not a "
                             f"{type(document).__name__}")
    extra: dict[str, str] = {}
    query = event.get("queryStringParameters") or {}
    subtopic = query.get("subtopic") if isinstance(query, Mapping) else None
    if subtopic is not None:
        if not subtopic or len(subtopic) > 128 or not set(subtopic) <= _SUBTOPIC_CHARS:
            return _problem(400, "subtopic has only letters, digits, '-', '_' and '/' "
                                 "(at most 128)")
        extra["subtopic"] = subtopic
    started = start_process(Location.from_env(), _setting("SFS3DSL_STATE_MACHINE_ARN"),
                            document, extra=extra)
    return respond(200, started)


def process_state_handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
    """``GET process-state/{transactionId}``: the execution's DescribeExecution, trimmed."""
    txn = _transaction_id(event)
    if isinstance(txn, dict):
        return txn
    arn = execution_arn(_setting("SFS3DSL_STATE_MACHINE_ARN"), txn)
    try:
        found = clients.client("stepfunctions").describe_execution(executionArn=arn)
    except clients.client_error() as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") == "ExecutionDoesNotExist":
            return _problem(404, f"there is no process {txn}")
        raise
    out = {"transactionId": txn, "executionArn": arn, "status": found["status"],
           "startDate": found["startDate"].isoformat()}
    if found.get("stopDate") is not None:
        out["stopDate"] = found["stopDate"].isoformat()
    for key in ("error", "cause"):
        if found.get(key):
            out[key] = found[key]
    return respond(200, out)


def process_data_handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
    """``GET process-data/{transactionId}``: the document with every step's output."""
    txn = _transaction_id(event)
    if isinstance(txn, dict):
        return txn
    try:
        snapshot = ProcessStore(Location.from_env()).read(txn)
    except S3DataMissingError:
        return _problem(404, f"there is no process {txn}")
    except S3DataCorruptError as exc:
        return _problem(500, str(exc))
    body = snapshot.view()
    if len(dump(body)) > _max_body():
        return _problem(413, f"the document of {txn} is too large to answer over the API")
    return respond(200, body)
