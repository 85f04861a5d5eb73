"""How long a generated side-car handler takes to import, against ``import boto3`` alone.

Each figure comes from ``python -X importtime`` in a fresh interpreter: the cumulative
microseconds of the top-level imports the statement makes (interpreter start-up, i.e. what
an empty program imports, left out), median of ``--runs`` interleaved runs. The target:
a handler costs at most 1.1x boto3, i.e. importing it never imports the sfs3dsl model,
click or jinja2.

    .venv/bin/python benchmarks/bench_handler_import.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HANDLER = "generated.process-a.handlers.step_b"
FORBIDDEN = ("sfs3dsl", "click", "jinja2")


def _env() -> dict[str, str]:
    # Lambda runs from cached bytecode; so must both sides of the comparison.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    return env


def _import_log(statement: str) -> str:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], cwd=REPO,
                          env=_env(), capture_output=True,
                          text=True, check=True)
    return done.stderr


def _top_level(log: str) -> dict[str, int]:
    """``{module: cumulative µs}`` of the imports not made by another import."""
    out: dict[str, int] = {}
    for line in log.splitlines():
        fields = line.split("|")
        if len(fields) == 3 and fields[1].strip().isdigit():
            name = fields[2]
            if name.startswith(" ") and not name.startswith("  "):
                out[name.strip()] = int(fields[1])
    return out


def _cost(statement: str, startup: set[str]) -> tuple[int, set[str]]:
    log = _import_log(statement)
    own = {m: us for m, us in _top_level(log).items() if m not in startup}
    modules = {line.split("|")[2].strip() for line in log.splitlines() if line.count("|") == 2}
    return sum(own.values()), modules


def main() -> None:
    parser = argparse.ArgumentParser(description="handler import time vs boto3")
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    startup = set(_top_level(_import_log("pass"))) | {"importlib"}
    boto_runs: list[int] = []
    handler_runs: list[int] = []
    modules: set[str] = set()
    for _ in range(runs):  # interleaved, so a busy machine slows both alike
        boto_runs.append(_cost("import boto3", startup)[0])
        us, modules = _cost(f"import importlib; importlib.import_module({HANDLER!r})", startup)
        handler_runs.append(us)
    boto, handler = statistics.median(boto_runs), statistics.median(handler_runs)
    # what the handler adds once boto3 is loaded: immune to the machine's load drifting
    # between two interpreters, since both figures come from the same one
    added: list[int] = []
    ratios: list[float] = []
    for _ in range(runs):
        log = _import_log(f"import boto3; import importlib; importlib.import_module({HANDLER!r})")
        top = list(_top_level(log).items())
        names = [m for m, _ in top]
        at = names.index("boto3")
        extra = sum(us for m, us in top[at + 1:] if m != "importlib")
        added.append(extra)
        ratios.append((top[at][1] + extra) / top[at][1])
    leaked = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)
    print(f"import boto3:   {boto / 1000:7.1f} ms (median of {runs})")
    print(f"import handler: {handler / 1000:7.1f} ms ({HANDLER})")
    print(f"ratio:          {handler / boto:7.2f}x (two interpreters: noisy on a busy machine)")
    print(f"handler after boto3 in one interpreter: +{statistics.median(added) / 1000:.1f} ms, "
          f"ratio {statistics.median(ratios):.3f}x (target <= 1.10)")
    print(f"sfs3dsl model / click / jinja2 imported: {leaked or 'none'}")


if __name__ == "__main__":
    main()
