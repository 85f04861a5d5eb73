"""Find and read the shared test data (``/work/shared`` beside the clone at ``/work/main``).

Used by the validator's tests and by anyone else who needs the corpus::

    from corpus import execution_cases, lint_fixtures, real_world_definitions, shared_dir
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def shared_dir() -> Path:
    """``shared/`` beside the project root (tests/ -> project -> its parent)."""
    return Path(__file__).resolve().parents[2] / "shared"


def corpus_dir() -> Path:
    return shared_dir() / "corpus"


@dataclass(frozen=True)
class LintFixture:
    """One statelint fixture and what EXPECTED.json says of it."""

    file: str
    definition: dict[str, Any]
    valid: bool
    message_fragments: tuple[str, ...]
    why: tuple[str, ...]


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def lint_fixtures() -> tuple[LintFixture, ...]:
    """Every fixture of ``corpus/lint`` with its expectation, in EXPECTED.json's order."""
    folder = corpus_dir() / "lint"
    expected = _read(folder / "EXPECTED.json")["fixtures"]
    return tuple(
        LintFixture(item["file"], _read(folder / item["file"]), bool(item["valid"]),
                    tuple(item["message_fragments"]), tuple(item["why"]))
        for item in expected
    )


@functools.cache
def real_world_definitions() -> tuple[tuple[str, dict[str, Any]], ...]:
    """``(file name, definition)`` for every ``corpus/real-world/*.json``, sorted by name."""
    folder = corpus_dir() / "real-world"
    return tuple((p.name, _read(p)) for p in sorted(folder.glob("*.json")))


@functools.cache
def execution_cases() -> tuple[dict[str, Any], ...]:
    """The cases of ``corpus/executions.json`` (definition, input, status, output, ...)."""
    cases: list[dict[str, Any]] = _read(corpus_dir() / "executions.json")["cases"]
    return tuple(cases)
