"""Helpers shared by the SDK tests: a fake clock, sync/async flavours, constants.

Every behavioural test is an `async def` parametrized over a `Flavour`, so one body checks
both `images.generate` and `images.generate_async`: `await flavour.generate(sdk, ...)`
calls the sync method directly (it does no real I/O under respx, or talks to a server on
another thread) and awaits the async one.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

import httpx
import respx
from shared import WALL_START, BaseFlavour, FakeClock

from atoma_sdk import AtomaSDK

__all__ = [
    "BASE_URL",
    "ENV_VAR",
    "OK_BODY",
    "PATH",
    "REQUIRED",
    "TOKEN",
    "URL",
    "WALL_START",
    "FakeClock",
    "Flavour",
    "MakeSDK",
    "UserClients",
    "sent",
]


BASE_URL = "https://api.test"
PATH = "/v1/images/generations"
URL = BASE_URL + PATH
TOKEN = "tok-123"
ENV_VAR = "ATOMASDK_BEARER_AUTH"
OK_BODY: dict[str, Any] = {
    "created": 1_700_000_000,
    "data": [{"url": "https://img.test/1.png", "revised_prompt": "an otter, revised"}],
}
#: The smallest valid call.
REQUIRED: dict[str, Any] = {"model": "m", "prompt": "p"}


class Flavour(BaseFlavour):
    """Runs the same test body through the sync or the async API."""

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
