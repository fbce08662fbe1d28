"""End to end over real sockets: the SDK against `atoma_sdk.mock.MockServer` on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sdk_support import TOKEN, FakeClock, Flavour, MakeSDK

import atoma_sdk
from atoma_sdk import models
from atoma_sdk.mock import MockServer
from atoma_sdk.utils import BackoffStrategy, RetryConfig


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running


@pytest.fixture
def auth_server() -> Iterator[MockServer]:
    with MockServer(require_auth=True) as running:
        yield running


async def test_happy_path(flavour: Flavour, make_sdk: MakeSDK, server: MockServer) -> None:
    sdk = make_sdk(server_url=server.url)
    res = await flavour.generate(
        sdk, model="flux", prompt="an otter", n=2, size="64x32", response_format="url"
    )
    assert len(res.data) == 2
    for item in res.data:
        assert item.url.startswith(f"{server.url}/v1/mock/images/")
        assert item.url.endswith(".png")
        assert item.revised_prompt == "an otter"
    assert res.created > 1_600_000_000

    (request,) = server.api.requests
    assert (request.method, request.path) == ("POST", "/v1/images/generations")
    # keys sorted, as atoma-sdk 0.1.3 sends them
    assert request.body == (
        b'{"model":"flux","n":2,"prompt":"an otter","response_format":"url","size":"64x32"}'
    )
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["user-agent"] == f"atoma-sdk-python/{atoma_sdk.__version__}"
    assert request.headers["content-type"] == "application/json"

    # the image URL the server returned is really fetchable
    image = httpx.get(res.data[0].url)
    assert image.status_code == 200
    assert image.content.startswith(b"\x89PNG")


async def test_b64_json_response_over_http(
    flavour: Flavour, make_sdk: MakeSDK, server: MockServer
) -> None:
    sdk = make_sdk(server_url=server.url)
    res = await flavour.generate(sdk, model="flux", prompt="otter", response_format="b64_json")
    assert res.data[0].b64_json is not None
    assert res.data[0].b64_json.startswith("iVBORw0KGgo")  # base64 of the PNG signature


async def test_503_then_200_retried(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, server: MockServer
) -> None:
    server.api.fail_next(1, 503)
    sdk = make_sdk(server_url=server.url)
    retry = RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 3_600_000), False)
    res = await flavour.generate(sdk, model="flux", prompt="otter", retries=retry)
    assert len(res.data) == 1
    assert len(server.api.requests) == 2
    assert server.api.calls == 2
    assert server.api.requests[0].body == server.api.requests[1].body
    assert clock.sleeps == [0.5]


async def test_503_without_retries_raises(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, server: MockServer
) -> None:
    server.api.fail_next(1, 503)
    with pytest.raises(models.InternalServerError) as info:
        await flavour.generate(
            make_sdk(server_url=server.url), model="flux", prompt="otter", retries=None
        )
    assert info.value.status_code == 503
    assert info.value.message == "Injected failure"
    assert len(server.api.requests) == 1
    assert clock.sleeps == []


async def test_503_retried_by_the_default_policy(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, server: MockServer
) -> None:
    server.api.fail_next(2, 503)
    res = await flavour.generate(make_sdk(server_url=server.url), model="flux", prompt="otter")
    assert len(res.data) == 1
    assert len(server.api.requests) == 3
    assert len(clock.sleeps) == 2


async def test_server_side_validation_error(
    flavour: Flavour, make_sdk: MakeSDK, server: MockServer
) -> None:
    with pytest.raises(models.APIError) as info:
        await flavour.generate(
            make_sdk(server_url=server.url), model="flux", prompt="otter", size="huge"
        )
    assert info.value.status_code == 400
    assert "size" in info.value.message
    assert info.value.raw_response.headers["content-type"] == "application/json"


async def test_auth_required(flavour: Flavour, make_sdk: MakeSDK, auth_server: MockServer) -> None:
    res = await flavour.generate(make_sdk(server_url=auth_server.url), model="f", prompt="p")
    assert len(res.data) == 1

    with pytest.raises(models.APIError) as info:
        await flavour.generate(
            make_sdk(server_url=auth_server.url, bearer_auth=""), model="f", prompt="p"
        )
    assert info.value.status_code == 401
    assert info.value.message == "Missing or invalid bearer token"
    assert "authorization" not in auth_server.api.requests[-1].headers


async def test_read_timeout_over_http(
    flavour: Flavour, make_sdk: MakeSDK, server: MockServer
) -> None:
    server.api.delay_seconds = 2.0  # the server's stop() cuts this short
    with pytest.raises(httpx.ReadTimeout):
        await flavour.generate(
            make_sdk(server_url=server.url), model="f", prompt="p", timeout_ms=100
        )


async def test_streams_reuse_one_connection(flavour: Flavour, make_sdk: MakeSDK) -> None:
    """After `[DONE]` the rest of the chunked body is read, so the connection is kept."""
    with MockServer() as running:
        sdk = make_sdk(server_url=running.url)
        for _ in range(3):
            if flavour.is_async:
                stream = await sdk.images.generate_stream_async(model="m", prompt="p", size="8x8")
                async with stream:
                    events = [event async for event in stream]
            else:
                with sdk.images.generate_stream(model="m", prompt="p", size="8x8") as stream:
                    events = list(stream)
            assert [type(e) for e in events] == [models.ImageCompletedEvent]
        assert running.connections_accepted == 1
