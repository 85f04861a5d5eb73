"""ItemReader of a Distributed Map: items from an S3 object (JSON, JSON Lines or CSV).

The object is fetched through the task registry: register a callable for
``arn:aws:states:::s3:getObject`` that returns the object's body (``str`` or ``bytes``) for
``{"Bucket": ..., "Key": ...}``. ``ReaderConfig`` decides how the body becomes items
(``InputType``, ``CSVHeaderLocation``, ``CSVHeaders``, ``MaxItems`` / ``MaxItemsPath``).

An object that cannot be read (no such bucket or key, access denied, no connection) or
parsed fails the Map state with ``States.ItemReaderFailed``, as AWS does; it never stops the
run with a Python exception.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sfs3dsl.core.errors import Sfs3dslError
from sfs3dsl.run.interpreter import dataflow, jsonata_fields, roots
from sfs3dsl.run.interpreter.failure import Aborted, StateFailure
from sfs3dsl.run.interpreter.scope import Env
from sfs3dsl.run.interpreter.tasks import MissingTask

READER_FAILED = "States.ItemReaderFailed"
#: MaxItems at or above this reads everything (the developer guide's upper bound).
MAX_ITEMS_LIMIT = 100_000_000


def _max_items(env: Env, config: dict[str, Any], doc: Any) -> int | None:
    if "MaxItemsPath" in config and not env.jsonata:
        raw = dataflow.lookup(env, config["MaxItemsPath"], doc, "MaxItemsPath")
        field = f": {config['MaxItemsPath']}"
    elif "MaxItems" in config:
        raw = config["MaxItems"]
        if env.jsonata:
            raw = jsonata_fields.value(env, raw, jsonata_fields.bindings(env), "MaxItems")
        field = ""
    else:
        return None
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise roots.runtime_error(env, f"The MaxItemsPath field refers to value "
                                          f"\"{raw}\" which is not a valid integer{field}")
    if raw < 0:
        raise StateFailure(READER_FAILED, "field MaxItems must be positive")
    return None if raw == 0 or raw >= MAX_ITEMS_LIMIT else raw


def _csv_items(text: str, config: dict[str, Any]) -> list[Any]:
    rows = list(csv.reader(io.StringIO(text)))
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = [str(h) for h in config.get("CSVHeaders", [])]
    else:
        headers, rows = (rows[0], rows[1:]) if rows else ([], [])
    return [{h: (row[i] if i < len(row) else "") for i, h in enumerate(headers)}
            for row in rows]


def _parse(body: str, config: dict[str, Any]) -> list[Any]:
    kind = config.get("InputType", "JSON")
    if kind == "CSV":
        return _csv_items(body, config)
    if kind == "JSONL":
        items: list[Any] = []
        for number, line in enumerate(body.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError:  # AWS's text for this is not recorded; ours names the line
                raise StateFailure(READER_FAILED, f"The S3 object is not JSON Lines text: "
                                                  f"line {number} is not JSON.") from None
        return items
    try:
        parsed = json.loads(body)
    except ValueError:
        raise StateFailure(READER_FAILED, "The S3 object is not JSON text.") from None
    if not isinstance(parsed, list):
        raise StateFailure(READER_FAILED, "Attempting to map over non-iterable node.")
    return parsed


def read_failed_cause(params: Any, exc: Exception, action: str = "get") -> str:
    """The cause of ``States.ItemReaderFailed`` (or ResultWriterFailed) when the S3 call
    raised: it names the bucket and the key, then what S3 said.

    AWS's exact cause for a missing bucket or key is not documented, and the executions
    recorded against AWS that we have hold only two ItemReaderFailed causes (a non-array
    JSON object, a negative MaxItems), so this text is ours. What S3 said is shaped the way
    Step Functions quotes AWS SDK errors elsewhere: message, then service, status and error
    code in parentheses.
    """
    where = params if isinstance(params, dict) else {}
    target = f"bucket {where.get('Bucket')!r}, key {where.get('Key')!r}"
    # botocore's ClientError carries S3's answer; duck-typed so the runner needs no botocore
    response = getattr(exc, "response", None)
    error = response.get("Error") if isinstance(response, dict) else None
    if isinstance(error, dict) and error.get("Code"):
        status = (response or {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = str(error.get("Message") or error["Code"]).rstrip(".")
        said = (f"{message}. (Service: S3, "
                + (f"Status Code: {status}, " if status else "")
                + f"Error Code: {error['Code']})")
    else:
        said = f"{type(exc).__name__}: {exc}"
    return f"Failed to {action} the S3 object of {target}: {said}"


def read_items(env: Env, reader: dict[str, Any], doc: Any) -> list[Any]:
    """The items an ItemReader yields."""
    config: dict[str, Any] = reader.get("ReaderConfig", {})
    limit = _max_items(env, config, doc)
    if env.jsonata:
        params = jsonata_fields.value(env, reader.get("Arguments", {}),
                                      jsonata_fields.bindings(env), "Arguments")
    else:
        params = dataflow.template(env, reader.get("Parameters", {}), doc)
    resource = str(reader.get("Resource", ""))
    runner = env.frame.run.runner
    fn = runner.tasks.find(resource)
    if fn is None:
        raise MissingTask(f"state {env.name!r}: no task is registered for the ItemReader "
                          f"resource {resource!r}; register one that returns the object body")
    from sfs3dsl.run.interpreter.tasks import TaskContext

    try:
        body = fn(params, TaskContext(env, resource, runner))
    except (StateFailure, Aborted, Sfs3dslError):
        raise
    except Exception as exc:  # no such bucket or key, denied, unreachable: the state fails
        raise StateFailure(READER_FAILED, read_failed_cause(params, exc)) from None
    if isinstance(body, dict) and "Body" in body:
        body = body["Body"]
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise StateFailure(READER_FAILED, "The S3 object is not UTF-8 text.") from None
    else:  # a mock may hand back the items themselves rather than the object's text
        text = body if isinstance(body, str) else json.dumps(body)
    items = _parse(text, config)
    return items if limit is None else items[:limit]
