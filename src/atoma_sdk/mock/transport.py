"""An httpx transport that answers from a `MockAPI` in-process: unit tests without sockets."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from .api import DROP, MockAPI, MockResponse

__all__ = ["MockTransport"]


class MockTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Use with `httpx.Client(transport=...)` or `httpx.AsyncClient(transport=...)`."""

    def __init__(self, api: MockAPI | None = None, *, require_auth: bool = False) -> None:
        self.api = api if api is not None else MockAPI(require_auth=require_auth)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._answer(request, request.read())
        if self.api.delay_seconds:
            time.sleep(self.api.delay_seconds)
        return self._response(request, answer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._answer(request, await request.aread())
        if self.api.delay_seconds:
            await asyncio.sleep(self.api.delay_seconds)
        return self._response(request, answer)

    def _answer(self, request: httpx.Request, body: bytes) -> MockResponse:
        path = request.url.raw_path.decode("ascii")
        return self.api.handle(request.method, path, request.headers, body)

    def _response(self, request: httpx.Request, answer: MockResponse) -> httpx.Response:
        if answer.status == DROP:
            # The same exception httpx raises when a real server hangs up mid-request.
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if answer.chunks is not None:
            body = _EventBody(request, answer, self.api.event_interval_seconds)
            return httpx.Response(
                answer.status, headers=answer.headers, stream=body, request=request
            )
        return httpx.Response(
            answer.status, headers=answer.headers, content=answer.body, request=request
        )


class _EventBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An event stream's body, yielded one event at a time like the server sends it."""

    def __init__(self, request: httpx.Request, answer: MockResponse, interval: float) -> None:
        self._request = request
        self._chunks = answer.chunks or ()
        self._cut = answer.cut
        self._interval = interval

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if index and self._interval:
                time.sleep(self._interval)
            yield chunk
        self._end()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if index and self._interval:
                await asyncio.sleep(self._interval)
            yield chunk
        self._end()

    def _end(self) -> None:
        if self._cut:
            # What httpx raises when a server closes a chunked body before its end.
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body "
                "(incomplete chunked read)",
                request=self._request,
            )
