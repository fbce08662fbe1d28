"""Errors a person can read: a bad argument is one line naming the field, the rule and the
value (its type when the rule is about types), and stays a `pydantic.ValidationError`;
connection errors name the method and URL, timeouts their phase and limit; public class
names in reprs and tracebacks."""

from __future__ import annotations

import contextlib
import pickle
import socket
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pydantic
import pytest
import respx

import atoma_sdk
from atoma_sdk import AtomaSDK


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"n": -1}, "n: must be ≥ 0, got -1"),
        ({"n": 2**40}, "n: must be ≤ 2147483647, got 1099511627776"),
        ({"n": "3"}, "n: must be an integer, got str '3'"),
        ({"size": 5}, "size: must be a string, got int 5"),
        ({"partial_images": 9}, "partial_images: must be ≤ 3, got 9"),
        (
            {"n": -1, "output_compression": 101},
            "n: must be ≥ 0, got -1; output_compression: must be ≤ 100, got 101",
        ),
        ({"prompt": "x" * 100, "n": 1.5}, "n: must be an integer, got float 1.5"),
    ],
)
def test_bad_argument_is_one_readable_line(arguments: dict[str, Any], message: str) -> None:
    with respx.mock(assert_all_called=False) as router, AtomaSDK(bearer_auth="t") as sdk:
        route = router.post("https://api.atoma.network/v1/images/generations")
        with pytest.raises(pydantic.ValidationError) as caught:
            sdk.images.generate(**{"model": "m", "prompt": "p", **arguments})
    assert route.call_count == 0
    error = caught.value
    assert str(error) == message
    assert "\n" not in str(error)
    assert isinstance(error, atoma_sdk.InvalidArgumentError)
    assert error.errors()[0]["loc"][0] in arguments  # pydantic's detail is still there


def test_long_values_are_cut() -> None:
    with pytest.raises(atoma_sdk.InvalidArgumentError) as caught:
        AtomaSDK(bearer_auth="t").images.generate(model="m", prompt="p", size=["x" * 500])  # type: ignore[arg-type]
    assert str(caught.value) == f"size: must be a string, got list {repr(['x' * 500])[:60]}..."


def test_the_error_class_is_named_by_the_package() -> None:
    assert repr(atoma_sdk.InvalidArgumentError) == "<class 'atoma_sdk.InvalidArgumentError'>"
    assert issubclass(atoma_sdk.InvalidArgumentError, pydantic.ValidationError)


def test_open_enum_with_a_value_of_another_type() -> None:
    with pytest.raises(atoma_sdk.InvalidArgumentError) as caught:
        AtomaSDK(bearer_auth="t").images.generate(model="m", prompt="p", size=1024)  # type: ignore[arg-type]
    assert str(caught.value) == "size: must be a string, got int 1024"
    assert [d["type"] for d in caught.value.errors()] == ["string_type"]


# -- connection errors: method, URL without credentials, the phase and limit of a timeout --


def test_connection_error_names_method_and_url_without_credentials() -> None:
    with respx.mock() as router:
        router.post("https://api.atoma.network/v1/images/generations").mock(
            side_effect=httpx.ConnectError("[Errno 111] Connection refused")
        )
        sdk = AtomaSDK(bearer_auth="t", retry_config=None)
        with sdk, pytest.raises(atoma_sdk.APIConnectionError) as caught:
            sdk.images.generate(model="m", prompt="p", extra_query={"key": "secret"})
    error = caught.value
    assert str(error) == (
        "POST https://api.atoma.network/v1/images/generations: [Errno 111] Connection refused"
    )
    assert isinstance(error, httpx.ConnectError)
    assert repr(error) == f"APIConnectionError({str(error)!r})"
    assert "".join(traceback.format_exception_only(error)).startswith(
        "atoma_sdk.APIConnectionError: POST https://api.atoma.network/"
    )


@contextmanager
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
        thread.join(5)


def test_read_timeout_says_the_phase_and_the_limit() -> None:
    with (
        silent_server() as url,
        AtomaSDK("t", None, url, retry_config=None) as sdk,
        pytest.raises(atoma_sdk.APITimeoutError) as caught,
    ):
        sdk.images.generate(model="m", prompt="p", timeout_ms=200)
    assert str(caught.value) == (
        f"POST {url}/v1/images/generations: timed out reading the response "
        "(the read timeout, 0.2 s): timed out"
    )
    assert isinstance(caught.value, httpx.ReadTimeout)
    assert repr(caught.value).startswith("APITimeoutError('POST ")


async def test_async_timeout_text_is_more_than_its_class_name() -> None:
    with silent_server() as url:
        async with AtomaSDK("t", None, url, retry_config=None) as sdk:
            with pytest.raises(atoma_sdk.APITimeoutError) as caught:
                await sdk.images.generate_async(model="m", prompt="p", timeout_ms=200)
    assert str(caught.value) == (
        f"POST {url}/v1/images/generations: timed out reading the response "
        "(the read timeout, 0.2 s)"
    )


def test_connection_errors_pickle_as_their_httpx_class() -> None:
    with respx.mock() as router:
        router.post("https://api.atoma.network/v1/images/generations").mock(
            side_effect=httpx.ReadTimeout("")
        )
        sdk = AtomaSDK(bearer_auth="t", retry_config=None)
        with sdk, pytest.raises(atoma_sdk.APITimeoutError) as caught:
            sdk.images.generate(model="m", prompt="p")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is type(caught.value) and isinstance(copy, httpx.ReadTimeout)
    assert str(copy) == str(caught.value)
