"""Task states, and the Retry/Catch behaviour Task, Parallel and Map share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from sfs3dsl.model.chain import as_chainable
from sfs3dsl.model.expressions import UNSET, Jsonata, _Unset
from sfs3dsl.model.intrinsics import Intrinsic
from sfs3dsl.model.retry import Catch, Retry
from sfs3dsl.model.states import QueryLanguage, State, split_dynamic
from sfs3dsl.model.values import JsonPath
from sfs3dsl.syntax.asl import TASK_TOKEN_JSONATA, TASK_TOKEN_PATH

if TYPE_CHECKING:
    from sfs3dsl.compile.compiler import RenderContext
    from sfs3dsl.model.chain import Chainable


class Recoverable(State):
    """A state that can Retry and Catch: Task, Parallel, Map."""

    __slots__ = ("catchers", "retriers")

    def _init_recovery(self, retry: Sequence[Retry], catch: Sequence[Catch]) -> None:
        self.retriers: list[Retry] = []
        self.catchers: list[Catch] = []
        if retry:
            for r in retry:
                self._add_retry(r)
        if catch:
            for c in catch:
                self._add_catch(c)

    def _add_retry(self, retrier: Retry) -> None:
        if not isinstance(retrier, Retry):
            raise self._fail(f"retry got {retrier!r}, which is not a Retry",
                             hint='pass Retry(["States.ALL"], max_attempts=3)')
        if self.retriers and "States.ALL" in self.retriers[-1].errors:
            raise self._fail("a Retry follows the one for States.ALL, so it can never match",
                             hint="put the States.ALL retrier last")
        self.retriers.append(retrier)

    def _add_catch(self, catcher: Catch) -> None:
        if not isinstance(catcher, Catch):
            raise self._fail(f"catch got {catcher!r}, which is not a Catch",
                             hint='pass Catch(["States.ALL"], handler_state)')
        if self.catchers and "States.ALL" in self.catchers[-1].errors:
            raise self._fail("a Catch follows the one for States.ALL, so it can never match",
                             hint="put the States.ALL catcher last")
        self.catchers.append(catcher)

    def retry(self, errors: Sequence[str] | str = ("States.ALL",), *,
              interval_seconds: int | None = None, max_attempts: int | None = None,
              backoff_rate: float | None = None, max_delay_seconds: int | None = None,
              jitter_strategy: Literal["FULL", "NONE"] | None = None,
              comment: str | None = None) -> Recoverable:
        """Add a retrier; returns this state so calls can be chained."""
        self._add_retry(Retry(errors, interval_seconds=interval_seconds,
                              max_attempts=max_attempts, backoff_rate=backoff_rate,
                              max_delay_seconds=max_delay_seconds,
                              jitter_strategy=jitter_strategy, comment=comment))
        return self

    def catch(self, errors: Sequence[str] | str, handler: Chainable, *,
              result_path: str | None | _Unset = UNSET, output: Any = UNSET,
              assign: dict[str, Any] | None = None, comment: str | None = None) -> Recoverable:
        """Add a catcher that goes to ``handler``; returns this state.

        Example:
            >>> step.catch(["States.ALL"], Fail("Failed"), result_path="$.error")
        """
        self._add_catch(Catch(errors, handler, result_path=result_path, output=output,
                              assign=assign, comment=comment))
        return self

    def successors(self) -> Iterator[State]:
        if self.next_state is not None:  # State.successors, without a nested generator
            yield self.next_state
        for c in self.catchers:
            yield c.next.start_state

    def render_extra(self, out: dict[str, Any], ctx: RenderContext, jsonata: bool) -> None:
        if self.retriers:
            out["Retry"] = [r.render() for r in self.retriers]
        if self.catchers:
            out["Catch"] = [c.render(ctx.name_of(c.next.start_state), jsonata=jsonata)
                            for c in self.catchers]


def _carries_token(value: Any) -> bool:
    """True if a payload passes the task token on (JSONPath or JSONata form)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, JsonPath | Intrinsic):
            # An intrinsic passes the token on when the token path is one of its arguments.
            if item.text == TASK_TOKEN_PATH or (isinstance(item, Intrinsic)
                                                and TASK_TOKEN_PATH in item.text):
                return True
        elif isinstance(item, Jsonata):
            if TASK_TOKEN_JSONATA in item.expr:
                return True
        elif isinstance(item, str):
            if item == TASK_TOKEN_PATH or TASK_TOKEN_JSONATA in item:
                return True
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


