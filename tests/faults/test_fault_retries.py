"""Retries over real sockets, on a fake clock: Retry-After forms, a 503 storm outlasting
`max_elapsed_time`, and the connection pool after many failed attempts."""

from __future__ import annotations

import email.utils

import pytest
from fault_server import (
    Behaviour,
    close_mid_body,
    json_response,
    reset,
    reset_after_headers,
    respond,
)
from fault_support import (
    OK_BODY,
    REQUIRED,
    WALL_START,
    FakeClock,
    Flavour,
    MakeSDK,
    StartServer,
    assert_at_most_one_idle,
    assert_pool_clean,
    pool_connections,
    stopwatch,
)

from atoma_sdk import models
from atoma_sdk.utils import BackoffStrategy, RetryConfig

RATE_LIMITED = {"error": {"message": "slow down"}}


def http_date(unix_time: float) -> str:
    return email.utils.formatdate(unix_time, usegmt=True)


RETRY_AFTER_FORMS = [
    pytest.param({"Retry-After": "3"}, 3.0, id="seconds"),
    pytest.param({"Retry-After": "2.5"}, 2.5, id="fractional-seconds"),
    pytest.param({"Retry-After": http_date(WALL_START + 7)}, 7.0, id="http-date"),
    pytest.param({"retry-after-ms": "1500"}, 1.5, id="retry-after-ms"),
    pytest.param({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5, id="ms-wins"),
    # a demand shorter than the backoff: the backoff (500 ms) is waited
    pytest.param({"Retry-After": "0"}, 0.5, id="zero"),
    pytest.param({"Retry-After": http_date(WALL_START - 60)}, 0.5, id="date-in-the-past"),
]


@pytest.mark.parametrize(("headers", "expected_wait"), RETRY_AFTER_FORMS)
async def test_429_retry_after_is_waited_out(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    headers: dict[str, str],
    expected_wait: float,
) -> None:
    server = start_server(json_response(429, RATE_LIMITED, headers), json_response(200, OK_BODY))
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch:
        result = await flavour.generate(sdk, **REQUIRED)  # the default policy retries 429
    assert result.created == OK_BODY["created"]
    assert server.request_count == 2
    assert clock.sleeps == [expected_wait]
    assert clock.kinds == [flavour.name]
    assert watch.elapsed < 2.0  # the fake clock did the waiting
    assert server.connections_accepted == 1  # the 429 was read in full; connection reused
    assert_at_most_one_idle(flavour.owned_client(sdk))


@pytest.mark.parametrize(
    ("headers", "expected_sleeps", "expected_retry_after"),
    [
        pytest.param({"Retry-After": "3"}, [3.0, 3.0], 3.0, id="seconds"),
        # a fixed date: 7 s away at first, already past after the first wait of 7 s
        pytest.param({"Retry-After": http_date(WALL_START + 7)}, [7.0, 1.0], 0.0, id="http-date"),
        pytest.param({"retry-after-ms": "1500"}, [1.5, 1.5], 1.5, id="retry-after-ms"),
    ],
)
async def test_429_storm_raises_rate_limit_error(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    headers: dict[str, str],
    expected_sleeps: list[float],
    expected_retry_after: float,
) -> None:
    server = start_server(json_response(429, RATE_LIMITED, headers))
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(models.RateLimitError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert type(info.value) is models.RateLimitError
    assert info.value.status_code == 429
    assert info.value.message == "slow down"
    assert info.value.retry_after == expected_retry_after
    assert server.request_count == 3  # DEFAULT_POLICY: at most 2 retries
    assert clock.sleeps == expected_sleeps
    assert_at_most_one_idle(flavour.owned_client(sdk))


async def test_429_asking_more_than_max_interval_is_not_waited(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    server = start_server(json_response(429, RATE_LIMITED, {"Retry-After": "3600"}))
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(models.RateLimitError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.retry_after == 3600.0
    assert server.request_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("jitter", [0.0, 0.9])
async def test_503_storm_longer_than_max_elapsed_time(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, jitter: float
) -> None:
    clock = FakeClock(jitter=jitter)
    backoff = BackoffStrategy(
        initial_interval=500, max_interval=60_000, exponent=2.0, max_elapsed_time=5_000
    )
    server = start_server(json_response(503, {"error": {"message": "overloaded"}}))
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(models.InternalServerError) as info:
        await flavour.generate(sdk, **REQUIRED, retries=RetryConfig("backoff", backoff, False))
    assert info.value.status_code == 503
    assert info.value.message == "overloaded"
    factor = 1 + 0.25 * jitter
    # 0.5 s, 1 s, 2 s (times the jitter factor); the next 4 s would end past 5 s
    assert clock.sleeps == pytest.approx([0.5 * factor, 1.0 * factor, 2.0 * factor])
    assert server.request_count == len(clock.sleeps) + 1 == 4
    assert sum(clock.sleeps) <= backoff.max_elapsed_time / 1000
    assert sum(clock.sleeps) + 4.0 * factor > backoff.max_elapsed_time / 1000
    assert watch.elapsed < 2.0
    assert_at_most_one_idle(flavour.owned_client(sdk))


async def test_503_storm_default_policy_gives_up_after_two_retries(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    server = start_server(json_response(503, {"error": {"message": "overloaded"}}))
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(models.InternalServerError):
        await flavour.generate(sdk, **REQUIRED)
    assert server.request_count == 3
    assert clock.sleeps == [0.5, 1.0]
    assert server.connections_accepted == 1
    assert_at_most_one_idle(flavour.owned_client(sdk))


# -- the pool after many failed attempts ------------------------------------------------------

MANY_RETRIES = RetryConfig(
    "backoff", BackoffStrategy(100, 1_000, 2.0, 3_600_000), retry_connection_errors=True
)


@pytest.mark.parametrize(
    ("failure", "new_connection_each_time"),
    [
        pytest.param(json_response(503, {"error": "busy"}), False, id="503"),
        pytest.param(respond(503, "B" * 1_000_000, content_type="text/plain"), False, id="1MB-503"),
        pytest.param(reset(), True, id="reset"),
        pytest.param(reset_after_headers(pause=0.01), True, id="reset-after-headers"),
        pytest.param(close_mid_body(), True, id="eof-mid-body"),
    ],
)
async def test_pool_after_five_failed_attempts_then_success(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    failure: Behaviour,
    new_connection_each_time: bool,
) -> None:
    server = start_server(*[failure] * 5, json_response(200, OK_BODY))
    sdk = make_sdk(server.url, clock=clock)
    result = await flavour.generate(sdk, **REQUIRED, retries=MANY_RETRIES)
    assert result.created == OK_BODY["created"]
    assert server.request_count == 6
    assert len(clock.sleeps) == 5
    assert server.connections_accepted == (6 if new_connection_each_time else 1)
    assert_at_most_one_idle(flavour.owned_client(sdk))
    assert len(pool_connections(flavour.owned_client(sdk))) == 1

    # and the pool is still usable: the next call reuses the idle connection
    server.set_script(json_response(200, OK_BODY))
    accepted = server.connections_accepted
    await flavour.generate(sdk, **REQUIRED, retries=None)
    assert server.connections_accepted == accepted
    assert_at_most_one_idle(flavour.owned_client(sdk))


async def test_pool_after_five_failed_calls(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    """Five calls each ending in a dropped connection leave nothing behind."""
    server = start_server(reset())
    sdk = make_sdk(server.url, clock=clock)
    for _ in range(5):
        with pytest.raises(models.APIConnectionError):
            await flavour.generate(sdk, **REQUIRED, retries=None)
        assert_pool_clean(flavour.owned_client(sdk))
    assert server.request_count == 5
    assert pool_connections(flavour.owned_client(sdk)) == []
