"""`DefaultAioHttpClient`: an `httpx.AsyncClient` on aiohttp, for high concurrency.

httpx's own async pool caps throughput when hundreds of calls are in flight; aiohttp's
does not. The client keeps httpx's interface (so the SDK's pipeline, errors, retries and
streaming are unchanged) and sends with the `httpx-aiohttp` transport, imported only when
such a client is made (`pip install "atoma-sdk[aiohttp]"`). Its transport here raises the
httpx classes httpx itself would (`errors.from_aiohttp`), so retry policies and the
SDK's exceptions are the same on both stacks, and bounds the wait for the response head
by the attempt's whole-request deadline, as the SDK's own clients do.

httpx keeps the cookies and the credentials, as with any httpx client: aiohttp's own
cookie jar is left out (it would send a cookie the API set to any host of the same
domain, image hosts included), and a URL's `user:password@` reaches aiohttp only as the
`Authorization` header httpx made of it.
"""

from __future__ import annotations

import base64
import functools
import sys
import weakref
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, NoReturn

import httpx

from .cookies import skip_cookieless_responses
from .deadline import seconds_left
from .errors import EventLoopMismatchError, from_aiohttp

if TYPE_CHECKING:
    import ssl

    from httpx._types import CertTypes

__all__ = ["DEFAULT_AIOHTTP_LIMITS", "DefaultAioHttpClient"]

#: aiohttp's limits on a response head, raised from its defaults (8,190 bytes a line, 128
#: lines) so that a head httpx reads (up to 100 KiB in all) is read here too, while a
#: hostile head still costs at most 8 MiB.
HEAD_LINE_BYTES = 32 * 1024
HEAD_LINES = 256

#: Sized for hundreds of concurrent calls (httpx's default pool holds 100 connections).
DEFAULT_AIOHTTP_LIMITS = httpx.Limits(
    max_connections=1_000, max_keepalive_connections=1_000, keepalive_expiry=30.0
)


