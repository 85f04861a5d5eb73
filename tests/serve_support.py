"""Shared set-up of the serve tests: a running ``sfs3dsl serve`` on 127.0.0.1, boto3 and the
AWS CLI pointed at it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

from sfs3dsl.serve.app import Served, ServeOptions

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "test-key"
ACCOUNT = "123456789012"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
               "AWS_DEFAULT_REGION": "us-east-1"}
AWS = str(Path(sys.executable).parent / "aws")


def machine_arn(name: str) -> str:
    return f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{name}"


def serving(*, patience: float = 30.0, clock: str = "virtual") -> Iterator[Served]:
    """A serve of workflows/ on a free port (the virtual clock: Waits take no time)."""
    options = ServeOptions([ROOT / "workflows"], port=0, api_keys=[API_KEY], clock=clock,
                           generated=ROOT / "generated", callback_patience=patience)
    with Served(options) as served:
        yield served


def sfn(url: str, **config: Any) -> Any:
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 0}, **config))


def s3(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def aws(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The AWS CLI (v1, the ``awscli`` package), unchanged, against ``url``."""
    env = {**os.environ, **CREDENTIALS, "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_PAGER": ""}
    env.pop("AWS_ENDPOINT_URL_S3", None)
    done = subprocess.run([AWS, "--endpoint-url", url, *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)}: {done.returncode}\n{done.stderr}")
    return done


def aws_json(url: str, *args: str) -> Any:
    return json.loads(aws(url, *args, "--output", "json").stdout)


def wait_until(check: Any, timeout: float = 60.0) -> Any:
    """Call ``check()`` until it returns something true (bounded: ``timeout`` seconds)."""
    end = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > end:
            raise AssertionError(f"not true after {timeout} s: {check}")
        time.sleep(0.05)


def task_token(client: Any, arn: str) -> str:
    """The token in the TaskScheduled event's parameters, as a worker would get it."""
    def scheduled() -> str | None:
        events = client.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        for event in events:
            if event["type"] == "TaskScheduled":
                params = json.loads(event["taskScheduledEventDetails"]["parameters"])
                return str(params["Payload"]["token"])
        return None

    found: str = wait_until(scheduled)
    return found
