"""The request pipeline shared by every generated method, sync and async.

The retry loop is written once, free of I/O, as a generator (`attempts`) that yields
what to do next: an `httpx.Request` to send, or a number of seconds to wait. Two small
drivers (`run_sync`, `run_async`) carry out those steps with a sync or an async client,
so the two flavours cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Union, cast

import httpx
from httpx._decoders import SUPPORTED_DECODERS, ContentDecoder, MultiDecoder

from .attempts_observer import ATTEMPT_OBSERVER
from .clock import Clock
from .deadline import attempt_deadline, check_replied
from .errors import ResponseTooLargeError, connection_error, lower_layer_error, status_error
from .operation import Operation, ResponseT
from .redirects import Redirect
from .responses import parse_body
from .retries import RetryPolicy, retry_after_seconds

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Reading",
    "RetryNotice",
    "attempts",
    "checked_size_cap",
    "raise_for_status",
    "read_result",
    "run_async",
    "run_sync",
]

#: The largest response body a call reads, counted decompressed, unless the SDK or the
#: call sets `max_response_bytes`; also the largest single server-sent event. Ten large
#: images as `b64_json` come to about 40 MB, so the cap sits well above that.
DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024
#: A compressed body goes to httpx's decoder in pieces this small, so that one step of
#: decoding (gzip and deflate expand at most 1,032-fold) yields about 1 MiB, and a
#: compression bomb is refused after the cap plus one such step, not after a whole
#: network read (64 KiB of gzip is 64 MiB decoded).
DECODE_STEP = 1024
#: What the SDK asks servers to compress with: what it can decode in bounded steps.
ACCEPT_ENCODING = "gzip, deflate"
#: Encodings the SDK does not read, so a response using one is refused unread: httpx
#: decodes brotli and zstd (with the optional brotli or zstandard package) in steps the
#: SDK cannot bound (one KiB of brotli can decode to hundreds of MiB at once), and LZW
#: (`compress`) not at all, handing the compressed bytes on as if they were the body.
_REFUSED_ENCODINGS = frozenset({"br", "zstd", "compress", "x-compress"})
#: Names RFC 9110 (8.4.1) says a recipient reads as another coding, which httpx does not.
_ALIASES = {"x-gzip": "gzip"}


@dataclass(frozen=True)
class RetryNotice:
    """A retry, as the `atoma_retry` attribute of its INFO log record, for programs that
    report progress (the `atoma` command) without parsing log text."""

    #: The attempt about to be made: 2 for the first retry.
    attempt: int
    #: Why: an httpx exception's class name, or `status 429`.
    reason: str
    wait_seconds: float
    #: What the response's `Retry-After` (or `retry-after-ms`) asked for, in seconds.
    retry_after_seconds: float | None


#: A step of a call: send this request, or wait this many seconds.
Step = Union[httpx.Request, float]
Attempts = Generator[Step, Union[httpx.Response, None], httpx.Response]


def attempts(
    request: httpx.Request, policy: RetryPolicy | None, clock: Clock, logger: logging.Logger
) -> Attempts:
    """Send `request` until a response is final under `policy`; return that response.

    A transport error that is not retried, or is the last, is raised as an
    `APIConnectionError` that is also the original httpx exception's class. A request
    whose body cannot be sent again (a stream that cannot seek back) is not retried.
    Each answer, retried or final, is reported to the context's `ATTEMPT_OBSERVER`.
    """
    started = clock.monotonic()
    retries_done = 0
    resendable = getattr(request.stream, "replayable", True)
    observe = ATTEMPT_OBSERVER.get()
    while True:
        retry_after: float | None = None
        sent = clock.monotonic() if observe is not None else 0.0
        try:
            response = yield request
        except httpx.RequestError as error:
            if policy is None or not policy.should_retry_error(error):
                raise connection_error(error) from error
            delay_ms = _next_delay(policy, retries_done, started, clock)
            reason = type(error).__name__
            if delay_ms is None or _not_resent(request, resendable, reason, logger):
                raise connection_error(error) from error
        except Exception as error:
            failure = lower_layer_error(error)
            if failure is None:
                raise
            raise failure from error
        else:
            assert response is not None
            if observe is not None:
                observe(response, clock.monotonic() - sent)
            if policy is None or not policy.should_retry_status(response.status_code):
                return response
            retry_after = retry_after_seconds(response.headers, clock.time())
            retry_after_ms = None if retry_after is None else retry_after * 1000
            delay_ms = _next_delay(policy, retries_done, started, clock, retry_after_ms)
            reason = f"status {response.status_code}"
            if delay_ms is None or _not_resent(request, resendable, reason, logger):
                return response
        retries_done += 1
        retry = RetryNotice(retries_done + 1, reason, delay_ms / 1000, retry_after)
        logger.info(
            "Retrying %s %s (attempt %d) after %s in %.3f s",
            request.method,
            request.url.path,
            retry.attempt,
            reason,
            retry.wait_seconds,
            extra={"atoma_retry": retry},
        )
        yield delay_ms / 1000


def _not_resent(
    request: httpx.Request, resendable: bool, reason: str, logger: logging.Logger
) -> bool:
    """True (and logged) when a retry is due but the body cannot be sent again: sending
    it would send an empty body."""
    if not resendable:
        logger.warning(
            "Not retrying %s %s after %s: its body was read from a stream that cannot be "
            "read again (pass bytes or a seekable file to allow retries)",
            request.method,
            request.url.path,
            reason,
        )
    return not resendable


def _next_delay(
    policy: RetryPolicy,
    retries_done: int,
    started: float,
    clock: Clock,
    retry_after_ms: float | None = None,
) -> float | None:
    elapsed_ms = (clock.monotonic() - started) * 1000
    return policy.delay_ms(retries_done, elapsed_ms, clock.jitter, retry_after_ms)


def checked_size_cap(name: str, value: object, default: int) -> int:
    """`value` as a size cap in bytes (`default` for None), refused unless a positive int."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number of bytes, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive number of bytes, got {value!r}")
    return value


