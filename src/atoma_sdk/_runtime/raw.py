"""The HTTP answer of a successful call beside its typed result (`with_raw_response`).

A resource's `with_raw_response` is the same resource on a copy of the SDK core whose
calls return a `RawResponse` instead of the parsed result; `raw_method` /
`raw_method_async` give its methods that return type for type checkers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Generic, TypeVar, cast

import httpx
from typing_extensions import ParamSpec

from .errors import REQUEST_ID_HEADERS

__all__ = ["RawResponse", "raw_method", "raw_method_async", "request_id_of", "with_request_id"]

T = TypeVar("T")
P = ParamSpec("P")

_NOT_PARSED: Any = object()


class RawResponse(Generic[T]):
    """A successful call's HTTP response, and `parse()` for its typed result.

    The body has been read (or, for a stream, is read from the object `parse()` returns);
    a status outside 2XX (but a redirect the operation declares) raised the usual
    `APIError` before this was returned.
    """

    def __init__(
        self, response: httpx.Response, parse: Callable[[], T], elapsed: timedelta
    ) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: T = _NOT_PARSED
        self.elapsed = elapsed
        """Time from the call's start to the final response's headers (retries included)."""

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's id for the request (`x-request-id` and the like), if it sent one."""
        return request_id_of(self.http_response)

    @property
    def url(self) -> httpx.URL:
        return self.http_response.request.url

    def parse(self) -> T:
        """The typed result, as the method without `with_raw_response` returns it (built
        once: later calls return the same object)."""
        if self._parsed is _NOT_PARSED:
            self._parsed = self._parse()
        return self._parsed

    def __repr__(self) -> str:
        return (
            f"<RawResponse [{self.status_code}] {self.http_response.request.method} "
            f"{self.url.copy_with(query=None, username=None, password=None)}>"
        )


def request_id_of(response: httpx.Response) -> str | None:
    headers = response.headers
    return next((headers[name] for name in REQUEST_ID_HEADERS if name in headers), None)


def with_request_id(result: T, request_id: str | None) -> T:
    """`result` carrying `request_id` as `_request_id` when it is a response model."""
    if "_request_id" in getattr(type(result), "__class_vars__", ()):
        object.__setattr__(result, "_request_id", request_id)  # a ClassVar to pydantic
    return result


def raw_method(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """`method` (bound to a resource on a raw core) typed as returning `RawResponse`."""
    return cast("Callable[P, RawResponse[T]]", method)


def raw_method_async(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    return cast("Callable[P, Awaitable[RawResponse[T]]]", method)


# Named by the package that re-exports it, as users import it.
RawResponse.__module__ = __name__.rpartition("._runtime.")[0]
