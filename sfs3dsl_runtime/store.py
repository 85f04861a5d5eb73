"""Where a process lives in S3, and the only code that reads or writes it.

Layout under the workflow's prefix (one object per writer, so writers never race)::

    <prefix><txn>/document.json                    the process input (written once)
    <prefix><txn>/outputs/<step>.json              a step's result (written once)
    <prefix><txn>/outputs/<step>/<iteration>.json  a step's result in one Map iteration

The *document* a step sees is ``document.json`` with each output laid over it under
``"<step>-output"`` (a Map step's outputs as ``{iteration: result}``). Every write is
conditional on the key not existing yet (``IfNoneMatch="*"``) and encrypted (SSE-S3, or
SSE-KMS when a key id is configured).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any

from sfs3dsl_runtime import clients
from sfs3dsl_runtime.errors import S3DataCorruptError, S3DataMissingError, SideCarConfigError

#: A transaction id: letters, digits, '-' and '_' (no path characters), 1 to 128 long.
TXN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}\Z")
#: A Map iteration key: the item index or a short name, no path characters.
ITERATION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z")
DOCUMENT = "document.json"
OUTPUTS = "outputs/"
_CONFLICT_ATTEMPTS = 6


def output_field(step: str) -> str:
    """The document key a step's result is shown under: ``step-a`` -> ``step-a-output``."""
    return f"{step}-output"


