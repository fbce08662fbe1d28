"""Many calls of one operation, as a batch that adapts to the server and loses nothing.

`run_batch` drives any generated async method over an iterable of argument sets:

- it reads the iterable only as capacity frees up (memory stays flat in its length: at
  most `concurrency` calls in flight and as many results not yet taken) and yields a
  `BatchResult` per input as each completes: its index, and the response or the error
  as a value, so one failure never loses the others;
- at most `concurrency` calls are in flight. Every attempt's answer reaches the batch
  (through `ATTEMPT_OBSERVER`), retried ones included: a 429 or 503 halves the limit (once
  per window: answers to calls sent before the last decrease do not count again) while
  the call's own retry waits as usual, each success raises it by about one per window
  (additive increase, multiplicative decrease), and a `Retry-After` pauses the whole
  batch (for `MAX_PAUSE` at most): no call starts until it is over, nor while a refused
  call waits for its retry's answer (retries go first). An input still refused after its
  own retries is sent again later, up to `MAX_RESUBMISSIONS` times;
- `rate_limit` caps calls started per minute (a token bucket holding one second's worth);
- leaving the iteration early (break, an exception, cancellation) cancels the calls in
  flight and waits for them, so nothing is left running.

Each worker task (one more is started whenever every worker is busy, up to
`concurrency`) starts a call, awaits it, queues its result and goes straight on to the
next input: nothing runs between one call's end and the next one's
start, however many answers arrive at once (a call started from the loop that yields the
results would wait behind every other ready task, twice). The caller takes results from
the queue meanwhile.

`run_batch_sync` drives the same loop for synchronous code, on an event loop of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

import httpx
import pydantic

from .attempts_observer import ATTEMPT_OBSERVER
from .errors import APIError
from .retries import DEFAULT_POLICY, retry_after_seconds

__all__ = ["BatchRequest", "BatchResult", "run_batch", "run_batch_sync"]

T = TypeVar("T")

#: One input: a method's keyword arguments, or its request model.
BatchRequest = Union[Mapping[str, Any], pydantic.BaseModel]

#: Statuses that mean "too much": they lower the concurrency and the input is sent again.
_BACK_OFF_STATUSES = frozenset({429, 503})
#: How many times one input is sent again after a 429 or 503 before it is given up.
MAX_RESUBMISSIONS = 5
#: The longest a `Retry-After` pauses the batch, in seconds: the longest wait the default
#: retry policy honours (a call asked for more gives up at once; a server saying "come
#: back tomorrow" must not hold every input for a day, five times over).
MAX_PAUSE = DEFAULT_POLICY.backoff.max_interval / 1000


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
        #: Calls waiting for the answer to their retry of a 429 or 503: none starts meanwhile.
        self.retrying = 0
        #: Wakes the batch when the last of them has its answer.
        self.wake: Callable[[], None] = _nothing

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

    def refused(self, response: httpx.Response, elapsed: float) -> None:
        """A 429 or 503 to an attempt sent `elapsed` seconds ago."""
        now = time.monotonic()
        # Attempts sent before the last decrease saw the old limit: one halving per window.
        if now - elapsed >= self.last_decrease:
            self.limit = max(1.0, self.limit / 2.0)
            self.last_decrease = now
        pause = retry_after_seconds(response.headers, time.time())
        if pause:
            self.paused_until = max(self.paused_until, now + min(pause, MAX_PAUSE))


class _Call:
    """One input on its way: the `ATTEMPT_OBSERVER` of its call, which tells the batch
    of each 429 or 503 and of the call waiting to retry one."""

    __slots__ = ("arguments", "control", "ended", "index", "resent", "retrying")

    def __init__(
        self, index: int, arguments: dict[str, Any], control: _Controller, resent: int = 0
    ) -> None:
        self.index = index
        self.arguments = arguments
        self.control = control
        self.resent = resent
        self.retrying = False
        self.ended = False

    def __call__(self, response: httpx.Response, elapsed: float) -> None:
        refused = response.status_code in _BACK_OFF_STATUSES
        if refused:
            self.control.refused(response, elapsed)
        # (a task the call left behind may still report after it ended)
        if refused != self.retrying and not self.ended:
            self._set_retrying(refused)

    def end(self) -> None:
        self.ended = True
        if self.retrying:
            self._set_retrying(False)

    def _set_retrying(self, retrying: bool) -> None:
        self.retrying = retrying
        self.control.retrying += 1 if retrying else -1
        if not self.control.retrying:
            self.control.wake()


class _Gate:
    """Where workers wait for room to start a call, first come first woken."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def wait(self, timeout: float | None) -> None:
        """Until woken, or `timeout` seconds have passed."""
        waiter = self._loop.create_future()
        self._waiting.append(waiter)
        timer = None if timeout is None else self._loop.call_later(timeout, _wake, waiter)
        try:
            await waiter
        finally:
            if timer is not None:
                timer.cancel()
            if timer is not None or not waiter.done():  # not woken by `wake`: still queued
                with contextlib.suppress(ValueError):
                    self._waiting.remove(waiter)

    def wake(self, count: int = 1) -> None:
        while count > 0 and self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                count -= 1

    def wake_all(self) -> None:
        self.wake(len(self._waiting))

    @property
    def waiting(self) -> bool:
        """Whether a worker waits for room to start a call."""
        return bool(self._waiting)


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def _nothing() -> None:
    pass


