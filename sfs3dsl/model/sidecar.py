"""The S3 side-car in the model: a :class:`SideCar` turns plain functions into Task states.

A side-car step is a ``lambda:invoke`` Task whose Lambda (a handler generated around the
user's function) reads the process document from S3, checks the read predicate, stores the
function's result under ``<step>-output`` and passes the reference on unchanged. Each step
knows its side-car, so ``Workflow`` needs no extra argument.

Example:
    >>> from process_a_steps import step_a, step_b
    >>> sidecar = SideCar(prefix="process-a/")
    >>> flow = sidecar.step(step_a, timeout_seconds=11) >> sidecar.step(step_b)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.expressions import _Unset
from sfs3dsl.model.iam_statements import permission_problem
from sfs3dsl.model.integrations import function_ref
from sfs3dsl.model.retry import Catch, Retry
from sfs3dsl.model.serverless import ServerlessOptions
from sfs3dsl.model.source import caller_location
from sfs3dsl.model.task import Task
from sfs3dsl.model.values import Context, JsonPath

if TYPE_CHECKING:
    from sfs3dsl.model.workflow import Workflow

NOT_READY = "S3DataPreconditionError"
#: Where a Catch on a side-car step puts the error unless told otherwise.
CAUGHT_PATH = "$.error"
#: Keys of the state input a step may not expose: the reference's own.
RESERVED_KEYS = frozenset({"processData", "iteration", "subtopic", "error"})
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
StepFunction = Callable[[dict[str, Any]], Any]
Predicate = Callable[[dict[str, Any]], bool]
_PREFIX = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9_.-]*/)*\Z")
_STEP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*\Z")


@dataclass(frozen=True)
class NotReadyRetry:
    """How a step retries while its read predicate does not hold.

    The defaults are ProcessA's: every second, three more times.
    """

    interval_seconds: int = 1
    backoff_rate: float = 1
    max_attempts: int = 3
    max_delay_seconds: int | None = None
    jitter_strategy: Literal["FULL", "NONE"] | None = None

    def retrier(self, error: str) -> Retry:
        return Retry([error], interval_seconds=self.interval_seconds,
                     max_attempts=self.max_attempts, backoff_rate=self.backoff_rate,
                     max_delay_seconds=self.max_delay_seconds,
                     jitter_strategy=self.jitter_strategy)


def _importable(obj: Any, what: str, where: str) -> None:
    qualname = getattr(obj, "__qualname__", "")
    module = getattr(obj, "__module__", None)
    if not callable(obj) or not qualname or "<" in qualname or "." in qualname or not module:
        raise BuildError(f"{what} {obj!r} is not a module-level function, so the generated "
                         "Lambda handler cannot import it", where=where,
                         hint="define it with `def` at the top level of a module beside the "
                              "workflow whose name starts with '_' (e.g. "
                              "workflows/_process_a_steps.py)")


def _exposed(expose: Sequence[str], where: str) -> tuple[str, ...]:
    if isinstance(expose, str):
        raise BuildError(f"expose={expose!r} is a string, so it would expose each letter",
                         where=where, hint=f"pass a tuple: expose=({expose!r},)")
    for key in expose:
        if not isinstance(key, str) or not key.isidentifier():
            raise BuildError(f"expose names {key!r}, which is not a top-level key a JSONPath "
                             "can read as $.<key>", where=where,
                             hint='expose identifiers such as "outcome"')
        if key in RESERVED_KEYS:
            raise BuildError(f"expose names {key!r}, a key of the side-car reference itself",
                             where=where, hint="give the value another name")
    if len(set(expose)) != len(expose):
        raise BuildError(f"expose={tuple(expose)!r} names a key twice", where=where,
                         hint="name each key once")
    return tuple(expose)


class SideCar:
    """Where a workflow keeps its process data, and how its steps wait for it.

    Args:
        prefix: key prefix of this workflow's processes (``"process-a/"``).
        bucket: the bucket's name; left out, CloudFormation names it (recommended).
        kms_key_id: a KMS key ARN or alias; objects use SSE-KMS with it instead of SSE-S3.
        not_ready_error: the error a step raises while its predicate does not hold.
        retry: the default :class:`NotReadyRetry` of every step.
        timeout_seconds: the default TimeoutSeconds of every step.
        expire_after_days: the bucket's lifecycle rule deletes process data this old.
        serverless: deployment options of the workflow's serverless.yml fragment.
    """

    __slots__ = ("bucket", "expire_after_days", "kms_key_id", "not_ready_error", "prefix",
                 "retry", "serverless", "timeout_seconds", "where")

    def __init__(self, *, prefix: str, bucket: str | None = None, kms_key_id: str | None = None,
                 not_ready_error: str = NOT_READY, retry: NotReadyRetry | None = None,
                 timeout_seconds: int = 60, expire_after_days: int = 30,
                 serverless: ServerlessOptions | None = None) -> None:
        self.where = caller_location()
        if not isinstance(prefix, str) or not _PREFIX.match(prefix if prefix.endswith("/")
                                                            else prefix + "/"):
            raise BuildError(f"prefix {prefix!r} must be folder names of letters, digits, "
                             "'.', '-' and '_' separated by '/'", where=self.where,
                             hint='e.g. prefix="process-a/"')
        if not not_ready_error.isidentifier():
            raise BuildError(f"not_ready_error {not_ready_error!r} must be a Python class name "
                             "(Lambda reports the exception's class name as the error)",
                             where=self.where, hint=f'keep the default "{NOT_READY}"')
        for name, value in (("timeout_seconds", timeout_seconds),
                            ("expire_after_days", expire_after_days)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 2 - (
                    name == "expire_after_days"):
                raise BuildError(f"{name} must be an int of at least 2, got {value!r}",
                                 where=self.where, hint=f"e.g. {name}=60")
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.bucket = bucket
        self.kms_key_id = kms_key_id
        self.not_ready_error = not_ready_error
        self.retry = retry or NotReadyRetry()
        self.timeout_seconds = timeout_seconds
        self.expire_after_days = expire_after_days
        self.serverless = serverless or ServerlessOptions()

    @overload
    def step(self, function: StepFunction, /, *, name: str | None = ...,
             predicate: Predicate | None = ..., retry: NotReadyRetry | None = ...,
             timeout_seconds: int | None = ..., environment: Mapping[str, Any] | None = ...,
             permissions: Sequence[Mapping[str, Any]] = ..., starts: Sequence[Workflow] = ...,
             expose: Sequence[str] = ..., comment: str | None = ...) -> SideCarStep: ...

    @overload
    def step(self, function: None = ..., /, *, name: str | None = ...,
             predicate: Predicate | None = ..., retry: NotReadyRetry | None = ...,
             timeout_seconds: int | None = ..., environment: Mapping[str, Any] | None = ...,
             permissions: Sequence[Mapping[str, Any]] = ..., starts: Sequence[Workflow] = ...,
             expose: Sequence[str] = ..., comment: str | None = ...
             ) -> Callable[[StepFunction], SideCarStep]: ...

    def step(self, function: StepFunction | None = None, /, *, name: str | None = None,
             predicate: Predicate | None = None, retry: NotReadyRetry | None = None,
             timeout_seconds: int | None = None, environment: Mapping[str, Any] | None = None,
             permissions: Sequence[Mapping[str, Any]] = (), starts: Sequence[Workflow] = (),
             expose: Sequence[str] = (), comment: str | None = None
             ) -> SideCarStep | Callable[[StepFunction], SideCarStep]:
        """Turn ``function`` (``doc -> result``) into a side-car Task state.

        Call it (``sidecar.step(step_b, timeout_seconds=11)``) or use it as a decorator
        (``@sidecar.step(timeout_seconds=11)``). The name defaults to the function's with
        ``_`` as ``-`` (``step_b`` -> ``step-b``).

        Args:
            predicate: ``doc -> bool``, checked after the derived read predicate.
            retry: overrides the side-car's :class:`NotReadyRetry` for this step.
            environment: extra Lambda environment variables (CloudFormation values allowed).
            permissions: extra IAM statements for this step's role.
            starts: side-car workflows this step starts with ``start_workflow``; the fragment
                grants StartExecution on them and passes their settings in.
            expose: top-level keys of the function's result that also travel in the state
                output beside ``processData``, for a Choice to branch on
                (``JsonPath("$.outcome") == "declined"``); small values only.
        """
        def build(fn: StepFunction) -> SideCarStep:
            return SideCarStep(self, fn, name=name, predicate=predicate, retry=retry,
                               timeout_seconds=timeout_seconds, environment=environment,
                               permissions=permissions, starts=starts, expose=expose,
                               comment=comment)

        return build if function is None else build(function)

    def iteration_reference(self) -> dict[str, JsonPath]:
        """The ItemSelector of a Map whose iterations run side-car steps.

        Example:
            >>> Map("each", processor=..., items_path="$.items", result_path=None,
            ...     item_selector=sidecar.iteration_reference())
        """
        return {"processData": JsonPath("$.processData"), "iteration": Context.map_item_index}

    def __repr__(self) -> str:
        return f"SideCar(prefix={self.prefix!r})"


class SideCarStep(Task):
    """A Task state that runs a user function through a generated side-car handler."""

    __slots__ = ("environment", "expose", "function", "permissions", "predicate", "sidecar",
                 "starts")

    def __init__(self, sidecar: SideCar, function: StepFunction, *, name: str | None = None,
                 predicate: Predicate | None = None, retry: NotReadyRetry | None = None,
                 timeout_seconds: int | None = None,
                 environment: Mapping[str, Any] | None = None,
                 permissions: Sequence[Mapping[str, Any]] = (),
                 starts: Sequence[Workflow] = (), expose: Sequence[str] = (),
                 comment: str | None = None) -> None:
        where = caller_location()
        _importable(function, "the step function", where)
        if predicate is not None:
            _importable(predicate, "the predicate", where)
        step_name = name if name is not None else function.__name__.replace("_", "-")
        if not _STEP_NAME.match(step_name):
            raise BuildError(f"side-car step name {step_name!r} must be letters and digits "
                             "joined by '-' or '_' (it names a Lambda function and S3 keys)",
                             where=where, hint='pass name="step-a"')
        timeout = sidecar.timeout_seconds if timeout_seconds is None else timeout_seconds
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 2:
            raise BuildError(f"timeout_seconds must be an int of at least 2 (the Lambda gets "
                             f"one second less), got {timeout!r}", where=where,
                             hint="e.g. timeout_seconds=11")
        exposed = _exposed(expose, where)
        wrong = permission_problem(permissions)
        if wrong is not None:
            raise BuildError(f"side-car step {step_name!r}: {wrong[0]}", where=where,
                             hint=wrong[1])
        super().__init__(step_name, resource=LAMBDA_INVOKE,
                         parameters={"FunctionName": function_ref(step_name),
                                     "Payload": {"input": JsonPath("$"),
                                                 "visit": Context.state_entered_time}},
                         output_path="$.Payload", timeout_seconds=timeout,
                         retry=[(retry or sidecar.retry).retrier(sidecar.not_ready_error)],
                         comment=comment)
        self.sidecar = sidecar
        self.function = function
        self.predicate = predicate
        self.environment = dict(environment or {})
        self.permissions = [dict(p) for p in permissions]
        self.starts = list(starts)
        self.expose = exposed

    def _add_catch(self, catcher: Catch) -> None:
        """A Catch keeps the reference: unless told otherwise the error goes to
        ``$.error`` beside ``processData``; a ResultPath that would replace the whole
        input is refused."""
        if isinstance(catcher, Catch):
            if isinstance(catcher.result_path, _Unset):
                catcher.result_path = CAUGHT_PATH
            elif catcher.result_path == "$" or (
                    isinstance(catcher.result_path, str)
                    and catcher.result_path.split(".")[:2] in (["$", "processData"],
                                                                ["$", "iteration"])):
                raise BuildError(f"a Catch with result_path={catcher.result_path!r} "
                                 "replaces the side-car reference with the error, so the "
                                 "next step cannot find the process", state=self.name,
                                 where=catcher.where,
                                 hint=f'leave result_path out (the error goes to '
                                      f'"{CAUGHT_PATH}") or name another field')
        super()._add_catch(catcher)

    @property
    def output_key(self) -> str:
        """The document key of this step's result: ``step-a-output``."""
        return f"{self.name}-output"

    def __call__(self, document: dict[str, Any]) -> Any:
        """Call the user's function directly (handy in unit tests)."""
        return self.function(document)
