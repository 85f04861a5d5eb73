"""The ``sfs3dsl`` group: exit codes, every error turned into one line in one place, and
the commands loaded only when they run.

Library errors keep their text; a missing optional package names the extra; a file that
cannot be read or written names the file; anything else is a bug, reported in one line.
The commands live beside this module, one module per kind of work; :data:`COMMANDS` names
them, so a process imports the module of the one command it runs and ``sfs3dsl --help``
lists them all without importing any (``tests/test_cli_commands.py`` checks the table
against the commands themselves).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any, NamedTuple

import click

from sfs3dsl.core.errors import (
    LoadError,
    MissingDependencyError,
    Sfs3dslError,
)

EXIT_PROBLEMS = 1

EXIT_USAGE = 2

#: A bug in sfs3dsl itself: reported in one line (``SFS3DSL_DEBUG=1`` shows the traceback).
EXIT_INTERNAL = 3

#: Ctrl-C, as shells report a process ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130

#: Optional packages -> the extra of sfs3dsl that installs them.
_EXTRAS = {"moto": "local", "werkzeug": "local", "responses": "local", "xmltodict": "local",
           "stepfunctions": "sdk"}

def _paths(values: Sequence[str], default: str) -> list[Path]:
    return [Path(v) for v in values] if values else [Path(default)]

class _Failure(click.ClickException):
    """A library error shown as one line, with the exit code its kind calls for."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

def _os_error(exc: OSError) -> str:
    """One line for a file the command could not read or write, with a fix."""
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        fix = "a file is in the way of a folder: move it, or choose another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "choose a place you may write to"
    elif exc.errno == errno.ENOSPC:
        fix = "free some disk space"
    else:
        fix = "check the path"
    return f"{where}{exc.strerror or exc}; fix: {fix}"

def _usage_line(exc: click.UsageError) -> str:
    """Click's usage error as one line with a fix, instead of its usage + help hint + error.

    The message is click's own (it names the option, the bad value and the choices); the
    fix says what to give, from the parameter's type or the command's usage line."""
    message = exc.format_message().rstrip(".")
    ctx = exc.ctx
    # the program as the user knows it, also when run as `python -m sfs3dsl` or in tests
    root = ctx.find_root().command_path if ctx is not None else "sfs3dsl"
    path = "sfs3dsl" + ctx.command_path.removeprefix(root) if ctx is not None else "sfs3dsl"
    param = getattr(exc, "param", None)
    if isinstance(exc, click.NoSuchOption):
        fix = f"`{path} --help` lists its options"
    elif isinstance(exc, click.BadParameter) and not isinstance(
            exc, click.MissingParameter) and param is not None and isinstance(
            param.type, click.Choice):
        name = param.opts[0] if param.opts else param.human_readable_name
        fix = f"give {name} one of: {', '.join(map(str, param.type.choices))}"
    elif isinstance(exc, click.BadParameter) and not isinstance(
            exc, click.MissingParameter) and param is not None:
        name = param.opts[0] if param.opts else param.human_readable_name
        fix = f"give {name} another value (`{path} --help` says what it takes)"
    elif ctx is not None and ctx.command is not None and ctx.parent is None \
            and "No such command" in message:
        fix = "`sfs3dsl --help` lists the commands"
    elif ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage:").strip().removeprefix(root)
        usage = "sfs3dsl" + usage
        fix = f"the usage is `{' '.join(usage.split())}` (`{path} --help` explains it)"
    else:
        fix = "`sfs3dsl --help` lists the commands and their options"
    return f"{message}; fix: {fix}"


class Entry(NamedTuple):
    """Where a command lives, the first sentence of its help (what ``--help`` shows), and
    whether it is a pure build: its callback runs with the garbage collector paused
    (``sfs3dsl.core.gcpause``), and a process running it keeps it paused to the end."""

    module: str
    attribute: str
    summary: str
    build: bool = False


