"""The exceptions sfs3dsl raises.

The tree::

    Sfs3dslError                  every error of this library
    +-- BuildError                a workflow is built wrongly (raised in the constructor,
    |                             names the state, the problem, the user's file:line, a fix)
    +-- ValidationError           a definition has problems (carries every Problem at once)
    +-- LoadError                 a workflow module or ASL file cannot be read
    |   +-- ParseError            ... because it is not valid Python, JSON or YAML
    +-- MissingDependencyError    an optional package or program is not installed
    +-- ExecutionError            the local runner cannot run a definition

Each error renders as text a person reads: ``file.py:12: state 'X': what; fix``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sfs3dsl.core.problems import Problem


class Sfs3dslError(Exception):
    """Base class of every error raised by sfs3dsl."""


class BuildError(Sfs3dslError):
    """A workflow was built wrongly; raised where the mistake is made.

    Example:
        >>> Wait("w")  # neither seconds nor timestamp
        Traceback (most recent call last):
        BuildError: flow.py:3: state 'w': a Wait needs exactly one of ...; fix: pass seconds=10
    """

    def __init__(self, message: str, *, state: str | None = None, where: str | None = None,
                 hint: str | None = None) -> None:
        self.message = message
        self.state = state
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        parts: list[str] = []
        if self.where:
            parts.append(f"{self.where}: ")
        if self.state is not None:
            parts.append(f"state {self.state!r}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f"; fix: {self.hint}")
        return "".join(parts)


class DeploymentOptionError(BuildError):
    """Deployment options (``Workflow(deployment=...)``, ``SideCar(serverless=...)``) given
    wrongly; ``sfs3dsl validate`` labels it ``deployment-option``."""


class ValidationError(Sfs3dslError):
    """A definition has one or more problems; ``problems`` holds all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = [p.render() for p in self.problems]
        super().__init__(f"{len(lines)} problem(s):\n" + "\n".join(lines))


class _Hinted(Sfs3dslError):
    """An error with a message and, apart from it, how to fix it.

    Args:
        message: what is wrong, naming the file (and line, when known).
        hint: how to fix it; rendered after the message as ``; fix: <hint>``.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message}; fix: {hint}" if hint else message)


class LoadError(_Hinted):
    """A workflow module or an ASL file could not be loaded."""


class ParseError(LoadError):
    """A file is not valid Python, JSON or YAML, or not an ASL document's shape."""


class MissingDependencyError(_Hinted):
    """An optional package (an extra of sfs3dsl) or an external program is missing."""


class ExecutionError(Sfs3dslError):
    """The local runner cannot run a definition (not a failed execution)."""
