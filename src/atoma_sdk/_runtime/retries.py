"""Retry configuration (the atoma-sdk 0.1.3 API) and the policy the pipeline applies.

`RetryConfig` is what users write; `RetryPolicy` is the resolved decision table the
pipeline asks after each failed attempt: retry, and after how long, or give up.
"""

from __future__ import annotations

import email.utils
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from . import checks
from .sentinel import UNSET, OptionalNullable

__all__ = [
    "DEFAULT_POLICY",
    "RETRYABLE_STATUSES",
    "BackoffStrategy",
    "RetryConfig",
    "RetryPolicy",
    "resolve_policy",
    "retry_after_seconds",
]

#: Statuses atoma-sdk 0.1.3 retries when a RetryConfig is in force.
RETRYABLE_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})

#: Share of the interval added as random jitter (so jitter scales with the interval).
JITTER_RATIO = 0.25


@dataclass(frozen=True)
class BackoffStrategy:
    """Exponential backoff, all times in milliseconds (atoma-sdk 0.1.3 field names).

    Checked when built: the intervals more than zero and at most a week, `exponent` at
    least 1 (waits never shrink), `max_elapsed_time` zero (no retries) or more; all finite.
    """

    initial_interval: int = 500
    max_interval: int = 60_000
    exponent: float = 1.5
    max_elapsed_time: int = 3_600_000

    def __post_init__(self) -> None:
        checks.milliseconds("BackoffStrategy.initial_interval", self.initial_interval)
        checks.milliseconds("BackoffStrategy.max_interval", self.max_interval)
        checks.number("BackoffStrategy.exponent", self.exponent, minimum=1)
        checks.number(
            "BackoffStrategy.max_elapsed_time",
            self.max_elapsed_time,
            minimum=0,
            unit=" of milliseconds",
        )

    def interval(self, retries_done: int) -> float:
        """`initial_interval * exponent**retries_done`, at most `max_interval`, computed
        without overflow however many retries were done."""
        ceiling = float(self.max_interval)
        initial = float(self.initial_interval)
        if initial >= ceiling or self.exponent == 1:
            return min(initial, ceiling)
        if retries_done * math.log(self.exponent) >= math.log(ceiling / initial):
            return ceiling
        return initial * float(self.exponent) ** retries_done


@dataclass(frozen=True)
class RetryConfig:
    """How to retry failed requests: `RetryConfig("backoff", BackoffStrategy(...), True)`.

    `strategy` is "backoff" to retry or "none" to disable retries. With
    `retry_connection_errors`, failures to connect, dropped or reset connections and
    timeouts are retried too.
    """

    strategy: str
    backoff: BackoffStrategy | None = None
    retry_connection_errors: bool = False

    def __post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            checks.instance_of("RetryConfig.strategy", self.strategy, str, '"backoff" or "none"')
            raise ValueError(
                f'RetryConfig.strategy must be "backoff" or "none", got {self.strategy!r}'
            )
        if self.backoff is not None:
            checks.instance_of(
                "RetryConfig.backoff", self.backoff, BackoffStrategy, "a BackoffStrategy or None"
            )
        checks.instance_of(
            "RetryConfig.retry_connection_errors", self.retry_connection_errors, bool, "a bool"
        )


@dataclass(frozen=True)
class RetryPolicy:
    """Decides, after a failed attempt, whether to try again and how long to wait first."""

    backoff: BackoffStrategy
    statuses: frozenset[int]
    errors: tuple[type[Exception], ...]
    #: Retries allowed after the first attempt; None: only `max_elapsed_time` bounds them.
    max_retries: int | None = None

    def should_retry_status(self, status_code: int) -> bool:
        return status_code in self.statuses

    def should_retry_error(self, error: Exception) -> bool:
        return isinstance(error, self.errors)

    def delay_ms(
        self,
        retries_done: int,
        elapsed_ms: float,
        jitter: Callable[[], float],
        retry_after_ms: float | None = None,
    ) -> float | None:
        """Milliseconds to wait before the next attempt, or None to give up.

        `retries_done` counts retries already made; `jitter()` returns a number in [0, 1).
        A server's `retry_after_ms` is waited out when it is within `max_interval`;
        a longer demand, too many retries, or a wait ending past `max_elapsed_time`
        gives up.
        """
        b = self.backoff
        if self.max_retries is not None and retries_done >= self.max_retries:
            return None
        delay = min(b.interval(retries_done) * (1 + JITTER_RATIO * jitter()), b.max_interval)
        if retry_after_ms is not None:
            if retry_after_ms > b.max_interval:
                return None
            delay = max(delay, retry_after_ms)
        if elapsed_ms + delay > b.max_elapsed_time:
            return None
        return delay


#: Errors meaning the request never reached the server: safe to send again.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
#: What `retry_connection_errors=True` adds: also dropped/reset connections and timeouts.
CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    httpx.NetworkError,
    httpx.TimeoutException,
    httpx.RemoteProtocolError,
)

#: Without any RetryConfig: retry only what the server certainly did not process. A call
#: may not be idempotent (it may create something, or be billed), so a 500 or a dropped
#: connection, after which the work may have been done, is not retried.
DEFAULT_POLICY = RetryPolicy(
    backoff=BackoffStrategy(
        initial_interval=500, max_interval=60_000, exponent=2.0, max_elapsed_time=300_000
    ),
    statuses=frozenset({429, 503}),
    errors=NOT_SENT_ERRORS,
    max_retries=2,
)


def resolve_policy(
    per_call: OptionalNullable[RetryConfig], client_default: OptionalNullable[RetryConfig]
) -> RetryPolicy | None:
    """The policy for one call. The call's `retries` wins over the client's `retry_config`;
    with neither, `DEFAULT_POLICY`. `None` or strategy "none" disables retries."""
    config = client_default if per_call is UNSET else per_call
    if config is UNSET:
        return DEFAULT_POLICY
    if not isinstance(config, RetryConfig) or config.strategy != "backoff":
        return None
    return _policy_for(config)


@functools.lru_cache(maxsize=64)
def _policy_for(config: RetryConfig) -> RetryPolicy:
    return RetryPolicy(
        backoff=config.backoff or BackoffStrategy(),
        statuses=RETRYABLE_STATUSES,
        errors=CONNECTION_ERRORS if config.retry_connection_errors else (),
    )


def retry_after_seconds(headers: httpx.Headers, now: float) -> float | None:
    """The wait a response asks for: `retry-after-ms`, or `Retry-After` in seconds or as
    an HTTP date (relative to `now`, a Unix time). None when absent or unreadable."""
    milliseconds = _delay(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _delay(value)
    if seconds is not None:
        return seconds
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(date.timestamp() - now, 0.0)


#: A delay as HTTP writes one: ASCII digits (a fraction tolerated). Python's `float()`
#: would also take "nan", "inf", "-5", "1_000" and other scripts' digits.
_DELAY = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)


def _delay(value: str | None) -> float | None:
    if value is None or not _DELAY.fullmatch(value := value.strip()):
        return None
    number = float(value)
    return number if math.isfinite(number) else None  # 400 digits are infinite
