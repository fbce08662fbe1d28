"""Property: every configuration value is either usable (the call goes out with it, and
backoff waits stay finite and capped however many retries) or refused where it is given,
before any I/O, with `TypeError` (wrong type) or `ValueError` naming the argument.

Requests go to an `httpx.MockTransport`: no sockets.
"""

from __future__ import annotations

import math
import re
from typing import Any

import httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from atoma_sdk import AtomaSDK
from atoma_sdk._runtime.checks import FRAMING_HEADERS, MAX_MILLISECONDS
from atoma_sdk._runtime.retries import RetryPolicy
from atoma_sdk.utils import BackoffStrategy, RetryConfig

BASE_URL = "https://api.test"
OK_BODY = {"created": 1_700_000_000, "data": [{"url": "https://img.test/1.png"}]}
REQUIRED = {"model": "m", "prompt": "p"}
TOKEN_CHARS = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

#: Numbers of every kind, and things that are not numbers.
ANY_NUMBER = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=3),
    st.none(),
)


class Recorder:
    """A user client whose transport records each request and answers 200."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.client = httpx.Client(transport=httpx.MockTransport(self.answer))

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=OK_BODY)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def finite(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


def expected_error(value: Any, valid: bool) -> type[Exception] | None:
    if not is_number(value):
        return TypeError
    return None if valid else ValueError


def refused(action: Any, error: type[Exception], name: str) -> None:
    try:
        action()
    except error as raised:
        assert type(raised) is error, raised
        assert name in str(raised), raised
    else:
        raise AssertionError(f"{name}: no {error.__name__}")


# -- timeout_ms --------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(value=ANY_NUMBER, per_call=st.booleans())
@example(value=0, per_call=False)
@example(value=math.nan, per_call=True)
@example(value=MAX_MILLISECONDS, per_call=True)
def test_timeout_ms(value: Any, per_call: bool) -> None:
    recorder = Recorder()
    ok = is_number(value) and 0 < finite(value) <= MAX_MILLISECONDS
    error = expected_error(value, ok)
    if value is None:
        error = None  # the default
    with recorder.client:

        def call() -> None:
            sdk = AtomaSDK(
                bearer_auth="t",
                server_url=BASE_URL,
                client=recorder.client,
                timeout_ms=None if per_call else value,
            )
            sdk.images.generate(**REQUIRED, timeout_ms=value if per_call else None)

        if error is None:
            call()
            (sent,) = recorder.requests
            if value is not None:
                assert sent.extensions["timeout"]["read"] == finite(value) / 1000
        else:
            refused(call, error, "timeout_ms")
            assert recorder.requests == []


# -- BackoffStrategy -------------------------------------------------------------------------


def backoff_problem(fields: dict[str, Any]) -> tuple[str, type[Exception]] | None:
    """The first field the rules refuse, with its error; None when all are usable."""
    rules = {
        "initial_interval": lambda v: 0 < v <= MAX_MILLISECONDS,
        "max_interval": lambda v: 0 < v <= MAX_MILLISECONDS,
        "exponent": lambda v: 1 <= v < math.inf,
        "max_elapsed_time": lambda v: 0 <= v < math.inf,
    }
    for name, rule in rules.items():
        value = fields[name]
        if not is_number(value):
            return name, TypeError
        number = finite(value)
        if math.isnan(number) or not rule(number):
            return name, ValueError
    return None


@settings(max_examples=150, deadline=None)
@given(
    initial_interval=ANY_NUMBER,
    max_interval=ANY_NUMBER,
    exponent=ANY_NUMBER,
    max_elapsed_time=ANY_NUMBER,
    retries=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=5),
    jitter=st.floats(min_value=0, max_value=0.999),
)
@example(
    initial_interval=500,
    max_interval=60_000,
    exponent=2.0,
    max_elapsed_time=10**12,
    retries=[1_025, 10**9],
    jitter=0.5,
)
def test_backoff_strategy(
    initial_interval: Any,
    max_interval: Any,
    exponent: Any,
    max_elapsed_time: Any,
    retries: list[int],
    jitter: float,
) -> None:
    fields = {
        "initial_interval": initial_interval,
        "max_interval": max_interval,
        "exponent": exponent,
        "max_elapsed_time": max_elapsed_time,
    }
    problem = backoff_problem(fields)
    if problem is not None:
        name, error = problem
        refused(lambda: BackoffStrategy(**fields), error, f"BackoffStrategy.{name}")
        return
    backoff = BackoffStrategy(**fields)
    policy = RetryPolicy(backoff, frozenset({503}), ())
    for retries_done in retries:
        delay = policy.delay_ms(retries_done, 0.0, lambda: jitter)
        if delay is not None:
            assert math.isfinite(delay) and 0 < delay <= finite(max_interval)


@settings(max_examples=40, deadline=None)
@given(
    strategy=st.one_of(st.sampled_from(["backoff", "none", "Backoff", ""]), st.integers()),
    backoff=st.sampled_from([None, BackoffStrategy(), "backoff", 5]),
    retry_connection_errors=st.one_of(st.booleans(), st.integers(0, 1), st.none()),
)
def test_retry_config(strategy: Any, backoff: Any, retry_connection_errors: Any) -> None:
    def build() -> RetryConfig:
        return RetryConfig(strategy, backoff, retry_connection_errors)

    if not isinstance(strategy, str):
        refused(build, TypeError, "RetryConfig.strategy")
    elif strategy not in ("backoff", "none"):
        refused(build, ValueError, "RetryConfig.strategy")
    elif not (backoff is None or isinstance(backoff, BackoffStrategy)):
        refused(build, TypeError, "RetryConfig.backoff")
    elif not isinstance(retry_connection_errors, bool):
        refused(build, TypeError, "RetryConfig.retry_connection_errors")
    else:
        assert build().strategy == strategy


# -- server_url ------------------------------------------------------------------------------

SCHEMES = st.sampled_from(["http", "https", "ftp", "HTTP", ""])
HOSTS = st.sampled_from(
    ["api.test", "127.0.0.1", "[::1]", "", "exa mple.test", "xn--bcher-kva.test"]
)
PORTS = st.one_of(st.none(), st.integers(min_value=0, max_value=70_000))
USERINFO = st.sampled_from(["", "user@", "user:pw-secret@", ":pw-secret@"])
PATHS = st.sampled_from(["", "/", "/v1", "/v1/"])
QUERIES = st.sampled_from(["", "?key=1", "#frag"])


@settings(max_examples=120, deadline=None)
@given(scheme=SCHEMES, userinfo=USERINFO, host=HOSTS, port=PORTS, path=PATHS, query=QUERIES)
def test_server_url(
    scheme: str, userinfo: str, host: str, port: int | None, path: str, query: str
) -> None:
    url = f"{scheme}://{userinfo}{host}" + (f":{port}" if port is not None else "") + path + query
    ok = (
        scheme.lower() in ("http", "https")
        and not userinfo
        and host not in ("", "exa mple.test")
        and (port is None or 0 < port < 65536)
        and not query
    )
    recorder = Recorder()
    with recorder.client:

        def call() -> None:
            sdk = AtomaSDK(bearer_auth="t", server_url=url, client=recorder.client)
            sdk.images.generate(**REQUIRED)

        if ok:
            call()
            (sent,) = recorder.requests
            assert sent.url.host == httpx.URL(url).host
            assert sent.url.path == path.rstrip("/") + "/v1/images/generations"
        else:
            try:
                call()
            except ValueError as error:
                assert "server_url" in str(error)
                assert "pw-secret" not in str(error)
            else:
                raise AssertionError(f"{url!r} was accepted")
            assert recorder.requests == []


# -- http_headers ----------------------------------------------------------------------------

NAMES = st.one_of(
    st.sampled_from(["X-Trace", "Idempotency-Key", "Content-Length", "HOST", "Connection"]),
    st.text(alphabet="aZ-_ :\r\n\u00e9", min_size=0, max_size=6),
    st.binary(max_size=3),
)
VALUES = st.one_of(st.text(alphabet="ab \t\r\n\x00\u00e9~", max_size=6), st.integers())


def header_problem(item: tuple[Any, Any]) -> type[Exception] | None:
    """What the first unusable header (in order) raises."""
    name, value = item
    if not (isinstance(name, str) and isinstance(value, str)):
        return TypeError
    usable = (
        TOKEN_CHARS.fullmatch(name)
        and name.lower() not in FRAMING_HEADERS
        and re.fullmatch(r"[\x20-\x7e\t]*", value)
    )
    return None if usable else ValueError


@settings(max_examples=120, deadline=None)
@given(headers=st.dictionaries(NAMES, VALUES, max_size=3))
def test_http_headers(headers: dict[Any, Any]) -> None:
    error = next(filter(None, map(header_problem, headers.items())), None)
    recorder = Recorder()
    with recorder.client:
        sdk = AtomaSDK(bearer_auth="t", server_url=BASE_URL, client=recorder.client)

        def call() -> None:
            sdk.images.generate(**REQUIRED, http_headers=headers)

        if error is None:
            call()
            (sent,) = recorder.requests
            for name, value in headers.items():
                assert sent.headers[name] == value
        else:
            refused(call, error, "http_headers")
            assert recorder.requests == []
