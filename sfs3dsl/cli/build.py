"""``sfs3dsl compile`` and ``sfs3dsl validate``: workflow modules to files, and problems."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sfs3dsl.core.errors import (
    BuildError,
    LoadError,
    ParseError,
)
from sfs3dsl.core.gcpause import gc_paused

if TYPE_CHECKING:
    from sfs3dsl.core.problems import Problem
    from sfs3dsl.model.workflow import Workflow

from sfs3dsl.cli.group import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    _Failure,
    _paths,
)


@click.command("compile")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", default="generated", show_default=True,
              type=click.Path(file_okay=False),
              help="Folder that receives one folder per workflow.")
@click.option("--check", is_flag=True,
              help="Write nothing; fail if the files under --out are missing or stale "
                   "(without --target: those of every target found there).")
@click.option("--target", "targets", multiple=True,
              type=click.Choice(["serverless", "sam", "cdk"]),
              help="Deployment target (repeat for several): serverless.yml, a SAM "
                   "template.yaml, or cdk_app.py, a CDK app around "
                   "sfs3dsl.cdk.WorkflowConstruct. Default: every target whose file is "
                   "already under --out (so none goes stale), or serverless when none is.")
@gc_paused  # a pure build, imports included (sfs3dsl.core.gcpause, sfs3dsl.cli.entry)
def compile_command(paths: tuple[str, ...], out_dir: str, check: bool,
                    targets: tuple[str, ...]) -> None:
    """Compile workflow modules (default: workflows/) into OUT/<workflow>/.

    Side-car workflows also get OUT/_runtime/python/sfs3dsl_runtime/, a copy of the runtime
    the generated handlers import (the SAM and CDK targets deploy it as a Lambda layer).
    """
    from sfs3dsl.deploy.artifacts import workflow_artifacts
    from sfs3dsl.deploy.runtime_layer import runtime_files

    out = Path(out_dir)
    chosen = targets or _targets_present(out)
    stale: list[str] = []
    needs_layer = False
    workflows = _workflows_to_compile(_paths(paths, "workflows"))
    for workflow in workflows:
        files, compiled = workflow_artifacts(workflow, targets=chosen)
        for problem in compiled.warnings:
            click.echo(problem.render(), err=True)
        needs_layer = needs_layer or any(rel.startswith("handlers/") for rel in files)
        stale.extend(_emit(out / workflow.name, files, check, workflow.name))
    if needs_layer:  # what the handlers import, for every target (docs/deploy.md)
        stale.extend(_emit(out, runtime_files(), check, "sfs3dsl_runtime layer"))
    if check:
        if stale:
            listing = "\n".join(f"  {s}" for s in stale)
            again = "".join(f" --target {t}" for t in targets)
            raise click.ClickException(
                f"{len(stale)} generated file(s) are missing or stale:\n{listing}\n"
                f"run `sfs3dsl compile{again}` and commit the result")
        click.echo(f"{len(workflows)} workflow(s), target(s) {', '.join(chosen)}: "
                   f"{out}/ is up to date")


def _targets_present(out: Path) -> tuple[str, ...]:
    """The targets whose file some workflow folder of ``out`` already holds (a plain
    ``compile`` must not leave a template.yaml stale), or serverless when none does."""
    from sfs3dsl.deploy.artifacts import CDK_FILE, SAM_FILE, SERVERLESS_FILE

    files = {"serverless": SERVERLESS_FILE, "sam": SAM_FILE, "cdk": CDK_FILE}
    present = tuple(t for t, name in files.items() if any(out.glob(f"*/{name}")))
    return present or ("serverless",)


def _emit(folder: Path, files: dict[str, str], check: bool, label: str) -> list[str]:
    """Write the files that differ under ``folder`` (or, with ``check``, return them)."""
    stale: list[str] = []
    for rel, text in files.items():
        target = folder / rel
        fresh = target.is_file() and target.read_text(encoding="utf-8") == text
        if check:
            if not fresh:
                stale.append(str(target))
            continue
        if not fresh:
            _write(target, text)
        click.echo(f"{label}: {target}")
    return stale

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
    from sfs3dsl.deploy.runtime_layer import RUNTIME_DIR

    first: dict[str, Workflow] = {}
    for workflow in found:
        if workflow.name == RUNTIME_DIR:
            raise _Failure(f"{workflow.where}: workflow name {RUNTIME_DIR!r} is the folder of "
                           "the sfs3dsl_runtime layer under --out; fix: give the workflow "
                           "another name", EXIT_PROBLEMS)
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

@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json prints one object for machines.")
@gc_paused  # a pure build, imports included (sfs3dsl.core.gcpause, sfs3dsl.cli.entry)
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

def _workflow_problems(workflow: Workflow) -> list[Problem]:
    """Every problem of a workflow module's workflow, its side-car's included."""
    from sfs3dsl.compile.compiler import compile_workflow
    from sfs3dsl.core.errors import ValidationError
    from sfs3dsl.deploy.sidecar.plan import sidecar_problems

    try:  # compiled once: Workflow.validate() would compile it again for the side-car
        compiled = compile_workflow(workflow, raise_errors=False)
    except ValidationError as exc:  # a state shared by two machines: nothing rendered
        return exc.problems
    problems = list(compiled.problems)
    if any(p.severity == "error" for p in problems):
        return problems
    return [*problems, *sidecar_problems(workflow, compiled)]


def _build_problem(exc: BuildError) -> Problem:
    """A workflow built wrongly, as a problem of the validate report."""
    from sfs3dsl.core.errors import DeploymentOptionError
    from sfs3dsl.core.problems import Problem

    path = f"States.{exc.state}" if exc.state is not None else "(workflow)"
    code = "deployment-option" if isinstance(exc, DeploymentOptionError) else "build-error"
    return Problem(code, path, exc.message, exc.hint or "see the message",
                   state=exc.state, where=exc.where)

def _load_problem(exc: LoadError) -> Problem:
    """A file that could not be read, as a problem of the validate report."""
    from sfs3dsl.core.problems import Problem

    code = "unparsable" if isinstance(exc, ParseError) else "unreadable"
    return Problem(code, "(file)", exc.message, exc.hint or "check the path and the file")
