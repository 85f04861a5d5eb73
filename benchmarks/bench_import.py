"""Benchmark ``import``: the time to turn an ASL document into Python grows linearly.

Run: ``.venv/bin/python benchmarks/bench_import.py [--quick]`` (from the project root).

Prints the median CPU time (``time.process_time``, which other processes on the machine
disturb less than wall time) to import a 1,000-state and a 10,000-state definition (a line
of Pass and Task states with a Choice every 50 states), after one warm-up run each and with
the runs of the two sizes interleaved, and their ratio; exits 1 when 10,000 states take
more than 12x the time of 1,000. The ratio goes through ``_report.report()``. This is an
in-process figure: no process start-up is compared, so no wheel install is needed.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import report

from sfs3dsl.review.importer.convert import import_definition

GROWTH_TARGET = 12.0
REPEATS = 9


def definition(size: int) -> dict[str, Any]:
    """A line of ``size`` states: Pass and Lambda Task states, a Choice every 50."""
    states: dict[str, Any] = {}
    for i in range(size):
        name, following = f"Step{i:05d}", f"Step{i + 1:05d}"
        last = i + 1 == size
        if i % 50 == 49 and not last:
            states[name] = {"Type": "Choice", "Default": following, "Choices": [
                {"Variable": "$.count", "NumericGreaterThan": i, "Next": following},
                {"And": [{"Variable": "$.flag", "IsPresent": True},
                         {"Variable": "$.flag", "BooleanEquals": True}], "Next": following}]}
            continue
        if i % 2:
            state: dict[str, Any] = {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "${StepFunctionArn}", "Payload.$": "$"},
                "ResultPath": "$.result",
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}]}
        else:
            state = {"Type": "Pass", "Parameters": {"index": i, "input.$": "$"}}
        if last:
            state["End"] = True
        else:
            state["Next"] = following
        states[name] = state
    return {"Comment": f"{size} states", "StartAt": "Step00000", "States": states}


def cpu_seconds(asl: dict[str, Any]) -> float:
    gc.collect()
    start = time.process_time()
    import_definition(asl, name="bench")
    return time.process_time() - start


def medians(*definitions: dict[str, Any], repeats: int = REPEATS) -> list[float]:
    """The median time of each definition; runs alternate so that load drift hits all."""
    for asl in definitions:
        import_definition(asl, name="bench")  # warm up: allocator arenas, caches
    times: list[list[float]] = [[] for _ in definitions]
    for _ in range(repeats):
        for asl, samples in zip(definitions, times, strict=True):
            samples.append(cpu_seconds(asl))
    return [statistics.median(samples) for samples in times]


def main() -> int:
    parser = argparse.ArgumentParser(description="ASL import: linear growth")
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 9")
    repeats = 5 if parser.parse_args().quick else REPEATS
    small, large = medians(definition(1_000), definition(10_000), repeats=repeats)
    print(f"import 1,000 states:  {small * 1000:8.1f} ms (median of {repeats})")
    print(f"import 10,000 states: {large * 1000:8.1f} ms (median of {repeats})")
    ok = report("import.1k_to_10k", large / small, target=GROWTH_TARGET, better="lower",
                peer="itself at 1,000 states",
                what="ASL -> Python (import_definition) of a Pass/Task/Choice line, 10,000 "
                     "states vs 1,000; CPU time, interleaved medians")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
