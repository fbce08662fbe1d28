"""The per-SDK-instance core: configuration, owned HTTP clients, and the call entry points."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import httpx
from typing_extensions import Self

from . import deadline
from .auth import BearerAuth, TokenSource
from .clock import SYSTEM_CLOCK
from .operation import CallOptions, Operation, ResponseT
from .pipeline import Reading, attempts, raise_for_status, read_result, run_async, run_sync
from .retries import RetryConfig, resolve_policy
from .sentinel import OptionalNullable

if TYPE_CHECKING:
    import asyncio

    from httpx._client import UseClientDefault

    from .models import InputModel
    from .sse import AsyncEventStream, EventStream

__all__ = ["DEFAULT_TIMEOUT", "BaseSDK", "Logger", "Resource", "SDKCore", "SDKSettings"]

#: Used when neither `timeout_ms` nor a user-supplied client says otherwise. Image
#: generation can take minutes, so reads may be slow; connecting should be quick.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=60.0, pool=60.0)
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
#: httpx keeps at most 20 idle connections by default; with more concurrent calls than
#: that it closes and reopens connections all the time. Keep as many as it may open.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


#: What `download` checks a response against: no declared error bodies.
_DOWNLOAD: Operation[bytes] = Operation("download", "GET", "", None, requires_auth=False)


class Logger(Protocol):
    """What `debug_logger` must offer (a `logging.Logger` does)."""

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None: ...


@dataclass(frozen=True)
class SDKSettings:
    """Facts about one generated SDK, fixed at generation time."""

    package: str
    sdk_name: str
    version: str
    servers: tuple[str, ...]
    bearer_env_var: str
    #: When set in the environment (and no `debug_logger` is given), debug logs go to stderr.
    debug_env_var: str = ""


class SDKCore:
    """Everything one SDK instance shares across its resources and calls."""

    def __init__(
        self,
        settings: SDKSettings,
        *,
        bearer_auth: BearerAuth,
        server_url: str | None,
        server_idx: int | None,
        url_params: Mapping[str, str] | None,
        client: httpx.Client | None,
        async_client: httpx.AsyncClient | None,
        retry_config: OptionalNullable[RetryConfig],
        timeout_ms: int | None,
        debug_logger: Logger | None,
    ) -> None:
        self.settings = settings
        self.server_url = _server_url(settings.servers, server_url, server_idx, url_params)
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
        self._tokens = TokenSource(bearer_auth, settings.bearer_env_var)
        self._base_headers = {
            "User-Agent": f"{settings.sdk_name}-python/{settings.version}",
            "Accept": "application/json",
        }
        self._lock = threading.Lock()
        self._client = client
        self._owns_client = client is None
        self._async_client = async_client
        self._owns_async_client = async_client is None
        self._closing: set[asyncio.Task[None]] = set()  # async closes scheduled by close()

    def __repr__(self) -> str:
        return f"SDKCore(server_url={self.server_url!r}, auth={self._tokens!r})"

    # -- HTTP clients: created on first use, closed only if we created them ---------------

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    transport = httpx.HTTPTransport(limits=DEFAULT_LIMITS)
                    deadline.install(transport)
                    self._client = httpx.Client(timeout=DEFAULT_TIMEOUT, transport=transport)
        return self._client

    @property
    def async_client(self) -> httpx.AsyncClient:
        if self._async_client is None:
            with self._lock:
                if self._async_client is None:
                    transport = httpx.AsyncHTTPTransport(limits=DEFAULT_LIMITS)
                    deadline.install(transport)
                    self._async_client = httpx.AsyncClient(
                        timeout=DEFAULT_TIMEOUT, transport=transport
                    )
        return self._async_client

    def close(self) -> None:
        """Close the clients this SDK created; clients the user passed in stay open.

        An async client can only be closed by awaiting; from sync code (`with` in an async
        app) its closing is scheduled on the running event loop.
        """
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None
        if self._owns_async_client and self._async_client is not None:
            self._schedule_async_close()

    def _schedule_async_close(self) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop running: keep the client for a later `aclose()`
        client, self._async_client = self._async_client, None
        assert client is not None
        task = loop.create_task(client.aclose())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Close every client this SDK created; clients the user passed in stay open."""
        if self._owns_async_client and self._async_client is not None:
            client, self._async_client = self._async_client, None
            await client.aclose()
        self.close()

    # -- calls ---------------------------------------------------------------------------

    def call(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> ResponseT:
        """Send one call (with its retries) and return its parsed response."""
        response = self._send(operation, body, options, params)
        return read_result(operation, response, self.clock)

    async def call_async(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> ResponseT:
        response = await self._send_async(operation, body, options, params)
        return read_result(operation, response, self.clock)

    def call_stream(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> EventStream[ResponseT]:
        """Start a streaming call: errors before the stream starts raise here."""
        from .sse import EventStream

        response = self._send(operation, body, options, params)
        raise_for_status(operation, response, self.clock)
        return EventStream(response, operation)

    async def call_stream_async(
        self,
        operation: Operation[ResponseT],
        body: Any,
        options: CallOptions,
        params: InputModel | None = None,
    ) -> AsyncEventStream[ResponseT]:
        from .sse import AsyncEventStream

        response = await self._send_async(operation, body, options, params)
        raise_for_status(operation, response, self.clock)
        return AsyncEventStream(response, operation)

    def download(self, url: str, max_bytes: int, options: CallOptions) -> bytes:
        """GET a URL the API returned (an image), with this SDK's timeouts and retries but
        never its credentials; at most `max_bytes`."""
        client = self.client
        request, budget = self._download_request(client, url, options)
        steps = attempts(
            request, resolve_policy(options.retries, self.retry_config), self.clock, self.logger
        )
        response = run_sync(client, steps, self.clock, Reading(budget, max_bytes=max_bytes))
        raise_for_status(_DOWNLOAD, response, self.clock)
        return response.content

    async def download_async(self, url: str, max_bytes: int, options: CallOptions) -> bytes:
        client = self.async_client
        request, budget = self._download_request(client, url, options)
        steps = attempts(
            request, resolve_policy(options.retries, self.retry_config), self.clock, self.logger
        )
        reading = Reading(budget, max_bytes=max_bytes)
        response = await run_async(client, steps, self.clock, reading)
        raise_for_status(_DOWNLOAD, response, self.clock)
        return response.content

    def _download_request(
        self, client: httpx.Client | httpx.AsyncClient, url: str, options: CallOptions
    ) -> tuple[httpx.Request, float | None]:
        headers = {"User-Agent": self._base_headers["User-Agent"], "Accept": "image/*"}
        if options.http_headers:
            _override_headers(headers, options.http_headers)
        timeout = self._timeout(client, options.timeout_ms)
        request = client.build_request("GET", url, headers=headers, timeout=timeout)
        # Not even a default header of the user's own client may carry credentials there.
        for name in ("authorization", "proxy-authorization", "cookie"):
            request.headers.pop(name, None)
        effective = timeout if isinstance(timeout, httpx.Timeout) else client.timeout
        return request, effective.read

    def _send(
        self, operation: Operation[Any], body: Any, options: CallOptions, params: Any
    ) -> httpx.Response:
        client = self.client
        request, budget = self._build_request(client, operation, body, options, params)
        policy = resolve_policy(options.retries, self.retry_config)
        steps = attempts(request, policy, self.clock, self.logger)
        response = run_sync(client, steps, self.clock, Reading(budget, operation.stream))
        self._log_response(response)
        return response

    async def _send_async(
        self, operation: Operation[Any], body: Any, options: CallOptions, params: Any
    ) -> httpx.Response:
        client = self.async_client
        request, budget = self._build_request(client, operation, body, options, params)
        policy = resolve_policy(options.retries, self.retry_config)
        steps = attempts(request, policy, self.clock, self.logger)
        response = await run_async(client, steps, self.clock, Reading(budget, operation.stream))
        self._log_response(response)
        return response

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
        headers = {**self._base_headers, "Idempotency-Key": str(uuid.uuid4())}
        if operation.stream:
            headers["Accept"] = "text/event-stream"
        content = _body_bytes(operation, body)
        if content is not None:
            headers["Content-Type"] = "application/json"
        path, query = operation.path, None
        if params is not None:
            path, query, param_headers = _place_parameters(operation, params.wire_values())
            headers.update(param_headers)
        if operation.requires_auth:
            authorization = self._tokens.header()
            if authorization is not None:
                headers["Authorization"] = authorization
        if options.http_headers:
            _override_headers(headers, options.http_headers)
        server_url = options.server_url or self.server_url
        timeout = self._timeout(client, options.timeout_ms)
        request = client.build_request(
            operation.method,
            server_url.rstrip("/") + path,
            content=content,
            params=tuple(query) if query else None,
            headers=headers,
            timeout=timeout,
        )
        self._log_request(request)
        effective = timeout if isinstance(timeout, httpx.Timeout) else client.timeout
        return request, effective.read

    def _timeout(
        self, client: httpx.Client | httpx.AsyncClient, call_timeout_ms: int | None
    ) -> httpx.Timeout | UseClientDefault:
        """`timeout_ms` (the call's, else the client's); else the user client's own timeout
        unless it is httpx's 5 s default, too short for image generation; else ours."""
        timeout_ms = call_timeout_ms if call_timeout_ms is not None else self.timeout_ms
        if timeout_ms is not None:
            return httpx.Timeout(timeout_ms / 1000)
        if getattr(client, "timeout", _HTTPX_DEFAULT_TIMEOUT) == _HTTPX_DEFAULT_TIMEOUT:
            return DEFAULT_TIMEOUT
        return httpx.USE_CLIENT_DEFAULT

    # -- debug logging (never shows the token) -------------------------------------------

    def _debug_enabled(self) -> bool:
        return self.debug_logger is not None or self.logger.isEnabledFor(logging.DEBUG)

    def _log_request(self, request: httpx.Request) -> None:
        if self._debug_enabled():
            headers = {
                k: ("[redacted]" if k.lower() == "authorization" else v)
                for k, v in request.headers.items()
            }
            (self.debug_logger or self.logger).debug(
                "Request: %s %s headers=%s", request.method, request.url, headers
            )

    def _log_response(self, response: httpx.Response) -> None:
        if self._debug_enabled():
            (self.debug_logger or self.logger).debug(
                "Response: %s %s -> %d",
                response.request.method,
                response.request.url,
                response.status_code,
            )


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


class Resource:
    """Base of generated resource classes (such as `Images`)."""

    def __init__(self, core: SDKCore) -> None:
        self._core = core


def _server_url(
    servers: tuple[str, ...],
    server_url: str | None,
    server_idx: int | None,
    url_params: Mapping[str, str] | None,
) -> str:
    """The base URL: `server_url` (its `{name}` placeholders filled from `url_params`,
    as in 0.1.3), else the spec's server number `server_idx`."""
    if server_url:
        for name, value in (url_params or {}).items():
            server_url = server_url.replace("{" + name + "}", value)
        return server_url
    index = server_idx or 0
    if not 0 <= index < len(servers):
        raise ValueError(f"server_idx must be between 0 and {len(servers) - 1}, got {index}")
    return servers[index]


def _log_to_stderr(logger: logging.Logger) -> None:
    """What atoma-sdk 0.1.3 did when its debug variable was set: DEBUG logs on stderr."""
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _body_bytes(operation: Operation[Any], body: Any) -> bytes | None:
    """The JSON body: a request model's own bytes, or a validated non-object body."""
    if body is None:
        return None
    to_json_bytes = getattr(body, "to_json_bytes", None)  # a request model (InputModel)
    if to_json_bytes is not None:
        content: bytes = to_json_bytes()
        return content
    from .models import dumps_json  # only for bodies that are not models: lists, unions

    adapter = operation.body_adapter
    value = adapter.validate_python(body)
    return dumps_json(adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True))


def _place_parameters(
    operation: Operation[Any], values: Mapping[str, Any]
) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """Path with its parameters filled in, query pairs (arrays repeated), and headers."""
    path = operation.path
    for name in operation.path_params:
        path = path.replace("{" + name + "}", quote(_text(values[name]), safe=""))
    query = [
        (name, _text(item))
        for name in operation.query_params
        if values.get(name) is not None
        for item in (
            values[name]
            if isinstance(values[name], list) and name not in operation.comma_joined
            else [values[name]]
        )
    ]
    headers = {
        name: _text(values[name])
        for name in operation.header_params
        if values.get(name) is not None
    }
    return path, query, headers


def _text(value: Any) -> str:
    """A parameter value as text: booleans in JSON spelling, arrays comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return str(value)


def _override_headers(headers: dict[str, str], overrides: Mapping[str, str]) -> None:
    """Apply user headers over ours, replacing a header whatever its letter case."""
    by_lower = {name.lower(): name for name in headers}
    for name, value in overrides.items():
        existing = by_lower.pop(name.lower(), None)
        if existing is not None:
            del headers[existing]
        headers[name] = value
        by_lower[name.lower()] = name
