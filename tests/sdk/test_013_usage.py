"""Programs written the way atoma-sdk 0.1.3's README taught, for its images API, run
unchanged against this SDK.

0.1.3's README shows each feature on one call: the token read with
`os.getenv("ATOMASDK_BEARER_AUTH", "")`, `with AtomaSDK(...) as atoma_sdk:` (and `async
with`), `RetryConfig` / `BackoffStrategy` from `atoma_sdk.utils` on a call or on the client,
`except models.APIError`, `server_url=`, an `httpx.Client` of one's own with default
headers, a wrapper client of one's own, and `debug_logger=`. Each test below is such a
program for `images.generate`; the only thing outside it is `ATOMASDK_SERVER_URL`, which
points the client at the bundled mock, and the mock's record of what arrived.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from atoma_sdk import AtomaSDK, models
from atoma_sdk.mock import MockServer
from atoma_sdk.types import UNSET, OptionalNullable
from atoma_sdk.utils import BackoffStrategy, RetryConfig

#: Every argument 0.1.3's images.generate took, as its docs filled them in.
ALL_013_ARGUMENTS: dict[str, Any] = {
    "model": "black-forest-labs/FLUX.1-schnell",
    "prompt": "A cute baby sea otter",
    "n": 1,
    "quality": "hd",
    "response_format": "url",
    "size": "1024x1024",
    "style": "vivid",
    "user": "user-1234",
}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockServer]:
    """The mock as the default server, and a token in the environment."""
    with MockServer() as server:
        monkeypatch.setenv("ATOMASDK_SERVER_URL", server.url)
        monkeypatch.setenv("ATOMASDK_BEARER_AUTH", "sk-test")
        yield server


def test_the_sync_example(server: MockServer, capsys: pytest.CaptureFixture[str]) -> None:
    with AtomaSDK(
        bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", ""),
    ) as atoma_sdk:
        res = atoma_sdk.images.generate(**ALL_013_ARGUMENTS)

        # Handle response
        print(res)

    (request,) = server.api.requests
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.json() == ALL_013_ARGUMENTS
    assert "created=" in capsys.readouterr().out
    assert res.data[0].url is not None


def test_the_async_example(server: MockServer) -> None:
    async def main() -> models.CreateImageResponse:
        async with AtomaSDK(
            bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", ""),
        ) as atoma_sdk:
            return await atoma_sdk.images.generate_async(**ALL_013_ARGUMENTS)

    res = asyncio.run(main())
    assert len(res.data) == 1
    assert server.api.requests[0].json() == ALL_013_ARGUMENTS


def test_keyword_arguments_left_unset_or_none(server: MockServer) -> None:
    style: OptionalNullable[str] = UNSET
    with AtomaSDK(bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", "")) as atoma_sdk:
        atoma_sdk.images.generate(model="m", prompt="otter", style=style, user=None)
    assert server.api.requests[0].json() == {"model": "m", "prompt": "otter", "user": None}


def test_a_retry_config_on_one_call(server: MockServer) -> None:
    server.api.fail_next(1, 503)
    with AtomaSDK(bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", "")) as atoma_sdk:
        res = atoma_sdk.images.generate(
            model="m",
            prompt="otter",
            retries=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False),
        )
    assert len(res.data) == 1
    assert server.api.calls == 2


def test_a_retry_config_on_the_client(server: MockServer) -> None:
    server.api.fail_next(1, 500)  # not retried by default; retried by 0.1.3's policy
    with AtomaSDK(
        retry_config=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False),
        bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", ""),
    ) as atoma_sdk:
        res = atoma_sdk.images.generate(model="m", prompt="otter")
    assert len(res.data) == 1
    assert server.api.calls == 2


def test_catching_models_api_error(server: MockServer) -> None:
    server.api.fail_next(1, 500, body='{"error": {"message": "node unavailable"}}')
    caught: models.APIError | None = None
    with AtomaSDK(bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", "")) as atoma_sdk:
        res = None
        try:
            res = atoma_sdk.images.generate(model="m", prompt="otter")
        except models.APIError as e:
            caught = e
    assert res is None
    assert caught is not None
    assert (caught.status_code, caught.message) == (500, "node unavailable")
    assert isinstance(caught.raw_response, httpx.Response)
    assert "node unavailable" in caught.body


def test_a_missing_token_is_a_401_api_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATOMASDK_BEARER_AUTH", raising=False)
    with (
        MockServer(require_auth=True) as server,
        AtomaSDK(
            server_url=server.url,
            bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", ""),
        ) as atoma_sdk,
        pytest.raises(models.APIError) as raised,
    ):
        atoma_sdk.images.generate(model="m", prompt="otter")
    assert raised.value.status_code == 401
    assert "authorization" not in server.api.requests[0].headers
    assert str(raised.value).startswith(
        "Missing or invalid bearer token: Status 401 (the SDK sent no credentials: "
        "pass bearer_auth= or set ATOMASDK_BEARER_AUTH)\n"
    )


def test_server_url_on_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATOMASDK_SERVER_URL", raising=False)
    with MockServer() as server:
        with AtomaSDK(
            server_url=server.url,
            bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", ""),
        ) as atoma_sdk:
            atoma_sdk.images.generate(model="m", prompt="otter")
        assert server.api.calls == 1


def test_an_httpx_client_with_default_headers(server: MockServer) -> None:
    http_client = httpx.Client(headers={"x-custom-header": "someValue"})
    s = AtomaSDK(client=http_client)
    s.images.generate(model="m", prompt="otter")
    assert server.api.requests[0].headers["x-custom-header"] == "someValue"
    assert not http_client.is_closed
    http_client.close()


class HeaderAddingClient(httpx.AsyncClient):
    """0.1.3's wrapper-client example, as an httpx.AsyncClient subclass: the form this
    SDK takes (it refuses a bare object with `send` and `build_request`)."""

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        request.headers["Client-Level-Header"] = "added by client"
        return await super().send(request, **kwargs)


class Wrapper:
    """0.1.3's wrapper-client example as written for 0.1.3: not an httpx client."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        request.headers["Client-Level-Header"] = "added by client"
        return await self.client.send(request, **kwargs)

    def build_request(self, method: str, url: str, **kwargs: Any) -> httpx.Request:
        return self.client.build_request(method, url, **kwargs)


def test_a_client_that_adds_logic(server: MockServer) -> None:
    async def main() -> None:
        async with HeaderAddingClient() as http, AtomaSDK(async_client=http) as s:
            await s.images.generate_async(model="m", prompt="otter")

    asyncio.run(main())
    assert server.api.requests[0].headers["client-level-header"] == "added by client"


def test_a_bare_wrapper_client_is_refused_with_the_way_out() -> None:
    with pytest.raises(TypeError) as raised:
        AtomaSDK(async_client=Wrapper(httpx.AsyncClient()))  # type: ignore[arg-type]
    assert str(raised.value) == (
        "async_client must be an httpx.AsyncClient or None (to add your own logic, "
        "subclass it or give it event_hooks or a transport), got Wrapper"
    )


def test_a_debug_logger(server: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="atoma_sdk")
    s = AtomaSDK(debug_logger=logging.getLogger("atoma_sdk"))
    s.images.generate(model="m", prompt="otter")
    s.close()
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("/v1/images/generations" in line for line in lines), lines
    assert not any("sk-test" in line for line in lines)
