"""A problem found in a definition: the unit of every validation report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a definition.

    Attributes:
        code: a stable, kebab-case identifier such as ``dangling-target``.
        path: where in the definition, e.g. ``States.Flaky.Retry[0].ErrorEquals``.
        message: what is wrong, in one sentence.
        hint: how to fix it.
        severity: ``error`` makes a definition invalid; ``warning`` does not.
        state: the state's name, when the problem belongs to a state.
        where: the Python ``file:line`` where that state was defined, when known.

    Example:
        >>> Problem("dangling-target", "States.A.Next", "Next names 'B', which does not exist",
        ...         "add a state 'B' or point Next at an existing state").render()
        "States.A.Next: error[dangling-target]: Next names 'B', which does not exist; fix: ..."
    """

    code: str
    path: str
    message: str
    hint: str
    severity: Severity = "error"
    state: str | None = None
    where: str | None = None

    def render(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return (f"{prefix}{self.path}: {self.severity}[{self.code}]: {self.message}; "
                f"fix: {self.hint}")

    def to_json(self) -> dict[str, str | None]:
        return {"code": self.code, "severity": self.severity, "path": self.path,
                "state": self.state, "where": self.where, "message": self.message,
                "hint": self.hint}
