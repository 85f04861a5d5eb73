"""An S3 for local runs: moto's, in-process, unless a real endpoint is named.

``sfs3dsl run`` and the pytest plugin keep the side-car's process documents here, and give
Task states on ``arn:aws:states:::s3:getObject`` / ``s3:putObject`` (and a Distributed Map's
ItemReader and ResultWriter) something to read from and write to. moto is imported only
when an embedded S3 is started, so importing this module costs nothing.

While it runs, boto3 clients created anywhere in the process (a generated Lambda handler's,
for instance) reach the same S3: moto patches botocore; for a real endpoint the
``AWS_ENDPOINT_URL_S3`` environment variable points them at it.

Example:
    >>> with LocalS3() as s3:
    ...     s3.ensure_bucket("process-data")
    ...     s3.put_json("process-data", "txn-1.json", {"foo": "foo val"})
    ...     s3.get_json("process-data", "txn-1.json")
    {'foo': 'foo val'}
"""

from __future__ import annotations

import importlib
import json
import os
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.run.environ import restore_environ, set_environ

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Runner, TaskContext

GET_OBJECT = "arn:aws:states:::s3:getObject"
PUT_OBJECT = "arn:aws:states:::s3:putObject"
#: Credentials and region for the embedded S3 only; a real endpoint keeps the user's own.
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_SESSION_TOKEN": "testing", "AWS_SECURITY_TOKEN": "testing"}


class LocalS3:
    """An S3 for one local run (a context manager).

    Args:
        endpoint_url: a real S3 (or S3-compatible) endpoint; ``None`` (default) starts
            moto's S3 in this process.
        region: the region of the client and of buckets it creates.
    """

    def __init__(self, *, endpoint_url: str | None = None, region: str = "us-east-1") -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self._mock: Any = None
        self._client: Any = None
        self._saved_env: dict[str, str | None] = {}

    @property
    def embedded(self) -> bool:
        """True when this is moto's in-process S3."""
        return self.endpoint_url is None

    def start(self) -> LocalS3:
        """Start the embedded S3 (or point boto3 at the endpoint); idempotent."""
        if self._client is not None:
            return self
        env = {"AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION") or self.region}
        if self.embedded:
            env.update(_FAKE_ENV)
        else:
            env["AWS_ENDPOINT_URL_S3"] = str(self.endpoint_url)
        self._saved_env = set_environ(env)
        try:
            # boto3 ships no type hints; importlib keeps mypy --strict quiet without an ignore
            boto3 = importlib.import_module("boto3")
            if self.embedded:
                from moto import mock_aws

                self._mock = mock_aws()
                self._mock.start()
            self._client = boto3.client("s3", region_name=self.region,
                                        endpoint_url=self.endpoint_url)
        except Exception:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop the embedded S3 and restore the environment."""
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        self._client = None
        restore_environ(self._saved_env)
        self._saved_env = {}

    def __enter__(self) -> LocalS3:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def client(self) -> Any:
        """A boto3 S3 client of this S3."""
        if self._client is None:
            raise ExecutionError("the local S3 is not started; use it as a context manager")
        return self._client

    def ensure_bucket(self, bucket: str) -> None:
        """Create ``bucket`` unless it exists."""
        try:
            self.client.head_bucket(Bucket=bucket)
            return
        except self.client.exceptions.ClientError:
            pass
        options: dict[str, Any] = {}
        if self.region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.client.create_bucket(Bucket=bucket, **options)

    def get_text(self, bucket: str, key: str) -> str | None:
        """The object's body as text, or ``None`` when there is no such object."""
        try:
            response = self.client.get_object(Bucket=bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return None
        return str(response["Body"].read().decode("utf-8"))

    def put_text(self, bucket: str, key: str, body: str) -> None:
        self.client.put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"))

    def get_json(self, bucket: str, key: str) -> Any:
        """The object parsed as JSON, or ``None`` when there is no such object."""
        text = self.get_text(bucket, key)
        return None if text is None else json.loads(text)

    def put_json(self, bucket: str, key: str, value: Any) -> None:
        self.put_text(bucket, key, json.dumps(value))

    def register(self, runner: Runner) -> None:
        """Serve ``s3:getObject`` / ``s3:putObject`` tasks (and ItemReader / ResultWriter)."""
        runner.register_task(GET_OBJECT, self._get_object_task)
        runner.register_task(PUT_OBJECT, self._put_object_task)

    def _get_object_task(self, params: Any, ctx: TaskContext) -> Any:
        response = self.client.get_object(Bucket=params["Bucket"], Key=params["Key"])
        return {"Body": response["Body"].read().decode("utf-8"),
                "ContentType": response.get("ContentType"),
                "ETag": response.get("ETag")}

    def _put_object_task(self, params: Any, ctx: TaskContext) -> Any:
        if self.embedded:  # an empty embedded S3 has no buckets yet: make the one written to
            self.ensure_bucket(params["Bucket"])
        body = params.get("Body", "")
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        response = self.client.put_object(Bucket=params["Bucket"], Key=params["Key"],
                                          Body=body)
        return {"ETag": response.get("ETag")}
