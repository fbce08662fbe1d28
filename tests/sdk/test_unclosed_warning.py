"""An SDK dropped with HTTP connections of its own still open says so, as an unclosed
file does: one `ResourceWarning` naming the SDK (shown under `-W default`, `-X dev`
and pytest), its connections closed then rather than each socket warning on its own.
Nothing is said for an SDK that was closed, never made a client, or was given its
clients; nor for a `with_options` copy.

httpx 0.28 says nothing for an unclosed client (each socket warns as it is collected);
openai-python closes its clients in `__del__` without a word; aiohttp warns
("Unclosed client session"). Against the bundled mock, over real sockets.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from atoma_sdk import AtomaSDK
from atoma_sdk.mock import MockServer

REQUIRED = {"model": "m", "prompt": "p", "size": "8x8"}
MESSAGE = "unclosed atoma-sdk SDK"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running


@contextmanager
def resource_warnings() -> Iterator[list[str]]:
    """The ResourceWarnings given in the block, and by a garbage collection at its end."""
    shown: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield shown
        gc.collect()
    shown += [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_a_dropped_sdk_warns_once_and_closes_its_connections(server: MockServer) -> None:
    sdk = AtomaSDK(bearer_auth="", server_url=server.url)
    sdk.images.generate(**REQUIRED)
    client = sdk._core._client
    assert client is not None
    with resource_warnings() as shown:
        del sdk
    assert len(shown) == 1 and shown[0].startswith(MESSAGE), shown  # no socket of its own
    assert client.is_closed


async def test_a_dropped_sdk_closes_the_running_loops_client(server: MockServer) -> None:
    sdk = AtomaSDK(bearer_auth="", server_url=server.url)
    await sdk.images.generate_async(**REQUIRED)
    client = sdk._core._async_client
    assert client is not None
    with resource_warnings() as shown:
        del sdk
    assert len(shown) == 1 and shown[0].startswith(MESSAGE), shown
    for _ in range(10):  # the close is a task of this loop
        if client.is_closed:
            break
        await asyncio.sleep(0.01)
    assert client.is_closed


def test_no_warning_when_there_is_nothing_to_close(server: MockServer) -> None:
    closed = AtomaSDK(bearer_auth="", server_url=server.url)
    closed.images.generate(**REQUIRED)
    closed.close()
    unused = AtomaSDK(bearer_auth="", server_url=server.url)
    with httpx.Client() as own:
        given = AtomaSDK(bearer_auth="", server_url=server.url, client=own)
        given.images.generate(**REQUIRED)
        with resource_warnings() as shown:
            del closed, unused, given
        assert shown == []
        assert not own.is_closed


def test_a_dropped_copy_says_nothing_and_leaves_the_original_working(server: MockServer) -> None:
    with resource_warnings() as shown:
        with AtomaSDK(bearer_auth="", server_url=server.url) as sdk:
            sdk.with_options(timeout_ms=5_000).images.generate(**REQUIRED)
            gc.collect()
            sdk.images.generate(**REQUIRED)
        del sdk
    assert shown == []


@pytest.mark.parametrize("closed", [True, False])
def test_under_w_error_resourcewarning(server: MockServer, closed: bool) -> None:
    """In a fresh interpreter with `-W error::ResourceWarning`: silent when closed; the
    SDK's own warning (raised in `__del__`, so printed as ignored) when not."""
    code = f"""
        from atoma_sdk import AtomaSDK

        sdk = AtomaSDK(bearer_auth="", server_url={server.url!r})
        sdk.images.generate(model="m", prompt="p", size="8x8")
        if {closed}:
            sdk.close()
        del sdk
        print("done")
    """
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr
    if closed:
        assert done.stderr == ""
    else:
        assert f"ResourceWarning: {MESSAGE}" in done.stderr
        assert "socket" not in done.stderr, done.stderr
