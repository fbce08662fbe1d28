"""Odd but legal HTTP, and broken framing, from real local servers, on every backend:
bytes past a declared length, HTTP/1.0 bodies ended by a close, informational (1XX)
responses, `Connection: close` on every answer, large heads, answers a JSON API should
not give (an HTML page, 204, 304), and a Ctrl-C in the middle of a sync call."""

from __future__ import annotations

import asyncio
import datetime
import signal
import ssl
import threading
from ipaddress import ip_address
from pathlib import Path

import httpx
import pytest
from fault_server import (
    Behaviour,
    Exchange,
    FaultServer,
    respond,
    slow_body,
    slow_headers,
    trickle_headers,
)
from fault_support import (
    REQUIRED,
    Flavour,
    MakeSDK,
    StartServer,
    answer,
    assert_connection_error,
    assert_pool_clean,
    stopwatch,
)
from hostile_support import raw

from atoma_sdk import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AtomaSDK,
    DefaultAioHttpClient,
    ResponseValidationError,
    SDKError,
)
from atoma_sdk._runtime import deadline
from atoma_sdk._runtime.aiohttp_client import HEAD_LINE_BYTES, HEAD_LINES


def response_bytes(body: bytes, version: str = "HTTP/1.1", length: bool = True) -> bytes:
    head = f"{version} 200 OK\r\nContent-Type: application/json\r\n"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def echo_prompt(exchange: Exchange) -> bool:
    """Answer with the request's own prompt, so a call can tell its answer from another's."""
    exchange.send(response_bytes(answer(exchange.request.json()["prompt"])))
    return True


async def prompt_of(flavour: Flavour, sdk: AtomaSDK, prompt: str) -> str | None:
    result = await flavour.generate(sdk, **{**REQUIRED, "prompt": prompt})
    return result.data[0].revised_prompt


# -- framing ------------------------------------------------------------------------------


EXTRA_BYTES = [
    pytest.param(
        response_bytes(answer("first")) + response_bytes(answer("NOT YOURS")),
        id="a-whole-response-past-the-length",
    ),
    pytest.param(
        b"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n" + b'{"x": 1}\n',
        id="a-body-on-a-204",
    ),
]


@pytest.mark.parametrize("first", EXTRA_BYTES)
async def test_bytes_past_a_response_never_reach_the_next_call(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, first: bytes
) -> None:
    """A server (or proxy) sends more than its response declared: a second whole response,
    or a body after a 204. httpcore keeps such bytes for the connection's next exchange;
    the SDK's clients drop a connection holding them (aiohttp drops it itself), so the
    next call gets its own answer on a new connection, whatever the first one got."""
    server = start_server(raw(first), echo_prompt)
    sdk = make_sdk(server.url)
    try:
        await prompt_of(flavour, sdk, "first")
    except SDKError as error:  # the 204 has no JSON; aiohttp refuses the body on it
        assert first.startswith(b"HTTP/1.1 204"), error
    assert await prompt_of(flavour, sdk, "second") == "second"
    assert server.connections_accepted == 2


