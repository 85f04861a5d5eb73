"""The generated API facade over HTTP, as API Gateway serves it: the routes of each
workflow's ``generated/<workflow>/serverless.yml``, their API key, Lambda proxy events.

Two kinds of route are read from the fragment: the facade's functions (``start-process``,
``process-state/{transactionId}``, ``process-data/{transactionId}``), called as Lambda
proxy integrations with the environment the fragment gives them, and the state machine's
own ``http`` events (iw102's ``start``, ``status``, ``stop``), which call the Step Functions
action they name with the request body, as serverless-step-functions wires them. A
``private: true`` route needs the ``x-api-key`` header; without a valid one API Gateway
answers 403 ``{"message":"Forbidden"}``, and a path no route has gets 403
``{"message":"Missing Authentication Token"}``; this does the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from sfs3dsl.serve import errors

if TYPE_CHECKING:
    from sfs3dsl.serve.service import StepFunctionsService

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
Answer = tuple[int, dict[str, str], bytes]
_JSON = {"Content-Type": "application/json"}


@dataclass
class Route:
    """One HTTP event: ``method`` and ``path`` (``process-a/process-state/{transactionId}``)
    and what answers it."""

    method: str
    path: str
    private: bool
    pattern: re.Pattern[str]
    call: Callable[[dict[str, Any]], Answer]


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[A-Za-z0-9_]+\+?\})", path.strip("/"))
    regex = "".join(f"(?P<{p[1:-1].rstrip('+')}>[^/]+)" if p.startswith("{") else re.escape(p)
                    for p in parts)
    return re.compile(f"^/{regex}/?$")


def _answer(status: int, body: Any) -> Answer:
    return status, dict(_JSON), json.dumps(body, separators=(",", ":"), default=str).encode()


class Facade:
    """The routes of every served workflow; :meth:`handle` answers one request."""

    def __init__(self, api_keys: list[str]) -> None:
        self.api_keys = frozenset(api_keys)
        self.routes: list[Route] = []

    def add_function(self, method: str, path: str, private: bool, handler: Handler,
                     env: Mapping[str, str]) -> None:
        """A Lambda proxy route: ``handler(event, context)`` with ``env`` laid over the
        process environment while it runs."""
        from sfs3dsl_runtime import clients

        def call(event: dict[str, Any]) -> Answer:
            token = clients.use_environ(env)
            try:
                result = handler(event, None)
            except Exception:  # a function error: API Gateway answers 502 with this body
                return _answer(502, {"message": "Internal server error"})
            finally:
                clients.restore_environ(token)
            body = result.get("body") or ""
            headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
            return int(result.get("statusCode", 200)), headers, str(body).encode()

        self.routes.append(Route(method.upper(), path, private, _pattern(path), call))

    def add_action(self, method: str, path: str, private: bool, action: str,
                   machine_arn: str, service: StepFunctionsService) -> None:
        """A route that calls a Step Functions action (serverless-step-functions' http
        event): StartExecution gets the body as the input, other actions the body as the
        request."""

        def call(event: dict[str, Any]) -> Answer:
            body = event.get("body") or ""
            try:
                if action == "StartExecution":
                    params = {"stateMachineArn": machine_arn, "input": body or "{}"}
                else:
                    params = json.loads(body or "{}")
                    if not isinstance(params, dict):
                        return _answer(400, {"message": "the body must be a JSON object"})
                found = service.call(action, params)
            except ValueError as exc:
                return _answer(400, {"message": f"the body is not JSON: {exc}"})
            except errors.ApiError as exc:
                return _answer(exc.status, exc.body())
            from sfs3dsl.serve.protocol import encode

            return 200, dict(_JSON), encode(found)

        self.routes.append(Route(method.upper(), path, private, _pattern(path), call))

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str],
               body: bytes) -> Answer:
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None or route.method not in (method, "ANY"):
                continue
            if route.private and headers.get("x-api-key") not in self.api_keys:
                return _answer(403, {"message": "Forbidden"})
            event = {"resource": "/" + route.path, "path": path, "httpMethod": method,
                     "headers": dict(headers), "queryStringParameters":
                     dict(parse_qsl(query)) or None, "pathParameters": found.groupdict()
                     or None, "body": body.decode("utf-8", "replace") if body else None,
                     "isBase64Encoded": False}
            return route.call(event)
        return _answer(403, {"message": "Missing Authentication Token"})


def load_routes(facade: Facade, generated: Path, workflow: str, machine_arn: str,
                env: Mapping[str, str], service: StepFunctionsService) -> int:
    """Add the routes of ``generated/<workflow>/serverless.yml``; returns how many."""
    import yaml

    from sfs3dsl.run.handlers import import_file

    path = generated / workflow / "serverless.yml"
    if not path.is_file():
        return 0
    fragment = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    count = 0
    for function in (fragment.get("functions") or {}).values():
        handler = str(function.get("handler", ""))
        module, _, name = handler.rpartition(".")
        source = generated.parent / f"{module}.py"
        if "/handlers/facade" not in module or not source.is_file():
            continue
        fn = getattr(import_file(source, "sfs3dsl_facade"), name)
        values = {k: (v if isinstance(v, str) else env.get(k, ""))
                  for k, v in (function.get("environment") or {}).items()}
        for event in function.get("events") or ():
            http = event.get("http") if isinstance(event, dict) else None
            if isinstance(http, dict):
                facade.add_function(str(http["method"]), str(http["path"]),
                                    bool(http.get("private")), fn, values)
                count += 1
    machines = (fragment.get("stepFunctions") or {}).get("stateMachines") or {}
    for machine in machines.values():
        for event in machine.get("events") or ():
            http = event.get("http") if isinstance(event, dict) else None
            if isinstance(http, dict):
                facade.add_action(str(http["method"]), str(http["path"]),
                                  bool(http.get("private")),
                                  str(http.get("action") or "StartExecution"), machine_arn,
                                  service)
                count += 1
    return count
