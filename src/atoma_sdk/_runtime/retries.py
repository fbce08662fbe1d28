"""Retry configuration (the atoma-sdk 0.1.3 API) and the policy the pipeline applies.

`RetryConfig` is what users write; `RetryPolicy` is the resolved decision table the
pipeline asks after each failed attempt: retry, and after how long, or give up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .sentinel import UNSET, OptionalNullable

__all__ = ["RETRYABLE_STATUSES", "BackoffStrategy", "RetryConfig", "RetryPolicy", "resolve_policy"]

#: Statuses atoma-sdk 0.1.3 retries when a RetryConfig is in force.
RETRYABLE_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})

#: Share of the interval added as random jitter (so jitter scales with the interval).
JITTER_RATIO = 0.25


@dataclass(frozen=True)
class BackoffStrategy:
    """Exponential backoff, all times in milliseconds (atoma-sdk 0.1.3 field names)."""

    initial_interval: int = 500
    max_interval: int = 60_000
    exponent: float = 1.5
    max_elapsed_time: int = 3_600_000


@dataclass(frozen=True)
class RetryConfig:
    """How to retry failed requests: `RetryConfig("backoff", BackoffStrategy(...), True)`.

    `strategy` is "backoff" to retry or "none" to disable retries. With
    `retry_connection_errors` set, failures to connect and timeouts are retried too.
    """

    strategy: str
    backoff: BackoffStrategy | None = None
    retry_connection_errors: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    """Decides, after a failed attempt, whether to try again and how long to wait first."""

    backoff: BackoffStrategy
    statuses: frozenset[int]
    retry_connection_errors: bool

    def should_retry_status(self, status_code: int) -> bool:
        return status_code in self.statuses

    def should_retry_error(self, error: Exception) -> bool:
        return self.retry_connection_errors and isinstance(
            error, (httpx.ConnectError, httpx.TimeoutException)
        )

    def delay_ms(
        self, retries_done: int, elapsed_ms: float, jitter: Callable[[], float]
    ) -> float | None:
        """Milliseconds to wait before the next attempt, or None once the time budget is spent.

        `retries_done` counts retries already made; `jitter()` returns a number in [0, 1).
        """
        b = self.backoff
        interval = b.initial_interval * b.exponent**retries_done
        delay = min(interval * (1 + JITTER_RATIO * jitter()), b.max_interval)
        if elapsed_ms + delay > b.max_elapsed_time:
            return None
        return delay


def resolve_policy(
    per_call: OptionalNullable[RetryConfig], client_default: OptionalNullable[RetryConfig]
) -> RetryPolicy | None:
    """The policy for one call: the call's `retries` wins; `None` or strategy "none" disables."""
    config = client_default if per_call is UNSET else per_call
    if not isinstance(config, RetryConfig) or config.strategy != "backoff":
        return None
    return RetryPolicy(
        backoff=config.backoff or BackoffStrategy(),
        statuses=RETRYABLE_STATUSES,
        retry_connection_errors=config.retry_connection_errors,
    )
