"""`DefaultAioHttpClient` behind a proxy: `proxy=` and the proxy environment variables
are reached through aiohttp (not httpx's own transport), with the proxy's credentials
and headers; what aiohttp cannot do (SOCKS, a proxy TLS context) is a `ValueError` when
the client is made. A fault server on 127.0.0.1 plays the proxy and records what it is
sent."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Iterator

import httpx
import pytest
from fault_server import json_response, respond
from fault_support import OK_BODY, REQUIRED, TOKEN, StartServer

from atoma_sdk import APIConnectionError, AtomaSDK, DefaultAioHttpClient

#: A host nobody resolves: only a proxy can answer for it.
API = "http://api.proxied.test"
PATH = "/v1/images/generations"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    yield


def sends_through_aiohttp(client: httpx.AsyncClient) -> bool:
    """Every transport of the client, the proxies' too, is the aiohttp one."""
    from httpx_aiohttp import AiohttpTransport

    transports = [client._transport, *client._mounts.values()]
    return all(isinstance(t, AiohttpTransport) for t in transports)


async def test_proxy_argument_is_reached_through_aiohttp(start_server: StartServer) -> None:
    proxy = start_server(json_response(200, OK_BODY))
    async with (
        DefaultAioHttpClient(proxy=proxy.url) as http,
        AtomaSDK(bearer_auth=TOKEN, server_url=API, async_client=http) as sdk,
    ):
        result = await sdk.images.generate_async(**REQUIRED)

        assert sends_through_aiohttp(http)
        assert len(http._mounts) == 1
    assert result.created == OK_BODY["created"]
    (sent,) = proxy.requests
    assert (sent.method, sent.target) == ("POST", API + PATH)  # absolute form: to a proxy
    assert sent.headers["host"] == "api.proxied.test"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert "proxy-authorization" not in sent.headers


async def test_the_proxys_credentials_and_headers_are_sent_to_it(
    start_server: StartServer,
) -> None:
    proxy = start_server(json_response(200, OK_BODY))
    address = proxy.url.removeprefix("http://")
    given = httpx.Proxy(f"http://user:p%40ss@{address}", headers={"X-Proxy-Tenant": "t1"})
    async with (
        DefaultAioHttpClient(proxy=given) as http,
        AtomaSDK(bearer_auth=TOKEN, server_url=API, async_client=http) as sdk,
    ):
        await sdk.images.generate_async(**REQUIRED)
    (sent,) = proxy.requests
    assert sent.headers["proxy-authorization"] == "Basic " + base64.b64encode(b"user:p@ss").decode(
        "ascii"
    )
    assert sent.headers["x-proxy-tenant"] == "t1"


async def test_an_https_url_is_tunnelled_with_the_credentials_on_the_connect(
    start_server: StartServer,
) -> None:
    """The proxy refuses the tunnel: the call fails as a connection error, and the
    CONNECT it refused carried the credentials (and nothing of the API's)."""
    proxy = start_server(respond(407, b"", {"Connection": "close"}, content_type=None))
    address = proxy.url.removeprefix("http://")
    async with (
        DefaultAioHttpClient(proxy=f"http://user:pw@{address}") as http,
        AtomaSDK(
            bearer_auth=TOKEN,
            server_url="https://api.proxied.test",
            async_client=http,
            retry_config=None,
        ) as sdk,
    ):
        with pytest.raises(APIConnectionError):
            await sdk.images.generate_async(**REQUIRED)
    (connect,) = proxy.requests
    assert (connect.method, connect.target) == ("CONNECT", "api.proxied.test:443")
    assert connect.headers["proxy-authorization"] == "Basic dXNlcjpwdw=="
    assert "authorization" not in connect.headers


async def test_the_proxy_environment_is_read_as_httpx_reads_it(
    start_server: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = start_server(json_response(200, OK_BODY))
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with (
        DefaultAioHttpClient() as http,
        AtomaSDK(bearer_auth=TOKEN, server_url=API, async_client=http) as sdk,
    ):
        await sdk.images.generate_async(**REQUIRED)
        assert sends_through_aiohttp(http)
    assert [r.target for r in proxy.requests] == [API + PATH]

    async with DefaultAioHttpClient(trust_env=False) as ignoring:
        assert ignoring._mounts == {}
    monkeypatch.setenv("NO_PROXY", "api.proxied.test")
    async with DefaultAioHttpClient() as excluded:
        assert excluded._transport_for_url(httpx.URL(API + PATH)) is excluded._transport


@pytest.mark.parametrize("url", ["socks5://127.0.0.1:1080", "socks5h://127.0.0.1:1080"])
def test_a_socks_proxy_is_refused_when_the_client_is_made(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match=r"supports http:// and https:// proxies, not socks5"):
        DefaultAioHttpClient(proxy=url)
    monkeypatch.setenv("ALL_PROXY", url)
    with pytest.raises(ValueError, match=r"use httpx.AsyncClient\(proxy=...\)"):
        DefaultAioHttpClient()
    DefaultAioHttpClient(trust_env=False)  # the environment ignored: nothing to refuse


def test_a_proxy_tls_context_is_refused_when_the_client_is_made() -> None:
    proxy = httpx.Proxy("https://proxy.test:3129", ssl_context=ssl.create_default_context())
    with pytest.raises(ValueError, match="ssl_context"):
        DefaultAioHttpClient(proxy=proxy)
