"""Server-sent events: the decoder's edge cases, typed events, errors, and closing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx
from sdk_support import REQUIRED, URL, FakeClock, Flavour, MakeSDK

from atoma_sdk import models
from atoma_sdk._runtime.sse import ServerSentEvent, SSEDecoder

PARTIAL = {
    "type": "image_generation.partial_image",
    "b64_json": "cGFydA==",
    "partial_image_index": 0,
}
COMPLETED = {
    "type": "image_generation.completed",
    "b64_json": "ZmluYWw=",
    "usage": {"total_tokens": 9, "input_tokens_details": {"text_tokens": 4}},
}


def decode(*chunks: bytes) -> tuple[list[ServerSentEvent], bool]:
    """Events as `ServerSentEvent`s (the decoder returns plain tuples of the same fields)."""
    decoder = SSEDecoder()
    events = [ServerSentEvent(*event) for chunk in chunks for event in decoder.feed(chunk)]
    return events, decoder.end()


# -- the decoder ------------------------------------------------------------------------


def test_events_comments_and_fields() -> None:
    events, cut = decode(
        b": keep-alive\n\nevent: update\nid: 7\nretry: 3000\ndata: one\n\ndata:two\n\n"
    )
    assert events == [
        ServerSentEvent("one", event="update", id="7", retry=3000),
        ServerSentEvent("two", id="7"),  # the last event id carries over
    ]
    assert not cut


def test_multi_line_data_is_joined_with_newlines() -> None:
    events, _ = decode(b'data: {\ndata:  "a": 1\ndata: }\n\n')
    assert events == [ServerSentEvent('{\n "a": 1\n}')]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending(newline: bytes) -> None:
    body = newline.join([b"data: a", b"", b"data: b", b"data: c", b"", b""])
    events, cut = decode(body)
    assert [e.data for e in events] == ["a", "b\nc"]
    assert not cut


def test_events_split_at_every_byte() -> None:
    body = 'data: {"text": "caf\u00e9 \U0001f9a6"}\r\n\r\ndata: [DONE]\r\n\r\n'.encode()
    for cut_at in range(1, len(body)):
        events, cut = decode(body[:cut_at], body[cut_at:])
        assert [e.data for e in events] == ['{"text": "caf\u00e9 \U0001f9a6"}', "[DONE]"], cut_at
        assert not cut
    one_byte_at_a_time, cut = decode(*(body[i : i + 1] for i in range(len(body))))
    assert [e.data for e in one_byte_at_a_time] == ['{"text": "caf\u00e9 \U0001f9a6"}', "[DONE]"]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    events, _ = decode(b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n")
    assert [e.data for e in events] == ["a", "b"]


def test_a_stream_cut_mid_event_is_reported() -> None:
    assert decode(b'data: complete\n\ndata: {"half')[1]
    assert decode(b"data: complete\n\ndata: whole line\n")[1]  # no blank line after it
    assert not decode(b"data: complete\n\n: trailing comment\n")[1]


# -- typed events through the SDK --------------------------------------------------------


def sse(*payloads: Any, done: bool = True) -> list[bytes]:
    chunks = [f"data: {json.dumps(p)}\n\n".encode() for p in payloads]
    return [*chunks, b"data: [DONE]\n\n"] if done else chunks


def streaming_response(chunks: list[bytes], is_async: bool, status: int = 200) -> httpx.Response:
    """A response whose body really arrives chunk by chunk."""

    def sync_body() -> Iterator[bytes]:
        yield from chunks

    async def async_body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    return httpx.Response(
        status,
        headers={"content-type": "text/event-stream"},
        content=async_body() if is_async else sync_body(),
    )


async def collect(
    flavour: Flavour, sdk: Any, stop_after: int | None = None, **kwargs: Any
) -> tuple[list[Any], httpx.Response]:
    events: list[Any] = []
    if flavour.is_async:
        stream = await sdk.images.generate_stream_async(**REQUIRED, **kwargs)
        async with stream:
            async for event in stream:
                events.append(event)
                if stop_after is not None and len(events) == stop_after:
                    break
    else:
        stream = sdk.images.generate_stream(**REQUIRED, **kwargs)
        with stream:
            for event in stream:
                events.append(event)
                if stop_after is not None and len(events) == stop_after:
                    break
    return events, stream.response


async def test_typed_events_and_the_request(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    unknown = {"type": "image_generation.watermark", "note": "new in a later API version"}
    route.mock(
        side_effect=lambda _: streaming_response(sse(PARTIAL, unknown, COMPLETED), flavour.is_async)
    )
    events, response = await collect(flavour, make_sdk(), partial_images=1)
    partial, mystery, completed = events
    assert isinstance(partial, models.ImagePartialImageEvent)
    assert (partial.b64_json, partial.partial_image_index) == ("cGFydA==", 0)
    assert isinstance(mystery, models.UnknownVariant)  # a new event type is passed through
    assert mystery.model_dump() == unknown
    assert isinstance(completed, models.ImageCompletedEvent)
    assert completed.usage is not None and completed.usage.total_tokens == 9
    assert response.is_closed
    request = route.calls.last.request
    assert request.url == URL  # the `#stream` path goes to the plain endpoint
    assert request.content == b'{"model":"m","partial_images":1,"prompt":"p","stream":true}'
    assert request.headers["accept"] == "text/event-stream"


@pytest.mark.parametrize("status", [400, 401, 500])
async def test_error_before_the_stream_raises_like_generate(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route, status: int
) -> None:
    route.mock(return_value=httpx.Response(status, json={"error": {"message": "no stream"}}))
    with pytest.raises(models.APIError) as info:
        await collect(flavour, make_sdk())
    assert info.value.status_code == status
    assert info.value.message == "no stream"


async def test_a_503_before_the_stream_is_retried(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(
        side_effect=[
            httpx.Response(503),
            streaming_response(sse(COMPLETED), flavour.is_async),
        ]
    )
    events, _ = await collect(flavour, make_sdk())
    assert [type(e) for e in events] == [models.ImageCompletedEvent]
    assert route.call_count == 2
    assert len(clock.sleeps) == 1


async def test_an_error_event_raises_the_status_error(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    error = {"error": {"message": "content policy", "code": 400}}
    route.mock(side_effect=lambda _: streaming_response(sse(PARTIAL, error), flavour.is_async))
    with pytest.raises(models.BadRequestError) as info:
        await collect(flavour, make_sdk())
    assert info.value.message == "content policy"


async def test_a_stream_cut_mid_event_raises_a_connection_error(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    chunks = [*sse(PARTIAL, done=False), b'data: {"type": "image_gen']
    route.mock(side_effect=lambda _: streaming_response(chunks, flavour.is_async))
    with pytest.raises(httpx.RemoteProtocolError) as info:
        await collect(flavour, make_sdk())
    assert isinstance(info.value, models.APIConnectionError)
    assert "middle of an event" in str(info.value)


async def test_an_unreadable_event_raises_response_validation_error(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    chunks = [b'data: {"type": "image_generation.completed"}\n\n']  # no b64_json
    route.mock(side_effect=lambda _: streaming_response(chunks, flavour.is_async))
    with pytest.raises(models.ResponseValidationError) as info:
        await collect(flavour, make_sdk())
    assert info.value.body == '{"type": "image_generation.completed"}'


async def test_stopping_early_closes_the_connection(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    route.mock(
        side_effect=lambda _: streaming_response(sse(PARTIAL, PARTIAL, COMPLETED), flavour.is_async)
    )
    events, response = await collect(flavour, make_sdk(), stop_after=1)
    assert len(events) == 1
    assert response.is_closed


def test_breaking_out_of_a_bare_for_loop_closes_the_connection(
    make_sdk: MakeSDK, route: respx.Route
) -> None:
    route.mock(side_effect=lambda _: streaming_response(sse(PARTIAL, COMPLETED), False))
    stream = make_sdk().images.generate_stream(**REQUIRED)
    for _ in stream:
        break
    assert stream.response.is_closed  # the loop's iterator was closed when it was dropped


async def test_an_exception_in_the_loop_closes_the_connection(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    route.mock(side_effect=lambda _: streaming_response(sse(PARTIAL, COMPLETED), flavour.is_async))
    sdk = make_sdk()
    with pytest.raises(KeyError):
        if flavour.is_async:
            stream = await sdk.images.generate_stream_async(**REQUIRED)
            async with stream:
                async for _ in stream:
                    raise KeyError("boom")
        else:
            stream = sdk.images.generate_stream(**REQUIRED)
            with stream:
                for _ in stream:
                    raise KeyError("boom")
    assert stream.response.is_closed


async def test_a_connection_broken_mid_stream_raises_a_connection_error(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    def broken() -> Iterator[bytes]:
        yield sse(PARTIAL, done=False)[0]
        raise httpx.RemoteProtocolError("peer closed connection")

    async def broken_async() -> AsyncIterator[bytes]:
        yield sse(PARTIAL, done=False)[0]
        raise httpx.RemoteProtocolError("peer closed connection")

    route.mock(
        side_effect=lambda _: httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=broken_async() if flavour.is_async else broken(),
        )
    )
    with pytest.raises(httpx.RemoteProtocolError) as info:
        await collect(flavour, make_sdk())
    assert isinstance(info.value, models.APIConnectionError)
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)
