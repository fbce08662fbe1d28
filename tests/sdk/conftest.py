"""Fixtures of the SDK tests. Helpers and constants live in `sdk_support`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import httpx
import pytest
import respx
from sdk_support import (
    BASE_URL,
    OK_BODY,
    TOKEN,
    URL,
    FakeClock,
    Flavour,
    MakeSDK,
    UserClients,
)

from atoma_sdk import AtomaSDK


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    name: Literal["sync", "async"] = request.param
    return Flavour(name)


@pytest.fixture
async def make_sdk(clock: FakeClock) -> AsyncIterator[MakeSDK]:
    """Builds SDKs on the fake clock (default server and token), closing all of them after."""
    made: list[AtomaSDK] = []

    def make(**kwargs: Any) -> AtomaSDK:
        kwargs.setdefault("server_url", BASE_URL)
        kwargs.setdefault("bearer_auth", TOKEN)
        sdk = AtomaSDK(**kwargs)
        sdk._core.clock = clock
        made.append(sdk)
        return sdk

    yield make
    for sdk in made:
        await sdk.aclose()


@pytest.fixture
def sdk(make_sdk: MakeSDK) -> AtomaSDK:
    return make_sdk()


@pytest.fixture
async def user_clients() -> AsyncIterator[UserClients]:
    clients = UserClients()
    yield clients
    await clients.close()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """respx router; any request to an unrouted URL fails the test."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def route(api: respx.MockRouter) -> respx.Route:
    """The generation endpoint on the default server, answering 200 with `OK_BODY`."""
    return api.post(URL).mock(return_value=httpx.Response(200, json=OK_BODY))
