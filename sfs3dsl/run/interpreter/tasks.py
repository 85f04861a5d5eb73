"""How a Task state runs locally: a registry maps resources to Python callables.

``runner.register_task(pattern, fn)`` registers ``fn(payload, ctx) -> result`` for a
resource ARN, a Lambda function name, or a glob pattern (``arn:aws:lambda:*:function:step-*``).
``arn:aws:states:::lambda:invoke`` passes the callable the ``Payload`` and wraps its return
value as AWS does (``{"Payload": ..., "StatusCode": 200, ...}``). ``.waitForTaskToken`` calls
the callable, then pauses until the token is answered. ``states:startExecution`` runs a
state machine registered with the runner (see :mod:`sfs3dsl.run.interpreter.nested`).
"""

from __future__ import annotations

import fnmatch
import json
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import ExecutionError, Sfs3dslError
from sfs3dsl.run.interpreter import callbacks, dataflow, jsonata_fields
from sfs3dsl.run.interpreter.failure import Aborted, StateFailure
from sfs3dsl.run.interpreter.history import not_json, snapshot
from sfs3dsl.run.interpreter.limits import DATA_LIMIT, PayloadTooLarge, result_cause
from sfs3dsl.run.interpreter.scope import Env

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.runner import Runner

TaskFn = Callable[[Any, "TaskContext"], Any]
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
START_EXECUTION = "arn:aws:states:::states:startExecution"
#: The error of a Lambda function whose return value is not JSON.
MARSHAL_ERROR = "Runtime.MarshalError"
_SUFFIXES = (".waitForTaskToken", ".sync:2", ".sync")


class MissingTask(ExecutionError):
    """No callable is registered for a Task's resource."""


class TaskContext:
    """What a task callable may want besides its payload.

    Attributes:
        state: the Task state's name.
        resource: the state's Resource (without ``.waitForTaskToken`` / ``.sync``).
        token: the task token, for ``.waitForTaskToken`` tasks.
        retry_count: how many retries came before this attempt.
        runner: the runner, e.g. to call ``runner.send_task_success`` from a callable.
    """

    def __init__(self, env: Env, resource: str, runner: Runner,
                 timeout: float | None = None) -> None:
        self.state = env.name
        self.resource = resource
        self.token = env.task_token
        self.retry_count = env.retry_count or 0
        self.runner = runner
        self._env = env
        self._frame = env.frame
        self._timeout = timeout

    @property
    def context(self) -> dict[str, Any]:
        """The context object (``$$``) of the state: a copy, as it holds the execution's
        own values (its input, the Map item), which the history refers to."""
        return snapshot(self._env.context())  # type: ignore[no-any-return]

    def sleep(self, seconds: float) -> None:
        """Let the task take ``seconds`` (virtual time on the virtual clock).

        Raises States.Timeout when the state's TimeoutSeconds is passed.
        """
        timeline = self._frame.timeline
        start = self._frame.timeline.now()
        timeline.sleep(seconds, self._frame.run.stop)
        if self._timeout is not None and timeline.now() - start > timedelta(
                seconds=self._timeout):
            raise StateFailure(callbacks.TIMEOUT, None)


