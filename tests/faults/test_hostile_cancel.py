"""Cancelling async calls against real local servers, on httpx and on aiohttp: while the
head is awaited, in the middle of the body, in the middle of an event stream, and while
waiting to retry. The task ends with `CancelledError` at once, the interrupted connection
is closed (the server sees it go) rather than pooled half-read, and the next call gets
its own answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fault_server import (
    Behaviour,
    Exchange,
    head,
    json_response,
    slow_body,
    slow_headers,
)
from fault_support import OK_BODY, REQUIRED, Flavour, MakeSDK, StartServer, assert_pool_clean

from atoma_sdk import AtomaSDK

BACKENDS = ["httpx", "aiohttp"]


def echo_prompt(exchange: Exchange) -> bool:
    prompt = exchange.request.json()["prompt"]
    body = json.dumps({**OK_BODY, "data": [{"url": "u", "revised_prompt": prompt}]}).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    exchange.send(head(200, headers) + body)
    return True


def stalled_stream(exchange: Exchange) -> bool:
    """One event, then nothing for 5 s (until the client hangs up)."""
    exchange.send(head(200, {"Content-Type": "text/event-stream", "Connection": "close"}))
    exchange.send(b'data: {"type": "image_generation.completed", "b64_json": "AA=="}\n\n')
    exchange.wait(5.0)
    return False


@pytest.fixture
async def sdk_on(make_sdk: MakeSDK) -> AsyncIterator[Callable[[str, str], AtomaSDK]]:
    """`sdk_on(backend, url)`: an SDK whose async calls go through `backend`."""
    given: list[httpx.AsyncClient] = []

    def make(backend: str, url: str) -> AtomaSDK:
        client = Flavour("async", backend).async_client()
        if client is not None:
            given.append(client)
        return make_sdk(url, async_client=client)

    yield make
    for client in given:
        await client.aclose()


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not condition():
        assert loop.time() < end, "timed out waiting"
        await asyncio.sleep(0.01)


async def cancelled(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def next_call_is_clean(sdk: AtomaSDK, server: Any, connections_before: int) -> None:
    """The next call gets its own answer on a new connection; no connection is busy."""
    result = await sdk.images.generate_async(**{**REQUIRED, "prompt": "next"})
    assert result.data[0].revised_prompt == "next"
    assert server.connections_accepted == connections_before + 1
    assert_pool_clean(sdk._core._async_client)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("phase", ["head", "body"])
async def test_cancel_while_the_answer_comes(
    sdk_on: Callable[[str, str], AtomaSDK], start_server: StartServer, backend: str, phase: str
) -> None:
    stall: Behaviour = slow_headers(5.0) if phase == "head" else slow_body(5.0)
    server = start_server(stall, echo_prompt)
    sdk = sdk_on(backend, server.url)
    task = asyncio.create_task(sdk.images.generate_async(**REQUIRED))
    await until(lambda: server.request_count == 1)
    await asyncio.sleep(0.2)  # the head (and the body's first bytes) on their way
    await cancelled(task)
    await next_call_is_clean(sdk, server, 1)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_cancel_in_the_middle_of_an_event_stream(
    sdk_on: Callable[[str, str], AtomaSDK], start_server: StartServer, backend: str
) -> None:
    server = start_server(stalled_stream, echo_prompt)
    sdk = sdk_on(backend, server.url)
    first = asyncio.Event()

    async def consume() -> None:
        stream = await sdk.images.generate_stream_async(**REQUIRED)
        async with stream:
            async for _ in stream:
                first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5.0)
    await cancelled(task)
    await next_call_is_clean(sdk, server, 1)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_cancel_while_waiting_to_retry(
    sdk_on: Callable[[str, str], AtomaSDK], start_server: StartServer, backend: str
) -> None:
    """The 503 was read whole, so its connection goes back to the pool, idle, and the
    next call reuses it; the retry is never sent."""
    busy = json_response(503, {"error": "busy"}, {"Retry-After": "5"})
    server = start_server(busy, echo_prompt)
    sdk = sdk_on(backend, server.url)
    task = asyncio.create_task(sdk.images.generate_async(**REQUIRED))
    await until(lambda: server.request_count == 1)
    await asyncio.sleep(0.2)  # now asleep before the retry
    await cancelled(task)
    assert server.request_count == 1
    assert_pool_clean(sdk._core._async_client)
    result = await sdk.images.generate_async(**{**REQUIRED, "prompt": "next"})
    assert result.data[0].revised_prompt == "next"
    assert server.connections_accepted == 1
