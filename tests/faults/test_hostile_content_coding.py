"""Content codings a server may use though the SDK asks for `gzip, deflate` only, over a
real socket on every backend: `x-gzip` is gzip (RFC 9110, 8.4.1.3) and is read as such,
also capped decoded; `compress` / `x-compress` (LZW, which nothing here decodes) is
refused unread rather than handed on as if it were the content."""

from __future__ import annotations

import gzip
import json

import pytest
from fault_server import respond
from fault_support import OK_BODY, REQUIRED, FakeClock, Flavour, MakeSDK, StartServer
from hostile_support import MiB, bomb

from atoma_sdk import APIConnectionError, ResponseTooLargeError, models


@pytest.mark.parametrize("coding", ["x-gzip", "X-GZIP", "x-gzip, identity"])
async def test_x_gzip_is_read_as_gzip(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, coding: str
) -> None:
    body = gzip.compress(json.dumps(OK_BODY).encode())
    server = start_server(respond(200, body, {"Content-Encoding": coding}))
    result = await flavour.generate(make_sdk(server.url), **REQUIRED)
    assert result == models.CreateImageResponse.model_validate(OK_BODY)


async def test_an_x_gzip_bomb_is_stopped_at_the_cap(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    server = start_server(respond(200, bomb("gzip", 64), {"Content-Encoding": "x-gzip"}))
    sdk = make_sdk(server.url, clock=clock, max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError):
        await flavour.generate(sdk, **REQUIRED)
    assert len(server.requests) == 1


@pytest.mark.parametrize("coding", ["compress", "x-compress"])
async def test_compress_is_refused_unread(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, coding: str
) -> None:
    server = start_server(respond(200, b"\x1f\x9d\x90{", {"Content-Encoding": coding}))
    with pytest.raises(APIConnectionError) as info:
        await flavour.generate(make_sdk(server.url), **REQUIRED)
    assert f"compressed with '{coding}'" in str(info.value)
    assert len(server.requests) == 1  # not retried: the same answer would come again
