"""How long a generated side-car handler takes to import, against ``import boto3`` alone.

Each figure comes from ``python -X importtime`` in a fresh interpreter: the cumulative
microseconds of the top-level imports the statement makes (interpreter start-up, i.e. what
an empty program imports, left out), median of ``--runs`` interleaved runs. The target:
a handler costs at most 1.1x boto3, i.e. importing it never imports the sfs3dsl model,
click or jinja2. The headline ratio (through ``_report.report()``) is the handler's
import time added to boto3's in one interpreter, which the machine's load cannot move
between two processes; the ratio across two interpreters is printed beside it.

Both run on a wheel install of sfs3dsl in a temp venv (``_wheel.py``), as on Lambda, where
``sfs3dsl_runtime`` is an installed package: the development venv's editable install adds
setuptools' path finder to every import. The generated handlers are copied to a temp
folder (with ``workflows/``, the user's step code they call) put on ``PYTHONPATH``, so
``sfs3dsl_runtime`` comes from the wheel, not the worktree.

    .venv/bin/python benchmarks/bench_handler_import.py [--runs 15] [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import report
from _wheel import check_not_editable, wheel_install

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.10
HANDLER = "generated.process-a.handlers.step_b"
FORBIDDEN = ("sfs3dsl", "click", "jinja2")


class Where:
    """The interpreter (the wheel venv's) and the folder holding ``generated/``."""

    python = sys.executable
    handlers = str(REPO)


def _env() -> dict[str, str]:
    # Lambda runs from cached bytecode; so must both sides of the comparison.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = Where.handlers
    return env


def _import_log(statement: str) -> str:
    done = subprocess.run([Where.python, "-X", "importtime", "-c", statement],
                          cwd=Where.handlers, env=_env(), capture_output=True,
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


def measure(runs: int) -> bool:
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
    print(f"handler after boto3 in one interpreter: +{statistics.median(added) / 1000:.1f} ms")
    print(f"sfs3dsl model / click / jinja2 imported: {leaked or 'none'}")
    ok = report("handler_import.vs_boto3", statistics.median(ratios), target=TARGET,
                better="lower", peer="import boto3",
                what=f"import of the generated handler {HANDLER} after boto3 in one "
                     "interpreter (-X importtime), wheel install; medians of "
                     f"{runs} runs")
    if leaked:
        print(f"MISSED: the handler imports {', '.join(leaked)}")
    return ok and not leaked


def main() -> int:
    parser = argparse.ArgumentParser(description="handler import time vs boto3")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="7 runs")
    args = parser.parse_args()
    runs = 7 if args.quick else args.runs
    with wheel_install() as bin_dir, tempfile.TemporaryDirectory() as handlers:
        for folder in ("generated", "workflows"):  # the handler and the user's step code
            shutil.copytree(REPO / folder, Path(handlers) / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
        Where.python, Where.handlers = str(bin_dir / "python"), handlers
        print(f"sfs3dsl_runtime and sfs3dsl from the wheel: "
              f"{check_not_editable(bin_dir / 'python')}")
        return 0 if measure(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
