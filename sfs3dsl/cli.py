"""The ``sfs3dsl`` command line: thin commands that parse, call the library and print.

Library errors become one-line messages in one place (:func:`main`); heavy modules are
imported inside the commands that need them, so ``sfs3dsl --help`` starts fast.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sfs3dsl.core.errors import (
    BuildError,
    LoadError,
    MissingDependencyError,
    ParseError,
    Sfs3dslError,
)

if TYPE_CHECKING:
    from sfs3dsl.core.problems import Problem
    from sfs3dsl.model.workflow import Workflow

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


class _Group(click.Group):
    """Turns every error into a one-line message in one place: never a traceback.

    Library errors keep their text; a missing optional package names the extra that
    installs it; a file that cannot be read or written names the file; anything else is a
    bug in sfs3dsl, reported in one line (``SFS3DSL_DEBUG=1`` re-raises it).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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


@cli.command("compile")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", default="generated", show_default=True,
              type=click.Path(file_okay=False),
              help="Folder that receives one folder per workflow.")
@click.option("--check", is_flag=True,
              help="Write nothing; fail if the files under --out are missing or stale.")
@click.option("--target", "targets", multiple=True,
              type=click.Choice(["serverless", "sam"]),
              help="Deployment target (repeat for several): serverless.yml (the default), "
                   "or a SAM template.yaml.")
def compile_command(paths: tuple[str, ...], out_dir: str, check: bool,
                    targets: tuple[str, ...]) -> None:
    """Compile workflow modules (default: workflows/) into OUT/<workflow>/."""
    from sfs3dsl.deploy.artifacts import workflow_artifacts

    out = Path(out_dir)
    stale: list[str] = []
    workflows = _workflows_to_compile(_paths(paths, "workflows"))
    for workflow in workflows:
        files, compiled = workflow_artifacts(workflow, targets=targets or ("serverless",))
        for problem in compiled.warnings:
            click.echo(problem.render(), err=True)
        for rel, text in files.items():
            target = out / workflow.name / rel
            fresh = target.is_file() and target.read_text(encoding="utf-8") == text
            if check:
                if not fresh:
                    stale.append(str(target))
                continue
            if not fresh:
                _write(target, text)
            click.echo(f"{workflow.name}: {target}")
    if check:
        if stale:
            listing = "\n".join(f"  {s}" for s in stale)
            raise click.ClickException(
                f"{len(stale)} generated file(s) are missing or stale:\n{listing}\n"
                "run `sfs3dsl compile` and commit the result")
        click.echo(f"{len(workflows)} workflow(s): {out}/ is up to date")


def _workflows_to_compile(paths: list[Path]) -> list[Workflow]:
    """Every workflow of the modules named or found in the folders named.

    A file named explicitly must be a module; two workflows may not share a name, since
    both would be written to the same folder (the second silently replacing the first).
    """
    from sfs3dsl.project.load import expand, load_module_workflows

    found: list[Workflow] = []
    for path in expand(paths):
        if path.suffix == ".py":
            found.extend(load_module_workflows(path))
        elif path in paths:
            raise LoadError(f"{path}: compile reads workflow modules (.py), not ASL files",
                            hint=f"turn it into one first: sfs3dsl import {path} > "
                                 "workflows/NAME.py")
    if not found:
        raise LoadError(f"{', '.join(map(str, paths))}: no workflow module found",
                        hint="give .py files that assign a Workflow, or a folder of them")
    first: dict[str, Workflow] = {}
    for workflow in found:
        other = first.setdefault(workflow.name, workflow)
        if other is not workflow:
            raise _Failure(f"{workflow.where}: workflow name {workflow.name!r} is already "
                           f"used by the workflow at {other.where}; both would be written to "
                           f"{workflow.name}/; fix: give one of them another name",
                           EXIT_PROBLEMS)
    return found


