"""Transport faults against a real socket server: refused, reset and cut connections,
slow and endless responses. Each case checks the exception's exact class, how many
attempts were made, the wall time, and that no connection or thread is left behind."""

from __future__ import annotations

import httpx
import pytest
from fault_server import (
    Behaviour,
    close_mid_body,
    endless_body,
    reset,
    reset_after_headers,
    slow_body,
    slow_headers,
    trickle_headers,
    unused_port,
)
from fault_support import (
    REQUIRED,
    FakeClock,
    Flavour,
    MakeSDK,
    StartServer,
    assert_connection_error,
    assert_pool_clean,
    stopwatch,
)

from atoma_sdk import models
from atoma_sdk.utils import BackoffStrategy, RetryConfig

#: Three attempts on a fake clock: waits of 0.1 s, 0.1 s, then 0.3 s > 0.25 s gives up.
THREE_ATTEMPTS = BackoffStrategy(
    initial_interval=100, max_interval=100, exponent=1.0, max_elapsed_time=250
)
RETRY_CONNECTION_ERRORS = RetryConfig("backoff", THREE_ATTEMPTS, retry_connection_errors=True)
RETRY_STATUSES_ONLY = RetryConfig("backoff", THREE_ATTEMPTS, retry_connection_errors=False)

# -- connection refused ------------------------------------------------------------------


