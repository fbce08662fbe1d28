"""A hook that hears every attempt's answer, for whoever drives many calls at once.

A batch (`batch.py`) sets `ATTEMPT_OBSERVER` before it creates each call's task; the task
copies the context, so the retry loop (`pipeline.attempts`) of that call, and of any call
it makes, reports each HTTP answer to it, retried ones included. That is how the batch
slows down on a 429 that the call's own retry then absorbs. Unset (the usual case), it
costs one context-variable read per call.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

import httpx

__all__ = ["ATTEMPT_OBSERVER", "AttemptObserver"]

#: Told `(response, seconds since that attempt was sent)` as each answer arrives, before
#: the retry loop decides whether to retry. It must be quick and must not raise.
AttemptObserver = Callable[[httpx.Response, float], None]

ATTEMPT_OBSERVER: ContextVar[AttemptObserver | None] = ContextVar(
    "atoma_attempt_observer", default=None
)