async def test_a_response_there_before_the_request_is_refused(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second line of defence, for bytes that come after the pool chose the connection
    (or an httpcore whose parser the SDK cannot find): a response read without a byte
    received since the request was written answers no request of ours."""
    monkeypatch.setattr(deadline, "_parser_of", lambda stream, pool: None)
    smuggled = response_bytes(answer("first")) + response_bytes(answer("NOT YOURS"))
    server = start_server(raw(smuggled), echo_prompt)
    sdk = make_sdk(server.url)
    assert await prompt_of(flavour, sdk, "first") == "first"
    try:
        second = await prompt_of(flavour, sdk, "second")
    except APIConnectionError as error:
        assert flavour.backend == "httpx", error
        assert_connection_error(error, APIConnectionError, httpx.RemoteProtocolError)
        assert "before the request was sent" in str(error)
    else:  # aiohttp: not the SDK's network streams; it drops such a connection itself
        assert (flavour.backend, second) == ("aiohttp", "second")
    assert await prompt_of(flavour, sdk, "third") == "third"
    assert server.connections_accepted == 2


async def test_an_http_1_0_body_ended_by_closing(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    body = answer("old")
    server = start_server(raw(response_bytes(body, "HTTP/1.0", length=False), keep_alive=False))
    sdk = make_sdk(server.url)
    assert [await prompt_of(flavour, sdk, "p") for _ in range(2)] == ["old", "old"]
    assert server.connections_accepted == 2


@pytest.mark.parametrize(
    "informational",
    [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"],
    ids=["100", "103"],
)
async def test_informational_responses_before_the_answer_are_skipped(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, informational: bytes
) -> None:
    server = start_server(raw(informational + response_bytes(answer("final"))))
    sdk = make_sdk(server.url)
    assert [await prompt_of(flavour, sdk, "p") for _ in range(2)] == ["final", "final"]
    assert server.connections_accepted == 1


async def test_connection_close_on_every_answer(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(respond(200, answer("x"), {"Connection": "close"}))
    sdk = make_sdk(server.url)
    assert [await prompt_of(flavour, sdk, "p") for _ in range(3)] == ["x"] * 3
    assert server.connections_accepted == 3


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
LEGAL_ODDITIES = [
    pytest.param(b"HTTP/1.1 200\r\nContent-Type: application/json\r\n", id="no-reason"),
    pytest.param(OK_HEAD + b"X-Folded: a\r\n b\r\n", id="folded-header"),
]
BROKEN_HEADS = [
    pytest.param(OK_HEAD + b"Content-Length: 5\r\n", id="two-different-lengths"),
    pytest.param(OK_HEAD + b"X-A: a\x00b\r\n", id="nul-in-a-header"),
]


@pytest.mark.parametrize("head", LEGAL_ODDITIES)
async def test_legal_oddities_of_the_head_are_read(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, head: bytes
) -> None:
    body = answer("odd")
    server = start_server(raw(head + b"Content-Length: %d\r\n\r\n" % len(body) + body))
    sdk = make_sdk(server.url)
    assert await prompt_of(flavour, sdk, "p") == "odd"


async def test_a_chunked_body_with_extensions_and_trailers_is_read(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    body = answer("chunked")
    chunks = b"%x;ext=1\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n" % (len(body), body)
    server = start_server(raw(OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + chunks))
    sdk = make_sdk(server.url)
    assert [await prompt_of(flavour, sdk, "p") for _ in range(2)] == ["chunked"] * 2
    assert server.connections_accepted == 1


@pytest.mark.parametrize(
    "answer_bytes",
    [
        *BROKEN_HEADS,
        pytest.param(b"\x00\x00\x12\x04\x00\x00\x00\x00\x00", id="an-http2-frame"),
        pytest.param(b"", id="closed-without-a-byte"),
    ],
)
async def test_a_broken_head_is_a_protocol_error_on_every_backend(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, answer_bytes: bytes
) -> None:
    """The same class whichever library parsed it; the next call, on a new connection,
    gets its own answer."""
    body = answer("after")
    if answer_bytes.startswith(b"HTTP/"):
        answer_bytes += b"Content-Length: %d\r\n\r\n" % len(body) + body
    server = start_server(raw(answer_bytes, keep_alive=False), echo_prompt)
    sdk = make_sdk(server.url)
    with pytest.raises(APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert_connection_error(info.value, APIConnectionError, httpx.RemoteProtocolError)
    assert await prompt_of(flavour, sdk, "after") == "after"


async def test_a_server_closing_idle_connections_early(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """A server whose keep-alive ends sooner than the client's (0.2 s here, 5 s in the
    pool): the closed connection is noticed before reuse, every call gets its answer."""

    def answer_then_close_when_idle(exchange: Exchange) -> bool:
        echo_prompt(exchange)
        exchange.wait(0.2)
        exchange.close()
        return False

    server = start_server(answer_then_close_when_idle)
    sdk = make_sdk(server.url)
    for i in range(3):
        assert await prompt_of(flavour, sdk, f"call-{i}") == f"call-{i}"
        await asyncio.sleep(0.4)
    assert server.connections_accepted == 3


# -- large heads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Security-Policy": "a" * (HEAD_LINE_BYTES - 100)},
        {f"X-Header-{i}": "v" for i in range(HEAD_LINES - 10)},
    ],
    ids=["one-long-line", "many-lines"],
)
async def test_a_large_head_within_both_backends_limits_is_read(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, headers: dict[str, str]
) -> None:
    """aiohttp's own limits (8,190 bytes a line, 128 lines) are raised to take heads httpx
    takes (100 KiB in all): the same server works on every backend."""
    server = start_server(respond(200, answer("big"), headers))
    sdk = make_sdk(server.url)
    assert await prompt_of(flavour, sdk, "p") == "big"


async def test_a_head_bomb_is_a_connection_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(respond(200, answer("x"), {"X-Bomb": "a" * 200_000}))
    sdk = make_sdk(server.url)
    with pytest.raises(APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert_connection_error(info.value, APIConnectionError, httpx.RemoteProtocolError)


# -- answers a JSON API should not give -------------------------------------------------


async def test_an_html_page_with_200_is_a_response_validation_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """A captive portal or a proxy's page: the body is kept for the user to see."""
    page = b"<html><body>Sign in to the Wi-Fi</body></html>"
    server = start_server(respond(200, page, content_type="text/html"))
    sdk = make_sdk(server.url)
    with pytest.raises(ResponseValidationError, match="'text/html'") as info:
        await flavour.generate(sdk, **REQUIRED)
    assert (info.value.status_code, info.value.body) == (200, page.decode())


