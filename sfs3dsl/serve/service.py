"""The Step Functions service: each API action, by name, over the machines and executions.

:meth:`StepFunctionsService.call` is the whole API (the HTTP server and the in-process
client both go through it). :class:`InProcessClient` stands in for boto3's client inside
the serving process, so a generated handler's ``start_execution`` (step f starting
Downstream) or the facade's ``describe_execution`` reach the same executions the HTTP
clients see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sfs3dsl.serve import errors
from sfs3dsl.serve.executions import Executions
from sfs3dsl.serve.machines import Machines

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Runner

Action = Callable[[dict[str, Any]], dict[str, Any]]


class StepFunctionsService:
    """The API over one runner."""

    def __init__(self, runner: Runner) -> None:
        role = f"arn:aws:iam::{runner.account}:role/StepFunctionsLocal"
        self.machines = Machines(runner, role)
        self.executions = Executions(self.machines)
        m, e = self.machines, self.executions
        self.actions: dict[str, Action] = {
            "CreateStateMachine": m.create, "DescribeStateMachine": m.describe,
            "ListStateMachines": m.list, "UpdateStateMachine": m.update,
            "DeleteStateMachine": m.delete, "ValidateStateMachineDefinition": m.validate,
            "StartExecution": e.start, "StartSyncExecution": e.start_sync,
            "DescribeExecution": e.describe, "ListExecutions": e.list,
            "GetExecutionHistory": e.history, "StopExecution": e.stop,
            "SendTaskSuccess": e.send_success, "SendTaskFailure": e.send_failure,
            "SendTaskHeartbeat": e.send_heartbeat, "TestState": self._test_state,
        }

    def call(self, action: str | None, params: dict[str, Any]) -> dict[str, Any]:
        """Run one action; raises :class:`~sfs3dsl.serve.errors.ApiError` as AWS answers."""
        found = self.actions.get(action or "")
        if found is None:
            raise errors.unknown_operation()
        return found(params)

    def _test_state(self, params: dict[str, Any]) -> dict[str, Any]:
        from sfs3dsl.serve.teststate import test_state

        return test_state(self.machines.runner, params)


class InProcessClient:
    """boto3's Step Functions client, as far as the runtime uses it, on the service.

    Errors are botocore's ``ClientError`` with the code AWS gives, so ``except
    client.exceptions...``-free code (the runtime's) handles them as it would in AWS.
    """

    _NAMES = {"start_execution": "StartExecution", "describe_execution": "DescribeExecution",
              "stop_execution": "StopExecution", "list_executions": "ListExecutions",
              "send_task_success": "SendTaskSuccess", "send_task_failure": "SendTaskFailure",
              "send_task_heartbeat": "SendTaskHeartbeat",
              "get_execution_history": "GetExecutionHistory"}

    def __init__(self, service: StepFunctionsService) -> None:
        self._service = service

    def __getattr__(self, method: str) -> Callable[..., dict[str, Any]]:
        action = self._NAMES.get(method)
        if action is None:
            raise AttributeError(method)

        def call(**params: Any) -> dict[str, Any]:
            from botocore.exceptions import ClientError

            try:
                return self._service.call(action, params)
            except errors.ApiError as exc:
                raise ClientError({"Error": {"Code": exc.code, "Message": exc.message or ""}},
                                  action) from None

        return call
