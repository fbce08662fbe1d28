"""Retries, on a fake clock: what is retried, how often, and how long the SDK waits."""

from __future__ import annotations

import email.utils
import logging
import uuid

import httpx
import pytest
import respx
from sdk_support import OK_BODY, REQUIRED, WALL_START, FakeClock, Flavour, MakeSDK

from atoma_sdk import AtomaSDK, models
from atoma_sdk.utils import BackoffStrategy, RetryConfig

BACKOFF = BackoffStrategy(500, 60_000, 1.5, 3_600_000)
RETRY = RetryConfig("backoff", BACKOFF, False)


def ok() -> httpx.Response:
    return httpx.Response(200, json=OK_BODY)


def fail(status: int) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": f"failure {status}"}})


def expected_sleeps(backoff: BackoffStrategy, count: int, jitter: float) -> list[float]:
    """The documented waits, in seconds: min(initial * exponent**k * (1 + 0.25 j), max)."""
    return [
        min(
            backoff.initial_interval * backoff.exponent**k * (1 + 0.25 * jitter),
            backoff.max_interval,
        )
        / 1000
        for k in range(count)
    ]


def assert_slept(clock: FakeClock, flavour: Flavour, expected: list[float]) -> None:
    assert clock.sleeps == pytest.approx(expected, rel=1e-12, abs=0)
    assert clock.kinds == [flavour.name] * len(expected)  # async code never blocks the loop


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_retryable_status_retried_until_success(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, status: int
) -> None:
    route.mock(side_effect=[fail(status), fail(status), ok()])
    res = await flavour.generate(make_sdk(retry_config=RETRY), **REQUIRED)
    assert res.created == OK_BODY["created"]
    assert route.call_count == 3
    assert_slept(clock, flavour, [0.5, 0.75])
    # the very same body is sent on every attempt
    assert {c.request.content for c in route.calls} == {b'{"model":"m","prompt":"p"}'}


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 501])
async def test_other_statuses_not_retried(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, status: int
) -> None:
    route.mock(side_effect=[fail(status), ok()])
    with pytest.raises(models.APIError) as info:
        await flavour.generate(make_sdk(retry_config=RETRY), **REQUIRED)
    assert info.value.status_code == status
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("backoff", "jitter", "retries"),
    [
        pytest.param(BACKOFF, 0.0, 4, id="no-jitter"),
        pytest.param(BACKOFF, 0.5, 4, id="half-jitter"),
        pytest.param(BACKOFF, 0.999, 3, id="max-jitter"),
        pytest.param(BackoffStrategy(1_000, 1_500, 2.0, 3_600_000), 0.5, 4, id="capped"),
        pytest.param(BackoffStrategy(100, 60_000, 3.0, 3_600_000), 0.2, 5, id="exponent-3"),
    ],
)
async def test_sleeps_follow_backoff(
    flavour: Flavour,
    make_sdk: MakeSDK,
    clock: FakeClock,
    route: respx.Route,
    backoff: BackoffStrategy,
    jitter: float,
    retries: int,
) -> None:
    clock.jitter_value = jitter
    route.mock(side_effect=[fail(503)] * retries + [ok()])
    await flavour.generate(
        make_sdk(retry_config=RetryConfig("backoff", backoff, False)), **REQUIRED
    )
    assert route.call_count == retries + 1
    assert_slept(clock, flavour, expected_sleeps(backoff, retries, jitter))


async def test_sleeps_literal_values(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    """The same formula, spelled out: 500 ms x 1.5**k, +25 % x jitter, capped at 1.5 s."""
    clock.jitter_value = 0.5
    backoff = BackoffStrategy(500, 1_500, 1.5, 3_600_000)
    route.mock(side_effect=[fail(503)] * 4 + [ok()])
    await flavour.generate(make_sdk(), **REQUIRED, retries=RetryConfig("backoff", backoff, False))
    assert_slept(clock, flavour, [0.5625, 0.84375, 1.265625, 1.5])


async def test_per_call_retries_override_client_config(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    per_call = RetryConfig("backoff", BackoffStrategy(100, 60_000, 2.0, 3_600_000), False)
    route.mock(side_effect=[fail(503), fail(503), ok()])
    await flavour.generate(make_sdk(retry_config=RETRY), **REQUIRED, retries=per_call)
    assert route.call_count == 3
    assert_slept(clock, flavour, [0.1, 0.2])


async def test_per_call_retries_without_client_config(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(502), ok()])
    await flavour.generate(make_sdk(), **REQUIRED, retries=RETRY)
    assert route.call_count == 2
    assert_slept(clock, flavour, [0.5])


async def test_backoff_none_uses_default_strategy(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(503), ok()])
    await flavour.generate(make_sdk(retry_config=RetryConfig("backoff", None, False)), **REQUIRED)
    assert route.call_count == 2
    assert_slept(clock, flavour, [0.5])  # BackoffStrategy() starts at 500 ms


