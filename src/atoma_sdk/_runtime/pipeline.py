"""The request pipeline shared by every generated method, sync and async.

The retry loop is written once, free of I/O, as a generator (`attempts`) that yields
what to do next: an `httpx.Request` to send, or a number of seconds to wait. Two tiny
drivers (`run_sync`, `run_async`) carry out those steps with a sync or an async client,
so the two flavours cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any, Union

import httpx

from .clock import Clock
from .errors import APIError, ResponseValidationError
from .operation import Operation, ResponseT
from .retries import RetryPolicy

__all__ = ["attempts", "read_result", "run_async", "run_sync"]

#: A step of a call: send this request, or wait this many seconds.
Step = Union[httpx.Request, float]
Attempts = Generator[Step, Union[httpx.Response, None], httpx.Response]


def attempts(
    request: httpx.Request, policy: RetryPolicy | None, clock: Clock, logger: logging.Logger
) -> Attempts:
    """Send `request` until a response is final under `policy`; return that response.

    Transport errors the policy does not retry propagate unchanged (as httpx raised them).
    When retrying stops being allowed, the last response is returned for the caller to
    turn into an error, or the last transport error is re-raised.
    """
    started = clock.monotonic()
    retries_done = 0
    while True:
        try:
            response = yield request
        except httpx.TransportError as error:
            if policy is None or not policy.should_retry_error(error):
                raise
            delay_ms = _next_delay(policy, retries_done, started, clock)
            if delay_ms is None:
                raise
            reason = type(error).__name__
        else:
            assert response is not None
            if policy is None or not policy.should_retry_status(response.status_code):
                return response
            delay_ms = _next_delay(policy, retries_done, started, clock)
            if delay_ms is None:
                return response
            reason = f"status {response.status_code}"
        retries_done += 1
        logger.info(
            "Retrying %s %s (attempt %d) after %s in %.3f s",
            request.method,
            request.url.path,
            retries_done + 1,
            reason,
            delay_ms / 1000,
        )
        yield delay_ms / 1000


def _next_delay(
    policy: RetryPolicy, retries_done: int, started: float, clock: Clock
) -> float | None:
    elapsed_ms = (clock.monotonic() - started) * 1000
    return policy.delay_ms(retries_done, elapsed_ms, clock.jitter)


def run_sync(client: httpx.Client, steps: Attempts, clock: Clock) -> httpx.Response:
    """Carry out `steps` with a sync client."""
    response: httpx.Response | None = None
    try:
        step = next(steps)
        while True:
            if isinstance(step, httpx.Request):
                try:
                    response = client.send(step)
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


async def run_async(client: httpx.AsyncClient, steps: Attempts, clock: Clock) -> httpx.Response:
    """Carry out `steps` with an async client."""
    response: httpx.Response | None = None
    try:
        step = next(steps)
        while True:
            if isinstance(step, httpx.Request):
                try:
                    response = await client.send(step)
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


def read_result(operation: Operation[ResponseT], response: httpx.Response) -> ResponseT:
    """Parse a final, fully read response into the operation's model, or raise for it."""
    status = response.status_code
    if not 200 <= status < 300:
        raise APIError.from_response(response)
    content_type = response.headers.get("content-type", "application/json")
    if not _is_json(content_type):
        raise ResponseValidationError(
            f"Unexpected content type {content_type!r} in a {status} response",
            status,
            response.text,
            response,
        )
    try:
        return operation.response_model.model_validate_json(response.content)
    except ValueError as error:  # pydantic.ValidationError, including invalid JSON
        raise ResponseValidationError(
            f"Response body does not match {operation.response_model.__name__}: {_summary(error)}",
            status,
            response.text,
            response,
            error,
        ) from error


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _summary(error: Exception) -> str:
    errors: Any = getattr(error, "errors", None)
    if callable(errors):
        details = errors()
        first = details[0]
        location = ".".join(str(part) for part in first.get("loc", ())) or "body"
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        return f"{location}: {first.get('msg', 'invalid')}{more}"
    return str(error)
