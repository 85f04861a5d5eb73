"""The HTTP side of ``serve``: one threaded server on 127.0.0.1 that tells the four kinds
of request apart and hands each to its part.

- ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Action>``: the Step Functions API;
- a request signed for S3 (its ``Authorization`` names ``/s3/aws4_request``): moto's S3;
- ``GET /notices?...``: the completion notices (long poll);
- anything else: the API facade's routes.

Built on the standard library's :class:`socketserver.ThreadingTCPServer`: a thread per
connection, HTTP/1.1 keep-alive (boto3 reuses its connections), which is all a local
endpoint needs; requests are read and answers written by :mod:`sfs3dsl.serve.http11`
(see there why not :mod:`http.server`).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import threading
import uuid
from socketserver import StreamRequestHandler, ThreadingTCPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from sfs3dsl.serve import errors, http11
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


class _Handler(StreamRequestHandler):
    """One connection: requests read and answered in turn until either side closes it."""

    # each answer goes out in one write, but without TCP_NODELAY the 100 Continue and the
    # answer after it would still wait for the client's delayed ACK (~40 ms)
    disable_nagle_algorithm = True
    server: _Server

    def handle(self) -> None:
        rfile = self.rfile
        assert isinstance(rfile, io.BufferedReader)  # socket.makefile("rb") with a buffer
        while True:
            try:
                request = http11.read_head(rfile)
                if request is None:
                    return
                try:
                    request.body = http11.read_body(request, rfile, self.wfile, MAX_BODY)
                except http11.BodyTooLarge as exc:
                    message = (f"the request body has {exc.length} bytes; at most "
                               f"{MAX_BODY} are read")
                    self._send(request, 413, [("Content-Type", "application/json")],
                               json.dumps({"message": message}).encode(), close=True)
                    return
                if not self._dispatch(request):
                    return
            except http11.BadRequest as exc:
                with contextlib.suppress(OSError):
                    self.wfile.write(http11.response(
                        400, [("Content-Type", "application/json")],
                        json.dumps({"message": f"bad request: {exc}"}).encode(), close=True))
                return
            except OSError:  # the client went away mid-request
                return

    def _send(self, request: http11.Request, status: int,
              headers: dict[str, str] | list[tuple[str, str]], body: bytes,
              close: bool = False) -> bool:
        """Write the answer; returns whether the connection stays open."""
        close = close or not request.keep_alive
        self.wfile.write(http11.response(status, list(headers.items()) if isinstance(
            headers, dict) else headers, body, head=request.method == "HEAD",
                                         close=close))
        return not close

    def _dispatch(self, request: http11.Request) -> bool:
        parts = self.server.parts
        headers = request.headers
        action = action_of(headers.get("x-amz-target"))
        if action is not None or (request.method == "POST" and request.target == "/" and
                                  "amz-json" in headers.get("content-type", "")):
            return self._api(request, parts.service, action)
        if "/s3/aws4_request" in headers.get("authorization", "") and parts.s3:
            status, answer_headers, data = parts.s3.forward(request.method, request.target,
                                                            request.items, request.body)
            return self._send(request, status, answer_headers, data)
        url = urlsplit(request.target)
        if url.path.rstrip("/") == "/notices" and request.method == "GET":
            return self._notices(request, parts, url.query)
        status, facade_headers, body = parts.facade.handle(request.method, url.path,
                                                           url.query, headers, request.body)
        return self._send(request, status, facade_headers, body)

    def _api(self, request: http11.Request, service: StepFunctionsService,
             action: str | None) -> bool:
        try:
            answer = encode(service.call(action, decode(request.body)))
            status = 200
        except errors.ApiError as exc:
            status, answer = exc.status, encode(exc.body())
        except Exception as exc:  # a bug: answered as AWS answers its own, the server lives
            status, answer = 500, encode({"__type": f"{errors.CORAL_NAMESPACE}#"
                                          "InternalFailure",
                                          "message": f"{type(exc).__name__}: {exc}"})
        return self._send(request, status, [("Content-Type", CONTENT_TYPE),
                                            ("x-amzn-RequestId", _request_id())], answer)

    def _notices(self, request: http11.Request, parts: Parts, query: str) -> bool:
        from sfs3dsl.serve.notices import MAX_WAIT

        json_type = [("Content-Type", "application/json")]
        if parts.facade.api_keys and request.headers.get("x-api-key") not in \
                parts.facade.api_keys:
            return self._send(request, 403, json_type, b'{"message":"Forbidden"}')
        values = {k: v[-1] for k, v in parse_qs(query).items()}
        try:
            after = int(values.get("after", "0"))
            wait = min(float(values.get("wait", "0")), MAX_WAIT)
        except ValueError:
            return self._send(request, 400, json_type, b'{"message":"after is a whole '
                              b'number and wait a number of seconds"}')
        found = parts.notices.read(values.get("topic", ""), after, wait)
        return self._send(request, 200, json_type, parts.notices.dumps(found))


#: Request ids: a random per-process prefix and a counter. A uuid4 each asks the kernel for
#: random bytes on every call; a request id only has to be unique (API reference: "a unique
#: identifier for the request"), and these keep uuid4's form.
_ID_PREFIX = uuid.uuid4().hex[:20]
_ID_COUNTER = itertools.count(1)


def _request_id() -> str:
    tail = f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFFFFFF:012x}"
    return f"{tail[:8]}-{tail[8:12]}-{tail[12:16]}-{tail[16:20]}-{tail[20:]}"


class _Server(ThreadingTCPServer):
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
