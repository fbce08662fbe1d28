"""Fixtures of the SDK tests. Helpers and constants live in `sdk_support`."""

from __future__ import annotations

import functools
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import httpx
import httpx._transports.default as httpx_transports
import pytest
import respx
from sdk_support import (
    BASE_URL,
    ENV_VAR,
    OK_BODY,
    TOKEN,
    URL,
    FakeClock,
    Flavour,
    MakeSDK,
    UserClients,
)

from atoma_sdk import AtomaSDK

_create_ssl_context = httpx.create_ssl_context


@functools.cache
def _shared_ssl_context(verify: Any, cert: Any, trust_env: bool) -> ssl.SSLContext:
    return _create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


def _cached_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
    try:
        return _shared_ssl_context(verify, cert, trust_env)
    except TypeError:  # unhashable arguments (an SSLContext, say): nothing to cache
        return _create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


@pytest.fixture(autouse=True)
def _fast_http_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the default TLS context once, not once per `httpx.Client` (~35 ms each).

    Purely a speed-up: no test does TLS (respx answers in-process, the mock server is
    plain HTTP), and every client still gets the context httpx would have built.
    """
    monkeypatch.setattr(httpx_transports, "create_ssl_context", _cached_ssl_context, raising=False)


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not depend on the developer's environment."""
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    name: Literal["sync", "async"] = request.param
    return Flavour(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


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