class DefaultAioHttpClient(httpx.AsyncClient):
    """`AtomaSDK(async_client=DefaultAioHttpClient())`: async calls sent by aiohttp.

    Takes `httpx.AsyncClient`'s arguments; `limits` sizes aiohttp's connection pool, and
    the TLS settings (`verify`, `cert`, `trust_env`) reach aiohttp too. A proxy (`proxy=`,
    or with `trust_env` the `HTTP_PROXY` / `HTTPS_PROXY` / `ALL_PROXY` environment less
    `NO_PROXY`, as httpx reads them) is reached through aiohttp as well: `http://` and
    `https://` proxies, with their credentials and headers; aiohttp has no SOCKS support,
    so a `socks5://` proxy is a `ValueError` here. Like any client given to the SDK, it
    stays open until you close it.
    """

    def __init__(self, *, limits: httpx.Limits = DEFAULT_AIOHTTP_LIMITS, **kwargs: Any) -> None:
        super().__init__(limits=limits, **kwargs)
        skip_cookieless_responses(self)

    # httpx calls these two while it is constructed, with the TLS settings and limits it
    # was given: one transport for direct requests, one per proxy (`mounts`).

    def _init_transport(
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = DEFAULT_AIOHTTP_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncBaseTransport:
        if transport is not None:
            return transport
        return _aiohttp_transport(verify, cert, trust_env, limits)

    def _init_proxy_transport(
        self,
        proxy: httpx.Proxy,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = DEFAULT_AIOHTTP_LIMITS,
    ) -> httpx.AsyncBaseTransport:
        _check_proxy(proxy)
        return _aiohttp_transport(verify, cert, trust_env, limits, _for_aiohttp(proxy))


def _aiohttp_transport(
    verify: ssl.SSLContext | str | bool,
    cert: CertTypes | None,
    trust_env: bool,
    limits: httpx.Limits,
    proxy: httpx.Proxy | None = None,
) -> httpx.AsyncBaseTransport:
    """The SDK's aiohttp transport with httpx's TLS settings and limits (and a proxy)."""
    made: httpx.AsyncBaseTransport = _transport_class()(
        verify=verify, cert=cert, trust_env=trust_env, limits=limits, proxy=proxy
    )
    return made


def _for_aiohttp(proxy: httpx.Proxy) -> httpx.Proxy:
    """The proxy with its credentials (`http://user:password@...`) as the header aiohttp
    sends them in: its own `proxy_auth` argument is deprecated."""
    if proxy.auth is None:
        return proxy
    headers = httpx.Headers(proxy.headers)
    pair = ":".join(proxy.auth).encode("utf-8")
    headers.setdefault("Proxy-Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
    return httpx.Proxy(proxy.url, headers=headers)


def _check_proxy(proxy: httpx.Proxy) -> None:
    """A proxy aiohttp can reach, else a `ValueError` saying what to use instead."""
    if proxy.url.scheme not in ("http", "https"):
        raise ValueError(
            f"DefaultAioHttpClient sends through aiohttp, which supports http:// and "
            f"https:// proxies, not {proxy.url.scheme}:// (from proxy= or, with trust_env, "
            "the ALL_PROXY / HTTPS_PROXY environment variables): use httpx.AsyncClient("
            'proxy=...) with "httpx[socks]" instead'
        )
    if proxy.ssl_context is not None:
        raise ValueError(
            "DefaultAioHttpClient sends through aiohttp, which reaches an https:// proxy "
            "with the client's own TLS settings (verify=, cert=): httpx.Proxy(ssl_context=...) "
            "is not supported"
        )


@functools.cache
def _transport_class() -> Any:
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError as error:
        raise ImportError(
            'DefaultAioHttpClient needs the aiohttp extra: pip install "atoma-sdk[aiohttp]"'
        ) from error

    class Transport(AiohttpTransport):
        #: The event loop of the first request: aiohttp's session belongs to it.
        bound_loop: weakref.ref[Any] | None = None

        def get_client(self) -> Any:
            from aiohttp import ClientSession, DummyCookieJar

            made = super().get_client()
            if self.client is not None:  # the user's session, or a factory of theirs
                return made
            connector = made.connector
            made.detach()  # the connector moves to a session without a cookie jar
            return ClientSession(
                connector=connector,
                cookie_jar=DummyCookieJar(),
                max_line_size=HEAD_LINE_BYTES,
                max_field_size=HEAD_LINE_BYTES,
                max_headers=HEAD_LINES,
            )

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            _check_loop(self)
            if request.url.userinfo:
                # httpx already sent it as `Authorization`; aiohttp refuses both at once.
                request.url = request.url.copy_with(username=None, password=None)
            if self.proxy is not None and request.url.scheme == "http":
                # aiohttp sends the proxy's headers on a CONNECT (an https:// URL) only;
                # a plain request goes to the proxy itself, so they go on it.
                for name, value in self.proxy.headers.items():
                    request.headers.setdefault(name, value)
            try:
                head = super().handle_async_request(request)
                left = seconds_left()
                response = await (head if left is None else _within(left, head, request))
            except Exception as error:
                _reraise(error, request)
            response.stream = _Body(response.stream, request)
            return response

    return Transport


def _check_loop(transport: Any) -> None:
    """Refuse, before anything is sent, a request on another event loop than the first
    one: aiohttp's session and connections belong to that loop, and on another it fails
    deep inside (a future "attached to a different loop", then "Event loop is closed"
    from a task nobody awaits)."""
    import asyncio

    loop = asyncio.get_running_loop()
    if transport.bound_loop is None:
        transport.bound_loop = weakref.ref(loop)
    elif transport.bound_loop() is not loop:
        raise EventLoopMismatchError(
            "this DefaultAioHttpClient was first used on another event loop, and aiohttp's "
            "connections belong to that loop: create one client per event loop"
        )


class _Body(httpx.AsyncByteStream):
    """A response body whose aiohttp failures surface as httpx's."""

    def __init__(self, inner: Any, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except Exception as error:
            _reraise(error, self._request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _reraise(error: Exception, request: httpx.Request) -> NoReturn:
    mapped = from_aiohttp(error, request)
    if mapped is None:
        raise error
    raise mapped from (error.__cause__ if isinstance(error, httpx.RequestError) else error)


async def _within(
    seconds: float, head: Awaitable[httpx.Response], request: httpx.Request
) -> httpx.Response:
    """The response head, or `httpx.ReadTimeout` once `seconds` have passed.

    `asyncio` is imported here, not at the top: `import atoma_sdk` imports this module,
    and a program that never makes an async call need not load asyncio. On Python 3.11+
    `asyncio.timeout` bounds the wait in the calling task; `wait_for` would start a task
    of its own for every call.
    """
    import asyncio

    try:
        if sys.version_info >= (3, 11):
            async with asyncio.timeout(max(seconds, 0.0)):
                return await head
        return await asyncio.wait_for(head, max(seconds, 0.0))
    except asyncio.TimeoutError as error:
        raise httpx.ReadTimeout(
            "The response took longer than the whole-attempt timeout", request=request
        ) from error
