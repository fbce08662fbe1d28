"""Server-sent events: an incremental decoder, and the streams generated methods return
(of server-sent events, or of JSON Lines read by `jsonl.py`).

The decoder follows the HTML event-stream format: a byte order mark at the start is
ignored, lines end with CR, LF or CRLF (also when split across network chunks), `data:`
lines are joined with newlines, lines starting with `:` are comments, and an empty line
ends an event.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Optional, Protocol, TypeVar

import httpx

from .errors import (
    APIConnectionError,
    ResponseTooLargeError,
    ResponseValidationError,
    connection_error,
    raise_transport_failure,
    status_error,
)
from .operation import media_kind
from .pipeline import DEFAULT_MAX_RESPONSE_BYTES

if TYPE_CHECKING:
    from .errors import APIError
    from .operation import Operation

__all__ = ["AsyncEventStream", "EventStream", "SSEDecoder", "ServerSentEvent"]

EventT = TypeVar("EventT")
EventT_co = TypeVar("EventT_co", covariant=True)
#: After the sentinel, read on only while the server sends this little per chunk.
_DRAIN_BYTES = 1024
#: The largest event (or text without a blank line) a decoder holds, in characters of the
#: decoded text: as large as a whole response may be by default.
DEFAULT_MAX_EVENT_SIZE = DEFAULT_MAX_RESPONSE_BYTES


class ServerSentEvent(NamedTuple):
    """One decoded event, before its data is parsed. The decoder returns plain tuples of
    these four fields (a tuple literal costs a third of a NamedTuple call per event);
    they compare equal to `ServerSentEvent`s."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


#: (data, event, id, retry), the fields of a `ServerSentEvent`.
RawEvent = tuple[str, Optional[str], Optional[str], Optional[int]]


