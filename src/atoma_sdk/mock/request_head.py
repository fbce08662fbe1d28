"""Reading an HTTP/1.1 request head (request line and header fields) for the mock server.

`http.server` parses header fields with the `email` package, which costs about as much
CPU as the mock's whole answer; with many clients answered at once that CPU is latency.
This reader keeps `http.server`'s limits (65,536 bytes a line, 100 fields) and answers
what it cannot read with a status the handler sends as a JSON error.
"""

from __future__ import annotations

import http
import io
import re
from dataclasses import dataclass

import httpx

__all__ = ["MAX_FIELDS", "MAX_LINE_BYTES", "HeadError", "RequestHead", "read_head"]

#: The longest request line or header field line read (`http.server`'s limits).
MAX_LINE_BYTES = 65_536
#: The most header fields a request may have.
MAX_FIELDS = 100

# RFC 9110's token characters: what a method and a field name are made of.
_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_METHOD = re.compile(_TOKEN)
_VERSION = re.compile(r"HTTP/([0-9])\.([0-9])")
# A field line: name, colon, value without the whitespace around it. RFC 9110 forbids
# NUL, CR and LF in a value; a folded line (starting with a space) is refused too.
_FIELD = re.compile(rb"(" + _TOKEN + rb"):[ \t]*([^\0\r\n]*?)[ \t]*\r?\n?")


class HeadError(Exception):
    """A request head that cannot be read; answered with `status`, then the connection closes."""

    def __init__(self, status: http.HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RequestHead:
    method: str
    target: str
    version: str  # "HTTP/1.0" or "HTTP/1.1" (what the answer is written in)
    headers: httpx.Headers

    @property
    def keep_alive(self) -> bool:
        """Whether the connection may carry another request after this one's answer."""
        connection = self.headers.get("connection", "").lower()
        if connection == "close":
            return False
        return self.version == "HTTP/1.1" or connection == "keep-alive"

    @property
    def expects_continue(self) -> bool:
        """An HTTP/1.1 client waiting for `100 Continue` before it sends the body."""
        expect = self.headers.get("expect", "").lower()
        return self.version == "HTTP/1.1" and expect == "100-continue"


def read_head(request_line: bytes, rfile: io.BufferedIOBase) -> RequestHead:
    """Parse `request_line` (already read) and read the header fields that follow it."""
    method, target, version = _parse_request_line(request_line)
    return RequestHead(method, target, version, _read_fields(rfile))


def _parse_request_line(line: bytes) -> tuple[str, str, str]:
    words = line.rstrip(b"\r\n").split()
    shown = line[:100].decode("latin-1").rstrip("\r\n")
    if len(words) != 3 or not _METHOD.fullmatch(words[0]):
        raise HeadError(http.HTTPStatus.BAD_REQUEST, f"Bad request syntax ({shown!r})")
    method, target, version = (word.decode("latin-1") for word in words)
    number = _VERSION.fullmatch(version)
    if number is None:
        raise HeadError(http.HTTPStatus.BAD_REQUEST, f"Bad request version ({version[:20]!r})")
    if number[1] != "1":
        raise HeadError(
            http.HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({version!r})"
        )
    version = "HTTP/1.0" if number[2] == "0" else "HTTP/1.1"  # a later 1.x is read as 1.1
    if target.startswith("//"):  # a client would read `//host/path` as another host
        target = "/" + target.lstrip("/")
    return method, target, version


def _read_fields(rfile: io.BufferedIOBase) -> httpx.Headers:
    fields: list[tuple[bytes, bytes]] = []
    while True:
        line = rfile.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise HeadError(http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
        if line in (b"\r\n", b"\n", b""):
            return httpx.Headers(fields)
        if len(fields) == MAX_FIELDS:
            raise HeadError(
                http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                f"Too many headers (more than {MAX_FIELDS})",
            )
        field = _FIELD.fullmatch(line)
        if field is None:
            shown = line[:100].decode("latin-1").rstrip("\r\n")
            raise HeadError(http.HTTPStatus.BAD_REQUEST, f"Malformed header line ({shown!r})")
        fields.append((field[1], field[2]))
