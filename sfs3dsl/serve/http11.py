"""The HTTP/1.1 that ``serve``'s clients speak: read one request from a kept-alive
connection, write one answer in one piece.

Hand-written because the standard library's :class:`http.server.BaseHTTPRequestHandler`
parses every request's headers with the :mod:`email` package, which was most of serve's CPU
time per API call (profiled under ``benchmarks/bench_serve.py``), and no maintained
pure-Python library is faster (h11 does more per request, not less). What serve needs is
small: a request line, header lines (RFC 9112), a body by ``Content-Length`` or chunked,
``Expect: 100-continue`` (botocore sends it for S3 uploads), and keep-alive.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Protocol

#: The longest request line or header line read, and the most header lines (as
#: :mod:`http.server`: 64 KiB and 100).
MAX_LINE = 65536
MAX_HEADERS = 100
_PHRASES = {s.value: s.phrase for s in HTTPStatus}


class Reader(Protocol):
    """What a request is read from: a buffered reader (``socket.makefile("rb")``)."""

    def peek(self, size: int = 0, /) -> bytes: ...

    def readline(self, size: int | None = -1, /) -> bytes: ...

    def read(self, size: int | None = -1, /) -> bytes: ...


class Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


class BadRequest(Exception):
    """The bytes are not an HTTP/1.x request: answered 400, then the connection closes."""


class BodyTooLarge(Exception):
    """The body announced is over the limit; it is not read."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length


@dataclass
class Request:
    method: str
    target: str
    version: str
    #: The header lines as sent, without their line ends.
    lines: list[str]
    #: By lower-cased name; a repeated header's values joined with ", " (RFC 9110, 5.3).
    headers: dict[str, str]
    body: bytes = b""

    @property
    def items(self) -> list[tuple[str, str]]:
        """The headers as sent (name as spelt, value stripped), in order: made only for
        the few requests that are passed on whole (S3's)."""
        return _items(self.lines)

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


def _line(rfile: Reader) -> bytes:
    line = rfile.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise BadRequest("line too long")
    return line


def read_head(rfile: Reader) -> Request | None:
    """The request line and headers of the next request; None when the client closed the
    connection between requests."""
    # Fast path: the whole head is usually in the buffer already (one recv brought it);
    # take it in one read and split it, rather than a readline per header.
    buffered = rfile.peek(MAX_LINE)
    end = buffered.find(b"\r\n\r\n")
    if end > 0 and buffered[:2] != b"\r\n":
        return _parse(rfile.read(end + 4)[:end].decode("latin-1").split("\r\n"))
    line = _line(rfile)
    while line in (b"\r\n", b"\n"):  # RFC 9112, 2.2: empty lines before a request are ignored
        line = _line(rfile)
    if not line:
        return None
    lines = [line.decode("latin-1").rstrip("\r\n")]
    while True:
        raw = _line(rfile)
        if raw in (b"\r\n", b"\n", b""):
            return _parse(lines)
        if len(lines) > MAX_HEADERS:
            raise BadRequest("too many headers")
        lines.append(raw.decode("latin-1").rstrip("\r\n"))


def _parse(lines: list[str]) -> Request:
    """A request from its head's lines (decoded as Latin-1, without their line ends)."""
    if len(lines) > MAX_HEADERS + 1:
        raise BadRequest("too many headers")
    parts = lines[0].split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"bad request line {lines[0][:80]!r}")
    del lines[0]
    headers: dict[str, str] = {}
    # the common case in one plain loop (every API call comes through here); a folded or
    # malformed line goes to the careful path, which says what is wrong
    for text in lines:
        name, colon, value = text.partition(":")
        if not colon or not name or name[0] in " \t" or name[-1] in " \t":
            headers = {}
            for name, value in _items(lines):
                key = name.lower()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            break
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return Request(parts[0], parts[1], parts[2], lines, headers)


def _items(lines: list[str]) -> list[tuple[str, str]]:
    """Header lines as (name, value), a folded line joined to the value it continues."""
    items: list[tuple[str, str]] = []
    for text in lines:
        if text[:1] in (" ", "\t") and items:  # obsolete line folding: continues a value
            name, value = items[-1]
            items[-1] = (name, f"{value} {text.strip()}")
            continue
        name, colon, value = text.partition(":")
        if not colon or not name or name[-1] in " \t" or name[0] in " \t":
            raise BadRequest(f"bad header line {text[:80]!r}")
        items.append((name, value.strip()))
    return items


def read_body(request: Request, rfile: Reader, wfile: Writer,
              limit: int) -> bytes:
    """The body of ``request`` (after ``100 Continue`` when the client waits for it).

    Raises:
        BodyTooLarge: its Content-Length is over ``limit`` (nothing is read).
        BadRequest: the length or the chunks are malformed.
    """
    headers = request.headers
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    length_text = headers.get("content-length")
    try:
        length = int(length_text) if length_text is not None and not chunked else 0
    except ValueError:
        raise BadRequest(f"bad Content-Length {length_text!r}") from None
    if length < 0:
        raise BadRequest(f"bad Content-Length {length_text!r}")
    if length > limit:
        raise BodyTooLarge(length)
    if (length or chunked) and headers.get("expect", "").lower() == "100-continue" \
            and request.version != "HTTP/1.0":
        wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    if chunked:
        return _chunks(rfile, limit)
    body = rfile.read(length) if length else b""
    if len(body) != length:
        raise BadRequest("the connection closed inside the body")
    return body


def _chunks(rfile: Reader, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_text = _line(rfile).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise BadRequest(f"bad chunk size {size_text[:20]!r}") from None
        if size == 0:
            while _line(rfile) not in (b"\r\n", b"\n", b""):  # trailer fields: ignored
                pass
            return b"".join(parts)
        total += size
        if total > limit:
            raise BodyTooLarge(total)
        parts.append(rfile.read(size))
        _line(rfile)  # the CRLF after the chunk


class _Date:
    """The ``Date`` header (RFC 9110, 6.6.1), formatted once a second."""

    def __init__(self) -> None:
        self._second = 0
        self._text = ""

    def __call__(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._second, self._text = now, formatdate(now, usegmt=True)
        return self._text


date = _Date()


def response(status: int, headers: list[tuple[str, str]], body: bytes, *,
             head: bool = False, close: bool = False) -> bytes:
    """One whole answer: status line, ``headers``, Date, Content-Length, the body (none
    for HEAD, whose Content-Length is still the body's)."""
    lines = [f"HTTP/1.1 {status} {_PHRASES.get(status, '')}",
             "Server: sfs3dsl-serve", f"Date: {date()}"]
    lines.extend(f"{key}: {value}" for key, value in headers)
    lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head_bytes if head else head_bytes + body
