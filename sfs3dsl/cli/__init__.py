"""The ``sfs3dsl`` command line: thin commands that parse, call the library and print.

Library errors become one-line messages in one place (:class:`~sfs3dsl.cli.group._Group`).
Start-up is kept short, since ``sfs3dsl compile`` runs in editors' save hooks and
pre-commit: heavy modules are imported inside the commands that need them, and the group
imports only the module of the command that runs (``sfs3dsl --help`` imports none). One
module per kind of work holds the commands: ``build`` (compile, validate), ``local`` (run,
test-state), ``review`` (diff, graph, import) and ``service`` (serve, start, wait,
send-task-*). ``cli`` itself is loaded on first use (PEP 562), so that :func:`entry`, the
process's entry point, pauses the garbage collector before click is imported.
"""

from __future__ import annotations

import atexit
import gc
import sys

#: True for type checkers only, as in ``sfs3dsl/__init__.py``: ``typing`` is then first
#: imported with click, while :func:`entry` keeps the garbage collector paused.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from sfs3dsl.cli.group import cli as cli

__all__ = ["build", "cli", "entry", "local", "main", "review", "service"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line ``argv`` (default: the process's); ends in ``SystemExit``.

    Safe to call in a running program (tests do): it changes nothing process-wide.
    """
    from sfs3dsl.cli.group import cli

    cli.main(args=list(argv) if argv is not None else None, prog_name="sfs3dsl")


def entry() -> None:
    """The ``sfs3dsl`` process: the console script and ``python -m sfs3dsl``.

    :func:`main`, plus two savings only a process that ends with its command may make;
    neither frees less than the collector would have (``sfs3dsl.core.gcpause`` says why
    collections during a build find nothing):

    - click and the group are imported with the cyclic garbage collector paused, then
      frozen (``gc.freeze()``): they live until exit, so no collection ever walks them
      again. A start-up allocates tens of thousands of such objects; without this the
      collector, triggered by allocation counts, walks them over and over (~2-4 ms of a
      ``compile``);
    - a process running a pure build (``compile``, ``validate``: their callbacks pause the
      collector anyway) keeps it paused to the end: turning it back on when the build
      returns would only walk, once, everything the build allocated (~0.7 ms) before exit;
    - at exit the interpreter's last collections walk every object once more (~8 ms after
      a compile); ``gc.freeze()``, registered with ``atexit``, moves them out of sight
      first. Exit handlers still run and streams are still flushed; what is skipped is
      ``__del__`` of objects in reference cycles, which Python does not promise to run at
      exit anyway (sfs3dsl closes its files with ``with`` blocks).
    """
    running = gc.isenabled()
    gc.disable()
    from sfs3dsl.cli.group import COMMANDS, command_of  # click and the group, for main()

    gc.freeze()
    command = COMMANDS.get(command_of(sys.argv[1:]) or "")
    if running and not (command is not None and command.build):
        gc.enable()
    atexit.register(gc.freeze)
    main()


def __getattr__(name: str) -> Any:
    """``cli``, the click group, loaded on first use (it imports click)."""
    if name == "cli":
        from sfs3dsl.cli.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