class Task(Recoverable):
    """A unit of work done by a resource: a Lambda function, an AWS service, an activity.

    Prefer the helpers in :mod:`sfs3dsl` (``lambda_invoke``, ``start_execution``,
    ``sns_publish``, ...) for AWS integrations; ``Task`` takes any ``resource``.

    Example:
        >>> Task("hello", resource="arn:aws:lambda:eu-west-1:123456789012:function:hello",
        ...      result_path="$.taskresult", timeout_seconds=11)
    """

    type = "Task"
    __slots__ = ()

    def __init__(self, name: str | None = None, *, resource: str, parameters: Any = UNSET,
                 arguments: Any = UNSET, credentials: Any = UNSET, input_path: Any = UNSET,
                 result_selector: Any = UNSET, result_path: Any = UNSET,
                 output_path: Any = UNSET, output: Any = UNSET,
                 assign: Mapping[str, Any] | None = None, timeout_seconds: Any = UNSET,
                 heartbeat_seconds: Any = UNSET, retry: Sequence[Retry] = (),
                 catch: Sequence[Catch] = (), comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        if not isinstance(resource, str) or not resource:
            raise self._fail(f"resource must be a non-empty str, got {resource!r}",
                             hint="pass resource='arn:aws:states:::lambda:invoke' or an ARN")
        # Each field tested here, not through _set: a Task takes many options and
        # workflows hold many Tasks.
        fields = self.fields
        fields["Resource"] = resource
        if credentials is not UNSET:
            fields["Credentials"] = credentials
        if input_path is not UNSET or output_path is not UNSET or output is not UNSET \
                or assign is not None:
            self._set_io(input_path=input_path, output_path=output_path, output=output,
                         assign=assign)
        if parameters is not UNSET:
            fields["Parameters"] = parameters
        if arguments is not UNSET:
            fields["Arguments"] = arguments
        if result_selector is not UNSET:
            fields["ResultSelector"] = result_selector
        if result_path is not UNSET:
            fields["ResultPath"] = result_path
        if timeout_seconds is not UNSET or heartbeat_seconds is not UNSET:
            self._set_timeouts(timeout_seconds, heartbeat_seconds)
        if resource.endswith(".waitForTaskToken"):
            payload = parameters if not isinstance(parameters, _Unset) else arguments
            if not _carries_token(payload):
                raise self._fail(
                    "a .waitForTaskToken task must pass the task token to the worker, "
                    "but its payload does not carry it",
                    hint='add "token": Context.task_token (JSONPath) or '
                         '"{% $states.context.Task.Token %}" (JSONata) to the payload')
        self._init_recovery(retry, catch)

    def _set_timeouts(self, timeout: Any, heartbeat: Any) -> None:
        for value, key in ((timeout, "TimeoutSeconds"), (heartbeat, "HeartbeatSeconds")):
            if isinstance(value, _Unset):
                continue
            if type(value) is int and value > 0:  # the usual case, said in one test
                self.fields[key] = value
                continue
            if isinstance(value, bool) or (isinstance(value, int | float) and not (
                    isinstance(value, int) and value > 0)):
                raise self._fail(f"{key} must be a positive whole number, got {value!r}",
                                 hint=f"pass an int such as {key.lower()}=60")
            k, v = split_dynamic(value, key, key + "Path")
            self.fields[k] = v
        if isinstance(timeout, _Unset) or isinstance(heartbeat, _Unset):
            return
        t, h = self.fields.get("TimeoutSeconds"), self.fields.get("HeartbeatSeconds")
        if isinstance(t, int) and isinstance(h, int) and h >= t:
            raise self._fail(f"heartbeat_seconds ({h}) must be below timeout_seconds ({t})",
                             hint=f"use heartbeat_seconds < {t}, or raise timeout_seconds")


__all__ = ["Recoverable", "Task", "as_chainable"]
