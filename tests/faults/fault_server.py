"""A tiny raw-socket HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.

Each accepted connection runs on its own thread: it reads a request (headers, then a
`Content-Length` body) and hands it to the next *behaviour* of the server's script, which
writes whatever it likes (or nothing) to the socket. A behaviour returns True to keep the
connection open for another request (keep-alive), False to end it.

`stop()` (or leaving the `with` block) ends every behaviour within ~20 ms, closes every
socket and joins every thread, so tests can check that nothing leaks.
"""

from __future__ import annotations

import contextlib
import http
import itertools
import json
import select
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

__all__ = [
    "Behaviour",
    "Exchange",
    "FaultServer",
    "ReceivedRequest",
    "close_mid_body",
    "endless_body",
    "json_response",
    "redirect",
    "reset",
    "reset_after_headers",
    "respond",
    "slow_body",
    "slow_headers",
    "trickle_headers",
    "unused_port",
]

#: How often blocked server threads look at the stop flag, in seconds.
POLL = 0.02
MAX_HEAD = 64 * 1024


@dataclass
class ReceivedRequest:
    method: str
    target: str
    #: Header names lower-cased.
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Stopped(Exception):
    """The server is stopping, or the peer went away: end this connection."""


@dataclass
class Exchange:
    """One request on one connection, handed to a behaviour."""

    server: FaultServer
    sock: socket.socket
    request: ReceivedRequest
    #: Set once the behaviour closed the socket itself (reset, graceful close).
    closed: bool = field(default=False)

    def send(self, data: bytes) -> None:
        """Send all of `data`; raises `_Stopped` when the peer is gone."""
        try:
            self.sock.sendall(data)
        except OSError as error:
            raise _Stopped from error

    def send_head(self, status: int, headers: Mapping[str, str]) -> None:
        self.send(head(status, headers))

    def wait(self, seconds: float) -> None:
        """Wait up to `seconds`; raises `_Stopped` as soon as the server stops or the peer
        closes its end (so a handler never outlives the client that gave up on it)."""
        deadline = _now() + seconds
        while True:
            remaining = deadline - _now()
            if remaining <= 0:
                return
            if self.server.stopping.is_set():
                raise _Stopped
            readable, _, _ = select.select([self.sock], [], [], min(POLL, remaining))
            if readable:
                try:
                    peeked = self.sock.recv(1, socket.MSG_PEEK)
                except OSError as error:
                    raise _Stopped from error
                if not peeked:
                    raise _Stopped

    def reset(self) -> None:
        """Abort the connection: SO_LINGER 0 makes close() send an RST, not a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        self.closed = True

    def close(self) -> None:
        """Close gracefully (FIN)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)
        self.sock.close()
        self.closed = True


#: What the server does with one request. Returns True to keep the connection open.
Behaviour = Callable[[Exchange], bool]


