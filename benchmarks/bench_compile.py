"""Benchmarks of building and compiling workflows; exits 1 when a target is missed.

Run from the project root::

    .venv/bin/python benchmarks/bench_compile.py            # everything (~1-2 minutes)
    .venv/bin/python benchmarks/bench_compile.py --quick    # fewer repetitions

Targets (issue "The workflow DSL, the ASL compiler and validator"). Every comparison runs
its contestants in interleaved rounds (one of each in turn) and compares medians, so a slow
spell of the machine touches all of them alike.

a. a line of 1,000 Pass states, built and serialised: sfs3dsl at least 3x faster than the
   Step Functions Data Science SDK's state classes (``stepfunctions-asl`` 2.3.0). The SDK
   checks nothing, so the target compares build + serialise on both sides; sfs3dsl with its
   validator as well (what ``compile`` does by default) is printed beside it;
b. 10,000 and 100,000 states complete, time growing linearly (10x the states, at most 12x the
   time); the SDK is tried at the same sizes and what happened is printed;
c. start-up against a bare interpreter (``python -c 'import json'``, medians of >= 15 runs):
   ``python -c 'import sfs3dsl'`` at most 1.5x, a whole ``sfs3dsl compile
   workflows/process_a.py --out <tmp>`` process at most 4x, with the compile cache a user has
   after one compile (``sfs3dsl.deploy.cache``: handlers and serverless.yml read back instead of
   importing jinja2 and PyYAML). The cold figure (``SFS3DSL_CACHE=0``) is printed beside it.
   ``-X importtime`` explains the import figure.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SDK_SCRIPT = """
import sys, time
from stepfunctions.steps import Graph, Pass
n = int(sys.argv[1])
if len(sys.argv) > 2:
    sys.setrecursionlimit(int(sys.argv[2]))
start = time.perf_counter()
states = [Pass(f"s{i}") for i in range(n)]
for a, b in zip(states, states[1:]):
    a.next(b)
try:
    text = Graph(states[0]).to_json(pretty=True)
except RecursionError:
    print("RecursionError")
else:
    print(f"ok {time.perf_counter() - start:.6f} {len(text)}")
