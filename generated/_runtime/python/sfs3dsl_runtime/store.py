"""Where a process lives in S3, and the only code that reads or writes it.

Layout under the workflow's prefix (one object per writer and visit, so writers never race
and nothing is ever overwritten)::

    <prefix><txn>/document.json                                the process input (once)
    <prefix><txn>/outputs/<step>/<visit>.json                  one visit's result
    <prefix><txn>/iterations/<step>/<iteration>/<visit>.json   ... in one Map iteration

A *visit* is one entry of the step's state: Step Functions' ``$$.State.EnteredTime``, which
the state's Retry attempts share and a later entry (a loop) does not, written as a fixed
width, sortable key (``20261205T152510123Z``); ``0`` stands for an invocation that carried
no visit. The latest visit of a step is the greatest key, so a listing alone tells which
object holds the step's current result.

The *document* a step sees is ``document.json`` with each step's latest result laid over it
under ``"<step>-output"`` (a Map step's as ``{iteration: result}``). Every write is
conditional on the key not existing yet (``IfNoneMatch="*"``) and encrypted (SSE-S3, or
SSE-KMS when a key id is configured). Earlier visits stay readable: :meth:`ProcessStore.visits`.
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
#: ``$$.State.EnteredTime`` as Step Functions writes it (milliseconds, UTC).
ENTERED_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z\Z")
#: The visit of an invocation that carried no entered time (sorts before every real one).
NO_VISIT = "0"
DOCUMENT = "document.json"
OUTPUTS = "outputs/"
ITERATIONS = "iterations/"
_CONFLICT_ATTEMPTS = 6
_ABSENT = object()


def visit_key(entered_time: str | None) -> str:
    """``2026-12-05T15:25:10.123Z`` -> ``20261205T152510123Z``: a key that sorts as time.

    Raises:
        ValueError: ``entered_time`` is not a timestamp of the context object's form.
    """
    if entered_time is None:
        return NO_VISIT
    found = ENTERED_TIME.match(entered_time)
    if found is None:
        raise ValueError(f"{entered_time!r} is not a state's entered time "
                         "(2026-12-05T15:25:10.123Z)")
    year, month, day, hour, minute, second, fraction = found.groups()
    return f"{year}{month}{day}T{hour}{minute}{second}{(fraction or '').ljust(3, '0')[:3]}Z"


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
    """What one read of a process returned.

    Attributes:
        document: ``document.json``.
        outputs: the latest result of each step outside any Map.
        iterations: the latest result of each Map step, per iteration.
        visits: the recorded visits (sorted) of each step outside any Map, and of each
            ``(step, iteration)`` of a Map step.
    """

    __slots__ = ("document", "iterations", "outputs", "transaction_id", "visits")

    def __init__(self, transaction_id: str, document: dict[str, Any]) -> None:
        self.transaction_id = transaction_id
        self.document = document
        self.outputs: dict[str, Any] = {}
        self.iterations: dict[str, dict[str, Any]] = {}
        self.visits: dict[str | tuple[str, str], list[str]] = {}

    def latest_visit(self, step: str, iteration: str | None = None) -> str | None:
        """The latest recorded visit of ``step`` (in ``iteration``), or None."""
        found = self.visits.get(step if iteration is None else (step, iteration))
        return found[-1] if found else None

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

    def output_key(self, txn: str, step: str, iteration: str | None = None,
                   visit: str = NO_VISIT) -> str:
        if iteration is None:
            return f"{self.folder(txn)}{OUTPUTS}{step}/{visit}.json"
        return f"{self.folder(txn)}{ITERATIONS}{step}/{iteration}/{visit}.json"

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

    def write_output(self, txn: str, step: str, value: Any, iteration: str | None = None,
                     visit: str = NO_VISIT) -> bool:
        """Record one visit's result; False when an earlier attempt already recorded it."""
        return self._put_once(self.output_key(txn, step, iteration, visit), dump(value))

    def read_output(self, txn: str, step: str, iteration: str | None = None,
                    visit: str = NO_VISIT) -> Any:
        """The recorded result of one visit.

        Raises:
            S3DataMissingError: that visit recorded nothing.
        """
        key = self.output_key(txn, step, iteration, visit)
        value = self._get_json(key, txn)
        if value is _ABSENT:
            raise S3DataMissingError(f"transaction {txn}: step {step!r} recorded nothing at "
                                     f"s3://{self.location.bucket}/{key}")
        return value

    def visits(self, txn: str, step: str, iteration: str | None = None) -> list[tuple[str, Any]]:
        """Every recorded visit of a step, oldest first: ``[(visit, result), ...]``."""
        folder = self.output_key(txn, step, iteration, "").removesuffix(".json")
        keys, _ = self._list(folder)
        out: list[tuple[str, Any]] = []
        for key in sorted(keys):
            value = self._get_json(key, txn)
            if value is not _ABSENT:
                out.append((key[len(folder):].removesuffix(".json"), value))
        return out

    def _get_json(self, key: str, txn: str) -> Any:
        """The parsed object at ``key``, or ``_ABSENT`` when there is none (a stored JSON
        ``null`` is a result like any other)."""
        try:
            body = self.s3.get_object(Bucket=self.location.bucket, Key=key)["Body"].read()
        except clients.client_error() as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return _ABSENT
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
        """Read the document and the latest result of each step a step may see.

        One listing finds every visit; only the latest visit of each step is read. With
        ``iteration`` (a step inside a Map) the results of other iterations are left out:
        they are not ordered with this one. Such a step lists the Map steps' folders and
        then only its own iteration in each, so its cost does not grow with the number of
        iterations.
        """
        document = self._get_json(self.document_key(txn), txn)
        if document is _ABSENT:
            raise S3DataMissingError(f"transaction {txn}: there is no process document at "
                                     f"s3://{self.location.bucket}/{self.document_key(txn)}")
        if not isinstance(document, dict):
            raise S3DataCorruptError(f"transaction {txn}: the process document is a "
                                     f"{type(document).__name__}, not a JSON object")
        snapshot = Snapshot(txn, document)
        outputs = self.folder(txn) + OUTPUTS
        mapped = self.folder(txn) + ITERATIONS
        keys, _ = self._list(outputs)
        if iteration is None:
            keys += self._list(mapped)[0]
        else:
            _, steps = self._list(mapped, "/")
            for folder in steps:
                keys += self._list(f"{folder}{iteration}/")[0]
        for key in keys:
            parts = self._parts(key, outputs, mapped)
            if parts is None:
                continue
            *owner, visit = parts
            slot: str | tuple[str, str] = owner[0] if len(owner) == 1 else (owner[0], owner[1])
            snapshot.visits.setdefault(slot, []).append(visit)
        for slot, found in snapshot.visits.items():
            found.sort()
            step, where = (slot, None) if isinstance(slot, str) else slot
            value = _ABSENT
            while found and value is _ABSENT:  # listed but not readable (yet): not written
                value = self._get_json(self.output_key(txn, step, where, found[-1]), txn)
                if value is _ABSENT:
                    found.pop()
            if value is _ABSENT:
                continue
            if where is None:
                snapshot.outputs[step] = value
            else:
                snapshot.iterations.setdefault(step, {})[where] = value
        return snapshot

    @staticmethod
    def _parts(key: str, outputs: str, mapped: str) -> list[str] | None:
        """``outputs/<step>/<visit>.json`` -> [step, visit];
        ``iterations/<step>/<iteration>/<visit>.json`` -> [step, iteration, visit]."""
        if not key.endswith(".json"):
            return None
        if key.startswith(outputs):
            parts = key[len(outputs):-len(".json")].split("/")
            return parts if len(parts) == 2 else None
        parts = key[len(mapped):-len(".json")].split("/")
        return parts if len(parts) == 3 else None
