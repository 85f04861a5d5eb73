"""Map and Parallel on the virtual clock: what running iterations side by side costs.

Run: ``python benchmarks/bench_scheduling.py`` (``--quick`` for 5 rounds instead of 9).

Targets (issue 15, point 2), each checked here; the exit code is 1 when one is missed:

* the realistic workflow (Choice, Parallel, a Map over 100 items, intrinsic functions,
  states of about 10 KB) with the Map at its default concurrency (MaxConcurrency 0: 40 at
  once, as AWS runs inline Maps) takes at most 2x the time of the same workflow with
  MaxConcurrency 1 (the peer: one iteration after another);
* a Parallel of 10 branches (five Pass states with intrinsics each, on a 10 KB state) takes
  at most 2x the time of one branch holding the same 50 states one after another;
* a Map over the 100 items whose iterations wait (0 to 9 s, from the item) and then call a
  Lambda Task answered by the runner's echo (a callable that declares it cannot block), at
  MaxConcurrency 0, takes at most 2x the time of the same Map at MaxConcurrency 1: these
  iterations move the virtual clock, so they run under the one-thread discrete-event
  scheduler (``run/interpreter/scheduler.py``), one greenlet each;
* run-to-run spread of each side-by-side case, max/min of its 9 runs, under 1.5x;
* no thread started by any of these cases.

Tasks whose callable may block (a user's function, a generated handler) still get a thread
each on the virtual clock (``run/interpreter/inline.py`` says why); they are not measured
here.

How it is measured: ``Runner().run`` of each case, after two untimed warm-up rounds; the
cases run in interleaved rounds (one run of each in turn), so a slow spell of the shared
machine touches every case alike. A garbage collection is made before each run, outside the
timing, so one run does not pay for the previous run's garbage.

* The ratios compare medians of wall time (``time.perf_counter``): what a user waits for,
  including any wait for threads to start or to get the interpreter lock.
* The spread is judged on the CPU time of the process (``time.process_time``, all threads):
  on a shared 2-core machine other processes move every run's wall time (the peer, which
  never starts a thread, shows it), while CPU time moves with the work and with what threads
  cost (their start, the lock passed between them). The wall-time spread of the case and of
  its peer is printed beside it. CPU time does not show what threads make a run wait, so
  the script also counts the threads each case starts (``threading.Thread.start``), which
  must be none: the target is scheduling without an OS thread per iteration, and a count
  is a fact no load moves.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import report

from sfs3dsl.run.interpreter import Runner

RATIO_TARGET = 2.0
SPREAD_TARGET = 1.5
ITEMS = 100


def _item(i: int) -> dict[str, Any]:
    # about 100 bytes of JSON each: 100 items make the 10 KB state
    return {"sku": f"SKU-{i:04d}-{'AB'[i % 2]}", "qty": i % 10, "price": 1.5 + i,
            "note": "n" * 40}


def realistic_input() -> dict[str, Any]:
    return {"kind": "batch", "id": 4711, "tag": "eu-west",
            "items": [_item(i) for i in range(ITEMS)]}


def realistic_workflow(max_concurrency: int) -> dict[str, Any]:
    """Choice -> Parallel(summary | Map over the items) -> Pass joining both."""
    processor = {"StartAt": "Classify", "States": {
        "Classify": {"Type": "Choice", "Default": "Small", "Choices": [
            {"Variable": "$.item.qty", "NumericGreaterThan": 5, "Next": "Big"}]},
        "Big": {"Type": "Pass", "End": True, "Parameters": {
            "total.$": "States.MathAdd($.item.qty, 10)",
            "label.$": "States.Format('{}-{}', $.item.sku, $.index)",
            "parts.$": "States.StringSplit($.item.sku, '-')"}},
        "Small": {"Type": "Pass", "Next": "Tag", "Parameters": {
            "total.$": "$.item.qty",
            "label.$": "States.Format('{}@{}', $.item.sku, $.region)",
            "json.$": "States.JsonToString($.item)"}},
        "Tag": {"Type": "Pass", "End": True, "ResultPath": "$.tagged",
                "Parameters": {"hash.$": "States.Hash($.label, 'SHA-256')"}}}}
    summary = {"StartAt": "Summary", "States": {"Summary": {
        "Type": "Pass", "End": True, "Parameters": {
            "count.$": "States.ArrayLength($.items)",
            "id.$": "States.Format('order-{}', $.id)",
            "first.$": "States.ArrayGetItem($.items, 0)"}}}}
    each = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": max_concurrency,
        "End": True,
        "ItemSelector": {"item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index",
                         "region.$": "$.tag"},
        "ItemProcessor": processor}}}
    return {"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Default": "Skip", "Choices": [
            {"Variable": "$.kind", "StringEquals": "batch", "Next": "Fan"}]},
        "Skip": {"Type": "Succeed"},
        "Fan": {"Type": "Parallel", "Next": "Join", "Branches": [summary, each]},
        "Join": {"Type": "Pass", "End": True, "Parameters": {
            "summary.$": "$[0]", "results.$": "$[1]",
            "n.$": "States.ArrayLength($[1])"}}}}


def _branch_states(branch: int, last: bool) -> dict[str, Any]:
    """Five Pass states of branch ``branch``; the last one ends or goes to the next
    branch's first state (when the branches are laid out as one line)."""
    states: dict[str, Any] = {}
    for k in range(5):
        name = f"B{branch}S{k}"
        follow: dict[str, Any] = {"Next": f"B{branch}S{k + 1}"} if k < 4 else (
            {"End": True} if last else {"Next": f"B{branch + 1}S0"})
        states[name] = {"Type": "Pass", "ResultPath": f"$.r{branch}_{k}", "Parameters": {
            "id.$": "States.Format('{}/{}', $.id, $.tag)",
            "n.$": "States.ArrayLength($.items)",
            "sum.$": "States.MathAdd($.id, 1)"}, **follow}
    return states