@pytest.mark.parametrize(
    ("client_config", "call_retries"),
    [
        pytest.param(RETRY, None, id="per-call-none-beats-client"),
        pytest.param(RETRY, RetryConfig("none", None, False), id="per-call-strategy-none"),
        pytest.param(RetryConfig("none", None, False), "default", id="client-strategy-none"),
        pytest.param(None, "default", id="client-none"),
        pytest.param("default", None, id="no-client-config-per-call-none"),
    ],
)
async def test_retries_disabled(
    flavour: Flavour,
    make_sdk: MakeSDK,
    clock: FakeClock,
    route: respx.Route,
    client_config: RetryConfig | str | None,
    call_retries: RetryConfig | str | None,
) -> None:
    route.mock(side_effect=[fail(503), ok()])
    sdk: AtomaSDK = (
        make_sdk() if client_config == "default" else make_sdk(retry_config=client_config)
    )
    with pytest.raises(models.APIError) as info:
        if call_retries == "default":
            await flavour.generate(sdk, **REQUIRED)
        else:
            await flavour.generate(sdk, **REQUIRED, retries=call_retries)
    assert info.value.status_code == 503
    assert route.call_count == 1
    assert clock.sleeps == []


async def test_storm_stops_at_max_elapsed_time(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    # Waits 500, 750, 1125 ms (total 2375); the next, 1687.5 ms, would end at 4062.5 > 3000.
    backoff = BackoffStrategy(500, 60_000, 1.5, 3_000)
    route.mock(return_value=fail(503))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(
            make_sdk(retry_config=RetryConfig("backoff", backoff, False)), **REQUIRED
        )
    assert info.value.status_code == 503
    assert info.value.message == "failure 503"
    assert route.call_count == 4
    assert_slept(clock, flavour, [0.5, 0.75, 1.125])
    assert sum(clock.sleeps) * 1000 <= backoff.max_elapsed_time


@pytest.mark.parametrize("jitter", [0.0, 0.7])
async def test_storm_total_wait_bounded(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, jitter: float
) -> None:
    clock.jitter_value = jitter
    backoff = BackoffStrategy(200, 1_000, 2.0, 10_000)
    route.mock(return_value=fail(429))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(
            make_sdk(), **REQUIRED, retries=RetryConfig("backoff", backoff, False)
        )
    assert info.value.status_code == 429
    waits = expected_sleeps(backoff, 40, jitter)
    expected: list[float] = []
    for wait in waits:  # keep every wait that still ends within max_elapsed_time
        if (sum(expected) + wait) * 1000 > backoff.max_elapsed_time:
            break
        expected.append(wait)
    assert_slept(clock, flavour, expected)
    assert route.call_count == len(expected) + 1
    assert sum(clock.sleeps) * 1000 <= backoff.max_elapsed_time


async def test_zero_max_elapsed_time_means_single_attempt(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(503), ok()])
    backoff = BackoffStrategy(500, 60_000, 1.5, 0)
    with pytest.raises(models.APIError):
        await flavour.generate(
            make_sdk(retry_config=RetryConfig("backoff", backoff, False)), **REQUIRED
        )
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.ReadTimeout("slow")],
    ids=["connect-error", "connect-timeout", "read-timeout"],
)
async def test_connection_errors_retried_when_enabled(
    flavour: Flavour,
    make_sdk: MakeSDK,
    clock: FakeClock,
    route: respx.Route,
    error: httpx.TransportError,
) -> None:
    route.mock(side_effect=[error, error, ok()])
    retry = RetryConfig("backoff", BACKOFF, True)
    res = await flavour.generate(make_sdk(retry_config=retry), **REQUIRED)
    assert res.created == OK_BODY["created"]
    assert route.call_count == 3
    assert_slept(clock, flavour, [0.5, 0.75])


