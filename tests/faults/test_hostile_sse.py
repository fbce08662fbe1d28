"""Server-sent events against hostile servers, and what the streaming guide promises.

- Parsing is linear in the size of an event: the figures for 10, 20 and 40 MB lines are
  printed (not asserted: the machine's load varies), and a 20 MB event over a real socket
  is read whole.
- Leaving a loop closes the connection at once; `async for` without `async with` closes
  it on the event loop a moment later (asyncio's finalizer for async generators).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from fault_server import Behaviour, Exchange, head, respond
from fault_support import REQUIRED, Flavour, MakeSDK, StartServer, busy_connections, stopwatch
from hostile_support import MiB, event_stream

from atoma_sdk import ResponseValidationError, models
from atoma_sdk._runtime.sse import SSEDecoder

COMPLETED = {"type": "image_generation.completed", "b64_json": "ZmluYWw="}


def completed_event(b64_chars: int) -> bytes:
    event = {"type": "image_generation.completed", "b64_json": "A" * b64_chars}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def feed_seconds(decoder: SSEDecoder, body: bytes, chunk: int = 65536) -> tuple[float, int]:
    """Seconds to feed `body` in network-sized chunks, and the events it gave."""
    started = time.perf_counter()
    count = 0
    for start in range(0, len(body), chunk):
        count += len(decoder.feed(body[start : start + chunk]))
    return time.perf_counter() - started, count


def test_parsing_time_grows_linearly_with_the_line() -> None:
    """Before: a 50 MB line took 14 s, four times as long per doubling. Now each doubling
    of the line about doubles the time (figures printed)."""
    figures = []
    for megabytes in (10, 20, 40):
        body = b"data: " + b"x" * (megabytes * 1_000_000) + b"\n\n"
        seconds, count = feed_seconds(SSEDecoder(max_event_size=100 * MiB), body)
        assert count == 1
        figures.append(f"{megabytes} MB line: {seconds * 1000:.0f} ms")
    print("\nSSE decoder, one event of one line, 64 KiB chunks: " + ", ".join(figures))


def test_parsing_time_of_many_lines_in_one_event() -> None:
    """The other shape: one event of many short `data:` lines (the field-by-field path)."""
    figures = []
    for megabytes in (10, 20):
        line = b"data: " + b"y" * 94 + b"\n"
        body = line * (megabytes * 10_000) + b"\n"
        seconds, count = feed_seconds(SSEDecoder(max_event_size=100 * MiB), body)
        assert count == 1
        figures.append(f"{megabytes} MB in 100-byte lines: {seconds * 1000:.0f} ms")
    print("\nSSE decoder, one event of many lines: " + ", ".join(figures))


def test_a_byte_at_a_time_is_linear_too() -> None:
    """Many tiny chunks of one long event: the pieces are kept, not re-joined per chunk."""
    body = b"data: " + b"z" * 100_000 + b"\n\n"
    decoder = SSEDecoder()
    started = time.perf_counter()
    events = [event for i in range(len(body)) for event in decoder.feed(body[i : i + 1])]
    print(f"\n100 kB event fed one byte at a time: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert [len(event[0]) for event in events] == [100_000]


@pytest.mark.parametrize("size", [11, 20, 30])
def test_the_cap_holds_for_any_way_of_cutting(size: int) -> None:
    """Text without a blank line is refused as soon as it passes the cap: in one chunk,
    in many, or split across a CR LF."""
    from atoma_sdk._runtime.errors import ResponseTooLargeError

    body = b"data: " + b"x" * size
    for chunk in (1, 7, len(body)):
        decoder = SSEDecoder(max_event_size=16)
        with pytest.raises(ResponseTooLargeError) as info:
            for start in range(0, len(body), chunk):
                decoder.feed(body[start : start + chunk])
        assert info.value.limit == 16
    within = SSEDecoder(max_event_size=16)
    assert within.feed(b"data: 012345678\r") == []  # 16 characters with the CR: kept
    assert within.feed(b"\n\r\n") == [("012345678", None, None, None)]


async def test_a_20_mb_event_over_a_socket(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(event_stream(completed_event(20_000_000) + b"data: [DONE]\n\n"))
    sdk = make_sdk(server.url, max_response_bytes=32 * MiB)
    with stopwatch() as watch:
        if flavour.is_async:
            stream = await sdk.images.generate_stream_async(**REQUIRED)
            async with stream:
                events = [event async for event in stream]
        else:
            with sdk.images.generate_stream(**REQUIRED) as sync_stream:
                events = list(sync_stream)
    print(f"\n20 MB event over a socket ({flavour}): {watch.elapsed * 1000:.0f} ms")
    (event,) = events
    assert isinstance(event, models.ImageCompletedEvent)
    assert len(event.b64_json or "") == 20_000_000


# -- leaving a loop closes the connection ----------------------------------------------


class HeldStream:
    """An event stream that sends one event, then holds the connection open until the
    client closes it (recording when), for at most 30 s."""

    def __init__(self) -> None:
        self.closed = threading.Event()
        self.closed_at = 0.0

    def behaviour(self) -> Behaviour:
        def hold(exchange: Exchange) -> bool:
            exchange.send(
                head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"})
            )
            event = b"data: " + json.dumps(COMPLETED).encode() + b"\n\n"
            exchange.send(b"%x\r\n%s\r\n" % (len(event), event))
            try:
                exchange.wait(30)
            finally:  # the client hung up (or the server stops)
                self.closed_at = time.monotonic()
                self.closed.set()
            return False

        return hold


async def server_saw_the_close(held: HeldStream) -> bool:
    """Whether the server sees the connection close within 5 s, the event loop running
    meanwhile (asyncio closes a socket on a later turn of the loop)."""
    deadline = time.monotonic() + 5
    while not held.closed.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.001)
    return held.closed.is_set()


async def test_break_without_with_closes_at_once_sync(
    make_sdk: MakeSDK, start_server: StartServer
) -> None:
    held = HeldStream()
    server = start_server(held.behaviour())
    sdk = make_sdk(server.url)
    stream = sdk.images.generate_stream(**REQUIRED)
    left = 0.0
    for _ in stream:
        left = time.monotonic()
        break
    assert busy_connections(sdk._core._client) == []  # closed before the next line runs
    assert held.closed.wait(5)
    print(f"\nsync break: the server saw the close {(held.closed_at - left) * 1000:.1f} ms later")


async def test_an_exception_in_the_loop_closes_at_once_sync(
    make_sdk: MakeSDK, start_server: StartServer
) -> None:
    held = HeldStream()
    server = start_server(held.behaviour())
    sdk = make_sdk(server.url)
    with pytest.raises(KeyError):
        for _ in sdk.images.generate_stream(**REQUIRED):
            raise KeyError("the caller's own error")
    assert busy_connections(sdk._core._client) == []
    assert held.closed.wait(5)


async def test_async_with_closes_at_once(make_sdk: MakeSDK, start_server: StartServer) -> None:
    held = HeldStream()
    server = start_server(held.behaviour())
    sdk = make_sdk(server.url)
    stream = await sdk.images.generate_stream_async(**REQUIRED)
    async with stream:
        async for _ in stream:
            break
    assert busy_connections(sdk._core._async_client) == []
    assert await server_saw_the_close(held)


async def test_async_for_without_async_with_closes_a_moment_later(
    make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """asyncio closes an abandoned async generator in a task of its own: the connection is
    released once the event loop has run it, a few turns after the loop is left."""
    held = HeldStream()
    server = start_server(held.behaviour())
    sdk = make_sdk(server.url)
    stream = await sdk.images.generate_stream_async(**REQUIRED)
    left = 0.0
    async for _ in stream:
        left = time.monotonic()
        break
    turns = 0
    while busy_connections(sdk._core._async_client) and turns < 100:
        await asyncio.sleep(0)
        turns += 1
    assert busy_connections(sdk._core._async_client) == []
    assert await server_saw_the_close(held)
    print(
        f"\nasync break without async with: released after {turns} event-loop turns, "
        f"seen by the server {(held.closed_at - left) * 1000:.1f} ms later"
    )


async def test_a_byte_order_mark_before_the_first_event_is_ignored(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """Some servers start a UTF-8 stream with a BOM; the format says to ignore it. Before,
    it became part of the first field's name, and the first event was silently lost."""
    event = b"data: " + json.dumps(COMPLETED).encode() + b"\n\n"
    server = start_server(event_stream(b"\xef\xbb\xbf" + event + event))
    sdk = make_sdk(server.url)
    if flavour.is_async:
        stream = await sdk.images.generate_stream_async(**REQUIRED)
        async with stream:
            received = [e async for e in stream]
    else:
        with sdk.images.generate_stream(**REQUIRED) as sync_stream:
            received = list(sync_stream)
    assert [type(e) for e in received] == [models.ImageCompletedEvent] * 2


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"created": 1, "data": [{"url": "u"}]}', "application/json"),
        (b"<html><body>Proxy error</body></html>", "text/html; charset=utf-8"),
    ],
    ids=["json", "html"],
)
async def test_a_streaming_call_answered_without_events(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, body: bytes, content_type: str
) -> None:
    """A server that ignores `stream` and answers JSON, or a proxy's HTML page: a
    `ResponseValidationError` naming the type and carrying the body, not a connection
    error about an event cut in the middle."""
    server = start_server(respond(200, body, content_type=content_type))
    sdk = make_sdk(server.url)
    with pytest.raises(ResponseValidationError, match="Expected an event stream") as info:
        if flavour.is_async:
            stream = await sdk.images.generate_stream_async(**REQUIRED)
            async with stream:
                [e async for e in stream]
        else:
            with sdk.images.generate_stream(**REQUIRED) as sync_stream:
                list(sync_stream)
    assert (info.value.status_code, info.value.body) == (200, body.decode())
