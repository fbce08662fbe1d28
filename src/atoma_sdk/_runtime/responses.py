"""Success responses by media type, and bodies streamed instead of read whole.

`parse_body` reads a fully read 2XX response as the operation declares it: JSON (any
`+json` type too) validated into `response_type`, `text/*` as `str`, anything else as
`bytes`. `BinaryStream` / `AsyncBinaryStream` hand a large body to the caller chunk by
chunk (or straight into a file) and release the connection when closed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Union

import httpx

from .errors import ResponseValidationError, raise_transport_failure
from .operation import media_kind

if TYPE_CHECKING:
    from .operation import Operation, ResponseT

__all__ = ["AsyncBinaryStream", "BinaryStream", "parse_body"]

#: A path `write_to` accepts.
FilePath = Union[str, "os.PathLike[str]"]


def parse_body(operation: Operation[ResponseT], response: httpx.Response) -> ResponseT:
    """A read 2XX response as the operation's type (see the module docstring)."""
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
    if media_kind(content_type) != "json":
        raise ResponseValidationError(
            f"Unexpected content type {content_type!r} in a {status} response",
            status,
            response.text,
            response,
        )
    try:
        return operation.parse(response.content)
    except ValueError as error:  # pydantic.ValidationError, including invalid JSON
        name = getattr(operation.response_type, "__name__", "the response type")
        raise ResponseValidationError(
            f"Response body does not match {name}: {_summary(error)}",
            status,
            response.text,
            response,
            error,
        ) from error


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
    """What both flavours share: the response's status and headers."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

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


class BinaryStream(_Streamed):
    """A response body not read yet. Read it once, with `iter_bytes()`, `write_to(path)`
    or `read()`; use it as a context manager (or call `close()`) so the connection is
    released even when you stop early."""

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
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
        return b"".join(self.iter_bytes())

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

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
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
        return b"".join([chunk async for chunk in self.aiter_bytes()])

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
