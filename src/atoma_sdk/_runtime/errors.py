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
    ├── ConfidentialComputeError      a confidential call failed a check (never shows secrets)
    │   ├── ConfidentialDependencyError      the `confidential` extra is not installed
    │   ├── ConfidentialLockError            no node could be locked for the request
    │   ├── ConfidentialNodeKeyError         the node key is unusable or unknown to the node
    │   ├── ConfidentialDecryptionError      the answer does not decrypt (or is malformed)
    │   ├── ConfidentialMissingHashError     the answer carries no `response_hash`
    │   ├── ConfidentialHashMismatchError    the decrypted answer does not match its hash
    │   └── ConfidentialSignatureError       a bad signature, or none when one is required
    ├── ClientClosedError             the SDK (or the client given to it) is closed
    ├── EventLoopMismatchError        a given async client used on another event loop
    └── APIConnectionError            the request or response did not get through
        └── APITimeoutError           ... because a timeout expired

Code written for atoma-sdk 0.1.3 catches raw httpx exceptions, so every connection error
is also an instance of the httpx exception that caused it (`httpx.ConnectError`,
`httpx.ReadTimeout`, ...), which it chains as `__cause__`: one class per httpx class,
declared below. The two state errors are also `RuntimeError`s, what httpx raised for them.

Every exception pickles (for `multiprocessing` and task queues) with its fields; the
request and response it carries lose their credentials (headers such as `Authorization`
and `Set-Cookie`, user info in URLs) on the way.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any, ClassVar, NoReturn

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfidentialComputeError",
    "ConfidentialDecryptionError",
    "ConfidentialDependencyError",
    "ConfidentialHashMismatchError",
    "ConfidentialLockError",
    "ConfidentialMissingHashError",
    "ConfidentialNodeKeyError",
    "ConfidentialSignatureError",
    "ConflictError",
    "DownloadError",
    "DownloadTooLargeError",
    "EventLoopMismatchError",
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
    "from_aiohttp",
    "lower_layer_error",
    "raise_transport_failure",
    "status_error",
]

#: How much of a response body `str(error)` shows; the full text stays in `.body`.
BODY_PREVIEW_CHARS = 1_000
#: How much of the server's message `.message` keeps (it is shown in `str(error)` too).
MESSAGE_CHARS = 500
DEFAULT_MESSAGE = "API error occurred"
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid")
#: The request extension in which the SDK notes that it sent no credentials, and which
#: argument or variable would give them (`AuthenticationError` shows it).
MISSING_CREDENTIALS = "sdk_missing_credentials"
#: Headers a pickled error leaves out: they carry credentials.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
#: Headers a pickled response leaves out because its body is kept decoded.
_FRAMING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
#: Libraries under httpx whose exceptions mean "the transport failed".
_LOWER_LAYERS = frozenset({"httpcore", "h11", "h2", "hpack", "anyio"})


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

    def __reduce__(self) -> tuple[Any, ...]:
        extra = {k: v for k, v in vars(self).items() if k not in _API_ERROR_FIELDS}
        kind = _COMBINED_PAIRS.get(type(self), type(self))
        return (
            _rebuild_api_error,
            (kind, self.message, self.status_code, self.body, _portable(self), extra),
        )


_API_ERROR_FIELDS = frozenset({"message", "status_code", "body", "raw_response"})


def _rebuild_api_error(
    kind: type[APIError] | tuple[type[TypedAPIError], type[APIError]],
    message: str,
    status_code: int,
    body: str,
    response: httpx.Response,
    extra: dict[str, Any],
) -> APIError:
    cls = _as_status(*kind) if isinstance(kind, tuple) else kind
    error = cls.__new__(cls)
    APIError.__init__(error, message, status_code, body, response)
    vars(error).update(extra)
    return error


def _portable(error: APIError) -> httpx.Response:
    """A copy of the error's response without credentials, its body kept decoded."""
    response = error.raw_response
    try:
        content = response.content
    except httpx.ResponseNotRead:
        content = error.body.encode()
    # Raw bytes: a value a server sent in UTF-8 or Latin-1 is kept as it came (decoded,
    # it would no longer encode as httpx.Response expects).
    headers = [
        (name, value)
        for name, value in response.headers.raw
        if name.decode("latin-1").lower() not in CREDENTIAL_HEADERS | _FRAMING_HEADERS
    ]
    request = _portable_request(response._request)
    return httpx.Response(response.status_code, headers=headers, content=content, request=request)


