"""What goes on the wire: body bytes, headers, auth, per-call options and timeouts."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from sdk_support import (
    BASE_URL,
    ENV_VAR,
    OK_BODY,
    PATH,
    REQUIRED,
    TOKEN,
    URL,
    Flavour,
    MakeSDK,
    UserClients,
    sent,
)

import atoma_sdk
from atoma_sdk import AtomaSDK
from atoma_sdk.sdk import _SETTINGS
from atoma_sdk.types import UNSET

SDK_DEFAULT_TIMEOUT = {"connect": 10.0, "read": 300.0, "write": 60.0, "pool": 60.0}


def uniform_timeout(seconds: float) -> dict[str, float]:
    return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}


# 1. Body bytes


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param({}, b'{"model":"m","prompt":"p"}', id="required-only"),
        pytest.param({"n": None}, b'{"model":"m","n":null,"prompt":"p"}', id="none-is-null"),
        pytest.param({"n": UNSET, "user": UNSET}, b'{"model":"m","prompt":"p"}', id="unset"),
        pytest.param({"n": 0}, b'{"model":"m","n":0,"prompt":"p"}', id="zero-is-sent"),
        pytest.param(
            # given in reverse order: keys go on the wire sorted, as atoma-sdk 0.1.3 sends them
            {
                "user": "u-1",
                "style": "vivid",
                "size": "1024x1024",
                "response_format": "url",
                "quality": "hd",
                "n": 2,
            },
            b'{"model":"m","n":2,"prompt":"p","quality":"hd","response_format":"url",'
            b'"size":"1024x1024","style":"vivid","user":"u-1"}',
            id="all-set-sorted-keys",
        ),
        pytest.param(
            dict.fromkeys(("user", "style", "size", "response_format", "quality", "n")),
            b'{"model":"m","n":null,"prompt":"p","quality":null,"response_format":null,'
            b'"size":null,"style":null,"user":null}',
            id="all-null",
        ),
        pytest.param(
            {"size": "512x512", "n": None},
            b'{"model":"m","n":null,"prompt":"p","size":"512x512"}',
            id="mixed",
        ),
    ],
)
async def test_body_bytes(
    flavour: Flavour,
    sdk: AtomaSDK,
    route: respx.Route,
    extra: dict[str, Any],
    expected: bytes,
) -> None:
    # keyword order given: optional first, required last
    await flavour.generate(sdk, **extra, prompt="p", model="m")
    request = sent(route)
    assert request.content == expected
    assert request.headers["content-length"] == str(len(expected))


async def test_body_non_ascii_prompt(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    prompt = "une loutre \u00e9l\u00e9gante \U0001f9a6"
    await flavour.generate(sdk, model="m", prompt=prompt)
    request = sent(route)
    assert json.loads(request.content) == {"model": "m", "prompt": prompt}
    assert request.content.isascii()  # escaped, so the body is plain ASCII JSON


# 2. Headers


async def test_default_headers(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    await flavour.generate(sdk, **REQUIRED)
    request = sent(route)
    assert request.method == "POST"
    assert str(request.url) == URL
    expected = {
        "authorization": f"Bearer {TOKEN}",
        "content-type": "application/json",
        "accept": "application/json",
        "user-agent": f"atoma-sdk-python/{atoma_sdk.__version__}",
    }
    for name, value in expected.items():
        assert request.headers.get_list(name) == [value], name
    assert atoma_sdk.__version__ == "0.2.0"


async def test_response_is_returned(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    res = await flavour.generate(sdk, **REQUIRED)
    assert res.created == OK_BODY["created"]
    assert [(d.url, d.revised_prompt) for d in res.data] == [
        ("https://img.test/1.png", "an otter, revised")
    ]


# 3. Auth


def authorization(route: respx.Route) -> list[str]:
    """Every Authorization header value of the one request received."""
    return sent(route).headers.get_list("authorization")


async def test_token_from_env_var(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "from-env")
    await flavour.generate(make_sdk(bearer_auth=None), **REQUIRED)
    assert authorization(route) == ["Bearer from-env"]


async def test_explicit_token_beats_env_var(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "from-env")
    await flavour.generate(make_sdk(bearer_auth="explicit"), **REQUIRED)
    assert authorization(route) == ["Bearer explicit"]


@pytest.mark.parametrize(
    ("bearer_auth", "env_value"),
    [
        pytest.param("", None, id="empty-string"),
        pytest.param(None, None, id="none-and-env-unset"),
        pytest.param(None, "", id="none-and-env-empty"),
        pytest.param("", "from-env", id="empty-string-beats-env"),
        pytest.param(lambda: None, None, id="callable-returning-none"),
        pytest.param(lambda: "", None, id="callable-returning-empty"),
    ],
)
async def test_no_token_sends_no_authorization_header(
    flavour: Flavour,
    make_sdk: MakeSDK,
    route: respx.Route,
    monkeypatch: pytest.MonkeyPatch,
    bearer_auth: Any,
    env_value: str | None,
) -> None:
    if env_value is not None:
        monkeypatch.setenv(ENV_VAR, env_value)
    await flavour.generate(make_sdk(bearer_auth=bearer_auth), **REQUIRED)
    assert authorization(route) == []


async def test_callable_token_called_per_request(
    flavour: Flavour, make_sdk: MakeSDK, api: respx.MockRouter, route: respx.Route
) -> None:
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return f"t{len(calls)}"

    sdk = make_sdk(bearer_auth=token)
    assert calls == []  # not called at construction
    await flavour.generate(sdk, **REQUIRED)
    await flavour.generate(sdk, **REQUIRED)
    assert len(calls) == 2
    assert [c.request.headers.get_list("authorization") for c in route.calls] == [
        ["Bearer t1"],
        ["Bearer t2"],
    ]


@pytest.mark.parametrize("token", ["Bearer abc", "bearer abc", "BEARER abc"])
@pytest.mark.parametrize("as_callable", [False, True], ids=["str", "callable"])
async def test_bearer_prefix_not_doubled(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route, token: str, as_callable: bool
) -> None:
    sdk = make_sdk(bearer_auth=(lambda: token) if as_callable else token)
    await flavour.generate(sdk, **REQUIRED)
    assert authorization(route) == [token]


BAD_TOKENS = {
    "crlf": "sekrit\r\nX-Injected: 1",
    "lf": "sekrit\n",
    "cr": "sek\rrit",
    "nul": "sekrit\x00",
    "non-ascii": "sekrit-\u00e9",
}


@pytest.mark.parametrize(
    ("token", "source"),
    [
        pytest.param(token, source, id=f"{name}-{source}")
        for name, token in BAD_TOKENS.items()
        for source in ("str", "callable", "env")
        if not (source == "env" and "\x00" in token)  # the OS refuses NUL in the environment
    ],
)
async def test_bad_token_rejected_before_io(
    flavour: Flavour,
    make_sdk: MakeSDK,
    route: respx.Route,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
    source: str,
) -> None:
    with pytest.raises(ValueError) as info:
        if source == "env":
            monkeypatch.setenv(ENV_VAR, token)
            sdk = make_sdk(bearer_auth=None)
        else:
            sdk = make_sdk(bearer_auth=(lambda: token) if source == "callable" else token)
        await flavour.generate(sdk, **REQUIRED)
    assert route.call_count == 0
    assert "sekrit" not in str(info.value)
    assert "sek" not in repr(info.value)


# 4. Per-call options


async def test_per_call_server_url(
    flavour: Flavour, sdk: AtomaSDK, api: respx.MockRouter, route: respx.Route
) -> None:
    other = api.post("https://other.test/v1/images/generations").mock(
        return_value=httpx.Response(200, json=OK_BODY)
    )
    await flavour.generate(sdk, **REQUIRED, server_url="https://other.test")
    assert route.call_count == 0
    assert sent(other).headers["authorization"] == f"Bearer {TOKEN}"
    # the next call without the option goes to the client's server again
    await flavour.generate(sdk, **REQUIRED)
    assert route.call_count == 1
    assert other.call_count == 1


async def test_server_url_with_prefix_and_trailing_slash(
    flavour: Flavour, make_sdk: MakeSDK, api: respx.MockRouter
) -> None:
    proxied = api.post("https://gw.test/atoma/v1/images/generations").mock(
        return_value=httpx.Response(200, json=OK_BODY)
    )
    await flavour.generate(make_sdk(server_url="https://gw.test/atoma/"), **REQUIRED)
    assert proxied.call_count == 1
    await flavour.generate(make_sdk(), **REQUIRED, server_url="https://gw.test/atoma/")
    assert proxied.call_count == 2


async def test_default_server_is_atoma(
    flavour: Flavour, make_sdk: MakeSDK, api: respx.MockRouter
) -> None:
    real = api.post("https://api.atoma.network" + PATH).mock(
        return_value=httpx.Response(200, json=OK_BODY)
    )
    await flavour.generate(make_sdk(server_url=None), **REQUIRED)
    assert real.call_count == 1


async def test_per_call_timeout(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    await flavour.generate(sdk, **REQUIRED, timeout_ms=1_234)
    assert sent(route).extensions["timeout"] == uniform_timeout(1.234)


@pytest.mark.parametrize("name", ["user-agent", "User-Agent", "USER-AGENT"])
async def test_http_headers_replace_sdk_header_any_case(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route, name: str
) -> None:
    await flavour.generate(sdk, **REQUIRED, http_headers={name: "mine"})
    assert sent(route).headers.get_list("user-agent") == ["mine"]


async def test_http_headers_replace_authorization(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    await flavour.generate(sdk, **REQUIRED, http_headers={"AUTHORIZATION": "Bearer other"})
    assert authorization(route) == ["Bearer other"]


async def test_http_headers_add_new_header_and_keep_others(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    await flavour.generate(sdk, **REQUIRED, http_headers={"X-Request-Id": "req-1"})
    headers = sent(route).headers
    assert headers.get_list("x-request-id") == ["req-1"]
    assert headers.get_list("user-agent") == [f"atoma-sdk-python/{atoma_sdk.__version__}"]
    assert headers.get_list("authorization") == [f"Bearer {TOKEN}"]
    assert headers.get_list("accept") == ["application/json"]
    assert headers.get_list("content-type") == ["application/json"]


async def test_http_headers_do_not_stick(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    await flavour.generate(sdk, **REQUIRED, http_headers={"X-Once": "1", "User-Agent": "mine"})
    await flavour.generate(sdk, **REQUIRED)
    second = route.calls[1].request.headers
    assert "x-once" not in second
    assert second.get_list("user-agent") == [f"atoma-sdk-python/{atoma_sdk.__version__}"]


# 5. Timeouts


async def test_default_timeout(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    await flavour.generate(sdk, **REQUIRED)
    assert sent(route).extensions["timeout"] == SDK_DEFAULT_TIMEOUT
    # The long read timeout is this SDK's setting (pyproject.toml), not the runtime's.
    assert _SETTINGS.default_timeout.as_dict() == SDK_DEFAULT_TIMEOUT


async def test_client_level_timeout(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    await flavour.generate(make_sdk(timeout_ms=2_500), **REQUIRED)
    assert sent(route).extensions["timeout"] == uniform_timeout(2.5)


async def test_per_call_timeout_beats_client_level(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    sdk = make_sdk(timeout_ms=2_500)
    await flavour.generate(sdk, **REQUIRED, timeout_ms=750)
    await flavour.generate(sdk, **REQUIRED)
    assert [c.request.extensions["timeout"] for c in route.calls] == [
        uniform_timeout(0.75),
        uniform_timeout(2.5),
    ]


@pytest.mark.parametrize(
    ("httpx_kwargs", "sdk_kwargs", "expected"),
    [
        pytest.param({"timeout": 42}, {}, uniform_timeout(42), id="user-timeout-honoured"),
        pytest.param({}, {}, SDK_DEFAULT_TIMEOUT, id="httpx-default-replaced"),
        pytest.param({"timeout": 5}, {}, SDK_DEFAULT_TIMEOUT, id="explicit-5s-like-default"),
        pytest.param(
            {"timeout": 42}, {"timeout_ms": 1_000}, uniform_timeout(1.0), id="timeout-ms-wins"
        ),
        pytest.param(
            {"timeout": httpx.Timeout(3.0, read=99.0)},
            {},
            {"connect": 3.0, "read": 99.0, "write": 3.0, "pool": 3.0},
            id="user-mixed-timeout",
        ),
    ],
)
async def test_user_client_timeout(
    flavour: Flavour,
    make_sdk: MakeSDK,
    user_clients: UserClients,
    route: respx.Route,
    httpx_kwargs: dict[str, Any],
    sdk_kwargs: dict[str, Any],
    expected: dict[str, float],
) -> None:
    sdk = make_sdk(**user_clients.kwargs_for(flavour, **httpx_kwargs), **sdk_kwargs)
    await flavour.generate(sdk, **REQUIRED)
    assert sent(route).extensions["timeout"] == expected


async def test_user_client_is_used_and_sdk_headers_win(
    flavour: Flavour, make_sdk: MakeSDK, user_clients: UserClients, route: respx.Route
) -> None:
    client_headers = {"X-Client": "c", "User-Agent": "theirs", "Accept": "text/html"}
    sdk = make_sdk(**user_clients.kwargs_for(flavour, headers=client_headers))
    await flavour.generate(sdk, **REQUIRED)
    headers = sent(route).headers
    assert headers.get_list("x-client") == ["c"]
    assert headers.get_list("user-agent") == [f"atoma-sdk-python/{atoma_sdk.__version__}"]
    assert headers.get_list("accept") == ["application/json"]


def test_server_idx() -> None:
    assert AtomaSDK(server_idx=0)._core.server_url == "https://api.atoma.network"
    assert AtomaSDK(server_url=BASE_URL, server_idx=0)._core.server_url == BASE_URL
    with pytest.raises(ValueError, match="server_idx"):
        AtomaSDK(server_idx=1)


def test_url_params_fill_server_url_placeholders(make_sdk: MakeSDK) -> None:
    """0.1.3's `url_params` templating of `server_url`."""
    with respx.mock(assert_all_called=True) as router:
        route = router.post("https://eu.api.test/v2/v1/images/generations").respond(
            200, json=OK_BODY
        )
        sdk = make_sdk(
            server_url="https://{region}.api.test/{version}",
            url_params={"region": "eu", "version": "v2"},
        )
        sdk.images.generate(**REQUIRED)
    assert route.call_count == 1
