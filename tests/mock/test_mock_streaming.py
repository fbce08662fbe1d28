"""Streamed generations (`stream: true`): the mock's event streams, read by the SDK's
`generate_stream` / `generate_stream_async` and on the wire, in-process and over sockets."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import pydantic
import pytest
from mock_support import BASE, GENERATIONS, generate, png_info

from atoma_sdk import AtomaSDK, models
from atoma_sdk.mock import MockAPI, MockServer, MockTransport
from atoma_sdk.models import (
    ImageCompletedEvent,
    ImageGenerationStreamEvent,
    ImagePartialImageEvent,
)

Flavour = Literal["sync", "async"]
EVENTS: pydantic.TypeAdapter[ImageGenerationStreamEvent] = pydantic.TypeAdapter(
    ImageGenerationStreamEvent
)
STREAM_BODY = {"model": "flux", "prompt": "an otter", "stream": True}


@dataclass
class Target:
    """A mock and SDK clients of both flavours pointed at it."""

    api: MockAPI
    sdk: AtomaSDK
    server: MockServer | None = None  # None: in-process, through `MockTransport`


@pytest.fixture(params=["transport", "server"])
async def target(request: pytest.FixtureRequest) -> AsyncIterator[Target]:
    if request.param == "transport":
        transport = MockTransport()
        with httpx.Client(transport=transport) as client:
            async with httpx.AsyncClient(transport=transport) as async_client:
                sdk = AtomaSDK("t", server_url=BASE, client=client, async_client=async_client)
                yield Target(transport.api, sdk)
    else:
        with MockServer() as server:
            async with AtomaSDK("t", server_url=server.url) as sdk:
                yield Target(server.api, sdk, server)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    flavour: Flavour = request.param
    return flavour


async def read_stream(
    target: Target, flavour: Flavour, into: list[Any] | None = None, **arguments: Any
) -> list[Any]:
    """Every event of one `generate_stream(_async)` call; `into` keeps those read before an
    exception."""
    events = [] if into is None else into
    arguments = {"model": "flux", "prompt": "an otter", **arguments}
    if flavour == "sync":
        with target.sdk.images.generate_stream(**arguments) as stream:
            events.extend(stream)
    else:
        async with await target.sdk.images.generate_stream_async(**arguments) as stream:
            async for event in stream:
                events.append(event)
    return events


def decode(event: ImagePartialImageEvent | ImageCompletedEvent) -> tuple[int, int, bytes]:
    return png_info(base64.b64decode(event.b64_json))


def split_events(body: bytes) -> list[list[str]]:
    """The lines of each event of a whole event-stream body."""
    assert body.endswith(b"\n\n")
    return [block.split("\n") for block in body.decode()[:-2].split("\n\n")]


# Through the SDK


@pytest.mark.parametrize("partial_images", [None, 0, 1, 3])
async def test_stream(target: Target, flavour: Flavour, partial_images: int | None) -> None:
    events = await read_stream(
        target, flavour, size="32x16", quality="high", partial_images=partial_images
    )  # returning at all means `[DONE]` (or the end of the body) ended the iteration
    count = partial_images or 0
    *partials, completed = events
    assert all(isinstance(event, ImagePartialImageEvent) for event in partials)
    assert [event.partial_image_index for event in partials] == list(range(count))
    assert isinstance(completed, ImageCompletedEvent)
    assert completed.type == "image_generation.completed"
    for event in events:
        assert (event.size, event.quality, event.output_format) == ("32x16", "high", "png")
        assert event.background == "opaque"
        assert isinstance(event.created_at, int)
    pixels = [decode(event) for event in events]
    assert all(pixel[:2] == (32, 16) for pixel in pixels)
    assert len({pixel[2] for pixel in pixels}) == len(events)  # partial images differ
    assert completed.usage is not None
    usage = completed.usage
    assert usage.total_tokens == (usage.input_tokens or 0) + (usage.output_tokens or 0)
    assert usage.input_tokens_details == {"text_tokens": 2, "image_tokens": 0}
    recorded = target.api.requests[-1].json()
    assert recorded["stream"] is True
    assert recorded.get("partial_images") == partial_images
    assert target.api.requests[-1].headers["accept"] == "text/event-stream"


async def test_stream_matches_image_zero_of_generate(target: Target, flavour: Flavour) -> None:
    """A stream carries one image, whatever `n`: the one `generate` answers first."""
    events = await read_stream(target, flavour, n=3, size="4x4")
    assert len(events) == 1
    answer = target.sdk.images.generate(
        model="flux", prompt="an otter", n=3, size="4x4", response_format="b64_json"
    )
    assert answer.data[0].b64_json == events[0].b64_json
    assert answer.data[0].url is None


async def test_stream_refused_output_format(target: Target, flavour: Flavour) -> None:
    with pytest.raises(models.BadRequestError) as caught:
        await read_stream(target, flavour, output_format="webp")
    assert json.loads(caught.value.body)["error"]["param"] == "output_format"


async def test_fail_next_fails_before_the_stream(target: Target, flavour: Flavour) -> None:
    target.api.fail_next(1, status=500)
    events: list[Any] = []
    with pytest.raises(models.InternalServerError) as caught:
        await read_stream(target, flavour, events, partial_images=2, retries=None)
    assert caught.value.status_code == 500
    assert events == []
    target.api.fail_next(1, status=429, retry_after="7")
    with pytest.raises(models.RateLimitError) as limited:
        await read_stream(target, flavour, events, retries=None)
    assert limited.value.retry_after == 7
    target.api.drop_next()
    with pytest.raises(models.APIConnectionError) as dropped:
        await read_stream(target, flavour, events, retries=None)
    assert isinstance(dropped.value, httpx.RemoteProtocolError)
    assert events == []
    assert len(await read_stream(target, flavour, partial_images=2)) == 3  # recovered
    assert target.api.calls == 4


async def test_cut_stream_next(target: Target, flavour: Flavour) -> None:
    target.api.cut_stream_next(1)
    assert target.sdk.images.generate(model="flux", prompt="p").data  # only streams are cut
    events: list[Any] = []
    with pytest.raises(models.APIConnectionError) as caught:
        await read_stream(target, flavour, events, partial_images=2, retries=None)
    assert isinstance(caught.value, httpx.RemoteProtocolError)  # as atoma-sdk 0.1.3 raised
    assert "incomplete chunked read" in str(caught.value)
    assert [type(event) for event in events] == [ImagePartialImageEvent]
    assert events[0].partial_image_index == 0
    assert len(await read_stream(target, flavour, partial_images=2)) == 3  # one cut only


async def test_stopping_early_releases_the_stream(target: Target, flavour: Flavour) -> None:
    target.api.event_interval_seconds = 0.05
    if flavour == "sync":
        with target.sdk.images.generate_stream(model="m", prompt="p", partial_images=3) as stream:
            first = next(iter(stream))
    else:
        stream_async = await target.sdk.images.generate_stream_async(
            model="m", prompt="p", partial_images=3
        )
        async with stream_async:
            first = await anext(aiter(stream_async))
    assert isinstance(first, ImagePartialImageEvent)
    target.api.event_interval_seconds = 0
    assert len(await read_stream(target, flavour, partial_images=1)) == 2
    if target.server is not None:
        server = target.server
        deadline = time.monotonic() + 5
        while server.open_connections > 1 and time.monotonic() < deadline:
            time.sleep(0.01)  # the first connection's handler notices the hang-up
        assert server.open_connections <= 1


# On the wire


@pytest.fixture(params=["transport", "server"])
def wire(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, MockAPI]]:
    if request.param == "transport":
        transport = MockTransport()
        with httpx.Client(transport=transport, base_url=BASE) as client:
            yield client, transport.api
    else:
        with MockServer() as server, httpx.Client(base_url=server.url) as client:
            yield client, server.api


def test_wire_format(wire: tuple[httpx.Client, MockAPI]) -> None:
    client, _ = wire
    response = client.post(GENERATIONS, json={**STREAM_BODY, "partial_images": 2, "size": "8x8"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert "content-length" not in response.headers
    blocks = split_events(response.content)
    assert blocks[0][0] == ": atoma mock image stream"  # a comment, which readers skip
    blocks[0].pop(0)
    assert blocks[-1] == ["data: [DONE]"]
    types = []
    for event_line, data_line in blocks[:-1]:
        assert event_line.startswith("event: ") and data_line.startswith("data: ")
        data = json.loads(data_line.removeprefix("data: "))
        assert event_line.removeprefix("event: ") == data["type"]
        EVENTS.validate_python(data)
        types.append(data["type"])
    partial, completed = "image_generation.partial_image", "image_generation.completed"
    assert types == [partial, partial, completed]


def test_wire_cut(wire: tuple[httpx.Client, MockAPI]) -> None:
    client, api = wire
    api.cut_stream_next(2)
    received = b""
    with (
        pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"),
        client.stream("POST", GENERATIONS, json=STREAM_BODY) as response,
    ):
        for chunk in response.iter_bytes():
            received += chunk
    first, rest = received.split(b"\n\n", 1)
    assert b"image_generation.completed" in first  # the whole first event
    assert rest and b"data: [DONE]".startswith(rest)  # then half of the next
    api.reset()  # forgets the second cut
    assert split_events(client.post(GENERATIONS, json=STREAM_BODY).content)[-1] == ["data: [DONE]"]


def test_mock_response_of_a_stream() -> None:
    api = MockAPI()
    body = json.dumps({**STREAM_BODY, "partial_images": 1}).encode()
    answer = api.handle("POST", GENERATIONS, {}, body)
    assert answer.chunks is not None and not answer.cut
    assert len(answer.chunks) == 3
    assert answer.body == b"".join(answer.chunks)
    assert answer.chunks[-1] == b"data: [DONE]\n\n"
    api.cut_stream_next()
    cut = api.handle("POST", GENERATIONS, {}, body)
    assert cut.cut and cut.chunks is not None and len(cut.chunks) == 2
    assert cut.chunks[1] and not cut.chunks[1].endswith(b"\n\n")


# Over sockets only


def test_server_sends_events_as_they_come() -> None:
    interval = 0.3
    with MockServer(MockAPI(event_interval_seconds=interval)) as server:
        with AtomaSDK("t", server_url=server.url) as sdk:
            arrivals = []
            stream = sdk.images.generate_stream(model="m", prompt="p", partial_images=2)
            with stream:
                for _ in stream:
                    arrivals.append(time.monotonic())
        assert len(arrivals) == 3
        assert arrivals[2] - arrivals[0] >= 2 * interval * 0.9  # the first came early


def test_transport_paces_events_too() -> None:
    transport = MockTransport(MockAPI(event_interval_seconds=0.1))
    with httpx.Client(transport=transport) as client, AtomaSDK("t", client=client) as sdk:
        started = time.monotonic()
        events = list(sdk.images.generate_stream(model="m", prompt="p", partial_images=1))
    assert len(events) == 2
    assert time.monotonic() - started >= 0.2 * 0.9  # two pauses: before the second and [DONE]


def test_server_keeps_the_connection_after_a_whole_stream() -> None:
    with MockServer() as server, httpx.Client(base_url=server.url) as client:
        for _ in range(3):
            with client.stream("POST", GENERATIONS, json=STREAM_BODY) as response:
                assert response.headers["transfer-encoding"] == "chunked"
                response.read()
        assert generate(client).status_code == 200
        assert server.connections_accepted == 1


def test_server_stop_ends_a_slow_stream() -> None:
    server = MockServer(MockAPI(event_interval_seconds=30)).start()
    try:
        with (
            httpx.Client(base_url=server.url) as client,
            client.stream("POST", GENERATIONS, json=STREAM_BODY) as response,
        ):
            chunks = response.iter_bytes()
            assert b"image_generation.completed" in next(chunks)
            started = time.monotonic()
            server.stop()
            assert time.monotonic() - started < 5
            with pytest.raises(httpx.RemoteProtocolError):
                next(chunks)
    finally:
        server.stop()