class SSEDecoder:
    """Turns chunks of bytes into events; call `feed` per chunk, then `end`.

    Line endings are normalised to LF first; the text is then cut at blank lines into
    whole events. An event that is a single `data: ...` line (nearly all of them) takes
    a fast path; any other goes through the field-by-field rules.
    """

    def __init__(self, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        self._text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        # Text after the last blank line (the start of the next event), kept in pieces and
        # joined only once a blank line ends it: a long event costs linear time, not
        # quadratic. No piece is empty, and together they hold no blank line.
        self._partial: list[str] = []
        self._partial_size = 0
        self._max_event_size = max_event_size
        self._skip_lf = False  # the previous chunk ended with CR: a leading LF pairs with it
        self._id: str | None = None  # the last event id carries over to later events
        #: after `end()`: the text of the event the stream stopped in, if any
        self.unfinished = ""

    def feed(self, chunk: bytes) -> list[RawEvent]:
        """The events `chunk` completes. Raises `ResponseTooLargeError` once an event (or
        text with no blank line, such as a stream without newlines) passes the size cap."""
        text = self._text.decode(chunk)
        if not text:
            return []
        if self._skip_lf or "\r" in text:
            if self._skip_lf and text[0] == "\n":
                text = text[1:]
                if not text:
                    self._skip_lf = False
                    return []
            self._skip_lf = text.endswith("\r")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        partial = self._partial
        if not partial:
            buffer, start = text, 0
        elif "\n\n" in text or (text[0] == "\n" and partial[-1][-1] == "\n"):
            buffer, start = "".join(partial) + text, self._partial_size - 1
        else:  # the event goes on: keep the piece
            self._check_size(self._partial_size + len(text))
            partial.append(text)
            self._partial_size += len(text)
            return []
        end = buffer.rfind("\n\n", start)
        if end < 0:
            self._keep([text], len(text))
            return []
        rest = buffer[end + 2 :]
        self._keep([rest] if rest else [], len(rest))
        whole = buffer[:end]  # complete events, separated by blank lines
        if len(whole) > self._max_event_size:
            self._check_sizes(whole)
        if whole[:6] == "data: ":
            # The usual stream: every event one `data: ...` line. Then cutting at each
            # "\n\ndata: " yields the data itself, and those cuts are the only newlines.
            datas = whole[6:].split("\n\ndata: ")
            if whole.count("\n") == 2 * len(datas) - 2:
                last_id = self._id
                return [(data, None, last_id, None) for data in datas]
        events: list[RawEvent] = []
        append = events.append
        for block in whole.split("\n\n"):
            if block[:6] == "data: " and "\n" not in block:
                append((block[6:], None, self._id, None))
            elif block:
                self._block(block, events)
        return events

    def end(self) -> bool:
        """Finish the stream; True if it stopped in the middle of an event (whose text is
        then `unfinished`)."""
        tail = "".join(self._partial) + self._text.decode(b"", final=True)
        self._keep([], 0)
        cut = any(line and line[0] != ":" for line in tail.replace("\r", "\n").split("\n"))
        self.unfinished = tail if cut else ""
        return cut

    def _keep(self, partial: list[str], size: int) -> None:
        self._check_size(size)
        self._partial, self._partial_size = partial, size

    def _check_size(self, size: int) -> None:
        if size > self._max_event_size:
            raise self._too_large()

    def _check_sizes(self, whole: str) -> None:
        """Rare: the events just completed are larger than the cap together; is one?"""
        if any(len(block) > self._max_event_size for block in whole.split("\n\n")):
            raise self._too_large()

    def _too_large(self) -> ResponseTooLargeError:
        limit = self._max_event_size
        return ResponseTooLargeError(f"A server-sent event is larger than {limit} bytes", limit)

    def _block(self, block: str, events: list[RawEvent]) -> None:
        """The field-by-field rules, for an event that is not a single data line."""
        data: list[str] = []
        event: str | None = None
        retry: int | None = None
        for line in block.split("\n"):
            if not line:  # a blank line (the block started with one): dispatch
                if data:
                    events.append(("\n".join(data), event, self._id, retry))
                data, event, retry = [], None, None
                continue
            if line[0] == ":":
                continue  # a comment, often a keep-alive
            name, _, value = line.partition(":")
            if value[:1] == " ":
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif name == "id" and "\0" not in value:
                self._id = value
            elif name == "retry" and value.isdigit():
                retry = int(value)
        if data:
            events.append(("\n".join(data), event, self._id, retry))


class _Reader(Protocol[EventT_co]):
    """Typed items out of a body's chunks, in one format (events, or JSON Lines)."""

    @property
    def done(self) -> bool:
        """The stream has ended before the body has (a sentinel)."""

    def items(self, chunk: bytes) -> Iterator[EventT_co]:
        """The items `chunk` completes, each parsed as it is taken (those before a bad
        one arrive before its error)."""

    def finish(self) -> Iterator[EventT_co]:
        """The body has ended: the items its last bytes hold, or an error if it was cut."""


class _Stream(Generic[EventT]):
    """What both stream flavours share: the response, and the reader of its format."""

    def __init__(
        self,
        response: httpx.Response,
        operation: Operation[EventT],
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        self.response = response
        self._reader: _Reader[EventT]
        if operation.json_lines:
            from .jsonl import JSONLinesReader

            self._reader = JSONLinesReader(response, operation, max_event_size)
        else:
            self._reader = _EventReader(response, operation, max_event_size)


class _EventReader(Generic[EventT]):
    """Server-sent events as typed events: decoding, the sentinel, errors and parsing."""

    def __init__(
        self, response: httpx.Response, operation: Operation[EventT], max_event_size: int
    ) -> None:
        self.response = response
        self._operation = operation
        self._decoder = SSEDecoder(max_event_size)
        self.done = False

    def items(self, chunk: bytes) -> Iterator[EventT]:
        for data, name, event_id, retry in self._decoder.feed(chunk):
            if self._operation.sentinel is not None and data == self._operation.sentinel:
                self.done = True
                return
            yield self._parse(data, name, event_id, retry)

    def finish(self) -> Iterator[EventT]:
        if not self.done and self._decoder.end():
            content_type = self.response.headers.get("content-type", "")
            if media_kind(content_type) == "json" or content_type.lower().startswith("text/html"):
                # The server (or a proxy in between) answered, but not with events.
                raise ResponseValidationError(
                    f"Expected an event stream, got a {self.response.status_code} "
                    f"response of type {content_type!r}",
                    self.response.status_code,
                    self._decoder.unfinished,
                    self.response,
                )
            error = httpx.RemoteProtocolError(
                "The event stream ended in the middle of an event", request=self.response.request
            )
            raise connection_error(error) from error
        self.done = True
        return iter(())

    def _parse(
        self, data: str, name: str | None, event_id: str | None, retry: int | None
    ) -> EventT:
        if name == "error" or _carries_error(data):
            raise stream_error(self.response, data)
        try:
            return self._operation.parse_event(data, name, event_id, retry)
        except (ValueError, RecursionError) as error:  # RecursionError: JSON nested deep
            raise ResponseValidationError(
                f"An event does not match the expected type: {error}",
                self.response.status_code,
                data,
                self.response,
                error,
            ) from error


class EventStream(_Stream[EventT]):
    """Events of a streaming response. Iterate it; use it as a context manager (or call
    `close()`) so that the connection is released even when you stop early."""

    def __iter__(self) -> Iterator[EventT]:
        try:
            chunks = self.response.iter_bytes()
            reader = self._reader
            for chunk in chunks:
                yield from reader.items(chunk)
                if reader.done:
                    # Read the little that follows the sentinel (the end of a chunked
                    # body) so the connection goes back to the pool instead of closing.
                    for rest in chunks:
                        if len(rest) > _DRAIN_BYTES:
                            break
                    return
            yield from reader.finish()
        except APIConnectionError:
            raise
        except Exception as error:  # the connection broke mid-stream
            raise_transport_failure(error)
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
            reader = self._reader
            async for chunk in chunks:
                for event in reader.items(chunk):
                    yield event
                if reader.done:
                    async for rest in chunks:  # see EventStream: keep the connection
                        if len(rest) > _DRAIN_BYTES:
                            break
                    return
            for event in reader.finish():
                yield event
        except APIConnectionError:
            raise
        except Exception as error:  # the connection broke mid-stream
            raise_transport_failure(error)
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


def stream_error(response: httpx.Response, data: str) -> APIError:
    """An error event raises what `generate` raises for the same error as a response."""
    status = _status_in(data) or 500
    synthetic = httpx.Response(
        status, content=data.encode(), headers=response.headers, request=response.request
    )
    return status_error(synthetic)


def _status_in(data: str) -> int | None:
    try:
        payload: Any = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    for key in ("status", "status_code", "code"):
        value = error.get(key) if isinstance(error, dict) else None
        if isinstance(value, int) and 400 <= value < 600:
            return value
    return None
