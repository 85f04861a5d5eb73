"""Shared helpers of the side-car tests (no tests here): moto, env, handlers, the runner.

Kept in a ``test_sidecar_*`` module because the side-car tests own no conftest; test
modules import what they need from here.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from moto import mock_aws

from sfs3dsl.deploy.sidecar.plan import SideCarPlan
from sfs3dsl.run.interpreter import Runner, TaskContext
from sfs3dsl_runtime import Requirement, StepSpec, clients, make_handler

REPO = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
Handler = Callable[[Any, Any], Any]

if str(REPO) not in sys.path:  # generated handlers import workflows.* and sfs3dsl_runtime
    sys.path.insert(0, str(REPO))


def _etag_under_the_key_lock() -> property:
    """moto 5.2.5's ``FakeKey.etag``, made under the key's own lock.

    moto computes an object's ETag the first time it is asked, by seeking its shared
    buffer to 0 and reading it, without the lock that ``FakeKey.value`` takes for the same
    seek and read. PutObject puts the new key in its bucket and only then asks for the
    ETag (for its response headers), so a GetObject of that key from another thread at
    that moment can find the buffer at its end: an empty body under a Content-Length of
    9, which botocore raises as IncompleteReadError (seen once in ~250 runs of
    ``test_sidecar_concurrency.py``'s loops, in the handler that read a branch's output
    another branch had just put). S3 itself serves every request whole; this lock makes
    moto do so too.
    """
    from moto.s3.models import FakeKey

    unlocked = vars(FakeKey)["etag"]
    assert isinstance(unlocked, property) and unlocked.fget is not None
    compute: Callable[[FakeKey], str] = unlocked.fget

    def etag(key: FakeKey) -> str:
        with key.lock:
            return compute(key)

    return property(etag)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's S3 and Step Functions, fake credentials, fresh runtime clients; moto's ETag
    made under its object's lock (``_etag_under_the_key_lock``)."""
    for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                       ("AWS_SESSION_TOKEN", "testing"), ("AWS_DEFAULT_REGION", REGION)):
        monkeypatch.setenv(key, value)
    from moto.s3.models import FakeKey

    monkeypatch.setattr(FakeKey, "etag", _etag_under_the_key_lock())
    clients.reset()
    with mock_aws():
        yield
    clients.reset()


def make_bucket(name: str) -> str:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=name)
    return name


def use_location(monkeypatch: pytest.MonkeyPatch, bucket: str, prefix: str) -> None:
    """The environment a step's Lambda gets from the generated fragment."""
    monkeypatch.setenv("SFS3DSL_BUCKET", bucket)
    monkeypatch.setenv("SFS3DSL_PREFIX", prefix)


def generated_handler(workflow: str, step_module: str) -> Handler:
    """The ``handler`` of ``generated/<workflow>/handlers/<step_module>.py``."""
    module = importlib.import_module(f"generated.{workflow}.handlers.{step_module}")
    handler: Handler = module.handler
    return handler


def plan_handlers(plan: SideCarPlan, workflow: str) -> dict[str, Handler]:
    """Handlers built from a plan as the templates build them (for in-test workflows)."""
    assert plan.sidecar is not None
    out: dict[str, Handler] = {}
    for step in plan.steps:
        spec = StepSpec(workflow, step.name,
                        tuple(Requirement(n.step, n.scope, n.fresh)  # type: ignore[arg-type]
                              for n in step.needs),
                        step.in_map, plan.sidecar.not_ready_error, step.step.expose)
        out[step.name] = make_handler(spec, step.step.function,
                                      predicate=step.step.predicate)
    return out


def register(runner: Runner, handlers: dict[str, Handler]) -> None:
    """Make each ``${XFunctionArn}`` of the ASL run the step's handler."""
    from sfs3dsl import function_ref

    for name, handler in handlers.items():
        def task(payload: Any, ctx: TaskContext, handler: Handler = handler) -> Any:
            return handler(payload, None)

        runner.register_task(function_ref(name), task)


def read_document(bucket: str, prefix: str, txn: str) -> dict[str, Any]:
    """The document with every output, as the process-data facade shows it."""
    from sfs3dsl_runtime import Location, ProcessStore

    return ProcessStore(Location(bucket, prefix)).read(txn).view()


def largest_payload(history: list[dict[str, Any]]) -> int:
    """The largest state input/output (JSON bytes) in an execution's history."""
    largest = 0
    for event in history:
        for key, value in event.items():
            if key.endswith("EventDetails") and isinstance(value, dict):
                for field in ("input", "output"):
                    text = value.get(field)
                    if isinstance(text, str):
                        largest = max(largest, len(text.encode()))
                    elif text is not None:
                        largest = max(largest, len(json.dumps(text).encode()))
    return largest
