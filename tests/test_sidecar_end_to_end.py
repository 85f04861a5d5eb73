"""ProcessA and Downstream run end to end through the generated handlers.

The compiled ASL runs in sfs3dsl's local runner; each Lambda resource is the handler in
``generated/<workflow>/handlers/``; the process data lives in moto's S3; step f starts
Downstream through moto's Step Functions, and the test then runs Downstream on the input
moto recorded.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from test_sidecar_support import (
    REGION,
    REPO,
    Handler,
    aws,
    generated_handler,
    largest_payload,
    make_bucket,
    read_document,
    register,
    use_location,
)

from sfs3dsl.run.interpreter import Runner
from sfs3dsl_runtime import Location, S3DataPreconditionError, clients, start_process

__all__ = ["aws"]

PROCESS_A = ["step-a", "step-b", "step-c", "step-d", "step-e", "step-f"]
DOWNSTREAM = ["downstream-a", "downstream-b", "downstream-c"]


def _asl(workflow: str) -> dict[str, Any]:
    path = REPO / "generated" / workflow / "statemachine.asl.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _handlers(workflow: str, steps: list[str]) -> dict[str, Handler]:
    return {s: generated_handler(workflow, s.replace("-", "_")) for s in steps}


def _downstream_machine() -> str:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    created = sfn.create_state_machine(
        name="downstream-dev", definition=json.dumps(_asl("downstream")),
        roleArn="arn:aws:iam::123456789012:role/downstream")
    return str(created["stateMachineArn"])


def _run_process_a(monkeypatch: pytest.MonkeyPatch, document: dict[str, Any]
                   ) -> tuple[str, Any, str]:
    bucket, down_bucket = make_bucket("process-a-data"), make_bucket("downstream-data")
    down_arn = _downstream_machine()
    use_location(monkeypatch, bucket, "process-a/")
    monkeypatch.setenv("SFS3DSL_DOWNSTREAM_BUCKET", down_bucket)
    monkeypatch.setenv("SFS3DSL_DOWNSTREAM_PREFIX", "downstream/")
    monkeypatch.setenv("SFS3DSL_DOWNSTREAM_STATE_MACHINE_ARN", down_arn)
    runner = Runner()
    register(runner, _handlers("process-a", PROCESS_A))
    txn = "txn0001"
    from sfs3dsl_runtime import ProcessStore

    ProcessStore(Location(bucket, "process-a/")).create(txn, document)
    execution = runner.run(_asl("process-a"), {"processData": txn}, name=txn)
    return txn, execution, bucket


def test_process_a_and_downstream_end_to_end(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    txn, execution, bucket = _run_process_a(monkeypatch, {"foo": "foo val", "bar": "bar val"})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.output == {"processData": txn}
    doc = read_document(bucket, "process-a/", txn)
    assert list(doc) == ["foo", "bar"] + [f"{s}-output" for s in PROCESS_A]
    assert doc["step-a-output"] == {"status": "ok", "details": "nothing to share",
                                    "stepAOutput1": "a1", "stepAOutput2": False,
                                    "stepAOutput3": 123, "fields": 2}
    assert doc["step-b-output"] == {"property1": "p1", "property2": "p2", "sawStatus": "ok"}
    assert doc["step-c-output"] == {"cProperty": "i like c"}
    assert doc["step-d-output"] == {"d": "d output"}
    assert doc["step-e-output"] == {"e": "e output"}
    down_arn = doc["step-f-output"]["downstreamExecutionArn"]
    assert down_arn.startswith("arn:aws:states:us-east-1:123456789012:execution:downstream-dev:")

    # Downstream: run what step f started, with the downstream function's environment
    sfn = boto3.client("stepfunctions", region_name=REGION)
    started = sfn.describe_execution(executionArn=down_arn)
    reference = json.loads(started["input"])
    assert set(reference) == {"processData"} and started["name"] == reference["processData"]
    use_location(monkeypatch, "downstream-data", "downstream/")
    runner = Runner()
    register(runner, _handlers("downstream", DOWNSTREAM))
    down = runner.run(_asl("downstream"), reference)
    assert down.status == "SUCCEEDED", (down.error, down.cause)
    assert down.output == reference
    down_doc = read_document("downstream-data", "downstream/", reference["processData"])
    assert down_doc["upstream"] == "process-a"
    assert down_doc["stepEOutput"] == {"e": "e output"}
    assert down_doc["downstream-c-output"] == {
        "step": "downstream-c",
        "keys": ["downstream-a-output", "downstream-b-output", "stepEOutput", "upstream"]}


def test_objects_are_encrypted_and_under_the_prefix(aws: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    txn, execution, bucket = _run_process_a(monkeypatch, {"foo": 1})
    assert execution.status == "SUCCEEDED"
    s3 = boto3.client("s3", region_name=REGION)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    # the document, then one object per step visit: outputs/<step>/<entered time>.json
    assert sorted(k.rsplit("/", 1)[0] if "/outputs/" in k else k for k in keys) == sorted(
        [f"process-a/{txn}/document.json"] + [f"process-a/{txn}/outputs/{s}" for s in PROCESS_A])
    assert all(re.fullmatch(r".*/outputs/[a-z-]+/\d{8}T\d{9}Z\.json", k)
               for k in keys if "/outputs/" in k), keys
    for key in keys:
        assert s3.head_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "AES256"


def test_a_twenty_megabyte_document_flows_with_tiny_state_payloads(
        aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    big = {"foo": "foo val", "blob": "x" * (20 * 1024 * 1024)}
    txn, execution, bucket = _run_process_a(monkeypatch, big)
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert largest_payload(execution.history) <= 1024
    doc = read_document(bucket, "process-a/", txn)
    assert len(doc["blob"]) == 20 * 1024 * 1024
    assert doc["step-a-output"]["fields"] == 2
    assert "step-f-output" in doc


class _StaleS3:
    """An S3 client whose first ``stale`` listings that hold a matching output miss it."""

    def __init__(self, real: Any, hide: str, stale: int) -> None:
        self._real = real
        self._hide = hide
        self.stale = stale

    def list_objects_v2(self, **kwargs: Any) -> Any:
        page = self._real.list_objects_v2(**kwargs)
        contents = page.get("Contents", ())
        if self.stale > 0 and any(self._hide in o["Key"] for o in contents):
            self.stale -= 1  # a read that would have seen the output misses it
            page = {**page, "Contents": [o for o in contents if self._hide not in o["Key"]]}
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _spy(calls: list[dict[str, Any]], real: Callable[[dict[str, Any]], Any]
         ) -> Callable[[dict[str, Any]], Any]:
    def spy(doc: dict[str, Any]) -> Any:
        calls.append(doc)
        return real(doc)

    return spy


def test_a_stale_read_raises_not_ready_and_never_runs_the_function(
        aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    step_b = importlib.import_module("workflows._process_a_steps").step_b

    from sfs3dsl_runtime import ProcessStore, Requirement, StepSpec, make_handler

    bucket = make_bucket("stale")
    use_location(monkeypatch, bucket, "p/")
    store = ProcessStore(Location(bucket, "p/"))
    store.create("t1", {"foo": 1})
    store.write_output("t1", "step-a", {"status": "ok"})
    stale = _StaleS3(boto3.client("s3", region_name=REGION), "outputs/step-a", stale=2)
    clients.use("s3", stale)
    calls: list[dict[str, Any]] = []
    handler = make_handler(StepSpec("process-a", "step-b", (Requirement("step-a"),)),
                           _spy(calls, step_b))
    for _ in range(2):
        with pytest.raises(S3DataPreconditionError, match="t1: step 'step-b': not ready, "
                                                          "waiting for step-a-output"):
            handler({"processData": "t1"}, None)
    assert calls == []
    assert handler({"processData": "t1"}, None) == {"processData": "t1"}
    assert len(calls) == 1 and calls[0]["step-a-output"] == {"status": "ok"}


def test_stale_reads_are_retried_by_the_state_machine(aws: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bucket, _ = make_bucket("process-a-data"), make_bucket("downstream-data")
    use_location(monkeypatch, bucket, "process-a/")
    monkeypatch.setenv("SFS3DSL_DOWNSTREAM_BUCKET", "downstream-data")
    monkeypatch.setenv("SFS3DSL_DOWNSTREAM_PREFIX", "downstream/")
    monkeypatch.setenv("SFS3DSL_DOWNSTREAM_STATE_MACHINE_ARN", _downstream_machine())
    start = start_process(Location(bucket, "process-a/"), "arn:aws:states:us-east-1:"
                          "123456789012:stateMachine:process-a", {"foo": 1},
                          sfn=_NoStart())
    stale = _StaleS3(boto3.client("s3", region_name=REGION), "outputs/step-c", stale=2)
    clients.use("s3", stale)
    runner = Runner()
    register(runner, _handlers("process-a", PROCESS_A))
    txn = start["transactionId"]
    execution = runner.run(_asl("process-a"), {"processData": txn})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    failed = [e for e in execution.history if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == \
        ["S3DataPreconditionError"] * 2
    assert "waiting for step-c-output" in failed[0]["taskFailedEventDetails"]["cause"]


class _NoStart:
    def start_execution(self, **kwargs: Any) -> dict[str, str]:
        return {"executionArn": f"arn:aws:states:us-east-1:123456789012:execution:x:"
                                f"{kwargs['name']}"}


def test_missing_document_and_failing_function_are_named_errors(
        aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from sfs3dsl_runtime import (
        ProcessStore,
        Requirement,
        S3DataCorruptError,
        S3DataMissingError,
        SideCarReferenceError,
        SideCarStepError,
        StepSpec,
        make_handler,
    )

    bucket = make_bucket("errors")
    use_location(monkeypatch, bucket, "p/")

    def boom(doc: dict[str, Any]) -> Any:
        raise KeyError("needed")

    handler = make_handler(StepSpec("wf", "step-x"), boom)
    with pytest.raises(S3DataMissingError, match=r"^transaction t404: there is no process"):
        handler({"processData": "t404"}, None)
    ProcessStore(Location(bucket, "p/")).create("t1", {"a": 1})
    with pytest.raises(SideCarStepError, match=r"^transaction t1: step 'step-x': boom raised "
                                               "KeyError: 'needed'"):
        handler({"processData": "t1"}, None)
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key="p/t2/document.json",
                                                      Body=b"{not json")
    with pytest.raises(S3DataCorruptError, match=r"^transaction t2: .* is not valid JSON"):
        handler({"processData": "t2"}, None)
    with pytest.raises(SideCarReferenceError, match="a Parallel or Map before this step"):
        handler([{"processData": "t1"}], None)
    with pytest.raises(SideCarReferenceError, match="processData must be a transaction id"):
        handler({"processData": "../other/t1"}, None)
    needs_a = make_handler(StepSpec("wf", "step-y", (Requirement("step-a"),)), boom)
    with pytest.raises(S3DataPreconditionError):
        needs_a({"processData": "t1"}, None)


def test_a_recorded_step_does_not_run_again(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from sfs3dsl_runtime import ProcessStore, StepSpec, make_handler

    bucket = make_bucket("replay")
    use_location(monkeypatch, bucket, "p/")
    ProcessStore(Location(bucket, "p/")).create("t1", {})
    calls: list[dict[str, Any]] = []
    handler = make_handler(StepSpec("wf", "once"), _spy(calls, lambda doc: {"n": len(calls)}))
    handler({"processData": "t1"}, None)
    handler({"processData": "t1"}, None)
    assert len(calls) == 1
    assert read_document(bucket, "p/", "t1") == {"once-output": {"n": 1}}