async def test_connection_error_propagates_when_not_enabled(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(side_effect=[httpx.ConnectError("refused"), ok()])
    with pytest.raises(httpx.ConnectError, match="refused"):
        await flavour.generate(make_sdk(retry_config=RETRY), **REQUIRED)
    assert route.call_count == 1
    assert clock.sleeps == []


async def test_connection_error_propagates_when_retries_are_off(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    original = httpx.ConnectError("refused")
    route.mock(side_effect=[original, ok()])
    with pytest.raises(httpx.ConnectError) as info:
        await flavour.generate(make_sdk(), **REQUIRED, retries=None)
    assert isinstance(info.value, models.APIConnectionError)
    assert not isinstance(info.value, models.APITimeoutError)
    assert info.value.__cause__ is original
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "error",
    [
        httpx.RemoteProtocolError("hung up"),
        httpx.ReadError("connection reset"),
        httpx.ReadTimeout("slow"),
        httpx.WriteTimeout("slow"),
    ],
    ids=type,
)
@pytest.mark.parametrize("retry_connection_errors", [True, False])
async def test_dropped_connections_and_timeouts_follow_retry_connection_errors(
    flavour: Flavour,
    make_sdk: MakeSDK,
    clock: FakeClock,
    route: respx.Route,
    error: httpx.TransportError,
    retry_connection_errors: bool,
) -> None:
    route.mock(side_effect=[error, ok()])
    config = RetryConfig("backoff", BACKOFF, retry_connection_errors)
    if retry_connection_errors:
        await flavour.generate(make_sdk(retry_config=config), **REQUIRED)
        assert route.call_count == 2
        assert_slept(clock, flavour, [0.5])
    else:
        with pytest.raises(type(error)) as info:
            await flavour.generate(make_sdk(retry_config=config), **REQUIRED)
        assert isinstance(info.value, models.APIConnectionError)
        assert isinstance(info.value, models.APITimeoutError) == isinstance(
            error, httpx.TimeoutException
        )
        assert route.call_count == 1
        assert clock.sleeps == []


# The safe default policy, when no RetryConfig is given anywhere


@pytest.mark.parametrize("status", [429, 503])
async def test_default_policy_retries_429_and_503_twice(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, status: int
) -> None:
    route.mock(return_value=fail(status))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(make_sdk(), **REQUIRED)
    assert info.value.status_code == status
    assert route.call_count == 3
    assert_slept(clock, flavour, [0.5, 1.0])  # 500 ms, doubling


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_default_policy_does_not_retry_work_that_may_have_been_done(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, status: int
) -> None:
    route.mock(side_effect=[fail(status), ok()])
    with pytest.raises(models.InternalServerError):
        await flavour.generate(make_sdk(), **REQUIRED)
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("")]
)
async def test_default_policy_retries_requests_that_never_left(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, error: Exception
) -> None:
    route.mock(side_effect=[error, ok()])
    res = await flavour.generate(make_sdk(), **REQUIRED)
    assert res.created == OK_BODY["created"]
    assert route.call_count == 2
    assert_slept(clock, flavour, [0.5])


@pytest.mark.parametrize(
    "error",
    [httpx.RemoteProtocolError("hung up"), httpx.ReadError("reset"), httpx.ReadTimeout("slow")],
)
async def test_default_policy_does_not_retry_dropped_connections(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route, error: Exception
) -> None:
    route.mock(side_effect=[error, ok()])
    with pytest.raises(type(error)) as info:
        await flavour.generate(make_sdk(), **REQUIRED)
    assert isinstance(info.value, models.APIConnectionError)
    assert route.call_count == 1


async def test_connection_error_storm_reraises_last_error(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    backoff = BackoffStrategy(500, 60_000, 1.5, 1_500)  # room for 500 + 750 ms only
    route.mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(httpx.ConnectError, match="refused"):
        await flavour.generate(
            make_sdk(retry_config=RetryConfig("backoff", backoff, True)), **REQUIRED
        )
    assert route.call_count == 3
    assert_slept(clock, flavour, [0.5, 0.75])


async def test_mixed_failures_then_success(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(503), httpx.ConnectError("refused"), fail(429), ok()])
    retry = RetryConfig("backoff", BACKOFF, True)
    res = await flavour.generate(make_sdk(retry_config=retry), **REQUIRED)
    assert res.data[0].url == "https://img.test/1.png"
    assert route.call_count == 4
    assert_slept(clock, flavour, [0.5, 0.75, 1.125])


async def test_each_call_starts_its_own_backoff(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(503), ok(), fail(503), ok()])
    sdk = make_sdk(retry_config=RETRY)
    await flavour.generate(sdk, **REQUIRED)
    await flavour.generate(sdk, **REQUIRED)
    assert route.call_count == 4
    assert_slept(clock, flavour, [0.5, 0.5])


# Retry-After


def rate_limited(**headers: str) -> httpx.Response:
    return httpx.Response(429, json={"error": {"message": "slow down"}}, headers=headers)


