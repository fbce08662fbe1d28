"""Time and randomness used by retries, in one replaceable object so tests need not sleep."""

from __future__ import annotations

import random
import time

__all__ = ["SYSTEM_CLOCK", "Clock"]


class Clock:
    """The real clock. Tests substitute a fake that records sleeps instead of waiting."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        """Wall-clock Unix time, to read `Retry-After` dates."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def sleep_async(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(seconds)

    def jitter(self) -> float:
        """A number in [0, 1) scaling the random part of a backoff delay."""
        return random.random()


SYSTEM_CLOCK = Clock()
