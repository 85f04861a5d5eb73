"""The ``sfs3dsl`` command line: thin commands that parse, call the library and print.

Library errors become one-line messages in one place (:class:`~sfs3dsl.cli.group._Group`);
heavy modules are imported inside the commands that need them, so ``sfs3dsl --help`` starts
fast. One module per kind of work registers its commands on the group: ``build``
(compile, validate), ``local`` (run, test-state), ``review`` (diff, graph, import) and
``service`` (serve, start, wait, send-task-*).
"""

from __future__ import annotations

from collections.abc import Sequence

from sfs3dsl.cli import build, local, review, service
from sfs3dsl.cli.group import cli

__all__ = ["build", "cli", "local", "main", "review", "service"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``sfs3dsl`` command and ``python -m sfs3dsl``."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="sfs3dsl")