def _portable_request(request: httpx.Request | None) -> httpx.Request | None:
    """The request's method and URL (without user info): no headers, no body."""
    if request is None:
        return None
    return httpx.Request(request.method, request.url.copy_with(username=None, password=None))


class BadRequestError(APIError):
    """400: the server refused the request as malformed."""


class AuthenticationError(APIError):
    """401: no token, or a token the server does not accept."""

    #: When the SDK sent no credentials: how to give them, shown after the status.
    missing_credentials: str | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if not self.missing_credentials:
            return text
        first, newline, rest = text.partition("\n")
        return f"{first} ({self.missing_credentials}){newline}{rest}"


class PermissionDeniedError(APIError):
    """403: the token may not do this."""


class NotFoundError(APIError):
    """404: no such resource, or no such route (see `doubled_prefix`)."""

    @property
    def doubled_prefix(self) -> str | None:
        """A segment the request's path has twice in a row (`/v1` in `/api/v1/v1/...`),
        the sign of a `server_url` ending with the prefix the API's paths already have."""
        try:
            segments = self.raw_response.request.url.path.split("/")
        except RuntimeError:  # a response built without its request
            return None
        pairs = itertools.pairwise(segments)
        return next((f"/{first}" for first, second in pairs if first and first == second), None)

    def __str__(self) -> str:
        text = super().__str__()
        doubled = self.doubled_prefix
        if doubled is None:
            return text
        first, newline, rest = text.partition("\n")
        hint = f"the URL's path has {doubled} twice: drop it from server_url"
        return f"{first} ({hint}){newline}{rest}"


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
    #: this error as each status class (`NotFoundError`, ...): the subclasses the
    #: generator declares next to it, `class ProblemNotFoundError(ProblemError,
    #: NotFoundError)`, each registered here when it is defined
    _as_status: ClassVar[dict[type[APIError], type[TypedAPIError]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._as_status = {}
        typed, *status = cls.__bases__
        if status and issubclass(typed, TypedAPIError) and issubclass(status[0], APIError):
            typed._as_status[status[0]] = cls

    @classmethod
    def parse_data(cls, response: httpx.Response) -> Any:
        """The body as `_data_type`; raises ValueError when it does not match."""
        from .operation import UTF8_BOM, media_kind

        kind = media_kind(cls._data_media_type)
        if kind == "text":
            return response.text
        if kind != "json":
            return response.content
        content = response.content.removeprefix(UTF8_BOM)
        parse_model = getattr(cls._data_type, "model_validate_json", None)
        if parse_model is not None:
            return parse_model(content)
        return _adapter(cls._data_type).validate_json(content)


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


class ClientClosedError(SDKError, RuntimeError):
    """A call on a closed SDK, or through an HTTP client that was closed."""


class EventLoopMismatchError(SDKError, RuntimeError):
    """An `async_client` passed to the SDK used on another event loop than its first one:
    its connections belong to that loop. Create one client per loop, or let the SDK
    create its own (it makes one for each loop)."""


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


class ConfidentialComputeError(SDKError):
    """A confidential call failed one of its checks. The message says which; it never
    contains the plaintext, a key, the shared secret or the ciphertext."""


class ConfidentialDependencyError(ConfidentialComputeError):
    """`cryptography` is missing: install the SDK's `confidential` extra."""


class ConfidentialLockError(ConfidentialComputeError):
    """No node could be locked: the lock call failed, or the proxy kept refusing the lock
    (423, 425: expired or too small) after the retries allowed. The API error, if any, is
    `__cause__`; its status is `status_code` (-1 without one)."""

    def __init__(self, message: str, status_code: int = -1) -> None:
        super().__init__(message)
        self.status_code = status_code


class ConfidentialNodeKeyError(ConfidentialComputeError):
    """The node key the lock gave is not a usable X25519 key, or the node does not know it
    (it was rotated) after the retries allowed."""


class ConfidentialDecryptionError(ConfidentialComputeError):
    """The answer is malformed (not strict base64, wrong sizes) or does not decrypt with
    this request's key."""


class ConfidentialMissingHashError(ConfidentialComputeError):
    """The answer has no `response_hash`, so its integrity cannot be checked."""


class ConfidentialHashMismatchError(ConfidentialComputeError):
    """The decrypted answer's BLAKE2b-256 hash differs from `response_hash`."""


class ConfidentialSignatureError(ConfidentialComputeError):
    """The answer's signature does not verify, or it has none and one is required."""


class APIConnectionError(SDKError):
    """The request could not be sent, or its response could not be read.

    Also an instance of the httpx exception that caused it; that exception is `__cause__`.
    """

    request: httpx.Request

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        if isinstance(self, httpx.RequestError):
            # httpx's own initialiser stores the request behind its `.request` property.
            httpx.RequestError.__init__(self, message, request=request)
        else:  # the class itself, built by hand
            super().__init__(message)
            self._request = request

    def __reduce__(self) -> tuple[Any, ...]:
        request = _portable_request(getattr(self, "_request", None))
        # The httpx class, not ours: ours are all named `APIConnectionError` or
        # `APITimeoutError` (see _show_as_public), which pickle could not tell apart.
        key = next((b for b in type(self).__mro__ if b in _CONNECTION_CLASSES), type(self))
        return (_rebuild_connection_error, (key, str(self), request))


def _rebuild_connection_error(
    cls: type[Exception], message: str, request: httpx.Request | None
) -> APIConnectionError:
    ours = _CONNECTION_CLASSES.get(cls) if issubclass(cls, httpx.RequestError) else None
    made = (ours or cls)(message, request=request)  # type: ignore[call-arg]
    assert isinstance(made, APIConnectionError)
    return made


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired, or the whole attempt took too long."""


# One class per httpx exception class, each both the SDK's and httpx's: `except
# httpx.ReadTimeout` and `except atoma_sdk.APITimeoutError` both catch a `ReadTimeout`.


class RequestError(APIConnectionError, httpx.RequestError):
    """httpx.RequestError"""


class TransportError(APIConnectionError, httpx.TransportError):
    """httpx.TransportError, also what failures below httpx (httpcore, h11, h2) become."""


class TimeoutException(APITimeoutError, httpx.TimeoutException):
    """httpx.TimeoutException"""


class ConnectTimeout(APITimeoutError, httpx.ConnectTimeout):
    """httpx.ConnectTimeout"""


class ReadTimeout(APITimeoutError, httpx.ReadTimeout):
    """httpx.ReadTimeout"""


class WriteTimeout(APITimeoutError, httpx.WriteTimeout):
    """httpx.WriteTimeout"""


class PoolTimeout(APITimeoutError, httpx.PoolTimeout):
    """httpx.PoolTimeout"""


class NetworkError(APIConnectionError, httpx.NetworkError):
    """httpx.NetworkError"""


class ConnectError(APIConnectionError, httpx.ConnectError):
    """httpx.ConnectError"""


class ReadError(APIConnectionError, httpx.ReadError):
    """httpx.ReadError"""


class WriteError(APIConnectionError, httpx.WriteError):
    """httpx.WriteError"""


class CloseError(APIConnectionError, httpx.CloseError):
    """httpx.CloseError"""


class ProxyError(APIConnectionError, httpx.ProxyError):
    """httpx.ProxyError"""


class UnsupportedProtocol(APIConnectionError, httpx.UnsupportedProtocol):
    """httpx.UnsupportedProtocol"""


class ProtocolError(APIConnectionError, httpx.ProtocolError):
    """httpx.ProtocolError"""


class LocalProtocolError(APIConnectionError, httpx.LocalProtocolError):
    """httpx.LocalProtocolError"""


class RemoteProtocolError(APIConnectionError, httpx.RemoteProtocolError):
    """httpx.RemoteProtocolError"""


class DecodingError(APIConnectionError, httpx.DecodingError):
    """httpx.DecodingError"""


class TooManyRedirects(APIConnectionError, httpx.TooManyRedirects):
    """httpx.TooManyRedirects"""


#: httpx's class -> the SDK's class that is also it.
_CONNECTION_CLASSES: dict[type[httpx.RequestError], type[APIConnectionError]] = {
    httpx_class: cls
    for cls in (
        RequestError,
        TransportError,
        TimeoutException,
        ConnectTimeout,
        ReadTimeout,
        WriteTimeout,
        PoolTimeout,
        NetworkError,
        ConnectError,
        ReadError,
        WriteError,
        CloseError,
        ProxyError,
        UnsupportedProtocol,
        ProtocolError,
        LocalProtocolError,
        RemoteProtocolError,
        DecodingError,
        TooManyRedirects,
    )
    for httpx_class in [cls.__bases__[1]]
}


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
_COMBINED_CLASSES: dict[tuple[type[TypedAPIError], type[APIError]], type[APIError]] = {}
_COMBINED_PAIRS: dict[type[APIError], tuple[type[TypedAPIError], type[APIError]]] = {}


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
        cls = _as_status(typed, cls)
    error = cls(error_message_from_body(body, response.reason_phrase), status, body, response)
    if typed is not None:
        error.data = data  # type: ignore[attr-defined]
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    if isinstance(error, AuthenticationError):
        error.missing_credentials = _missing_credentials(response)
    return error


def _missing_credentials(response: httpx.Response) -> str | None:
    try:
        hint: str | None = response.request.extensions.get(MISSING_CREDENTIALS)
    except RuntimeError:  # a response built without its request
        return None
    return hint


def _as_status(typed: type[TypedAPIError], status_class: type[APIError]) -> type[APIError]:
    """`typed` as an error of `status_class` too: `typed` itself when it already is one,
    else the subclass of both declared with it (generated code declares one per status
    class its statuses reach). A class written by hand without them gets one made once
    per pair, named for both (`OrderMissingError[NotFoundError]`), pickled as the pair."""
    if issubclass(typed, status_class):
        return typed
    declared = typed._as_status.get(status_class)
    if declared is not None:
        return declared
    key = (typed, status_class)
    combined = _COMBINED_CLASSES.get(key)
    if combined is None:
        name = f"{typed.__name__}[{status_class.__name__}]"
        combined = type(name, (typed, status_class), {"__module__": typed.__module__})
        _COMBINED_CLASSES[key] = combined
        _COMBINED_PAIRS[combined] = key
    return combined


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
    """Wrap an httpx error in the class that is both `APIConnectionError` (or
    `APITimeoutError`) and the httpx error's own class (for a subclass of an httpx error,
    its nearest httpx base)."""
    if isinstance(error, APIConnectionError):
        return error  # already wrapped
    cls = next(
        _CONNECTION_CLASSES[base] for base in type(error).__mro__ if base in _CONNECTION_CLASSES
    )
    request = getattr(error, "_request", None)
    return cls(_described(error, request), request=request)


#: What each timeout class waited for, and the `httpx.Timeout` field that limits it.
_TIMEOUT_PHASES: dict[type[httpx.TimeoutException], tuple[str, str]] = {
    httpx.ConnectTimeout: ("connecting", "connect"),
    httpx.ReadTimeout: ("reading the response", "read"),
    httpx.WriteTimeout: ("sending the request", "write"),
    httpx.PoolTimeout: ("waiting for a free connection in the pool", "pool"),
}


def _described(error: httpx.RequestError, request: httpx.Request | None) -> str:
    """`METHOD URL: what happened`: the URL without user info or query (they can carry
    credentials), a timeout's phase and limit, and httpx's own text when it has one (an
    async timeout often has none)."""
    text = str(error)
    phase = next((p for c, p in _TIMEOUT_PHASES.items() if isinstance(error, c)), None)
    if phase is not None:
        limit = ((request.extensions.get("timeout") or {}) if request else {}).get(phase[1])
        within = f" (the {phase[1]} timeout, {limit:g} s)" if limit is not None else ""
        what = f"timed out {phase[0]}{within}" + (f": {text}" if text else "")
    else:
        what = text or type(error).__name__
    if request is None:
        return what
    url = request.url.copy_with(username=None, password=None, query=None, fragment=None)
    return f"{request.method} {url}: {what}"


def lower_layer_error(error: Exception) -> APIConnectionError | None:
    """The SDK error for a failure of the transport that is not an `httpx.RequestError`:
    an invalid URL, a stream misuse, or an exception from a library under httpx (httpcore,
    h11, h2, anyio) that httpx let through. None for anything else."""
    if isinstance(error, httpx.RequestError):
        return connection_error(error)
    layer = type(error).__module__.partition(".")[0]
    if isinstance(error, (httpx.InvalidURL, httpx.StreamError)) or layer in _LOWER_LAYERS:
        return TransportError(f"{type(error).__name__}: {error}")
    return None


#: aiohttp's exception classes (by name: aiohttp is an optional extra, never imported
#: here) -> the httpx class httpx itself raises for the same failure. httpx-aiohttp's own
#: mapping makes a refused connection a `ConnectTimeout`; the first name found along the
#: exception's MRO decides.
_AIOHTTP_CLASSES: dict[str, type[httpx.RequestError]] = {
    "ConnectionTimeoutError": httpx.ConnectTimeout,
    "SocketTimeoutError": httpx.ReadTimeout,
    "ServerTimeoutError": httpx.ReadTimeout,
    "ClientProxyConnectionError": httpx.ProxyError,
    "ClientHttpProxyError": httpx.ProxyError,
    "ClientConnectorError": httpx.ConnectError,
    "ServerDisconnectedError": httpx.RemoteProtocolError,
    "ClientPayloadError": httpx.RemoteProtocolError,
    "ClientResponseError": httpx.RemoteProtocolError,
    "InvalidURL": httpx.UnsupportedProtocol,
    "NonHttpUrlClientError": httpx.UnsupportedProtocol,
    "ClientOSError": httpx.ReadError,
    "ClientConnectionError": httpx.ReadError,
    "TimeoutError": httpx.ReadTimeout,
}


_AIOHTTP_RESETS = ("ConnectionResetError(", "ConnectionAbortedError(", "BrokenPipeError(")


def from_aiohttp(error: Exception, request: httpx.Request) -> httpx.RequestError | None:
    """The httpx error for an aiohttp failure, raw or as httpx-aiohttp mapped it (which
    it chains); None when `error` did not come from aiohttp."""
    original: BaseException = error
    if isinstance(error, httpx.RequestError) and error.__cause__ is not None:
        original = error.__cause__
    if type(original).__module__.partition(".")[0] != "aiohttp":
        return None
    cls = next(
        (
            _AIOHTTP_CLASSES[k.__name__]
            for k in type(original).__mro__
            if k.__name__ in _AIOHTTP_CLASSES
        ),
        httpx.TransportError,
    )
    if cls is httpx.RemoteProtocolError and any(m in str(original) for m in _AIOHTTP_RESETS):
        cls = httpx.ReadError  # a body cut by a reset (aiohttp names it only in its text)
    message = getattr(original, "message", None)
    if type(original).__name__ == "ClientResponseError" and isinstance(message, str):
        # aiohttp words a response it cannot parse as "400, message=..., url=...",
        # which reads like the server's own 400.
        return cls(f"The response could not be read: {message}", request=request)
    return cls(str(original) or type(original).__name__, request=request)


def raise_transport_failure(error: Exception) -> NoReturn:
    """Raise what `lower_layer_error` makes of `error` (met while reading a body), or
    `error` itself when it is not a transport failure or already the SDK's."""
    failure = lower_layer_error(error)
    if failure is None or failure is error:
        raise error
    raise failure from error


def error_message_from_body(body: str, default: str = "") -> str:
    """The server's own error message when the body carries one, else `default`.

    Understands the usual shapes: {"error": {"message": ...}}, {"error": "..."},
    {"message": ...}, {"detail": "..."} and RFC 9457 problem details ({"title": ...}).
    """
    default = default or DEFAULT_MESSAGE
    body = body.removeprefix("\ufeff")  # a byte order mark (see UTF8_BOM)
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


def _show_as_public() -> None:
    """The classes the package re-exports (capitalised names in `__all__` but the base of
    generated errors) name the package as their module, as users import them; they pickle
    by that name too."""
    package = __name__.rpartition("._runtime.")[0]
    for name in __all__:
        if name[:1].isupper() and name != "TypedAPIError":
            globals()[name].__module__ = package
    # The classes that are also httpx's show as the public class they are one of
    # (`atoma_sdk.APIConnectionError` in a traceback); they stay httpx's for `except`.
    for cls in _CONNECTION_CLASSES.values():
        public = APITimeoutError if issubclass(cls, APITimeoutError) else APIConnectionError
        cls.__module__, cls.__name__, cls.__qualname__ = package, public.__name__, public.__name__


_show_as_public()
