"""A large file uploaded over a real socket is read from disk as it is sent: the SDK's
memory stays bounded by its chunk size, not the file's size (multipart and raw bodies,
sync, async and aiohttp). The local server counts the bytes it receives into one
preallocated buffer, so the traced memory is the client's."""

from __future__ import annotations

import select
import socket
import threading
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_support import Flavour
from shared import PUT_BINARY, UPLOAD, Stored, Upload

from atoma_sdk._runtime.client import SDKCore, SDKSettings
from atoma_sdk._runtime.operation import CallOptions, Operation
from atoma_sdk._runtime.sentinel import UNSET

FILE_BYTES = 32 * 1024 * 1024
#: Far below the file's size, far above a few 64 KiB chunks.
MEMORY_BOUND = 4 * 1024 * 1024
ANSWER = b'{"id": "f1"}'


class CountingServer:
    """Accepts connections on 127.0.0.1; reads each request's `Content-Length` body into
    one reused buffer, counting it, and answers 200 with `ANSWER` (connection closed)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.received: list[int] = []
        self._stop = threading.Event()
        self._buffer = memoryview(bytearray(64 * 1024))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        assert not self._thread.is_alive()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            if select.select([self._listener], [], [], 0.02)[0]:
                connection, _ = self._listener.accept()
                with connection:
                    self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        head = bytearray()
        while b"\r\n\r\n" not in head:
            data = connection.recv(4096)
            if not data:
                return
            head += data
        end = head.index(b"\r\n\r\n") + 4
        lines = bytes(head[:end]).decode("latin-1").lower().split("\r\n")
        length = next(
            int(line.split(":")[1]) for line in lines if line.startswith("content-length:")
        )
        count = len(head) - end
        while count < length:
            read = connection.recv_into(self._buffer)
            if not read:
                return
            count += read
        self.received.append(count)
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(ANSWER)}\r\n\r\n".encode()
            + ANSWER
        )


@pytest.fixture
def server() -> Iterator[CountingServer]:
    started = CountingServer()
    yield started
    started.stop()


@pytest.fixture
async def core(server: CountingServer, flavour: Flavour) -> AsyncIterator[SDKCore]:
    async_client = flavour.async_client()
    made = SDKCore(
        SDKSettings("upload_test", "upload-test", "1.0", (server.url,)),
        credentials={},
        server_url=None,
        server_idx=None,
        url_params=None,
        client=None,
        async_client=async_client,
        retry_config=UNSET,
        timeout_ms=60_000,
        debug_logger=None,
    )
    yield made
    await made.aclose()
    if async_client is not None:
        await async_client.aclose()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "big.bin"
    block = bytes(range(256)) * 4096  # 1 MiB
    with path.open("wb") as file:
        for _ in range(FILE_BYTES // len(block)):
            file.write(block)
    return path


@pytest.mark.parametrize("operation", [UPLOAD, PUT_BINARY], ids=["multipart", "binary"])
async def test_a_large_upload_streams_from_disk_in_bounded_memory(
    flavour: Flavour,
    core: SDKCore,
    server: CountingServer,
    big_file: Path,
    operation: Operation[Stored],
) -> None:
    with big_file.open("rb") as file:
        body: Any = Upload(file=file, purpose="batch") if operation is UPLOAD else file
        tracemalloc.start()
        try:
            if flavour.is_async:
                result = await core.call_async(operation, body, CallOptions())
            else:
                result = core.call(operation, body, CallOptions())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert result == Stored(id="f1")
    (received,) = server.received
    assert received >= FILE_BYTES
    name = operation.operation_id
    print(f"{flavour} {name}: {FILE_BYTES >> 20} MiB sent, peak traced {peak >> 10} KiB")
    assert peak < MEMORY_BOUND
