"""HTTP client ownership and lifetime, and the atoma-sdk 0.1.3 compatibility surface."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

import httpx
import pytest
import respx
from sdk_support import BASE_URL, REQUIRED, TOKEN, Flavour, MakeSDK, UserClients

from atoma_sdk import AtomaSDK, ClientClosedError

# 10. Context managers and client ownership


async def test_nothing_created_until_first_call(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    assert sdk._core._client is None
    assert sdk._core._async_client is None
    await flavour.generate(sdk, **REQUIRED)
    created = flavour.created_client(sdk)
    assert isinstance(created, httpx.AsyncClient if flavour.is_async else httpx.Client)
    other = sdk._core._client if flavour.is_async else sdk._core._async_client
    assert other is None  # the other flavour's client is still not built
    await flavour.generate(sdk, **REQUIRED)
    assert flavour.created_client(sdk) is created  # reused, not rebuilt per call


async def test_context_manager_closes_client_it_created(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    sdk = make_sdk()
    async with flavour.session(sdk) as entered:
        assert entered is sdk
        await flavour.generate(sdk, **REQUIRED)
        created = flavour.created_client(sdk)
        assert created is not None
        assert not created.is_closed
    assert created.is_closed
    assert flavour.created_client(sdk) is None


async def test_context_manager_leaves_user_client_open(
    flavour: Flavour, make_sdk: MakeSDK, user_clients: UserClients, route: respx.Route
) -> None:
    kwargs = user_clients.kwargs_for(flavour)
    (user_client,) = kwargs.values()
    assert isinstance(user_client, (httpx.Client, httpx.AsyncClient))
    sdk = make_sdk(**kwargs)
    async with flavour.session(sdk):
        await flavour.generate(sdk, **REQUIRED)
        assert flavour.created_client(sdk) is user_client
    assert not user_client.is_closed
    with pytest.raises(ClientClosedError, match="the client is closed"):
        await flavour.generate(sdk, **REQUIRED)  # the SDK is closed, not the user's client
    assert route.call_count == 1


async def test_close_methods(make_sdk: MakeSDK, route: respx.Route) -> None:
    sdk = make_sdk()
    sdk.images.generate(**REQUIRED)
    await sdk.images.generate_async(**REQUIRED)
    sync_client, async_client = sdk._core._client, sdk._core._async_client
    assert sync_client is not None
    assert async_client is not None
    await sdk.aclose()  # closes both
    assert sync_client.is_closed
    assert async_client.is_closed
    assert sdk._core._client is None
    assert sdk._core._async_client is None
    sdk.close()  # idempotent
    await sdk.aclose()


async def test_aclose_leaves_both_user_clients_open(
    make_sdk: MakeSDK, user_clients: UserClients, route: respx.Route
) -> None:
    kwargs = {
        **user_clients.kwargs_for(Flavour("sync")),
        **user_clients.kwargs_for(Flavour("async")),
    }
    sdk = make_sdk(**kwargs)
    async with sdk:
        sdk.images.generate(**REQUIRED)
        await sdk.images.generate_async(**REQUIRED)
    assert not kwargs["client"].is_closed
    assert not kwargs["async_client"].is_closed


async def test_sync_with_in_async_code_closes_the_async_client_it_created(
    make_sdk: MakeSDK, route: respx.Route
) -> None:
    """`with` (not `async with`) around async calls: the close is scheduled on the loop."""
    sdk = make_sdk()
    with sdk:
        await sdk.images.generate_async(**REQUIRED)
        created = sdk._core._async_client
        assert created is not None
    assert sdk._core._async_client is None
    await asyncio.sleep(0)  # let the scheduled close run
    assert created.is_closed


def test_the_async_client_closes_with_its_event_loop(make_sdk: MakeSDK, route: respx.Route) -> None:
    """`asyncio.run()` shuts the loop down: the SDK's client for that loop closes with it,
    and the next loop gets a client of its own."""
    sdk = make_sdk()
    created: list[httpx.AsyncClient | None] = []

    async def call() -> None:
        await sdk.images.generate_async(**REQUIRED)
        created.append(sdk._core._async_client)

    asyncio.run(call())
    asyncio.run(call())
    first, second = created
    assert first is not None and second is not None and first is not second
    assert first.is_closed and second.is_closed
    assert sdk._core._async_client is None
    sdk.close()


def test_sync_with_block_without_calls_creates_nothing() -> None:
    with AtomaSDK(bearer_auth=TOKEN, server_url=BASE_URL) as sdk:
        pass
    assert sdk._core._client is None
    assert sdk._core._async_client is None


# 11. Compatibility surface


def test_public_imports() -> None:
    from atoma_sdk import AtomaSDK as RootSDK
    from atoma_sdk import models
    from atoma_sdk.types import UNSET, BaseModel, Nullable, OptionalNullable, Unset
    from atoma_sdk.utils import BackoffStrategy, RetryConfig

    assert RootSDK is AtomaSDK
    for name in ("CreateImageRequest", "CreateImageResponse", "ImageData", "APIError", "Security"):
        assert hasattr(models, name), name
    assert isinstance(UNSET, Unset)
    assert Unset() is UNSET
    assert not UNSET
    assert issubclass(models.CreateImageRequest, BaseModel)
    assert issubclass(models.CreateImageResponse, BaseModel)
    nullable: Any = Nullable  # subscripted at runtime, which type checkers frown upon
    optional_nullable: Any = OptionalNullable
    assert nullable[int] == (int | None)
    assert optional_nullable[int] == (int | Unset | None)
    assert BackoffStrategy(1, 2, 3.0, 4).max_elapsed_time == 4
    config = RetryConfig("backoff", BackoffStrategy(1, 2, 3.0, 4), True)
    assert (config.strategy, config.backoff, config.retry_connection_errors) == (
        "backoff",
        BackoffStrategy(1, 2, 3.0, 4),
        True,
    )
    assert models.Security(bearer_auth="x").bearer_auth == "x"


def test_models_reachable_as_attribute() -> None:
    import atoma_sdk

    assert atoma_sdk.models.APIError.__name__ == "APIError"
    assert atoma_sdk.types.UNSET is atoma_sdk.types.Unset()
    assert atoma_sdk.utils.RetryConfig.__name__ == "RetryConfig"


def params(function: Any) -> list[tuple[str, inspect._ParameterKind, Any]]:
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(function).parameters.values()
        if p.name != "self"
    ]


def test_sdk_constructor_signature() -> None:
    from atoma_sdk.types import UNSET

    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert params(AtomaSDK.__init__) == [
        ("bearer_auth", positional, None),
        ("server_idx", positional, None),
        ("server_url", positional, None),
        ("url_params", positional, None),
        ("client", positional, None),
        ("async_client", positional, None),
        ("retry_config", positional, UNSET),
        ("timeout_ms", positional, None),
        ("debug_logger", positional, None),
        ("max_response_bytes", inspect.Parameter.KEYWORD_ONLY, None),
        ("require_signature", inspect.Parameter.KEYWORD_ONLY, False),
    ]


@pytest.mark.parametrize("method", ["generate", "generate_async"])
def test_generate_signature(method: str) -> None:
    from atoma_sdk.resources.images import Images
    from atoma_sdk.types import UNSET

    keyword = inspect.Parameter.KEYWORD_ONLY
    empty = inspect.Parameter.empty
    assert params(getattr(Images, method)) == [
        ("model", keyword, empty),
        ("prompt", keyword, empty),
        ("n", keyword, UNSET),
        ("quality", keyword, UNSET),
        ("response_format", keyword, UNSET),
        ("size", keyword, UNSET),
        ("style", keyword, UNSET),
        ("user", keyword, UNSET),
        ("retries", keyword, UNSET),
        ("server_url", keyword, None),
        ("timeout_ms", keyword, None),
        ("http_headers", keyword, None),
        ("background", keyword, UNSET),
        ("output_format", keyword, UNSET),
        ("output_compression", keyword, UNSET),
        ("moderation", keyword, UNSET),
        ("partial_images", keyword, UNSET),
        ("max_response_bytes", keyword, None),
        ("extra_headers", keyword, None),
        ("extra_query", keyword, None),
        ("extra_body", keyword, None),
    ]
    assert inspect.iscoroutinefunction(getattr(Images, method)) == (method == "generate_async")


def test_positional_constructor_like_0_1_3() -> None:
    from atoma_sdk.utils import RetryConfig

    retry = RetryConfig("none", None, False)
    sdk = AtomaSDK(TOKEN, None, BASE_URL, None, None, None, retry, 1_000, None)
    assert sdk._core.server_url == BASE_URL
    assert sdk._core.retry_config is retry
    assert sdk._core.timeout_ms == 1_000


def test_api_error_positional_construction() -> None:
    from atoma_sdk import models

    error = models.APIError("m", 400, "body")
    assert (error.message, error.status_code, error.body) == ("m", 400, "body")
    assert isinstance(error.raw_response, httpx.Response)
    assert error.raw_response.status_code == 400
    assert error.raw_response.text == "body"
    assert str(error) == "m: Status 400\nbody"
    assert error.args == ("m",)

    response = httpx.Response(418, text="teapot")
    explicit = models.APIError("m", 418, "teapot", response)
    assert explicit.raw_response is response

    bare = models.APIError("just a message")
    assert bare.status_code == -1
    assert isinstance(bare.raw_response, httpx.Response)

    with pytest.raises(models.SDKError):
        raise error


def test_repr_never_shows_token() -> None:
    secret = "sk-very-secret-token"
    sdk = AtomaSDK(bearer_auth=secret, server_url=BASE_URL)
    assert secret not in repr(sdk)
    assert BASE_URL in repr(sdk)
    assert secret not in repr(sdk._core)
    assert secret not in repr(sdk.images.__dict__)
    with_callable = AtomaSDK(bearer_auth=lambda: secret, server_url=BASE_URL)
    assert secret not in repr(with_callable._core)


class RecordingLogger:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self.lines.append(msg % args)


async def test_debug_logger_redacts_token(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route
) -> None:
    logger = RecordingLogger()
    await flavour.generate(make_sdk(bearer_auth="sk-secret", debug_logger=logger), **REQUIRED)
    assert len(logger.lines) == 2
    request_line, response_line = logger.lines
    assert request_line.startswith(f"Request: POST {BASE_URL}/v1/images/generations")
    assert "[redacted]" in request_line
    assert response_line.endswith("-> 200")
    assert all("sk-secret" not in line for line in logger.lines)


async def test_stdlib_debug_logging_redacts_token(
    flavour: Flavour, make_sdk: MakeSDK, route: respx.Route, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="atoma_sdk"):
        await flavour.generate(make_sdk(bearer_auth="sk-secret"), **REQUIRED)
    messages = [r.getMessage() for r in caplog.records if r.name == "atoma_sdk"]
    assert len(messages) == 2
    assert all("sk-secret" not in m for m in messages)


def test_debug_env_var_sends_redacted_logs_to_stderr(
    make_sdk: MakeSDK,
    route: respx.Route,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ATOMASDK_DEBUG` enables DEBUG logs on stderr, as in 0.1.3."""
    logger = logging.getLogger("atoma_sdk")
    handlers, level = list(logger.handlers), logger.level
    monkeypatch.setenv("ATOMASDK_DEBUG", "1")
    try:
        make_sdk(bearer_auth="sk-secret").images.generate(**REQUIRED)
    finally:
        logger.handlers[:], logger.level = handlers, level
    err = capsys.readouterr().err
    assert "Request: POST https://api.test/v1/images/generations" in err
    assert "'authorization': '[redacted]'" in err
    assert "Response: POST https://api.test/v1/images/generations -> 200" in err
    assert "sk-secret" not in err
