"""Tests of the hand-written mock API: PNG encoder, in-process transport, real server, CLI."""

from __future__ import annotations

import base64
import json
import signal
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from atoma_sdk.mock import MockAPI, MockServer, MockTransport, encode_png
from atoma_sdk.models import CreateImageResponse

GENERATIONS = "/v1/images/generations"
BASE = "http://mock.atoma.local"


def png_info(data: bytes) -> tuple[int, int, bytes]:
    """Decode a PNG with the stdlib: check the signature and every CRC; return w, h, pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body), f"bad CRC in {tag!r}"
        chunks.append((tag, body))
        pos += 12 + length
    assert [tag for tag, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + 3 * width)
    return width, height, raw


def generate(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post(GENERATIONS, json={"model": "flux", "prompt": "an otter", **body})


@pytest.fixture
def transport() -> MockTransport:
    return MockTransport()


@pytest.fixture
def client(transport: MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=transport, base_url=BASE) as client:
        yield client


# PNG


def test_png_decodes_with_stdlib() -> None:
    width, height, raw = png_info(encode_png(7, 3, (10, 200, 30)))
    assert (width, height) == (7, 3)
    assert raw[:4] == b"\x00\x0a\xc8\x1e"  # filter byte, then the first pixel


def test_png_large_and_invalid() -> None:
    assert png_info(encode_png(1024, 1024, (1, 2, 3)))[:2] == (1024, 1024)
    with pytest.raises(ValueError):
        encode_png(0, 5, (0, 0, 0))
    with pytest.raises(ValueError):
        encode_png(1, 1, (256, 0, 0))


# Transport


def test_generation_matches_spec(client: httpx.Client, transport: MockTransport) -> None:
    response = generate(client, n=3, size="64x32")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    result = CreateImageResponse.model_validate(response.json())
    assert len(result.data) == 3
    assert len({image.url for image in result.data}) == 3
    assert all(image.revised_prompt == "an otter" for image in result.data)
    assert result.data[0].url.startswith(f"{BASE}/v1/mock/images/")
    image = client.get(result.data[0].url)
    assert image.headers["content-type"] == "image/png"
    assert png_info(image.content)[:2] == (64, 32)
    assert transport.api.calls == 1
    recorded = transport.api.requests[0]
    assert (recorded.method, recorded.path) == ("POST", GENERATIONS)
    assert recorded.json() == {"model": "flux", "prompt": "an otter", "n": 3, "size": "64x32"}
    assert recorded.headers["CONTENT-TYPE"] == "application/json"


def test_defaults_and_zero_images(client: httpx.Client) -> None:
    data = generate(client).json()["data"]
    assert len(data) == 1
    assert "b64_json" not in data[0]
    assert png_info(client.get(data[0]["url"]).content)[:2] == (1024, 1024)
    assert generate(client, n=None, size=None).status_code == 200
    assert generate(client, n=0).json()["data"] == []


def test_b64_json(client: httpx.Client) -> None:
    data = generate(client, n=2, size="16x8", response_format="b64_json").json()["data"]
    pngs = [base64.b64decode(image["b64_json"]) for image in data]
    assert [png_info(png)[:2] for png in pngs] == [(16, 8), (16, 8)]
    assert pngs[0] != pngs[1]  # colour differs per index
    assert client.get(data[0]["url"]).content == pngs[0]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "flux", "prompt": "p", "n": -1}, "n"),
        ({"model": "flux", "prompt": "p", "n": "2"}, "n"),
        ({"model": "flux", "prompt": "p", "n": 11}, "n"),
        ({"model": "flux"}, "prompt"),
        ({"prompt": "p"}, "model"),
        ({"model": "flux", "prompt": 5}, "prompt"),
        ({"model": "flux", "prompt": "p", "colour": "red"}, "colour"),
        ({"model": "flux", "prompt": "p", "size": "big"}, "size"),
        ({"model": "flux", "prompt": "p", "size": "4097x10"}, "size"),
        ({"model": "flux", "prompt": "p", "size": "0x10"}, "size"),
        ({"model": "flux", "prompt": "p", "response_format": "png"}, "response_format"),
        ([], None),
    ],
)
def test_invalid_requests(client: httpx.Client, body: Any, param: str | None) -> None:
    response = client.post(GENERATIONS, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error["message"]


def test_invalid_json(client: httpx.Client) -> None:
    response = client.post(GENERATIONS, content=b"{not json", headers={"content-type": "x"})
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


def test_routing(client: httpx.Client) -> None:
    assert client.get("/v1/nope").status_code == 404
    assert client.get("/v1/mock/images/unknown.png").json()["error"]["type"] == "not_found_error"
    wrong = client.get(GENERATIONS)
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "POST")
    assert client.delete("/v1/mock/images/x.png").status_code == 405


def test_image_store_is_bounded() -> None:
    api = MockAPI(max_images=2)
    with httpx.Client(transport=MockTransport(api), base_url=BASE) as client:
        urls = [image["url"] for image in generate(client, n=3, size="2x2").json()["data"]]
        assert [client.get(url).status_code for url in urls] == [404, 200, 200]


def test_require_auth() -> None:
    with httpx.Client(transport=MockTransport(require_auth=True), base_url=BASE) as client:
        missing = generate(client)
        assert missing.status_code == 401
        assert missing.json()["error"]["type"] == "authentication_error"
        assert missing.headers["www-authenticate"] == "Bearer"
        empty = client.post(GENERATIONS, json={}, headers={"Authorization": "Bearer "})
        assert empty.status_code == 401
        client.headers["Authorization"] = "Bearer sk-test"
        assert generate(client).status_code == 200


def test_fail_next_then_recovers(client: httpx.Client, transport: MockTransport) -> None:
    transport.api.fail_next(2, status=429, retry_after="3")
    first, second, third = generate(client), generate(client), generate(client)
    assert [r.status_code for r in (first, second, third)] == [429, 429, 200]
    assert first.headers["retry-after"] == "3"
    assert first.json()["error"]["type"] == "server_error"
    assert "retry-after" not in third.headers
    transport.api.fail_next(1, status=500, body="oops")
    failed = generate(client)
    assert (failed.status_code, failed.text, failed.headers["content-type"]) == (
        500,
        "oops",
        "text/plain; charset=utf-8",
    )
    assert transport.api.calls == 4


def test_drop_and_reset(client: httpx.Client, transport: MockTransport) -> None:
    transport.api.drop_next()
    with pytest.raises(httpx.RemoteProtocolError):
        generate(client)
    assert generate(client).status_code == 200
    transport.api.fail_next(5)
    transport.api.reset()
    assert (transport.api.calls, transport.api.requests) == (0, [])
    assert generate(client).status_code == 200


async def test_async_transport() -> None:
    transport = MockTransport()
    transport.api.delay_seconds = 0.01
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        response = await client.post(GENERATIONS, json={"model": "m", "prompt": "p", "n": 2})
        assert len(CreateImageResponse.model_validate(response.json()).data) == 2
        transport.api.fail_next(1, status=503, retry_after="1")
        failed = await client.post(GENERATIONS, json={"model": "m", "prompt": "p"})
        assert (failed.status_code, failed.headers["retry-after"]) == (503, "1")
        transport.api.drop_next()
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(GENERATIONS, json={"model": "m", "prompt": "p"})


# Server


def test_server_end_to_end() -> None:
    with MockServer(require_auth=True) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.api.base_url == server.url
        headers = {"Authorization": "Bearer sk-test"}
        with httpx.Client(base_url=server.url, headers=headers) as client:
            anonymous = httpx.post(f"{server.url}{GENERATIONS}", json={"model": "m", "prompt": "p"})
            assert anonymous.status_code == 401
            response = generate(client, n=2, size="32x16")
            assert response.status_code == 200
            result = CreateImageResponse.model_validate(response.json())
            assert result.data[0].url.startswith(f"{server.url}/v1/mock/images/")
            image = client.get(result.data[1].url)  # same keep-alive connection
            assert image.headers["content-type"] == "image/png"
            assert png_info(image.content)[:2] == (32, 16)
            bad = generate(client, n=-1)
            assert (bad.status_code, bad.json()["error"]["param"]) == (400, "n")
            server.api.fail_next(1, status=503, retry_after="2")
            failed = generate(client)
            assert (failed.status_code, failed.headers["retry-after"]) == (503, "2")
            assert generate(client).status_code == 200
        recorded = server.api.requests[1]
        assert recorded.headers["authorization"] == "Bearer sk-test"
        assert json.loads(recorded.body)["size"] == "32x16"
        thread = server.thread
        assert thread is not None and thread.is_alive()
    assert not thread.is_alive()
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018


def test_server_drop_connection_and_recovers() -> None:
    with MockServer() as server, httpx.Client(base_url=server.url) as client:
        assert generate(client).status_code == 200  # open a keep-alive connection first
        server.api.drop_next()
        with pytest.raises(httpx.RemoteProtocolError):
            generate(client)
        assert generate(client).status_code == 200


def test_server_stop_closes_idle_keepalive_connections() -> None:
    server = MockServer().start()
    client = httpx.Client(base_url=server.url)
    try:
        assert generate(client).status_code == 200
        server.api.delay_seconds = 0.01
        assert client.get("/v1/nope").status_code == 404
        server.stop()  # returns although the client still holds its connection open
        server.stop()  # idempotent
        assert server.thread is not None and not server.thread.is_alive()
        with pytest.raises(httpx.TransportError):
            generate(client)
    finally:
        client.close()


def test_command_line() -> None:
    command = [sys.executable, "-m", "atoma_sdk.mock", "--port", "0", "--require-auth"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            assert httpx.post(f"{url}{GENERATIONS}", json={}).status_code == 401
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
