"""The per-SDK-instance core: configuration, owned HTTP clients, and the call entry points."""

from __future__ import annotations

import base64
import copy
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar, cast

import httpx
from typing_extensions import Self

from . import checks
from .auth import Credentials, SecurityScheme
from .bodies import EncodedBody, encode_body
from .clients import BorrowedClients, HTTPClients, stale_loop_error
from .clock import SYSTEM_CLOCK
from .errors import (
    MISSING_CREDENTIALS,
    APIConnectionError,
    ClientClosedError,
    DownloadError,
    DownloadTooLargeError,
)
from .operation import CallOptions, Operation, ResponseT, media_kind
from .pipeline import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RESPONSE_BYTES,
    Attempts,
    Reading,
    attempts,
    checked_size_cap,
    raise_for_status,
    read_result,
    run_async,
    run_sync,
)
from .requests import (
    cookie_header,
    encode,
    idempotency_key,
    operation_url,
    override_headers,
    place_parameters,
    query_string,
)
from .retries import RetryConfig, resolve_policy
from .sentinel import UNSET, OptionalNullable, Unset
from .servers import Server, base_url, operation_server_url

if TYPE_CHECKING:
    from httpx._client import UseClientDefault

    from .models import InputModel
    from .responses import AsyncBinaryStream, BinaryStream
    from .sse import AsyncEventStream, EventStream

__all__ = ["DEFAULT_TIMEOUT", "BaseSDK", "Logger", "Resource", "SDKCore", "SDKSettings"]

#: `SDKSettings.default_timeout` unless the generated SDK sets its own (from its
#: generator settings): connecting should be quick, an answer may take a while.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=60.0)
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
#: httpx's own pool limits (100 connections, 20 kept alive). Keeping more alive avoids
#: reconnecting under high concurrency, but httpcore's pool bookkeeping grows with the
#: pool and costs more CPU than it saves (see docs/performance.md): pass your own client
#: with other `httpx.Limits` (or another transport) to choose differently.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


_T = TypeVar("_T")

#: What `download` checks a response against: no declared error bodies.
_DOWNLOAD: Operation[bytes] = Operation("download", "GET", "", None)
#: Headers that carry credentials whatever the spec says (an API key's header is added).
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


class Logger(Protocol):
    """What `debug_logger` must offer (a `logging.Logger` does)."""

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None: ...


@dataclass(frozen=True)
class SDKSettings:
    """Facts about one generated SDK, fixed at generation time."""

    package: str
    sdk_name: str
    version: str
    #: the spec's servers: URLs, or `Server`s with `{variables}` (or relative URLs)
    servers: tuple[str | Server, ...]
    #: the spec's security schemes, one SDK constructor argument each
    schemes: tuple[SecurityScheme, ...] = ()
    #: When set in the environment (and no `debug_logger` is given), debug logs go to stderr.
    debug_env_var: str = ""
    #: The server URL when the constructor is given neither `server_url` nor `server_idx`.
    server_url_env_var: str = ""
    #: Used when neither `timeout_ms` nor a user-supplied client says otherwise.
    default_timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)


