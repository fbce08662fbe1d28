"""Exceptions the SDK raises, all under one root, `SDKError`.

    SDKError
    ├── APIError                      the server answered 4XX/5XX (compatible with 0.1.3)
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── UnprocessableEntityError  422
    │   ├── RateLimitError            429 (with `retry_after`)
    │   ├── InternalServerError       5XX
    │   ├── ResponseValidationError   a 2XX the SDK cannot read
    │   └── TypedAPIError             base of generated errors for declared error bodies
    ├── DownloadError                 a downloaded file was too large, or not an image
    │   └── DownloadTooLargeError     ... larger than `max_bytes` (also a ResponseTooLargeError)
    ├── ResponseTooLargeError         a body or one streamed event larger than the SDK's cap
    └── APIConnectionError            the request or response did not get through
        └── APITimeoutError           ... because a timeout expired

Code written for atoma-sdk 0.1.3 catches raw httpx exceptions, so every connection error
is also an instance of the httpx exception that caused it (`httpx.ConnectError`,
`httpx.ReadTimeout`, ...), which it chains as `__cause__`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DownloadError",
    "DownloadTooLargeError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SDKError",
    "TypedAPIError",
    "UnprocessableEntityError",
    "connection_error",
    "error_message_from_body",
    "status_error",
]

#: How much of a response body `str(error)` shows; the full text stays in `.body`.
BODY_PREVIEW_CHARS = 1_000
#: How much of the server's message `.message` keeps (it is shown in `str(error)` too).
MESSAGE_CHARS = 500
DEFAULT_MESSAGE = "API error occurred"
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid")


class SDKError(Exception):
    """Root of every exception this SDK raises, so one `except` clause catches them all."""


class APIError(SDKError):
    """The server answered with a 4XX or 5XX status (or a 2XX the SDK cannot read).

    Compatible with atoma-sdk 0.1.3: `APIError(message, status_code, body, raw_response)`.
    """

    message: str
    status_code: int
    body: str
    raw_response: httpx.Response

    def __init__(
        self,
        message: str,
        status_code: int = -1,
        body: str = "",
        raw_response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body
        if raw_response is None:  # built by hand (as 0.1.3 allowed): synthesise one
            raw_response = httpx.Response(status_code, text=body)
        self.raw_response = raw_response

    @property
    def headers(self) -> httpx.Headers:
        return self.raw_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's id for the request, when it sent one: quote it to support."""
        headers = self.raw_response.headers
        return next((headers[name] for name in REQUEST_ID_HEADERS if name in headers), None)

    def __str__(self) -> str:
        body = self.body
        if len(body) > BODY_PREVIEW_CHARS:
            hidden = len(body) - BODY_PREVIEW_CHARS
            body = f"{body[:BODY_PREVIEW_CHARS]}... [{hidden} more characters]"
        return f"{self.message}: Status {self.status_code}" + (f"\n{body}" if body else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code})"


class BadRequestError(APIError):
    """400: the server refused the request as malformed."""


class AuthenticationError(APIError):
    """401: no token, or a token the server does not accept."""


class PermissionDeniedError(APIError):
    """403: the token may not do this."""


class NotFoundError(APIError):
    """404"""


class ConflictError(APIError):
    """409"""


class UnprocessableEntityError(APIError):
    """422: the request was well-formed but its content was refused."""


class RateLimitError(APIError):
    """429: too many requests. `retry_after` is the wait the server asked for, in seconds."""

    retry_after: float | None = None


class InternalServerError(APIError):
    """5XX: the server failed. The work may or may not have been done."""


class ResponseValidationError(APIError):
    """A 2XX response whose body is not JSON or does not match the response model."""

    def __init__(
        self,
        message: str,
        status_code: int,
        body: str,
        raw_response: httpx.Response,
        cause: Exception | None = None,
    ) -> None:
        super().__init__(message, status_code, body, raw_response)
        self.cause = cause

    @property
    def details(self) -> list[Any]:
        """pydantic's list of validation errors, when the body was JSON of the wrong shape."""
        errors = getattr(self.cause, "errors", None)
        return list(errors()) if callable(errors) else []


class TypedAPIError(APIError):
    """Base of the exceptions generated for error responses the spec describes: the
    parsed body is in `.data`, of type `_data_type` (a model, a list, a union, a
    primitive; `str` for a `text/*` body, `bytes` for a binary one)."""

    data: Any
    _data_type: ClassVar[Any] = None
    #: the declared media type of the body (how `.data` is read from it)
    _data_media_type: ClassVar[str] = "application/json"

    @classmethod
    def parse_data(cls, response: httpx.Response) -> Any:
        """The body as `_data_type`; raises ValueError when it does not match."""
        from .operation import media_kind

        kind = media_kind(cls._data_media_type)
        if kind == "text":
            return response.text
        if kind != "json":
            return response.content
        parse_model = getattr(cls._data_type, "model_validate_json", None)
        if parse_model is not None:
            return parse_model(response.content)
        return _adapter(cls._data_type).validate_json(response.content)