async def test_204_on_an_operation_with_a_body_is_a_response_validation_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(respond(204, b"", content_type=None))
    sdk = make_sdk(server.url)
    with pytest.raises(ResponseValidationError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.status_code == 204


async def test_304_is_an_api_error(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(respond(304, b"", content_type=None))
    sdk = make_sdk(server.url)
    with pytest.raises(APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.status_code == 304
    assert server.request_count == 1  # not retried


# -- Ctrl-C -----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
@pytest.mark.parametrize("phase", ["headers", "body"])
def test_ctrl_c_during_a_sync_call_leaves_no_dirty_connection(
    make_sdk: MakeSDK, start_server: StartServer, phase: str
) -> None:
    """SIGINT while a sync call waits for the head, or in the middle of the body: the
    `KeyboardInterrupt` reaches the caller, the half-read connection is closed rather
    than pooled, and the next call gets its own answer on a new connection."""
    stall: Behaviour = (
        slow_headers(2.0, respond(200, answer("late")))
        if phase == "headers"
        else slow_body(2.0, answer("late"))
    )
    server = start_server(stall, echo_prompt)
    sdk = make_sdk(server.url)
    main = threading.main_thread().ident
    assert main == threading.get_ident()
    timer = threading.Timer(0.3, signal.pthread_kill, args=(main, signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sdk.images.generate(**REQUIRED)
    finally:
        timer.join()
    assert_pool_clean(sdk._core._client)
    assert sdk.images.generate(**{**REQUIRED, "prompt": "next"}).data[0].revised_prompt == "next"
    assert server.connections_accepted == 2


async def test_the_sync_api_inside_a_running_event_loop(
    make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """As in a notebook cell: the sync API blocks the loop for the call, and works."""
    server = start_server(echo_prompt)
    sdk = make_sdk(server.url)
    assert sdk.images.generate(**{**REQUIRED, "prompt": "in-loop"}).data[0].revised_prompt == (
        "in-loop"
    )
    assert (await sdk.images.generate_async(**REQUIRED)).data[0].revised_prompt == "p"


# -- the environment's proxy --------------------------------------------------------------


@pytest.mark.not_on_aiohttp(
    "DefaultAioHttpClient is a client given to the SDK, and httpx reads no proxy "
    "environment for a client made with its own transport (documented)"
)
async def test_the_sdks_own_clients_go_through_the_environments_proxy(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`HTTP_PROXY` is honoured as by a plain httpx client, and the whole-attempt deadline
    holds through the proxy: one that trickles its head is cut at the call's timeout."""
    proxy = start_server(echo_prompt)
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    sdk = make_sdk("http://api.example.test", timeout_ms=500)
    assert await prompt_of(flavour, sdk, "proxied") == "proxied"
    assert proxy.requests[0].target == "http://api.example.test/v1/images/generations"
    proxy.set_script(trickle_headers(interval=0.05, duration=3.0))
    with stopwatch() as watch, pytest.raises(APITimeoutError):
        await flavour.generate(sdk, **REQUIRED)
    print(f"trickling proxy cut after {watch.elapsed:.2f} s (timeout 0.5 s, trickle 3 s)")


# -- TLS settings of a client given to the SDK ------------------------------------------


def self_signed(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a fresh certificate for 127.0.0.1, and the file of that
    certificate (a private CA bundle, as a company's proxy would need)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fault-server")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
async def test_the_tls_settings_of_a_given_async_client_are_used(
    tmp_path: Path, backend: str
) -> None:
    """`verify=` (a private CA, or off) given to the async client reaches the network:
    `DefaultAioHttpClient` used to build its transport without it, so a private CA was
    refused and `verify=False` ignored."""
    server_context, cert_file = self_signed(tmp_path)
    trusted = ssl.create_default_context(cafile=str(cert_file))
    client_class = DefaultAioHttpClient if backend == "aiohttp" else httpx.AsyncClient
    with FaultServer(echo_prompt, tls=server_context) as server:
        for verify in (trusted, False):
            async with client_class(verify=verify) as http:
                sdk = AtomaSDK(bearer_auth="t", server_url=server.url, async_client=http)
                result = await sdk.images.generate_async(**{**REQUIRED, "prompt": "tls"})
                assert result.data[0].revised_prompt == "tls"
        async with client_class() as http:  # the system's CAs: the certificate is refused
            sdk = AtomaSDK(bearer_auth="t", server_url=server.url, async_client=http)
            with pytest.raises(APIConnectionError, match=r"(?i)certificate"):
                await sdk.images.generate_async(**REQUIRED)
