"""Many calls of one operation, as a batch that adapts to the server and loses nothing.

`run_batch` drives any generated async method over an iterable of argument sets:

- it reads the iterable only as capacity frees up (memory stays flat in its length) and
  yields a `BatchResult` per input as each completes: its index, and the response or
  the error as a value, so one failure never loses the others;
- at most `concurrency` calls are in flight; a 429 or 503 (after the call's own retries)
  halves that limit and the rejected input is sent again later, each success raises it
  by about one per window (additive increase, multiplicative decrease), and a
  `Retry-After` pauses the whole batch, not one call;
- `rate_limit` caps calls started per minute (a token bucket holding one second's worth);
- leaving the iteration early (break, an exception, cancellation) cancels the calls in
  flight and waits for them, so nothing is left running.

`run_batch_sync` drives the same loop for synchronous code, on an event loop of its own.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

import pydantic

from .errors import APIError, RateLimitError
from .retries import retry_after_seconds

__all__ = ["BatchRequest", "BatchResult", "run_batch", "run_batch_sync"]

T = TypeVar("T")

#: One input: a method's keyword arguments, or its request model.
BatchRequest = Union[Mapping[str, Any], pydantic.BaseModel]

#: Statuses that mean "too much": they lower the concurrency and the input is sent again.
_BACK_OFF_STATUSES = frozenset({429, 503})
#: How many times one input is sent again after a 429 or 503 before it is given up.
MAX_RESUBMISSIONS = 5


@dataclass(frozen=True)
class BatchResult(Generic[T]):
    """One input's outcome: `response` when it succeeded, else `error`."""

    index: int
    arguments: Mapping[str, Any]
    response: T | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def arguments_of(request: BatchRequest) -> dict[str, Any]:
    """A method's keyword arguments from a dict of them or a request model (the fields
    it set)."""
    if isinstance(request, pydantic.BaseModel):
        return {name: getattr(request, name) for name in request.model_fields_set}
    return dict(request)


class _Controller:
    """The batch's limits: AIMD concurrency, the Retry-After pause, the token bucket."""

    def __init__(self, concurrency: int, rate_limit: float | None) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency: must be at least 1, got {concurrency}")
        if rate_limit is not None and rate_limit <= 0:
            raise ValueError(f"rate_limit: must be positive, got {rate_limit}")
        self.ceiling = concurrency
        self.limit = float(concurrency)
        self.paused_until = 0.0
        self.last_decrease = float("-inf")
        self.rate = None if rate_limit is None else rate_limit / 60.0  # per second
        self.capacity = 1.0 if self.rate is None else max(1.0, self.rate)
        self.tokens = self.capacity
        self.refilled = time.monotonic()

    def wait_before_start(self, now: float) -> float:
        """Seconds until another call may start (0: now)."""
        if now < self.paused_until:
            return self.paused_until - now
        if self.rate is None:
            return 0.0
        self.tokens = min(self.capacity, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def started(self) -> None:
        if self.rate is not None:
            self.tokens -= 1.0

    def succeeded(self) -> None:
        self.limit = min(float(self.ceiling), self.limit + 1.0 / self.limit)

    def rejected(self, started_at: float, now: float, pause: float | None) -> None:
        # Calls started before the last decrease saw the old limit: one halving per window.
        if started_at >= self.last_decrease:
            self.limit = max(1.0, self.limit / 2.0)
            self.last_decrease = now
        if pause is not None:
            self.paused_until = max(self.paused_until, now + pause)


def _rejection(error: Exception) -> tuple[bool, float | None]:
    """Whether `error` is a 429/503, and the pause its `Retry-After` asks for."""
    if not isinstance(error, APIError) or error.status_code not in _BACK_OFF_STATUSES:
        return False, None
    if isinstance(error, RateLimitError) and error.retry_after is not None:
        return True, error.retry_after
    return True, retry_after_seconds(error.headers, time.time())


async def run_batch(
    call: Callable[..., Awaitable[T]],
    requests: Iterable[BatchRequest],
    *,
    concurrency: int = 8,
    rate_limit: float | None = None,
) -> AsyncGenerator[BatchResult[T], None]:
    """`call(**arguments)` for each of `requests`; results as they complete (see the
    module's docstring)."""
    control = _Controller(concurrency, rate_limit)
    inputs = enumerate(requests)
    retry: deque[tuple[int, dict[str, Any], int]] = deque()  # rejected, to send again
    running: dict[asyncio.Task[T], tuple[int, dict[str, Any], int, float]] = {}
    exhausted = False
    try:
        while True:
            now = time.monotonic()
            wait = 0.0
            while len(running) < int(control.limit) and (retry or not exhausted):
                wait = control.wait_before_start(now)
                if wait > 0:
                    break
                if retry:
                    index, arguments, resent = retry.popleft()
                else:
                    try:
                        index, request = next(inputs)
                    except StopIteration:
                        exhausted = True
                        break
                    try:
                        arguments = arguments_of(request)
                    except (TypeError, ValueError) as bad_input:
                        yield BatchResult(index, {}, error=bad_input)
                        continue
                    resent = 0
                control.started()
                task = asyncio.ensure_future(call(**arguments))
                running[task] = (index, arguments, resent, now)
            if not running:
                if exhausted and not retry:
                    return
                await asyncio.sleep(wait)
                continue
            done, _ = await asyncio.wait(
                running,
                timeout=wait if wait > 0 else None,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for task in done:
                index, arguments, resent, started_at = running.pop(task)
                error = task.exception()
                if error is None:
                    control.succeeded()
                    yield BatchResult(index, arguments, response=task.result())
                    continue
                assert isinstance(error, Exception)
                rejected, pause = _rejection(error)
                if rejected:
                    control.rejected(started_at, time.monotonic(), pause)
                    if resent < MAX_RESUBMISSIONS:
                        retry.append((index, arguments, resent + 1))
                        continue
                yield BatchResult(index, arguments, error=error)
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)


def run_batch_sync(
    call: Callable[..., Awaitable[T]],
    requests: Iterable[BatchRequest],
    *,
    concurrency: int = 8,
    rate_limit: float | None = None,
) -> Iterator[BatchResult[T]]:
    """`run_batch` for synchronous code: an event loop of its own runs the calls while
    the caller waits for the next result (and is closed, calls cancelled, at the end)."""
    loop = asyncio.new_event_loop()
    results = run_batch(call, requests, concurrency=concurrency, rate_limit=rate_limit)
    try:
        while True:
            try:
                yield loop.run_until_complete(results.__anext__())
            except StopAsyncIteration:
                return
    finally:
        loop.run_until_complete(results.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
