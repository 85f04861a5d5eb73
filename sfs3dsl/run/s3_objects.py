"""Objects put into the local S3 before a run: ``--s3-object s3://bucket/key=@file``.

So a Distributed Map's ItemReader (a CSV, a JSON array, a manifest) or an ``s3:getObject``
Task finds its object when the run starts from the command line or a test. In the embedded
S3 a missing bucket is created; a real endpoint (``--s3-endpoint``) must have it.

Example:
    >>> obj = parse_s3_object("s3://input/items.csv=@items.csv")
    >>> obj.bucket, obj.key
    ('input', 'items.csv')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import RunSetupError

if TYPE_CHECKING:
    from sfs3dsl.run.embedded_s3 import LocalS3

_EXAMPLE = "e.g. --s3-object s3://input/items.csv=@items.csv"


@dataclass(frozen=True)
class S3Object:
    """One object to put: ``body`` is the object's bytes."""

    bucket: str
    key: str
    body: bytes

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def parse_s3_uri(uri: str, where: str = "--s3-object") -> tuple[str, str]:
    """``s3://bucket/key`` -> ``(bucket, key)``.

    Raises:
        RunSetupError: not of that form.
    """
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not uri.startswith("s3://") or not bucket or not key:
        raise RunSetupError(f"{where} {uri!r}: not an S3 object URI; fix: write "
                            f"s3://bucket/key, {_EXAMPLE}")
    return bucket, key


def parse_s3_object(spec: str) -> S3Object:
    """``s3://bucket/key=@file`` (the file's bytes) or ``s3://bucket/key=text``.

    Raises:
        RunSetupError: no ``=``, not an ``s3://`` URI, or a file that cannot be read.
    """
    uri, sep, value = spec.partition("=")
    if not sep:
        raise RunSetupError(f"--s3-object {spec!r}: no '=' between the object and its "
                            f"content; fix: write s3://bucket/key=@file, {_EXAMPLE}")
    bucket, key = parse_s3_uri(uri)
    if not value.startswith("@"):
        return S3Object(bucket, key, value.encode("utf-8"))
    path = Path(value[1:])
    try:
        return S3Object(bucket, key, path.read_bytes())
    except FileNotFoundError:
        raise RunSetupError(f"--s3-object {uri}: there is no file {path}; fix: give the path "
                            "of the file to upload, relative to the current folder") from None
    except OSError as exc:
        raise RunSetupError(f"--s3-object {uri}: cannot read {path}: {exc.strerror}; fix: "
                            "give a file you can read") from None


def as_objects(objects: Mapping[str, Any] | Iterable[S3Object]) -> list[S3Object]:
    """``{"s3://bucket/key": body}`` (``bytes``, ``str``, a :class:`~pathlib.Path` to read,
    or a JSON value) or :class:`S3Object` items -> objects."""
    import json

    if not isinstance(objects, Mapping):
        return list(objects)
    out: list[S3Object] = []
    for uri, body in objects.items():
        bucket, key = parse_s3_uri(uri, "s3 object")
        if isinstance(body, Path):
            data = body.read_bytes()
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = json.dumps(body).encode("utf-8")
        out.append(S3Object(bucket, key, data))
    return out


def put_objects(s3: LocalS3, objects: Iterable[S3Object]) -> None:
    """Put ``objects`` into ``s3`` (creating buckets in the embedded S3)."""
    for obj in objects:
        try:
            if s3.embedded:
                s3.ensure_bucket(obj.bucket)
            s3.client.put_object(Bucket=obj.bucket, Key=obj.key, Body=obj.body)
        except s3.client.exceptions.ClientError as exc:  # a real endpoint refused it
            raise RunSetupError(f"--s3-object {obj.uri}: the S3 at {s3.endpoint_url} refused "
                                f"it: {exc}; fix: create the bucket or check your access"
                                ) from None
