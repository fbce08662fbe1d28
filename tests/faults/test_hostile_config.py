"""Configuration checked where it is given: every unusable value of the SDK's constructor
and of a call raises `TypeError` (wrong type) or `ValueError` (unusable value) naming the
argument, before any byte reaches the (real, local) server."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest
from fault_server import json_response
from fault_support import (
    OK_BODY,
    REQUIRED,
    TOKEN,
    FakeClock,
    Flavour,
    MakeSDK,
    StartServer,
    stopwatch,
)

from atoma_sdk import AtomaSDK, InternalServerError
from atoma_sdk.utils import BackoffStrategy, RetryConfig

CONSTRUCTOR = [
    ("timeout_ms", 0, ValueError),
    ("timeout_ms", -5, ValueError),
    ("timeout_ms", math.nan, ValueError),
    ("timeout_ms", math.inf, ValueError),
    ("timeout_ms", 10**15, ValueError),
    ("timeout_ms", "100", TypeError),
    ("timeout_ms", True, TypeError),
    ("server_url", "", ValueError),
    ("server_url", "api.test/v1", ValueError),
    ("server_url", "ftp://api.test", ValueError),
    ("server_url", "http://", ValueError),
    ("server_url", "http://api.test/?key=1", ValueError),
    ("server_url", "http://api.test:99999", ValueError),
    ("server_url", "http://api .test", ValueError),
    ("server_url", b"http://api.test", TypeError),
    ("client", httpx.AsyncClient(), TypeError),
    ("client", "http", TypeError),
    ("async_client", httpx.Client(), TypeError),
    ("retry_config", "backoff", TypeError),
    ("retry_config", {"strategy": "backoff"}, TypeError),
    ("server_idx", "0", TypeError),
    ("server_idx", 7, ValueError),
    ("url_params", ["host"], TypeError),
    ("debug_logger", print, TypeError),
]


@pytest.mark.parametrize(
    ("argument", "value", "error"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}"[:60]) for case in CONSTRUCTOR],
)
def test_constructor_refuses(
    start_server: StartServer, argument: str, value: Any, error: type[Exception]
) -> None:
    server = start_server(json_response(200, OK_BODY))
    kwargs: dict[str, Any] = {"bearer_auth": TOKEN, "server_url": server.url, argument: value}
    if argument == "server_idx":
        del kwargs["server_url"]  # which would win over the index
    with pytest.raises(error) as info:
        AtomaSDK(**kwargs)
    assert type(info.value) is error
    assert argument in str(info.value), str(info.value)
    assert server.request_count == 0


def test_server_url_placeholders_are_checked_once_filled(start_server: StartServer) -> None:
    server = start_server(json_response(200, OK_BODY))
    sdk = AtomaSDK(
        bearer_auth=TOKEN,
        server_url="http://127.0.0.1:{port}",
        url_params={"port": str(server.port)},
    )
    with sdk:
        assert sdk.images.generate(**REQUIRED).created == OK_BODY["created"]
    with pytest.raises(ValueError, match="server_url"):
        AtomaSDK(server_url="http://127.0.0.1:{port}", url_params={"port": "http"})


PER_CALL = [
    ("timeout_ms", 0, ValueError),
    ("timeout_ms", math.nan, ValueError),
    ("timeout_ms", "5", TypeError),
    ("server_url", "", ValueError),
    ("server_url", "not a url", ValueError),
    ("server_url", 42, TypeError),
    ("retries", "none", TypeError),
    ("http_headers", [("X-A", "1")], TypeError),
    ("http_headers", {"X-A": 1}, TypeError),
    ("http_headers", {b"X-A": "1"}, TypeError),
    ("http_headers", {"Content-Length": "0"}, ValueError),
    ("http_headers", {"transfer-encoding": "chunked"}, ValueError),
    ("http_headers", {"Host": "evil.test"}, ValueError),
    ("http_headers", {"Connection": "close"}, ValueError),
    ("http_headers", {"X Bad": "1"}, ValueError),
    ("http_headers", {"X-A": "1\r\nX-Injected: 2"}, ValueError),
    ("http_headers", {"X-A": "caf\u00e9"}, ValueError),
]


@pytest.mark.parametrize(
    ("argument", "value", "error"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}"[:60]) for case in PER_CALL],
)
async def test_call_refuses(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    argument: str,
    value: Any,
    error: type[Exception],
) -> None:
    server = start_server(json_response(200, OK_BODY))
    sdk = make_sdk(server.url)
    with pytest.raises(error) as info:
        await flavour.generate(sdk, **REQUIRED, **{argument: value})
    assert type(info.value) is error
    assert argument in str(info.value), str(info.value)
    assert server.request_count == 0
    assert "1\r\nX-Injected" not in str(info.value)  # header values are never echoed


async def test_valid_overrides_work(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    """Control: the same arguments with usable values reach the server."""
    server = start_server(json_response(200, OK_BODY))
    sdk = make_sdk("http://127.0.0.1:9", clock=clock, timeout_ms=2_000.5)
    retry = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 0), True)
    await flavour.generate(
        sdk,
        **REQUIRED,
        server_url=server.url + "/",
        timeout_ms=1_000,
        retries=retry,
        http_headers={"X-Trace": "a b\tc", "Idempotency-Key": "k1"},
    )
    (sent,) = server.requests
    assert (sent.headers["x-trace"], sent.headers["idempotency-key"]) == ("a b\tc", "k1")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"initial_interval": math.nan}, ValueError),
        ({"initial_interval": -1}, ValueError),
        ({"max_interval": 0}, ValueError),
        ({"exponent": math.inf}, ValueError),
        ({"exponent": 0.5}, ValueError),
        ({"max_elapsed_time": -1}, ValueError),
        ({"initial_interval": "500"}, TypeError),
    ],
)
def test_backoff_refused_when_built(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        BackoffStrategy(**kwargs)
    (name,) = kwargs
    assert f"BackoffStrategy.{name}" in str(info.value)


async def test_backoff_never_overflows(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    """A huge (valid) exponent: `exponent**retries` would overflow a float at the second
    retry (as ordinary values did after 1,025); every wait is `max_interval` instead."""
    server = start_server(json_response(503, {"error": "busy"}))
    sdk = make_sdk(server.url, clock=clock)
    retry = RetryConfig("backoff", BackoffStrategy(1, 100, 1e300, 5_000), False)
    with stopwatch() as watch, pytest.raises(InternalServerError):
        await flavour.generate(sdk, **REQUIRED, retries=retry)
    print(f"{server.request_count} attempts in {watch.elapsed:.2f} s")
    assert clock.sleeps[0] == pytest.approx(0.001)
    assert clock.sleeps[1:] == [0.1] * (len(clock.sleeps) - 1)
    assert len(clock.sleeps) == server.request_count - 1 == 50  # 1 ms + 49 * 100 ms < 5 s
