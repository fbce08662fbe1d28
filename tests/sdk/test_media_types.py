"""Request bodies and responses by media type, as generated operations describe them on
`Operation`: multipart, forms, raw bytes and files, text; JSON and `+json`, text and
binary responses, and binary bodies streamed to the caller."""

from __future__ import annotations

import email.parser
import email.policy
import enum
import io
import logging
import os
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest
import respx
from runtime_support import SERVER, make_core
from sdk_support import FakeClock, Flavour

from atoma_sdk._runtime.bodies import CHUNK_BYTES, File, FileStream, MultipartStream, encode_body
from atoma_sdk._runtime.client import SDKCore
from atoma_sdk._runtime.errors import (
    InternalServerError,
    NotFoundError,
    ResponseValidationError,
)
from atoma_sdk._runtime.models import InputModel, OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation

URL = SERVER + "/upload"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 300  # 76 KiB: more than one chunk


class Purpose(enum.Enum):
    FINE_TUNE = "fine-tune"


class Meta(InputModel):
    source: str
    tags: Optional[list[str]] = None


class Upload(InputModel):
    """A multipart request model, as generated: files typed `File`, the rest as usual."""

    file: File
    purpose: Purpose
    title: Optional[str] = None
    count: Optional[int] = None
    public: Optional[bool] = None
    taken_at: Optional[datetime] = None
    labels: Optional[list[str]] = None
    meta: Optional[Meta] = None
    extras: Optional[list[File]] = None


class Answer(OutputModel):
    id: str


@pytest.fixture
async def core(clock: FakeClock) -> AsyncIterator[SDKCore]:
    made = make_core()
    made.clock = clock
    yield made
    await made.aclose()


async def call(
    core: SDKCore, flavour: Flavour, operation: Operation[Any], body: Any, **options: Any
) -> Any:
    if flavour.is_async:
        return await core.call_async(operation, body, CallOptions(**options))
    return core.call(operation, body, CallOptions(**options))


