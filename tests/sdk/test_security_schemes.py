"""Security schemes in the runtime: every kind, the choice among a spec's alternatives,
environment fallbacks, and credentials kept out of `repr` and logs (exact requests)."""

from __future__ import annotations

import base64
import logging
import pickle
from typing import Any

import httpx
import pytest
import respx
from runtime_support import SERVER, call, make_core
from sdk_support import Flavour

from atoma_sdk._runtime.auth import SecurityScheme
from atoma_sdk._runtime.errors import AuthenticationError
from atoma_sdk._runtime.operation import Operation, Parameter

BEARER = SecurityScheme("bearer_auth", "bearer", "RT_BEARER_AUTH")
OAUTH = SecurityScheme("oauth", "bearer", "RT_OAUTH")
BASIC = SecurityScheme("basic_auth", "basic", "RT_BASIC_AUTH")
HEADER_KEY = SecurityScheme("api_key", "api_key", "RT_API_KEY", "header", "X-API-Key")
QUERY_KEY = SecurityScheme("query_key", "api_key", "RT_QUERY_KEY", "query", "api_key")
COOKIE_KEY = SecurityScheme("session", "api_key", "RT_SESSION", "cookie", "SESSION")
APP_ID = SecurityScheme("app_id", "api_key", "RT_APP_ID", "header", "X-App-Id")
ALL = (BEARER, OAUTH, BASIC, HEADER_KEY, QUERY_KEY, COOKIE_KEY, APP_ID)


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for scheme in ALL:
        monkeypatch.delenv(scheme.env_var, raising=False)


def op(*security: tuple[str, ...], **kwargs: Any) -> Operation[None]:
    return Operation("thing", "GET", "/things", None, security=security, **kwargs)


async def sent(
    api: respx.MockRouter, flavour: Flavour, operation: Operation[None], **credentials: object
) -> httpx.Request:
    """The request one call sends with these constructor `credentials`."""
    route = api.get(url__startswith=SERVER + "/things").mock(return_value=httpx.Response(204))
    route.reset()  # the same route when a test calls this again
    core = make_core(ALL, credentials)
    try:
        await call(core, operation, flavour.is_async)
    finally:
        await core.aclose()
    assert route.call_count == 1
    return route.calls.last.request


CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-app-id", "cookie")


def credentials_of(request: httpx.Request) -> dict[str, str]:
    """The credential-bearing parts of a request: those headers, and the query."""
    found = {name: request.headers[name] for name in CREDENTIAL_HEADERS if name in request.headers}
    if request.url.query:
        found["query"] = request.url.query.decode()
    return found


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        ("bearer_auth", "tok", {"authorization": "Bearer tok"}),
        ("bearer_auth", "Bearer tok", {"authorization": "Bearer tok"}),
        ("oauth", "access-token", {"authorization": "Bearer access-token"}),
        ("api_key", "k-1", {"x-api-key": "k-1"}),
        ("query_key", "k 1&x=y", {"query": "api_key=k%201%26x%3Dy"}),
        ("session", "s;1", {"cookie": "SESSION=s%3B1"}),
        (
            "basic_auth",
            ("aladdin", "open sesame"),
            {"authorization": "Basic " + base64.b64encode(b"aladdin:open sesame").decode()},
        ),
    ],
)
async def test_each_kind_of_scheme_on_the_wire(
    flavour: Flavour, api: respx.MockRouter, scheme: str, value: object, expected: dict[str, str]
) -> None:
    request = await sent(api, flavour, op((scheme,)), **{scheme: value})
    assert credentials_of(request) == expected


async def test_first_alternative_with_all_credentials_wins(
    flavour: Flavour, api: respx.MockRouter
) -> None:
    operation = op(("api_key", "app_id"), ("bearer_auth",), ("basic_auth",))
    # api_key without app_id does not satisfy the first requirement: the token is used
    request = await sent(api, flavour, operation, api_key="k", bearer_auth="t")
    assert credentials_of(request) == {"authorization": "Bearer t"}
    # both parts present: the first requirement, and only it, is applied
    request = await sent(api, flavour, operation, api_key="k", app_id="a", bearer_auth="t")
    assert credentials_of(request) == {"x-api-key": "k", "x-app-id": "a"}


async def test_no_satisfied_requirement_sends_nothing(
    flavour: Flavour, api: respx.MockRouter
) -> None:
    request = await sent(api, flavour, op(("api_key", "app_id")), api_key="k", bearer_auth="t")
    assert credentials_of(request) == {}


async def test_empty_security_sends_no_credentials(flavour: Flavour, api: respx.MockRouter) -> None:
    request = await sent(api, flavour, op(), bearer_auth="t", api_key="k", session="s")
    assert credentials_of(request) == {}


async def test_optional_security_sends_the_credential_when_given(
    flavour: Flavour, api: respx.MockRouter
) -> None:
    """`security: [{}, {bearerAuth: []}]`: anonymous allowed, but a token given is sent."""
    operation = op((), ("bearer_auth",))
    assert credentials_of(await sent(api, flavour, operation, bearer_auth="t")) == {
        "authorization": "Bearer t"
    }
    assert credentials_of(await sent(api, flavour, operation)) == {}


