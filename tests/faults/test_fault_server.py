"""The fault server itself: it counts requests and stops cleanly even mid-behaviour."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from fault_server import (
    Behaviour,
    FaultServer,
    endless_body,
    respond,
    slow_headers,
    unused_port,
)


def _post(sock: socket.socket, body: bytes = b'{"a": 1}') -> None:
    sock.sendall(
        b"POST /x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def test_counts_requests_and_keeps_connections_alive() -> None:
    baseline = threading.active_count()
    with FaultServer(respond(200, b"ok", content_type="text/plain")) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            for _ in range(3):
                _post(sock)
                reply = b""
                while not reply.endswith(b"ok"):
                    reply += sock.recv(4096)
                assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
        assert server.request_count == 3
        assert server.connections_accepted == 1
        assert server.requests[0].json() == {"a": 1}
        assert server.requests[0].headers["content-type"] == "application/json"
    assert threading.active_count() == baseline


@pytest.mark.parametrize("behaviour", [endless_body(), slow_headers(60.0)])
def test_stops_promptly_with_a_client_still_connected(behaviour: Behaviour) -> None:
    baseline = threading.active_count()
    server = FaultServer(behaviour).start()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        _post(sock)
        deadline = time.monotonic() + 5.0
        while server.request_count == 0:
            assert time.monotonic() < deadline, "the server never read the request"
            time.sleep(0.005)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        assert threading.active_count() == baseline
        # the server closed its end: the client reads to EOF
        sock.settimeout(2.0)
        while sock.recv(65536):
            pass


def test_unused_port_refuses_connections() -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", unused_port()), timeout=2.0).close()
