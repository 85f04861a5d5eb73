"""The one way a benchmark states a ratio against its target.

Every benchmark script calls `report()` for each headline ratio. It prints one readable line
and, when `SFS3DSL_BENCH_RESULTS` names a file, appends the same facts to it as one JSON line,
so `benchmarks/run_all.py` can print a single table of every ratio with its target.
"""

from __future__ import annotations

import json
import os
from typing import Literal

RESULTS_ENV = "SFS3DSL_BENCH_RESULTS"


def report(
    name: str,
    value: float,
    *,
    target: float,
    better: Literal["higher", "lower"],
    peer: str,
    what: str,
) -> bool:
    """Print one ratio and whether it meets its target; return True when it does.

    `name` is short and stable (it is the row of the run_all table), `peer` names what the
    ratio is taken against (another tool, a floor, the same code at a smaller size), and
    `what` says what was measured, including what the command does (e.g. "validator on").
    """
    ok = value >= target if better == "higher" else value <= target
    op = ">=" if better == "higher" else "<="
    print(f"ratio {name}: {value:.2f}x vs {peer} (target {op} {target:g}x) "
          f"{'ok' if ok else 'MISSED'}")
    path = os.environ.get(RESULTS_ENV)
    if path:
        row = {"name": name, "value": value, "target": target, "better": better,
               "peer": peer, "what": what, "ok": ok}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")
    return ok