async def test_environment_fallback_and_argument_precedence(
    flavour: Flavour, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RT_API_KEY", "from-env")
    monkeypatch.setenv("RT_BASIC_AUTH", "user:pa:ss")
    monkeypatch.setenv("RT_SESSION", "")  # empty: no credential
    operation = op(("session",), ("api_key", "basic_auth"))
    request = await sent(api, flavour, operation)
    assert credentials_of(request) == {
        "x-api-key": "from-env",
        "authorization": "Basic " + base64.b64encode(b"user:pa:ss").decode(),
    }
    request = await sent(api, flavour, operation, api_key="from-arg")
    assert credentials_of(request)["x-api-key"] == "from-arg"


async def test_callables_are_asked_before_every_request(
    flavour: Flavour, api: respx.MockRouter
) -> None:
    keys = iter(["k1", None, "k3"])
    route = api.get(SERVER + "/things").mock(return_value=httpx.Response(204))
    core = make_core(ALL, {"api_key": lambda: next(keys), "bearer_auth": "t"})
    operation = op(("api_key",), ("bearer_auth",))
    for _ in range(3):
        await call(core, operation, flavour.is_async)
    await core.aclose()
    assert [credentials_of(c.request) for c in route.calls] == [
        {"x-api-key": "k1"},
        {"authorization": "Bearer t"},  # the callable had no key: the next alternative
        {"x-api-key": "k3"},
    ]


async def test_credential_cookie_joins_cookie_parameters(
    flavour: Flavour, api: respx.MockRouter
) -> None:
    route = api.get(SERVER + "/things").mock(return_value=httpx.Response(204))
    core = make_core(ALL, {"session": "s1"})
    operation = op(("session",), parameters=(Parameter("theme", "cookie"),))
    await call(core, operation, flavour.is_async, theme="dark")
    await core.aclose()
    assert route.calls.last.request.headers["cookie"] == "theme=dark; SESSION=s1"


@pytest.mark.parametrize(
    ("scheme", "value", "error"),
    [
        ("api_key", "k\r\nX-Evil: 1", ValueError),
        ("session", "é", ValueError),
        ("bearer_auth", 42, TypeError),
        ("basic_auth", "just-a-string-but-not-from-env", None),
        ("basic_auth", ("a:b", "c"), ValueError),
        ("basic_auth", ["user", "pw"], TypeError),
    ],
)
def test_bad_credentials_are_refused_before_io_without_echo(
    api: respx.MockRouter, scheme: str, value: object, error: type[Exception] | None
) -> None:
    if error is None:  # a string for basic is read as `username:password`, like the env var
        core = make_core(ALL, {scheme: value})
        assert "just" not in repr(core)
        return
    with pytest.raises(error) as raised:
        make_core(ALL, {scheme: value})
    assert scheme in str(raised.value)
    assert "Evil" not in str(raised.value) and "é" not in str(raised.value)
    assert len(api.calls) == 0


def test_repr_and_sensitive_names_show_no_credential() -> None:
    core = make_core(ALL, {"bearer_auth": "tok-secret", "api_key": lambda: "k", "session": ""})
    text = repr(core)
    assert "tok-secret" not in text
    assert "bearer_auth=set" in text and "api_key=callable" in text and "session=none" in text
    assert core.sensitive_headers == {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-app-id",
    }


async def test_debug_log_redacts_key_headers_and_query_keys(
    flavour: Flavour, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(url__startswith=SERVER + "/things").mock(return_value=httpx.Response(204))
    core = make_core(ALL, {"api_key": "hk-secret", "query_key": "qk-secret", "app_id": "a"})
    with caplog.at_level(logging.DEBUG, logger="runtime_test"):
        await call(core, op(("api_key", "query_key", "app_id")), flavour.is_async)
    await core.aclose()
    text = caplog.text
    assert "Request: GET" in text and "api_key=%5Bredacted%5D" in text
    assert "hk-secret" not in text and "qk-secret" not in text


@pytest.mark.parametrize(
    ("security", "credentials", "shown"),
    [
        (
            (("api_key", "app_id"),),
            {},
            " (the SDK sent no credentials: pass api_key= or set RT_API_KEY; "
            "pass app_id= or set RT_APP_ID)",
        ),
        (
            (("bearer_auth",), ("api_key",)),
            {},
            " (the SDK sent no credentials: pass bearer_auth= or set RT_BEARER_AUTH)",
        ),
        ((("bearer_auth",),), {"bearer_auth": "tok"}, ""),
        ((("bearer_auth",), ()), {}, ""),  # anonymous access allowed: nothing is missing
        ((), {}, ""),
    ],
)
async def test_a_401_says_which_credential_the_sdk_did_not_send(
    flavour: Flavour,
    api: respx.MockRouter,
    security: tuple[tuple[str, ...], ...],
    credentials: dict[str, object],
    shown: str,
) -> None:
    api.get(url__startswith=SERVER + "/things").mock(return_value=httpx.Response(401))
    core = make_core(ALL, credentials)
    try:
        with pytest.raises(AuthenticationError) as raised:
            await call(core, op(*security), flavour.is_async)
    finally:
        await core.aclose()
    assert str(raised.value) == f"Unauthorized: Status 401{shown}"
    assert raised.value.message == "Unauthorized"  # the server's message, unchanged
    assert str(pickle.loads(pickle.dumps(raised.value))) == str(raised.value)
