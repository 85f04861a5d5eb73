"""The state machines the service knows: those loaded at start and those created over the
API (CreateStateMachine, Describe, List, Update, Delete, ValidateStateMachineDefinition).

A machine's definition is validated with :func:`sfs3dsl.validate.validate_definition`, the
same check ``sfs3dsl validate`` makes, so what AWS would refuse is refused here.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sfs3dsl.serve import errors
from sfs3dsl.serve.protocol import check_name, optional_int, parse_arn, required

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter import Runner

_TYPES = ("STANDARD", "EXPRESS")


@dataclass
class Machine:
    arn: str
    name: str
    definition: str
    asl: dict[str, Any]
    role_arn: str
    type: str = "STANDARD"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    revision: str = field(default_factory=lambda: str(uuid.uuid4()))
    #: Why the runner cannot run ``asl`` (its check, made once here rather than at every
    #: StartExecution), or None when it can.
    unrunnable: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.set_asl(self.asl)

    def set_asl(self, asl: dict[str, Any]) -> None:
        from sfs3dsl.core.errors import ExecutionError
        from sfs3dsl.run.interpreter.checks import check_definition

        try:
            check_definition(asl)
        except ExecutionError as exc:
            self.unrunnable = str(exc)
        else:
            self.unrunnable = None
        self.asl = asl

    def describe(self) -> dict[str, Any]:
        return {"stateMachineArn": self.arn, "name": self.name, "status": "ACTIVE",
                "definition": self.definition, "roleArn": self.role_arn, "type": self.type,
                "creationDate": self.created, "revisionId": self.revision,
                "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
                "tracingConfiguration": {"enabled": False}}


def diagnostics(asl: Any) -> list[dict[str, str]]:
    """ValidateStateMachineDefinition's diagnostics for a parsed definition."""
    from sfs3dsl.validate import validate_definition

    if not isinstance(asl, dict):
        return [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED",
                 "message": "the definition must be a JSON object", "location": "/"}]
    return [{"severity": p.severity.upper(), "code": p.code,
             "message": f"{p.message}; fix: {p.hint}", "location": p.path}
            for p in validate_definition(asl)]


def parse_definition(text: str) -> dict[str, Any]:
    """A definition's JSON text, parsed and validated (InvalidDefinition otherwise)."""
    try:
        asl = json.loads(text)
    except ValueError as exc:
        raise errors.invalid_definition(f"INVALID_JSON_DESCRIPTION: {exc}") from None
    problems = [d for d in diagnostics(asl) if d["severity"] == "ERROR"]
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise errors.invalid_definition(f"SCHEMA_VALIDATION_FAILED: {first['message']} at "
                                        f"{first['location']}{more}")
    assert isinstance(asl, dict)
    return asl


class Machines:
    """State machines by ARN; each is registered with the runner so it can run."""

    def __init__(self, runner: Runner, role_arn: str) -> None:
        self.runner = runner
        self.role_arn = role_arn
        self._by_arn: dict[str, Machine] = {}
        self._lock = threading.Lock()

    def arn(self, name: str) -> str:
        return f"arn:aws:states:{self.runner.region}:{self.runner.account}:stateMachine:{name}"

    def add(self, name: str, asl: dict[str, Any], machine_type: str = "STANDARD") -> Machine:
        """Make a loaded definition known (it is registered with the runner already)."""
        machine = Machine(self.arn(name), name, json.dumps(asl, indent=2), asl,
                          self.role_arn, machine_type)
        with self._lock:
            self._by_arn[machine.arn] = machine
        return machine

    def get(self, arn: str) -> Machine:
        with self._lock:
            found = self._by_arn.get(arn)
        if found is None:
            # checked only when unknown: every ARN kept here is well formed
            parse_arn(arn, "stateMachine")
            raise errors.state_machine_does_not_exist(arn)
        return found

    def all(self) -> list[Machine]:
        with self._lock:
            return list(self._by_arn.values())

    # --- actions ----------------------------------------------------------------------

    def create(self, params: dict[str, Any]) -> dict[str, Any]:
        name = required(params, "name")
        check_name(name)
        text = required(params, "definition")
        role = required(params, "roleArn")
        kind = params.get("type") or "STANDARD"
        if kind not in _TYPES:
            raise errors.validation("type", "Member must satisfy enum value set: "
                                    "[STANDARD, EXPRESS]")
        asl = parse_definition(text)
        arn = self.arn(name)
        with self._lock:
            existing = self._by_arn.get(arn)
            if existing is not None:
                # AWS: idempotent when everything is the same, else this error
                if (existing.definition, existing.role_arn, existing.type) != (text, role, kind):
                    raise errors.ApiError("StateMachineAlreadyExists",
                                          f"State Machine Already Exists: '{arn}'")
                return {"stateMachineArn": arn, "creationDate": existing.created}
            machine = Machine(arn, name, text, asl, role, kind)
            self._by_arn[arn] = machine
        self.runner.register_state_machine(arn, asl)
        return {"stateMachineArn": arn, "creationDate": machine.created,
                "stateMachineVersionArn": None}

    def describe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.get(required(params, "stateMachineArn")).describe()

    def list(self, params: dict[str, Any]) -> dict[str, Any]:
        limit = optional_int(params, "maxResults", 100, 1, 1000)
        start = page_offset(params.get("nextToken"), "list")
        machines = sorted(self.all(), key=lambda m: m.name)
        page = machines[start:start + limit]
        out: dict[str, Any] = {"stateMachines": [
            {"stateMachineArn": m.arn, "name": m.name, "type": m.type,
             "creationDate": m.created} for m in page]}
        if start + limit < len(machines):
            out["nextToken"] = page_token("list", start + limit)
        return out

    def update(self, params: dict[str, Any]) -> dict[str, Any]:
        machine = self.get(required(params, "stateMachineArn"))
        text, role = params.get("definition"), params.get("roleArn")
        if text is None and role is None:
            raise errors.ApiError("MissingRequiredParameter", "Either the definition, the "
                                  "roleArn, the loggingConfiguration or the "
                                  "tracingConfiguration must be specified")
        if isinstance(text, str):
            machine.set_asl(parse_definition(text))
            machine.definition = text
            self.runner.register_state_machine(machine.arn, machine.asl)
        if isinstance(role, str):
            machine.role_arn = role
        machine.revision = str(uuid.uuid4())
        return {"updateDate": datetime.now(UTC), "revisionId": machine.revision}

    def delete(self, params: dict[str, Any]) -> dict[str, Any]:
        arn = required(params, "stateMachineArn")
        parse_arn(arn, "stateMachine")
        with self._lock:  # AWS: deleting a machine that is not there is no error
            self._by_arn.pop(arn, None)
        return {}

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        text = required(params, "definition")
        try:
            asl = json.loads(text)
        except ValueError as exc:
            found = [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION",
                      "message": str(exc), "location": "/"}]
        else:
            found = diagnostics(asl)
        ok = not any(d["severity"] == "ERROR" for d in found)
        return {"result": "OK" if ok else "FAIL", "diagnostics": found, "truncated": False}


def page_token(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode()


def page_offset(token: Any, kind: str) -> int:
    """The position a ``nextToken`` of this service stands for (InvalidToken if it is not
    one)."""
    if token is None:
        return 0
    try:
        found_kind, number = base64.urlsafe_b64decode(str(token).encode()).decode().split(":")
        if found_kind != kind:
            raise ValueError(kind)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise errors.invalid_token(f"Invalid nextToken: {token}") from None