async def test_connection_refused_is_retried_by_the_default_policy(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock
) -> None:
    sdk = make_sdk(f"http://127.0.0.1:{unused_port()}", clock=clock)
    attempts = flavour.count_attempts(sdk)
    with stopwatch() as watch, pytest.raises(models.APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert_connection_error(info.value, models.APIConnectionError, httpx.ConnectError)
    assert len(attempts) == 3  # DEFAULT_POLICY: max 2 retries of a ConnectError
    assert clock.sleeps == [0.5, 1.0]  # 500 ms doubling, no jitter
    assert clock.kinds == [flavour.name] * 2
    assert watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_connection_refused_without_retries(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock
) -> None:
    sdk = make_sdk(f"http://127.0.0.1:{unused_port()}", clock=clock)
    attempts = flavour.count_attempts(sdk)
    with stopwatch() as watch, pytest.raises(httpx.ConnectError) as info:
        await flavour.generate(sdk, **REQUIRED, retries=None)
    assert_connection_error(info.value, models.APIConnectionError, httpx.ConnectError)
    assert len(attempts) == 1
    assert clock.sleeps == []
    assert watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


# -- dropped connections -------------------------------------------------------------------

DROPS = [
    pytest.param(reset(), httpx.ReadError, id="reset-before-response"),
    pytest.param(reset_after_headers(), httpx.ReadError, id="reset-after-headers"),
    pytest.param(
        close_mid_body(declared=1_000, sent=100), httpx.RemoteProtocolError, id="eof-mid-body"
    ),
]


@pytest.mark.parametrize(("behaviour", "httpx_class"), DROPS)
async def test_dropped_connection_not_retried_by_default(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    behaviour: Behaviour,
    httpx_class: type[httpx.TransportError],
) -> None:
    """The request may have been processed (and billed): the default policy gives up."""
    server = start_server(behaviour)
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(models.APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert_connection_error(info.value, models.APIConnectionError, httpx_class)
    assert not isinstance(info.value, models.APITimeoutError)
    assert server.request_count == 1
    assert server.connections_accepted == 1
    assert clock.sleeps == []
    assert watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


@pytest.mark.parametrize(("behaviour", "httpx_class"), DROPS)
async def test_dropped_connection_retried_when_configured(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    behaviour: Behaviour,
    httpx_class: type[httpx.TransportError],
) -> None:
    server = start_server(behaviour)
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(models.APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED, retries=RETRY_CONNECTION_ERRORS)
    assert_connection_error(info.value, models.APIConnectionError, httpx_class)
    assert server.request_count == 3
    assert server.connections_accepted == 3  # a broken connection is never reused
    assert clock.sleeps == [0.1, 0.1]
    # the very same request on every attempt
    assert len({r.body for r in server.requests}) == 1
    assert len({r.headers["idempotency-key"] for r in server.requests}) == 1
    assert watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


@pytest.mark.parametrize(("behaviour", "httpx_class"), DROPS)
async def test_dropped_connection_not_retried_without_retry_connection_errors(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    behaviour: Behaviour,
    httpx_class: type[httpx.TransportError],
) -> None:
    server = start_server(behaviour)
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(models.APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED, retries=RETRY_STATUSES_ONLY)
    assert_connection_error(info.value, models.APIConnectionError, httpx_class)
    assert server.request_count == 1
    assert clock.sleeps == []
    assert_pool_clean(flavour.owned_client(sdk))


# -- timeouts (real clock: the whole-attempt deadline must be able to expire) ------------

TIMEOUT_MS = 300


@pytest.mark.parametrize(
    "behaviour",
    [
        pytest.param(slow_headers(5.0), id="slow-headers"),
        pytest.param(slow_body(5.0), id="slow-body"),
    ],
)
async def test_slow_response_times_out(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, behaviour: Behaviour
) -> None:
    server = start_server(behaviour)
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(models.APITimeoutError) as info:
        await flavour.generate(sdk, **REQUIRED, timeout_ms=TIMEOUT_MS)
    assert_connection_error(info.value, models.APITimeoutError, httpx.ReadTimeout)
    assert server.request_count == 1  # timeouts are not retried by the default policy
    assert 0.9 * TIMEOUT_MS / 1000 <= watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_endless_body_is_cut_by_the_whole_attempt_budget(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """A chunk every 50 ms never trips httpx's per-read timeout; the SDK's deadline does."""
    server = start_server(endless_body(interval=0.05))
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(httpx.ReadTimeout) as info:
        await flavour.generate(sdk, **REQUIRED, timeout_ms=TIMEOUT_MS)
    assert_connection_error(info.value, models.APITimeoutError, httpx.ReadTimeout)
    assert server.request_count == 1
    assert 0.9 * TIMEOUT_MS / 1000 <= watch.elapsed < 2.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_timeout_retried_when_configured(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    server = start_server(slow_headers(5.0))
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(models.APITimeoutError) as info:
        await flavour.generate(sdk, **REQUIRED, timeout_ms=200, retries=RETRY_CONNECTION_ERRORS)
    assert_connection_error(info.value, models.APITimeoutError, httpx.ReadTimeout)
    assert server.request_count == 3
    assert clock.sleeps == [0.1, 0.1]
    assert 0.6 <= watch.elapsed < 3.0
    assert_pool_clean(flavour.owned_client(sdk))


async def test_slow_response_within_timeout_succeeds(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """Control case: the same slow behaviours, faster than the timeout, are fine."""
    server = start_server(slow_headers(0.05), slow_body(0.05))
    sdk = make_sdk(server.url)
    for _ in range(2):
        result = await flavour.generate(sdk, **REQUIRED, timeout_ms=2_000)
        assert result.created == 1
    assert server.request_count == 2
    assert server.connections_accepted == 1  # keep-alive: the connection was reused
    assert_pool_clean(flavour.owned_client(sdk))


async def test_trickled_headers_are_cut_by_the_whole_attempt_budget(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """Like the endless body, but the server trickles its *headers* (one header line every
    50 ms for 1.2 s). Each attempt must end within its budget (`timeout_ms`), yet the SDK's
    deadline only guards the body, so this call lasts as long as the server trickles
    (up to httpx's 100 KiB header limit: minutes)."""
    server = start_server(trickle_headers(interval=0.05, duration=1.2))
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(models.APITimeoutError) as info:
        await flavour.generate(sdk, **REQUIRED, timeout_ms=TIMEOUT_MS)
    assert_connection_error(info.value, models.APITimeoutError, httpx.ReadTimeout)
    assert server.request_count == 1
    assert watch.elapsed < 1.0, (
        f"a {TIMEOUT_MS} ms budget was exceeded: the call took {watch.elapsed:.2f} s"
    )
    assert_pool_clean(flavour.owned_client(sdk))
