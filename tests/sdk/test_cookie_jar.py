"""The jar of the SDK's own clients stores what httpx's default jar stores: it only
skips the work for responses that set no cookie."""

from __future__ import annotations

import email.message
from http.cookiejar import CookieJar

import httpx
import pytest

from atoma_sdk._runtime.cookies import ResponseCookieJar

URL = "https://api.example.test/v1/images/generations"


def _stored(jar: CookieJar, headers: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    request = httpx.Request("POST", URL)
    httpx.Cookies(jar).extract_cookies(httpx.Response(200, headers=headers, request=request))
    return sorted((c.name, c.value or "", c.domain) for c in jar)


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
def test_same_cookies_as_the_standard_jar(headers: list[tuple[str, str]]) -> None:
    assert _stored(ResponseCookieJar(), headers) == _stored(CookieJar(), headers)


def test_a_caller_of_the_jar_itself_takes_the_standard_path() -> None:
    class Response:  # a urllib-style response, not httpx's wrapper
        def info(self) -> email.message.Message:
            message = email.message.Message()
            message["Set-Cookie"] = "k=v"
            return message

    jar = ResponseCookieJar()
    request = httpx.Cookies._CookieCompatRequest(httpx.Request("GET", URL))
    jar.extract_cookies(Response(), request)
    assert [(c.name, c.value) for c in jar] == [("k", "v")]


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
