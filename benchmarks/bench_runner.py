"""The local runner against moto's Step Functions engine and a minimal interpreter.

Run: ``python benchmarks/bench_runner.py`` (``--quick`` for fewer rounds). Exits 1 when a
target is missed. Every ratio is printed through ``_report.report`` (one line each, plus a
JSON row for ``run_all.py``).

What is measured, and how (issue 15):

* **Cost per transition against payload size** (target <= 3x): a line of ``Pass`` states
  (``ResultPath: "$.last"``) run with an empty input and with ~10 KB and ~100 KB order
  documents. CPU time (``time.process_time``: other processes on the machine do not move
  it) of lines of 200 and 400 states, all sizes in interleaved rounds; the cost per
  transition is ``(t400 - t200) / 200``, which leaves out what an execution costs once
  whatever its length (StartExecution's check of the input as JSON text and the run's
  private copy of it: O(input size), once). The whole-run ratio of the 200-state line is
  printed beside it, so that fixed cost is visible.
* **Pass line against a minimal interpreter** (target <= 5x): :func:`minimal_run` below, ~40
  lines over the same ASL dictionary, which skips everything the runner does besides
  moving data (it is the floor, not a peer with the same duties). CPU time, interleaved.
* **Against moto 5.2.5** (targets: realistic workflow with ~10 KB states >= 50x, the
  synthetic Pass line and Map >= 30x): transitions (states entered) per second. moto is
  timed by its own clock: the timestamps of the first and last events of
  GetExecutionHistory (ExecutionStarted .. ExecutionSucceeded), which moto gives to the
  millisecond. That span leaves out moto's parse of the definition at StartExecution
  (DescribeExecution's startDate/stopDate, also to the millisecond, include it; they are
  printed too). Ours: wall time (``perf_counter``) of ``Runner().run``, definition check and
  input copy included. One run of each in turn, after a warm-up round; medians.
* **Map linearity** (target <= 12x): a Map over 10,000 items against one over 1,000, AWS's
  quotas off, interleaved, measured before moto is imported (moto's modules make every
  garbage collection walk a larger heap).

The realistic workflow (:func:`realistic`) is shaped like the reference workflows in
``workflows/`` and the recorded executions in the shared corpus: a side-car style document
(``processData`` reference plus an order of 100 items), a Pass with intrinsics, a Choice, a
Parallel of three branches (one with its own Choice), an inline Map over the 100 items with
a Choice per item, and a summary Pass.
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

from _report import report

from sfs3dsl.run.interpreter import Runner

MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True},
               "lambda": {"use_docker": False}}
SIZES = {"empty": 0, "10 KB": 10_000, "100 KB": 100_000}


# --- workloads --------------------------------------------------------------------------------


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


def order_document(size: int, items: int = 100) -> dict[str, Any]:
    """A side-car document of about ``size`` bytes of JSON: a reference, an order of
    ``items`` lines, and notes that pad it to the size (an empty dict for size 0)."""
    if size == 0:
        return {}
    lines = [{"sku": f"SKU-{i:04d}", "qty": 1 + i % 7, "price": 5 + (i * 37) % 120}
             for i in range(items)]
    doc: dict[str, Any] = {"processData": "txn-7f3a", "order": {
        "id": "ord-1001", "customer": {"id": "c-42", "tier": "gold"}, "items": lines,
        "notes": ""}}
    pad = size - len(json.dumps(doc, separators=(",", ":")))
    doc["order"]["notes"] = "n" * max(pad, 0)
    return doc


def realistic(size: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The realistic workflow and its input document of about ``size`` bytes."""
    pass_through = {"Type": "Pass"}
    definition = {"Comment": "An order: normalise, route, check in parallel, price each line",
                  "StartAt": "Normalise", "States": {
        "Normalise": {"Type": "Pass", "Parameters": {
            "processData.$": "$.processData", "order.$": "$.order",
            "count.$": "States.ArrayLength($.order.items)",
            "key.$": "States.Format('orders/{}/{}.json', $.processData, $.order.id)"},
            "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.count", "NumericGreaterThan": 50, "Next": "Checks"}],
            "Default": "Small"},
        "Small": {**pass_through, "Next": "Checks"},
        "Checks": {"Type": "Parallel", "ResultPath": "$.checks", "Next": "EachLine",
                   "Branches": [
            {"StartAt": "Validate", "States": {"Validate": {
                "Type": "Pass", "Parameters": {"valid": True, "id.$": "$.order.id"},
                "End": True}}},
            {"StartAt": "Tier", "States": {
                "Tier": {"Type": "Choice", "Choices": [
                    {"Variable": "$.order.customer.tier", "StringEquals": "gold",
                     "Next": "Gold"}], "Default": "Standard"},
                "Gold": {"Type": "Pass", "Result": {"discount": 10}, "End": True},
                "Standard": {"Type": "Pass", "Result": {"discount": 0}, "End": True}}},
            {"StartAt": "Batches", "States": {"Batches": {
                "Type": "Pass", "Parameters": {"batches.$": (
                    "States.ArrayLength(States.ArrayPartition($.order.items, 25))")},
                "End": True}}}]},
        "EachLine": {"Type": "Map", "ItemsPath": "$.order.items", "ResultPath": "$.priced",
                     "ItemSelector": {"line.$": "$$.Map.Item.Value",
                                      "index.$": "$$.Map.Item.Index",
                                      "txn.$": "$.processData"},
                     "ItemProcessor": {"StartAt": "Price", "States": {
                         "Price": {"Type": "Pass", "Parameters": {
                             "sku.$": "$.line.sku",
                             "total.$": "States.MathAdd($.line.price, $.line.qty)",
                             "key.$": "States.Format('{}/{}', $.txn, $.index)"},
                             "Next": "Large"},
                         "Large": {"Type": "Choice", "Choices": [
                             {"Variable": "$.total", "NumericGreaterThan": 100,
                              "Next": "Flag"}], "Default": "Plain"},
                         "Flag": {"Type": "Pass", "Result": True, "ResultPath": "$.review",
                                  "End": True},
                         "Plain": {"Type": "Succeed"}}},
                     "Next": "Summarise"},
        "Summarise": {"Type": "Pass", "Parameters": {
            "processData.$": "$.processData", "order.$": "$.order", "checks.$": "$.checks",
            "priced.$": "$.priced",
            "merged.$": "States.JsonMerge($.checks[1], $.checks[2], false)",
            "summary.$": "States.Format('{} lines, key {}', $.count, $.key)"},
            "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    return definition, order_document(size or 1)


def minimal_run(definition: dict[str, Any], value: Any) -> Any:
    """A minimal Pass/Choice interpreter over an ASL dictionary: the floor the runner is
    compared with. It skips everything but moving the data: no history events, no payload
    or history limits, no clock (virtual or real), no context object, no InputPath /
    OutputPath / Parameters / ResultSelector, ResultPath only as ``$`` or ``$.a.b``, Choice
    rules only as a Variable ``$.a.b`` with NumericEquals or StringEquals, no checks of the
    definition, no errors reported."""
    states = definition["States"]
    name = definition["StartAt"]
    while True:
        state = states[name]
        kind = state["Type"]
        if kind == "Choice":
            for rule in state["Choices"]:
                found = value
                for part in rule["Variable"][2:].split("."):
                    found = found.get(part) if isinstance(found, dict) else None
                if found == rule.get("NumericEquals", rule.get("StringEquals")):
                    name = rule["Next"]
                    break
            else:
                name = state["Default"]
            continue
        if kind != "Pass":  # Succeed, Fail
            return value
        result = state.get("Result", value)
        spec = state.get("ResultPath", "$")
        if spec == "$":
            value = result
        else:
            value = out = dict(value)
            *parents, last = spec[2:].split(".")
            for part in parents:
                out[part] = out = dict(out.get(part, {}))
            out[last] = result
        if state.get("End"):
            return value
        name = state["Next"]


# --- contestants ------------------------------------------------------------------------------


def transitions(history: list[dict[str, Any]]) -> int:
    return sum(1 for e in history if e["type"].endswith("StateEntered"))


def _ours(clock: Callable[[], float], definition: dict[str, Any], value: Any,
          runner: Runner) -> float:
    start = clock()
    execution = runner.run(definition, value)
    elapsed = clock() - start
    if execution.status != "SUCCEEDED":
        raise RuntimeError(f"our run ended {execution.status}: {execution.error}")
    return elapsed


ours_cpu = partial(_ours, time.process_time)  # CPU time: both sides ours
ours_wall = partial(_ours, time.perf_counter)  # wall time: beside moto's own timestamps


def minimal_cpu(definition: dict[str, Any], value: Any) -> float:
    start = time.process_time()
    minimal_run(definition, value)
    return time.process_time() - start


class Moto:
    """moto's engine in-process (started once), timed by its own event timestamps."""

    def __init__(self) -> None:
        import boto3
        from moto import mock_aws

        self._mock = mock_aws(config=MOTO_CONFIG)
        self._mock.start()
        self.client = boto3.client("stepfunctions", region_name="us-east-1")
        self.count = 0
        #: the last run: (transitions, output)
        self.last: tuple[int, Any] = (0, None)
        #: DescribeExecution's stopDate - startDate of every run, in seconds
        self.described: list[float] = []

    def close(self) -> None:
        self._mock.stop()

    def time(self, definition: dict[str, Any], value: Any) -> float:
        self.count += 1
        client = self.client
        machine = client.create_state_machine(
            name=f"bench-{self.count}", definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/bench")["stateMachineArn"]
        arn = client.start_execution(stateMachineArn=machine, name=f"run-{self.count}",
                                     input=json.dumps(value))["executionArn"]
        while True:  # waiting only: the time comes from moto's timestamps, not from here
            found = client.describe_execution(executionArn=arn)
            if found["status"] != "RUNNING":
                break
            time.sleep(0.005)
        if found["status"] != "SUCCEEDED":
            raise RuntimeError(f"moto's run ended {found['status']}: {found.get('cause')}")
        events: list[dict[str, Any]] = []
        token: dict[str, Any] = {}
        while True:
            page = client.get_execution_history(executionArn=arn, maxResults=1000, **token)
            events.extend(page["events"])
            if not page.get("nextToken"):
                break
            token = {"nextToken": page["nextToken"]}
        client.delete_state_machine(stateMachineArn=machine)
        self.described.append((found["stopDate"] - found["startDate"]).total_seconds())
        self.last = (transitions(events), json.loads(found["output"]))
        span: float = (events[-1]["timestamp"] - events[0]["timestamp"]).total_seconds()
        return span


def interleaved(rounds: int, contestants: dict[str, Callable[[], float]],
                warmup: int = 1) -> dict[str, float]:
    """Median of each contestant over ``rounds`` rounds that run every one once in turn
    (after ``warmup`` untimed rounds), so a slow spell touches all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in contestants}
    for i in range(warmup + rounds):
        for name, fn in contestants.items():
            elapsed = fn()
            if i >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(t) for name, t in times.items()}


# --- parts ------------------------------------------------------------------------------------


def payload_growth(rounds: int) -> list[bool]:
    runner = Runner()
    lines = {n: pass_line(n) for n in (200, 400)}
    contestants: dict[str, Callable[[], float]] = {}
    for label, size in SIZES.items():
        value = order_document(size)
        for n, definition in lines.items():
            contestants[f"{n}/{label}"] = partial(ours_cpu, definition, value, runner)
    medians = interleaved(rounds, contestants)
    per = {label: (medians[f"400/{label}"] - medians[f"200/{label}"]) / 200
           for label in SIZES}
    oks = []
    for label in SIZES:
        print(f"Pass line, {label:>6} input: {per[label] * 1e6:6.2f} us CPU per transition, "
              f"200 states {medians[f'200/{label}'] * 1e3:6.2f} ms "
              f"({medians[f'200/{label}'] / medians['200/empty']:.2f}x the empty input's run)")
    for label in ("10 KB", "100 KB"):
        key = label.replace(" ", "").lower()
        oks.append(report(f"runner_transition_{key}", per[label] / per["empty"], target=3,
                          better="lower", peer="the same line with an empty input",
                          what=f"CPU time per Pass transition with a {label} state "
                               "(slope of 200 vs 400 states, limits on)"))
    return oks


def against_minimal(rounds: int) -> bool:
    runner = Runner()
    definition = pass_line(200)
    medians = interleaved(rounds, {
        "ours": lambda: sum(ours_cpu(definition, {}, runner) for _ in range(5)),
        "minimal": lambda: sum(minimal_cpu(definition, {}) for _ in range(5))})
    print(f"Pass line of 200: ours {medians['ours'] / 5 * 1e3:.3f} ms, minimal interpreter "
          f"{medians['minimal'] / 5 * 1e3:.3f} ms (CPU)")
    return report("runner_vs_minimal", medians["ours"] / medians["minimal"], target=5,
                  better="lower", peer="a minimal 40-line Pass/Choice interpreter",
                  what="CPU time of a line of 200 Pass states, empty input; ours records "
                       "history, checks limits and keeps the virtual clock, it does not")


def map_linearity(rounds: int) -> bool:
    # AWS's quotas off: a Map over 10,000 items writes 40,006 history events, past the
    # 25,000 an execution may have (on AWS it would fail; this measures growth only)
    runner = Runner(limits=False)
    small, large = map_over(1000), map_over(10_000)
    medians = interleaved(rounds, {
        "1000": lambda: ours_wall(*small, runner), "10000": lambda: ours_wall(*large, runner)})
    print(f"Map 10,000 items {medians['10000']:.3f} s, 1,000 items {medians['1000']:.3f} s")
    return report("runner_map_linear", medians["10000"] / medians["1000"], target=12,
                  better="lower", peer="the same Map over 1,000 items",
                  what="wall time of an inline Map over 10,000 items (limits off)")


def against_moto(rounds: int) -> list[bool]:
    cases: list[tuple[str, str, float, dict[str, Any], Any]] = [
        (f"runner_pass_line_vs_moto_{key.replace(' ', '').lower()}",
         f"Pass line of 200, {key} input", 30, pass_line(200), order_document(size))
        for key, size in SIZES.items()]
    cases.append(("runner_map_vs_moto", "Map over 1,000 items", 30, *map_over(1000)))
    for key in ("10 KB", "100 KB"):
        cases.append((f"runner_realistic_vs_moto_{key.replace(' ', '').lower()}",
                      f"realistic workflow, {key} state", 50 if key == "10 KB" else 30,
                      *realistic(SIZES[key])))
    runner = Runner()
    ours_transitions, outputs = {}, {}
    for name, _, _, definition, value in cases:
        execution = runner.run(definition, value)
        ours_transitions[name] = transitions(execution.history)
        outputs[name] = execution.output
    moto = Moto()
    oks = []
    try:
        for name, label, target, definition, value in cases:
            moto.described.clear()
            medians = interleaved(rounds, {
                "ours": partial(ours_wall, definition, value, runner),
                "moto": partial(moto.time, definition, value)})
            moto_n, moto_output = moto.last
            described = statistics.median(moto.described)
            ours_n = ours_transitions[name]
            ratio = (ours_n / medians["ours"]) / (moto_n / medians["moto"])
            print(f"{label}: ours {medians['ours'] * 1e3:.1f} ms for {ours_n} transitions, "
                  f"moto {medians['moto'] * 1e3:.0f} ms by its events for {moto_n} "
                  f"(DescribeExecution startDate..stopDate {described * 1e3:.0f} ms)")
            if moto_output != outputs[name]:
                print("  note: the outputs differ")
            oks.append(report(name, ratio, target=target, better="higher", peer="moto 5.2.5",
                              what=f"transitions per second, {label}; moto timed by its "
                                   "event timestamps (ms), ours by perf_counter"))
    finally:
        moto.close()
    return oks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    cpu_rounds, moto_rounds = (7, 3) if args.quick else (21, 7)
    # ours first, then moto: importing moto grows the heap every garbage collection walks
    oks = payload_growth(cpu_rounds)
    oks.append(against_minimal(cpu_rounds))
    oks.append(map_linearity(5 if args.quick else 9))
    oks += against_moto(moto_rounds)
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
