"""Bounded resources against any server: compression bombs, huge declared bodies, events
that never end, JSON nested thousands deep. Over real sockets, sync and async.

Each refusal is the specific SDK error, comes quickly (the time is printed and bounded
loosely), and leaves no connection in use; `test_bomb_memory` measures the peak memory of
a whole call in a fresh interpreter.
"""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest
from fault_server import Exchange, head, json_response, respond
from fault_support import (
    REQUIRED,
    FakeClock,
    Flavour,
    MakeSDK,
    StartServer,
    assert_pool_clean,
    stopwatch,
)
from hostile_support import MiB, compressed, deep_json, endless_event, event_stream

from atoma_sdk import AtomaSDK, models
from atoma_sdk._runtime.errors import DownloadTooLargeError, ResponseTooLargeError
from atoma_sdk._runtime.pipeline import DEFAULT_MAX_RESPONSE_BYTES
from atoma_sdk.image_files import image_bytes, image_bytes_async
from atoma_sdk.mock import encode_png

ENCODINGS = ["gzip", "deflate"]
#: The cap the in-process tests set: small, so that bombs are cheap to build.
CAP = MiB


def capped(make_sdk: MakeSDK, url: str, cap: int = CAP, **kwargs: Any) -> AtomaSDK:
    return make_sdk(url, max_response_bytes=cap, **kwargs)


async def stream_all(flavour: Flavour, sdk: AtomaSDK) -> list[Any]:
    """Every event of one `generate_stream` call."""
    if flavour.is_async:
        stream = await sdk.images.generate_stream_async(**REQUIRED)
        async with stream:
            return [event async for event in stream]
    with sdk.images.generate_stream(**REQUIRED) as sync_stream:
        return list(sync_stream)


def report(label: str, seconds: float) -> None:
    print(f"\n{label}: refused after {seconds * 1000:.0f} ms")


