"""``sfs3dsl start``, ``wait``, ``send-task-success``, ``send-task-failure`` and
``send-task-heartbeat``: calls to a Step Functions endpoint, AWS's (the default) or
``sfs3dsl serve``'s (``--endpoint-url``), through :mod:`sfs3dsl_runtime.waiting`.

botocore's errors become one line: an error AWS answered (``ExecutionDoesNotExist: ...``)
is an :class:`~sfs3dsl.core.errors.ExecutionError` (exit 1); no credentials, no region or an
endpoint nobody listens on is a :class:`~sfs3dsl.core.errors.LoadError` (exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sfs3dsl.core.errors import ExecutionError, LoadError

Echo = Callable[[str], None]


@contextmanager
def _aws(action: str, endpoint: str | None) -> Iterator[None]:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    from sfs3dsl_runtime.waiting import WaitTimeout

    where = endpoint or "AWS"
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise ExecutionError(f"{action}: {error.get('Code')}: {error.get('Message')}") \
            from None
    except NoCredentialsError:
        raise LoadError(f"{action}: no AWS credentials", hint="set AWS_ACCESS_KEY_ID and "
                        "AWS_SECRET_ACCESS_KEY (any value for sfs3dsl serve)") from None
    except NoRegionError:
        raise LoadError(f"{action}: no AWS region", hint="set AWS_DEFAULT_REGION") from None
    except EndpointConnectionError:
        raise LoadError(f"{action}: nothing answers at {where}",
                        hint="start `sfs3dsl serve` or check --endpoint-url") from None
    except BotoCoreError as exc:
        raise LoadError(f"{action}: {exc}", hint="check --endpoint-url and the "
                        "credentials") from None
    except WaitTimeout as exc:
        raise ExecutionError(str(exc)) from None


def _client(endpoint: str | None) -> Any:
    from sfs3dsl_runtime.waiting import stepfunctions_client

    return stepfunctions_client(endpoint)


def _show(found: dict[str, Any]) -> str:
    keep = {k: v for k, v in found.items() if k != "ResponseMetadata"}
    return json.dumps(keep, indent=2, default=str)


def _exit_code(found: dict[str, Any]) -> int:
    return 0 if found.get("status") in (None, "SUCCEEDED") else 1


def start(arn: str, input_value: Any, name: str | None, endpoint: str | None, wait: bool,
          poll: float, timeout: float, echo: Echo) -> int:
    from sfs3dsl_runtime.waiting import start_and_wait

    with _aws("StartExecution", endpoint):
        client = _client(endpoint)
        if wait:
            found = start_and_wait(arn, input_value, name=name, poll=poll, timeout=timeout,
                                   client=client)
        else:
            request = {"stateMachineArn": arn, "input": json.dumps(input_value)}
            if name:
                request["name"] = name
            found = client.start_execution(**request)
    echo(_show(found))
    return _exit_code(found)


def wait(arn: str, endpoint: str | None, poll: float, timeout: float, echo: Echo) -> int:
    from sfs3dsl_runtime.waiting import wait_for_execution

    with _aws("DescribeExecution", endpoint):
        found = wait_for_execution(arn, poll=poll, timeout=timeout, client=_client(endpoint))
    echo(_show(found))
    return _exit_code(found)


def send_task(action: str, token: str, endpoint: str | None, **params: Any) -> int:
    method = {"SendTaskSuccess": "send_task_success", "SendTaskFailure": "send_task_failure",
              "SendTaskHeartbeat": "send_task_heartbeat"}[action]
    with _aws(action, endpoint):
        getattr(_client(endpoint), method)(taskToken=token, **{
            k: v for k, v in params.items() if v is not None})
    return 0
