"""The parts of ``bench_serve.py`` that are not the comparison itself: the servers as child
processes (with their CPU time read from ``/proc``), and the boto3 clients as a pool of
worker processes.

Each client runs in a process of its own because boto3 is plain Python: clients sharing
one interpreter (threads) share one GIL, and clients sharing the server's interpreter take
CPU from the server they measure. A worker keeps one boto3 client per endpoint for the whole
benchmark (connections kept alive, as a real caller's).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASS3 = json.dumps({"StartAt": "a", "States": {
    "a": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "b"},
    "b": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "Next": "c"},
    "c": {"Type": "Pass", "Result": 3, "ResultPath": "$.c", "End": True}}})
ROLE = "arn:aws:iam::123456789012:role/bench"
#: Between two DescribeExecution calls of an execution still RUNNING (the first is at once).
POLL = 0.002
_TICKS = os.sysconf("SC_CLK_TCK")


# --- servers ----------------------------------------------------------------------------------

class Server:
    """A server in a child process: its URL, its pid and its CPU seconds so far."""

    def __init__(self, name: str, process: subprocess.Popen[str], url: str) -> None:
        self.name, self.process, self.url = name, process, url

    def cpu(self) -> float:
        """user + system CPU seconds of the server process (all its threads), from
        ``/proc/<pid>/stat`` (fields 14 and 15, in clock ticks)."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_listening(url: str, process: subprocess.Popen[str], limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/", timeout=2).close()
            return
        except OSError as exc:  # refused while it starts; an HTTP error means it answers
            if hasattr(exc, "code"):
                return
            time.sleep(0.1)
    raise TimeoutError(f"{url}: nothing listens after {limit} s")


def start_serve(launcher: tuple[str, ...] = ("-m", "sfs3dsl")) -> Server:
    """``sfs3dsl serve`` on a free port, as a user starts it (its CLI), real clock
    (``launcher``: what follows the interpreter, to run it under a profiler)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, *launcher, "serve", str(ROOT / "workflows" / "course_choice.py"),
         "--port", str(port), "--api-key", "bench", "--clock", "real"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    url = f"http://127.0.0.1:{port}"
    _wait_listening(url, process)
    return Server("serve", process, url)


def start_moto() -> Server:
    """moto's own server (``python -m moto.server``) with its Step Functions running the
    machines it is given (``execute_state_machine``), not answering canned results."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    url = f"http://127.0.0.1:{port}"
    _wait_listening(url, process)
    urllib.request.urlopen(urllib.request.Request(
        f"{url}/moto-api/config", method="POST", data=json.dumps(
            {"stepfunctions": {"execute_state_machine": True}}).encode()), timeout=30).close()
    return Server("moto", process, url)


def start_stub() -> Server:
    """The canned-answer endpoint of :mod:`_stub_sfn` (the clients' ceiling)."""
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("_stub_sfn.py"))],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    port = int(process.stdout.readline())
    return Server("stub", process, f"http://127.0.0.1:{port}")


# --- clients (run in the worker processes) --------------------------------------------------

_clients: dict[str, Any] = {}


def _client(url: str) -> Any:
    found = _clients.get(url)
    if found is None:
        import boto3  # type: ignore[import-untyped,unused-ignore]
        from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

        found = _clients[url] = boto3.client(
            "stepfunctions", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0}))
    return found


def create_machine(url: str) -> str:
    arn: str = _client(url).create_state_machine(name=f"bench3-{uuid.uuid4().hex[:8]}",
                                                 definition=PASS3,
                                                 roleArn=ROLE)["stateMachineArn"]
    return arn


def _finish(sfn: Any, arn: str, limit: float = 60.0) -> tuple[dict[str, Any], int]:
    end = time.monotonic() + limit
    calls = 0
    while True:
        found: dict[str, Any] = sfn.describe_execution(executionArn=arn)
        calls += 1
        if found["status"] != "RUNNING":
            return found, calls
        if time.monotonic() > end:
            raise TimeoutError(arn)
        time.sleep(POLL)


def run_executions(url: str, machine: str, count: int) -> dict[str, Any]:
    """Start ``count`` executions one after another, each awaited (DescribeExecution at
    once, then every :data:`POLL` s) before the next; what they ended as, their dates on
    the server's own clock, and this worker's calls and CPU seconds."""
    sfn = _client(url)
    cpu, calls = time.process_time(), 0
    durations: list[float] = []
    statuses: dict[str, int] = {}
    first_start, last_stop = float("inf"), 0.0
    for i in range(count):
        arn = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex,
                                  input=json.dumps({"i": i}))["executionArn"]
        found, polls = _finish(sfn, arn)
        calls += 1 + polls
        statuses[found["status"]] = statuses.get(found["status"], 0) + 1
        durations.append((found["stopDate"] - found["startDate"]).total_seconds())
        first_start = min(first_start, found["startDate"].timestamp())
        last_stop = max(last_stop, found["stopDate"].timestamp())
    return {"statuses": statuses, "durations": durations, "first_start": first_start,
            "last_stop": last_stop, "cpu": time.process_time() - cpu, "calls": calls}


def latencies(url: str, machine: str, count: int) -> dict[str, list[float]]:
    """StartExecution to the first DescribeExecution that says SUCCEEDED (polling without
    pause), one execution at a time: wall seconds on this side, and the execution's own
    startDate-to-stopDate on the server's clock."""
    sfn = _client(url)
    walls: list[float] = []
    server: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        arn = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex)[
            "executionArn"]
        end = time.monotonic() + 60
        while True:
            found = sfn.describe_execution(executionArn=arn)
            if found["status"] == "SUCCEEDED":
                break
            if found["status"] != "RUNNING" or time.monotonic() > end:
                raise RuntimeError(f"{arn}: {found['status']}")
        walls.append(time.perf_counter() - start)
        server.append((found["stopDate"] - found["startDate"]).total_seconds())
    return {"walls": walls, "server": server}