class WholeResponse:
    """What a task callable returns to give the integration's whole response.

    Normally a callable registered for ``arn:aws:states:::lambda:invoke`` returns what the
    function returns, and the runner wraps it as the Lambda API does (``{"Payload": ...,
    "StatusCode": 200, ...}``). A mock that stands in for the whole service call (a
    MockConfigFile's ``Return``, which is the API response itself) returns
    ``WholeResponse(value)``: ``value`` is then the Task's result as it is.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class Registry:
    """Resource patterns -> callables; exact names are found first, then globs in order."""

    def __init__(self) -> None:
        self._exact: dict[str, TaskFn] = {}
        self._globs: list[tuple[str, TaskFn]] = []

    def register(self, pattern: str, fn: TaskFn) -> None:
        if any(ch in pattern for ch in "*?["):
            self._globs.append((pattern, fn))
        else:
            self._exact[pattern] = fn

    def find(self, *names: str) -> TaskFn | None:
        for name in names:
            if name in self._exact:
                return self._exact[name]
        for pattern, fn in self._globs:
            if any(fnmatch.fnmatchcase(name, pattern) for name in names):
                return fn
        return None


#: The attribute a task callable sets to say it cannot block: True, or a function of the
#: state's name and the state machine's name (a dispatcher that knows what each one runs).
CANNOT_BLOCK = "cannot_block"


def nonblocking(fn: TaskFn) -> TaskFn:
    """Declare that ``fn`` never blocks (it computes its answer at once, never waits for
    I/O, a lock held long, another thread or real time): on the virtual clock Map
    iterations and Parallel branches calling it then share one thread
    (:mod:`sfs3dsl.run.interpreter.scheduler`) instead of a thread each."""
    setattr(fn, CANNOT_BLOCK, True)
    return fn


def never_blocks(fn: TaskFn, state: str, machine: str) -> bool:
    """Whether ``fn`` declared that it cannot block when it runs Task ``state`` of the
    state machine named ``machine``."""
    flag = getattr(fn, CANNOT_BLOCK, False)
    if callable(flag):
        return bool(flag(state, machine))
    return flag is True


def task_never_blocks(runner: Runner, machine: str, name: str, state: dict[str, Any]) -> bool:
    """Whether Task state ``name`` (of the state machine named ``machine``) runs a callable
    that cannot block, as far as can be told before it runs; False when unsure."""
    resource = state.get("Resource")
    if not isinstance(resource, str):
        return False
    base, suffix = split_resource(resource)
    if suffix or base.startswith(START_EXECUTION):
        return False  # waits for a token or for another execution
    params = state.get("Parameters", state.get("Arguments"))
    if base == LAMBDA_INVOKE:
        target = params.get("FunctionName") if isinstance(params, dict) else None
        if not isinstance(target, str) or target.startswith("{%"):
            return False  # the function is chosen at run time: which callable is unknown
    fn = runner.tasks.find(*function_names(base, params)) or runner.default_task(base)
    return fn is not None and never_blocks(fn, name, machine)


def split_resource(resource: str) -> tuple[str, str]:
    """``arn...:lambda:invoke.waitForTaskToken`` -> (``arn...:lambda:invoke``, suffix)."""
    for suffix in _SUFFIXES:
        if resource.endswith(suffix):
            return resource[: -len(suffix)], suffix
    return resource, ""


def function_names(base: str, params: Any) -> list[str]:
    """The names a Lambda target can be registered under: ARN, function name."""
    names = [base]
    target = params.get("FunctionName") if base == LAMBDA_INVOKE and isinstance(
        params, dict) else (base if ":function:" in base else None)
    if isinstance(target, str):
        names.append(target)
        if ":function:" in target:
            names.append(target.split(":function:", 1)[1].split(":", 1)[0])
    return names


#: The most seconds TimeoutSeconds and HeartbeatSeconds may give (the ASL's bound).
_MAX_SECONDS = 99_999_999


def _seconds(env: Env, key: str) -> float | None:
    """TimeoutSeconds / HeartbeatSeconds: a literal (checked by the validator), a path or a
    JSONata value (a positive integer, checked here as AWS checks it)."""
    from sfs3dsl.run.interpreter import numbers

    field = numbers.read(env, key, env.input)
    if field is None:
        return None
    value = field.value
    if field.name == key and not env.jsonata:
        return float(value) if isinstance(value, (int, float)) else None
    return float(numbers.integer(env, field, 1, _MAX_SECONDS))


def _lambda_error(exc: Exception) -> StateFailure:
    """A Python exception from a callable, reported as a Lambda function error."""
    name = type(exc).__name__
    cause = json.dumps({"errorMessage": str(exc), "errorType": name, "requestId": "",
                        "stackTrace": traceback.format_tb(exc.__traceback__)[-3:]})
    return StateFailure(name, cause)


def _invoke(env: Env, base: str, params: Any, ctx: TaskContext) -> Any:
    runner = ctx.runner
    if base.startswith(START_EXECUTION):
        from sfs3dsl.run.interpreter.nested import start_execution

        return start_execution(env, ctx.resource, params, runner)
    names = function_names(base, params)
    fn = runner.tasks.find(*names)
    if fn is None:
        fn = runner.default_task(base)
    if fn is None:
        raise MissingTask(
            f"state {env.name!r}: no task is registered for resource {base!r}"
            + (f" (function {names[1]!r})" if len(names) > 1 else "")
            + "; register one with runner.register_task(resource_or_pattern, fn)")
    payload = params.get("Payload") if base == LAMBDA_INVOKE and isinstance(params,
                                                                            dict) else params
    try:
        # the callable gets a copy and may keep or change it: the history holds ``params``
        result = fn(snapshot(payload), ctx)
    except StateFailure:
        raise
    except (Aborted, Sfs3dslError):
        raise
    except Exception as exc:  # a mocked integration failing like a Lambda function
        raise _lambda_error(exc) from exc
    whole = isinstance(result, WholeResponse)
    if whole:
        result = result.value
    try:
        # a copy: the callable may keep the value it returned and change it later
        result = snapshot(result)
    except (TypeError, ValueError, RecursionError):
        # what Lambda's Python runtime answers for such a return value
        raise StateFailure(MARSHAL_ERROR, json.dumps({
            "errorMessage": f"Unable to marshal response: {not_json(result)}",
            "errorType": MARSHAL_ERROR, "requestId": "", "stackTrace": []})) from None
    if base == LAMBDA_INVOKE and not ctx.token and not whole:
        return {"ExecutedVersion": "$LATEST", "Payload": result,
                "SdkHttpMetadata": {"HttpStatusCode": 200},
                "SdkResponseMetadata": {"RequestId": ""}, "StatusCode": 200}
    return result


def _resource_type(base: str) -> tuple[str, str]:
    # arn:aws:states:::lambda:invoke -> ("lambda", "invoke")
    parts = base.split(":")
    if len(parts) >= 7 and parts[2] == "states" and not parts[3]:
        return parts[5], ":".join(parts[6:])
    return (parts[2] if len(parts) > 2 else "unknown"), base


def run_task(env: Env) -> Any:
    """Run the Task state ``env.state`` once (Retry and Catch are the caller's)."""
    state, frame = env.state, env.frame
    runner = frame.run.runner
    base, suffix = split_resource(str(state.get("Resource", "")))
    waiter = runner.tokens.issue(env.name, frame.run.top_arn) \
        if suffix == ".waitForTaskToken" else None
    if waiter is not None:
        env.task_token = waiter.token
        env.reset_context()
    params = jsonata_fields.arguments(env, state) if env.jsonata else \
        dataflow.effective_input(env, state, env.input)
    timeout, heartbeat = _seconds(env, "TimeoutSeconds"), _seconds(env, "HeartbeatSeconds")
    kind, short = _resource_type(base)
    where = {"resourceType": kind, "resource": short + suffix}
    frame.event("TaskScheduled", {**where, "region": runner.region, "parameters": params})
    frame.event("TaskStarted", where)
    ctx = TaskContext(env, base, runner, timeout)
    start = frame.timeline.now()
    try:
        result = _invoke(env, base, params, ctx)
        # StopExecution while the callable ran: AWS aborts at once and drops its result
        frame.check()
        if waiter is not None:
            result = callbacks.wait(frame, waiter, timeout, heartbeat, runner.callback_patience)
        elif timeout is not None and frame.timeline.now() - start > timedelta(seconds=timeout):
            raise StateFailure(callbacks.TIMEOUT, None)
    except StateFailure as failure:
        timed_out = failure.error in (callbacks.TIMEOUT, callbacks.HEARTBEAT_TIMEOUT)
        details = {**where, "error": failure.error, "cause": failure.cause}
        frame.event("TaskTimedOut" if timed_out else "TaskFailed",
                    {k: v for k, v in details.items() if v is not None})
        raise
    finally:
        if waiter is not None:
            runner.tokens.retire(waiter)
    try:
        frame.event("TaskSucceeded", {**where, "output": result})
    except PayloadTooLarge:  # the result is dropped; a Catch naming the error may see it
        cause = result_cause(_result_owner(base, params, suffix))
        frame.event("TaskFailed", {**where, "error": DATA_LIMIT, "cause": cause})
        raise StateFailure(DATA_LIMIT, cause) from None
    return result


def _result_owner(base: str, params: Any, suffix: str) -> str:
    """Who AWS names in the cause of a task result over the limit: a Lambda function's
    ARN, or the integration (``aws-sdk:cloudformation``), as posted AWS executions show.
    """
    names = function_names(base, params)
    if len(names) > 1 and ":function:" in names[1]:
        return names[1]
    if base.startswith("arn:aws:lambda:"):
        return base
    kind, short = _resource_type(base)
    service = short.split(":", 1)[0]
    return f"{kind}:{service}" if kind == "aws-sdk" else f"{kind}:{short}{suffix}"
