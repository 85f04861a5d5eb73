"""The errors of the Step Functions API, shaped as AWS sends them (AWS JSON 1.0).

A 4xx answer carries ``{"__type": "<namespace>#<Code>", "message": "..."}``; botocore takes
the code after ``#`` and raises ``client.exceptions.<Code>``. The message texts are the
ones Step Functions answers with (``Execution Does Not Exist: '<arn>'``); where the API
reference is silent about a text, the comment at the factory says so.
"""

from __future__ import annotations

#: The namespace Step Functions' own errors carry in ``__type``.
SFN_NAMESPACE = "com.amazonaws.swf.service.model.v20160801"
#: The namespace of the protocol's errors (no such action, a body that is not JSON).
CORAL_NAMESPACE = "com.amazon.coral.service"
#: The largest execution input, task output and state payload (UTF-8 bytes).
MAX_PAYLOAD = 262_144


class ApiError(Exception):
    """An error answer of the API: ``code`` (``ExecutionDoesNotExist``), its message and
    the HTTP status (400 unless said)."""

    def __init__(self, code: str, message: str | None = None, *, status: int = 400,
                 namespace: str = SFN_NAMESPACE) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.namespace = namespace

    def body(self) -> dict[str, str]:
        out = {"__type": f"{self.namespace}#{self.code}"}
        if self.message is not None:
            out["message"] = self.message
        return out


def execution_does_not_exist(arn: str) -> ApiError:
    return ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def state_machine_does_not_exist(arn: str) -> ApiError:
    return ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def invalid_arn(why: str) -> ApiError:
    """``why``: ``Invalid ARN prefix: <arn>`` or ``Resource type not valid in this
    context: <type>``, the two texts Step Functions gives."""
    return ApiError("InvalidArn", f"Invalid Arn: '{why}'")


def invalid_definition(why: str) -> ApiError:
    return ApiError("InvalidDefinition", f"Invalid State Machine Definition: '{why}'")


def invalid_input(why: str) -> ApiError:
    return ApiError("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{why}'")


def invalid_output(why: str) -> ApiError:
    return ApiError("InvalidOutput", f"Invalid Output: '{why}'")


def already_exists(arn: str) -> ApiError:
    return ApiError("ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")


def invalid_token(why: str = "Invalid token") -> ApiError:
    return ApiError("InvalidToken", f"Invalid Token: '{why}'")


def task_timed_out() -> ApiError:
    # What Step Functions answers for the token of a task that has already ended.
    return ApiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")


def validation(field: str, constraint: str, value: str | None = "") -> ApiError:
    """The service framework's text for a member that breaks a constraint of the API
    reference (``Member must not be null``, ``Member must have length less than or equal
    to 262144``)."""
    shown = "null " if value is None else ""
    return ApiError("ValidationException", f"1 validation error detected: Value {shown}at "
                    f"'{field}' failed to satisfy constraint: {constraint}")


def unknown_operation() -> ApiError:
    return ApiError("UnknownOperationException", None, namespace=CORAL_NAMESPACE)


def serialization(why: str) -> ApiError:
    return ApiError("SerializationException", why, namespace=CORAL_NAMESPACE)