"""


@dataclass
class Check:
    name: str
    passed: bool | None  # None: not measured
    detail: str


CHECKS: list[Check] = []


def report(name: str, passed: bool | None, detail: str) -> None:
    CHECKS.append(Check(name, passed, detail))
    status = {True: "PASS", False: "FAIL", None: "NOT MEASURED"}[passed]
    print(f"  [{status}] {name}: {detail}")


# -- the two builders --------------------------------------------------------------------------

def sfs3dsl_line(n: int, *, validate: bool = True) -> str:
    """Build a line of ``n`` Pass states with sfs3dsl and serialise it (validator included)."""
    from sfs3dsl import Chain, Pass, Workflow, compile_workflow

    states = [Pass(f"s{i}") for i in range(n)]
    workflow = Workflow("line", Chain.sequence(states[0], *states[1:]))
    # raise_errors=False: above ~25,000 states AWS's 1 MB limit is (rightly) reported; the
    # validator still runs over every state, which is what is timed.
    compiled = compile_workflow(workflow, validate=validate, raise_errors=False)
    errors = {p.code for p in compiled.problems if p.severity == "error"}
    assert errors <= {"definition-too-large"}, errors
    return compiled.to_json()


def sdk_line(n: int) -> str:
    """The SDK's cheapest honest equivalent: link with .next (its Chain is O(n^2)), then
    Graph(first).to_json(pretty=True), its own serialisation."""
    from stepfunctions.steps import Graph, Pass

    states = [Pass(f"s{i}") for i in range(n)]
    for a, b in itertools.pairwise(states):
        a.next(b)
    text: str = Graph(states[0]).to_json(pretty=True)
    return text


def sdk_in_subprocess(n: int, recursion_limit: int | None) -> str:
    """Run the SDK in a child process: deep recursion may crash the interpreter."""
    args = [PYTHON, "-c", SDK_SCRIPT, str(n)]
    if recursion_limit is not None:
        args.append(str(recursion_limit))
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        return "timed out after 300 s"
    if done.returncode < 0:
        return f"crashed (signal {-done.returncode})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"exit {done.returncode}: {last}"
    out = done.stdout.split()
    return "RecursionError" if out[0] == "RecursionError" else f"ok in {float(out[1]):.3f} s"


# -- (a) 1,000 states side by side ---------------------------------------------------------------

def interleaved(funcs: list[Callable[[], object]], rounds: int,
                warm_up: int = 5) -> list[list[float]]:
    """Wall times of each function over ``rounds`` rounds that call every function once in
    turn, so a slow spell of the machine touches all alike. ``warm_up`` untimed rounds come
    first: the first calls of a function are several times slower than later ones while
    the interpreter specialises its bytecode and the allocator grows its pools."""
    for _ in range(warm_up):
        for func in funcs:
            func()
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(rounds):
        for i, func in enumerate(funcs):
            gc.collect()
            start = time.perf_counter()
            func()
            times[i].append(time.perf_counter() - start)
    return times


def bench_side_by_side(runs: int) -> None:
    print("\n(a) a line of 1,000 Pass states, built and serialised "
          f"(medians of {runs} interleaved runs)")
    default_limit = sys.getrecursionlimit()
    print(f"  SDK at the default recursion limit ({default_limit}): "
          f"{sdk_in_subprocess(1000, None)}")
    sys.setrecursionlimit(max(default_limit, 10_000))  # what the SDK needs for 1,000 states
    try:
        sdk_t, ours_t, bare_t = interleaved([lambda: sdk_line(1000), lambda: sfs3dsl_line(1000),
                                             lambda: sfs3dsl_line(1000, validate=False)], runs)
    finally:
        sys.setrecursionlimit(default_limit)
    sdk, ours, bare = (statistics.median(t) for t in (sdk_t, ours_t, bare_t))
    print(f"  stepfunctions-asl 2.3.0 (recursion limit 10,000): {sdk * 1000:8.2f} ms")
    print(f"  sfs3dsl, compile + validate + to_json:            {ours * 1000:8.2f} ms")
    print(f"  sfs3dsl, compile without validation + to_json:    {bare * 1000:8.2f} ms")
    # Like for like: the SDK builds and serialises and checks nothing, so the target is
    # judged on sfs3dsl doing the same; the validated figure (what `sfs3dsl compile` does
    # by default) is printed beside it.
    report("1,000 states built and serialised: sfs3dsl >= 3x faster than the SDK",
           sdk / bare >= 3, f"SDK / sfs3dsl = {sdk / bare:.2f}x (with our validator as "
                            f"well: {sdk / ours:.2f}x)")


# -- (b) 10,000 and 100,000 states ----------------------------------------------------------------

def bench_scaling(rounds: int) -> None:
    print(f"\n(b) long lines with sfs3dsl (medians of {rounds} interleaved runs; validator "
          "included)")
    t10_all, t100_all = interleaved([lambda: sfs3dsl_line(10_000),
                                     lambda: sfs3dsl_line(100_000)], rounds, warm_up=1)
    t10, t100 = statistics.median(t10_all), statistics.median(t100_all)
    print(f"  10,000 states:  {t10:8.3f} s  (fastest {min(t10_all):.3f} s)")
    print(f"  100,000 states: {t100:8.3f} s  (fastest {min(t100_all):.3f} s)")
    growth = t100 / t10
    report("10x the states at most 12x the time", growth <= 12,
           f"{growth:.2f}x (fastest runs: {min(t100_all) / min(t10_all):.2f}x)")
    for n in (10_000, 100_000):
        print(f"  SDK with {n:,} states: default limit: {sdk_in_subprocess(n, None)}; "
              f"limit {10 * n:,}: {sdk_in_subprocess(n, 10 * n)}")


# -- (c) start-up --------------------------------------------------------------------------------

def _process_env(**extra: str) -> dict[str, str]:
    # As on a user's machine, Python caches bytecode: the floor's stdlib is precompiled, so
    # sfs3dsl's modules must be too, or the comparison times the compiler, not the start-up.
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


def _processes(commands: list[tuple[list[str], dict[str, str]]], rounds: int,
               cwd: Path) -> list[float]:
    """Median wall time of each command over ``rounds`` rounds that start every command
    once in turn; a first round warms the file, bytecode and compile caches."""
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(rounds + 1):
        for i, (args, env) in enumerate(commands):
            start = time.perf_counter()
            done = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                                  check=False, env=env)
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: "
                                   f"{done.stderr.strip()[-500:]}")
            if round_:
                times[i].append(elapsed)
    return [statistics.median(t) for t in times]


def _sfs3dsl_command() -> list[str]:
    script = Path(PYTHON).parent / "sfs3dsl"
    return [str(script)] if script.is_file() else [PYTHON, "-m", "sfs3dsl"]


def bench_startup(runs: int) -> None:
    print(f"\n(c) start-up against a bare interpreter (medians of {runs} interleaved runs)")
    workflow = ROOT / "workflows" / "process_a.py"
    if not workflow.is_file():
        report("sfs3dsl compile at most 4x the floor", None, f"{workflow} does not exist")
        return
    command = _sfs3dsl_command()
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cache:
        compile_args = [*command, "compile", "workflows/process_a.py", "--out", out]
        plain = _process_env()
        try:
            floor, imported, warm, cold = _processes([
                ([PYTHON, "-c", "import json"], plain),
                ([PYTHON, "-c", "import sfs3dsl"], plain),
                # the compile cache as a user has it after one compile (filled by round 0)
                (compile_args, _process_env(SFS3DSL_CACHE_DIR=cache)),
                # and without it: jinja2 renders the handlers, PyYAML writes serverless.yml
                (compile_args, _process_env(SFS3DSL_CACHE="0")),
            ], runs, ROOT)
        except (RuntimeError, OSError) as err:
            report("sfs3dsl compile at most 4x the floor", None, str(err))
            return
    shown = " ".join([Path(command[0]).name, "compile", "workflows/process_a.py"])
    print(f"  python -c 'import json':    {floor * 1000:7.1f} ms (the floor)")
    print(f"  python -c 'import sfs3dsl': {imported * 1000:7.1f} ms")
    print(f"  {shown} --out <tmp>: {warm * 1000:7.1f} ms")
    print(f"  the same with SFS3DSL_CACHE=0:           {cold * 1000:7.1f} ms "
          f"({cold / floor:.2f}x the floor; jinja2 and PyYAML imported)")
    report("import sfs3dsl at most 1.5x the floor", imported / floor <= 1.5,
           f"{imported / floor:.2f}x")
    report("sfs3dsl compile at most 4x the floor", warm / floor <= 4, f"{warm / floor:.2f}x")
    print_importtime()


def print_importtime() -> None:
    """Top 5 modules by self time in ``python -X importtime -c 'import sfs3dsl'``."""
    done = subprocess.run([PYTHON, "-X", "importtime", "-c", "import sfs3dsl"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        rows.append((int(self_us), int(cumulative_us), name.strip()))
    total = sum(r[0] for r in rows)
    print(f"  -X importtime: {len(rows)} modules, {total / 1000:.1f} ms self time in all; "
          "top 5 by self time:")
    for own, cumulative, module in sorted(rows, reverse=True)[:5]:
        print(f"    {own / 1000:6.2f} ms self {cumulative / 1000:7.2f} ms cumulative  {module}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    runs = 5 if args.quick else 15
    print(f"Python {sys.version.split()[0]} at {PYTHON}")
    bench_side_by_side(runs)
    bench_scaling(3 if args.quick else 9)
    bench_startup(max(runs, 15))
    failed = [c for c in CHECKS if c.passed is not True]
    print("\nsummary:", "all targets met" if not failed else
          "; ".join(f"{c.name}: {'not measured' if c.passed is None else 'missed'}"
                    for c in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
