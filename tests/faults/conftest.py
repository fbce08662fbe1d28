"""Fixtures of the fault-injection tests: flavours, SDKs and real misbehaving servers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import pytest
from fault_server import Behaviour, FaultServer
from fault_support import TOKEN, Flavour, MakeSDK, StartServer, assert_pool_clean

from atoma_sdk import AtomaSDK
from atoma_sdk._runtime.clock import Clock


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    name: Literal["sync", "async"] = request.param
    return Flavour(name)


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Starts fault servers; after the test stops them and checks that every thread they
    started is gone (`threading.active_count()` back to its value before the test)."""
    baseline = threading.active_count()
    servers: list[FaultServer] = []

    def start(*script: Behaviour) -> FaultServer:
        server = FaultServer(*script).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    assert threading.active_count() == baseline, threading.enumerate()


@pytest.fixture
async def make_sdk() -> AsyncIterator[MakeSDK]:
    """Builds SDKs; after the test checks that their own pools hold no busy connection,
    then closes them."""
    made: list[AtomaSDK] = []

    def make(server_url: str, *, clock: Clock | None = None, **kwargs: Any) -> AtomaSDK:
        kwargs.setdefault("bearer_auth", TOKEN)
        sdk = AtomaSDK(server_url=server_url, **kwargs)
        if clock is not None:
            sdk._core.clock = clock
        made.append(sdk)
        return sdk

    yield make
    for sdk in made:
        assert_pool_clean(sdk._core._client)
        assert_pool_clean(sdk._core._async_client)
        await sdk.aclose()
