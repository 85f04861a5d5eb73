"""What runs a Task locally besides mocks: generated Lambda handlers and constant values.

Each handler file is imported once (:func:`import_file`) and called as Lambda would call it,
with a :class:`LambdaContext`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.project.load import import_path
from sfs3dsl.run.definitions import RunSetupError

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import TaskContext
    from sfs3dsl.run.interpreter.tasks import TaskFn


class LambdaContext:
    """The ``context`` argument a Lambda handler receives, as far as a local run knows it."""

    def __init__(self, function_name: str, request_id: str, remaining_ms: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = \
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


def lambda_task(handler: Any, function_name: str) -> TaskFn:
    """A Lambda handler ``handler(event, context)`` as a runner task callable."""
    import uuid

    def call(payload: Any, ctx: TaskContext) -> Any:
        return handler(payload, LambdaContext(function_name, str(uuid.uuid4()), 900_000))

    return call


def import_file(path: Path, prefix: str = "sfs3dsl_local") -> Any:
    """Import a Python file by path, once (see :func:`sfs3dsl.project.load.import_path`)."""
    return import_path(path, prefix=prefix, error=RunSetupError, reuse=True)


_HANDLER_NAMES = ("handler", "lambda_handler", "main")


def find_handlers(folder: Path) -> dict[str, TaskFn]:
    """The generated Lambda handlers in ``folder``: ``{function name: task callable}``.

    Each ``*.py`` file (not starting with ``_``) that defines ``handler`` (or
    ``lambda_handler``) is one function, named after the file (``step_a.py`` -> ``step-a``).
    """
    found: dict[str, TaskFn] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = import_file(path, "sfs3dsl_handler")
        handler = next((getattr(module, n) for n in _HANDLER_NAMES
                        if callable(getattr(module, n, None))), None)
        if handler is None:
            continue
        name = path.stem.replace("_", "-")
        found[name] = lambda_task(handler, name)
    return found


def constant_task(value: Any) -> TaskFn:
    """A mock that returns ``value`` (and answers a ``.waitForTaskToken`` with it)."""

    from sfs3dsl.run.interpreter.tasks import nonblocking

    @nonblocking
    def call(payload: Any, ctx: TaskContext) -> Any:
        if ctx.token:
            ctx.runner.send_task_success(ctx.token, value)
            return None
        return value

    return call