def dump(value: Any) -> bytes:
    """Compact, deterministic JSON bytes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


class Location:
    """The bucket, prefix and optional KMS key of one workflow's process data."""

    __slots__ = ("bucket", "kms_key_id", "prefix")

    # plain classes, not dataclasses: building a dataclass costs milliseconds at import,
    # and a handler's cold start is the budget here
    def __init__(self, bucket: str, prefix: str = "", kms_key_id: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.kms_key_id = kms_key_id

    def __repr__(self) -> str:
        return f"Location({self.bucket!r}, {self.prefix!r}, {self.kms_key_id!r})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 name: str = "") -> Location:
        """Read ``SFS3DSL[_<NAME>]_BUCKET``, ``..._PREFIX`` and ``..._KMS_KEY_ID`` (from
        :func:`sfs3dsl_runtime.clients.environ` unless ``environ`` is given)."""
        env = clients.environ() if environ is None else environ
        stem = f"SFS3DSL_{name.upper().replace('-', '_')}" if name else "SFS3DSL"
        bucket = env.get(f"{stem}_BUCKET", "")
        if not bucket:
            raise SideCarConfigError(f"the environment variable {stem}_BUCKET is not set; "
                                     "deploy the function with the generated serverless.yml")
        return cls(bucket, env.get(f"{stem}_PREFIX", ""), env.get(f"{stem}_KMS_KEY_ID") or None)


class Snapshot:
    """What one read of a process returned: the document, the outputs of steps outside any
    Map (``outputs``) and of steps in a Map (``iterations``: step -> iteration -> result)."""

    __slots__ = ("document", "iterations", "outputs", "transaction_id")

    def __init__(self, transaction_id: str, document: dict[str, Any]) -> None:
        self.transaction_id = transaction_id
        self.document = document
        self.outputs: dict[str, Any] = {}
        self.iterations: dict[str, dict[str, Any]] = {}

    def view(self) -> dict[str, Any]:
        """The document with every output laid over it (what a user function receives)."""
        merged = dict(self.document)
        for step, per_iteration in self.iterations.items():
            merged[output_field(step)] = dict(sorted(per_iteration.items()))
        for step, value in self.outputs.items():
            merged[output_field(step)] = value
        return merged


def _code(exc: Exception) -> str:
    response: Any = getattr(exc, "response", {})
    return str(response.get("Error", {}).get("Code", ""))


class ProcessStore:
    """Reads and writes the processes of one :class:`Location`."""

    def __init__(self, location: Location, s3: Any = None) -> None:
        self.location = location
        self._s3 = s3

    @property
    def s3(self) -> Any:
        return self._s3 if self._s3 is not None else clients.client("s3")

    def folder(self, txn: str) -> str:
        return f"{self.location.prefix}{txn}/"

    def document_key(self, txn: str) -> str:
        return self.folder(txn) + DOCUMENT

    def output_key(self, txn: str, step: str, iteration: str | None = None) -> str:
        tail = step if iteration is None else f"{step}/{iteration}"
        return f"{self.folder(txn)}{OUTPUTS}{tail}.json"

    def _encryption(self) -> dict[str, str]:
        if self.location.kms_key_id:
            return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.location.kms_key_id}
        return {"ServerSideEncryption": "AES256"}

    def _put_once(self, key: str, body: bytes) -> bool:
        """Put ``body`` at ``key`` unless it exists; False when it already did."""
        for attempt in range(_CONFLICT_ATTEMPTS):
            try:
                self.s3.put_object(Bucket=self.location.bucket, Key=key, Body=body,
                                   ContentType="application/json", IfNoneMatch="*",
                                   **self._encryption())
            except clients.client_error() as exc:
                code = _code(exc)
                if code == "PreconditionFailed":
                    return False
                if code == "ConditionalRequestConflict" and attempt + 1 < _CONFLICT_ATTEMPTS:
                    time.sleep(0.05 * 2 ** attempt)  # a concurrent put of this key: retry
                    continue
                raise
            return True
        return False  # unreachable: the loop returns or raises

    def create(self, txn: str, document: Mapping[str, Any]) -> bool:
        """Write a new process document; False when the transaction already exists."""
        return self._put_once(self.document_key(txn), dump(dict(document)))

    def delete_document(self, txn: str) -> None:
        self.s3.delete_object(Bucket=self.location.bucket, Key=self.document_key(txn))

    def write_output(self, txn: str, step: str, value: Any,
                     iteration: str | None = None) -> bool:
        """Record a step's result; False when an earlier attempt already recorded one."""
        return self._put_once(self.output_key(txn, step, iteration), dump(value))

    def _get_json(self, key: str, txn: str) -> Any:
        """The parsed object at ``key``, or None when there is none."""
        try:
            body = self.s3.get_object(Bucket=self.location.bucket, Key=key)["Body"].read()
        except clients.client_error() as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
        try:
            return json.loads(body)
        except ValueError as exc:
            raise S3DataCorruptError(f"transaction {txn}: s3://{self.location.bucket}/{key} "
                                     f"is not valid JSON ({exc})") from None

    def _list(self, prefix: str, delimiter: str | None = None) -> tuple[list[str], list[str]]:
        """Keys (and, with a delimiter, sub-folders) under ``prefix``, every page."""
        keys: list[str] = []
        folders: list[str] = []
        kwargs: dict[str, Any] = {"Bucket": self.location.bucket, "Prefix": prefix}
        if delimiter is not None:
            kwargs["Delimiter"] = delimiter
        while True:
            page = self.s3.list_objects_v2(**kwargs)
            keys.extend(str(item["Key"]) for item in page.get("Contents", ()))
            folders.extend(str(item["Prefix"]) for item in page.get("CommonPrefixes", ()))
            if not page.get("IsTruncated"):
                return keys, folders
            kwargs["ContinuationToken"] = page["NextContinuationToken"]

    def read(self, txn: str, *, iteration: str | None = None) -> Snapshot:
        """Read the document and the outputs a step may see.

        With ``iteration`` (a step inside a Map) the outputs of other iterations are left
        out: they are not ordered with this one. Such a step lists only the top level of
        ``outputs/`` and reads its own iteration's object in each Map step's folder, so its
        cost does not grow with the number of iterations.
        """
        document = self._get_json(self.document_key(txn), txn)
        if document is None:
            raise S3DataMissingError(f"transaction {txn}: there is no process document at "
                                     f"s3://{self.location.bucket}/{self.document_key(txn)}")
        if not isinstance(document, dict):
            raise S3DataCorruptError(f"transaction {txn}: the process document is a "
                                     f"{type(document).__name__}, not a JSON object")
        snapshot = Snapshot(txn, document)
        prefix = self.folder(txn) + OUTPUTS
        if iteration is None:
            keys, _ = self._list(prefix)
        else:
            keys, folders = self._list(prefix, "/")
            keys += [f"{folder}{iteration}.json" for folder in folders]
        for key in keys:
            rel = key[len(prefix):]
            if not rel.endswith(".json"):
                continue
            parts = rel[: -len(".json")].split("/")
            if len(parts) not in (1, 2):
                continue
            value = self._get_json(key, txn)
            if value is None:  # listed but not readable (yet): treat as not written
                continue
            if len(parts) == 1:
                snapshot.outputs[parts[0]] = value
            else:
                snapshot.iterations.setdefault(parts[0], {})[parts[1]] = value
        return snapshot
