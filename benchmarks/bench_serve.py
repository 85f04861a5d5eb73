"""``sfs3dsl serve`` against moto in server mode, through boto3, on the same definition.

Run: ``python benchmarks/bench_serve.py`` (``--quick`` for fewer rounds).

Target (issue 13), checked here; the exit code is 1 when it is missed:

* executions per second through boto3 against serve at least 20x moto's: each round starts
  a batch of executions of a 3-state Pass machine with 4 concurrent boto3 clients and polls
  DescribeExecution (every 2 ms) until every one has left RUNNING; serve's and moto's
  rounds alternate, and the medians of the rounds are compared.

Also printed: the latency from StartExecution to a SUCCEEDED DescribeExecution for that
machine (one execution at a time, polling at once), medians for both.
Both servers listen on 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

TARGET = 20.0
PASS3 = json.dumps({"StartAt": "a", "States": {
    "a": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "b"},
    "b": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "Next": "c"},
    "c": {"Type": "Pass", "Result": 3, "ResultPath": "$.c", "End": True}}})
ROLE = "arn:aws:iam::123456789012:role/bench"


def client(url: str) -> Any:
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 0},
                                      max_pool_connections=8))


def finish(sfn: Any, arn: str, limit: float = 60.0) -> dict[str, Any]:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        found: dict[str, Any] = sfn.describe_execution(executionArn=arn)
        if found["status"] != "RUNNING":
            return found
        time.sleep(0.002)
    raise TimeoutError(arn)


def batch(clients: list[Any], machine: str, count: int) -> float:
    """Executions per second for ``count`` executions started and awaited by the clients."""
    def one(i: int) -> str:
        sfn = clients[i % len(clients)]
        # a name always: moto 5.2.5 names an unnamed execution "None"
        arn = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex,
                                  input=json.dumps({"i": i}))["executionArn"]
        return str(finish(sfn, arn)["status"])

    start = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - start
    if statuses.count("SUCCEEDED") != count:
        raise RuntimeError(f"not all succeeded: {statuses}")
    return count / elapsed


def latency(sfn: Any, machine: str) -> float:
    start = time.perf_counter()
    arn = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex)["executionArn"]
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED":
            return time.perf_counter() - start
    raise TimeoutError(arn)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds, count = (3, 40) if args.quick else (7, 100)
    from moto.server import ThreadedMotoServer  # type: ignore[import-untyped,unused-ignore]

    from sfs3dsl.serve.app import Served, ServeOptions

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_url = f"http://127.0.0.1:{moto.get_host_and_port()[1]}"
    urllib.request.urlopen(urllib.request.Request(
        f"{moto_url}/moto-api/config", method="POST", data=json.dumps(
            {"stepfunctions": {"execute_state_machine": True}}).encode()), timeout=30).close()
    root = Path(__file__).resolve().parent.parent
    options = ServeOptions([root / "workflows" / "course_choice.py"], port=0,
                           api_keys=["bench"], clock="real", generated=root / "generated")
    try:
        with Served(options) as served:
            contestants = {"serve": served.url, "moto": moto_url}
            machines, pools = {}, {}
            for name, url in contestants.items():
                pools[name] = [client(url) for _ in range(4)]
                machines[name] = pools[name][0].create_state_machine(
                    name="bench3", definition=PASS3, roleArn=ROLE)["stateMachineArn"]
                batch(pools[name], machines[name], 10)  # warm-up
            rates: dict[str, list[float]] = {n: [] for n in contestants}
            waits: dict[str, list[float]] = {n: [] for n in contestants}
            for _ in range(rounds):
                for name in contestants:
                    rates[name].append(batch(pools[name], machines[name], count))
                    waits[name].extend(latency(pools[name][0], machines[name])
                                       for _ in range(5))
    finally:
        moto.stop()
    serve_rate, moto_rate = (statistics.median(rates[n]) for n in ("serve", "moto"))
    ratio = serve_rate / moto_rate
    print(f"executions/s through boto3 (3 Pass states, {count} per round, {rounds} "
          f"interleaved rounds, 4 clients): serve {serve_rate:.0f}, moto {moto_rate:.0f}: "
          f"{ratio:.1f}x (target {TARGET:.0f}x)")
    for name in ("serve", "moto"):
        print(f"StartExecution -> SUCCEEDED DescribeExecution, {name}: median "
              f"{statistics.median(waits[name]) * 1000:.1f} ms")
    if ratio < TARGET:
        print(f"MISSED: serve is {ratio:.1f}x moto, not {TARGET:.0f}x")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
