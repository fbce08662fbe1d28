"""Credentials against real local servers: an image host never receives any (not the SDK's
token, nor the user client's headers, cookies or `auth=`); a password in `server_url` is
refused without being echoed; logs at every level show none."""

from __future__ import annotations

import asyncio
import base64
import logging
import pickle
from collections.abc import AsyncIterator, Generator
from typing import Any

import httpx
import pytest
from fault_server import json_response, respond
from fault_support import OK_BODY, REQUIRED, TOKEN, Flavour, MakeSDK, StartServer

from atoma_sdk import AtomaSDK, DefaultAioHttpClient, DownloadError, models
from atoma_sdk.image_files import image_bytes, image_bytes_async
from atoma_sdk.mock import encode_png

PNG = encode_png(2, 2, (1, 2, 3))
PASSWORD = "pa55-w0rd-secret"
SECRETS = ("tok-faults", "client-default", "cookie-secret", "basic-secret", "custom-secret")


class CustomAuth(httpx.Auth):
    """A user's own auth flow, adding a header httpx knows nothing about."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Custom-Auth"] = "custom-secret"
        yield request


@pytest.fixture(params=["basic", "custom"])
async def user_client(
    request: pytest.FixtureRequest, flavour: Flavour
) -> AsyncIterator[httpx.Client | httpx.AsyncClient]:
    """A user's client that carries credentials every way httpx allows."""
    auth: Any = ("user", "basic-secret") if request.param == "basic" else CustomAuth()
    options: dict[str, Any] = {
        "auth": auth,
        "headers": {"Authorization": "Bearer client-default", "Proxy-Authorization": "x"},
        "cookies": {"session": "cookie-secret"},
    }
    if flavour.is_async:
        async_class = DefaultAioHttpClient if flavour.backend == "aiohttp" else httpx.AsyncClient
        async with async_class(**options) as async_client:
            yield async_client
    else:
        with httpx.Client(**options) as client:
            yield client


async def download(flavour: Flavour, url: str, sdk: AtomaSDK) -> bytes:
    image = models.ImageData(url=url)
    if flavour.is_async:
        return await image_bytes_async(image, sdk=sdk)
    return image_bytes(image, sdk=sdk)


async def test_an_image_host_receives_no_credentials(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    user_client: httpx.Client | httpx.AsyncClient,
) -> None:
    api = start_server(json_response(200, OK_BODY))
    host = start_server(respond(200, PNG, content_type="image/png"))
    key = "async_client" if flavour.is_async else "client"
    sdk = make_sdk(api.url, **{key: user_client})
    await flavour.generate(sdk, **REQUIRED)  # control: the API gets the user's credentials
    assert "authorization" in api.requests[0].headers

    assert await download(flavour, host.url + "/img.png", sdk) == PNG
    (sent,) = host.requests
    assert {"authorization", "proxy-authorization", "cookie", "x-custom-auth"}.isdisjoint(
        sent.headers
    ), sent.headers
    assert not any(secret in str(sent.headers) for secret in SECRETS)


async def test_an_image_url_that_is_not_http_is_a_download_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    api = start_server(json_response(200, OK_BODY))
    sdk = make_sdk(api.url)
    for url in ("file:///etc/passwd", "ftp://host/x.png", "http://[::1/x.png"):
        with pytest.raises(DownloadError):
            await download(flavour, url, sdk)
    assert api.request_count == 0


@pytest.mark.parametrize(
    "url", [f"http://user:{PASSWORD}@127.0.0.1:9", f"https://:{PASSWORD}@api.test/v1"]
)
async def test_a_password_in_server_url_is_refused_without_echo(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, url: str
) -> None:
    with pytest.raises(ValueError, match="must not contain a user name or password") as info:
        AtomaSDK(bearer_auth=TOKEN, server_url=url)
    assert PASSWORD not in str(info.value)
    server = start_server(json_response(200, OK_BODY))
    sdk = make_sdk(server.url)
    with pytest.raises(ValueError, match="server_url must not contain") as per_call:
        await flavour.generate(sdk, **REQUIRED, server_url=url)
    assert PASSWORD not in str(per_call.value)
    assert server.request_count == 0


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_logs_at_every_level_show_no_credential(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: Any
) -> None:
    """Retried (INFO) and logged (DEBUG) requests and responses, with every credential
    header on the way out and a cookie on the way back: none shows in any line."""
    set_cookie = {"Set-Cookie": "session=cookie-secret; HttpOnly"}
    server = start_server(
        json_response(503, {"error": "busy"}, {**set_cookie, "Retry-After": "0"}),
        json_response(200, OK_BODY, set_cookie),
    )
    host = start_server(respond(200, PNG, set_cookie, content_type="image/png"))
    recorder = Recorder()
    logger = logging.getLogger("atoma_sdk")
    logger.addHandler(recorder)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        sdk = make_sdk(server.url, clock=clock)
        headers = {"Proxy-Authorization": "Basic basic-secret", "Cookie": "a=cookie-secret"}
        await flavour.generate(sdk, **REQUIRED, http_headers=headers)
        url = f"http://user:{PASSWORD}@127.0.0.1:{host.port}/img.png?x=1"
        assert await download(flavour, url, sdk) == PNG
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)
    text = "\n".join(recorder.lines)
    assert "Retrying POST" in text and "Request: POST" in text and "-> 200" in text
    assert text.count("[redacted]") >= 3
    for secret in (*SECRETS, PASSWORD):
        assert secret not in text


