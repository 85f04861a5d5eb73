"""The ``sfs3dsl`` command line: thin commands that parse, call the library and print.

Library errors become one-line messages in one place (:class:`~sfs3dsl.cli.group._Group`).
Start-up is kept short, since ``sfs3dsl compile`` runs in editors' save hooks and
pre-commit: heavy modules are imported inside the commands that need them, and the group
imports only the module of the command that runs (``sfs3dsl --help`` imports none). One
module per kind of work holds the commands: ``build`` (compile, validate), ``local`` (run,
test-state), ``review`` (diff, graph, import) and ``service`` (serve, start, wait,
send-task-*). ``cli`` itself is loaded on first use (PEP 562), so that :func:`main` pauses
the garbage collector before click is imported.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sfs3dsl.cli.group import cli as cli

__all__ = ["build", "cli", "local", "main", "review", "service"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``sfs3dsl`` command and ``python -m sfs3dsl``.

    Two costs of a short process are skipped, neither of which frees anything:

    - the cyclic garbage collector is paused while click and the group are imported (the
      commands that build, ``compile`` and ``validate``, keep it paused while they run, as
      the library does for every pure build: ``sfs3dsl.core.gcpause`` says why). A start-up
      allocates tens of thousands of objects (modules, classes, functions) that live until
      the process ends; the collector, triggered by allocation counts, keeps walking them;
    - at exit, the interpreter's last collections walk every object again (~8 ms after a
      compile). ``gc.freeze()``, registered with ``atexit``, moves them out of the
      collector's sight first. Exit handlers still run and streams are still flushed; what
      is skipped is ``__del__`` of objects in reference cycles, which Python does not
      promise to run at exit anyway (and which sfs3dsl does not rely on: files are closed
      by ``with`` blocks).
    """
    _freeze_at_exit()
    running = gc.isenabled()
    gc.disable()
    try:
        from sfs3dsl.cli.group import cli
    finally:
        if running:
            gc.enable()
    cli.main(args=list(argv) if argv is not None else None, prog_name="sfs3dsl")


_FREEZE_REGISTERED: list[bool] = []


def _freeze_at_exit() -> None:
    """Register ``gc.freeze`` to run at exit, once per process (see :func:`main`)."""
    if not _FREEZE_REGISTERED:
        _FREEZE_REGISTERED.append(True)
        atexit.register(gc.freeze)


def __getattr__(name: str) -> Any:
    """``cli``, the click group, loaded on first use (it imports click)."""
    if name == "cli":
        from sfs3dsl.cli.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
