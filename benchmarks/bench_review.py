"""Benchmark the review tools: semantic diff against DeepDiff, and linear growth.

Run: ``python benchmarks/bench_review.py [--quick]`` (from the project root, with the venv).

Targets (the script exits 1 when one is missed):
  * ``diff_definitions`` on two 1,000-state workflows differing in 50 states is no slower
    than DeepDiff 9.1.0 comparing the same two documents;
  * diff, ``to_mermaid`` and ``to_dot`` of 10,000 states take at most 12x their time on
    1,000 states (the differing states scale with the size: 5 %) on the synthetic line;
  * realistic: ``to_mermaid`` and ``to_dot`` of the realistic mix (``_realistic.py``: Task,
    Choice, Parallel, Map, Wait, JSONata states, compiled by sfs3dsl) at 100,000 states take
    at most 12x their time at 10,000.

Every figure is the median CPU time (``time.process_time``) of samples of the two sides
interleaved; every ratio goes through ``_report.report()``.
"""

from __future__ import annotations

import argparse
import copy
import gc
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _realistic
from _report import report
from deepdiff import DeepDiff

from sfs3dsl.review.diff import diff_definitions
from sfs3dsl.review.graph import to_dot, to_mermaid

Doc = dict[str, Any]
DEEPDIFF_TARGET = 1.0
GROWTH_TARGET = 12.0


def workflow(size: int) -> Doc:
    """A line of Lambda tasks with retries and catchers, a Choice every 25 states."""
    states: Doc = {}
    for i in range(size):
        name, nxt = f"Step{i:05d}", f"Step{i + 1:05d}" if i + 1 < size else "Done"
        if i % 25 == 24:
            states[name] = {"Type": "Choice", "Default": nxt, "Choices": [
                {"And": [{"Variable": "$.count", "NumericGreaterThan": i},
                         {"Variable": "$.flag", "IsPresent": True}], "Next": "Failed"}]}
            continue
        states[name] = {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": f"fn-{i}", "Payload": {"step.$": "$.step", "n": i}},
            "ResultPath": f"$.results.s{i}",
            "TimeoutSeconds": 30,
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1,
                       "MaxAttempts": 3, "BackoffRate": 2.0}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                       "Next": "Failed"}],
            "Next": nxt,
        }
    states["Done"] = {"Type": "Succeed"}
    states["Failed"] = {"Type": "Fail", "Error": "StepFailed"}
    return {"Comment": f"{size} steps", "StartAt": "Step00000", "States": states}


