"""Where the realistic compile's time goes, phase by phase, at 10,000 and 100,000 states.

Run from the project root (about a minute)::

    .venv/bin/python benchmarks/phases.py [--rounds 5]

Not a benchmark with a target: it explains ``compile.realistic_10k_to_100k`` (part (b) of
``bench_compile.py``) by timing the public steps that make it up, one after the other as
``sfs3dsl compile`` runs them, with the collector paused throughout: the build of the
workflow, ``compile_workflow(validate=False)`` (walk and render), the text with its compact
size (``json_text.dumps_measured``), ``validate_definition`` with that size, and freeing it
all. Each phase's user CPU, system CPU and minor page faults come from
``resource.getrusage``; the two sizes alternate, and each figure is a median over rounds.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _realistic

from sfs3dsl import compile_workflow
from sfs3dsl.compile.json_text import dumps_measured
from sfs3dsl.validate import validate_definition

SIZES = (10_000, 100_000)
PHASES = ("build", "compile", "text", "validate", "free")


def _usage() -> tuple[float, float, int]:
    found = resource.getrusage(resource.RUSAGE_SELF)
    return found.ru_utime, found.ru_stime, found.ru_minflt


def one_run(n: int) -> dict[str, tuple[float, float, int]]:
    """Each phase's (user s, system s, minor faults) for the realistic mix of ``n`` states."""
    spent: dict[str, tuple[float, float, int]] = {}
    held: dict[str, Any] = {}

    def phase(name: str, step: Callable[[], None]) -> None:
        before = _usage()
        step()
        after = _usage()
        spent[name] = (after[0] - before[0], after[1] - before[1], after[2] - before[2])

    def build() -> None:
        held["workflow"] = _realistic.sfs3dsl_workflow(n)

    def compile_() -> None:
        held["compiled"] = compile_workflow(held["workflow"], validate=False)

    def text() -> None:
        held["text"] = dumps_measured(held["compiled"].asl, newline=True)

    def validate() -> None:
        compiled = held["compiled"]
        held["problems"] = validate_definition(compiled.asl, compiled.sources,
                                               text=held["text"])

    gc.collect()
    gc.disable()
    try:
        for name, step in zip(PHASES, (build, compile_, text, validate, held.clear),
                              strict=True):
            phase(name, step)
    finally:
        gc.enable()
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    for n in SIZES:  # warm-up: imports, first calls, the allocator's pools
        one_run(n)
    runs: dict[int, list[dict[str, tuple[float, float, int]]]] = {n: [] for n in SIZES}
    for _ in range(args.rounds):
        for n in SIZES:
            runs[n].append(one_run(n))
    small, large = SIZES
    print(f"medians of {args.rounds} interleaved rounds; user and system CPU in ms, minor "
          "page faults; growth = 100,000 states / 10,000 states")
    print(f"{'phase':9} {'user 10k':>9} {'user 100k':>10} {'growth':>7} {'sys 10k':>8} "
          f"{'sys 100k':>9} {'faults 10k':>11} {'faults 100k':>12}")
    totals = dict.fromkeys(SIZES, 0.0)
    for name in PHASES:
        user, system, faults = ({n: statistics.median(run[name][i] for run in runs[n])
                                 for n in SIZES} for i in range(3))
        for n in SIZES:
            totals[n] += user[n] + system[n]
        print(f"{name:9} {user[small] * 1e3:9.1f} {user[large] * 1e3:10.1f} "
              f"{user[large] / user[small]:6.1f}x {system[small] * 1e3:8.1f} "
              f"{system[large] * 1e3:9.1f} {faults[small]:11,.0f} {faults[large]:12,.0f}")
    print(f"all phases, user + system: {totals[small] * 1e3:.0f} ms and "
          f"{totals[large] * 1e3:.0f} ms: {totals[large] / totals[small]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
