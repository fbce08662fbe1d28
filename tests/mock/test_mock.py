"""Tests of the hand-written mock API: PNG encoder, in-process transport, real server, CLI."""

from __future__ import annotations

import base64
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from mock_support import BASE, GENERATIONS, generate, png_info

from atoma_sdk.mock import MockAPI, MockServer, MockTransport, encode_png
from atoma_sdk.mock.server import BACKLOG, _HTTPServer
from atoma_sdk.models import CreateImageResponse


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
    urls = [image.url for image in result.data]
    assert all(url is not None and url.startswith(f"{BASE}/v1/mock/images/") for url in urls)
    assert all(image.b64_json is None for image in result.data)
    image = client.get(str(urls[0]))
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


def test_b64_json_answers_the_image_only(client: httpx.Client) -> None:
    data = generate(client, n=2, size="16x8", response_format="b64_json").json()["data"]
    assert [sorted(image) for image in data] == [["b64_json", "revised_prompt"]] * 2  # no url
    pngs = [base64.b64decode(image["b64_json"]) for image in data]
    assert [png_info(png)[:2] for png in pngs] == [(16, 8), (16, 8)]
    assert pngs[0] != pngs[1]  # colour differs per index
    url_data = generate(client, n=2, size="16x8").json()["data"]
    assert [client.get(image["url"]).content for image in url_data] == pngs  # same recipe


def test_url_is_the_default_response_format(client: httpx.Client) -> None:
    for response_format in ("url", None):
        data = generate(client, response_format=response_format).json()["data"]
        assert "url" in data[0]
        assert "b64_json" not in data[0]


@pytest.mark.parametrize(
    ("field", "value", "known"),
    [
        ("response_format", "png", "url, b64_json"),
        ("quality", "ultra", "auto, high, medium, low, hd, standard"),
        ("style", "retro", "vivid, natural"),
        ("background", "clear", "auto, transparent, opaque"),
        ("moderation", "strict", "auto, low"),
    ],
)
def test_values_the_spec_does_not_list_are_refused_as_the_api_would(
    client: httpx.Client, field: str, value: str, known: str
) -> None:
    """The SDK sends any string (open enums); the mock, like the API, takes the known ones."""
    response = generate(client, **{field: value})
    assert response.status_code == 400
    message = f"{field}: expected one of {known}, got {value!r}"
    assert response.json()["error"] == {
        "message": message, "type": "invalid_request_error", "param": field
    }  # fmt: skip


def test_new_request_fields_are_accepted(client: httpx.Client, transport: MockTransport) -> None:
    fields = {
        "background": "opaque",
        "output_format": "png",
        "output_compression": 100,
        "moderation": "low",
        "partial_images": 3,  # only streams use it
        "quality": "high",
        "style": "natural",
        "user": "user-1",
    }
    assert generate(client, **fields).status_code == 200
    nulls = dict.fromkeys(fields)
    assert generate(client, **nulls).status_code == 200
    assert transport.api.requests[1].json() == {"model": "flux", "prompt": "an otter", **nulls}