class FaultServer:
    """Serve `script` in order, one behaviour per request; the last one repeats; over
    TLS (`https://`) with a `tls` server context."""

    def __init__(self, *script: Behaviour, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls
        if not script:
            script = (respond(200, b"{}"),)
        self._script = list(script)
        self.requests: list[ReceivedRequest] = []
        self.connections_accepted = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(
            target=self._accept_loop, name=f"fault-server-{self.port}", daemon=True
        )
        self._served = 0
        self._started = False
        self._stopped = False

    @property
    def url(self) -> str:
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def set_script(self, *script: Behaviour) -> None:
        with self._lock:
            self._script = list(script)
            self._served = 0

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FaultServer:
        self._started = True
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end every connection, close every socket, join every thread."""
        if self._stopped:
            return
        self._stopped = True
        self.stopping.set()
        if self._started:
            self._acceptor.join(timeout=5)
            assert not self._acceptor.is_alive(), "accept thread did not stop"
        else:
            self._listener.close()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)
            assert not thread.is_alive(), f"{thread.name} did not stop"

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- serving -------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        try:
            counter = itertools.count(1)
            while not self.stopping.is_set():
                readable, _, _ = select.select([self._listener], [], [], POLL)
                if not readable:
                    continue
                try:
                    sock, _ = self._listener.accept()
                except OSError:
                    continue
                thread = threading.Thread(
                    target=self._serve_connection,
                    args=(sock,),
                    name=f"fault-server-{self.port}-conn-{next(counter)}",
                    daemon=True,
                )
                with self._lock:
                    self.connections_accepted += 1
                    self._threads.append(thread)
                thread.start()
        finally:
            self._listener.close()

    def _next_behaviour(self, request: ReceivedRequest) -> Behaviour:
        with self._lock:
            self.requests.append(request)
            behaviour = self._script[min(self._served, len(self._script) - 1)]
            self._served += 1
        return behaviour

    def _serve_connection(self, sock: socket.socket) -> None:
        buffer = bytearray()
        exchange: Exchange | None = None
        try:
            if self._tls is not None:
                sock.settimeout(5)
                sock = self._tls.wrap_socket(sock, server_side=True)  # the handshake
                sock.settimeout(None)
            while not self.stopping.is_set():
                request = self._read_request(sock, buffer)
                if request is None:
                    return
                exchange = Exchange(self, sock, request)
                if not self._next_behaviour(request)(exchange) or exchange.closed:
                    return
        except (_Stopped, OSError):
            pass
        finally:
            if exchange is None or not exchange.closed:
                sock.close()

    def _recv(self, sock: socket.socket) -> bytes:
        while True:
            if self.stopping.is_set():
                raise _Stopped
            pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
            readable = pending or select.select([sock], [], [], POLL)[0]
            if readable:
                try:
                    return sock.recv(65536)
                except ssl.SSLWantReadError:  # part of a TLS record: wait for the rest
                    continue

    def _read_request(self, sock: socket.socket, buffer: bytearray) -> ReceivedRequest | None:
        """The next request on `sock`, or None if the client closed the connection."""
        while b"\r\n\r\n" not in buffer:
            if len(buffer) > MAX_HEAD:
                raise _Stopped
            data = self._recv(sock)
            if not data:
                return None
            buffer += data
        end = buffer.index(b"\r\n\r\n")
        lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        del buffer[: end + 4]
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(buffer) < length:
            data = self._recv(sock)
            if not data:
                return None
            buffer += data
        body = bytes(buffer[:length])
        del buffer[:length]
        return ReceivedRequest(method, target, headers, body)


def _now() -> float:
    import time

    return time.monotonic()


def head(status: int, headers: Mapping[str, str]) -> bytes:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Whatever"
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def unused_port() -> int:
    """A port on 127.0.0.1 nothing listens on (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- behaviours ------------------------------------------------------------------------------


def respond(
    status: int = 200,
    body: bytes | str = b"",
    headers: Mapping[str, str] | None = None,
    content_type: str | None = "application/json",
) -> Behaviour:
    """A complete, well-formed response; the connection stays open (keep-alive)."""
    data = body.encode() if isinstance(body, str) else body
    all_headers = {"Content-Length": str(len(data))}
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    all_headers.update(headers or {})

    def behaviour(exchange: Exchange) -> bool:
        exchange.send(head(status, all_headers) + data)
        return True

    return behaviour


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Behaviour:
    return respond(status, json.dumps(payload), headers)


def redirect(location: str, status: int = 302) -> Behaviour:
    return respond(status, b"", {"Location": location}, content_type=None)


def reset() -> Behaviour:
    """Read the request, then abort the connection without a byte of response."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.reset()
        return False

    return behaviour


def reset_after_headers(content_length: int = 1_000, pause: float = 0.05) -> Behaviour:
    """Send the status line and headers (promising a body), then abort the connection."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send_head(
            200, {"Content-Type": "application/json", "Content-Length": str(content_length)}
        )
        exchange.send(b'{"created": 1')
        exchange.wait(pause)  # let the client read the headers first
        exchange.reset()
        return False

    return behaviour


def close_mid_body(declared: int = 1_000, sent: int = 100) -> Behaviour:
    """Promise `declared` bytes of body, send `sent`, then close gracefully (FIN)."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send_head(
            200, {"Content-Type": "application/json", "Content-Length": str(declared)}
        )
        exchange.send(b" " * sent)
        exchange.close()
        return False

    return behaviour


def slow_headers(delay: float, then: Behaviour | None = None) -> Behaviour:
    """Say nothing for `delay` seconds, then answer with `then` (by default a 200 `{}`)."""
    answer = then or respond(200, b'{"created": 1, "data": []}')

    def behaviour(exchange: Exchange) -> bool:
        exchange.wait(delay)
        return answer(exchange)

    return behaviour


def slow_body(delay: float, body: bytes = b'{"created": 1, "data": []}') -> Behaviour:
    """Send the headers and the first bytes of `body`, stall `delay` s, then the rest."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send_head(
            200, {"Content-Type": "application/json", "Content-Length": str(len(body))}
        )
        exchange.send(body[:5])
        exchange.wait(delay)
        exchange.send(body[5:])
        return True

    return behaviour


def endless_body(interval: float = 0.05, chunk: bytes = b" " * 64) -> Behaviour:
    """Headers promising a large body (under the SDK's size cap, which would refuse it at
    once), then a chunk every `interval` s, forever (until the client hangs up or the
    server stops). Each read gets data well within any read timeout, so only a
    whole-response deadline can end it."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send_head(200, {"Content-Type": "application/json", "Content-Length": str(10**7)})
        while True:
            exchange.send(chunk)
            exchange.wait(interval)

    return behaviour


def trickle_headers(interval: float, duration: float) -> Behaviour:
    """Send the status line, then one more header line every `interval` s for `duration`
    seconds, then end the head with a valid JSON response (by default `{}`)."""
    body = b'{"created": 1, "data": []}'

    def behaviour(exchange: Exchange) -> bool:
        exchange.send(b"HTTP/1.1 200 OK\r\n")
        deadline = _now() + duration
        count = 0
        while _now() < deadline:
            exchange.send(f"X-Trickle-{count}: x\r\n".encode())
            count += 1
            exchange.wait(interval)
        exchange.send(
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )
        return True

    return behaviour
