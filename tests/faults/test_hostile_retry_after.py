"""`Retry-After` and `retry-after-ms` values that are not delays, from a real local server
on a fake clock: each is ignored as unreadable (the backoff is waited, the error's
`retry_after` and each retry's notice say None), never taken for a wait of NaN, infinity
or a number Python's `float()` happens to read."""

from __future__ import annotations

import json
import logging

import pytest
from fault_server import Behaviour, Exchange
from fault_support import REQUIRED, FakeClock, Flavour, MakeSDK, StartServer

from atoma_sdk import RateLimitError
from atoma_sdk.cli_progress import describe_retry

NOT_DELAYS = [
    "nan",
    "inf",
    "1e400",
    "9" * 400,  # digits, but past a float's range
    "-5",
    "1_000",
    "3, 5",  # two headers, joined
    "\u0663".encode().decode("latin-1"),  # ARABIC-INDIC DIGIT THREE, sent as UTF-8
]


def rate_limited(name: str, value: str) -> Behaviour:
    body = json.dumps({"error": {"message": "slow down"}}).encode()
    head = (
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
        f"{name}: {value}\r\nContent-Length: {len(body)}\r\n\r\n"
    )

    def behaviour(exchange: Exchange) -> bool:
        exchange.send(head.encode("latin-1") + body)
        return True

    return behaviour


@pytest.mark.parametrize("name", ["Retry-After", "retry-after-ms"])
@pytest.mark.parametrize("value", NOT_DELAYS, ids=lambda value: repr(value)[:12])
async def test_a_value_that_is_not_a_delay_is_ignored(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    name: str,
    value: str,
) -> None:
    server = start_server(rate_limited(name, value))
    sdk = make_sdk(server.url, clock=clock)
    with caplog.at_level(logging.INFO, "atoma_sdk"), pytest.raises(RateLimitError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.retry_after is None
    assert server.request_count == 3  # the default policy: two retries
    assert clock.sleeps == [0.5, 1.0]  # its backoff, jitter 0
    notices = [record.atoma_retry for record in caplog.records if hasattr(record, "atoma_retry")]
    assert [notice.retry_after_seconds for notice in notices] == [None, None]
    for notice in notices:  # what the `atoma` command prints: no "nan seconds", no crash
        assert describe_retry(notice).startswith("attempt "), describe_retry(notice)


async def test_a_delay_is_still_read(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    """Control: the same server with a delay written as HTTP writes it (spaces around it
    are the server's, not part of the value)."""
    server = start_server(rate_limited("Retry-After", " 2 "))
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(RateLimitError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.retry_after == 2.0
    assert clock.sleeps == [2.0, 2.0]
