"""serve's HTTP/1.1 reader and writer (sfs3dsl/serve/http11.py), on bytes, and the runner's
kept threads (sfs3dsl/run/interpreter/workers.py)."""

from __future__ import annotations

import contextvars
import io
import threading

import pytest

from sfs3dsl.run.interpreter.workers import Done, Workers
from sfs3dsl.serve import http11

BOTO_HEAD = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1:8083\r\n"
             b"X-Amz-Target: AWSStepFunctions.DescribeExecution\r\n"
             b"Content-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}")


def _read(data: bytes, limit: int = 1024) -> tuple[http11.Request | None, bytes, bytes]:
    """The request, its body and what was written back (100 Continue) for ``data``."""
    rfile, wfile = io.BufferedReader(io.BytesIO(data)), io.BytesIO()
    request = http11.read_head(rfile)
    if request is None:
        return None, b"", b""
    body = http11.read_body(request, rfile, wfile, limit)
    return request, body, wfile.getvalue()


@pytest.mark.parametrize(("data", "headers", "body"), [
    (BOTO_HEAD, {"host": "127.0.0.1:8083",
                 "x-amz-target": "AWSStepFunctions.DescribeExecution",
                 "content-type": "application/x-amz-json-1.0", "content-length": "2"}, b"{}"),
    # bare LF line ends, an empty line before the request (RFC 9112, 2.2)
    (b"\r\nGET /x HTTP/1.1\nA: 1\n\n", {"a": "1"}, b""),
    # a repeated header: values joined; an obsolete folded line continues the value
    (b"GET / HTTP/1.1\r\nA: 1\r\nA: 2\r\nB: x\r\n  y\r\n\r\n", {"a": "1, 2", "b": "x y"},
     b""),
    # chunked, with an extension and a trailer
    (b"PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n",
     {"transfer-encoding": "chunked"}, b"abcde"),
])
def test_requests_read(data: bytes, headers: dict[str, str], body: bytes) -> None:
    request, read, written = _read(data)
    assert request is not None
    assert (request.headers, read, written) == (headers, body, b"")


def test_expect_100_continue_is_answered_before_the_body() -> None:
    _, body, written = _read(b"PUT /b/k HTTP/1.1\r\nExpect: 100-continue\r\n"
                             b"Content-Length: 3\r\n\r\nabc")
    assert (body, written) == (b"abc", b"HTTP/1.1 100 Continue\r\n\r\n")


def test_a_closed_connection_is_no_request() -> None:
    assert _read(b"")[0] is None


@pytest.mark.parametrize(("data", "message"), [
    (b"HELLO\r\n\r\n", "bad request line 'HELLO'"),
    (b"GET / SPDY/3\r\n\r\n", "bad request line 'GET / SPDY/3'"),
    (b"GET / HTTP/1.1\r\nno colon\r\n\r\n", "bad header line 'no colon'"),
    (b"GET / HTTP/1.1\r\nA : 1\r\n\r\n", "bad header line 'A : 1'"),
    (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "bad Content-Length '-1'"),
    (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "bad Content-Length 'x'"),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", "the connection closed inside "
                                                          "the body"),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size b'zz'"),
])
def test_malformed_requests_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(http11.BadRequest) as raised:
        _read(data)
    assert str(raised.value) == message


@pytest.mark.parametrize(("data", "length"), [
    (b"POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", 2000),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + b"x" * 2048, 2048),
])
def test_a_body_over_the_limit_is_not_read(data: bytes, length: int) -> None:
    with pytest.raises(http11.BodyTooLarge) as raised:
        _read(data, limit=1024)
    assert raised.value.length == length


@pytest.mark.parametrize(("version", "connection", "keep"), [
    ("HTTP/1.1", None, True), ("HTTP/1.1", "close", False), ("HTTP/1.1", "Close", False),
    ("HTTP/1.0", None, False), ("HTTP/1.0", "keep-alive", True),
])
def test_keep_alive(version: str, connection: str | None, keep: bool) -> None:
    head = f"GET / {version}\r\n" + (f"Connection: {connection}\r\n" if connection else "")
    request, _, _ = _read((head + "\r\n").encode())
    assert request is not None and request.keep_alive is keep


@pytest.mark.parametrize(("head", "close", "tail"), [
    (False, False, b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"),
    (True, False, b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n"),
    (False, True, b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                  b"Connection: close\r\n\r\n{}"),
])
def test_answers_written(head: bool, close: bool, tail: bytes) -> None:
    data = http11.response(404, [("Content-Type", "application/json")], b"{}", head=head,
                           close=close)
    lines = data.split(b"\r\n")
    assert lines[:2] == [b"HTTP/1.1 404 Not Found", b"Server: sfs3dsl-serve"]
    assert lines[2].startswith(b"Date: ") and lines[2].endswith(b" GMT")
    assert b"\r\n".join(lines[3:]) == tail


def test_workers_reuse_idle_threads_with_a_fresh_context() -> None:
    workers = Workers("test-workers")
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    seen: list[tuple[str, int]] = []
    done = threading.Semaphore(0)

    def work() -> None:
        seen.append((var.get(), threading.get_ident()))
        var.set("set by the previous work")
        done.release()

    for _ in range(3):
        workers.submit(work)
        assert done.acquire(timeout=10)
        # the thread parks itself before the next submit can find it idle
        for _ in range(1000):
            if workers._idle:
                break
            threading.Event().wait(0.001)
    assert [value for value, _ in seen] == ["unset"] * 3
    assert len({ident for _, ident in seen}) == 1


def test_workers_never_queue_behind_a_busy_thread() -> None:
    workers = Workers("test-workers")
    release = threading.Event()
    started = threading.Semaphore(0)

    def blocked() -> None:
        started.release()
        release.wait(10)

    for _ in range(5):  # five at once: each gets a thread of its own
        workers.submit(blocked)
    try:
        assert all(started.acquire(timeout=10) for _ in range(5))
    finally:
        release.set()


def test_done_wakes_every_waiter_once_set() -> None:
    done = Done()
    assert (done.is_set(), done.wait(0), done.wait(0.01)) == (False, False, False)
    woke: list[bool] = []
    waiters = [threading.Thread(target=lambda: woke.append(done.wait(10))) for _ in range(3)]
    for waiter in waiters:
        waiter.start()
    done.set()
    done.set()  # a second set changes nothing
    for waiter in waiters:
        waiter.join(10)
    assert (woke, done.is_set(), done.wait(0), done.wait()) == ([True] * 3, True, True, True)
