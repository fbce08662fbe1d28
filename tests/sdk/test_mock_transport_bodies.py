"""Streamed request bodies (multipart, files) as a user's `httpx.MockTransport` sees them.

Users test their own code by giving the SDK an `httpx.Client(transport=MockTransport(...))`;
the request their handler reads must carry the body a network transport would send,
sync and async, on every attempt."""

from __future__ import annotations

import email.parser
import email.policy
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sdk_support import FakeClock, Flavour
from shared import PUT_BINARY, UPLOAD, Stored, Upload

from atoma_sdk._runtime.client import SDKCore, SDKSettings
from atoma_sdk._runtime.operation import CallOptions, Operation
from atoma_sdk._runtime.sentinel import UNSET

SERVER = "https://api.test"
CONTENT = bytes(range(256)) * 1024  # 256 KiB: several chunks


Answer = Callable[[httpx.Request], httpx.Response]


class Handler:
    """A `MockTransport` handler, as a user writes it: reads each request's body, answers
    with the next response of its script."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.bodies: list[bytes] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.content)  # MockTransport has read it
        return self.answers.pop(0)


@pytest.fixture
async def clients() -> AsyncIterator[list[httpx.Client | httpx.AsyncClient]]:
    made: list[httpx.Client | httpx.AsyncClient] = []
    yield made
    for client in made:
        if isinstance(client, httpx.AsyncClient):
            await client.aclose()
        else:
            client.close()


def core_on(
    handler: Handler,
    flavour: Flavour,
    clock: FakeClock,
    clients: list[httpx.Client | httpx.AsyncClient],
) -> SDKCore:
    transport = httpx.MockTransport(handler)
    client = httpx.AsyncClient(transport=transport) if flavour.is_async else None
    sync_client = None if flavour.is_async else httpx.Client(transport=transport)
    clients.extend(c for c in (client, sync_client) if c is not None)
    core = SDKCore(
        SDKSettings("mock_test", "mock-test", "1.0", (SERVER,)),
        credentials={},
        server_url=None,
        server_idx=None,
        url_params=None,
        client=sync_client,
        async_client=client,
        retry_config=UNSET,
        timeout_ms=None,
        debug_logger=None,
    )
    core.clock = clock
    return core


async def call(core: SDKCore, flavour: Flavour, operation: Operation[Any], body: Any) -> Any:
    if flavour.is_async:
        return await core.call_async(operation, body, CallOptions())
    return core.call(operation, body, CallOptions())


def parts(request: httpx.Request, body: bytes) -> list[tuple[str, str | None, bytes]]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    found = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        name = str(part.get_param("name", header="content-disposition"))
        found.append((name, part.get_filename(), payload))
    return found


@pytest.mark.parametrize("source", ["bytes", "disk"])
async def test_a_multipart_body_is_what_the_mock_transport_reads(
    flavour: Flavour,
    clock: FakeClock,
    clients: list[httpx.Client | httpx.AsyncClient],
    tmp_path: Path,
    source: str,
) -> None:
    handler = Handler(httpx.Response(200, json={"id": "f1"}))
    core = core_on(handler, flavour, clock, clients)
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    with path.open("rb") as file:
        content = ("data.bin", CONTENT) if source == "bytes" else file
        result = await call(core, flavour, UPLOAD, Upload(file=content, purpose="batch"))

    assert result == Stored(id="f1")
    (request,), (body,) = handler.requests, handler.bodies
    assert int(request.headers["content-length"]) == len(body)
    assert parts(request, body) == [("file", "data.bin", CONTENT), ("purpose", None, b"batch")]


async def test_a_file_body_is_what_the_mock_transport_reads_on_every_attempt(
    flavour: Flavour,
    clock: FakeClock,
    clients: list[httpx.Client | httpx.AsyncClient],
) -> None:
    handler = Handler(httpx.Response(503), httpx.Response(200, json={"id": "b1"}))
    core = core_on(handler, flavour, clock, clients)
    file = io.BytesIO(b"head:" + CONTENT)
    file.seek(5)  # sent from where the file stands

    result = await call(core, flavour, PUT_BINARY, file)

    assert result == Stored(id="b1")
    assert handler.bodies == [CONTENT, CONTENT]
    assert [r.headers["content-length"] for r in handler.requests] == [str(len(CONTENT))] * 2
    assert [r.headers["content-type"] for r in handler.requests] == ["application/octet-stream"] * 2
    assert len(clock.sleeps) == 1