class _Batch(Generic[T]):
    """What the workers share: the inputs, the inputs to send again, the results not yet
    taken, the count of calls in flight, and the limits."""

    def __init__(
        self,
        call: Callable[..., Awaitable[T]],
        requests: Iterable[BatchRequest],
        control: _Controller,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.call = call
        self.control = control
        self.inputs = enumerate(requests)
        self.exhausted = False
        self.resend: deque[_Call] = deque()  # refused even after their own retries
        self.results: deque[BatchResult[T]] = deque()
        #: Results not yet taken beyond which no call starts: memory stays flat however
        #: slowly the caller takes them.
        self.backlog = control.ceiling
        self.running = 0
        self.gate = _Gate(loop)
        control.wake = self.gate.wake_all
        self._loop = loop
        self._consumer: asyncio.Future[None] | None = None
        self.workers: list[asyncio.Task[None]] = []
        self.working = 0  # workers not ended
        self._spawn()
        self.failure: BaseException | None = None  # a worker's own, never a call's

    # -- the workers ---------------------------------------------------------------------

    async def work(self) -> None:
        """Start a call whenever the limits allow, until no input is left. A worker goes
        from a call's end straight to the next call's start: no other task in between."""
        while True:
            item = await self._next()
            if item is None:
                return
            if not self.gate.waiting and len(self.workers) < self.control.ceiling:
                self._spawn()  # a worker for the next free slot: as many as inputs in flight
            observing = ATTEMPT_OBSERVER.set(item)
            try:
                try:
                    pending = self.call(**item.arguments)
                except Exception as refused:  # arguments the method does not take
                    self._deliver(BatchResult(item.index, item.arguments, error=refused))
                    continue
                self.control.started()
                self.running += 1
                try:
                    response = await pending
                except Exception as error:
                    outcome = _failure(error, item, self.control, self.resend)
                else:
                    item.end()
                    self.control.succeeded()
                    outcome = BatchResult(item.index, item.arguments, response=response)
                finally:
                    self.running -= 1
            finally:
                ATTEMPT_OBSERVER.reset(observing)
            if outcome is not None:
                self._deliver(outcome)
            if self.resend or not self.exhausted:
                # This worker takes a free slot itself; waiting ones take the others (the
                # limit may have grown, a refused input may wait to be sent again).
                self.gate.wake(int(self.control.limit) - self.running - 1)

    async def _next(self) -> _Call | None:
        """The next input to send, once the limits allow; None when the batch is over."""
        while True:
            if self.exhausted and not self.resend and not self.running:
                self.gate.wake_all()  # the other workers end too
                return None
            wait: float | None = None  # until woken
            if (
                self.running < int(self.control.limit)
                and not self.control.retrying
                and len(self.results) < self.backlog
                and (self.resend or not self.exhausted)
            ):
                wait = self.control.wait_before_start(time.monotonic())
                if wait == 0:
                    item = self._take()
                    if item is not None:
                        return item
                    continue
            await self.gate.wait(wait)

    def _take(self) -> _Call | None:
        """An input to send again, else the next one read (None: none left, or it was
        not readable, a failed result)."""
        if self.resend:
            return self.resend.popleft()
        try:
            index, request = next(self.inputs)
        except StopIteration:
            self.exhausted = True
            return None
        try:
            return _Call(index, arguments_of(request), self.control)
        except (TypeError, ValueError) as bad_input:
            self._deliver(BatchResult(index, {}, error=bad_input))
            return None

    def _deliver(self, result: BatchResult[T]) -> None:
        self.results.append(result)
        _wake(self._consumer)

    # -- the caller's side ---------------------------------------------------------------

    def _spawn(self) -> None:
        worker = self._loop.create_task(self.work())
        self.workers.append(worker)
        self.working += 1
        worker.add_done_callback(self._worker_ended)

    def take(self) -> BatchResult[T]:
        """The oldest result not yet taken (there is one); a worker waiting for room in
        the backlog gets it."""
        self.gate.wake()
        return self.results.popleft()

    async def wait(self) -> None:
        """Until a result arrives or a worker ends."""
        waiter = self._consumer = self._loop.create_future()
        try:
            await waiter
        finally:
            self._consumer = None

    def _worker_ended(self, worker: asyncio.Task[None]) -> None:
        self.working -= 1
        if not worker.cancelled() and self.failure is None:
            self.failure = worker.exception()
        _wake(self._consumer)


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
    batch = _Batch(call, requests, control, asyncio.get_running_loop())
    try:
        while True:
            if batch.results:
                yield batch.take()
            elif batch.failure is not None:
                raise batch.failure  # the batch's own fault, not a call's: not a result
            elif not batch.working:
                return
            else:
                await batch.wait()
    finally:
        for worker in batch.workers:
            worker.cancel()
        await asyncio.gather(*batch.workers, return_exceptions=True)


def _failure(
    error: Exception, item: _Call, control: _Controller, resend: deque[_Call]
) -> BatchResult[Any] | None:
    """The result of a failed call, or None when its input is queued to be sent again."""
    item.end()
    refused = isinstance(error, APIError) and error.status_code in _BACK_OFF_STATUSES
    if refused and item.resent < MAX_RESUBMISSIONS:
        resend.append(_Call(item.index, item.arguments, control, item.resent + 1))
        return None
    return BatchResult(item.index, item.arguments, error=error)


def run_batch_sync(
    call: Callable[..., Awaitable[T]],
    requests: Iterable[BatchRequest],
    *,
    concurrency: int = 8,
    rate_limit: float | None = None,
) -> Iterator[BatchResult[T]]:
    """`run_batch` for synchronous code: an event loop of its own runs the calls while
    the caller waits for the next result (and is closed, calls cancelled, at the end).
    Refused inside a running event loop, which it would block."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "The synchronous batch runs an event loop of its own and cannot run inside "
            "one that is running: in async code, iterate the `_async` method with `async for`"
        )
    _Controller(concurrency, rate_limit)  # refuse bad limits now, not at the first result
    return _results_sync(call, requests, concurrency, rate_limit)


def _results_sync(
    call: Callable[..., Awaitable[T]],
    requests: Iterable[BatchRequest],
    concurrency: int,
    rate_limit: float | None,
) -> Iterator[BatchResult[T]]:
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