@dataclass(frozen=True)
class Reading:
    """How a driver reads each response.

    `budget`: seconds an attempt may take as a whole (None: no bound beyond httpx's own
    timeouts); `stream`: leave a 2XX body unread for the caller to stream; `max_bytes`:
    refuse a body larger than this once decompressed, raising `too_large`.
    """

    budget: float | None
    stream: bool = False
    max_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
    too_large: type[ResponseTooLargeError] = ResponseTooLargeError
    #: the client's transport already bounds the attempt by `budget` (see deadline.py)
    bounded_by_transport: bool = False
    #: send with the client's own `auth=`; never for a URL of another origin (a download)
    client_auth: bool = True
    #: the operation declares a redirect as an answer: no client follows any (a user's
    #: `follow_redirects=True` would turn the declared `Redirect` into the target's answer)
    keep_redirects: bool = False


def run_sync(
    client: httpx.Client, steps: Attempts, clock: Clock, reading: Reading
) -> httpx.Response:
    """Carry out `steps` with a sync client."""
    response: httpx.Response | None = None
    try:
        step = next(steps)
        while True:
            if isinstance(step, httpx.Request):
                try:
                    response = _send_sync(client, step, clock, reading)
                except Exception as error:
                    step = steps.throw(error)
                else:
                    step = steps.send(response)
            else:
                if response is not None:  # a retried response is released before waiting
                    response.close()
                    response = None
                clock.sleep(step)
                step = steps.send(None)
    except StopIteration as done:
        result: httpx.Response = done.value
        return result
    finally:
        steps.close()


