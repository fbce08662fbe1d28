"""Fixtures of the fault-injection tests: flavours, SDKs and real misbehaving servers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fault_server import Behaviour, FaultServer
from fault_support import TOKEN, Flavour, MakeSDK, StartServer, assert_pool_clean

from atoma_sdk import AtomaSDK
from atoma_sdk._runtime.clock import Clock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "not_on_aiohttp(reason): the test's async flavour does not also run on "
        "DefaultAioHttpClient, for the reason given",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every flavoured test also runs its async calls on aiohttp, unless marked
    `not_on_aiohttp(reason)`."""
    if "flavour" in metafunc.fixturenames:
        names = ["sync", "async"]
        excluded = metafunc.definition.get_closest_marker("not_on_aiohttp")
        if excluded is None:
            names.append("async-aiohttp")
        else:
            assert excluded.args and excluded.args[0], "not_on_aiohttp needs a reason"
        metafunc.parametrize("flavour", names, indirect=True)


@pytest.fixture
def flavour(request: pytest.FixtureRequest) -> Flavour:
    name, _, backend = request.param.partition("-")
    return Flavour("sync" if name == "sync" else "async", backend or "httpx")


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
async def make_sdk(request: pytest.FixtureRequest) -> AsyncIterator[MakeSDK]:
    """Builds SDKs (on the flavour's async backend); after the test checks that their
    pools hold no busy connection, then closes them."""
    made: list[AtomaSDK] = []
    given: list[httpx.AsyncClient] = []
    flavour = request.getfixturevalue("flavour") if "flavour" in request.fixturenames else None

    def make(server_url: str, *, clock: Clock | None = None, **kwargs: Any) -> AtomaSDK:
        kwargs.setdefault("bearer_auth", TOKEN)
        if flavour is not None and "async_client" not in kwargs:
            async_client = flavour.async_client()
            if async_client is not None:
                given.append(async_client)
                kwargs["async_client"] = async_client
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
    for client in given:
        await client.aclose()
