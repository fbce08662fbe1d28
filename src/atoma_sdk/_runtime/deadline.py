"""A whole-attempt deadline for the SDK's own HTTP clients.

httpx's read timeout bounds each wait for data, so a server that trickles bytes (even
header lines) can hold a request far past it. The SDK's clients get a network backend
whose streams shorten every read and write to the time left before the current
attempt's deadline, which the pipeline sets in a context variable around each attempt.
Clients passed in by users keep their own transport; for them only the body is bounded.

The same streams note whether anything was read since the request was written, so that
a response already waiting before the request went out (bytes a server sent past its
previous response's `Content-Length`, which httpcore keeps for the next exchange on the
connection) is refused rather than taken for this request's answer (`check_replied`).
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


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        #: something was read since the last write (the request)
        self.replied = False
        # Asked for every idle connection on every request: no extra call in between.
        self.get_extra_info = inner.get_extra_info  # type: ignore[method-assign]

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
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self.replied = False  # as in `_Stream`
        # Asked for every idle connection on every request: no extra call in between.
        self.get_extra_info = inner.get_extra_info  # type: ignore[method-assign]

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
        return _AsyncStream(
            await self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout))
        )


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            self._inner.connect_tcp(host, port, _bounded(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _bounded(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        return _AsyncStream(
            await self._inner.connect_tcp(
                host, port, _bounded(timeout), local_address, socket_options
            )
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        return _AsyncStream(
            await self._inner.connect_unix_socket(path, _bounded(timeout), socket_options)
        )

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
        pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
        return True
    if isinstance(backend, httpcore.AsyncNetworkBackend):
        pool._network_backend = _AsyncBackend(backend)  # type: ignore[union-attr]
        return True
    return False
