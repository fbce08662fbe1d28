"""Server-sent events described as the whole event (`{event, data, id, retry}`, the data
holding the payload) or as the data alone, in JSON or text: typed either way, up to the
sentinel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, Optional, Union

import httpx
import pytest
import respx
from runtime_support import SERVER, make_core
from sdk_support import Flavour

from atoma_sdk._runtime.client import SDKCore
from atoma_sdk._runtime.errors import ResponseValidationError
from atoma_sdk._runtime.models import OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation

URL = SERVER + "/chat"


class Chunk(OutputModel):
    text: str
    index: int


class ChunkEvent(OutputModel):
    """The whole event, as Speakeasy-targeted specs describe it."""

    data: Chunk
    event: Optional[str] = None
    id: Optional[str] = None
    retry: Optional[int] = None


class TextEvent(OutputModel):
    data: str
    event: Optional[str] = None


class Started(OutputModel):
    event: Literal["started"]
    data: Chunk


class Finished(OutputModel):
    event: Literal["finished"]
    data: dict[str, Any]


STREAM = (
    b'event: delta\nid: 1\ndata: {"text":"Hel","index":0}\n\n'
    b'retry: 2500\ndata: {"text":"lo",\n'
    b'data: "index":1}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.fixture
async def core() -> AsyncIterator[SDKCore]:
    made = make_core()
    yield made
    await made.aclose()


async def events(
    core: SDKCore, flavour: Flavour, api: respx.MockRouter, body: bytes, **fields: Any
) -> list[Any]:
    route = api.post(URL).mock(
        return_value=httpx.Response(
            200, content=body, headers={"content-type": "text/event-stream"}
        )
    )
    operation: Operation[Any] = Operation("chat", "POST", "/chat", stream=True, **fields)
    if flavour.is_async:
        async with await core.call_stream_async(operation, None, CallOptions()) as stream:
            received = [event async for event in stream]
    else:
        with core.call_stream(operation, None, CallOptions()) as sync_stream:
            received = list(sync_stream)
    assert route.calls.last.request.headers["accept"] == "text/event-stream"
    return received


async def test_whole_event_schema(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    received = await events(
        core, flavour, api, STREAM, response_type=ChunkEvent, sentinel="[DONE]", whole_event=True
    )
    assert received == [
        ChunkEvent(data=Chunk(text="Hel", index=0), event="delta", id="1"),
        ChunkEvent(data=Chunk(text="lo", index=1), id="1", retry=2500),  # the id carries over
    ]
    assert isinstance(received[0].data, Chunk)


async def test_data_only_schema(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    received = await events(core, flavour, api, STREAM, response_type=Chunk, sentinel="[DONE]")
    assert received == [Chunk(text="Hel", index=0), Chunk(text="lo", index=1)]


async def test_whole_event_with_text_data(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    body = b"event: token\ndata: Hello\n\ndata: {not json}\n\ndata: [DONE]\n\n"
    received = await events(
        core,
        flavour,
        api,
        body,
        response_type=TextEvent,
        sentinel="[DONE]",
        whole_event=True,
        text_data=True,
    )
    assert received == [TextEvent(data="Hello", event="token"), TextEvent(data="{not json}")]


async def test_data_only_text(flavour: Flavour, core: SDKCore, api: respx.MockRouter) -> None:
    body = b"data: Hello\n\ndata: world\n\n"
    received = await events(core, flavour, api, body, response_type=str, text_data=True)
    assert received == ["Hello", "world"]


async def test_union_of_whole_events(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    body = (
        b'event: started\ndata: {"text":"a","index":0}\n\n'
        b'event: finished\ndata: {"reason":"stop"}\n\n'
    )
    received = await events(
        core, flavour, api, body, response_type=Union[Started, Finished], whole_event=True
    )
    assert received == [
        Started(event="started", data=Chunk(text="a", index=0)),
        Finished(event="finished", data={"reason": "stop"}),
    ]


async def test_whole_event_with_bad_data(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    body = b'data: {"text":"a"}\n\n'
    with pytest.raises(ResponseValidationError) as raised:
        await events(core, flavour, api, body, response_type=ChunkEvent, whole_event=True)
    assert raised.value.body == '{"text":"a"}'
