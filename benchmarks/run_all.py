"""Run every ``benchmarks/bench_*.py`` and print one table of every ratio with its target.

Run from the project root::

    .venv/bin/python benchmarks/run_all.py            # every benchmark (~10 minutes)
    .venv/bin/python benchmarks/run_all.py --quick    # passes --quick to each script

Each script runs in its own process, one after the other (never two at once: they would
time each other), with ``SFS3DSL_BENCH_RESULTS`` naming a temp file to which
``_report.report()`` appends one JSON row per ratio. The table lists each ratio, its target,
the peer it is taken against, ok or MISSED, and what was measured. A script that exits
non-zero without reporting a miss, or reports no ratio at all, is listed as failed. Exit 1
when any target is missed or any script failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import RESULTS_ENV

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_script(script: Path, quick: bool, results: Path) -> tuple[int, float, int, str]:
    """Run one script; return its exit code, wall seconds, ratios reported, last output."""
    before = _rows(results)
    env = dict(os.environ)
    env[RESULTS_ENV] = str(results)
    args = [sys.executable, str(script)] + (["--quick"] if quick else [])
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    # what to show for a failed script: its traceback's last line, else its last words
    errors = done.stderr.strip().splitlines()
    tail = errors[-1] if errors and done.stderr.lstrip().startswith("Traceback") else \
        (done.stdout.strip().splitlines() or [""])[-1]
    return done.returncode, elapsed, len(_rows(results)) - len(before), tail


def _rows(results: Path) -> list[dict[str, object]]:
    if not results.exists():
        return []
    return [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _table(rows: list[dict[str, object]]) -> list[str]:
    heads = ("ratio", "value", "target", "peer", "", "what was measured")
    body = []
    for row in rows:
        value = float(str(row["value"]))
        op = ">=" if row["better"] == "higher" else "<="
        shown = f"{value:.2f}" if value >= 0.1 or math.isnan(value) else f"{value:.2g}"
        body.append((str(row["name"]), f"{shown}x", f"{op} {float(str(row['target'])):g}x",
                     str(row["peer"]), "ok" if row["ok"] else "MISSED", str(row["what"])))
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(heads[:-1])]
    lines = []
    for cells in (heads, *body):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False))
                     + "  " + cells[-1])
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every script")
    args = parser.parse_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sfs3dsl-bench-") as tmp:
        results = Path(tmp) / "results.jsonl"
        for script in scripts:
            print(f"\n===== {script.name}{' --quick' if args.quick else ''}", flush=True)
            code, seconds, reported, tail = run_script(script, args.quick, results)
            missed = [r for r in _rows(results)[-reported:] if not r["ok"]] if reported else []
            print(f"----- {script.name}: exit {code} in {seconds:.0f} s, {reported} ratios")
            if reported == 0:
                failed.append(f"{script.name} reported no ratio (exit {code}) {tail}".rstrip())
            elif code != 0 and not missed:
                failed.append(f"{script.name} exited {code}: {tail}")
        rows = _rows(results)
    print("\n" + "\n".join(_table(rows)))
    missed_names = [str(r["name"]) for r in rows if not r["ok"]]
    print(f"\n{len(rows)} ratios, {len(rows) - len(missed_names)} ok, "
          f"{len(missed_names)} missed; {len(scripts)} scripts, {len(failed)} failed")
    for line in failed:
        print(f"FAILED: {line}")
    return 1 if missed_names or failed else 0


if __name__ == "__main__":
    sys.exit(main())
