"""``sfs3dsl serve`` and the clients of a served or deployed machine: ``start``, ``wait``
and ``send-task-*``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

from sfs3dsl.cli.group import (
    _paths,
)


@click.command("serve")
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

@click.command("start")
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

@click.command("wait")
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

@click.command("send-task-success")
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

@click.command("send-task-failure")
@click.option("--task-token", required=True)
@click.option("--error", help="The error name a Catch matches.")
@click.option("--cause", help="What went wrong.")
@_ENDPOINT
def send_task_failure_command(task_token: str, error: str | None, cause: str | None,
                              endpoint: str | None) -> None:
    """Fail a callback task (SendTaskFailure)."""
    from sfs3dsl.serve.remote import send_task

    sys.exit(send_task("SendTaskFailure", task_token, endpoint, error=error, cause=cause))

@click.command("send-task-heartbeat")
@click.option("--task-token", required=True)
@_ENDPOINT
def send_task_heartbeat_command(task_token: str, endpoint: str | None) -> None:
    """Tell a callback task its worker is alive (SendTaskHeartbeat)."""
    from sfs3dsl.serve.remote import send_task

    sys.exit(send_task("SendTaskHeartbeat", task_token, endpoint))