def parallel_branches(count: int) -> dict[str, Any]:
    """A Parallel state of ``count`` branches of five Pass states each."""
    branches = [{"StartAt": f"B{b}S0", "States": _branch_states(b, True)}
                for b in range(count)]
    return {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True,
                                             "Branches": branches}}}


def parallel_as_line(count: int) -> dict[str, Any]:
    """The peer of :func:`parallel_branches`: the same states in one branch, in a line."""
    states: dict[str, Any] = {}
    for b in range(count):
        states.update(_branch_states(b, b == count - 1))
    return {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True,
                                             "Branches": [{"StartAt": "B0S0",
                                                           "States": states}]}}}


def task_map(max_concurrency: int) -> dict[str, Any]:
    """A Map over the items whose iterations wait ``qty`` seconds, then call a Lambda."""
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": max_concurrency,
        "End": True, "ItemProcessor": {"StartAt": "Hold", "States": {
            "Hold": {"Type": "Wait", "SecondsPath": "$.qty", "Next": "Call"},
            "Call": {"Type": "Task",
                     "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                     "End": True}}}}}}


Case = tuple[str, dict[str, Any], Any]


def _time(runner: Runner, definition: dict[str, Any], value: Any) -> tuple[float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    execution = runner.run(definition, value)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if execution.status != "SUCCEEDED":
        raise SystemExit(f"benchmark workflow ended {execution.status}: {execution.error} "
                         f"{execution.cause}")
    return wall, cpu


class ThreadCount:
    """Counts ``threading.Thread.start`` calls while installed."""

    def __init__(self) -> None:
        self.started = 0
        self._real = threading.Thread.start

    def __enter__(self) -> ThreadCount:
        real, counter = self._real, self

        def start(self: threading.Thread) -> None:
            counter.started += 1
            real(self)

        threading.Thread.start = start  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        threading.Thread.start = self._real  # type: ignore[method-assign]


def interleaved(cases: list[Case], rounds: int, warmup: int = 2
                ) -> tuple[list[tuple[list[float], list[float]]], list[int]]:
    """Wall and CPU times of each case over ``rounds`` rounds that run every case once in
    turn (after ``warmup`` untimed rounds), and how many threads each case started in all."""
    runner = Runner(unmocked_lambda="echo")
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in cases]
    threads = [0] * len(cases)
    for round_ in range(warmup + rounds):
        for i, (_, definition, value) in enumerate(cases):
            with ThreadCount() as count:
                wall, cpu = _time(runner, definition, value)
            threads[i] += count.started
            if round_ >= warmup:
                out[i][0].append(wall)
                out[i][1].append(cpu)
    return out, threads


def _spread(values: list[float]) -> float:
    return max(values) / min(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 9")
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else 9
    value = realistic_input()
    cases: list[Case] = [
        ("realistic, Map MaxConcurrency 0", realistic_workflow(0), value),
        ("realistic, Map MaxConcurrency 1", realistic_workflow(1), value),
        ("Parallel of 10 branches", parallel_branches(10), value),
        ("the same 50 states in one branch", parallel_as_line(10), value),
        ("Wait+Task Map, MaxConcurrency 0", task_map(0), value),
        ("Wait+Task Map, MaxConcurrency 1", task_map(1), value),
    ]
    times, threads = interleaved(cases, rounds)
    print(f"{'case':<36}{'wall ms: median':>16}{'min':>8}{'max':>8}{'spread':>8}"
          f"{'cpu ms: median':>16}{'spread':>8}{'threads/run':>13}")
    for (label, _, _), (walls, cpus), started in zip(cases, times, threads, strict=True):
        print(f"{label:<36}{statistics.median(walls) * 1e3:>16.2f}{min(walls) * 1e3:>8.2f}"
              f"{max(walls) * 1e3:>8.2f}{_spread(walls):>7.2f}x"
              f"{statistics.median(cpus) * 1e3:>16.2f}{_spread(cpus):>7.2f}x"
              f"{started / (rounds + 2):>13.0f}")
    med = [statistics.median(walls) for walls, _ in times]
    ok = [
        report("sched_map100_vs_serial", med[0] / med[1], target=RATIO_TARGET,
               better="lower", peer="the same workflow with MaxConcurrency 1",
               what="realistic workflow (Choice, Parallel, Map of 100, intrinsics, 10 KB "
                    "state) on the virtual clock, Map at MaxConcurrency 0; median wall "
                    f"time of {rounds} interleaved runs"),
        report("sched_map100_spread", _spread(times[0][1]), target=SPREAD_TARGET,
               better="lower", peer="its own fastest run",
               what=f"max/min process CPU time of {rounds} runs of the realistic workflow, "
                    "Map at MaxConcurrency 0, virtual clock (wall time: "
                    f"{_spread(times[0][0]):.2f}x, its MaxConcurrency 1 peer's "
                    f"{_spread(times[1][0]):.2f}x)"),
        report("sched_parallel10_vs_line", med[2] / med[3], target=RATIO_TARGET,
               better="lower", peer="the same 50 Pass states in one branch",
               what="Parallel of 10 branches x 5 Pass states with intrinsics, 10 KB "
                    f"state, virtual clock; median wall time of {rounds} interleaved runs"),
        report("sched_parallel10_spread", _spread(times[2][1]), target=SPREAD_TARGET,
               better="lower", peer="its own fastest run",
               what=f"max/min process CPU time of {rounds} runs of the Parallel of 10 "
                    f"branches, virtual clock (wall time: {_spread(times[2][0]):.2f}x, "
                    f"its one-branch peer's {_spread(times[3][0]):.2f}x)"),
        report("sched_taskmap100_vs_serial", med[4] / med[5], target=RATIO_TARGET,
               better="lower", peer="the same Map with MaxConcurrency 1",
               what="Map of 100 iterations (Wait 0-9 s, then a Lambda Task answered by "
                    "the runner's echo) on the virtual clock, MaxConcurrency 0; median wall "
                    f"time of {rounds} interleaved runs"),
        report("sched_taskmap100_spread", _spread(times[4][1]), target=SPREAD_TARGET,
               better="lower", peer="its own fastest run",
               what=f"max/min process CPU time of {rounds} runs of the Wait+Task Map of "
                    f"100, MaxConcurrency 0, virtual clock (wall time: "
                    f"{_spread(times[4][0]):.2f}x, its MaxConcurrency 1 peer's "
                    f"{_spread(times[5][0]):.2f}x)"),
    ]
    threaded = [label for (label, _, _), n in zip(cases, threads, strict=True) if n]
    print("threads started on the virtual clock: "
          + (", ".join(threaded) + " MISSED" if threaded else "none ok"))
    return 0 if all(ok) and not threaded else 1


if __name__ == "__main__":
    sys.exit(main())
