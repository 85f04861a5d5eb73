"""Where problems are collected: a report for the whole definition, a context per state."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sfs3dsl._problems import Problem, Severity

_NUMBER: Final = re.compile(r"(\d+)")
#: The path of a problem of the whole document, and of the state machine's name.
DOCUMENT: Final = "(definition)"
NAME: Final = "(name)"


def field_path(base: str, suffix: str) -> str:
    """Join a document path and a field suffix: ``States.A`` + ``Retry[0]``."""
    if not suffix:
        return base
    if not base:
        return suffix
    return base + suffix if suffix.startswith("[") else f"{base}.{suffix}"


def sort_key(problem: Problem) -> tuple[Any, ...]:
    """Natural order of paths (``Retry[2]`` before ``Retry[10]``), then code and text."""
    parts = tuple(int(p) if p.isdigit() else p for p in _NUMBER.split(problem.path))
    rank = 0 if problem.severity == "error" else 1
    return (parts, rank, problem.code, problem.message)


@dataclass
class Report:
    """Every problem found so far, and the source map used to fill in ``where``."""

    sources: Mapping[str, str]
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, path: str, message: str, hint: str, *,
            severity: Severity = "error", state: str | None = None,
            state_path: str | None = None) -> None:
        where = self.sources.get(state_path) if state_path is not None else None
        self.problems.append(Problem(code, path, message, hint, severity, state, where))

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=sort_key)


@dataclass(frozen=True, slots=True)
class Machine:
    """A state machine, a Parallel branch or a Map processor.

    Attributes:
        path: its path in the document (``""`` at top level, ``States.P.Branches[0]``).
        body: its JSON object.
        language: the query language its states inherit: always the top level's (a state's
            QueryLanguage applies to that state only, not to the states of its branches).
        owner: the name of the Parallel or Map state that holds it (None at top level).
    """

    path: str
    body: Mapping[str, Any]
    language: str
    owner: str | None

    def state_path(self, name: str) -> str:
        return field_path(self.path, f"States.{name}")


@dataclass(frozen=True, slots=True)
class State:
    """One state being checked, with what every check needs to report about it."""

    name: str
    path: str
    body: Mapping[str, Any]
    language: str
    machine: Machine
    report: Report
    type: str = field(init=False)
    jsonata: bool = field(init=False)

    def __post_init__(self) -> None:
        kind = self.body.get("Type")
        object.__setattr__(self, "type", kind if isinstance(kind, str) else "")
        object.__setattr__(self, "jsonata", self.language == "JSONata")

    def problem(self, code: str, suffix: str, message: str, hint: str, *,
                severity: Severity = "error") -> None:
        """Report a problem at ``suffix`` (a field, e.g. ``Retry[0].ErrorEquals``)."""
        self.report.add(code, field_path(self.path, suffix), message, hint,
                        severity=severity, state=self.name, state_path=self.path)
