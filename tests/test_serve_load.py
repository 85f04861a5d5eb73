"""Load and faults on ``sfs3dsl serve`` (127.0.0.1 only; every loop bounded): 500
side-car executions started by 20 concurrent boto3 clients all finish with their own output
and document; malformed requests in between get 4xx answers and the server keeps serving."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from serve_support import machine_arn, s3, serving, sfn, wait_until

from sfs3dsl.serve.app import Served

EXECUTIONS = 500
CLIENTS = 20


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    yield from serving()


def _fault(url: str, i: int) -> int:
    """One malformed request of five kinds; returns the HTTP status."""
    host, port = url.removeprefix("http://").split(":")
    target = {"X-Amz-Target": "AWSStepFunctions.StartExecution",
              "Content-Type": "application/x-amz-json-1.0"}
    kinds: list[tuple[str, str, bytes, dict[str, str]]] = [
        ("POST", "/", b"{oops", target),
        ("POST", "/", b"{}", {**target, "X-Amz-Target": "AWSStepFunctions.Nope"}),
        ("POST", "/", json.dumps({"stateMachineArn": "bad"}).encode(), target),
        ("POST", "/", json.dumps({"stateMachineArn": machine_arn("downstream"),
                                  "input": "x" * 300_000}).encode(), target),
        ("POST", "/downstream/start-process", b"{}", {"x-api-key": "stolen"}),
    ]
    method, path, body, headers = kinds[i % len(kinds)]
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


@pytest.mark.slow
def test_500_executions_from_20_clients_with_faults(served: Served) -> None:
    url, bucket = served.url, "sfs3dsl-downstream"
    local = threading.local()

    def clients() -> tuple[Any, Any]:
        if not hasattr(local, "sfn"):
            local.sfn, local.s3 = sfn(url), s3(url)
        return local.sfn, local.s3

    def start(i: int) -> tuple[int, str, str]:
        client, store = clients()
        txn = uuid.uuid4().hex
        store.put_object(Bucket=bucket, Key=f"downstream/{txn}/document.json",
                         Body=json.dumps({"n": i}).encode())
        arn = client.start_execution(stateMachineArn=machine_arn("downstream"), name=txn,
                                     input=json.dumps({"processData": txn}))["executionArn"]
        return i, txn, arn

    faults: list[int] = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        fault_runs = [pool.submit(_fault, url, i) for i in range(25)]
        started = list(pool.map(start, range(EXECUTIONS)))
        faults = [f.result() for f in fault_runs]
    assert sorted(faults) == sorted([400] * 20 + [403] * 5)

    def finished(item: tuple[int, str, str]) -> dict[str, Any]:
        client, _ = clients()
        found: dict[str, Any] = wait_until(lambda: (d := client.describe_execution(
            executionArn=item[2]))["status"] != "RUNNING" and d, timeout=300)
        return found

    with ThreadPoolExecutor(CLIENTS) as pool:
        ended = list(pool.map(finished, started))
    assert [d["status"] for d in ended].count("SUCCEEDED") == EXECUTIONS
    assert [json.loads(d["output"]) for d in ended] == [
        {"processData": txn} for _, txn, _ in started]
    _, store = clients()
    for i, txn, _ in started[:: EXECUTIONS // 25]:
        listed = store.list_objects_v2(Bucket=bucket, Prefix=f"downstream/{txn}/")
        keys = [o["Key"] for o in listed["Contents"]]
        assert keys[0] == f"downstream/{txn}/document.json"
        assert sorted(k.split("/")[3] for k in keys[1:]) == [
            "downstream-a", "downstream-b", "downstream-c"]
        body = store.get_object(Bucket=bucket, Key=keys[0])["Body"].read()
        assert json.loads(body) == {"n": i}
    listed_all = sfn(url).list_executions(stateMachineArn=machine_arn("downstream"),
                                          maxResults=1000)["executions"]
    assert {e["name"] for e in listed_all} >= {txn for _, txn, _ in started}
