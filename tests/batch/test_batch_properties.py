"""generate_many over any mix of answers: every input comes back exactly once, with its
index, as a response or an error value, and the calls in flight never exceed the
concurrency (counted where the requests arrive)."""

from __future__ import annotations

import asyncio
import json

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from atoma_sdk import APIConnectionError, AtomaSDK, BadRequestError

OK_BODY = json.dumps({"created": 1, "data": [{"url": "https://img.test/1.png"}]}).encode()
#: What the first attempt of an input gets; every later attempt is answered 200.
FIRST_ANSWERS = st.sampled_from(["ok", "bad request", "429", "503", "connection refused"])


@settings(max_examples=30, deadline=None)
@given(
    first_answers=st.lists(FIRST_ANSWERS, max_size=40),
    concurrency=st.integers(min_value=1, max_value=12),
    hold=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=10),
)
def test_every_input_comes_back_once_and_concurrency_holds(
    first_answers: list[str], concurrency: int, hold: list[int]
) -> None:
    in_flight = peak = 0
    attempts: dict[str, int] = {}

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        prompt = json.loads(request.content)["prompt"]
        number = attempts[prompt] = attempts.get(prompt, 0) + 1
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            for _ in range(hold[number % len(hold)]):  # answers come back in any order
                await asyncio.sleep(0)
        finally:
            in_flight -= 1
        answer = first_answers[int(prompt)] if number == 1 else "ok"
        if answer == "connection refused":
            raise httpx.ConnectError("refused", request=request)
        status = {"ok": 200, "bad request": 400, "429": 429, "503": 503}[answer]
        return httpx.Response(status, content=OK_BODY, headers={"content-type": "application/json"})

    async def run() -> list[tuple[int, Exception | None]]:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http,
            AtomaSDK(bearer_auth="tok", server_url="http://batch.test", async_client=http) as sdk,
        ):
            requests = (
                {"model": "m", "prompt": str(i), "retries": None} for i in range(len(first_answers))
            )
            batch = sdk.images.generate_many_async(requests, concurrency=concurrency)
            return [(r.index, r.error) async for r in batch]

    results = asyncio.run(run())
    expected = {
        "ok": None,
        "bad request": BadRequestError,
        "429": None,  # sent again by the batch, then answered
        "503": None,
        "connection refused": APIConnectionError,
    }
    assert sorted(index for index, _ in results) == list(range(len(first_answers)))
    for index, error in results:
        wanted = expected[first_answers[index]]
        assert error is None if wanted is None else isinstance(error, wanted)
    assert peak <= concurrency
