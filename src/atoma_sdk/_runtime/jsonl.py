"""JSON Lines (NDJSON): an incremental decoder, and the reader `EventStream` uses for it.

One JSON value a line: lines end with LF (a CR before it is dropped), blank lines are
skipped, a UTF-8 byte order mark before the first line is ignored, and a last line
without a newline is still a line. RFC 7464's JSON text sequences
(`application/json-seq`) are read too, as their writers send them: a record separator
(RS, 0x1E) starting a line is dropped, so each record is one line (a record whose JSON
text goes on over several lines is refused as a line that is not JSON). The decoder
works on bytes: pydantic parses each line as it is, with no decoding to text first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from .errors import ResponseTooLargeError, ResponseValidationError, connection_error
from .pipeline import DEFAULT_MAX_RESPONSE_BYTES
from .sse import stream_error

if TYPE_CHECKING:
    from .operation import Operation

__all__ = ["JSONLinesDecoder", "JSONLinesReader"]

ItemT = TypeVar("ItemT")
#: (line number, counted from 1 with blank lines, the line without its end)
RawLine = tuple[int, bytes]
_BOM = b"\xef\xbb\xbf"
_RECORD_SEPARATOR = b"\x1e"


class JSONLinesDecoder:
    """Turns chunks of bytes into lines; call `feed` per chunk, then `end`.

    A line is at most `max_line_size` bytes (counted before its LF, with a CR or byte order
    mark in it); text without a newline counts as it arrives, so a server that never
    sends one is refused at the cap, not held in memory. The lines before one over the cap
    are returned first, and the error raised by the next call: the same lines arrive
    however the body is cut into chunks.
    """

    def __init__(self, max_line_size: int = DEFAULT_MAX_RESPONSE_BYTES) -> None:
        self._max_line_size = max_line_size
        # The line under way, in pieces (joined once its LF arrives: linear time).
        self._partial: list[bytes] = []
        self._partial_size = 0
        self._number = 0  # lines ended so far
        self._too_long = False  # a line passed the cap: every later call raises

    def feed(self, chunk: bytes) -> list[RawLine]:
        """The non-blank lines `chunk` ends. Raises `ResponseTooLargeError` once a line
        has passed the cap."""
        self._check(self._partial_size + (0 if b"\n" in chunk else len(chunk)))
        if b"\n" not in chunk:
            if chunk:
                self._partial.append(chunk)
                self._partial_size += len(chunk)
            return []
        pieces = chunk.split(b"\n")
        if self._partial:
            pieces[0] = b"".join(self._partial) + pieces[0]
        rest = pieces.pop()
        self._partial, self._partial_size = ([rest], len(rest)) if rest else ([], 0)
        limit = self._max_line_size
        if len(rest) > limit or any(len(piece) > limit for piece in pieces):
            self._too_long = True
            pieces = pieces[: next((i for i, p in enumerate(pieces) if len(p) > limit), None)]
        return self._lines(pieces) if pieces else []

    def end(self) -> RawLine | None:
        """Finish the body: its last line when no newline ended it."""
        self._check(self._partial_size)
        tail = b"".join(self._partial)
        self._partial, self._partial_size = [], 0
        found = self._lines([tail]) if tail else []
        return found[0] if found else None

    def _lines(self, pieces: list[bytes]) -> list[RawLine]:
        number = self._number
        self._number += len(pieces)
        if number == 0 and pieces[0][:3] == _BOM:
            pieces[0] = pieces[0][3:]
        return [
            (number + index, _without_record_separator(line))
            for index, line in enumerate(pieces, 1)
            if line.strip().strip(_RECORD_SEPARATOR)
        ]

    def _check(self, size: int) -> None:
        if self._too_long or size > self._max_line_size:
            self._too_long = True
            limit = self._max_line_size
            raise ResponseTooLargeError(f"A JSON Lines line is longer than {limit} bytes", limit)


def _without_record_separator(line: bytes) -> bytes:
    """A line without its CR before the LF and a JSON text sequence's leading RS."""
    line = line[:-1] if line[-1:] == b"\r" else line
    return line[1:] if line[:1] == _RECORD_SEPARATOR else line


class JSONLinesReader(Generic[ItemT]):
    """Each line of a streaming response as an item of the operation's `response_type`:
    what `EventStream` reads when the operation's `json_lines` is set."""

    #: JSON Lines has no sentinel: the end of the body ends the stream.
    done = False

    def __init__(
        self, response: httpx.Response, operation: Operation[ItemT], max_line_size: int
    ) -> None:
        self._response = response
        self._operation = operation
        self._decoder = JSONLinesDecoder(max_line_size)

    def items(self, chunk: bytes) -> Iterator[ItemT]:
        for number, line in self._decoder.feed(chunk):
            yield self._parse(number, line)

    def finish(self) -> Iterator[ItemT]:
        """The last line when no newline ended it. A body cut inside a line (its last line
        the start of a JSON value) raises `APIConnectionError`, as a connection lost
        mid-stream does."""
        last = self._decoder.end()
        if last is not None:
            yield self._parse(*last, unterminated=True)

    def _parse(self, number: int, line: bytes, unterminated: bool = False) -> ItemT:
        try:
            return self._operation.parse(line)
        except (ValueError, RecursionError) as error:  # RecursionError: JSON nested deep
            not_json = _is_not_json(error)
            if unterminated and _ends_early(error):
                cut = httpx.RemoteProtocolError(
                    f"The JSON Lines stream ended in the middle of line {number}",
                    request=self._response.request,
                )
                raise connection_error(cut) from cut
            text = line.decode("utf-8", "replace")
            if not not_json and _is_error_object(line):
                # Servers report a failure mid-stream as a line `{"error": ...}`.
                raise stream_error(self._response, text) from error
            problem = "is not JSON" if not_json else "does not match the expected type"
            raise ResponseValidationError(
                f"Line {number} of the JSON Lines stream {problem}: {error}",
                self._response.status_code,
                text,
                self._response,
                error,
            ) from error


def _is_error_object(line: bytes) -> bool:
    """A JSON object with a non-null `error` member (read only for a line that is not an
    item: an item type may have an `error` field of its own)."""
    try:
        payload: Any = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(payload, dict) and payload.get("error") is not None


def _ends_early(error: Exception) -> bool:
    """pydantic's verdict on the start of a JSON value, cut short (`{"seq": 3, "mess`)."""
    errors = getattr(error, "errors", None)
    return callable(errors) and any(
        "EOF while parsing" in str((found.get("ctx") or {}).get("error", "")) for found in errors()
    )


def _is_not_json(error: Exception) -> bool:
    """pydantic's verdict on a line that is not JSON at all (or nested past its limit)."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return isinstance(error, RecursionError)
    return any(found["type"] in ("json_invalid", "recursion_loop") for found in errors())
