"""The hook the batch listens on: a context's `ATTEMPT_OBSERVER` hears every answer of
every attempt, retried ones included, on the sync and the async path alike."""

from __future__ import annotations

import json

import httpx

from atoma_sdk import AtomaSDK
from atoma_sdk._runtime.attempts_observer import ATTEMPT_OBSERVER
from atoma_sdk.utils import BackoffStrategy, RetryConfig

OK_BODY = json.dumps({"created": 1, "data": [{"url": "https://img.test/1.png"}]}).encode()
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 10_000))


def answers(statuses: list[int]) -> httpx.MockTransport:
    """A transport answering each request with the next of `statuses`."""
    left = list(statuses)

    def handle(request: httpx.Request) -> httpx.Response:
        status = left.pop(0)
        headers = {"content-type": "application/json"}
        if status == 429:
            headers["retry-after-ms"] = "1"
        return httpx.Response(status, content=OK_BODY, headers=headers)

    return httpx.MockTransport(handle)


def test_the_sync_path_reports_each_attempt_to_the_observer() -> None:
    heard: list[tuple[int, float]] = []
    observing = ATTEMPT_OBSERVER.set(
        lambda response, elapsed: heard.append((response.status_code, elapsed))
    )
    try:
        with (
            httpx.Client(transport=answers([429, 503, 200])) as http,
            AtomaSDK(
                bearer_auth="tok",
                server_url="http://batch.test",
                client=http,
                retry_config=FAST_RETRIES,
            ) as sdk,
        ):
            sdk.images.generate(model="m", prompt="p")
    finally:
        ATTEMPT_OBSERVER.reset(observing)
    assert [status for status, _ in heard] == [429, 503, 200]
    assert all(elapsed >= 0 for _, elapsed in heard)


async def test_the_async_path_reports_each_attempt_and_nothing_without_an_observer() -> None:
    heard: list[int] = []
    async with (
        httpx.AsyncClient(transport=answers([429, 200, 429, 200])) as http,
        AtomaSDK(
            bearer_auth="tok",
            server_url="http://batch.test",
            async_client=http,
            retry_config=FAST_RETRIES,
        ) as sdk,
    ):
        observing = ATTEMPT_OBSERVER.set(lambda response, _: heard.append(response.status_code))
        try:
            await sdk.images.generate_async(model="m", prompt="p")
        finally:
            ATTEMPT_OBSERVER.reset(observing)
        await sdk.images.generate_async(model="m", prompt="p")  # no observer: nobody told
    assert heard == [429, 200]
