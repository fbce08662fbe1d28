"""Success responses by media type, and bodies streamed instead of read whole.

`parse_body` reads a fully read 2XX response as the operation declares it: JSON (any
`+json` type too) validated into `response_type` (an empty body as null), `text/*` as
`str`, anything else as `bytes`; where JSON of any value (`Any`) is declared, a body of
another media type is that `str` or `bytes`. `BinaryStream` / `AsyncBinaryStream` hand a
large body to the caller chunk by chunk (or straight into a file) and release the
connection when closed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Generator
from contextlib import aclosing, closing
from types import TracebackType
from typing import TYPE_CHECKING, Any, Union

import httpx

from .errors import ResponseTooLargeError, ResponseValidationError, raise_transport_failure
from .operation import media_kind

if TYPE_CHECKING:
    from .operation import Operation, ResponseT

__all__ = ["AsyncBinaryStream", "BinaryStream", "parse_body"]

#: A path `write_to` accepts.
FilePath = Union[str, "os.PathLike[str]"]


def parse_body(operation: Operation[ResponseT], response: httpx.Response) -> ResponseT:
    """A read 2XX response as the operation's type (see the module docstring)."""
    operation = operation.for_status(response.status_code)
    if operation.response_type is None:
        return None  # type: ignore[return-value]  # an operation with no content
    kind = operation.response_kind
    if kind == "text":
        text: Any = response.text
        return text  # type: ignore[no-any-return]
    if kind != "json":
        content: Any = response.content
        return content  # type: ignore[no-any-return]
    status = response.status_code
    content_type = response.headers.get("content-type", "application/json")
    received = media_kind(content_type)
    if received != "json" and operation.response_type is Any:
        # a schema of any value (`{}`): FastAPI declares it for routes answering with a
        # StreamingResponse or a file, whatever they send
        body: Any = response.text if received == "text" else response.content
        return body  # type: ignore[no-any-return]
    if received != "json":
        raise ResponseValidationError(
            f"Unexpected content type {content_type!r} in a {status} response",
            status,
            response.text,
            response,
        )
    try:
        return operation.parse(response.content)
    except ValueError as error:  # pydantic.ValidationError, including invalid JSON
        if not response.content:
            return _empty_json(operation, response, error)
        raise ResponseValidationError(
            f"Response body does not match {_type_name(operation)}: {_summary(error)}",
            status,
            response.text,
            response,
            error,
        ) from error


def _empty_json(
    operation: Operation[ResponseT], response: httpx.Response, error: ValueError
) -> ResponseT:
    """An empty body where JSON was declared (`Content-Length: 0`): null, as servers send
    it for a nullable result (`None` when the type admits it); else an error saying so,
    whose cause is `error`, the empty body's own."""
    try:
        return operation.parse(b"null")
    except ValueError:
        status = response.status_code
        raise ResponseValidationError(
            f"The {status} response has an empty body, but {_type_name(operation)} "
            "does not admit null",
            status,
            "",
            response,
            error,
        ) from error


def _type_name(operation: Operation[Any]) -> str:
    name = getattr(operation.response_type, "__name__", None)
    return name if isinstance(name, str) else "the response type"


def _summary(error: Exception) -> str:
    errors: Any = getattr(error, "errors", None)
    if callable(errors):
        details = errors()
        first = details[0]
        location = ".".join(str(part) for part in first.get("loc", ())) or "body"
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        return f"{location}: {first.get('msg', 'invalid')}{more}"
    return str(error)


class _Streamed:
    """What both flavours share: the response's status and headers, and the cap on a body
    read whole (`max_bytes`: the call's `max_response_bytes`)."""

    def __init__(self, response: httpx.Response, max_bytes: int | None = None) -> None:
        self.response = response
        self.max_bytes = max_bytes

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    @property
    def content_type(self) -> str:
        """The `Content-Type` the server sent ("" when it sent none)."""
        return str(self.response.headers.get("content-type", ""))


class _Whole:
    """A body read whole: its chunks, refused once they pass the cap."""

    def __init__(self, streamed: _Streamed) -> None:
        self._streamed = streamed
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        limit = self._streamed.max_bytes
        if limit is not None and self._size > limit:
            self._chunks.clear()
            url = self._streamed.response.request.url
            raise ResponseTooLargeError(
                f"The response from {url} is larger than {limit} bytes (read it with "
                "iter_bytes() or write_to() to take a larger body)",
                limit,
            )
        self._chunks.append(chunk)

    def join(self) -> bytes:
        return b"".join(self._chunks)


class BinaryStream(_Streamed):
    """A response body not read yet. Read it once, with `iter_bytes()`, `write_to(path)`
    or `read()`; use it as a context manager (or call `close()`) so the connection is
    released even when you stop early. `read()` holds the body in memory, so it stops at
    the call's `max_response_bytes` (`ResponseTooLargeError`); the others have no cap."""

    def iter_bytes(self, chunk_size: int | None = None) -> Generator[bytes, None, None]:
        try:
            yield from self.response.iter_bytes(chunk_size)
        except Exception as error:  # the connection broke mid-body
            raise_transport_failure(error)
        finally:
            self.close()

    def write_to(self, path: FilePath) -> int:
        """Write the body to the file at `path` (replacing it); returns the bytes written."""
        written = 0
        with open(path, "wb") as file:
            for chunk in self.iter_bytes():
                file.write(chunk)
                written += len(chunk)
        return written

    def read(self) -> bytes:
        """The whole body, at most `max_response_bytes` (decoded)."""
        whole = _Whole(self)
        with closing(self.iter_bytes()) as chunks:
            for chunk in chunks:
                whole.add(chunk)
        return whole.join()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> BinaryStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBinaryStream(_Streamed):
    """`BinaryStream` for `async for` and `async with`."""

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncGenerator[bytes, None]:
        try:
            async for chunk in self.response.aiter_bytes(chunk_size):
                yield chunk
        except Exception as error:  # the connection broke mid-body
            raise_transport_failure(error)
        finally:
            await self.aclose()

    async def write_to(self, path: FilePath) -> int:
        """Write the body to the file at `path` (replacing it); returns the bytes written.

        Each chunk is written as it arrives; writing to a local file does not wait on
        the network, so it is done without a thread.
        """
        written = 0
        with open(path, "wb") as file:
            async for chunk in self.aiter_bytes():
                file.write(chunk)
                written += len(chunk)
        return written

    async def aread(self) -> bytes:
        """The whole body, at most `max_response_bytes` (decoded)."""
        whole = _Whole(self)
        async with aclosing(self.aiter_bytes()) as chunks:
            async for chunk in chunks:
                whole.add(chunk)
        return whole.join()

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncBinaryStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
