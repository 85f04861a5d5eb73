"""``sfs3dsl diff``, ``graph`` and ``import``: the review tools over ASL documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sfs3dsl.core.errors import (
    Sfs3dslError,
)

if TYPE_CHECKING:
    pass

from sfs3dsl.cli.group import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    _Failure,
)


@click.command("diff")
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

    Beside the state machine, the deployment: IAM statements (widened grants first), API
    routes, bucket and function settings, notifications and every other resource of the
    serverless.yml and template.yaml each side deploys.

    Exit code 0 when equal, 1 when different, 2 on error.
    """
    from sfs3dsl.review.deploy_render import (
        render_deploy_json,
        render_deploy_markdown,
        render_deploy_text,
    )
    from sfs3dsl.review.diff_render import render_json, render_markdown, render_text
    from sfs3dsl.review.revisions import compare_sides, diff_since, load_side

    if since is not None:
        if old is not None or new is not None:
            raise click.UsageError("give either OLD and NEW, or --since REV")
        results = diff_since(since, Path(generated_dir))
    else:
        if old is None or new is None:
            raise click.UsageError("give OLD and NEW (or --since REV)")
        results = [compare_sides(load_side(old), load_side(new))]
    paint = sys.stdout.isatty() if color is None else color
    if fmt == "json":
        click.echo(json.dumps({r.name: {**render_json(r.asl),
                                        "deployment": render_deploy_json(r.deployment)}
                               for r in results}, indent=2))
    else:
        for r in results:
            if r.is_empty:
                continue
            if fmt == "markdown":
                deployment = render_deploy_markdown(r.deployment)
                click.echo(f"## {r.name}\n\n{render_markdown(r.asl, r.after)}"
                           + (f"\n{deployment}" if deployment else ""))
            else:
                machine = "No state machine changes.\n" if r.asl.is_empty else \
                    render_text(r.asl, color=paint)
                click.echo(f"== {r.name}\n{machine}"
                           f"{render_deploy_text(r.deployment, color=paint)}")
    if any(not r.is_empty for r in results):
        sys.exit(EXIT_PROBLEMS)


@click.command("graph")
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

@click.command("import")
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