class SDKCore:
    """Everything one SDK instance shares across its resources and calls."""

    def __init__(
        self,
        settings: SDKSettings,
        *,
        credentials: Mapping[str, object],
        server_url: str | None,
        server_idx: int | None,
        url_params: Mapping[str, str] | None,
        client: httpx.Client | None,
        async_client: httpx.AsyncClient | None,
        retry_config: OptionalNullable[RetryConfig],
        timeout_ms: int | None,
        debug_logger: Logger | None,
        max_response_bytes: int | None = None,
        require_signature: bool = False,
    ) -> None:
        self.settings = settings
        if not isinstance(require_signature, bool):
            raise TypeError(
                f"require_signature must be True or False, got {type(require_signature).__name__}"
            )
        #: confidential calls: refuse answers the node did not sign, unless a call says
        self.require_signature = require_signature
        self.max_response_bytes = checked_size_cap(
            "max_response_bytes", max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES
        )
        _check_settings(server_url, server_idx, url_params, client, async_client)
        _check_retries("retry_config", retry_config)
        if timeout_ms is not None:
            checks.milliseconds("timeout_ms", timeout_ms)
        if debug_logger is not None and not callable(getattr(debug_logger, "debug", None)):
            raise TypeError(
                "debug_logger must have a debug() method (a logging.Logger does), "
                f"got {type(debug_logger).__name__}"
            )
        url_name = "server_url"
        if server_url is None and server_idx is None and settings.server_url_env_var:
            server_url = os.environ.get(settings.server_url_env_var) or None
            url_name = f"server_url (from ${settings.server_url_env_var})"
        self.server_url = base_url(
            settings.servers, server_url, server_idx, url_params, settings.server_url_env_var
        )
        #: the servers' variables given, also for operations that have servers of their own
        self.url_params: Mapping[str, str] = dict(url_params or {})
        if server_url is not None:  # checked with its {placeholders} filled in
            checks.server_url(url_name, server_url and self.server_url)
        self.retry_config = retry_config
        self.timeout_ms = timeout_ms
        self.logger: logging.Logger = logging.getLogger(settings.package)
        self.debug_logger = debug_logger
        if (
            debug_logger is None
            and settings.debug_env_var
            and os.environ.get(settings.debug_env_var)
        ):
            _log_to_stderr(self.logger)
        self.clock = SYSTEM_CLOCK
        self._credentials = Credentials(settings.schemes, credentials)
        #: lower-case names of the headers debug logs must not show
        self.sensitive_headers = _CREDENTIAL_HEADERS | self._credentials.sensitive_headers
        self._base_headers = {
            "User-Agent": f"{settings.sdk_name}-python/{settings.version}",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,  # only what can be read within the size cap
        }
        self._clients: HTTPClients | BorrowedClients = HTTPClients(
            client,
            async_client,
            headers=self._base_headers,
            timeout=settings.default_timeout,
            limits=DEFAULT_LIMITS,
            owner=settings.sdk_name,
        )
        #: calls return a `RawResponse` (see `raw()`)
        self.returns_raw = False

    def __repr__(self) -> str:
        return f"SDKCore(server_url={self.server_url!r}, auth={self._credentials!r})"

    def __copy__(self) -> SDKCore:
        """A shallow copy, what `with_options` and `raw` start from."""
        core = object.__new__(type(self))
        core.__dict__.update(self.__dict__)
        return core

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        """Pickling (as a process pool does with its arguments) and deep copies are
        refused, saying what to do instead."""
        raise TypeError(
            f"an SDK object of {self.settings.sdk_name} cannot be pickled or deep-copied: its "
            "HTTP clients and their connections belong to this process. Create one in each "
            "process (for a process pool, in its initializer); with_options() makes a copy "
            "with other settings"
        )

    def with_options(
        self,
        *,
        server_url: str | Unset = UNSET,
        retry_config: OptionalNullable[RetryConfig] = UNSET,
        timeout_ms: int | Unset | None = UNSET,
        max_response_bytes: int | Unset = UNSET,
    ) -> SDKCore:
        """A copy with other settings (each checked as the constructor checks it) that
        shares this core's credentials, logger and HTTP clients (their connection pools);
        closing the copy ends the copy only (see `BorrowedClients`)."""
        core = copy.copy(self)
        core._clients = self._clients.borrowed()
        if not isinstance(server_url, Unset):
            checks.instance_of("server_url", server_url, str, "a URL string")
            checks.server_url("server_url", server_url)
            core.server_url = server_url
        if not isinstance(retry_config, Unset):
            _check_retries("retry_config", retry_config)
            core.retry_config = retry_config
        if not isinstance(timeout_ms, Unset):
            if timeout_ms is not None:
                checks.milliseconds("timeout_ms", timeout_ms)
            core.timeout_ms = timeout_ms
        if not isinstance(max_response_bytes, Unset):
            core.max_response_bytes = checked_size_cap(
                "max_response_bytes", max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES
            )
        return core

    def raw(self, returns_raw: bool = True) -> SDKCore:
        """A copy whose calls return a `RawResponse` (the HTTP response, and `parse()` for
        the result) instead of the result; `raw(False)`: one whose calls return results."""
        if self.returns_raw == returns_raw:
            return self
        core = copy.copy(self)
        core.returns_raw = returns_raw
        return core

    # -- HTTP clients: the user's, or the SDK's own (see clients.py) ----------------------

    @property
    def client(self) -> httpx.Client:
        """The client for a sync call; raises `ClientClosedError` once closed."""
        return self._clients.sync()

    @property
    def async_client(self) -> httpx.AsyncClient:
        """The client for an async call on the running event loop."""
        return self._clients.for_running_loop()

    @property
    def _client(self) -> httpx.Client | None:
        """The sync client in use, if any (for tests and diagnostics)."""
        return self._clients.current_sync()

    @property
    def _async_client(self) -> httpx.AsyncClient | None:
        return self._clients.current_async()

    def _owns(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        """Whether `client` is one the SDK created, whose default headers are already ours."""
        return self._clients.owns(client)

    def close(self) -> None:
        """Close the clients this SDK created (clients the user passed in stay open); every
        later call raises `ClientClosedError`.

        An async client can only be closed by awaiting: from sync code it is closed on its
        event loop (scheduled there), or when that loop shuts down.
        """
        self._clients.close()

    async def aclose(self) -> None:
        """Close every client this SDK created; clients the user passed in stay open."""
        await self._clients.aclose()

    def _closed_during(
        self, client: httpx.Client | httpx.AsyncClient, error: Exception
    ) -> ClientClosedError | None:
        """The error for a call that failed because the SDK or the client was closed while
        it ran (httpx raises a bare `RuntimeError`, or a connection error, then)."""
        if isinstance(error, ClientClosedError):
            return error
        if self._clients.closed or client.is_closed:
            return ClientClosedError("the client is closed: it was closed during the call")
        return None

    # -- calls ---------------------------------------------------------------------------

    # Every public entry point is: plan the attempts (shared), run them with the sync or
    # the async client (one line each), then read the result (shared).

    def call(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> ResponseT:
        """Send one call (with its retries) and return its parsed response."""
        started = self.clock.monotonic()
        response = self._run(self._plan(self.client, operation, body, options, params))
        return self._result(operation, response, started, lambda: self._read(operation, response))

    async def call_async(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> ResponseT:
        started = self.clock.monotonic()
        plan = self._plan(self.async_client, operation, body, options, params)
        response = await self._run_async(plan)
        return self._result(operation, response, started, lambda: self._read(operation, response))

    def call_stream(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> EventStream[ResponseT]:
        """Start a streaming call: errors before the stream starts raise here."""
        from .sse import EventStream

        started = self.clock.monotonic()
        response = self._run(self._plan(self.client, operation, body, options, params))
        raise_for_status(operation, response, self.clock)
        cap = self._response_cap(options)
        return self._result(
            operation, response, started, lambda: EventStream(response, operation, cap)
        )

    async def call_stream_async(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> AsyncEventStream[ResponseT]:
        from .sse import AsyncEventStream

        started = self.clock.monotonic()
        plan = self._plan(self.async_client, operation, body, options, params)
        response = await self._run_async(plan)
        raise_for_status(operation, response, self.clock)
        cap = self._response_cap(options)
        return self._result(
            operation, response, started, lambda: AsyncEventStream(response, operation, cap)
        )

    def call_binary_stream(
        self,
        operation: Operation[Any],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> BinaryStream:
        """Start a call whose 2XX body the caller reads (or writes to a file) as it comes;
        errors before the body starts raise here."""
        from .responses import BinaryStream

        started = self.clock.monotonic()
        plan = self._plan(self.client, operation, body, options, params, streamed=True)
        response = self._run(plan)
        raise_for_status(operation, response, self.clock)
        cap = plan.reading.max_bytes
        return self._result(operation, response, started, lambda: BinaryStream(response, cap))

    async def call_binary_stream_async(
        self,
        operation: Operation[Any],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> AsyncBinaryStream:
        from .responses import AsyncBinaryStream

        started = self.clock.monotonic()
        plan = self._plan(self.async_client, operation, body, options, params, streamed=True)
        response = await self._run_async(plan)
        raise_for_status(operation, response, self.clock)
        cap = plan.reading.max_bytes
        return self._result(operation, response, started, lambda: AsyncBinaryStream(response, cap))

    def download(
        self, url: str, max_bytes: int, options: CallOptions, accept: str = "*/*"
    ) -> bytes:
        """GET a URL the API returned (a file it made), with this SDK's timeouts and retries
        but never its credentials; at most `max_bytes`; `accept`: the media types wanted."""
        plan = self._plan_download(self.client, url, max_bytes, options, accept)
        response = self._run(plan)
        raise_for_status(_DOWNLOAD, response, self.clock)
        return response.content

    async def download_async(
        self, url: str, max_bytes: int, options: CallOptions, accept: str = "*/*"
    ) -> bytes:
        plan = self._plan_download(self.async_client, url, max_bytes, options, accept)
        response = await self._run_async(plan)
        raise_for_status(_DOWNLOAD, response, self.clock)
        return response.content

    def _read(self, operation: Operation[ResponseT], response: httpx.Response) -> ResponseT:
        """The parsed result; a response model also carries the request id (`_request_id`)."""
        result = read_result(operation, response, self.clock)
        if hasattr(result, "_request_id"):  # a response model
            from .raw import request_id_of, with_request_id

            return with_request_id(result, request_id_of(response))
        return result

    def _result(
        self,
        operation: Operation[Any],
        response: httpx.Response,
        started: float,
        parse: Callable[[], _T],
    ) -> _T:
        """`parse()`, or with `returns_raw` a `RawResponse` that parses when asked (an error
        status raises here, as without it)."""
        if not self.returns_raw:
            return parse()
        from .raw import RawResponse

        raise_for_status(operation, response, self.clock)

        elapsed = timedelta(seconds=self.clock.monotonic() - started)
        # What `raw_method` types the raw resource's methods as returning.
        return cast("_T", RawResponse(response, parse, elapsed))

    def _run(self, plan: _Plan) -> httpx.Response:
        client = self.client
        try:
            response = run_sync(client, plan.steps, self.clock, plan.reading)
        except (RuntimeError, APIConnectionError) as error:
            closed = self._closed_during(client, error)
            if closed is None or closed is error:
                raise
            raise closed from error
        self._log_response(response)
        return response

    async def _run_async(self, plan: _Plan) -> httpx.Response:
        client = self.async_client
        try:
            response = await run_async(client, plan.steps, self.clock, plan.reading)
        except (RuntimeError, APIConnectionError) as error:
            closed = self._closed_during(client, error) or stale_loop_error(error)
            if closed is None or closed is error:
                raise
            raise closed from error
        self._log_response(response)
        return response

    def _plan(
        self,
        client: httpx.Client | httpx.AsyncClient,
        operation: Operation[Any],
        body: Any,
        options: CallOptions,
        params: InputModel | None,
        streamed: bool = False,
    ) -> _Plan:
        """`streamed`: a 2XX body is left unread for the caller (events always are)."""
        _check_call(options)
        request, budget = self._build_request(client, operation, body, options, params)
        bounded = self._clients.bounded(client)
        cap = self._response_cap(options)
        streaming = streamed or operation.stream
        reading = Reading(
            budget,
            streaming,
            cap,
            bounded_by_transport=bounded,
            keep_redirects=bool(operation.redirects),
        )
        return self._attempts(request, options, reading)

    def _response_cap(self, options: CallOptions) -> int:
        """The call's `max_response_bytes`, else the SDK's: the largest body (decoded)
        or streamed event read."""
        return checked_size_cap(
            "max_response_bytes", options.max_response_bytes, self.max_response_bytes
        )

    def _plan_download(
        self,
        client: httpx.Client | httpx.AsyncClient,
        url: str,
        max_bytes: int,
        options: CallOptions,
        accept: str,
    ) -> _Plan:
        _check_call(options)
        headers = {
            "User-Agent": self._base_headers["User-Agent"],
            "Accept": accept,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if options.http_headers:
            override_headers(headers, options.http_headers)
        timeout = self._timeout(client, options.timeout_ms)
        try:
            request = client.build_request("GET", url, headers=headers, timeout=timeout)
        except httpx.InvalidURL as error:
            raise DownloadError(f"The URL to download is not a valid URL: {error}") from None
        if request.url.scheme not in ("http", "https") or not request.url.host:
            raise DownloadError("The URL to download is not an absolute http(s) URL")
        # Not even a default header of the user's own client may carry credentials there,
        # nor its `auth=` (httpx would add it when sending: `client_auth=False`).
        for name in self.sensitive_headers:
            request.headers.pop(name, None)
        if request.url.userinfo:
            # The URL's own credential, for its host only: sent as a header, so that no
            # log line shows the password (httpx logs each URL at INFO).
            request.headers["Authorization"] = _basic_auth(request.url)
            request.url = request.url.copy_with(username=None, password=None)
        effective = timeout if isinstance(timeout, httpx.Timeout) else client.timeout
        reading = Reading(
            effective.read,
            max_bytes=max_bytes,
            too_large=DownloadTooLargeError,
            client_auth=False,
        )
        return self._attempts(request, options, reading)

    def _attempts(self, request: httpx.Request, options: CallOptions, reading: Reading) -> _Plan:
        policy = resolve_policy(options.retries, self.retry_config)
        return _Plan(attempts(request, policy, self.clock, self.logger), reading)

    def _build_request(
        self,
        client: httpx.Client | httpx.AsyncClient,
        operation: Operation[Any],
        body: Any,
        options: CallOptions,
        params: InputModel | None,
    ) -> tuple[httpx.Request, float | None]:
        """The request to send (the same for every attempt) and each attempt's time budget."""
        # One key for every attempt of this call, so a de-duplicating server can tell
        # a retry from a new request; a key the user gives wins.
        headers = {} if self._owns(client) else {**self._base_headers}
        headers["Idempotency-Key"] = idempotency_key()
        if operation.stream and not operation.json_lines:
            headers["Accept"] = "text/event-stream"
        elif operation.json_lines or operation.response_kind != "json":
            headers["Accept"] = operation.response_media_type  # `application/stream+json` too
        if options.extra_body is not None:
            encoded = _with_extra_body(operation, body, options.extra_body)
        else:
            try:
                encoded = encode_body(operation, body)
            except UnicodeEncodeError:  # a form, multipart or text body: say what
                raise _unsendable_body(body) from None
        headers.update(encoded.headers)
        path, query, cookies = operation.path, [], []  # type: tuple[str, list[str], list[str]]
        if params is not None:  # only operations with parameters pay for placing them
            values = params.wire_values()
            try:
                path, query, param_headers, cookies = place_parameters(operation, values)
            except UnicodeEncodeError:  # text a URL cannot carry: say which parameter
                error = params.unsendable(values)
                if error is None:
                    raise
                raise error from None
            headers.update(param_headers)
        placed = self._credentials.apply(operation.security)
        for location, name, value in placed:
            if location == "header":
                headers[name] = value
            else:
                pair = f"{encode(name)}={encode(value)}"
                (query if location == "query" else cookies).append(pair)
        if cookies:
            headers["Cookie"] = cookie_header(cookies)
        if options.http_headers:
            override_headers(headers, options.http_headers)
        if options.extra_headers:
            override_headers(headers, options.extra_headers)
        if options.extra_query:
            query = [*query, *(f"{encode(k)}={encode(v)}" for k, v in options.extra_query.items())]
        server_url = options.server_url or (
            operation_server_url(operation.servers[0], self.server_url, self.url_params)
            if operation.servers
            else self.server_url
        )
        timeout = self._timeout(client, options.timeout_ms)
        url = operation_url(server_url, path)
        request = client.build_request(
            operation.method,
            url.copy_with(query=query_string(query)) if query else url,
            content=encoded.content,
            headers=headers,
            timeout=timeout,
        )
        if encoded.stream is not None:
            request = _with_stream(request, encoded.stream)
        if not placed and self.sensitive_headers.isdisjoint(map(str.lower, request.headers)):
            # for the AuthenticationError of a 401: say which argument was left out
            request.extensions[MISSING_CREDENTIALS] = self._credentials.missing(operation.security)
        self._log_request(request)
        effective = timeout if isinstance(timeout, httpx.Timeout) else client.timeout
        return request, effective.read

    def _timeout(
        self, client: httpx.Client | httpx.AsyncClient, call_timeout_ms: int | None
    ) -> httpx.Timeout | UseClientDefault:
        """`timeout_ms` (the call's, else the client's); else the user client's own timeout
        unless it is httpx's 5 s default, too short for many APIs; else the SDK's default."""
        timeout_ms = call_timeout_ms if call_timeout_ms is not None else self.timeout_ms
        if timeout_ms is not None:
            return httpx.Timeout(timeout_ms / 1000)
        if getattr(client, "timeout", _HTTPX_DEFAULT_TIMEOUT) == _HTTPX_DEFAULT_TIMEOUT:
            return self.settings.default_timeout
        return httpx.USE_CLIENT_DEFAULT

    # -- debug logging (never shows the token) -------------------------------------------

    def _debug_enabled(self) -> bool:
        return self.debug_logger is not None or self.logger.isEnabledFor(logging.DEBUG)

    def _log_request(self, request: httpx.Request) -> None:
        if self._debug_enabled():
            headers = {
                k: ("[redacted]" if k.lower() in self.sensitive_headers else v)
                for k, v in request.headers.items()
            }
            (self.debug_logger or self.logger).debug(
                "Request: %s %s headers=%s", request.method, self._loggable(request.url), headers
            )

    def _log_response(self, response: httpx.Response) -> None:
        if self._debug_enabled():
            (self.debug_logger or self.logger).debug(
                "Response: %s %s -> %d",
                response.request.method,
                self._loggable(response.request.url),
                response.status_code,
            )

    def _loggable(self, url: httpx.URL) -> httpx.URL:
        """`url` without user info, and with the values of API keys sent in the query
        redacted."""
        if url.userinfo:  # a download URL the server gave can carry a password
            url = url.copy_with(username=None, password=None)
        hidden = self._credentials.sensitive_query
        if not (hidden and any(name in hidden for name in url.params)):
            return url
        params = [(k, "[redacted]" if k in hidden else v) for k, v in url.params.multi_items()]
        return url.copy_with(params=params)


def _with_stream(request: httpx.Request, stream: httpx.SyncByteStream) -> httpx.Request:
    """`request` with a body read as it is sent, by sync and async clients alike (httpx
    would wrap a file in a sync-only stream), and not yet read: a transport that reads
    the body first (`httpx.MockTransport`) reads all of it, as a network transport sends."""
    return httpx.Request(
        request.method,
        request.url,
        headers=request.headers,
        stream=stream,
        extensions=request.extensions,
    )


def _basic_auth(url: httpx.URL) -> str:
    pair = f"{url.username}:{url.password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass(frozen=True)
class _Plan:
    """The attempts of one call (not started yet) and how to read their responses."""

    steps: Attempts
    reading: Reading


class BaseSDK:
    """Behaviour common to every generated SDK class: context managers and closing."""

    _core: SDKCore

    def close(self) -> None:
        self._core.close()

    async def aclose(self) -> None:
        await self._core.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(server_url={self._core.server_url!r})"

    def with_options(
        self,
        *,
        server_url: str | Unset = UNSET,
        retry_config: OptionalNullable[RetryConfig] = UNSET,
        timeout_ms: int | Unset | None = UNSET,
        max_response_bytes: int | Unset = UNSET,
    ) -> Self:
        """A copy of this SDK with other settings, for one call or many.

        It shares this SDK's credentials and HTTP clients, so their connection pools.
        Closing the copy (`with sdk.with_options(...) as copy:`, `copy.close()`) ends
        the copy only: `sdk` and its other copies go on. Closing `sdk` closes the clients
        for every copy too. Settings left out keep their values;
        `retry_config=None` turns retries off, `timeout_ms=None` restores the default.
        """
        sdk = object.__new__(type(self))
        sdk._core = self._core.with_options(
            server_url=server_url,
            retry_config=retry_config,
            timeout_ms=timeout_ms,
            max_response_bytes=max_response_bytes,
        )
        return sdk

    def _resource(self, cls: type[_R]) -> _R:
        """The SDK's one instance of a resource class, made on first use."""
        resources: dict[type[Resource], Resource] = self.__dict__.setdefault("_resources", {})
        resource = resources.get(cls)
        if resource is None:
            resource = resources[cls] = cls(self._core)
        return cast("_R", resource)


class Resource:
    """Base of generated resource classes (such as `Images`)."""

    def __init__(self, core: SDKCore) -> None:
        self._core = core

    def _raw_variant(self, wrapper: Callable[[Self], _W]) -> _W:
        """`wrapper` (the generated `...WithRawResponse`) around this resource on a core
        whose calls return `RawResponse`s; made once per resource."""
        variant = self.__dict__.get("_raw")
        if variant is None:
            variant = self.__dict__["_raw"] = wrapper(type(self)(self._core.raw()))
        return cast("_W", variant)


_W = TypeVar("_W")


_R = TypeVar("_R", bound=Resource)


def _check_settings(
    server_url: object,
    server_idx: object,
    url_params: object,
    client: object,
    async_client: object,
) -> None:
    """The constructor's arguments of the right types (see checks.py), before any I/O."""
    if server_url is not None:
        checks.instance_of("server_url", server_url, str, "a URL string or None")
    if server_idx is not None and (isinstance(server_idx, bool) or not isinstance(server_idx, int)):
        raise TypeError(f"server_idx must be an int or None, got {type(server_idx).__name__}")
    if url_params is not None and not (
        isinstance(url_params, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in url_params.items())
    ):
        raise TypeError("url_params must be a mapping of names (str) to values (str), or None")
    # A wrapper with send() and build_request() (atoma-sdk 0.1.3's HttpClient protocol)
    # is refused: the message says how to get the same hooks from httpx itself.
    wrap = "to add your own logic, subclass it or give it event_hooks or a transport"
    if client is not None:
        checks.instance_of(
            "client", client, httpx.Client, f"an httpx.Client or None (async: async_client; {wrap})"
        )
    if async_client is not None:
        checks.instance_of(
            "async_client",
            async_client,
            httpx.AsyncClient,
            f"an httpx.AsyncClient or None ({wrap})",
        )


def _check_retries(name: str, value: object) -> None:
    if value is not UNSET and value is not None:
        checks.instance_of(name, value, RetryConfig, "a RetryConfig, or None for no retries")


def _check_call(options: CallOptions) -> None:
    """A call's overrides follow the rules of the SDK's own settings."""
    _check_retries("retries", options.retries)
    if options.server_url is not None:
        checks.server_url("server_url", options.server_url)
    if options.timeout_ms is not None:
        checks.milliseconds("timeout_ms", options.timeout_ms)
    if options.http_headers is not None:
        checks.http_headers("http_headers", options.http_headers)
    if options.extra_headers is not None:
        checks.http_headers("extra_headers", options.extra_headers)
    for name in ("extra_query", "extra_body"):
        value = getattr(options, name)
        if value is not None and not (
            isinstance(value, Mapping) and all(isinstance(key, str) for key in value)
        ):
            raise TypeError(f"{name} must be a mapping of names (str) to values, or None")
        if value:
            _check_sendable(name, value)


def _check_sendable(name: str, values: Mapping[str, object]) -> None:
    """`ValueError` naming the first of `values` no request can carry (NaN, a surrogate
    code point in a string: see `invalid.unsendable`)."""
    from .invalid import unsendable, where

    found = unsendable(values)
    if found is not None:
        loc, value, rule = found
        raise ValueError(f"{name}{where(loc)}: {rule}, got {value!r}")


def _with_extra_body(
    operation: Operation[Any], body: Any, extra: Mapping[str, object]
) -> EncodedBody:
    """The JSON object body of the validated `body` with `extra`'s keys set over it."""
    from .models import dumps_json

    if media_kind(operation.body_media_type) != "json" or not hasattr(body, "wire_values"):
        raise TypeError("extra_body is only for operations whose body is a JSON object")
    values = body.wire_values()
    try:
        content = dumps_json({**values, **extra})
    except (TypeError, ValueError) as error:  # bytes, a set: not JSON (extra's NaN: checked)
        own = body.unsendable(values) if isinstance(error, ValueError) else None
        if own is not None:  # the body's own value
            raise own from None
        raise type(error)(f"extra_body: {error}") from None
    return EncodedBody(content, headers={"Content-Type": operation.body_media_type})


def _unsendable_body(body: Any) -> ValueError:
    """The error for a body holding text that is not Unicode (a surrogate code point)."""
    from .invalid import unsendable, where

    named: ValueError | None = (
        body.unsendable(body.wire_values()) if hasattr(body, "unsendable") else None
    )
    if named is not None:
        return named
    found = unsendable(body)
    loc, value, rule = found if found is not None else ((), body, "must be Unicode text")
    return ValueError(f"the request body{where(loc)}: {rule}, got {value!r}")


def _log_to_stderr(logger: logging.Logger) -> None:
    """What atoma-sdk 0.1.3 did when its debug variable was set: DEBUG logs on stderr."""
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