#: Every command: name -> where it is defined and the first sentence of its help. Each
#: module imports what its commands need, and some of that (click's command objects,
#: the options) costs start-up time a process running another command should not pay.
COMMANDS: dict[str, Entry] = {
    "compile": Entry("sfs3dsl.cli.build", "compile_command",
                     "Compile workflow modules (default: workflows/) into OUT/<workflow>/.",
                     build=True),
    "validate": Entry("sfs3dsl.cli.build", "validate_command",
                      "Validate workflow modules and ASL JSON/YAML files; report every "
                      "problem.", build=True),
    "run": Entry("sfs3dsl.cli.local", "run_command",
                 "Run a workflow module or an ASL file locally: no AWS, S3 embedded."),
    "test-state": Entry("sfs3dsl.cli.local", "test_state_command",
                        "Test one state as AWS's TestState API does; prints its response as "
                        "JSON."),
    "diff": Entry("sfs3dsl.cli.review", "diff_command",
                  "Semantic diff of two workflows: OLD and NEW are .py modules, ASL files or "
                  "REV:path."),
    "graph": Entry("sfs3dsl.cli.review", "graph_command",
                   "Draw a workflow (.py module, ASL file or REV:path) as Mermaid, DOT, SVG or "
                   "PNG."),
    "import": Entry("sfs3dsl.cli.review", "import_command",
                    "Write an ASL JSON/YAML file (or REV:path) as an sfs3dsl Python module to "
                    "stdout."),
    "serve": Entry("sfs3dsl.cli.service", "serve_command",
                   "Serve workflows (default workflows/) on 127.0.0.1 as AWS would: the Step "
                   "Functions API for the AWS CLI and boto3, the side-car's S3, the API "
                   "facade's routes and completion notices."),
    "start": Entry("sfs3dsl.cli.service", "start_command",
                   "Start an execution (StartExecution); with --wait, print how it ended."),
    "wait": Entry("sfs3dsl.cli.service", "wait_command",
                  "Wait until an execution is no longer RUNNING and print DescribeExecution."),
    "send-task-success": Entry("sfs3dsl.cli.service", "send_task_success_command",
                               "Resume a callback task with its result (SendTaskSuccess)."),
    "send-task-failure": Entry("sfs3dsl.cli.service", "send_task_failure_command",
                               "Fail a callback task (SendTaskFailure)."),
    "send-task-heartbeat": Entry("sfs3dsl.cli.service", "send_task_heartbeat_command",
                                 "Tell a callback task its worker is alive "
                                 "(SendTaskHeartbeat)."),
}


def command_of(args: Sequence[str]) -> str | None:
    """The name of the command ``args`` (a process's arguments) run, or None: the first
    argument that is not an option, since the group's own options (``--help``,
    ``--version``) take no value (``tests/test_cli_commands.py`` checks that)."""
    return next((a for a in args if not a.startswith("-")), None)


class _Group(click.Group):
    """Turns every error into a one-line message in one place: never a traceback.

    Library errors keep their text; a missing optional package names the extra that
    installs it; a file that cannot be read or written names the file; anything else is a
    bug in sfs3dsl, reported in one line (``SFS3DSL_DEBUG=1`` re-raises it).

    Commands are loaded from :data:`COMMANDS` when one is resolved (to run it, or show its
    help); the group's own help lists them from the table, importing none.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or cmd_name in self.commands:
            return super().get_command(ctx, cmd_name)
        command = getattr(import_module(entry.module), entry.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry.module}.{entry.attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own listing with its own shortening, from the table's first sentences
        # (all click's short help reads of a help text) instead of the imported commands
        listed = {name: click.Command(name, help=entry.summary)
                  for name, entry in COMMANDS.items()}
        listed.update(self.commands)
        click.Group(commands=listed).format_commands(ctx, formatter)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:  # the group's own options and the command's name
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _Failure(_usage_line(exc), EXIT_USAGE) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # a command's arguments (parsed here) or its checks
            raise _Failure(_usage_line(exc), EXIT_USAGE) from None
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except (LoadError, MissingDependencyError) as exc:
            raise _Failure(str(exc), EXIT_USAGE) from None
        except Sfs3dslError as exc:
            raise _Failure(str(exc), EXIT_PROBLEMS) from None
        except ModuleNotFoundError as exc:
            top = (exc.name or "").split(".")[0]
            extra = _EXTRAS.get(top)
            fix = (f"pip install 'sfs3dsl[{extra}]' (or run `bash scripts/setup.sh`)"
                   if extra else f"pip install {top}")
            raise _Failure(f"this command needs the Python package {top!r}, which is not "
                           f"installed; fix: {fix}", EXIT_USAGE) from None
        except BrokenPipeError:  # `sfs3dsl ... | head`: the reader left; that is no error
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except OSError as exc:
            raise _Failure(_os_error(exc), EXIT_USAGE) from None
        except KeyboardInterrupt:
            raise _Failure("interrupted", EXIT_INTERRUPTED) from None
        except Exception as exc:
            if os.environ.get("SFS3DSL_DEBUG"):
                raise
            raise _Failure(f"internal error in sfs3dsl: {type(exc).__name__}: {exc}; this is "
                           "a bug: please report it with the command that caused it "
                           "(SFS3DSL_DEBUG=1 shows the traceback)", EXIT_INTERNAL) from None

@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sfs3dsl")
def cli() -> None:
    """Define AWS Step Functions workflows in Python; compile, validate, review, run."""