# -- API responses ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("status", [200, 503])
async def test_compression_bomb_is_stopped_at_the_cap(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    encoding: str,
    status: int,
) -> None:
    """64 MiB of zeros in 64 KiB of gzip: refused once 1 MiB is decoded, never retried."""
    server = start_server(compressed(status, encoding, 64))
    sdk = capped(make_sdk, server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(ResponseTooLargeError) as info:
        await flavour.generate(sdk, **REQUIRED)
    report(f"{encoding} bomb, status {status}, {flavour}", watch.elapsed)
    assert type(info.value) is ResponseTooLargeError
    assert info.value.limit == CAP
    url = f"{server.url}/v1/images/generations"
    assert str(info.value) == f"The response from {url} is larger than {CAP} bytes"
    assert server.request_count == 1  # a body too large is final: not retried
    assert clock.sleeps == []
    assert watch.elapsed < 5.0
    assert_pool_clean(flavour.owned_client(sdk))


def exact_error_body(size: int) -> bytes:
    """A JSON error body of exactly `size` bytes."""
    shell = b'{"error": {"message": ""}}'
    return b'{"error": {"message": "' + b"m" * (size - len(shell)) + b'"}}'


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
async def test_the_cap_counts_decoded_bytes_exactly(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, encoding: str
) -> None:
    """A body of exactly the cap is read; one byte more is refused, compressed or not."""
    for size, expected in ((CAP, models.InternalServerError), (CAP + 1, ResponseTooLargeError)):
        body = exact_error_body(size)
        headers = {}
        if encoding == "gzip":
            body, headers = gzip.compress(body), {"Content-Encoding": "gzip"}
        server = start_server(respond(500, body, headers))
        sdk = capped(make_sdk, server.url)
        with pytest.raises(models.SDKError) as info:
            await flavour.generate(sdk, **REQUIRED)
        assert type(info.value) is expected, (size, info.value)
        if isinstance(info.value, models.APIError):
            assert len(info.value.body) == CAP
        assert_pool_clean(flavour.owned_client(sdk))


async def test_a_declared_length_over_the_cap_is_refused_before_reading(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """`Content-Length: 10 GB` then silence: refused at once, not after the read timeout."""

    def huge_promise(exchange: Exchange) -> bool:
        exchange.send(head(200, {"Content-Type": "application/json", "Content-Length": "10" * 5}))
        exchange.wait(30)
        return False

    server = start_server(huge_promise)
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(ResponseTooLargeError) as info:
        await flavour.generate(sdk, **REQUIRED)
    report(f"declared length, {flavour}", watch.elapsed)
    assert info.value.limit == DEFAULT_MAX_RESPONSE_BYTES  # the documented default
    assert watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_a_call_may_set_its_own_cap(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """The call's `max_response_bytes` wins over the SDK's, either way."""
    server = start_server(respond(500, exact_error_body(2 * CAP)))
    sdk = capped(make_sdk, server.url)
    with pytest.raises(models.InternalServerError):  # larger than the SDK's cap: allowed
        await flavour.generate(sdk, **REQUIRED, max_response_bytes=2 * CAP)
    with pytest.raises(ResponseTooLargeError) as info:
        await flavour.generate(sdk, **REQUIRED, max_response_bytes=CAP // 2)
    assert info.value.limit == CAP // 2


@pytest.mark.parametrize("value", [0, -1, 1.5, "1000", True])
def test_an_invalid_cap_is_refused_before_any_io(value: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="max_response_bytes"):
        AtomaSDK(bearer_auth="t", max_response_bytes=value)
    sdk = AtomaSDK(bearer_auth="t", server_url="http://127.0.0.1:9")
    with sdk, pytest.raises((TypeError, ValueError), match="max_response_bytes"):
        sdk.images.generate(**REQUIRED, max_response_bytes=value)


# -- JSON nested thousands of levels deep ----------------------------------------------


@pytest.mark.parametrize("status", [400, 500])
async def test_deeply_nested_json_error_body_is_an_api_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, status: int
) -> None:
    body = deep_json(100_000)
    server = start_server(respond(status, body))
    sdk = make_sdk(server.url)
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    expected = models.BadRequestError if status == 400 else models.InternalServerError
    assert isinstance(info.value, expected)
    assert info.value.body == body  # the raw body, whole
    assert info.value.status_code == status
    assert info.value.message  # a message, not a RecursionError


async def test_deeply_nested_json_success_body_is_a_validation_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    body = deep_json(100_000)
    server = start_server(respond(200, body))
    sdk = make_sdk(server.url)
    with pytest.raises(models.ResponseValidationError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.body == body


@pytest.mark.parametrize("named", [True, False], ids=["event-error", "data-error"])
async def test_deeply_nested_json_stream_error_is_an_api_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, named: bool
) -> None:
    data = deep_json(100_000)
    name = b"event: error\n" if named else b""
    server = start_server(event_stream(name + b"data: " + data.encode() + b"\n\n"))
    sdk = make_sdk(server.url)
    with pytest.raises(models.InternalServerError) as info:
        await stream_all(flavour, sdk)
    assert info.value.body == data
    assert info.value.status_code == 500
    assert_pool_clean(flavour.owned_client(sdk))


# -- server-sent events ----------------------------------------------------------------


async def test_an_event_that_never_ends_is_stopped_at_the_cap(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """`data: xxxx...` with no newline, 64 MiB of it: refused once the event passes 1 MiB."""
    server = start_server(endless_event(64 * MiB))
    sdk = capped(make_sdk, server.url)
    with stopwatch() as watch, pytest.raises(ResponseTooLargeError) as info:
        await stream_all(flavour, sdk)
    report(f"endless event, {flavour}", watch.elapsed)
    assert type(info.value) is ResponseTooLargeError
    assert info.value.limit == CAP
    assert watch.elapsed < 5.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_a_compressed_event_bomb_is_stopped_at_the_cap(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """A gzip stream of 64 MiB of zeros (no newline): the decoder never holds much more
    than the cap."""
    from hostile_support import bomb

    server = start_server(event_stream(bomb("gzip", 64), {"Content-Encoding": "gzip"}))
    sdk = capped(make_sdk, server.url)
    with stopwatch() as watch, pytest.raises(ResponseTooLargeError):
        await stream_all(flavour, sdk)
    report(f"gzip event bomb, {flavour}", watch.elapsed)
    assert watch.elapsed < 5.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_events_up_to_the_cap_are_read_then_a_larger_one_is_refused(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    def completed(b64_chars: int) -> bytes:
        event = {"type": "image_generation.completed", "b64_json": "A" * b64_chars}
        return b"data: " + json.dumps(event).encode() + b"\n\n"

    fits = completed(CAP - 200)
    server = start_server(event_stream(fits + fits + completed(CAP + 1)))
    sdk = capped(make_sdk, server.url)
    received: list[Any] = []
    with pytest.raises(ResponseTooLargeError):
        if flavour.is_async:
            stream = await sdk.images.generate_stream_async(**REQUIRED)
            async with stream:
                async for event in stream:
                    received.append(event)
        else:
            with sdk.images.generate_stream(**REQUIRED) as sync_stream:
                received.extend(sync_stream)
    assert [type(event) for event in received] == [models.ImageCompletedEvent] * 2
    assert_pool_clean(flavour.owned_client(sdk))


# -- image downloads -------------------------------------------------------------------


async def download(flavour: Flavour, sdk: AtomaSDK, url: str, max_bytes: int) -> bytes:
    image = models.ImageData(url=url)
    if flavour.is_async:
        return await image_bytes_async(image, sdk=sdk, max_bytes=max_bytes)
    return image_bytes(image, sdk=sdk, max_bytes=max_bytes)


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_download_bomb_is_stopped_at_max_bytes(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, encoding: str
) -> None:
    """Before: `max_bytes` counted the compressed bytes, so 1 MiB of gzip became 1 GiB."""
    server = start_server(compressed(200, encoding, 64, content_type="image/png"))
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(DownloadTooLargeError) as info:
        await download(flavour, sdk, f"{server.url}/image.png", CAP)
    report(f"{encoding} image bomb, {flavour}", watch.elapsed)
    assert isinstance(info.value, models.DownloadError)  # what 0.2 documented
    assert isinstance(info.value, ResponseTooLargeError)
    assert info.value.limit == CAP
    assert watch.elapsed < 5.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_a_compressed_image_within_max_bytes_is_decoded(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    png = encode_png(64, 64, (1, 2, 3))
    headers = {"Content-Encoding": "gzip"}
    server = start_server(respond(200, gzip.compress(png), headers, "image/png"))
    sdk = make_sdk(server.url)
    assert await download(flavour, sdk, f"{server.url}/image.png", len(png)) == png
    with pytest.raises(DownloadTooLargeError):
        await download(flavour, sdk, f"{server.url}/image.png", len(png) - 1)


def test_b64_json_over_max_bytes_is_the_same_error() -> None:
    image = models.ImageData(b64_json=base64.b64encode(bytes(4096)).decode())
    with pytest.raises(DownloadTooLargeError) as info:
        image_bytes(image, max_bytes=1024)
    assert info.value.limit == 1024


# -- peak memory -----------------------------------------------------------------------

MEMORY_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys, time
    sys.path[:0] = [sys.argv[1], sys.argv[2]]
    from fault_server import FaultServer, json_response
    from hostile_support import MiB, bomb, compressed, endless_event
    from atoma_sdk import AtomaSDK, DefaultAioHttpClient
    from atoma_sdk.image_files import image_bytes, image_bytes_async
    from atoma_sdk import models

    flavour, backend, case = sys.argv[3], sys.argv[4], sys.argv[5]
    OK = {"created": 1, "data": [{"url": "u"}]}
    behaviours = {
        "gzip-response": compressed(200, "gzip", 256),
        "gzip-download": compressed(200, "gzip", 256, content_type="image/png"),
        "endless-event": endless_event(512 * MiB),
    }
    bomb("gzip", 256)  # built before measuring

    def peak_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM"):
                return int(line.split()[1])

    def call(sdk):
        if case == "gzip-download":
            image = models.ImageData(url=server.url + "/i.png")
            if flavour == "async":
                return image_bytes_async(image, sdk=sdk, max_bytes=32 * MiB)
            return image_bytes(image, sdk=sdk, max_bytes=32 * MiB)
        if case == "endless-event":
            if flavour == "async":
                async def events():
                    stream = await sdk.images.generate_stream_async(model="m", prompt="p")
                    async with stream:
                        return [e async for e in stream]
                return events()
            with sdk.images.generate_stream(model="m", prompt="p") as stream:
                return list(stream)
        if flavour == "async":
            return sdk.images.generate_async(model="m", prompt="p")
        return sdk.images.generate(model="m", prompt="p")

    async def run(result):
        return await result if flavour == "async" else result

    async def main():
        http = DefaultAioHttpClient() if backend == "aiohttp" else None
        sdk = AtomaSDK(bearer_auth="t", server_url=server.url, async_client=http)
        async with sdk:
            await run(sdk.images.generate_async(model="m", prompt="p") if flavour == "async"
                      else sdk.images.generate(model="m", prompt="p"))  # warm up
            server.set_script(behaviours[case])
            open("/proc/self/clear_refs", "w").write("5")  # reset the peak
            before = peak_kib()
            started = time.monotonic()
            try:
                await run(call(sdk))
                error = None
            except Exception as exc:
                error = type(exc).__name__
            seconds = time.monotonic() - started
            print(json.dumps({"error": error, "seconds": seconds,
                              "growth_mib": (peak_kib() - before) / 1024}))
        if http is not None:
            await http.aclose()

    with FaultServer(json_response(200, OK)) as server:
        asyncio.run(main())
    """
)


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("case", ["gzip-response", "gzip-download", "endless-event"])
def test_bomb_memory(flavour: Flavour, case: str, tmp_path: Path) -> None:
    """Bombs of 256 and 512 MiB against the default 128 MiB cap (32 MiB for the download):
    the process's peak memory grows by about the cap, not by the bomb."""
    script = tmp_path / "bomb.py"
    script.write_text(MEMORY_SCRIPT)
    here = Path(__file__).parent
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            str(here),
            str(here.parent),
            flavour.name,
            flavour.backend,
            case,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    cap = 32 if case == "gzip-download" else DEFAULT_MAX_RESPONSE_BYTES // MiB
    print(
        f"\n{case} ({flavour}): {figures['error']} after {figures['seconds'] * 1000:.0f} ms, "
        f"peak memory +{figures['growth_mib']:.1f} MiB (cap {cap} MiB)"
    )
    expected = "DownloadTooLargeError" if case == "gzip-download" else "ResponseTooLargeError"
    assert figures["error"] == expected
    # Text of an event is held as str (1 byte a character here); decoding and joining
    # pieces may briefly hold a copy of the event: twice the cap at worst.
    margin = 2 * cap + 16 if case == "endless-event" else cap + 16
    assert figures["growth_mib"] < margin


def test_deeply_nested_json_in_a_whole_event_union_is_a_validation_error() -> None:
    """Whole-event schemas that are unions parse the data with `json`, whose recursion
    limit is far below pydantic's: still a `ResponseValidationError`, never RecursionError."""
    from typing import Any as AnyData
    from typing import Union

    import pydantic

    from atoma_sdk._runtime.operation import Operation
    from atoma_sdk._runtime.sse import EventStream

    class Ping(pydantic.BaseModel):
        event: str
        data: AnyData

    class Pong(pydantic.BaseModel):
        id: str
        data: AnyData

    operation: Operation[Any] = Operation(
        "events", "GET", "/", Union[Ping, Pong], stream=True, whole_event=True
    )
    data = deep_json(100_000).replace('"error"', '"x"')
    body = f"event: ping\ndata: {data}\n\n".encode()
    request = httpx.Request("GET", "http://test/")
    response = httpx.Response(200, content=body, request=request)
    with pytest.raises(models.ResponseValidationError) as info:
        list(EventStream(response, operation))
    assert info.value.body == data


# -- encodings the SDK cannot bound ------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br"])
async def test_brotli_and_zstd_are_refused_unread(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, encoding: str
) -> None:
    """httpx decodes brotli and zstd (when their packages are installed) a whole network
    read at a time, and a KiB of brotli can be 648 MiB: the SDK never asks for them, and a
    server that sends them anyway gets its response refused before decoding."""
    server = start_server(respond(200, b"\x8b" * 1024, {"Content-Encoding": encoding}))
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(httpx.DecodingError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert isinstance(info.value, models.APIConnectionError)
    assert "does not ask for" in str(info.value)
    assert server.request_count == 1
    assert watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_only_gzip_and_deflate_are_asked_for(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """Even through a user's client whose default headers ask for brotli and zstd."""
    png = encode_png(4, 4, (1, 2, 3))
    server = start_server(
        json_response(200, {"created": 1, "data": [{"url": "x"}]}),
        respond(200, png, content_type="image/png"),
    )
    asks = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    user_client: httpx.Client | httpx.AsyncClient
    if flavour.is_async:
        user_client = httpx.AsyncClient(headers=asks)
        sdk = make_sdk(server.url, async_client=user_client)
    else:
        user_client = httpx.Client(headers=asks)
        sdk = make_sdk(server.url, client=user_client)
    try:
        await flavour.generate(sdk, **REQUIRED)
        await download(flavour, sdk, f"{server.url}/image.png", len(png))
    finally:
        if isinstance(user_client, httpx.AsyncClient):
            await user_client.aclose()
        else:
            user_client.close()
    assert [r.headers["accept-encoding"] for r in server.requests] == ["gzip, deflate"] * 2
