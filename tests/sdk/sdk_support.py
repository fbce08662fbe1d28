"""Helpers shared by the SDK tests: a fake clock, sync/async flavours, constants.

Every behavioural test is an `async def` parametrized over a `Flavour`, so one body checks
both `images.generate` and `images.generate_async`: `await flavour.generate(sdk, ...)`
calls the sync method directly (it does no real I/O under respx, or talks to a server on
another thread) and awaits the async one.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Literal, Protocol

import httpx
import respx

from atoma_sdk import AtomaSDK, models
from atoma_sdk._runtime.clock import Clock

BASE_URL = "https://api.test"
PATH = "/v1/images/generations"
URL = BASE_URL + PATH
TOKEN = "tok-123"
ENV_VAR = "ATOMASDK_BEARER_AUTH"
OK_BODY: dict[str, Any] = {
    "created": 1_700_000_000,
    "data": [{"url": "https://img.test/1.png", "revised_prompt": "an otter, revised"}],
}
#: The fake clock's wall-clock time at its start (2023-11-14T22:13:20Z).
WALL_START = 1_700_000_000.0
#: The smallest valid call.
REQUIRED: dict[str, Any] = {"model": "m", "prompt": "p"}


class FakeClock(Clock):
    """Records requested sleeps instead of sleeping; time moves only when something sleeps."""

    def __init__(self, jitter: float = 0.0) -> None:
        self.now = 1_000.0
        self.jitter_value = jitter
        self.sleeps: list[float] = []
        #: "sync" or "async" per sleep, to check each driver uses its own kind of sleep.
        self.kinds: list[str] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        """Wall-clock time moves with the fake monotonic clock (starts at WALL_START)."""
        return WALL_START + (self.now - 1_000.0)

    def sleep(self, seconds: float) -> None:
        self._record(seconds, "sync")

    async def sleep_async(self, seconds: float) -> None:
        self._record(seconds, "async")

    def jitter(self) -> float:
        return self.jitter_value

    def _record(self, seconds: float, kind: str) -> None:
        self.sleeps.append(seconds)
        self.kinds.append(kind)
        self.now += seconds


class Flavour:
    """Runs the same test body through the sync or the async API."""

    def __init__(self, name: Literal["sync", "async"]) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    @property
    def is_async(self) -> bool:
        return self.name == "async"

    async def generate(self, sdk: AtomaSDK, **kwargs: Any) -> models.CreateImageResponse:
        if self.is_async:
            return await sdk.images.generate_async(**kwargs)
        return sdk.images.generate(**kwargs)

    def created_client(self, sdk: AtomaSDK) -> httpx.Client | httpx.AsyncClient | None:
        """The HTTP client this flavour uses (None while not created yet)."""
        return sdk._core._async_client if self.is_async else sdk._core._client

    @contextlib.asynccontextmanager
    async def session(self, sdk: AtomaSDK) -> AsyncIterator[AtomaSDK]:
        """`with sdk` or `async with sdk`, depending on the flavour."""
        if self.is_async:
            async with sdk as entered:
                yield entered
        else:
            with sdk as entered:
                yield entered


class MakeSDK(Protocol):
    def __call__(self, **kwargs: Any) -> AtomaSDK: ...


class UserClients:
    """Builds user-owned httpx clients for a flavour and closes them after the test."""

    def __init__(self) -> None:
        self.sync: list[httpx.Client] = []
        self.async_: list[httpx.AsyncClient] = []

    def kwargs_for(self, flavour: Flavour, **httpx_kwargs: Any) -> dict[str, Any]:
        """`{"client": ...}` or `{"async_client": ...}`, ready to pass to `AtomaSDK`."""
        if flavour.is_async:
            async_client = httpx.AsyncClient(**httpx_kwargs)
            self.async_.append(async_client)
            return {"async_client": async_client}
        client = httpx.Client(**httpx_kwargs)
        self.sync.append(client)
        return {"client": client}

    async def close(self) -> None:
        for client in self.sync:
            client.close()
        for async_client in self.async_:
            await async_client.aclose()


def sent(route: respx.Route) -> httpx.Request:
    """The one request `route` received."""
    assert route.call_count == 1
    return route.calls.last.request
