"""``sfs3dsl run`` and ``sfs3dsl test-state``: running on this machine."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

from sfs3dsl.cli.group import (
    EXIT_PROBLEMS,
)


@click.command("run")
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

@click.command("test-state")
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
