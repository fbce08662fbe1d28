"""Helpers of the fault-injection tests: fake clock, sync/async flavours, pool inspection.

`FakeClock` and the base of `Flavour` come from `tests/shared.py`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import httpx
from shared import WALL_START, BaseFlavour, FakeClock

from atoma_sdk import AtomaSDK, DefaultAioHttpClient, models
from atoma_sdk._runtime.clock import Clock

__all__ = [
    "OK_BODY",
    "REQUIRED",
    "TOKEN",
    "WALL_START",
    "FakeClock",
    "Flavour",
    "MakeSDK",
    "StartServer",
    "answer",
    "assert_at_most_one_idle",
    "assert_connection_error",
    "assert_pool_clean",
    "pool_connections",
    "stopwatch",
]


if TYPE_CHECKING:
    from fault_server import Behaviour, FaultServer

TOKEN = "tok-faults"
REQUIRED: dict[str, Any] = {"model": "m", "prompt": "p"}
OK_BODY: dict[str, Any] = {
    "created": 1_700_000_000,
    "data": [{"url": "https://img.test/1.png", "revised_prompt": "an otter"}],
}


def answer(prompt: str) -> bytes:
    """A success body whose image carries `prompt`: a call can tell its answer from
    another's."""
    return json.dumps({**OK_BODY, "data": [{"url": "u", "revised_prompt": prompt}]}).encode()


class MakeSDK(Protocol):
    def __call__(self, server_url: str, *, clock: Clock | None = None, **kwargs: Any) -> AtomaSDK:
        """An SDK for `server_url` (token set); `clock` replaces its real clock."""


class StartServer(Protocol):
    def __call__(self, *script: Behaviour) -> FaultServer:
        """A started server; it is stopped (and checked for leaks) after the test."""


class Flavour(BaseFlavour):
    """Runs the same test body through the sync or the async API; async calls on httpx's
    own stack or, with `backend="aiohttp"`, on `DefaultAioHttpClient`."""

    def __init__(self, name: Literal["sync", "async"], backend: str = "httpx") -> None:
        super().__init__(name)
        self.backend = backend

    def __repr__(self) -> str:
        return self.name if self.backend == "httpx" else f"{self.name}-{self.backend}"

    def async_client(self) -> httpx.AsyncClient | None:
        """The client to give the SDK (None: the SDK makes its own)."""
        return DefaultAioHttpClient() if self.backend == "aiohttp" else None

    def owned_client(self, sdk: AtomaSDK) -> httpx.Client | httpx.AsyncClient | None:
        """The HTTP client the SDK created for this flavour (None if not created yet)."""
        return sdk._core._async_client if self.is_async else sdk._core._client

    def count_attempts(self, sdk: AtomaSDK) -> list[httpx.Request]:
        """Every request the SDK's own client sends from now on (one per attempt, including
        attempts that never reach a server)."""
        seen: list[httpx.Request] = []
        if self.is_async:

            async def record_async(request: httpx.Request) -> None:
                seen.append(request)

            sdk._core.async_client.event_hooks["request"].append(record_async)
        else:
            sdk._core.client.event_hooks["request"].append(seen.append)
        return seen


@dataclass
class AiohttpConnection:
    """An aiohttp connection seen as httpcore's are (`is_idle`, `is_closed`)."""

    protocol: Any
    idle: bool

    def is_idle(self) -> bool:
        return self.idle

    def is_closed(self) -> bool:
        return not self.protocol.is_connected()


def pool_connections(client: httpx.Client | httpx.AsyncClient | None) -> list[Any]:
    """The connections in `client`'s pool (empty if there is no client): httpcore's, or
    aiohttp's for `DefaultAioHttpClient`."""
    if client is None:
        return []
    transport: Any = client._transport
    if isinstance(client, DefaultAioHttpClient):
        session = transport.client
        if session is None or session.connector is None:  # not made yet, or closed
            return []
        connector = session.connector
        idle = [protocol for queue in connector._conns.values() for protocol, _ in queue]
        return [AiohttpConnection(p, True) for p in idle] + [
            AiohttpConnection(p, False) for p in connector._acquired
        ]
    return list(transport._pool.connections)


def busy_connections(client: httpx.Client | httpx.AsyncClient | None) -> list[Any]:
    """Connections that are neither idle nor closed: a leak once a call has returned."""
    return [c for c in pool_connections(client) if not (c.is_idle() or c.is_closed())]


def assert_pool_clean(client: httpx.Client | httpx.AsyncClient | None) -> None:
    busy = busy_connections(client)
    assert busy == [], f"connections still in use after the call: {busy}"


def assert_at_most_one_idle(client: httpx.Client | httpx.AsyncClient | None) -> None:
    connections = pool_connections(client)
    assert len(connections) <= 1, connections
    assert all(c.is_idle() for c in connections), connections


def assert_connection_error(
    error: BaseException, base: type[models.APIConnectionError], httpx_class: type[Exception]
) -> None:
    """`error` is exactly the SDK's wrapper of `httpx_class`: both an instance of `base`
    (APIConnectionError / APITimeoutError) and of `httpx_class`, chaining the original;
    shown (repr, tracebacks) by the public name of `base`."""
    assert type(error).__bases__ == (base, httpx_class), type(error).__mro__
    assert (type(error).__module__, type(error).__qualname__) == ("atoma_sdk", base.__name__)
    assert type(error.__cause__) is httpx_class, repr(error.__cause__)
    assert isinstance(error, models.SDKError)


@dataclass
class Stopwatch:
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    """`with stopwatch() as watch: ...`; `watch.elapsed` is set even if the block raises."""
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.elapsed = time.monotonic() - watch.started