@pytest.mark.parametrize(
    ("headers", "expected_wait"),
    [
        pytest.param({"retry-after": "3"}, 3.0, id="seconds"),
        pytest.param({"retry-after": "2.5"}, 2.5, id="fractional-seconds"),
        pytest.param({"retry-after-ms": "1500"}, 1.5, id="milliseconds"),
        pytest.param({"retry-after-ms": "1200", "retry-after": "9"}, 1.2, id="milliseconds-win"),
        pytest.param(
            {"retry-after": email.utils.formatdate(WALL_START + 7, usegmt=True)},
            7.0,
            id="http-date",
        ),
        pytest.param({"retry-after": "0.1"}, 0.5, id="shorter-than-backoff"),
        pytest.param({"retry-after": "soon"}, 0.5, id="unreadable"),
    ],
)
@pytest.mark.parametrize("configured", [True, False], ids=["retry-config", "default-policy"])
async def test_retry_after_is_waited_out(
    flavour: Flavour,
    make_sdk: MakeSDK,
    clock: FakeClock,
    route: respx.Route,
    headers: dict[str, str],
    expected_wait: float,
    configured: bool,
) -> None:
    route.mock(side_effect=[rate_limited(**headers), ok()])
    sdk = make_sdk(retry_config=RETRY) if configured else make_sdk()
    await flavour.generate(sdk, **REQUIRED)
    assert route.call_count == 2
    assert_slept(clock, flavour, [expected_wait])


@pytest.mark.parametrize(
    ("config", "retry_after", "cap"),
    [
        pytest.param(None, "61", 60, id="default-policy-caps-at-60s"),
        pytest.param(
            RetryConfig("backoff", BackoffStrategy(500, 10_000, 1.5, 3_600_000), False),
            "11",
            10,
            id="max-interval-caps",
        ),
    ],
)
async def test_longer_retry_after_raises_at_once(
    flavour: Flavour,
    make_sdk: MakeSDK,
    clock: FakeClock,
    route: respx.Route,
    config: RetryConfig | None,
    retry_after: str,
    cap: int,
) -> None:
    route.mock(side_effect=[rate_limited(**{"retry-after": retry_after}), ok()])
    sdk = make_sdk(retry_config=config) if config else make_sdk()
    with pytest.raises(models.RateLimitError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.retry_after == float(retry_after) > cap
    assert info.value.message == "slow down"
    assert route.call_count == 1
    assert clock.sleeps == []


async def test_rate_limit_error_without_retry_after(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    route.mock(return_value=rate_limited())
    with pytest.raises(models.RateLimitError) as info:
        await flavour.generate(make_sdk(), **REQUIRED, retries=None)
    assert info.value.retry_after is None


# Idempotency-Key


async def test_every_attempt_of_a_call_carries_the_same_idempotency_key(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(503), fail(503), ok(), ok()])
    sdk = make_sdk(retry_config=RETRY)
    await flavour.generate(sdk, **REQUIRED)
    keys = [c.request.headers.get_list("idempotency-key") for c in route.calls]
    assert len(keys) == 3
    assert keys[0] == keys[1] == keys[2]
    assert uuid.UUID(keys[0][0]).version == 4
    await flavour.generate(sdk, **REQUIRED)  # a new call gets a new key
    assert route.calls.last.request.headers["idempotency-key"] != keys[0][0]


async def test_user_idempotency_key_wins(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    route.mock(side_effect=[fail(503), ok()])
    await flavour.generate(
        make_sdk(retry_config=RETRY), **REQUIRED, http_headers={"IDEMPOTENCY-KEY": "mine-1"}
    )
    for call in route.calls:
        assert call.request.headers.get_list("idempotency-key") == ["mine-1"]


# Logging


async def test_each_retry_is_logged_at_info(
    flavour: Flavour,
    make_sdk: MakeSDK,
    route: respx.Route,
    caplog: pytest.LogCaptureFixture,
) -> None:
    route.mock(side_effect=[fail(503), httpx.ConnectError("refused"), ok()])
    with caplog.at_level(logging.INFO, logger="atoma_sdk"):
        await flavour.generate(
            make_sdk(retry_config=RetryConfig("backoff", BACKOFF, True)), **REQUIRED
        )
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            logging.INFO,
            "Retrying POST /v1/images/generations (attempt 2) after status 503 in 0.500 s",
        ),
        (
            logging.INFO,
            "Retrying POST /v1/images/generations (attempt 3) after ConnectError in 0.750 s",
        ),
    ]
