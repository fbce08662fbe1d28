"""A real HTTP/1.1 server around a `MockAPI`, for end-to-end tests and demos."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

from .api import DROP, MockAPI

__all__ = ["MockServer"]


class _HTTPServer(ThreadingHTTPServer):
    """Tracks open connections so `stop()` can close keep-alive sockets and join their threads."""

    def __init__(self, address: tuple[str, int], api: MockAPI) -> None:
        super().__init__(address, _Handler)
        self.api = api
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
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self.connections.pop(request, None)
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
    server: _HTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = httpx.Headers([(k, str(v)) for k, v in self.headers.items()])
        answer = self.server.api.handle(self.command, self.path, headers, body)
        if self.server.api.delay_seconds:
            self.server.stopping.wait(self.server.api.delay_seconds)
        if answer.status == DROP:
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class MockServer:
    """`with MockServer() as server:` serves `server.api` on `server.url` from a daemon thread.

    Binds 127.0.0.1 on a free port by default and points `api.base_url` at itself, so the
    image URLs it returns are fetchable.
    """

    def __init__(
        self,
        api: MockAPI | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        require_auth: bool = False,
    ) -> None:
        self.api = api if api is not None else MockAPI(require_auth=require_auth)
        self.host = host
        self.port = port
        self.thread: threading.Thread | None = None
        self._httpd: _HTTPServer | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("MockServer is not running; call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    def start(self) -> MockServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.port), self.api)
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
