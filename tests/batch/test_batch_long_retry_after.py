"""A `Retry-After` far longer than any call waits ("come back in a day", a date in the
year 9999) pauses a batch for `MAX_PAUSE` at most, against a real local server: the
refused input is sent again after the pause and the batch completes."""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import AsyncIterator
from typing import Any

import pytest
from batch_server import Answer, Arrival, BatchServer

from atoma_sdk import AtomaSDK
from atoma_sdk._runtime import batch

#: The cap in this test (60 s in the SDK): long enough to see that the batch paused.
PAUSE = 0.4


@pytest.fixture
async def sdk() -> AsyncIterator[AtomaSDK]:
    made = AtomaSDK(bearer_auth="tok", server_url="http://127.0.0.1:1")
    yield made
    await made.aclose()


@pytest.mark.parametrize(
    "retry_after",
    ["86400", email.utils.formatdate(253402300799, usegmt=True)],  # 9999-12-31T23:59:59Z
    ids=["a-day", "year-9999"],
)
async def test_a_retry_after_longer_than_any_call_waits_pauses_the_batch_briefly(
    sdk: AtomaSDK, monkeypatch: pytest.MonkeyPatch, retry_after: str
) -> None:
    monkeypatch.setattr(batch, "MAX_PAUSE", PAUSE)

    def rule(arrival: Arrival) -> Answer:
        if arrival.number == 0:
            return Answer(429, headers={"retry-after": retry_after})
        if arrival.number == 1:
            # The other first call ends well after the 429 reached the batch, so no
            # slot frees before the batch knows to pause (on a loaded machine it did).
            return Answer(delay=0.3)
        return Answer()

    with BatchServer(rule) as server:
        requests: list[dict[str, Any]] = [
            {"model": "m", "prompt": f"p{i}", "server_url": server.url} for i in range(6)
        ]

        async def run() -> list[Any]:
            return [r async for r in sdk.images.generate_many_async(requests, concurrency=2)]

        # Without the cap the batch would wait for the whole demand: fail, not hang.
        results = await asyncio.wait_for(run(), timeout=30)
    assert sorted((r.index, r.ok) for r in results) == [(i, True) for i in range(6)]
    refused = server.arrivals[0]
    # The call gave up at once (the demand is over its 60 s cap), and its input went out
    # again with the others once the pause was over, never before it.
    after = [a for a in server.arrivals if a.number > 1]
    first = min(a.at for a in after) - refused.answered
    print(f"first call started {first:.3f} s after the 429 (pause {PAUSE} s)")
    assert [a.prompt for a in server.arrivals].count(refused.prompt) == 2
    assert all(a.at - refused.answered >= PAUSE * 0.9 for a in after)
