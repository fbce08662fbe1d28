"""images.generate_many: results as they complete, errors as values, bounded and adaptive
concurrency, Retry-After pausing the batch, cancellation, against a real local server."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from batch_server import Answer, Arrival, BatchServer

from atoma_sdk import AtomaSDK, BadRequestError, InternalServerError, models
from atoma_sdk._runtime.batch import MAX_RESUBMISSIONS


@pytest.fixture
async def sdk() -> AsyncIterator[AtomaSDK]:
    made = AtomaSDK(bearer_auth="tok", server_url="http://127.0.0.1:1")
    yield made
    await made.aclose()


def args(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "prompt": prompt, **extra}


async def test_results_come_as_they_complete_with_their_input_index(sdk: AtomaSDK) -> None:
    delays = {"slow": 0.6, "fast": 0.0, "medium": 0.3}
    with BatchServer(lambda a: Answer(delay=delays[a.prompt])) as server:
        requests = [args(p, server_url=server.url) for p in delays]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=3)]
    assert [r.index for r in results] == [1, 2, 0]
    assert all(r.arguments["prompt"] == list(delays)[r.index] for r in results)
    assert all(isinstance(r.response, models.CreateImageResponse) for r in results)


async def test_a_failure_is_a_result_and_the_others_go_on(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer(400 if a.prompt.startswith("bad") else 200)) as server:
        prompts = ["ok0", "bad1", "ok2", "bad3", "ok4"]
        requests = [args(p, server_url=server.url) for p in prompts]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=2)]
    by_index = {r.index: r for r in results}
    assert sorted(by_index) == [0, 1, 2, 3, 4]
    assert [i for i, r in sorted(by_index.items()) if not r.ok] == [1, 3]
    assert all(isinstance(by_index[i].error, BadRequestError) for i in (1, 3))
    assert all(by_index[i].response is not None for i in (0, 2, 4))


async def test_an_unreadable_input_is_a_failed_result(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer()) as server:
        requests: list[Any] = [args("a", server_url=server.url), ["not", "a", "mapping"]]
        results = [r async for r in sdk.images.generate_many_async(requests)]
    assert sorted((r.index, r.ok) for r in results) == [(0, True), (1, False)]


class CountedInputs:
    """`count` inputs for `url`, counting how many the batch has read."""

    def __init__(self, url: str, count: int) -> None:
        self.read = 0
        self._url, self._count = url, count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self._count):
            self.read += 1
            yield args(f"p{i}", server_url=self._url)


async def test_concurrency_is_never_exceeded_and_inputs_are_read_lazily(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer(delay=0.05)) as server:
        inputs = CountedInputs(server.url, 40)
        seen_read: list[int] = []
        async for _ in sdk.images.generate_many_async(inputs, concurrency=5):
            seen_read.append(inputs.read)
    assert server.peak == 5
    assert len(server.arrivals) == 40
    # the iterable is never more than the calls in flight plus the results not yet
    # taken (a window each) ahead of the results taken
    assert all(n <= i + 1 + 2 * 5 for i, n in enumerate(seen_read))


async def test_calls_go_on_while_the_caller_works_but_never_far_ahead(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer()) as server:
        inputs = CountedInputs(server.url, 30)
        lead: list[int] = []
        async for result in sdk.images.generate_many_async(inputs, concurrency=3):
            lead.append(inputs.read - len(lead) - 1)
            # a slow caller: every call in flight has its answer before the next is taken
            while len(server.answers) < min(30, inputs.read):
                await asyncio.sleep(0.01)
            assert result.ok
    print(f"inputs read ahead of the results taken: {lead}")
    assert len(server.arrivals) == 30
    # calls went on while the caller worked (more than a window read ahead), but never
    # more than 3 results waiting and 3 calls in flight
    assert 3 < max(lead) <= 2 * 3


async def test_429_lowers_the_concurrency_then_it_recovers(sdk: AtomaSDK) -> None:
    # Late answers are slow enough (32 calls/s at 16 in flight) that calls in flight at the
    # server show the client's limit even when the machine is busy.
    def rule(a: Arrival) -> Answer:
        if a.number < 60:
            return Answer(429) if a.in_flight > 4 else Answer(delay=0.05)
        return Answer(delay=0.5)

    with BatchServer(rule) as server:
        requests = (args(f"p{i}", server_url=server.url, retries=None) for i in range(200))
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=16)]
    assert sorted(r.index for r in results) == list(range(200))
    assert [r.error for r in results if not r.ok] == []
    rejected = sum(1 for status, _ in server.answers if status == 429)
    late = [a.in_flight for a in server.arrivals[-60:]]
    print(f"429s: {rejected}; peak in flight late {max(late)}")
    assert 0 < rejected < 35  # the limit came down (a fixed 16 would see about 45 of 60)
    assert server.peak <= 16  # resent inputs never exceed the concurrency either
    assert max(late) > 8  # and went back up once the server accepted again


async def test_a_429_the_call_s_own_retry_absorbs_still_lowers_the_concurrency(
    sdk: AtomaSDK,
) -> None:
    refused = threading.Event()

    def rule(a: Arrival) -> Answer:
        if a.prompt == "p0" and not refused.is_set():
            refused.set()
            return Answer(429)  # no Retry-After: the call backs off (0.5 s) and retries
        refused.wait(5)  # the first wave is answered after the 429
        return Answer(delay=0.3)

    with BatchServer(rule) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(16)]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=8)]
    assert sorted(r.index for r in results) == list(range(16))
    assert all(r.ok for r in results)
    assert [status for status, _ in server.answers].count(429) == 1
    assert [a.prompt for a in server.arrivals].count("p0") == 2  # the call's retry, no resend
    # Halved to 4 by the 429, then up by about 1/limit a success: 15 successes reach 6.8.
    assert server.peak <= 8
    later = [a.in_flight for a in server.arrivals[8:]]
    print(f"in flight at the server after the 429: at most {max(later)}")
    assert max(later) <= 6


async def test_retry_after_pauses_every_call_while_the_call_s_own_retry_waits(
    sdk: AtomaSDK,
) -> None:
    def rule(a: Arrival) -> Answer:
        if a.number == 0:
            return Answer(429, headers={"retry-after": "1"})
        return Answer(delay=0.2)

    with BatchServer(rule) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(12)]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=4)]
    assert sorted(r.index for r in results) == list(range(12))
    assert all(r.ok for r in results)
    refused_at = next(at for status, at in server.answers if status == 429)
    refused_prompt = server.arrivals[0].prompt
    # The first four went out together; everything after them (the refused call's own
    # retry, and the eight not sent yet) waited for the Retry-After.
    later = server.arrivals[4:]
    during_pause = [a for a in later if a.at - refused_at < 0.99]
    print(f"first arrival after the 429: {min(a.at for a in later) - refused_at:.3f} s")
    assert len(later) == 9
    assert during_pause == []
    assert [a.prompt for a in server.arrivals].count(refused_prompt) == 2


async def test_no_call_starts_while_a_refused_call_waits_for_its_retry(sdk: AtomaSDK) -> None:
    def rule(a: Arrival) -> Answer:
        return Answer(503) if a.number == 0 else Answer(delay=0.1)  # 503: backs off 0.5 s

    with BatchServer(rule) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(12)]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=4)]
    assert all(r.ok for r in results) and len(results) == 12
    refused = server.arrivals[0]
    retry = next(a for a in server.arrivals[1:] if a.prompt == refused.prompt)
    # Halved to 2, the three others done: without the rule one more would start at once.
    started_later = [a for a in server.arrivals[4:] if a is not retry]
    first = min(a.at for a in started_later) - retry.answered
    print(f"first start after the retry's answer: {first:.3f} s")
    assert all(a.at >= retry.answered for a in started_later)


async def test_a_refused_input_is_sent_again_after_its_own_retries(sdk: AtomaSDK) -> None:
    def rule(a: Arrival) -> Answer:
        return Answer(503 if a.prompt == "p1" and a.number < 5 else 200)

    with BatchServer(rule) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(3)]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=1)]
    assert sorted((r.index, r.ok) for r in results) == [(0, True), (1, True), (2, True)]
    # one call: 3 attempts refused (its own 2 retries); sent again: refused once, then ok
    assert [a.prompt for a in server.arrivals] == ["p0", "p1", "p1", "p1", "p1", "p1", "p2"]


async def test_an_input_refused_every_time_is_given_up_as_a_failed_result(
    sdk: AtomaSDK,
) -> None:
    with BatchServer(lambda a: Answer(503 if a.prompt == "p1" else 200)) as server:
        requests = [args(f"p{i}", server_url=server.url, retries=None) for i in range(2)]
        results = [r async for r in sdk.images.generate_many_async(requests, concurrency=1)]
    assert sorted((r.index, r.ok) for r in results) == [(0, True), (1, False)]
    error = next(r.error for r in results if r.index == 1)
    assert isinstance(error, InternalServerError)
    assert error.status_code == 503
    assert [a.prompt for a in server.arrivals].count("p1") == 1 + MAX_RESUBMISSIONS


async def test_leaving_early_cancels_the_calls_in_flight(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer(delay=0.1 if a.prompt == "p0" else 5.0)) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(10)]
        batch = sdk.images.generate_many_async(requests, concurrency=4)
        first = await anext(batch)
        await batch.aclose()  # type: ignore[attr-defined]
        assert first.index == 0
        assert asyncio.all_tasks() == {asyncio.current_task()}
        assert len(server.arrivals) <= 5  # 4, then at most one more as p0 finished


async def test_cancelling_the_consumer_leaves_nothing_running(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer(delay=5.0)) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(10)]

        async def consume() -> None:
            async for _ in sdk.images.generate_many_async(requests, concurrency=3):
                pass

        task = asyncio.ensure_future(consume())
        while len(server.arrivals) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert asyncio.all_tasks() == {asyncio.current_task()}
        assert len(server.arrivals) == 3


def test_the_sync_twin_drives_the_same_batch() -> None:
    def rule(a: Arrival) -> Answer:
        return Answer(400 if a.prompt == "bad" else 200, delay=0.02)

    with BatchServer(rule) as server, AtomaSDK(bearer_auth="tok", server_url=server.url) as sdk:
        prompts = ["a", "bad", "c", "d"]
        results = list(sdk.images.generate_many([args(p) for p in prompts], concurrency=2))
        again = list(sdk.images.generate_many([models.CreateImageRequest(model="m", prompt="e")]))
    assert sorted((r.index, r.ok) for r in results) == [(0, True), (1, False), (2, True), (3, True)]
    assert server.peak <= 2
    assert [(r.index, r.ok) for r in again] == [(0, True)]


async def test_the_sync_twin_refuses_to_run_inside_an_event_loop(sdk: AtomaSDK) -> None:
    with pytest.raises(RuntimeError, match="async for"):
        sdk.images.generate_many([args("a")])


async def test_arguments_the_method_refuses_are_a_failed_result(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer()) as server:
        requests = [args("a", server_url=server.url), args("b", colour="red")]
        results = [r async for r in sdk.images.generate_many_async(requests)]
    assert sorted((r.index, r.ok) for r in results) == [(0, True), (1, False)]
    assert isinstance(next(r.error for r in results if r.index == 1), TypeError)
    assert [a.prompt for a in server.arrivals] == ["a"]


async def test_rate_limit_caps_the_calls_started_per_minute(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer()) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(25)]
        started = time.monotonic()
        batch = sdk.images.generate_many_async(requests, concurrency=8, rate_limit=600)
        results = [r async for r in batch]
    assert sorted((r.index, r.ok) for r in results) == [(i, True) for i in range(25)]
    # 600 a minute: a bucket of one second's worth (10) at once, then one every 0.1 s
    offsets = sorted(a.at - started for a in server.arrivals)
    print("arrivals (s):", " ".join(f"{t:.2f}" for t in offsets))
    early = [(k, t) for k, t in enumerate(offsets) if t < (k + 1 - 10) / 10 - 0.01]
    assert early == []
    assert offsets[-1] >= 1.5 - 0.01


async def test_an_input_iterable_that_fails_ends_the_batch_with_its_error(sdk: AtomaSDK) -> None:
    def inputs(url: str) -> Any:
        for i in range(3):
            yield args(f"p{i}", server_url=url)
        raise LookupError("the input file went away")

    with BatchServer(lambda a: Answer(delay=0.3)) as server:
        taken = []
        with pytest.raises(LookupError, match="went away"):
            async for result in sdk.images.generate_many_async(inputs(server.url), concurrency=5):
                taken.append(result)
    # the batch's own failure, not a call's: raised as soon as it happened, nothing left
    assert taken == []
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_a_concurrency_far_above_the_inputs_costs_nothing_for_it(sdk: AtomaSDK) -> None:
    with BatchServer(lambda a: Answer(delay=0.1)) as server:
        requests = [args(f"p{i}", server_url=server.url) for i in range(3)]
        tasks_seen = []
        async for result in sdk.images.generate_many_async(requests, concurrency=1_000_000):
            tasks_seen.append(len(asyncio.all_tasks()))
            assert result.ok
    # a worker per input in flight (and one that found none left), not a million
    print(f"tasks while results came: {tasks_seen}")
    assert len(tasks_seen) == 3 and max(tasks_seen) <= 1 + 3 + 1
    assert server.peak == 3
