"""The HTTP side of ``serve``: one threaded server on 127.0.0.1 that tells the four kinds
of request apart and hands each to its part.

- ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Action>``: the Step Functions API;
- a request signed for S3 (its ``Authorization`` names ``/s3/aws4_request``): moto's S3;
- ``GET /notices?...``: the completion notices (long poll);
- anything else: the API facade's routes.

Built on the standard library's :class:`http.server.ThreadingHTTPServer`: a thread per
connection, HTTP/1.1 keep-alive (boto3 reuses its connections), which is all a local
endpoint needs; no framework would remove code here.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from sfs3dsl.serve import errors
from sfs3dsl.serve.protocol import CONTENT_TYPE, action_of, decode, encode

if TYPE_CHECKING:
    from sfs3dsl.serve.facade import Facade
    from sfs3dsl.serve.notices import Notices
    from sfs3dsl.serve.s3 import S3Server
    from sfs3dsl.serve.service import StepFunctionsService

#: The largest request body read (a definition is at most 1 MB; S3 objects here are small
#: process documents). A larger one is refused before it is read.
MAX_BODY = 16 * 1024 * 1024


class Parts:
    """What the server hands requests to."""

    def __init__(self, service: StepFunctionsService, facade: Facade, notices: Notices,
                 s3: S3Server | None) -> None:
        self.service = service
        self.facade = facade
        self.notices = notices
        self.s3 = s3


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold the body back ~40 ms on every kept-alive request
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a local endpoint under load would flood the terminal."""

    def _send(self, status: int, headers: dict[str, str] | list[tuple[str, str]],
              body: bytes) -> None:
        self.send_response(status)
        items = headers.items() if isinstance(headers, dict) else headers
        for key, value in items:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._send(413, {"Content-Type": "application/json"},
                       json.dumps({"message": f"the request body has {length} bytes; at "
                                              f"most {MAX_BODY} are read"}).encode())
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        body = self._body()
        if body is None:
            return
        parts = self.server.parts
        action = action_of(self.headers.get("X-Amz-Target"))
        if action is not None or (self.command == "POST" and self.path == "/" and
                                  "amz-json" in (self.headers.get("Content-Type") or "")):
            self._api(parts.service, action, body)
        elif "/s3/aws4_request" in (self.headers.get("Authorization") or "") and parts.s3:
            status, headers, data = parts.s3.forward(self.command, self.path,
                                                     list(self.headers.items()), body)
            self._send(status, headers, data)
        else:
            url = urlsplit(self.path)
            if url.path.rstrip("/") == "/notices" and self.command == "GET":
                self._notices(parts, url.query)
                return
            lowered = {k.lower(): v for k, v in self.headers.items()}
            status, answer_headers, data = parts.facade.handle(self.command, url.path,
                                                               url.query, lowered, body)
            self._send(status, answer_headers, data)

    def _api(self, service: StepFunctionsService, action: str | None, body: bytes) -> None:
        try:
            answer = encode(service.call(action, decode(body)))
            status = 200
        except errors.ApiError as exc:
            status, answer = exc.status, encode(exc.body())
        except Exception as exc:  # a bug: answered as AWS answers its own, the server lives
            status, answer = 500, encode({"__type": f"{errors.CORAL_NAMESPACE}#"
                                          "InternalFailure",
                                          "message": f"{type(exc).__name__}: {exc}"})
        self._send(status, {"Content-Type": CONTENT_TYPE,
                            "x-amzn-RequestId": _request_id()}, answer)

    def _notices(self, parts: Parts, query: str) -> None:
        from sfs3dsl.serve.notices import MAX_WAIT

        if parts.facade.api_keys and self.headers.get("x-api-key") not in parts.facade.api_keys:
            self._send(403, {"Content-Type": "application/json"}, b'{"message":"Forbidden"}')
            return
        values = {k: v[-1] for k, v in parse_qs(query).items()}
        try:
            after = int(values.get("after", "0"))
            wait = min(float(values.get("wait", "0")), MAX_WAIT)
        except ValueError:
            self._send(400, {"Content-Type": "application/json"},
                       b'{"message":"after is a whole number and wait a number of seconds"}')
            return
        found = parts.notices.read(values.get("topic", ""), after, wait)
        self._send(200, {"Content-Type": "application/json"}, parts.notices.dumps(found))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch


def _request_id() -> str:
    import uuid

    return str(uuid.uuid4())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], parts: Parts) -> None:
        super().__init__(address, _Handler)
        self.parts = parts


class HttpServer:
    """The server on its own thread: :meth:`start`, :attr:`url`, :meth:`stop`."""

    def __init__(self, host: str, port: int, parts: Parts) -> None:
        self._server = _Server((host, port), parts)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="sfs3dsl-serve", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
