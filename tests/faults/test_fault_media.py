"""Files over a real socket (a local server on 127.0.0.1): a multipart upload read from
disk as it is sent and sent whole again after a 503, and a binary body written to a file
as it arrives, the connection going back to the pool."""

from __future__ import annotations

import email.parser
import email.policy
import gzip
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fault_server import ReceivedRequest, respond
from fault_support import FakeClock, Flavour, StartServer, assert_pool_clean
from shared import UPLOAD, Stored, Upload

from atoma_sdk import ResponseTooLargeError
from atoma_sdk._runtime.client import SDKCore, SDKSettings
from atoma_sdk._runtime.operation import CallOptions, Operation
from atoma_sdk._runtime.sentinel import UNSET

#: 1 MiB of varied bytes: many 64 KiB chunks, and no accidental boundary.
CONTENT = bytes(range(256)) * 4096


DOWNLOAD: Operation[bytes] = Operation(
    "download", "GET", "/files/f1", bytes, response_media_type="application/octet-stream"
)


@pytest.fixture
async def make_core(clock: FakeClock, flavour: Flavour) -> AsyncIterator[Any]:
    made: list[SDKCore] = []
    async_client = flavour.async_client()

    def make(server_url: str) -> SDKCore:
        settings = SDKSettings("media_test", "media-test", "1.0", (server_url,))
        core = SDKCore(
            settings,
            credentials={},
            server_url=None,
            server_idx=None,
            url_params=None,
            client=None,
            async_client=async_client,
            retry_config=UNSET,
            timeout_ms=None,
            debug_logger=None,
        )
        core.clock = clock
        made.append(core)
        return core

    yield make
    for core in made:
        assert_pool_clean(core._client)
        assert_pool_clean(core._async_client)
        await core.aclose()
    if async_client is not None:
        await async_client.aclose()


def parts(request: ReceivedRequest) -> list[tuple[str, str | None, bytes]]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    found = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found.append(
            (
                str(part.get_param("name", header="content-disposition")),
                part.get_filename(),
                payload,
            )
        )
    return found


async def test_upload_from_disk_is_sent_again_after_503(
    flavour: Flavour, start_server: StartServer, make_core: Any, tmp_path: Path, clock: FakeClock
) -> None:
    server = start_server(
        respond(503, b'{"error": "busy"}'),
        respond(200, b'{"id": "file-1"}'),
    )
    core = make_core(server.url)
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    with path.open("rb") as file:
        body = Upload(file=file, purpose="batch")
        if flavour.is_async:
            result = await core.call_async(UPLOAD, body, CallOptions())
        else:
            result = core.call(UPLOAD, body, CallOptions())
    assert result == Stored(id="file-1")
    assert len(clock.sleeps) == 1  # one retry, after the 503
    first, second = server.requests
    assert first.body == second.body
    assert int(first.headers["content-length"]) == len(first.body)
    assert parts(second) == [("file", "data.bin", CONTENT), ("purpose", None, b"batch")]


async def test_binary_body_written_to_a_file_as_it_arrives(
    flavour: Flavour, start_server: StartServer, make_core: Any, tmp_path: Path
) -> None:
    server = start_server(respond(200, CONTENT, content_type="application/octet-stream"))
    core = make_core(server.url)
    target = tmp_path / "copy.bin"
    if flavour.is_async:
        async with await core.call_binary_stream_async(DOWNLOAD, None, CallOptions()) as stream:
            written = await stream.write_to(target)
    else:
        with core.call_binary_stream(DOWNLOAD, None, CallOptions()) as sync_stream:
            written = sync_stream.write_to(target)
    assert written == len(CONTENT)
    assert target.read_bytes() == CONTENT
    assert server.requests[0].headers["accept"] == "application/octet-stream"


async def read_whole(flavour: Flavour, core: Any, **options: Any) -> bytes:
    """`read()` (or `aread()`) of a binary stream, with the call's options."""
    if flavour.is_async:
        async with await core.call_binary_stream_async(
            DOWNLOAD, None, CallOptions(**options)
        ) as stream:
            return await stream.aread()
    with core.call_binary_stream(DOWNLOAD, None, CallOptions(**options)) as sync_stream:
        return sync_stream.read()


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
async def test_a_binary_body_read_whole_stops_at_the_cap(
    flavour: Flavour, start_server: StartServer, make_core: Any, encoding: str
) -> None:
    """`read()` holds the body in memory, so the call's `max_response_bytes` bounds it,
    counted decoded (a gzip body of a few KiB decodes to the whole 1 MiB); then the
    connection goes back to the pool, or is closed."""
    body = CONTENT if encoding == "identity" else gzip.compress(CONTENT)
    headers = {} if encoding == "identity" else {"Content-Encoding": "gzip"}
    server = start_server(respond(200, body, headers, content_type="application/octet-stream"))
    core = make_core(server.url)
    assert await read_whole(flavour, core) == CONTENT  # under the default cap
    assert await read_whole(flavour, core, max_response_bytes=len(CONTENT)) == CONTENT
    with pytest.raises(ResponseTooLargeError) as info:
        await read_whole(flavour, core, max_response_bytes=len(CONTENT) - 1)
    assert info.value.limit == len(CONTENT) - 1
    assert "iter_bytes()" in str(info.value)