def test_stream_false_answers_json(client: httpx.Client) -> None:
    response = generate(client, stream=False, size="4x4")
    assert response.headers["content-type"] == "application/json"
    assert len(CreateImageResponse.model_validate(response.json()).data) == 1


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
        ({"model": "flux", "prompt": "p", "output_compression": 101}, "output_compression"),
        ({"model": "flux", "prompt": "p", "output_compression": -1}, "output_compression"),
        ({"model": "flux", "prompt": "p", "partial_images": 4}, "partial_images"),
        ({"model": "flux", "prompt": "p", "partial_images": 4, "stream": True}, "partial_images"),
        ({"model": "flux", "prompt": "p", "output_format": "jpeg"}, "output_format"),
        (
            {"model": "flux", "prompt": "p", "output_format": "webp", "stream": True},
            "output_format",
        ),
        ({"model": "flux", "prompt": "p", "background": 1}, "background"),
        ({"model": "flux", "prompt": "p", "moderation": ["low"]}, "moderation"),
        ({"model": "flux", "prompt": "p", "stream": "yes"}, "stream"),
        ({"model": "flux", "prompt": "p", "stream": None}, "stream"),
        ({"model": "flux", "prompt": "p", "n": 11, "stream": True}, "n"),
        ({"model": "flux", "prompt": "p", "size": "big", "stream": True}, "size"),
        ([], None),
    ],
)
def test_invalid_requests(client: httpx.Client, body: Any, param: str | None) -> None:
    response = client.post(GENERATIONS, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error["message"].startswith(param or "")  # the message names the field too


def test_output_format_message(client: httpx.Client) -> None:
    message = generate(client, output_format="jpeg").json()["error"]["message"]
    assert message == "output_format: the mock only encodes 'png', got 'jpeg'"


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


def test_image_urls_never_expire_and_recording_is_bounded() -> None:
    api = MockAPI(max_recorded=3)
    with httpx.Client(transport=MockTransport(api), base_url=BASE) as client:
        first = generate(client, prompt="first", size="3x2").json()["data"][0]["url"]
        for index in range(200):
            generate(client, prompt=f"p{index}", size="2x2")
        late = client.get(first)
        inline = generate(client, prompt="first", size="3x2", response_format="b64_json")
        assert late.status_code == 200
        assert late.content == base64.b64decode(inline.json()["data"][0]["b64_json"])
        recorded = [
            (request.method, request.body and request.json()["prompt"]) for request in api.requests
        ]
        assert recorded == [("POST", "p199"), ("GET", b""), ("POST", "first")]
        assert api.calls == 202
        image = first.rsplit("/", 1)[1]
        for unknown in ("unknown", "99999x2-000000-0123456789abcdef", image.replace("-", "_")):
            answer = client.get(f"/v1/mock/images/{unknown}.png")
            assert (answer.status_code, answer.json()["error"]["type"]) == (404, "not_found_error")


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
            url = result.data[1].url
            assert url is not None and url.startswith(f"{server.url}/v1/mock/images/")
            image = client.get(url)  # same keep-alive connection
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


def test_keep_alive_answers_are_not_held_back_by_delayed_acks() -> None:
    """Each answer is two writes (headers, body): with Nagle's algorithm on, the body
    waited for the client's delayed ACK, about 40 ms an answer on Linux."""
    with MockServer() as server, httpx.Client(base_url=server.url) as client:
        assert generate(client).status_code == 200  # the keep-alive connection is open
        started = time.perf_counter()
        for _ in range(100):
            assert client.get("/v1/nope").status_code == 404
            assert generate(client, size="8x8").status_code == 200
        assert time.perf_counter() - started < 4.0  # 200 answers: 8 s with the stall


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


# Server connections


def test_listen_backlog_takes_bursts() -> None:
    """socketserver listens with a backlog of 5; 100 clients at once need more."""
    assert _HTTPServer.request_queue_size == BACKLOG >= 128


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_connection_counters() -> None:
    with MockServer() as server:
        assert (server.open_connections, server.connections_accepted) == (0, 0)
        sockets = [socket.create_connection((server.host, server.port)) for _ in range(100)]
        try:
            wait_until(lambda: server.open_connections == 100)
            assert server.connections_accepted == 100
        finally:
            for connection in sockets:
                connection.close()
        wait_until(lambda: server.open_connections == 0)
        assert (server.connections_accepted, server.peak_open_connections) == (100, 100)
        with httpx.Client(base_url=server.url) as client:
            assert generate(client).status_code == 200
            assert client.get("/v1/nope").status_code == 404  # the same keep-alive connection
            assert (server.open_connections, server.connections_accepted) == (1, 101)
    assert (server.open_connections, server.connections_accepted) == (0, 101)


def test_hundred_concurrent_requests() -> None:
    count = 100
    barrier = threading.Barrier(count)
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    with MockServer() as server, httpx.Client(base_url=server.url, limits=limits) as client:
        # Long enough that every request is still in flight when the last one arrives,
        # even on a loaded 2-core machine (all start together at the barrier).
        server.api.delay_seconds = 3.0

        def call(_: int) -> int:
            barrier.wait(timeout=10)
            return generate(client, size="2x2").status_code

        with ThreadPoolExecutor(count) as pool:
            statuses = list(pool.map(call, range(count)))
        assert statuses == [200] * count
        assert server.connections_accepted == server.peak_open_connections == count
        assert server.api.calls == count
