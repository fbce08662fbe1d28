"""Every failure is an SDK error, and it travels: broken HTTP from a real local server and
failures below httpx become `SDKError` subclasses (connection ones also the httpx class);
every exception class the package exports is declared once, named by the package, and
pickles with its fields but without credentials."""

from __future__ import annotations

import pickle
from typing import Any

import anyio
import h11
import httpx
import pydantic
import pytest
from fault_server import Behaviour, Exchange
from fault_support import (
    REQUIRED,
    Flavour,
    MakeSDK,
    StartServer,
    assert_connection_error,
    stopwatch,
)

import atoma_sdk
from atoma_sdk import APIConnectionError, APIError, AtomaSDK, ResponseTooLargeError, SDKError
from atoma_sdk._runtime import errors


def raw(data: bytes) -> Behaviour:
    """Answers with exactly `data`, then closes the connection."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send(data)
        exchange.close()
        return False

    return behaviour


BROKEN_HTTP = [
    pytest.param(b"HTTX/1.1 200 OK\r\n\r\n", httpx.RemoteProtocolError, id="bad-status-line"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", httpx.RemoteProtocolError, id="bad-header"
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        httpx.RemoteProtocolError,
        id="negative-length",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        httpx.RemoteProtocolError,
        id="bad-chunk",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 8\r\n\r\nnot gzip",
        httpx.DecodingError,
        id="bad-gzip",
    ),
]


@pytest.mark.parametrize(("answer", "httpx_class"), BROKEN_HTTP)
async def test_broken_http_is_a_connection_error(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    answer: bytes,
    httpx_class: type[Exception],
) -> None:
    server = start_server(raw(answer))
    sdk = make_sdk(server.url)
    with stopwatch() as watch, pytest.raises(SDKError) as info:
        await flavour.generate(sdk, **REQUIRED, retries=None)
    print(f"{type(info.value).__name__} after {watch.elapsed:.3f} s: {info.value}")
    assert_connection_error(info.value, APIConnectionError, httpx_class)
    assert server.request_count == 1
    assert ", message=" not in str(info.value)  # aiohttp's wording, as if the server sent 400


class Failing(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A transport under the user's client that fails with `error` (as httpcore, h11, h2
    or anyio can when httpx does not translate their exceptions)."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise self.error

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise self.error


LOWER_LAYERS = [
    pytest.param(h11.LocalProtocolError("illegal header"), id="h11"),
    pytest.param(anyio.BrokenResourceError(), id="anyio"),
    pytest.param(httpx.InvalidURL("no host"), id="invalid-url"),
    pytest.param(httpx.StreamClosed(), id="stream-closed"),
]


OWN_TRANSPORT = pytest.mark.not_on_aiohttp(
    "the test's own transport replaces the network backend, so on aiohttp it would repeat "
    "the async run; aiohttp's own failures are the real-server cases above"
)


@OWN_TRANSPORT
@pytest.mark.parametrize("error", LOWER_LAYERS)
async def test_failures_below_httpx_are_sdk_errors(flavour: Flavour, error: Exception) -> None:
    transport = Failing(error)
    user: Any = (
        httpx.AsyncClient(transport=transport)
        if flavour.is_async
        else httpx.Client(transport=transport)
    )
    key = "async_client" if flavour.is_async else "client"
    sdk = AtomaSDK(bearer_auth="t", server_url="http://127.0.0.1:9", **{key: user})
    with pytest.raises(SDKError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert type(info.value) is errors.TransportError
    assert isinstance(info.value, httpx.TransportError)
    assert info.value.__cause__ is error
    assert type(error).__name__ in str(info.value)


@OWN_TRANSPORT
async def test_other_exceptions_of_the_users_transport_pass_through(flavour: Flavour) -> None:
    """Not a transport failure (the user's own bug): raised unchanged."""
    transport = Failing(KeyError("mine"))
    user: Any = (
        httpx.AsyncClient(transport=transport)
        if flavour.is_async
        else httpx.Client(transport=transport)
    )
    key = "async_client" if flavour.is_async else "client"
    sdk = AtomaSDK(bearer_auth="t", server_url="http://127.0.0.1:9", **{key: user})
    with pytest.raises(KeyError):
        await flavour.generate(sdk, **REQUIRED)


# -- declared once, named by the package, pickled without credentials ---------------------

SECRET = "s3cret-token"


def exported_exceptions() -> list[type[BaseException]]:
    names = [getattr(atoma_sdk, name) for name in atoma_sdk.__all__]
    return [c for c in names if isinstance(c, type) and issubclass(c, BaseException)]


def connection_classes() -> list[type[APIConnectionError]]:
    return [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, httpx.RequestError)
    ]


def request() -> httpx.Request:
    return httpx.Request(
        "POST",
        f"https://user:{SECRET}@api.test/v1/images?x=1",
        headers={"Authorization": f"Bearer {SECRET}", "Cookie": f"s={SECRET}"},
        content=b'{"prompt": "p"}',
    )


