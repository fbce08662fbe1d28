"""A whole-attempt deadline for the SDK's own HTTP clients.

httpx's read timeout bounds each wait for data, so a server that trickles bytes (even
header lines) can hold a request far past it. The SDK's clients get a network backend
whose streams shorten every read and write to the time left before the current
attempt's deadline, which the pipeline sets in a context variable around each attempt.
Clients passed in by users keep their own transport; for them only the body is bounded.

The same streams guard against bytes a server sent past the end of its response (a
wrong `Content-Length`, a body on a 204), which httpcore would keep and read as the next
response on the connection: an idle connection holding such bytes reports itself
readable, as one the server closed does, so the pool drops it instead of reusing it;
and a response already there before its request was sent is refused rather than taken
for this request's answer (`check_replied`).
"""

from __future__ import annotations

import time
from collections.abc import Coroutine
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = ["attempt_deadline", "check_replied", "install", "seconds_left"]

_DEADLINE: ContextVar[float | None] = ContextVar("atoma_sdk_attempt_deadline", default=None)


class attempt_deadline:  # lower case: it reads as a function, `with attempt_deadline(5.0):`
    """Within the block, network reads and writes end `budget` seconds from now.

    A class rather than `contextlib.contextmanager`: it is entered on every attempt, and a
    generator-based context manager costs three times as much.
    """

    __slots__ = ("_budget", "_token")

    def __init__(self, budget: float | None) -> None:
        self._budget = budget

    def __enter__(self) -> None:
        budget = self._budget
        self._token = _DEADLINE.set(None if budget is None else time.monotonic() + budget)

    def __exit__(self, *exc_info: object) -> None:
        _DEADLINE.reset(self._token)


def seconds_left() -> float | None:
    """Time left before the current attempt's deadline (None outside an attempt or
    without one): for transports that bound a whole request themselves."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


def _bounded(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("The response took longer than the timeout")
    return left if timeout is None else min(timeout, left)


def check_replied(response: httpx.Response) -> None:
    """Raise `httpx.RemoteProtocolError` if `response` was parsed from bytes received
    before its request was sent: the answer to no request of ours (see the docstring)."""
    stream = response.extensions.get("network_stream")
    if isinstance(stream, (_Stream, _AsyncStream)) and not stream.replied:
        raise httpx.RemoteProtocolError(
            "The server sent more than its previous response declared (Content-Length): "
            "the bytes read as this response were there before the request was sent",
            request=response.request,
        )


class _Leftovers:
    """What both streams share: `replied`, and `get_extra_info("is_readable")` also true
    while the HTTP/1.1 parser of the connection holds bytes past its last response."""

    def __init__(self, inner: Any, pool: Any) -> None:
        self._inner = inner
        self._pool = pool
        #: something was read since the last write (the request)
        self.replied = False
        #: the connection's h11 parser; False: it has none (HTTP/2); None: not found yet
        self._parser: Any = None

    def get_extra_info(self, info: str) -> Any:
        # Asked for every idle connection whenever a request starts or ends: inlined.
        if info == "is_readable":
            parser = self._parser
            if parser is None:
                parser = self._parser = _parser_of(self, self._pool)
            if parser and parser.trailing_data[0]:
                return True
        return self._inner.get_extra_info(info)


def _parser_of(stream: _Leftovers, pool: Any) -> Any:
    """The h11 connection reading `stream` among the pool's connections (httpcore keeps
    it in private attributes: if they change, None, and nothing is checked)."""
    for connection in getattr(pool, "connections", ()):
        for _ in range(3):  # a proxy's connection wraps the HTTP/1.1 one
            if getattr(connection, "_network_stream", None) is stream:
                return getattr(connection, "_h11_state", False)
            connection = getattr(connection, "_connection", None)
    return None


class _Stream(_Leftovers, httpcore.NetworkStream):
    _inner: httpcore.NetworkStream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.replied = True
        return self._inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.replied = False
        self._inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout))
        return _Stream(inner, self._pool)


class _AsyncStream(_Leftovers, httpcore.AsyncNetworkStream):
    _inner: httpcore.AsyncNetworkStream

    # Plain functions handing back the inner coroutine: no extra coroutine frame to
    # resume each time a read or write waits for the network.
    def read(self, max_bytes: int, timeout: float | None = None) -> Coroutine[Any, Any, bytes]:
        self.replied = True
        return self._inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> Coroutine[Any, Any, None]:
        self.replied = False
        return self._inner.write(buffer, _bounded(timeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout))
        return _AsyncStream(inner, self._pool)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend, pool: Any) -> None:
        self._inner = inner
        self._pool = pool

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _Stream(inner, self._pool)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.connect_unix_socket(path, _bounded(timeout), socket_options)
        return _Stream(inner, self._pool)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend, pool: Any) -> None:
        self._inner = inner
        self._pool = pool

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _AsyncStream(inner, self._pool)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.connect_unix_socket(path, _bounded(timeout), socket_options)
        return _AsyncStream(inner, self._pool)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install(transport: httpx.BaseTransport | httpx.AsyncBaseTransport) -> bool:
    """Give a fresh httpx transport of the SDK's own the deadline-aware backend.

    httpx has no public hook for its connection pool's network backend, so this reaches
    for httpcore's `_network_backend`; if that ever changes, it does nothing (False) and
    attempts are bounded by httpx's timeouts and the body guard only.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _Backend(backend, pool)  # type: ignore[union-attr]
        return True
    if isinstance(backend, httpcore.AsyncNetworkBackend):
        pool._network_backend = _AsyncBackend(backend, pool)  # type: ignore[union-attr]
        return True
    return False