def test_a_pickled_error_carries_no_credentials(start_server: StartServer) -> None:
    """An error from a real exchange pickles without the request's headers nor the
    response's cookies (the full check over every class is in the errors module)."""
    server = start_server(
        json_response(401, {"error": "no"}, {"Set-Cookie": "s=cookie-secret", "x-request-id": "r1"})
    )
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)
    with sdk, pytest.raises(models.AuthenticationError) as info:
        sdk.images.generate(**REQUIRED)
    data = pickle.dumps(info.value)
    assert TOKEN.encode() not in data and b"cookie-secret" not in data
    copy = pickle.loads(data)
    assert (copy.status_code, copy.request_id, copy.body) == (401, "r1", '{"error": "no"}')


def test_a_password_in_the_server_url_variable_is_refused_without_echo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ATOMASDK_SERVER_URL", f"https://user:{PASSWORD}@api.test")
    with pytest.raises(ValueError, match=r"\$ATOMASDK_SERVER_URL") as info:
        AtomaSDK(bearer_auth=TOKEN)
    assert PASSWORD not in str(info.value)


async def test_a_cookie_the_api_set_never_reaches_an_image_host(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """Cookies are host-wide (any port, and a parent domain's any subdomain): one the API
    set is sent back to the API, never to an image host, on every backend. By name
    (`localhost`): cookie jars may refuse cookies of IP addresses."""
    set_cookie = {"Set-Cookie": "session=cookie-secret; Path=/"}
    api = start_server(json_response(200, OK_BODY, set_cookie))
    host = start_server(respond(200, PNG, content_type="image/png"))
    sdk = make_sdk(f"http://localhost:{api.port}")
    await flavour.generate(sdk, **REQUIRED)
    await flavour.generate(sdk, **REQUIRED)
    assert api.requests[1].headers.get("cookie") == "session=cookie-secret"  # control
    assert await download(flavour, f"http://localhost:{host.port}/img.png", sdk) == PNG
    assert "cookie" not in host.requests[0].headers, host.requests[0].headers
    if flavour.is_async:  # the thread that looked `localhost` up, before the leak check
        await asyncio.get_running_loop().shutdown_default_executor()


async def test_a_password_in_an_image_url_is_sent_to_that_host_only(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """An image URL's own `user:password@` is that host's credential: sent to it as
    Basic auth (on aiohttp too, which refuses a URL password beside a header)."""
    api = start_server(json_response(200, OK_BODY))
    host = start_server(respond(200, PNG, content_type="image/png"))
    sdk = make_sdk(api.url)
    url = f"http://user:{PASSWORD}@127.0.0.1:{host.port}/img.png"
    assert await download(flavour, url, sdk) == PNG
    expected = "Basic " + base64.b64encode(f"user:{PASSWORD}".encode()).decode()
    assert host.requests[0].headers["authorization"] == expected


async def test_the_libraries_logs_show_no_token_nor_url_password(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """Every logger of the process at DEBUG (httpx, httpcore, aiohttp, asyncio, ours): no
    line shows the token or a download URL's password. The one known exception, which
    the SDK cannot filter without changing a process-wide logger, is documented
    (docs/guides/http-clients.md): httpcore's DEBUG lines show response headers raw,
    a `Set-Cookie` among them."""
    set_cookie = {"Set-Cookie": "session=cookie-secret; HttpOnly"}
    api = start_server(json_response(200, OK_BODY, set_cookie))
    host = start_server(respond(200, PNG, content_type="image/png"))
    recorder = Recorder()
    root = logging.getLogger()
    level = root.level
    root.addHandler(recorder)
    root.setLevel(logging.DEBUG)
    try:
        sdk = make_sdk(api.url)
        await flavour.generate(sdk, **REQUIRED)
        url = f"http://user:{PASSWORD}@127.0.0.1:{host.port}/img.png"
        assert await download(flavour, url, sdk) == PNG
    finally:
        root.removeHandler(recorder)
        root.setLevel(level)
    assert any(line.startswith("HTTP Request: GET") for line in recorder.lines)  # httpx's
    for line in recorder.lines:
        assert TOKEN not in line and PASSWORD not in line, line
    cookie_lines = [line for line in recorder.lines if "cookie-secret" in line]
    assert all(line.startswith("receive_response_headers") for line in cookie_lines)
    assert (flavour.backend == "aiohttp") == (cookie_lines == [])  # aiohttp has no such line


async def test_a_users_client_auth_is_what_the_api_receives(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """The user's `auth=` runs as httpx sends, after the SDK set its token: it wins (for a
    gateway with credentials of its own), and the client's event hooks see the call."""
    api = start_server(json_response(200, OK_BODY))
    seen: list[str] = []
    options: dict[str, Any] = {"auth": ("user", "basic-secret"), "base_url": "http://x.test"}
    if flavour.is_async:

        async def hook(request: httpx.Request) -> None:
            seen.append(request.url.path)

        async_class = DefaultAioHttpClient if flavour.backend == "aiohttp" else httpx.AsyncClient
        user: Any = async_class(event_hooks={"request": [hook]}, **options)
    else:
        user = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.url.path)]}, **options)
    key = "async_client" if flavour.is_async else "client"
    sdk = make_sdk(api.url, **{key: user})
    await flavour.generate(sdk, **REQUIRED)
    basic = "Basic " + base64.b64encode(b"user:basic-secret").decode()
    assert api.requests[0].headers["authorization"] == basic
    assert seen == ["/v1/images/generations"]
    if flavour.is_async:
        await user.aclose()
    else:
        user.close()
