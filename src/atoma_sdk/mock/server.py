"""A real HTTP/1.1 server around a `MockAPI`, for end-to-end tests and demos."""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http
import json
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

from .api import DROP, MockAPI
from .request_head import HeadError, read_head

__all__ = ["BACKLOG", "BODY_TIMEOUT_SECONDS", "MAX_BODY_BYTES", "MockServer"]

#: The listen backlog. socketserver's default, 5, makes the kernel turn away bursts of
#: clients (100 connecting at once) before the accept loop gets to them.
BACKLOG = 128
#: The largest request body the mock reads; a larger one is refused (413) unread.
MAX_BODY_BYTES = 4 * 1024 * 1024
#: How long the mock waits for the body a `Content-Length` announced (then 408).
BODY_TIMEOUT_SECONDS = 10.0


@dataclass
class _ConnectionStats:
    """Counted under `_HTTPServer.lock`; outlives the server, so counts survive `stop()`."""

    open: int = 0
    accepted: int = 0
    peak: int = 0


class _HTTPServer(ThreadingHTTPServer):
    """Tracks open connections so `stop()` can close keep-alive sockets and join their threads."""

    request_queue_size = BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        api: MockAPI,
        stats: _ConnectionStats,
        max_body_bytes: int,
        body_timeout: float,
    ) -> None:
        super().__init__(address, _Handler)
        self.api = api
        self.stats = stats
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.stopping = threading.Event()
        self.connections: dict[socket.socket, threading.Thread] = {}
        self.lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        # ThreadingMixIn's version, but recording the thread before it starts (no race with stop).
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self.lock:
            self.connections[request] = thread
            stats = self.stats
            stats.open, stats.accepted = stats.open + 1, stats.accepted + 1
            stats.peak = max(stats.peak, stats.open)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            if self.connections.pop(request, None) is not None:
                self.stats.open -= 1
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up (e.g. on timeout) is not worth a traceback on stderr

    def close_connections(self) -> None:
        with self.lock:
            open_connections = list(self.connections.items())
        for connection, _ in open_connections:
            with contextlib.suppress(OSError):  # wakes a handler waiting on keep-alive
                connection.shutdown(socket.SHUT_RDWR)
        for _, thread in open_connections:
            thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    # Also what a request line too broken to name a version is answered in (http.server's
    # default, HTTP/0.9, would send the JSON error without a status line or headers).
    default_request_version = "HTTP/1.1"
    # An answer's head and body leave in one write (`handle_one_request` flushes after
    # each request; an event stream flushes each event). Written apart, with Nagle's
    # algorithm the body waited for the client's delayed ACK of the head: 40 ms on Linux.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _HTTPServer
    raw_requestline: bytes  # set by `handle_one_request` before `parse_request`
    request_headers: httpx.Headers

    def parse_request(self) -> bool:
        """`http.server`'s hook, reading the head with `read_head` (no `email` parsing)."""
        # What `send_error` answers and logs with if the request line is unreadable.
        self.command, self.request_version = "", self.default_request_version
        self.requestline = self.raw_requestline[:100].decode("latin-1").rstrip("\r\n")
        self.close_connection = True
        try:
            head = read_head(self.raw_requestline, self.rfile)
        except HeadError as error:
            self.send_error(error.status, error.message)
            return False
        self.command, self.path, self.request_version = head.method, head.target, head.version
        self.request_headers = head.headers
        self.close_connection = not head.keep_alive
        if head.expects_continue:
            return self.handle_expect_100()
        return True

    def handle_expect_100(self) -> bool:
        """Send `100 Continue` now: the client (curl, for a body over 1 KiB) waits for it
        before sending the body, and `wfile` would otherwise hold it until the answer."""
        self.send_response_only(http.HTTPStatus.CONTINUE)
        self.end_headers()
        self.wfile.flush()
        return True

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return  # already answered (or the client went away)
        api = self.server.api
        try:
            answer = api.handle(self.command, self.path, self.request_headers, body)
        except Exception as error:  # a bug of the mock: still an answer, not a hang-up
            self.send_error(500, f"The mock failed: {type(error).__name__}: {error}")
            return
        if api.delay_seconds:
            self.server.stopping.wait(api.delay_seconds)
        if answer.status == DROP:
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.chunks is not None:
            self._send_chunked(answer.chunks, answer.cut, api.event_interval_seconds)
            return
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def _read_body(self) -> bytes | None:
        """The request body its `Content-Length` announces (none without one), or None
        once a request whose body cannot be read was answered with a 4XX."""
        if "Transfer-Encoding" in self.request_headers:
            self.send_error(411, "Send the body with a Content-Length; chunked is not read")
            return None
        declared = self.request_headers.get_list("Content-Length")
        if not declared:
            return b""
        value = declared[0].strip()
        if len(set(declared)) > 1 or not (value.isascii() and value.isdigit()):
            self.send_error(400, f"Invalid Content-Length: {', '.join(declared)[:100]}")
            return None
        length = int(value)
        if length > self.server.max_body_bytes:
            self.send_error(413, f"The body is larger than {self.server.max_body_bytes} bytes")
            return None
        self.connection.settimeout(self.server.body_timeout)
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            self.send_error(408, f"The body did not arrive within {self.server.body_timeout} s")
            return None
        finally:
            self.connection.settimeout(None)
        if len(body) < length:  # the client closed its end: nobody to answer
            self.close_connection = True
            return None
        return body

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every error the mock or `http.server` answers is the API's JSON error, and ends
        the connection (what follows a malformed request cannot be trusted)."""
        status = http.HTTPStatus(code)
        error = {"message": message or status.phrase, "type": "invalid_request_error"}
        body = json.dumps({"error": {**error, "param": None}}).encode()
        self.close_connection = True
        self.send_response(code, status.phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)

    def _send_chunked(self, chunks: Sequence[bytes], cut: bool, interval: float) -> None:
        """Send an event stream as it would be generated: one HTTP chunk per event, each
        written straight to the socket (`wfile` is unbuffered) after `interval` seconds.
        With `cut`, hang up after the last chunk, leaving the body unfinished."""
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for index, chunk in enumerate(chunks):
            if index and interval and self.server.stopping.wait(interval):
                cut = True  # the server is stopping: hang up mid-stream
                break
            if chunk:  # an empty chunk would end the body
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
        if cut:
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The `Date` header, formatted once a second rather than once an answer."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        return _http_date(int(time.time()))

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


@functools.lru_cache(maxsize=1)
def _http_date(second: int) -> str:
    return email.utils.formatdate(second, usegmt=True)


class MockServer:
    """`with MockServer() as server:` serves `server.api` on `server.url` from a daemon thread.

    Binds 127.0.0.1 on a free port by default and points `api.base_url` at itself, so the
    image URLs it returns are fetchable. A request it cannot read (a bad `Content-Length`,
    a body over `max_body_bytes`, one that does not arrive within `body_timeout` seconds,
    a malformed request line or header) gets a JSON 4XX error and the connection closes.
    """

    def __init__(
        self,
        api: MockAPI | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        require_auth: bool = False,
        max_body_bytes: int = MAX_BODY_BYTES,
        body_timeout: float = BODY_TIMEOUT_SECONDS,
    ) -> None:
        self.api = api if api is not None else MockAPI(require_auth=require_auth)
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.thread: threading.Thread | None = None
        self._httpd: _HTTPServer | None = None
        self._stats = _ConnectionStats()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("MockServer is not running; call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    @property
    def open_connections(self) -> int:
        """Client connections accepted and not yet closed."""
        return self._stats.open

    @property
    def connections_accepted(self) -> int:
        """Client connections accepted since this server was created."""
        return self._stats.accepted

    @property
    def peak_open_connections(self) -> int:
        """The most connections that were open at once."""
        return self._stats.peak

    def start(self) -> MockServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(
            (self.host, self.port), self.api, self._stats, self.max_body_bytes, self.body_timeout
        )
        self.port = self._httpd.server_port
        self.api.base_url = self.url
        self.thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"atoma-mock-server:{self.port}",
            daemon=True,
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, join every thread, close the socket."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self.thread is not None:
            self.thread.join()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
