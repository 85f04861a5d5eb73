"""Clients that wait: for an execution (``DescribeExecution`` until it is no longer
RUNNING) and for a process behind the API facade.

The same code runs against AWS and against ``sfs3dsl serve``: give ``endpoint_url`` (or
your own boto3 client) to point it at a local endpoint. Standard library and boto3 only.

Example:
    >>> done = start_and_wait(arn, {"inputNum": 7}, timeout=60)
    >>> done["status"], json.loads(done["output"])
    ('SUCCEEDED', {...})
    >>> api = ProcessClient("https://abc.execute-api.us-east-1.amazonaws.com/dev",
    ...                     api_key, workflow="process-a")
    >>> txn = api.start({"foo": "foo val"})["transactionId"]
    >>> api.wait(txn)["status"], api.data(txn)["step-f-output"]
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

#: The seed's embedded service: poll every 1.5 s, give up after 20 s.
DEFAULT_POLL = 1.5
DEFAULT_TIMEOUT = 20.0
#: Each poll waits ``backoff`` times longer than the one before, up to ``max_poll`` seconds.
DEFAULT_BACKOFF = 1.5
DEFAULT_MAX_POLL = 10.0


class WaitTimeout(TimeoutError):
    """The execution or process was still running when the time ran out."""


class ProcessApiError(Exception):
    """The API facade answered with an error: ``status`` and its ``message``."""

    def __init__(self, status: int, message: str, url: str) -> None:
        super().__init__(f"{url}: HTTP {status}: {message}")
        self.status = status
        self.message = message


def stepfunctions_client(endpoint_url: str | None = None, region: str | None = None) -> Any:
    """boto3's Step Functions client (``endpoint_url``: e.g. ``sfs3dsl serve``'s)."""
    import boto3  # type: ignore[import-untyped,unused-ignore]

    session = boto3.session.Session()
    region = region or session.region_name or ("us-east-1" if endpoint_url else None)
    return session.client("stepfunctions", endpoint_url=endpoint_url, region_name=region)


def _delays(poll: float, backoff: float, max_poll: float) -> Callable[[], float]:
    current = [poll]

    def next_delay() -> float:
        delay = current[0]
        current[0] = min(delay * backoff, max(max_poll, poll))
        return delay

    return next_delay


def wait_for_execution(arn: str, *, poll: float = DEFAULT_POLL,
                       timeout: float = DEFAULT_TIMEOUT, backoff: float = DEFAULT_BACKOFF,
                       max_poll: float = DEFAULT_MAX_POLL, client: Any = None,
                       endpoint_url: str | None = None,
                       sleep: Callable[[float], None] = time.sleep,
                       clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """DescribeExecution until the status is no longer RUNNING; returns that answer.

    Polls after ``poll`` seconds, then ``backoff`` times longer each time (at most
    ``max_poll``); never sleeps past the deadline.

    Raises:
        WaitTimeout: still RUNNING after ``timeout`` seconds.
        botocore.exceptions.ClientError: e.g. ExecutionDoesNotExist.
    """
    sfn = client or stepfunctions_client(endpoint_url)
    deadline = clock() + timeout
    next_delay = _delays(poll, backoff, max_poll)
    checks = 0
    while True:
        found: dict[str, Any] = sfn.describe_execution(executionArn=arn)
        checks += 1
        if found["status"] != "RUNNING":
            return found
        left = deadline - clock()
        if left <= 0:
            raise WaitTimeout(f"execution {arn} is still RUNNING after {timeout:g} s "
                              f"({checks} checks); wait longer (timeout=...) or stop it "
                              "with StopExecution")
        sleep(min(next_delay(), left))


def start_and_wait(state_machine_arn: str, input: Any = None, *, name: str | None = None,
                   poll: float = DEFAULT_POLL, timeout: float = DEFAULT_TIMEOUT,
                   client: Any = None, endpoint_url: str | None = None,
                   **options: Any) -> dict[str, Any]:
    """StartExecution with ``input`` (a value, sent as JSON), then
    :func:`wait_for_execution`; returns the final DescribeExecution answer."""
    sfn = client or stepfunctions_client(endpoint_url)
    request: dict[str, Any] = {"stateMachineArn": state_machine_arn,
                               "input": json.dumps({} if input is None else input)}
    if name:
        request["name"] = name
    started = sfn.start_execution(**request)
    return wait_for_execution(started["executionArn"], poll=poll, timeout=timeout, client=sfn,
                              **options)


class ProcessClient:
    """A caller of a side-car workflow's API facade (``start-process``, ``process-state``,
    ``process-data``), with its API key.

    Args:
        base_url: the API's root: ``https://<id>.execute-api.<region>.amazonaws.com/<stage>``
            deployed, ``http://127.0.0.1:8083`` for ``sfs3dsl serve``.
        api_key: sent as ``x-api-key``.
        workflow: the workflow's name, the first part of its routes (``process-a``).
        http_timeout: seconds one HTTP request may take.
    """

    def __init__(self, base_url: str, api_key: str, *, workflow: str,
                 http_timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.workflow = workflow.strip("/")
        self.http_timeout = http_timeout

    def _call(self, method: str, path: str, body: Any = None,
              query: Mapping[str, str] | None = None, timeout: float | None = None) -> Any:
        url = f"{self.base_url}/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers={
            "x-api-key": self.api_key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.http_timeout) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace")
            try:
                message = str(json.loads(text).get("message", text))
            except (ValueError, AttributeError):
                message = text
            raise ProcessApiError(exc.code, message, url) from None

    def start(self, document: Mapping[str, Any], *, subtopic: str | None = None
              ) -> dict[str, str]:
        """``POST start-process``: ``{transactionId, executionArn}``."""
        query = {"subtopic": subtopic} if subtopic else None
        found: dict[str, str] = self._call("POST", f"{self.workflow}/start-process",
                                           dict(document), query)
        return found

    def state(self, transaction_id: str) -> dict[str, Any]:
        """``GET process-state/<txn>``: status, dates, error and cause."""
        found: dict[str, Any] = self._call(
            "GET", f"{self.workflow}/process-state/{transaction_id}")
        return found

    def data(self, transaction_id: str) -> dict[str, Any]:
        """``GET process-data/<txn>``: the document with every step's output."""
        found: dict[str, Any] = self._call(
            "GET", f"{self.workflow}/process-data/{transaction_id}")
        return found

    def notice(self, transaction_id: str, *, subtopic: str | None = None,
               wait: float = 20.0) -> dict[str, Any] | None:
        """The completion notice of the transaction (long poll, up to ``wait`` seconds),
        or None when none came. Raises :class:`ProcessApiError` where there is no notice
        route (API Gateway deployed: subscribe to the SNS topic instead)."""
        topic = "/".join(p for p in (self.workflow, (subtopic or "").strip("/"),
                                     transaction_id) if p)
        found = self._call("GET", "notices", query={"topic": topic, "after": "0",
                                                    "wait": f"{wait:g}"},
                           timeout=wait + self.http_timeout)
        notices = found.get("notices") or []
        return dict(notices[0]["message"]) if notices else None

    def wait(self, transaction_id: str, *, subtopic: str | None = None,
             poll: float = DEFAULT_POLL, timeout: float = DEFAULT_TIMEOUT,
             notices: bool = True, clock: Callable[[], float] = time.monotonic,
             sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
        """The process state once it is no longer RUNNING: listens for the completion
        notice, and polls ``process-state`` every ``poll`` seconds where there is none.

        Raises:
            WaitTimeout: still RUNNING after ``timeout`` seconds.
        """
        deadline = clock() + timeout
        if notices:
            try:
                while clock() < deadline:
                    if self.notice(transaction_id, subtopic=subtopic,
                                   wait=max(0.0, min(20.0, deadline - clock()))):
                        return self.state(transaction_id)
            except ProcessApiError as exc:
                if exc.status not in (403, 404):
                    raise
        while True:
            found = self.state(transaction_id)
            if found["status"] != "RUNNING":
                return found
            left = deadline - clock()
            if left <= 0:
                raise WaitTimeout(f"process {transaction_id} is still RUNNING after "
                                  f"{timeout:g} s; wait longer (timeout=...)")
            sleep(min(poll, left))