def _write(target: Path, text: str) -> None:
    """Write one generated file, making its folder; a file that cannot be written is an
    error naming it (a file in the way of the folder, a read-only file system)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder goes
        blocker = next((p for p in reversed(target.parents) if p.is_file()), target.parent)
        raise _Failure(f"{blocker}: cannot create the folder {target.parent}: a file is in "
                       "the way; fix: move or delete that file, or choose another --out",
                       EXIT_USAGE) from exc
    except OSError as exc:
        raise _Failure(f"{target}: cannot be written: {exc.strerror}; fix: choose a folder "
                       "you may write to with --out DIR", EXIT_USAGE) from exc


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json prints one object for machines.")
def validate_command(paths: tuple[str, ...], fmt: str) -> None:
    """Validate workflow modules and ASL JSON/YAML files; report every problem.

    Exit code 0 when clean (warnings allowed), 1 when any error is found.
    """
    from sfs3dsl.project.load import expand, load_asl, load_module_workflows
    from sfs3dsl.validate import validate_definition

    reports: list[tuple[str, list[Problem]]] = []
    for path in expand([Path(p) for p in paths]):
        if path.suffix == ".py":
            try:
                workflows = load_module_workflows(path)
            except LoadError as exc:
                reports.append((str(path), [_load_problem(exc)]))
                continue
            except BuildError as exc:  # a mistake made where a state was built
                reports.append((str(path), [_build_problem(exc)]))
                continue
            for wf in workflows:
                try:
                    reports.append((f"{path}::{wf.name}", _workflow_problems(wf)))
                except BuildError as exc:
                    reports.append((f"{path}::{wf.name}", [_build_problem(exc)]))
        else:
            try:
                asl = load_asl(path)
            except LoadError as exc:
                reports.append((str(path), [_load_problem(exc)]))
                continue
            reports.append((str(path), validate_definition(asl)))
    errors = sum(p.severity == "error" for _, ps in reports for p in ps)
    warnings = sum(p.severity == "warning" for _, ps in reports for p in ps)
    if fmt == "json":
        doc: dict[str, Any] = {
            "files": [{"path": name, "problems": [p.to_json() for p in ps]}
                      for name, ps in reports],
            "errors": errors, "warnings": warnings}
        click.echo(json.dumps(doc, indent=2))
    else:
        for name, problems in reports:
            for p in problems:
                click.echo(f"{name}: {p.render()}" if not p.where else p.render())
        click.echo(f"{len(reports)} definition(s): {errors} error(s), {warnings} warning(s)")
    if errors:
        sys.exit(EXIT_PROBLEMS)


@cli.command("run")
@click.argument("path", type=click.Path())
@click.option("--input", "input_text", metavar="JSON|@FILE",
              help="The execution input: JSON text or @file.json (default {}).")
@click.option("--workflow", help="Which workflow of the module to run (default: the first).")
@click.option("--mock", "mocks", multiple=True, metavar="TARGET=VALUE",
              help="What a Task runs (TARGET: state name, resource or function name; "
                   "VALUE: @result.json, JSON text, or file.py:function). Repeatable. A mock "
                   "wins over the embedded S3 for the S3 Task states it targets.")
@click.option("--s3-endpoint", metavar="URL", help="A real S3 instead of the embedded one.")
@click.option("--history", type=click.Path(dir_okay=False),
              help="Write the execution history (GetExecutionHistory's format) here.")
@click.option("--clock", type=click.Choice(["virtual", "real"]), default="virtual",
              show_default=True, help="virtual: waits and retries take no real time.")
@click.option("--generated", type=click.Path(file_okay=False), default="generated",
              show_default=True, help="Where generated Lambda handlers are looked for.")
@click.option("--trace/--no-trace", default=True, show_default=True,
              help="Show each state as it enters and leaves.")
@click.option("--mock-config", type=click.Path(), metavar="FILE",
              help="AWS's MockConfigFile.json (Step Functions Local's mocked service "
                   "integrations); pick the test case with --test-case.")
@click.option("--test-case", metavar="NAME",
              help="The test case of --mock-config to run (NAME, or MACHINE#NAME).")
@click.option("--s3-object", "s3_objects", multiple=True, metavar="s3://BUCKET/KEY=@FILE",
              help="Put FILE (or the text after '=') into the local S3 before the run, "
                   "e.g. a Distributed Map's CSV. Repeatable.")
@click.option("--no-limits", "no_limits", is_flag=True,
              help="Do not enforce AWS's quotas (25,000 history events, 256 KiB payloads, "
                   "a year for Standard and five minutes for Express executions).")
def run_command(path: str, input_text: str | None, workflow: str | None,
                mocks: tuple[str, ...], s3_endpoint: str | None, history: str | None,
                clock: str, generated: str, trace: bool, mock_config: str | None,
                test_case: str | None, s3_objects: tuple[str, ...], no_limits: bool) -> None:
    """Run a workflow module or an ASL file locally: no AWS, S3 embedded.

    Exit code 0 when the execution succeeds, 1 when it fails or times out, 2 when it
    cannot start (bad input, invalid definition, a Task nothing runs), 130 when interrupted
    (Ctrl-C): the execution is stopped and the history so far goes to --history.
    """
    from sfs3dsl.run.command import RunOptions, run

    options = RunOptions(Path(path), input_text, workflow, mocks, s3_endpoint,
                         Path(history) if history else None, clock, Path(generated), trace,
                         Path(mock_config) if mock_config else None, test_case, s3_objects,
                         limits=not no_limits)
    sys.exit(run(options, click.echo))


@cli.command("test-state")
@click.argument("path", type=click.Path())
@click.option("--state", "state", required=True, metavar="NAME", help="The state to test.")
@click.option("--workflow", help="Which workflow of the module (default: the first).")
@click.option("--input", "input_text", metavar="JSON|@FILE", help="The state input (default {}).")
@click.option("--mock", "mock", metavar="JSON", help="A Task's result (no service is called).")
@click.option("--mock-error", metavar="ERROR:CAUSE", help="A Task's error instead.")
@click.option("--context", metavar="JSON", help="Merged into the context object ($$).")
@click.option("--variables", metavar="JSON", help="The variables the state sees.")
@click.option("--inspection-level", type=click.Choice(["INFO", "DEBUG", "TRACE"],
                                                      case_sensitive=False),
              default="INFO", show_default=True, help="DEBUG adds inspectionData.")
def test_state_command(path: str, state: str, workflow: str | None, input_text: str | None,
                       mock: str | None, mock_error: str | None, context: str | None,
                       variables: str | None, inspection_level: str) -> None:
    """Test one state as AWS's TestState API does; prints its response as JSON.

    Exit code 0 when the status is SUCCEEDED, CAUGHT_ERROR or RETRIABLE, 1 when FAILED,
    2 when the state cannot be tested.
    """
    from sfs3dsl.run.command import parse_input
    from sfs3dsl.run.definitions import RunSetupError
    from sfs3dsl.run.test_state import test_state

    if mock is not None and mock_error is not None:
        raise RunSetupError("--mock and --mock-error: give one of them; fix: drop one")
    value = parse_input(input_text)
    text = input_text if input_text is not None and not input_text.startswith("@") else None
    mocked = None if mock is None else parse_input(mock)
    result = test_state(Path(path), state, text if text is not None else value, mock=mocked,
                        mock_error=mock_error, context=context, variables=variables,
                        inspection_level=inspection_level, workflow=workflow)
    click.echo(json.dumps(result.to_dict(), indent=4, ensure_ascii=False))
    sys.exit(EXIT_PROBLEMS if result.status == "FAILED" else 0)


@cli.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--since", "since", metavar="REV",
              help="Compare every workflow under generated/ with revision REV.")
@click.option("--generated", "generated_dir", default="generated", show_default=True,
              type=click.Path(file_okay=False), help="The folder --since compares.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True)
@click.option("--color/--no-color", default=None,
              help="Colour the text format (default: when writing to a terminal).")
def diff_command(old: str | None, new: str | None, since: str | None, generated_dir: str,
                 fmt: str, color: bool | None) -> None:
    """Semantic diff of two workflows: OLD and NEW are .py modules, ASL files or REV:path.

    Exit code 0 when equal, 1 when different, 2 on error.
    """
    from sfs3dsl.project.load import load_definition
    from sfs3dsl.review.diff import diff_definitions
    from sfs3dsl.review.diff_render import render_json, render_markdown, render_text
    from sfs3dsl.review.revisions import diff_since

    if since is not None:
        if old is not None or new is not None:
            raise click.UsageError("give either OLD and NEW, or --since REV")
        results = diff_since(since, Path(generated_dir))
    else:
        if old is None or new is None:
            raise click.UsageError("give OLD and NEW (or --since REV)")
        name, before, _ = load_definition(old)
        _, after, _ = load_definition(new)
        results = [(name, diff_definitions(before, after), after)]
    paint = sys.stdout.isatty() if color is None else color
    if fmt == "json":
        click.echo(json.dumps({n: render_json(d) for n, d, _ in results}, indent=2))
    else:
        for name, diff, after in results:
            if diff.is_empty:
                continue
            if fmt == "markdown":
                click.echo(f"### {name}\n\n{render_markdown(diff, after)}")
            else:
                click.echo(f"== {name}\n{render_text(diff, color=paint)}")
    if any(not d.is_empty for _, d, _ in results):
        sys.exit(EXIT_PROBLEMS)


@cli.command("graph")
@click.argument("path")
@click.option("--workflow", help="The workflow to draw when the module defines several.")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg", "png"]),
              default="mermaid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file instead of stdout.")
def graph_command(path: str, workflow: str | None, fmt: str, output: str | None) -> None:
    """Draw a workflow (.py module, ASL file or REV:path) as Mermaid, DOT, SVG or PNG."""
    from sfs3dsl.project.load import load_definition
    from sfs3dsl.review.graph import render_image, to_dot, to_mermaid

    _, asl, _ = load_definition(path, workflow=workflow)
    if fmt in ("svg", "png") and output is None and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is binary: write it to a file with --output FILE")
    if fmt == "mermaid":
        data = to_mermaid(asl).encode()
    elif fmt == "dot":
        data = to_dot(asl).encode()
    else:
        try:
            data = render_image(asl, fmt)  # type: ignore[arg-type]
        except Sfs3dslError as exc:  # no Graphviz, or dot failed: the README's exit 2
            raise _Failure(str(exc), EXIT_USAGE) from None
    if output is not None:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise _Failure(f"{output}: cannot be written: {exc.strerror}; fix: choose a file "
                           "you may write with -o FILE", EXIT_USAGE) from None
    else:
        click.get_binary_stream("stdout").write(data)


@cli.command("import")
@click.argument("path")
@click.option("--name", help="The workflow's name (default: the file's name, or its folder's "
                              "for statemachine.asl.json).")
@click.option("--variable", help="The module-level variable (default: from the name).")
def import_command(path: str, name: str | None, variable: str | None) -> None:
    """Write an ASL JSON/YAML file (or REV:path) as an sfs3dsl Python module to stdout.

    Example: sfs3dsl import definition.asl.json > workflows/name.py
    """
    from sfs3dsl.project.load import load_definition
    from sfs3dsl.review.importer.convert import import_definition

    stem, asl, _ = load_definition(path)
    try:
        text = import_definition(asl, name=name or stem.replace("_", "-"), variable=variable)
    except Sfs3dslError as exc:
        raise _Failure(f"{path}: {exc}", EXIT_USAGE) from None
    click.echo(text, nl=False)


def _workflow_problems(workflow: Workflow) -> list[Problem]:
    """Every problem of a workflow module's workflow, its side-car's included."""
    from sfs3dsl.compile.compiler import compile_workflow
    from sfs3dsl.deploy.sidecar.plan import sidecar_problems

    problems = workflow.validate()
    if any(p.severity == "error" for p in problems):
        return problems
    return [*problems, *sidecar_problems(workflow, compile_workflow(workflow))]


def _build_problem(exc: BuildError) -> Problem:
    """A workflow built wrongly, as a problem of the validate report."""
    from sfs3dsl.core.problems import Problem

    path = f"States.{exc.state}" if exc.state is not None else "(workflow)"
    return Problem("build-error", path, exc.message, exc.hint or "see the message",
                   state=exc.state, where=exc.where)


def _load_problem(exc: LoadError) -> Problem:
    """A file that could not be read, as a problem of the validate report."""
    from sfs3dsl.core.problems import Problem

    code = "unparsable" if isinstance(exc, ParseError) else "unreadable"
    return Problem(code, "(file)", exc.message, exc.hint or "check the path and the file")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``sfs3dsl`` command and ``python -m sfs3dsl``."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="sfs3dsl")


# --- issue 13: serve the workflows like AWS, and the clients of a deployed machine --------

@cli.command("serve")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--port", default=8083, show_default=True, type=click.IntRange(0, 65535),
              help="The port on 127.0.0.1 (0: any free port).")
@click.option("--api-key", "api_keys", multiple=True, metavar="KEY",
              help="An API key the facade's private routes accept (repeatable; default: a "
                   "random one, printed).")
@click.option("--clock", type=click.Choice(["real", "virtual"]), default="real",
              show_default=True, help="virtual: waits and retries take no real time.")
@click.option("--region", default="us-east-1", show_default=True, help="Region of the ARNs.")
@click.option("--account", default="123456789012", show_default=True,
              help="Account of the ARNs.")
@click.option("--generated", type=click.Path(file_okay=False), default="generated",
              show_default=True, help="Where `sfs3dsl compile` wrote the handlers.")
@click.option("--mock", "mocks", multiple=True, metavar="TARGET=VALUE",
              help="What a Task runs, as for `sfs3dsl run` (repeatable).")
def serve_command(paths: tuple[str, ...], port: int, api_keys: tuple[str, ...], clock: str,
                  region: str, account: str, generated: str, mocks: tuple[str, ...]) -> None:
    """Serve workflows (default workflows/) on 127.0.0.1 as AWS would: the Step Functions
    API for the AWS CLI and boto3, the side-car's S3, the API facade's routes and
    completion notices. Runs until Ctrl-C (exit 0); 2 when it cannot start.
    """
    import re

    from sfs3dsl.serve.app import ServeOptions
    from sfs3dsl.serve.command import serve

    if not re.fullmatch(r"\d{12}", account):
        raise click.BadParameter("an AWS account id has 12 digits", param_hint="--account")
    options = ServeOptions(_paths(paths, "workflows"), port, list(api_keys), clock, region,
                           account, Path(generated), mocks)
    sys.exit(serve(options, click.echo))


_ENDPOINT = click.option("--endpoint-url", "endpoint", metavar="URL",
                         help="A Step Functions endpoint, e.g. sfs3dsl serve's "
                              "http://127.0.0.1:8083 (default: AWS).")


@cli.command("start")
@click.argument("state_machine_arn")
@click.option("--input", "input_text", metavar="JSON|@FILE", help="The input (default {}).")
@click.option("--name", help="The execution's name (default: a UUID).")
@click.option("--wait/--no-wait", default=False, show_default=True,
              help="Wait until it is no longer RUNNING.")
@click.option("--poll", default=1.5, show_default=True, type=click.FloatRange(0.01),
              help="Seconds before the first DescribeExecution (then backing off).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait at most.")
@_ENDPOINT
def start_command(state_machine_arn: str, input_text: str | None, name: str | None,
                  wait: bool, poll: float, timeout: float, endpoint: str | None) -> None:
    """Start an execution (StartExecution); with --wait, print how it ended.

    Exit code 0 started (or, with --wait, succeeded), 1 an error answer or a failed
    execution, 2 no credentials or nothing at the endpoint.
    """
    from sfs3dsl.run.command import parse_input
    from sfs3dsl.serve.remote import start

    value = parse_input(input_text)
    sys.exit(start(state_machine_arn, {} if value is None else value, name, endpoint, wait,
                   poll, timeout, click.echo))


@cli.command("wait")
@click.argument("execution_arn")
@click.option("--poll", default=1.5, show_default=True, type=click.FloatRange(0.01),
              help="Seconds before the next DescribeExecution (then backing off).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait at most.")
@_ENDPOINT
def wait_command(execution_arn: str, poll: float, timeout: float,
                 endpoint: str | None) -> None:
    """Wait until an execution is no longer RUNNING and print DescribeExecution.

    Exit code 0 SUCCEEDED, 1 any other end, an error answer or the timeout, 2 no
    credentials or nothing at the endpoint.
    """
    from sfs3dsl.serve.remote import wait

    sys.exit(wait(execution_arn, endpoint, poll, timeout, click.echo))


@cli.command("send-task-success")
@click.option("--task-token", required=True)
@click.option("--output", "output_text", required=True, metavar="JSON|@FILE",
              help="The task's result.")
@_ENDPOINT
def send_task_success_command(task_token: str, output_text: str,
                              endpoint: str | None) -> None:
    """Resume a callback task with its result (SendTaskSuccess)."""
    from sfs3dsl.run.command import parse_input
    from sfs3dsl.serve.remote import send_task

    output = json.dumps(parse_input(output_text))
    sys.exit(send_task("SendTaskSuccess", task_token, endpoint, output=output))


@cli.command("send-task-failure")
@click.option("--task-token", required=True)
@click.option("--error", help="The error name a Catch matches.")
@click.option("--cause", help="What went wrong.")
@_ENDPOINT
def send_task_failure_command(task_token: str, error: str | None, cause: str | None,
                              endpoint: str | None) -> None:
    """Fail a callback task (SendTaskFailure)."""
    from sfs3dsl.serve.remote import send_task

    sys.exit(send_task("SendTaskFailure", task_token, endpoint, error=error, cause=cause))


@cli.command("send-task-heartbeat")
@click.option("--task-token", required=True)
@_ENDPOINT
def send_task_heartbeat_command(task_token: str, endpoint: str | None) -> None:
    """Tell a callback task its worker is alive (SendTaskHeartbeat)."""
    from sfs3dsl.serve.remote import send_task

    sys.exit(send_task("SendTaskHeartbeat", task_token, endpoint))
