"""The side-car's S3 for ``serve``: moto's S3 server, reachable through serve's own port.

moto's :class:`ThreadedMotoServer` (the ``moto[server]`` extra) listens on a port of its own
on 127.0.0.1; the generated handlers reach it there (``AWS_ENDPOINT_URL_S3``), and
:class:`S3Server.forward` relays the S3 requests that arrive at serve's port (``aws s3 cp
... --endpoint-url http://127.0.0.1:8083``) to it unchanged, so one endpoint serves both
APIs. moto does not check signatures, so relaying a signed request is safe.
"""

from __future__ import annotations

import http.client
import logging
import threading
from typing import Any

from sfs3dsl.core.errors import MissingDependencyError

#: Headers that belong to one hop, not to the request (RFC 9110, 7.6.1).
_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                  "te", "trailer", "upgrade"})


class S3Server:
    """moto's S3 on 127.0.0.1 (a context manager)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._server: Any = None
        self._local = threading.local()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> S3Server:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:
            raise MissingDependencyError(
                f"sfs3dsl serve needs moto's server ({exc}); install it: "
                "pip install 'sfs3dsl[serve]'") from None
        # werkzeug logs every request at INFO; serve reports its own way
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)
        self._server.start()
        self.port = int(self._server.get_host_and_port()[1])
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _connection(self) -> http.client.HTTPConnection:
        found = getattr(self._local, "connection", None)
        if found is None:
            found = self._local.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=60)
        assert isinstance(found, http.client.HTTPConnection)
        return found

    def forward(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
                ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Relay one request to moto; returns its status, headers and body."""
        for attempt in (1, 2):  # a kept-alive connection moto closed: one fresh try
            connection = self._connection()
            try:
                connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for key, value in headers:
                    if key.lower() not in _HOP and key.lower() != "content-length":
                        connection.putheader(key, value)
                connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body)
                response = connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
                continue
            return response.status, [(k, v) for k, v in response.getheaders()
                                     if k.lower() not in _HOP
                                     and k.lower() != "content-length"], data
        raise AssertionError("unreachable")