def changed(doc: Doc, count: int) -> Doc:
    """A copy of ``doc`` where ``count`` states differ: 60 % edited fields, 20 % renamed,
    10 % removed (bypassed), 10 % added (inserted)."""
    new = copy.deepcopy(doc)
    states: Doc = new["States"]
    tasks = [n for n, s in states.items() if s["Type"] == "Task"]
    stride = max(1, len(tasks) // count)
    picked = tasks[::stride][:count]
    for k, name in enumerate(picked):
        kind = k % 10
        if kind < 6:
            states[name]["Retry"][0]["MaxAttempts"] = 5
            states[name]["TimeoutSeconds"] = 60
        elif kind < 8:
            renamed = f"{name}Renamed"
            new["States"] = states = {renamed if n == name else n: s for n, s in states.items()}
            for s in states.values():
                if s.get("Next") == name:
                    s["Next"] = renamed
                if s.get("Default") == name:
                    s["Default"] = renamed
        elif kind < 9:
            target = states.pop(name)["Next"]
            for s in states.values():
                if s.get("Next") == name:
                    s["Next"] = target
                if s.get("Default") == name:
                    s["Default"] = target
        else:
            extra = f"{name}Audit"
            states[extra] = {"Type": "Pass", "Result": {"audited": True},
                             "ResultPath": "$.audit", "Next": states[name]["Next"]}
            states[name]["Next"] = extra
    return new


def _sample(fn: Callable[[], object], loops: int) -> float:
    gc.collect()
    start = time.process_time()
    for _ in range(loops):
        fn()
    return (time.process_time() - start) / loops


def _loops(fn: Callable[[], object], floor: float) -> int:
    start = time.process_time()
    fn()
    return max(1, int(floor / max(time.process_time() - start, 1e-6)))


def median_seconds(fn: Callable[[], object], samples: int, floor: float = 0.1) -> float:
    """Median CPU seconds per call. A sample repeats ``fn`` for at least ``floor`` seconds,
    so a 2 ms call is not at the mercy of one scheduler tick on a shared machine."""
    loops = _loops(fn, floor)
    return statistics.median(_sample(fn, loops) for _ in range(samples))


def paired_medians(small: Callable[[], object], big: Callable[[], object],
                   samples: int = 11, floor: float = 0.1) -> tuple[float, float]:
    """Median CPU seconds per call of two functions, their samples interleaved so that a
    burst of load from other processes falls on both sides alike."""
    small_loops, big_loops = _loops(small, floor), _loops(big, floor)
    small_times, big_times = [], []
    for _ in range(samples):
        small_times.append(_sample(small, small_loops))
        big_times.append(_sample(big, big_loops))
    return statistics.median(small_times), statistics.median(big_times)


def _bound(fn: Callable[[Doc, Doc], object],
           inputs: Iterator[tuple[Doc, Doc]]) -> Callable[[], object]:
    """``fn`` applied to the next pair of ``inputs`` at each call."""
    def call() -> object:
        return fn(*next(inputs))
    return call


def main() -> int:
    parser = argparse.ArgumentParser(description="review tools: diff and graphs")
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    quick = parser.parse_args().quick
    samples = 5 if quick else 11
    ok = True
    old = workflow(1000)
    new = changed(old, 50)
    ours, theirs = paired_medians(lambda: diff_definitions(old, new), lambda: DeepDiff(old, new),
                                  samples=samples)
    print("diff of two 1,000-state workflows differing in 50 states (median CPU time)")
    print(f"  sfs3dsl diff_definitions  {ours * 1000:9.2f} ms")
    print(f"  DeepDiff 9.1.0            {theirs * 1000:9.2f} ms")
    ok &= report("review.diff_vs_deepdiff", ours / theirs, target=DEEPDIFF_TARGET,
                 better="lower", peer="DeepDiff 9.1.0",
                 what="semantic diff of two 1,000-state workflows differing in 50 states vs "
                      "DeepDiff of the same dicts; CPU time, interleaved medians")

    # Growth. Repeating one 1,000-state pair keeps its 3 MB in the CPU caches, which a
    # one-off diff never enjoys, while 10,000 states (30 MB) cannot stay there: on a 2-core
    # VM even a bare ``==`` over the states then grows ~20x. So the 1,000-state side is
    # also measured rotating through ten distinct pairs (the 10,000-state working set), and
    # the target applies to that same-memory-regime growth. Both figures are printed.
    smalls = [(doc, changed(doc, 50)) for doc in (workflow(1000) for _ in range(10))]
    big = workflow(10_000)
    big_new = changed(big, 500)
    cases: list[tuple[str, str, Callable[[Doc, Doc], object]]] = [
        ("diff_definitions", "diff", diff_definitions),
        ("to_mermaid", "mermaid", lambda _old, doc: to_mermaid(doc)),
        ("to_dot", "dot", lambda _old, doc: to_dot(doc)),
        ("bare == (baseline)", "", lambda a, b: [a["States"].get(k) == v
                                                 for k, v in b["States"].items()]),
    ]
    print("\nsynthetic: linear growth, 1,000 vs 10,000 states (median CPU time per call)")
    print(f"  {'':<19}{'1k repeated':>12}{'1k rotated':>12}{'10k':>11}"
          f"{'growth':>9}{'same-set growth':>17}")
    for label, key, fn in cases:
        hot, big_t = paired_medians(_bound(fn, itertools.repeat(smalls[0])),
                                    _bound(fn, itertools.repeat((big, big_new))), samples)
        rotated, big_t2 = paired_medians(_bound(fn, itertools.cycle(smalls)),
                                         _bound(fn, itertools.repeat((big, big_new))), samples)
        big_t = statistics.median([big_t, big_t2])
        growth, fair = big_t / hot, big_t / rotated
        print(f"  {label:<19}{hot * 1000:9.2f} ms{rotated * 1000:9.2f} ms"
              f"{big_t * 1000:8.2f} ms{growth:8.2f}x{fair:15.2f}x")
        if key:
            ok &= report(f"review.{key}_1k_to_10k", fair, target=GROWTH_TARGET, better="lower",
                         peer="itself at 1,000 states (ten distinct documents)",
                         what=f"{label} of a synthetic Task/Choice line, 10,000 states vs "
                              "1,000; CPU time, interleaved medians")
    ok &= bench_realistic(3 if quick else 7)
    return 0 if ok else 1


def bench_realistic(samples: int) -> bool:
    """Mermaid and DOT of the realistic mix, 10,000 vs 100,000 states."""
    from sfs3dsl import compile_workflow

    docs = [compile_workflow(_realistic.sfs3dsl_workflow(n), raise_errors=False).asl
            for n in (10_000, 100_000)]
    print("\nrealistic: 10,000 vs 100,000 states (median CPU time per call)")
    ok = True
    for label, key, draw in (("to_mermaid", "mermaid", to_mermaid), ("to_dot", "dot", to_dot)):
        small, large = paired_medians(lambda d=draw: d(docs[0]),  # type: ignore[misc]
                                      lambda d=draw: d(docs[1]),  # type: ignore[misc]
                                      samples, floor=0.0)
        print(f"  {label:<12}{small * 1000:9.1f} ms {large * 1000:9.1f} ms "
              f"{large / small:7.2f}x")
        ok &= report(f"review.realistic_{key}_10k_to_100k", large / small,
                     target=GROWTH_TARGET, better="lower", peer="itself at 10,000 states",
                     what=f"{label} of the realistic mix (Task, Choice, Parallel, Map, Wait, "
                          "JSONata), 100,000 states vs 10,000; CPU time, interleaved medians")
    return ok


if __name__ == "__main__":
    sys.exit(main())