def example(cls: type[BaseException]) -> BaseException:
    """An instance of `cls` with every field set."""
    if issubclass(cls, APIError):
        response = httpx.Response(
            429,
            headers={"Set-Cookie": f"s={SECRET}", "x-request-id": "req-9", "Retry-After": "3"},
            content=b'{"error": {"message": "slow down"}}',
            request=request(),
        )
        error: BaseException = cls("slow down", 429, response.text, response)
        vars(error)["retry_after"] = 3.0
        return error
    if issubclass(cls, APIConnectionError):
        return cls("connection reset", request=request())
    if issubclass(cls, ResponseTooLargeError):
        return cls("too large", 1024)
    if issubclass(cls, pydantic.ValidationError):  # an argument refused before any I/O
        details: Any = [{"type": "missing", "loc": ("prompt",), "input": {}}]
        return cls.from_exception_data("generate", details)
    return cls("something failed")


def test_exported_exceptions_are_declared_once_and_named_by_the_package() -> None:
    exported = exported_exceptions()
    assert SDKError in exported and len(exported) >= 15
    for cls in exported:
        assert cls.__module__ == "atoma_sdk", cls
        assert getattr(atoma_sdk, cls.__name__) is cls
        if issubclass(cls, SDKError):
            assert getattr(atoma_sdk.models, cls.__name__) is cls
    declared = {id(value) for value in vars(errors).values()}
    for cls in connection_classes():
        assert id(cls) in declared, cls  # a class statement of errors.py, not type()


@pytest.mark.parametrize(
    "cls", [*exported_exceptions(), *connection_classes()], ids=lambda c: c.__name__
)
def test_every_exception_pickles_with_its_fields_and_no_credentials(
    cls: type[BaseException],
) -> None:
    original = example(cls)
    data = pickle.dumps(original)
    assert SECRET.encode() not in data
    copy = pickle.loads(data)
    assert type(copy) is cls
    assert str(copy) == str(original)
    if isinstance(original, APIError):
        assert (copy.message, copy.status_code, copy.body) == (
            original.message,
            original.status_code,
            original.body,
        )
        assert copy.request_id == "req-9"
        assert copy.headers["retry-after"] == "3"
        assert "set-cookie" not in copy.headers
        assert vars(copy)["retry_after"] == 3.0
        assert copy.raw_response.request.url == "https://api.test/v1/images?x=1"
    elif isinstance(original, httpx.RequestError):  # the classes that are httpx's too
        assert isinstance(copy, httpx.RequestError)
        assert copy.request.method == "POST"
        assert copy.request.url == "https://api.test/v1/images?x=1"
        assert "authorization" not in copy.request.headers
    elif isinstance(original, pydantic.ValidationError):
        assert copy.errors() == original.errors()
    elif not isinstance(original, APIConnectionError):
        assert vars(copy) == vars(original)


async def test_a_real_connection_error_pickles(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(raw(b"HTTX/1.1 200 OK\r\n\r\n"))
    sdk = make_sdk(server.url, bearer_auth=SECRET)
    with pytest.raises(APIConnectionError) as info:
        await flavour.generate(sdk, **REQUIRED)
    data = pickle.dumps(info.value)
    assert SECRET.encode() not in data
    copy = pickle.loads(data)
    assert type(copy) is type(info.value) and isinstance(copy, httpx.RemoteProtocolError)
    assert copy.request.url.path == "/v1/images/generations"


class Missing(pydantic.BaseModel):
    order_id: str


class MissingError(errors.TypedAPIError):
    """What a generated package declares for an error body (see the generator)."""

    data: Missing
    _data_type = Missing


def test_a_declared_error_body_pickles_as_its_status_class() -> None:
    response = httpx.Response(
        404, json={"order_id": "o1"}, request=httpx.Request("GET", "https://api.test/o/o1")
    )
    error = errors.status_error(response, declared=[("4XX", MissingError)])
    assert isinstance(error, MissingError) and isinstance(error, atoma_sdk.NotFoundError)
    assert type(error).__name__ == "MissingError[NotFoundError]"  # one class per name
    assert type(errors.status_error(response, declared=[("4XX", MissingError)])) is type(error)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert copy.data == Missing(order_id="o1")
    assert copy.status_code == 404


class BrokenBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An event stream that breaks under httpx after a first comment line."""

    def __iter__(self) -> Any:
        yield b": first\n\n"
        raise h11.RemoteProtocolError("broken chunk")

    async def __aiter__(self) -> Any:
        yield b": first\n\n"
        raise h11.RemoteProtocolError("broken chunk")


@OWN_TRANSPORT
async def test_a_stream_broken_below_httpx_is_an_sdk_error(flavour: Flavour) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=BrokenBody()
        )

    transport = httpx.MockTransport(answer)
    with pytest.raises(SDKError) as info:
        if flavour.is_async:
            async with httpx.AsyncClient(transport=transport) as http:
                sdk = AtomaSDK(bearer_auth="t", server_url="http://api.test", async_client=http)
                stream = await sdk.images.generate_stream_async(**REQUIRED)
                async with stream:
                    async for _ in stream:
                        pass
        else:
            with httpx.Client(transport=transport) as http:
                sdk = AtomaSDK(bearer_auth="t", server_url="http://api.test", client=http)
                with sdk.images.generate_stream(**REQUIRED) as events:
                    for _ in events:
                        pass
    assert type(info.value) is errors.TransportError
    assert isinstance(info.value.__cause__, h11.RemoteProtocolError)