async def run_async(
    client: httpx.AsyncClient, steps: Attempts, clock: Clock, reading: Reading
) -> httpx.Response:
    """Carry out `steps` with an async client."""
    response: httpx.Response | None = None
    try:
        step = next(steps)
        while True:
            if isinstance(step, httpx.Request):
                try:
                    response = await _send_async(client, step, clock, reading)
                except Exception as error:
                    step = steps.throw(error)
                else:
                    step = steps.send(response)
            else:
                if response is not None:  # a retried response is released before waiting
                    await response.aclose()
                    response = None
                await clock.sleep_async(step)
                step = steps.send(None)
    except StopIteration as done:
        result: httpx.Response = done.value
        return result
    finally:
        steps.close()


def _auth(reading: Reading) -> httpx.Auth | httpx._client.UseClientDefault | None:
    """The client's own `auth` (its default), or none at all."""
    return httpx.USE_CLIENT_DEFAULT if reading.client_auth else None


def _follow(reading: Reading) -> bool | httpx._client.UseClientDefault:
    """The client's own `follow_redirects`, unless a redirect may be the answer."""
    return False if reading.keep_redirects else httpx.USE_CLIENT_DEFAULT


def _send_sync(
    client: httpx.Client, request: httpx.Request, clock: Clock, reading: Reading
) -> httpx.Response:
    """Send and read the body as `reading` says, closing the response if anything fails."""
    started = clock.monotonic()
    with attempt_deadline(reading.budget):
        response = client.send(
            request, stream=True, auth=_auth(reading), follow_redirects=_follow(reading)
        )
        try:
            if _guard(response, started, clock, reading):
                body = _Body(response, reading)
                for chunk in response.iter_bytes():
                    body.add(chunk)
                body.keep()
        except BaseException:
            response.close()
            raise
    return response


async def _send_async(
    client: httpx.AsyncClient, request: httpx.Request, clock: Clock, reading: Reading
) -> httpx.Response:
    """Send and read the body as `reading` says, closing the response if anything fails."""
    started = clock.monotonic()
    with attempt_deadline(reading.budget):
        response = await client.send(
            request, stream=True, auth=_auth(reading), follow_redirects=_follow(reading)
        )
        try:
            if _guard(response, started, clock, reading):
                body = _Body(response, reading)
                async for chunk in response.aiter_bytes():
                    body.add(chunk)
                body.keep()
        except BaseException:
            await response.aclose()
            raise
    return response


def _guard(response: httpx.Response, started: float, clock: Clock, reading: Reading) -> bool:
    """Bound the body about to be read: by time (`budget`), and by size (a declared
    `Content-Length` over the cap, a compressed body decoded in small steps). False for a
    2XX stream, left for the caller to read (without the attempt's time bound)."""
    check_replied(response)
    _check_framing(response)
    streaming = reading.stream and response.is_success
    encoding = response.headers.get("content-encoding", "identity").lower()
    codings = [token.strip() for token in encoding.split(",")]
    if not _REFUSED_ENCODINGS.isdisjoint(codings):
        raise httpx.DecodingError(
            f"The response is compressed with {encoding!r}, which the SDK does not ask for "
            f"and does not read (it asks for {ACCEPT_ENCODING!r})",
            request=response.request,
        )
    if not _ALIASES.keys().isdisjoint(codings):
        response._decoder = _decoder([_ALIASES.get(coding, coding) for coding in codings])
    encoded = encoding != "identity"
    limit = reading.max_bytes
    if limit is not None and not (streaming or encoded):
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(response, reading)
    timed = not streaming and reading.budget is not None and not reading.bounded_by_transport
    if timed or encoded:
        deadline = started + reading.budget if timed and reading.budget is not None else None
        step = DECODE_STEP if encoded else None
        response.stream = _GuardedStream(response, deadline, step, clock)
    return not streaming


