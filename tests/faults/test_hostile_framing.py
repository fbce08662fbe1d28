"""Response framing a hostile or broken server sends, over a real socket on every
backend: each malformed head or body is the same `APIConnectionError` (also an
`httpx.RemoteProtocolError`) whichever parser read it, nothing of it reaches the next
call (which gets its own answer), and odd but legal framing is read alike.

Before, the backends disagreed: h11 read a body framed by both `Transfer-Encoding` and
`Content-Length` (a sign of request smuggling, RFC 9112 6.3) where aiohttp refused it;
aiohttp returned an unsolicited `101` (or a status below 100) as the answer (`APIError`)
and handed on a body with a transfer coding other than chunked undecoded, where h11
refused both.
"""

from __future__ import annotations

import httpx
import pytest
from fault_server import Exchange
from fault_support import (
    REQUIRED,
    Flavour,
    MakeSDK,
    StartServer,
    answer,
    assert_connection_error,
    assert_pool_clean,
)
from hostile_support import raw

from atoma_sdk import APIConnectionError, AtomaSDK, ResponseValidationError

BODY = answer("framed")
JSON = b"Content-Type: application/json\r\n"


def chunks(body: bytes) -> bytes:
    return f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"


def head(*lines: bytes, status: bytes = b"200 OK") -> bytes:
    return b"HTTP/1.1 " + status + b"\r\n" + JSON + b"".join(lines) + b"\r\n"


def length(value: int | str) -> bytes:
    return f"Content-Length: {value}\r\n".encode()


CHUNKED = b"Transfer-Encoding: chunked\r\n"


def echo_prompt(exchange: Exchange) -> bool:
    body = answer(exchange.request.json()["prompt"])
    exchange.send(head(length(len(body))) + body)
    return True


async def prompt_of(flavour: Flavour, sdk: AtomaSDK, prompt: str, **options: object) -> str:
    result = await flavour.generate(sdk, **{**REQUIRED, "prompt": prompt}, **options)
    return str(result.data[0].revised_prompt)


MALFORMED = [
    pytest.param(head(length(5), CHUNKED) + chunks(BODY), True, id="length-and-chunked"),
    pytest.param(head(length(len(BODY)), length(len(BODY) + 5)) + BODY, True, id="two-lengths"),
    pytest.param(head(length(f"+{len(BODY)}")) + BODY, True, id="signed-length"),
    pytest.param(head(CHUNKED) + b"zz\r\n" + BODY + b"\r\n0\r\n\r\n", True, id="bad-chunk-size"),
    pytest.param(head(CHUNKED) + chunks(BODY)[:30], False, id="chunks-cut-by-a-close"),
    pytest.param(
        head(b"Transfer-Encoding: gzip, chunked\r\n") + chunks(BODY), True, id="gzip-transfer"
    ),
    pytest.param(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        False,
        id="unasked-101",
    ),
    pytest.param(b"HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n", True, id="status-99"),
]


@pytest.mark.parametrize(("data", "keep_alive"), MALFORMED)
async def test_malformed_framing_is_a_protocol_error_on_every_backend(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    data: bytes,
    keep_alive: bool,
) -> None:
    server = start_server(raw(data, keep_alive), echo_prompt)
    sdk = make_sdk(server.url)
    with pytest.raises(APIConnectionError) as info:
        await prompt_of(flavour, sdk, "first", retries=None)
    print(f"{flavour!r}: {info.value}")
    assert_connection_error(info.value, APIConnectionError, httpx.RemoteProtocolError)
    assert_pool_clean(flavour.owned_client(sdk))
    assert await prompt_of(flavour, sdk, "second") == "second"  # its own answer
    print(f"connections: {server.connections_accepted}")


@pytest.mark.parametrize("version", [b"HTTP/1.0", b"HTTP/1.1"])
async def test_a_body_ended_by_a_close_mid_json_is_a_response_validation_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, version: bytes
) -> None:
    """Without a length, closing ends the body: what came is the whole (broken) answer."""
    server = start_server(raw(version + b" 200 OK\r\n" + JSON + b"\r\n" + BODY[:20], False))
    with pytest.raises(ResponseValidationError) as info:
        await prompt_of(flavour, make_sdk(server.url), "p")
    assert "Invalid JSON: EOF while parsing" in str(info.value)
    assert server.request_count == 1


LEGAL = [
    pytest.param(
        b"HTTP/1.1 100 Continue\r\n\r\n" * 2 + head(length(len(BODY))) + BODY,
        id="two-100s-first",
    ),
    pytest.param(head(length(len(BODY)), status=b"200") + BODY, id="no-reason-phrase"),
    pytest.param((head(length(len(BODY))) + BODY).replace(b"\r\n", b"\n"), id="bare-lf-lines"),
    pytest.param(head(CHUNKED) + chunks(BODY[:10])[:-5] + chunks(BODY[10:]), id="two-chunks"),
]


@pytest.mark.parametrize("data", LEGAL)
async def test_odd_but_legal_framing_is_read_on_every_backend(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, data: bytes
) -> None:
    server = start_server(raw(data))
    sdk = make_sdk(server.url)
    assert [await prompt_of(flavour, sdk, "p") for _ in range(2)] == ["framed", "framed"]
    assert server.connections_accepted == 1


async def test_a_repeated_equal_length_is_read_by_httpx_and_refused_by_aiohttp(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """RFC 9110 (8.6) lets a recipient do either; the backends differ (documented in the
    HTTP clients guide)."""
    server = start_server(raw(head(length(len(BODY)), length(len(BODY))) + BODY))
    sdk = make_sdk(server.url)
    if flavour.backend == "httpx":
        assert await prompt_of(flavour, sdk, "p") == "framed"
        return
    with pytest.raises(APIConnectionError) as info:
        await prompt_of(flavour, sdk, "p", retries=None)
    assert "Duplicate Content-Length" in str(info.value)
