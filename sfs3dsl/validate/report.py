"""Where problems are collected: a report for the whole definition, a context per state."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from sfs3dsl.core.problems import Problem, Severity
from sfs3dsl.syntax.asl import QUERY_LANGUAGES

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


class Report:
    """Every problem found so far, and the source map used to fill in ``where``."""

    __slots__ = ("problems", "sources")

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self.problems: list[Problem] = []

    def add(self, code: str, path: str, message: str, hint: str, *,
            severity: Severity = "error", state: str | None = None,
            state_path: str | None = None) -> None:
        where = self.sources.get(state_path) if state_path is not None else None
        self.problems.append(Problem(code, path, message, hint, severity, state, where))

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=sort_key)


# Machine and State are plain classes with __slots__, not dataclasses: a frozen dataclass
# with __post_init__ costs several times a plain __init__.
class Machine:
    """A state machine, a Parallel branch or a Map processor.

    Attributes:
        path: its path in the document (``""`` at top level, ``States.P.Branches[0]``).
        body: its JSON object.
        language: the query language its states inherit: always the top level's (a state's
            QueryLanguage applies to that state only, not to the states of its branches).
        owner: the name of the Parallel or Map state that holds it (None at top level).
        names, bodies: its states that are objects, in document order (filled in by the
            walk). Kept as names and bodies, not States: a State is made only while a state
            is checked, so a large definition does not keep one object per state alive.
        plain: True when its "States" object is a dict of string names and object states
            (as in JSON): its names are then unique.
    """

    __slots__ = ("bodies", "body", "language", "names", "owner", "path", "plain", "prefix")

    def __init__(self, path: str, body: Mapping[str, Any], language: str,
                 owner: str | None) -> None:
        self.path = path
        self.body = body
        self.language = language
        self.owner = owner
        self.names: list[str] = []
        self.bodies: list[Mapping[str, Any]] = []
        self.plain = False
        self.prefix = f"{path}.States." if path else "States."  # see state_path

    def state_path(self, name: object) -> str:
        """``States.A`` or ``States.P.Branches[0].States.A``: field_path without a call."""
        return f"{self.prefix}{name}"

    def state(self, name: str, body: Mapping[str, Any], report: Report) -> State:
        """The context of one of its states, for checking it or reporting about it."""
        language = body.get("QueryLanguage")
        if language is None or language not in QUERY_LANGUAGES:
            language = self.language  # a state without a valid QueryLanguage inherits
        return State(name, f"{self.prefix}{name}", body, language, self, report)


class State:
    """One state being checked, with what every check needs to report about it.

    Attributes:
        type: the state's Type when it is a string, else ``""``.
        jsonata: True when the state uses JSONata.
    """

    __slots__ = ("body", "jsonata", "language", "machine", "name", "path", "report", "type")

    def __init__(self, name: str, path: str, body: Mapping[str, Any], language: str,
                 machine: Machine, report: Report) -> None:
        self.name = name
        self.path = path
        self.body = body
        self.language = language
        self.machine = machine
        self.report = report
        kind = body.get("Type")
        self.type: str = kind if isinstance(kind, str) else ""
        self.jsonata: bool = language == "JSONata"

    def problem(self, code: str, suffix: str, message: str, hint: str, *,
                severity: Severity = "error") -> None:
        """Report a problem at ``suffix`` (a field, e.g. ``Retry[0].ErrorEquals``)."""
        self.report.add(code, field_path(self.path, suffix), message, hint,
                        severity=severity, state=self.name, state_path=self.path)


def finds_anything(check: Callable[[State], object], body: Mapping[Any, Any],
                   language: str) -> bool:
    """Whether ``check`` reports anything about a stand-in state with this body.

    For checks that read only the names of fields (and the type): their verdict for one
    shape of state (or of rule) holds for every state of that shape, so it is worked out
    once, on a stand-in, and the check is called again only on shapes it finds fault with.
    """
    report = Report({})
    check(State("", "", body, language, Machine("", {}, language, None), report))
    return bool(report.problems)