_ADAPTERS: dict[Any, Any] = {}


def _adapter(data_type: Any) -> Any:
    """A pydantic TypeAdapter per error body type that is not a model, built once."""
    adapter = _ADAPTERS.get(data_type)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[data_type] = TypeAdapter(data_type)
    return adapter


class DownloadError(SDKError):
    """A download did not give what was asked: too large, not an image, or unreadable."""


class ResponseTooLargeError(SDKError):
    """A response body (counted decompressed) or one server-sent event was larger than
    `limit` bytes: a broken or hostile server (a compression bomb), or a cap set too low
    (`max_response_bytes`). The rest of the body is not read."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message, limit)  # both in `args`, so the error pickles
        self.message = message
        self.limit = limit

    def __str__(self) -> str:
        return self.message


class DownloadTooLargeError(ResponseTooLargeError, DownloadError):
    """A downloaded image larger than `max_bytes` (counted decompressed)."""


class APIConnectionError(SDKError):
    """The request could not be sent, or its response could not be read.

    Also an instance of the httpx exception that caused it; that exception is `__cause__`.
    """

    request: httpx.Request

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        # httpx's own initialiser stores the request behind its `.request` property.
        httpx.RequestError.__init__(self, message, request=request)  # type: ignore[arg-type]


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired, or the whole attempt took too long."""


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
_CONNECTION_CLASSES: dict[type[httpx.RequestError], type[APIConnectionError]] = {}


_COMBINED_CLASSES: dict[tuple[type[TypedAPIError], type[APIError]], type[APIError]] = {}


def status_error(
    response: httpx.Response,
    retry_after: float | None = None,
    declared: Sequence[tuple[str, type[TypedAPIError]]] = (),
) -> APIError:
    """The `APIError` subclass for a read 4XX/5XX response, keeping its whole body.

    When the spec declares an error body for this status (`declared`, from the
    operation) and the body matches it, the error is also of that generated class and
    carries the parsed body in `.data`.
    """
    status = response.status_code
    cls = _STATUS_CLASSES.get(status) or (InternalServerError if status >= 500 else APIError)
    body = response.text
    data = None
    typed = _declared_class(status, declared)
    if typed is not None:
        try:
            data = typed.parse_data(response)
        except ValueError:
            typed = None  # not the declared shape: a plain status error
    if typed is not None:
        key = (typed, cls)
        if key not in _COMBINED_CLASSES:
            bases = (typed,) if issubclass(typed, cls) else (typed, cls)
            _COMBINED_CLASSES[key] = type(typed.__name__, bases, {"__module__": typed.__module__})
        cls = _COMBINED_CLASSES[key]
    error = cls(error_message_from_body(body, response.reason_phrase), status, body, response)
    if typed is not None:
        error.data = data  # type: ignore[attr-defined]
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    return error


def _declared_class(
    status: int, declared: Sequence[tuple[str, type[TypedAPIError]]]
) -> type[TypedAPIError] | None:
    """The class declared for `status`: an exact match, else `4XX`-style, else `default`."""
    by_pattern = {pattern.upper(): cls for pattern, cls in declared}
    for pattern in (str(status), f"{status // 100}XX", "DEFAULT"):
        if pattern in by_pattern:
            return by_pattern[pattern]
    return None


def connection_error(error: httpx.RequestError) -> APIConnectionError:
    """Wrap an httpx error in a class that is both `APIConnectionError` (or
    `APITimeoutError`) and the httpx error's own class."""
    if isinstance(error, APIConnectionError):
        return error  # already wrapped
    cls = _CONNECTION_CLASSES.get(type(error))
    if cls is None:
        base = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        cls = type(type(error).__name__, (base, type(error)), {"__module__": __name__})
        _CONNECTION_CLASSES[type(error)] = cls
    request = getattr(error, "_request", None)
    return cls(str(error) or type(error).__name__, request=request)


def error_message_from_body(body: str, default: str = "") -> str:
    """The server's own error message when the body carries one, else `default`.

    Understands the usual shapes: {"error": {"message": ...}}, {"error": "..."},
    {"message": ...}, {"detail": "..."} and RFC 9457 problem details ({"title": ...}).
    """
    default = default or DEFAULT_MESSAGE
    if not body or body.lstrip()[:1] not in ("{", "["):
        return default
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return default
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return _bounded(str(error["message"]))
        for candidate in (error, data.get("message"), data.get("detail"), data.get("title")):
            if isinstance(candidate, str) and candidate:
                return _bounded(candidate)
    return default


def _bounded(message: str) -> str:
    """A server message short enough for logs; the whole body stays in `.body`."""
    if len(message) <= MESSAGE_CHARS:
        return message
    return f"{message[:MESSAGE_CHARS]}... [{len(message) - MESSAGE_CHARS} more characters]"
