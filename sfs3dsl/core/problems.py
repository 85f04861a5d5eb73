"""A problem found in a definition: the unit of every validation report."""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning"]


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

    # A plain class, not a dataclass: importing dataclasses pulls in inspect, which would
    # double the cost of `import sfs3dsl` (see benchmarks/bench_compile.py).
    __slots__ = ("code", "hint", "message", "path", "severity", "state", "where")

    def __init__(self, code: str, path: str, message: str, hint: str,
                 severity: Severity = "error", state: str | None = None,
                 where: str | None = None) -> None:
        self.code = code
        self.path = path
        self.message = message
        self.hint = hint
        self.severity: Severity = severity
        self.state = state
        self.where = where

    def _key(self) -> tuple[str, str, str, str, str, str | None, str | None]:
        return (self.code, self.path, self.message, self.hint, self.severity, self.state,
                self.where)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Problem(code={self.code!r}, path={self.path!r}, message={self.message!r}, "
                f"hint={self.hint!r}, severity={self.severity!r}, state={self.state!r}, "
                f"where={self.where!r})")

    def replace(self, **changes: str | None) -> Problem:
        """A copy with some fields changed (``Problem`` is treated as immutable)."""
        fields = {"code": self.code, "path": self.path, "message": self.message,
                  "hint": self.hint, "severity": self.severity, "state": self.state,
                  "where": self.where}
        fields.update(changes)
        return Problem(**fields)  # type: ignore[arg-type]

    def render(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return (f"{prefix}{self.path}: {self.severity}[{self.code}]: {self.message}; "
                f"fix: {self.hint}")

    def to_json(self) -> dict[str, str | None]:
        return {"code": self.code, "severity": self.severity, "path": self.path,
                "state": self.state, "where": self.where, "message": self.message,
                "hint": self.hint}
