"""The mock server against malformed requests, over raw sockets: every one gets a prompt
JSON 4XX error, and the mock never waits for a body that will not come.

Requests that leave the body's end unknown (a bad `Content-Length`, chunked, too large,
late) also close the connection; an ordinary bad request keeps it open.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from atoma_sdk.mock import MockServer

GENERATIONS = "/v1/images/generations"
VALID = b'{"model": "flux", "prompt": "an otter", "size": "16x16"}'


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    #: the server closed the connection after answering
    closed: bool
    seconds: float

    def error(self) -> dict[str, Any]:
        assert self.headers["content-type"] == "application/json"
        payload: dict[str, Any] = json.loads(self.body)["error"]
        assert isinstance(payload["message"], str) and payload["message"]
        return payload


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(max_body_bytes=64 * 1024, body_timeout=0.5) as running:
        yield running


def send(server: MockServer, raw: bytes, *, wait_for_close: float = 0.3) -> Answer:
    """Send `raw` on a new connection; read one answer, then whether the server closes."""
    started = time.monotonic()
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            piece = sock.recv(65536)
            assert piece, f"closed without an answer after {data!r}"
            data += piece
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }
        while len(body) < int(headers["content-length"]):
            body += sock.recv(65536)
        seconds = time.monotonic() - started
        sock.settimeout(wait_for_close)
        try:
            closed = sock.recv(1) == b""
        except TimeoutError:
            closed = False
    return Answer(status, headers, body, closed, seconds)


def post(body: bytes, *headers: str) -> bytes:
    head = [f"POST {GENERATIONS} HTTP/1.1", "Host: mock", "Content-Type: application/json"]
    return ("\r\n".join([*head, *headers]) + "\r\n\r\n").encode("latin-1") + body


MALFORMED = [
    pytest.param(post(b"", "Content-Length: -5"), 400, "Content-Length", id="negative-length"),
    pytest.param(post(b"", "Content-Length: abc"), 400, "Content-Length", id="non-numeric-length"),
    pytest.param(post(b"", "Content-Length: \u00b2"), 400, "Content-Length", id="unicode-digit"),
    pytest.param(
        post(VALID, f"Content-Length: {len(VALID)}", "Content-Length: 3"),
        400,
        "Content-Length",
        id="two-lengths",
    ),
    pytest.param(post(b"", "Content-Length: " + "9" * 30), 413, "larger", id="enormous-length"),
    pytest.param(
        post(b"x" * 100_000, "Content-Length: 100000"), 413, "larger", id="oversized-body"
    ),
    pytest.param(
        post(b"5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding: chunked"),
        411,
        "Content-Length",
        id="chunked",
    ),
    pytest.param(b"NOT A REQUEST\r\n\r\n", 400, "version", id="bad-request-line"),
    pytest.param(b"GET / HTTP/2.0\r\n\r\n", 505, "version", id="http-2-request-line"),
    pytest.param(b"GET /\r\n\r\n", 400, "syntax", id="http-0.9-request-line"),
    pytest.param(post(b"", "X-A: a", " folded"), 400, "Malformed header", id="folded-header"),
    pytest.param(post(b"", "X-A: a\x00b"), 400, "Malformed header", id="nul-in-header"),
    pytest.param(post(b"", "X A: a"), 400, "Malformed header", id="space-in-name"),
    pytest.param(
        post(b"", *(f"X-H{i}: v" for i in range(101))), 431, "Too many", id="too-many-headers"
    ),
    pytest.param(post(b"", "X-Long: " + "h" * 70_000), 431, "", id="header-too-long"),
    pytest.param(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, "", id="uri-too-long"),
]


@pytest.mark.parametrize(("raw", "status", "says"), MALFORMED)
def test_malformed_requests_get_a_json_error_and_a_close(
    server: MockServer, raw: bytes, status: int, says: str
) -> None:
    answer = send(server, raw)
    print(f"\n{status}: answered in {answer.seconds * 1000:.1f} ms")
    assert answer.status == status
    assert says in answer.error()["message"]
    assert answer.closed  # the body's end is unknown: the connection cannot be reused
    assert answer.seconds < 2.0


def test_a_body_that_never_comes_times_out(server: MockServer) -> None:
    """`Content-Length: 100` and 10 bytes, then silence: 408 after `body_timeout`."""
    answer = send(server, post(b"x" * 10, "Content-Length: 100"))
    print(f"\nmissing body: 408 after {answer.seconds * 1000:.0f} ms (body_timeout 500 ms)")
    assert answer.status == 408
    assert "did not arrive" in answer.error()["message"]
    assert answer.closed
    assert 0.4 < answer.seconds < 3.0


BAD_BODIES = [
    pytest.param(b"", id="no-length-no-body"),
    pytest.param(b'{"model":' * 5_000 + b"1" + b"}" * 5_000, id="deeply-nested"),
    pytest.param(b'{"model": "\xff\xfe", "prompt": "p"}', id="invalid-utf8"),
    pytest.param(b"\xc3\x28" * 100, id="invalid-utf8-only"),
    pytest.param(b"[" * 60_000, id="unclosed-arrays"),
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_unreadable_bodies_are_a_400_and_the_connection_stays(
    server: MockServer, body: bytes
) -> None:
    length = [f"Content-Length: {len(body)}"] if body else []
    answer = send(server, post(body, *length))
    assert answer.status == 400
    assert answer.error()["type"] == "invalid_request_error"
    assert not answer.closed  # an ordinary bad request: keep-alive goes on
    assert answer.seconds < 2.0


def test_the_server_serves_on_after_malformed_requests(server: MockServer) -> None:
    for raw, _, _ in (param.values for param in MALFORMED):
        send(server, raw)  # type: ignore[arg-type]
    answer = send(server, post(VALID, f"Content-Length: {len(VALID)}"))
    assert answer.status == 200
    assert json.loads(answer.body)["data"]


KEEP_ALIVE = [
    pytest.param("HTTP/1.1", [], False, id="http-1.1"),
    pytest.param("HTTP/1.1", ["Connection: close"], True, id="http-1.1-close"),
    pytest.param("HTTP/1.1", ["Connection: CLOSE"], True, id="http-1.1-close-any-case"),
    pytest.param("HTTP/1.0", [], True, id="http-1.0"),
    pytest.param("HTTP/1.0", ["Connection: keep-alive"], False, id="http-1.0-keep-alive"),
    pytest.param("HTTP/1.3", [], False, id="later-1.x-read-as-1.1"),
]


@pytest.mark.parametrize(("version", "headers", "closes"), KEEP_ALIVE)
def test_the_connection_header_and_version_decide_keep_alive(
    server: MockServer, version: str, headers: list[str], closes: bool
) -> None:
    raw = post(VALID, f"Content-Length: {len(VALID)}", *headers)
    answer = send(server, raw.replace(b" HTTP/1.1\r\n", f" {version}\r\n".encode(), 1))
    assert answer.status == 200
    assert answer.closed is closes


def test_expect_100_continue_is_answered_before_the_body_is_sent(server: MockServer) -> None:
    head = post(b"", "Expect: 100-continue", f"Content-Length: {len(VALID)}")
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head)
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            piece = sock.recv(1)
            assert piece, f"closed after {interim!r}"
            interim += piece
        assert interim.startswith(b"HTTP/1.1 100 ")
        sock.sendall(VALID)
        final = sock.recv(65536)
    assert final.startswith(b"HTTP/1.1 200 ")


def test_header_values_keep_their_bytes_and_paths_their_single_slash(server: MockServer) -> None:
    before = len(server.api.requests)
    raw = post(VALID, f"Content-Length: {len(VALID)}", "X-Name:  Zo\u00eb \t")
    answer = send(server, raw.replace(GENERATIONS.encode(), b"/" + GENERATIONS.encode(), 1))
    assert answer.status == 200
    recorded = server.api.requests[before]
    assert recorded.path == GENERATIONS  # `//v1/...` would read as a host to a client
    assert recorded.headers.get_list("x-name") == ["Zo\u00eb"]
    assert recorded.headers.raw[-1] == (b"X-Name", b"Zo\xeb")
