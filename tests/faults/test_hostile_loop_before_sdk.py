"""A user's async client used on an earlier event loop before it was given to the SDK (a
first `asyncio.run()` of the user's own, then the SDK's calls in another), against a
real local server: the call raises `EventLoopMismatchError` (a `RuntimeError`, as before)
saying why. The SDK cannot see that earlier use, so the error comes from where it
fails: asyncio's "Event loop is closed" on a pooled connection of httpx's (the request
was written, its answer cannot be read), and DefaultAioHttpClient's own check before
anything reaches aiohttp."""

from __future__ import annotations

import asyncio
import gc
import warnings

import httpx
import pytest
from fault_server import json_response
from fault_support import OK_BODY, REQUIRED, TOKEN, StartServer

from atoma_sdk import AtomaSDK, DefaultAioHttpClient, EventLoopMismatchError

ANSWER = json_response(200, OK_BODY)


async def warm(client: httpx.AsyncClient, url: str) -> None:
    """The user's own request: leaves a pooled connection of the running loop."""
    response = await client.post(url + "/v1/images/generations", json=REQUIRED)
    assert response.status_code == 200


async def generate(client: httpx.AsyncClient, url: str) -> int:
    async with AtomaSDK(bearer_auth=TOKEN, server_url=url, async_client=client) as sdk:
        return (await sdk.images.generate_async(**REQUIRED)).created


async def generate_then_close(client: httpx.AsyncClient, url: str) -> int:
    try:
        return await generate(client, url)
    finally:
        await client.aclose()


def test_an_httpx_client_with_connections_of_a_closed_loop(start_server: StartServer) -> None:
    server = start_server(ANSWER)
    client = httpx.AsyncClient()
    asyncio.run(warm(client, server.url))  # the loop closes; its connection stays pooled
    with pytest.raises(EventLoopMismatchError) as raised:
        asyncio.run(generate(client, server.url))
    message = str(raised.value)
    del raised  # its traceback holds the dead connection, collected below
    assert "event loop that is now closed" in message
    # httpx dropped the dead connection: the next call goes through on a new one
    assert asyncio.run(generate_then_close(client, server.url)) == OK_BODY["created"]
    assert server.request_count == 3
    assert server.connections_accepted == 2
    del client
    with warnings.catch_warnings():
        # the dead loop's socket, which only that loop could have closed (the user's leak)
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def test_a_default_aiohttp_client_first_used_on_another_loop(start_server: StartServer) -> None:
    server = start_server(ANSWER)
    first = asyncio.new_event_loop()
    client = DefaultAioHttpClient()
    try:
        first.run_until_complete(warm(client, server.url))
        for _ in range(2):  # and again: nothing left half-done by the first refusal
            with pytest.raises(EventLoopMismatchError, match="first used on another event loop"):
                asyncio.run(generate(client, server.url))
        assert server.request_count == 1  # the refused calls sent nothing
        # on its own loop it works as before
        assert first.run_until_complete(generate(client, server.url)) == OK_BODY["created"]
    finally:
        first.run_until_complete(client.aclose())
        first.close()