def parts(request: httpx.Request) -> list[tuple[str, str | None, str, bytes]]:
    """(name, filename, content type, content) of each part of a multipart body, parsed
    back with the standard library's MIME parser."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    assert message.is_multipart()
    result = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        assert isinstance(name, str)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        result.append((name, part.get_filename(), part.get_content_type(), payload))
    return result


def op(body_media_type: str, **fields: Any) -> Operation[Any]:
    return Operation("upload", "POST", "/upload", Answer, body_media_type=body_media_type, **fields)


# -- multipart/form-data -------------------------------------------------------------------


async def test_multipart_parts_on_the_wire(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    route = api.post(URL).mock(return_value=httpx.Response(200, json={"id": "f1"}))
    body = Upload(
        file=("otter.png", PNG, "image/png"),
        purpose=Purpose.FINE_TUNE,
        title='a "quoted"\nname',
        count=3,
        public=False,
        taken_at=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
        labels=["a", "b"],
        meta={"source": "camera", "tags": ["x"]},  # type: ignore[arg-type]
        extras=[b"raw bytes", io.BytesIO(b"from a file object")],
    )
    result = await call(core, flavour, op("multipart/form-data"), body)

    assert result == Answer(id="f1")
    request = route.calls.last.request
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert request.headers["content-length"] == str(len(request.content))
    assert parts(request) == [
        ("file", "otter.png", "image/png", PNG),
        ("purpose", None, "text/plain", b"fine-tune"),
        ("title", None, "text/plain", b'a "quoted"\nname'),
        ("count", None, "text/plain", b"3"),
        ("public", None, "text/plain", b"false"),
        ("taken_at", None, "text/plain", b"2024-05-01T12:00:00Z"),
        ("labels", None, "text/plain", b"a"),
        ("labels", None, "text/plain", b"b"),
        ("meta", None, "application/json", b'{"source":"camera","tags":["x"]}'),
        ("extras", "extras", "application/octet-stream", b"raw bytes"),
        ("extras", "extras", "application/octet-stream", b"from a file object"),
    ]
    # Names with quotes and line breaks are escaped as browsers do, never raw.
    assert b'name="title"' in request.content
    assert b'Content-Disposition: form-data; name="file"; filename="otter.png"' in (request.content)


async def test_multipart_file_on_disk_is_streamed_and_resent_on_retry(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "otter.png"
    path.write_bytes(PNG)
    route = api.post(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={"id": "f2"})]
    )
    with path.open("rb") as file:
        body = Upload(file=file, purpose=Purpose.FINE_TUNE)
        result = await call(core, flavour, op("multipart/form-data"), body)

    assert result == Answer(id="f2")
    assert route.call_count == 2
    first, second = (call.request for call in route.calls)
    assert first.content == second.content
    assert first.headers["content-length"] == str(len(first.content))
    assert parts(second)[0] == ("file", "otter.png", "image/png", PNG)
    assert len(clock.sleeps) == 1


class _Pipe(io.RawIOBase):
    """A binary stream that cannot seek back (a pipe, a socket, a generator's output)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


async def test_a_body_that_cannot_be_read_again_is_not_retried(
    flavour: Flavour,
    core: SDKCore,
    api: respx.MockRouter,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    route = api.post(URL).mock(
        side_effect=[httpx.Response(503, text="busy"), httpx.Response(200, json={"id": "x"})]
    )
    body = Upload(file=("data.bin", _Pipe(b"streamed once")), purpose=Purpose.FINE_TUNE)
    with caplog.at_level(logging.WARNING), pytest.raises(InternalServerError) as raised:
        await call(core, flavour, op("multipart/form-data"), body)

    assert raised.value.status_code == 503
    assert route.call_count == 1  # never an empty body on a second attempt
    assert clock.sleeps == []
    request = route.calls.last.request
    assert "transfer-encoding" in request.headers  # length unknown: sent chunked
    assert parts(request)[0] == ("file", "data.bin", "application/octet-stream", b"streamed once")
    assert "cannot be read again" in caplog.text


def test_files_are_read_in_chunks_as_they_are_sent(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(PNG * 4)  # 300 KiB
    with path.open("rb") as file:
        multipart = encode_body(
            op("multipart/form-data"), Upload(file=file, purpose=Purpose.FINE_TUNE)
        )
        raw = encode_body(op("application/octet-stream"), file)
        assert multipart.content is None and isinstance(multipart.stream, MultipartStream)
        assert raw.content is None and isinstance(raw.stream, FileStream)
        for stream in (multipart.stream, raw.stream):
            sizes = [len(chunk) for chunk in stream]
            assert sum(sizes) >= len(PNG) * 4
            assert max(sizes) <= CHUNK_BYTES + 200  # a chunk of the file, with a part's headers


def test_a_stream_sent_twice_raises_instead_of_sending_nothing() -> None:
    from atoma_sdk._runtime.bodies import BodyNotReplayableError

    stream = FileStream(_Pipe(b"once"))  # type: ignore[arg-type]
    assert not stream.replayable
    assert b"".join(stream) == b"once"
    with pytest.raises(BodyNotReplayableError):
        list(stream)


def test_file_fields_refuse_text() -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError, match="binary mode"):
        Upload(file="not a file", purpose=Purpose.FINE_TUNE)  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match="file tuple"):
        Upload(file=("a.txt", b"x", 3), purpose=Purpose.FINE_TUNE)  # type: ignore[arg-type]


# -- application/x-www-form-urlencoded, text, raw bytes -------------------------------------


class Token(InputModel):
    grant_type: str
    scope: Optional[list[str]] = None
    remember: Optional[bool] = None
    meta: Optional[Meta] = None


async def test_form_urlencoded(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    route = api.post(URL).mock(return_value=httpx.Response(200, json={"id": "t"}))
    body = Token(
        grant_type="client credentials",
        scope=["read", "write&more"],
        remember=True,
        meta=Meta(source="cli"),
    )
    await call(core, flavour, op("application/x-www-form-urlencoded"), body)

    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == (
        b"grant_type=client+credentials&scope=read&scope=write%26more&remember=true&source=cli"
    )


async def test_text_body(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    route = api.post(URL).mock(return_value=httpx.Response(200, json={"id": "t"}))
    await call(core, flavour, op("text/plain", body_type=str), "caf\u00e9\n")

    request = route.calls.last.request
    assert request.headers["content-type"] == "text/plain; charset=utf-8"
    assert request.content == "caf\u00e9\n".encode()


async def test_json_media_type_is_sent_as_declared(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    route = api.post(URL).mock(return_value=httpx.Response(200, json={"id": "t"}))
    await call(core, flavour, op("application/merge-patch+json"), Meta(source="s"))

    request = route.calls.last.request
    assert request.headers["content-type"] == "application/merge-patch+json"
    assert request.content == b'{"source":"s"}'


@pytest.mark.parametrize(
    ("declared", "sent"),
    [("image/png", "image/png"), ("application/octet-stream", "application/octet-stream")],
)
async def test_binary_body_bytes(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter, declared: str, sent: str
) -> None:
    route = api.post(URL).mock(return_value=httpx.Response(200, json={"id": "b"}))
    await call(core, flavour, op(declared, body_type=bytes), PNG)

    request = route.calls.last.request
    assert request.headers["content-type"] == sent
    assert request.content == PNG


async def test_binary_body_from_a_file_starts_where_the_file_stood_on_every_attempt(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter, tmp_path: Path
) -> None:
    path = tmp_path / "audio.wav"
    path.write_bytes(b"HEADER" + PNG)
    route = api.post(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={"id": "a"})]
    )
    with path.open("rb") as file:
        file.seek(6)  # the caller skipped a header of its own
        await call(core, flavour, op("audio/*", body_type=bytes), file)

    first, second = (call.request for call in route.calls)
    # a wildcard type is no Content-Type: the generic one is sent
    assert first.headers["content-type"] == "application/octet-stream"
    assert first.headers["content-length"] == str(len(PNG))
    assert first.content == second.content == PNG


async def test_binary_body_refuses_a_text_file(flavour: Flavour, core: SDKCore) -> None:
    with pytest.raises(TypeError, match="binary mode"):
        await call(core, flavour, op("image/png", body_type=Any), io.StringIO("text"))


# -- responses --------------------------------------------------------------------------------


def get(response_type: Any, media_type: str, **fields: Any) -> Operation[Any]:
    return Operation(
        "get", "GET", "/thing", response_type, response_media_type=media_type, **fields
    )


async def test_text_response(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    route = api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(200, text="h\u00e9llo", headers={"content-type": "text/plain"})
    )
    assert await call(core, flavour, get(str, "text/plain"), None) == "h\u00e9llo"
    assert route.calls.last.request.headers["accept"] == "text/plain"


async def test_binary_response(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    route = api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
    )
    assert await call(core, flavour, get(bytes, "image/png"), None) == PNG
    assert route.calls.last.request.headers["accept"] == "image/png"


async def test_problem_json_response_is_json(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(
            200, content=b'{"id":"p"}', headers={"content-type": "application/problem+json"}
        )
    )
    assert await call(core, flavour, get(Answer, "application/json"), None) == Answer(id="p")


async def test_json_operation_answered_with_html(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    html = "<html>maintenance</html>"
    api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(200, text=html, headers={"content-type": "text/html"})
    )
    with pytest.raises(ResponseValidationError) as raised:
        await call(core, flavour, get(Answer, "application/json"), None)
    assert raised.value.body == html


async def read_stream(
    core: SDKCore, flavour: Flavour, operation: Operation[Any], path: Path
) -> tuple[int, bool]:
    """Write a streamed body to `path`: (bytes written, whether the response is closed)."""
    if flavour.is_async:
        async with await core.call_binary_stream_async(operation, None, CallOptions()) as stream:
            assert stream.content_type == "image/png"
            written = await stream.write_to(path)
        return written, stream.response.is_closed
    with core.call_binary_stream(operation, None, CallOptions()) as sync_stream:
        written = sync_stream.write_to(path)
    return written, sync_stream.response.is_closed


async def test_binary_body_streamed_to_a_file(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
    )
    target = tmp_path / "out.png"
    written, closed = await read_stream(core, flavour, get(bytes, "image/png"), target)
    assert written == len(PNG) == os.path.getsize(target)
    assert target.read_bytes() == PNG
    assert closed


async def test_binary_stream_chunks_and_early_close(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
    )
    operation = get(bytes, "image/png")
    if flavour.is_async:
        async with await core.call_binary_stream_async(operation, None, CallOptions()) as s:
            first = await s.aiter_bytes(1024).__anext__()
        closed = s.response.is_closed
    else:
        with core.call_binary_stream(operation, None, CallOptions()) as sync_stream:
            first = next(sync_stream.iter_bytes(1024))
        closed = sync_stream.response.is_closed
    assert first == PNG[:1024]
    assert closed


async def test_binary_stream_error_raises_before_any_body(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    api.get(SERVER + "/thing").mock(
        return_value=httpx.Response(
            404, text="<h1>gone</h1>", headers={"content-type": "text/html"}
        )
    )
    operation = get(bytes, "image/png")
    with pytest.raises(NotFoundError) as raised:
        if flavour.is_async:
            await core.call_binary_stream_async(operation, None, CallOptions())
        else:
            core.call_binary_stream(operation, None, CallOptions())
    assert raised.value.body == "<h1>gone</h1>"
