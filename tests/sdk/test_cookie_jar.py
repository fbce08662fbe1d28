"""The cookies of the SDK's own clients store what httpx's store: they only skip the
work for responses that set no cookie."""

from __future__ import annotations

from http.cookiejar import CookieJar

import httpx
import pytest
import respx

from atoma_sdk._runtime.cookies import ResponseCookies

URL = "https://api.example.test/v1/images/generations"


def _stored(cookies: httpx.Cookies, headers: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    request = httpx.Request("POST", URL)
    cookies.extract_cookies(httpx.Response(200, headers=headers, request=request))
    return sorted((c.name, c.value or "", c.domain) for c in cookies.jar)


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [("content-type", "application/json"), ("x-request-id", "r1")],
        [("Set-Cookie", "session=abc; Path=/")],
        [("SET-COOKIE", "a=1"), ("set-cookie", "b=2; Domain=example.test")],
        [("set-cookie", "bad=1; Domain=other.test")],  # refused by the policy, in both
        [("Set-Cookie2", 'legacy="1"; Version=1')],
    ],
)
def test_same_cookies_as_httpx_stores(headers: list[tuple[str, str]]) -> None:
    assert _stored(ResponseCookies(), headers) == _stored(httpx.Cookies(), headers)


def test_a_response_setting_no_cookie_never_reaches_the_jar() -> None:
    class Watched(CookieJar):
        calls = 0

        def extract_cookies(self, response: object, request: object) -> None:  # type: ignore[override]
            Watched.calls += 1

    _stored(ResponseCookies(Watched()), [("x-request-id", "r1")])
    assert Watched.calls == 0
    _stored(ResponseCookies(Watched()), [("set-cookie", "a=1")])
    assert Watched.calls == 1


@pytest.mark.parametrize("flavour", ["sync", "async", "aiohttp"])
async def test_the_sdks_own_clients_skip_responses_without_cookies(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atoma_sdk import AtomaSDK, DefaultAioHttpClient

    wrapped: list[str] = []
    original = httpx.Cookies._CookieCompatRequest

    class Counted(original):  # type: ignore[misc, valid-type]
        def __init__(self, request: httpx.Request) -> None:
            wrapped.append(str(request.url))
            super().__init__(request)

    monkeypatch.setattr(httpx.Cookies, "_CookieCompatRequest", Counted)
    answers = iter([{}, {"Set-Cookie": "lb=node-7"}])

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"created": 1, "data": []}, headers=next(answers))

    with respx.mock(base_url="https://api.example.test", assert_all_called=False) as api:
        api.post("/v1/images/generations").mock(side_effect=answer)
        if flavour == "sync":
            with AtomaSDK(server_url="https://api.example.test") as sdk:
                sdk.images.generate(model="m", prompt="p")
                assert wrapped == []
                sdk.images.generate(model="m", prompt="p")
        else:
            client = (
                DefaultAioHttpClient(transport=httpx.MockTransport(answer))
                if flavour == "aiohttp"
                else None
            )
            async with AtomaSDK(server_url="https://api.example.test", async_client=client) as sdk:
                await sdk.images.generate_async(model="m", prompt="p")
                assert wrapped == []
                await sdk.images.generate_async(model="m", prompt="p")
            if client is not None:
                await client.aclose()
    assert wrapped == [URL]


async def test_the_sdk_clients_send_back_a_cookie_the_api_set() -> None:
    from atoma_sdk import AtomaSDK, DefaultAioHttpClient

    answers = iter([{"Set-Cookie": "lb=node-7; Path=/"}, {}])
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, json={"created": 1, "data": []}, headers=next(answers))

    client = DefaultAioHttpClient(transport=httpx.MockTransport(answer))
    async with client, AtomaSDK(server_url="https://api.example.test", async_client=client) as sdk:
        await sdk.images.generate_async(model="m", prompt="p")
        await sdk.images.generate_async(model="m", prompt="p")
    assert seen == [None, "lb=node-7"]


async def test_a_user_s_own_cookies_are_kept_and_set_ones_added() -> None:
    """`DefaultAioHttpClient(cookies=...)`: the user's jar, not the SDK's, receives them."""
    from atoma_sdk import AtomaSDK, DefaultAioHttpClient

    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        headers = {"Set-Cookie": "lb=node-7; Path=/"} if len(seen) == 1 else {}
        return httpx.Response(200, json={"created": 1, "data": []}, headers=headers)

    jar = CookieJar()
    client = DefaultAioHttpClient(transport=httpx.MockTransport(answer), cookies=jar)
    async with client, AtomaSDK(server_url="https://api.example.test", async_client=client) as sdk:
        await sdk.images.generate_async(model="m", prompt="p")
        await sdk.images.generate_async(model="m", prompt="p")
    assert seen == [None, "lb=node-7"]
    assert client.cookies.jar is jar and [c.name for c in jar] == ["lb"]


async def test_a_users_own_httpx_client_keeps_httpx_s_own_cookies() -> None:
    """The skip is for clients the SDK makes: a plain client of the user's is not altered,
    and still stores and sends back what the API sets."""
    from atoma_sdk import AtomaSDK

    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        headers = {"Set-Cookie": "lb=node-7; Path=/"} if len(seen) == 1 else {}
        return httpx.Response(200, json={"created": 1, "data": []}, headers=headers)

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with client, AtomaSDK(server_url="https://api.example.test", async_client=client) as sdk:
        await sdk.images.generate_async(model="m", prompt="p")
        await sdk.images.generate_async(model="m", prompt="p")
    assert type(client.cookies) is httpx.Cookies
    assert seen == [None, "lb=node-7"]
