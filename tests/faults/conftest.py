"""Fixtures of the fault-injection tests: flavours, SDKs and real misbehaving servers."""

from __future__ import annotations

import functools
import ssl
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import httpx
import httpx._transports.default as httpx_transports
import pytest
from fault_server import Behaviour, FaultServer
from fault_support import TOKEN, FakeClock, Flavour, MakeSDK, StartServer, assert_pool_clean

from atoma_sdk import AtomaSDK
from atoma_sdk._runtime.clock import Clock

_create_ssl_context = httpx.create_ssl_context


@functools.cache
def _shared_ssl_context(verify: Any, cert: Any, trust_env: bool) -> ssl.SSLContext:
    return _create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


def _cached_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
    try:
        return _shared_ssl_context(verify, cert, trust_env)
    except TypeError:  # unhashable arguments: nothing to cache
        return _create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


@pytest.fixture(autouse=True)
def _fast_http_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the default TLS context once, not once per `httpx.Client` (~35 ms each), as
    `tests/sdk/conftest.py` does; these tests only speak plain HTTP to 127.0.0.1."""
    monkeypatch.setattr(httpx_transports, "create_ssl_context", _cached_ssl_context, raising=False)


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATOMASDK_BEARER_AUTH", raising=False)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    name: Literal["sync", "async"] = request.param
    return Flavour(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


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
