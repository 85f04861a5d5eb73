"""The local runner against moto's Step Functions engine, side by side in one run.

Run: ``python benchmarks/bench_runner.py`` (add ``--quick`` for fewer repetitions).

Targets (issue 4), each checked here; the exit code is 1 when one is missed:

* a line of 200 Pass states and a Map over 1,000 items: at least 30x moto's transitions
  (states entered) per second;
* a Map over 10,000 items takes at most 12x the time of one over 1,000 (linear): medians
  of runs that alternate the two sizes, measured before moto is imported.

Both engines run the same ASL. moto's time is from StartExecution until DescribeExecution
no longer says RUNNING (polled every millisecond); ours is ``Runner().run``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from sfs3dsl.run.interpreter import Runner

MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True},
               "lambda": {"use_docker": False}}
SPEEDUP_TARGET = 30.0
LINEAR_TARGET = 12.0


def pass_line(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(count):
        states[f"P{i}"] = {"Type": "Pass", "ResultPath": "$.last", "Result": i,
                           **({"Next": f"P{i + 1}"} if i + 1 < count else {"End": True})}
    return {"StartAt": "P0", "States": states}


def map_over(items: int) -> tuple[dict[str, Any], dict[str, Any]]:
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"StartAt": "Double", "States": {"Double": {
            "Type": "Pass", "Parameters": {"v.$": "$.v", "i.$": "$.i"}, "End": True}}}}}}
    return definition, {"items": list(range(items))}


def transitions(history: list[dict[str, Any]]) -> int:
    return sum(1 for e in history if e["type"].endswith("StateEntered"))


def time_ours(definition: dict[str, Any], value: Any, *,
              limits: bool = True) -> tuple[float, int]:
    runner = Runner(limits=limits)
    start = time.perf_counter()
    execution = runner.run(definition, value)
    elapsed = time.perf_counter() - start
    if execution.status != "SUCCEEDED":
        raise RuntimeError(f"our run ended {execution.status}: {execution.error}")
    return elapsed, transitions(execution.history)


class Moto:
    """moto's engine in-process (started once)."""

    def __init__(self) -> None:
        import boto3
        from moto import mock_aws

        self._mock = mock_aws(config=MOTO_CONFIG)
        self._mock.start()
        self.client = boto3.client("stepfunctions", region_name="us-east-1")
        self.count = 0

    def close(self) -> None:
        self._mock.stop()

    def time(self, definition: dict[str, Any], value: Any) -> tuple[float, int]:
        self.count += 1
        arn = self.client.create_state_machine(
            name=f"bench-{self.count}", definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/bench")["stateMachineArn"]
        start = time.perf_counter()
        execution = self.client.start_execution(
            stateMachineArn=arn, name=f"run-{self.count}", input=json.dumps(value))
        while True:
            found = self.client.describe_execution(executionArn=execution["executionArn"])
            if found["status"] != "RUNNING":
                break
            time.sleep(0.001)
        elapsed = time.perf_counter() - start
        if found["status"] != "SUCCEEDED":
            raise RuntimeError(f"moto's run ended {found['status']}")
        events: list[dict[str, Any]] = []
        token: dict[str, Any] = {}
        while True:
            page = self.client.get_execution_history(
                executionArn=execution["executionArn"], maxResults=1000, **token)
            events.extend(page["events"])
            if not page.get("nextToken"):
                break
            token = {"nextToken": page["nextToken"]}
        return elapsed, transitions(events)


def median_of(runs: int, fn: Callable[[], tuple[float, int]]) -> tuple[float, int]:
    results = [fn() for _ in range(runs)]
    return statistics.median(r[0] for r in results), results[0][1]


def interleaved_medians(rounds: int, cases: list[tuple[dict[str, Any], Any]]) -> list[float]:
    """Median time of each case over ``rounds`` rounds that run every case once in turn,
    so a slow spell of the machine touches all sizes alike.

    AWS's quotas are off here: a Map over 10,000 items writes 40,006 history events, past
    the 25,000 an execution may have (on AWS it would fail; this measures growth only).
    """
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(rounds):
        for i, (definition, value) in enumerate(cases):
            times[i].append(time_ours(definition, value, limits=False)[0])
    return [statistics.median(t) for t in times]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    ours_runs, moto_runs = (3, 1) if args.quick else (7, 3)
    cases = [("200 Pass states", (pass_line(200), {})), ("Map over 1,000 items", map_over(1000))]
    # ours first, then moto: moto's engine threads must not share the CPU with our runs,
    # and importing moto grows the heap every garbage collection walks.
    rounds = 5 if args.quick else 9
    linear_pair = interleaved_medians(rounds, [map_over(1000), map_over(10_000)])
    ours = [median_of(ours_runs, partial(time_ours, d, v)) for _, (d, v) in cases]
    moto = Moto()
    try:
        theirs = [median_of(moto_runs, partial(moto.time, d, v)) for _, (d, v) in cases]
    finally:
        moto.close()
    missed: list[str] = []
    print(f"{'case':<22}{'ours s':>10}{'ours tr/s':>12}{'moto s':>10}{'moto tr/s':>12}"
          f"{'ratio':>9}  target")
    for (label, _), (ours_s, ours_n), (moto_s, moto_n) in zip(cases, ours, theirs,
                                                                strict=True):
        ratio = (ours_n / ours_s) / (moto_n / moto_s)
        ok = ratio >= SPEEDUP_TARGET
        print(f"{label:<22}{ours_s:>10.4f}{ours_n / ours_s:>12,.0f}{moto_s:>10.4f}"
              f"{moto_n / moto_s:>12,.0f}{ratio:>8.1f}x  >= {SPEEDUP_TARGET:.0f}x "
              f"{'ok' if ok else 'MISSED'}")
        if ours_n != moto_n:
            print(f"  note: {ours_n} transitions here, {moto_n} in moto")
        if not ok:
            missed.append(label)
    small, large = linear_pair
    growth = large / small
    ok = growth <= LINEAR_TARGET
    print(f"Map 10,000 / Map 1,000 (medians of {rounds} interleaved runs): {large:.4f} s / "
          f"{small:.4f} s = {growth:.1f}x  <= {LINEAR_TARGET:.0f}x {'ok' if ok else 'MISSED'}")
    if not ok:
        missed.append("linear Map")
    if missed:
        print("missed: " + ", ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