def _check_framing(response: httpx.Response) -> None:
    """Refuse, on every backend, the heads httpx's own parser (h11) refuses or should:
    aiohttp passes an informational status on as the answer, and a transfer coding other
    than chunked undecoded; h11 reads a body framed both by `Transfer-Encoding` and by
    `Content-Length`, a sign of request smuggling (RFC 9112, 6.3), which aiohttp
    refuses. The connection is closed, not reused (its body is left unread)."""
    problem = None
    coding = response.headers.get("transfer-encoding")
    if response.status_code < 200:
        problem = f"the status {response.status_code} as its final answer"
    elif coding is not None and coding.replace(" ", "").lower() != "chunked":
        problem = f"Transfer-Encoding {coding!r} (only chunked is read)"
    elif coding is not None and "content-length" in response.headers:
        problem = "both Transfer-Encoding and Content-Length"
    if problem is not None:
        raise httpx.RemoteProtocolError(
            f"The response is malformed: {problem}", request=response.request
        )


def _decoder(codings: list[str]) -> ContentDecoder:
    """httpx's decoder for `codings` (what `Response` makes from its header, which it
    would read without the aliases: `x-gzip` passed on undecoded)."""
    decoders = [SUPPORTED_DECODERS[coding]() for coding in codings if coding in SUPPORTED_DECODERS]
    return decoders[0] if len(decoders) == 1 else MultiDecoder(decoders)


def _too_large(response: httpx.Response, reading: Reading) -> ResponseTooLargeError:
    limit = reading.max_bytes or 0
    url = response.request.url
    return reading.too_large(f"The response from {url} is larger than {limit} bytes", limit)


class _Body:
    """A body as httpx decodes it, refused as soon as it grows past the cap: what
    `Response.read()` does, counting the decompressed bytes."""

    def __init__(self, response: httpx.Response, reading: Reading) -> None:
        self._response = response
        self._reading = reading
        self._limit = reading.max_bytes
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._limit is not None and self._size > self._limit:
            self._chunks.clear()
            raise _too_large(self._response, self._reading)
        self._chunks.append(chunk)

    def keep(self) -> None:
        # `Response.read()` keeps the body in `_content`, which `.content` and `.text` read.
        self._response._content = b"".join(self._chunks)


class _GuardedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A raw response body that stops once the attempt's time is up, and that hands a
    compressed body on in `step`-byte pieces (see `DECODE_STEP`).

    httpx's read timeout bounds each wait for data; this bounds the whole body, so a
    server trickling bytes forever cannot hold a call past its timeout.
    """

    def __init__(
        self, response: httpx.Response, deadline: float | None, step: int | None, clock: Clock
    ) -> None:
        self._inner: Any = response.stream
        self._response = response
        self._deadline = deadline
        self._step = step
        self._clock = clock

    def _pieces(self, chunk: bytes) -> Iterator[bytes]:
        if self._deadline is not None and self._clock.monotonic() > self._deadline:
            raise httpx.ReadTimeout(
                "The response took longer than the timeout", request=self._response.request
            )
        step = self._step
        if step is None or len(chunk) <= step:
            yield chunk
        else:
            view = memoryview(chunk)
            for start in range(0, len(chunk), step):
                yield bytes(view[start : start + step])

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            yield from self._pieces(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            for piece in self._pieces(chunk):
                yield piece

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()


def raise_for_status(operation: Operation[Any], response: httpx.Response, clock: Clock) -> None:
    """Raise the error for a final response that is neither 2XX nor a redirect the
    operation declares (its body already read)."""
    if not response.is_success and not operation.declares_redirect(response.status_code):
        retry_after = retry_after_seconds(response.headers, clock.time())
        raise status_error(response, retry_after, operation.declared_errors())


def read_result(
    operation: Operation[ResponseT], response: httpx.Response, clock: Clock
) -> ResponseT:
    """Parse a final, fully read response into the operation's type (a declared redirect:
    a `Redirect`, which the generated type includes), or raise for it."""
    raise_for_status(operation, response, clock)
    if operation.declares_redirect(response.status_code):
        return cast("ResponseT", Redirect.of(response))
    return parse_body(operation, response)
