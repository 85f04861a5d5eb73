"""The review commands' plumbing: which definitions to compare, and how to print a diff."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sfs3dsl.deploy.artifacts import ASL_FILE
from sfs3dsl.project.load import run_git
from sfs3dsl.review.diff import Diff, diff_definitions

EMPTY: Mapping[str, Any] = {"StartAt": "", "States": {}}


def _git(*args: str) -> str:
    return run_git(*args, failure=f"git {' '.join(args)}")


def _generated_at(rev: str, folder: Path) -> dict[str, dict[str, Any]]:
    listing = _git("ls-tree", "-r", "--name-only", rev, "--", f"{folder.as_posix()}/")
    found: dict[str, dict[str, Any]] = {}
    for line in listing.splitlines():
        path = Path(line)
        if path.name == ASL_FILE and path.parent.parent == folder:
            found[path.parent.name] = json.loads(_git("show", f"{rev}:{line}"))
    return found


def _generated_now(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob(f"*/{ASL_FILE}"))}


def diff_since(rev: str, folder: Path) -> list[tuple[str, Diff, dict[str, Any]]]:
    """Every workflow under ``folder`` compared with the same folder at ``rev``.

    A workflow added since ``rev`` is compared with an empty machine, a removed one the
    other way round, so both show up state by state.
    """
    old = _generated_at(rev, folder)
    new = _generated_now(folder)
    results = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, EMPTY), new.get(name, EMPTY)
        results.append((name, diff_definitions(before, after), dict(after)))
    return results
