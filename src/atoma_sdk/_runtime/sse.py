"""Server-sent events: an incremental decoder and the streams generated methods return.

The decoder follows the HTML event-stream format: lines end with CR, LF or CRLF (also
when split across network chunks), `data:` lines are joined with newlines, lines
starting with `:` are comments, and an empty line ends an event.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from .errors import (
    APIConnectionError,
    ResponseValidationError,
    connection_error,
    status_error,
)

if TYPE_CHECKING:
    from .errors import APIError
    from .operation import Operation

__all__ = ["AsyncEventStream", "EventStream", "SSEDecoder", "ServerSentEvent"]

EventT = TypeVar("EventT")
_LINE_END = re.compile("\r\n|\r|\n")
#: After the sentinel, read on only while the server sends this little per chunk.
_DRAIN_BYTES = 1024


@dataclass(frozen=True)
class ServerSentEvent:
    """One decoded event, before its data is parsed."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Turns chunks of bytes into events; call `feed` per chunk, then `end`."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""  # an unfinished line
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._pending = False  # fields seen since the last dispatch
        self._skip_lf = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        text = self._text.decode(chunk)
        if not text:
            return []
        if self._skip_lf:  # the LF of a CRLF whose CR ended the previous chunk
            self._skip_lf = False
            text = text[1:] if text[0] == "\n" else text
        text = self._partial + text
        lines = _LINE_END.split(text)
        self._partial = lines.pop()  # after the last line end: an unfinished line, or ""
        self._skip_lf = text.endswith("\r")
        events: list[ServerSentEvent] = []
        for line in lines:
            self._line(line, events)
        return events

    def end(self) -> bool:
        """Finish the stream; True if it stopped in the middle of an event."""
        tail = self._partial + self._text.decode(b"", final=True)
        self._partial = ""
        return bool(tail) or self._pending

    def _line(self, line: str, events: list[ServerSentEvent]) -> None:
        if not line:
            if self._data:
                events.append(
                    ServerSentEvent("\n".join(self._data), self._event, self._id, self._retry)
                )
            self._data, self._event, self._retry, self._pending = [], None, None, False
            return
        if line[0] == ":":
            return  # a comment (often a keep-alive)
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        self._pending = True
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)


class _Stream(Generic[EventT]):
    """What both stream flavours share: decoding, the sentinel, errors and parsing."""

    def __init__(self, response: httpx.Response, operation: Operation[EventT]) -> None:
        self.response = response
        self._operation = operation
        self._decoder = SSEDecoder()
        self._done = False

    def _events(self, chunk: bytes) -> list[EventT]:
        parsed = []
        for event in self._decoder.feed(chunk):
            if self._operation.sentinel is not None and event.data == self._operation.sentinel:
                self._done = True
                break
            parsed.append(self._parse(event))
        return parsed

    def _finish(self) -> None:
        if not self._done and self._decoder.end():
            error = httpx.RemoteProtocolError(
                "The event stream ended in the middle of an event", request=self.response.request
            )
            raise connection_error(error) from error
        self._done = True

    def _parse(self, event: ServerSentEvent) -> EventT:
        if event.event == "error" or _carries_error(event.data):
            raise _stream_error(self.response, event.data)
        try:
            return self._operation.parse(event.data.encode())
        except ValueError as error:
            raise ResponseValidationError(
                f"An event does not match the expected type: {error}",
                self.response.status_code,
                event.data,
                self.response,
                error,
            ) from error


class EventStream(_Stream[EventT]):
    """Events of a streaming response. Iterate it; use it as a context manager (or call
    `close()`) so that the connection is released even when you stop early."""

    def __iter__(self) -> Iterator[EventT]:
        try:
            chunks = self.response.iter_bytes()
            for chunk in chunks:
                yield from self._events(chunk)
                if self._done:
                    # Read the little that follows the sentinel (the end of a chunked
                    # body) so the connection goes back to the pool instead of closing.
                    for rest in chunks:
                        if len(rest) > _DRAIN_BYTES:
                            break
                    return
            self._finish()
        except APIConnectionError:
            raise
        except httpx.RequestError as error:  # the connection broke mid-stream
            raise connection_error(error) from error
        finally:
            self.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> EventStream[EventT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEventStream(_Stream[EventT]):
    """Events of a streaming response, for `async for`; use `async with` (or call
    `await aclose()`) so that the connection is released even when you stop early."""

    async def __aiter__(self) -> AsyncIterator[EventT]:
        try:
            chunks = self.response.aiter_bytes()
            async for chunk in chunks:
                for event in self._events(chunk):
                    yield event
                if self._done:
                    async for rest in chunks:  # see EventStream: keep the connection
                        if len(rest) > _DRAIN_BYTES:
                            break
                    return
            self._finish()
        except APIConnectionError:
            raise
        except httpx.RequestError as error:  # the connection broke mid-stream
            raise connection_error(error) from error
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncEventStream[EventT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _carries_error(data: str) -> bool:
    return data.startswith('{"error"') or data.startswith('{ "error"')


def _stream_error(response: httpx.Response, data: str) -> APIError:
    """An error event raises what `generate` raises for the same error as a response."""
    status = _status_in(data) or 500
    synthetic = httpx.Response(
        status, content=data.encode(), headers=response.headers, request=response.request
    )
    return status_error(synthetic)


def _status_in(data: str) -> int | None:
    try:
        payload: Any = json.loads(data)
    except ValueError:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    for key in ("status", "status_code", "code"):
        value = error.get(key) if isinstance(error, dict) else None
        if isinstance(value, int) and 400 <= value < 600:
            return value
    return None
