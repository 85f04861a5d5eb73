"""A stand-in Step Functions endpoint that costs (almost) nothing: the client ceiling.

It answers StartExecution and DescribeExecution (and CreateStateMachine) with canned bodies
at once, with no state, so what a boto3 client achieves against it is what boto3 itself
allows on this machine: no real server can let those clients go faster. Run in its own
process by ``bench_serve.py``: ``python benchmarks/_stub_sfn.py`` prints its port and serves
until stdin closes.

Hand-written on :mod:`asyncio` streams rather than :mod:`http.server`: the point is a server
whose own cost is as small as Python allows, one thread, no per-request objects beyond the
parsed headers.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading

_ARN = "arn:aws:states:us-east-1:123456789012:{}:bench3"
_BODIES = {
    "CreateStateMachine": {"stateMachineArn": _ARN.format("stateMachine"),
                           "creationDate": 1.0},
    "StartExecution": {"executionArn": _ARN.format("execution") + ":x", "startDate": 1.0},
    "DescribeExecution": {"executionArn": _ARN.format("execution") + ":x",
                          "stateMachineArn": _ARN.format("stateMachine"), "name": "x",
                          "status": "SUCCEEDED", "startDate": 1.0, "stopDate": 1.001,
                          "input": "{}", "output": '{"a":1,"b":2,"c":3}'},
}
_ANSWERS = {
    action: (b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
             b"x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n"
             b"Content-Length: %d\r\n\r\n" % len(body) + body)
    for action, body in ((a, json.dumps(b).encode()) for a, b in _BODIES.items())
}
_UNKNOWN = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"Content-Length: 37\r\n\r\n{\"__type\":\"UnknownOperationException\"}")


async def _connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length, action = 0, b""
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                name = name.lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"x-amz-target":
                    action = value.strip().rpartition(b".")[2]
            if length:
                await reader.readexactly(length)
            writer.write(_ANSWERS.get(action.decode(), _UNKNOWN))
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main() -> None:
    server = await asyncio.start_server(_connection, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    closed = asyncio.Event()
    loop = asyncio.get_running_loop()
    # stdin closing (the benchmark ended or died) stops the stub: nothing is left behind
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(closed.set)),
                     daemon=True).start()
    async with server:
        await closed.wait()


if __name__ == "__main__":
    asyncio.run(_main())
