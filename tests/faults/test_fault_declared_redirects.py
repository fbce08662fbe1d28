"""A redirect the operation declares is its answer, whatever the client: over real
sockets, the SDK's own clients and a user's client made with `follow_redirects=True`
(httpx and aiohttp) both return the `Redirect` the method's type promises, after one
request, the target never contacted. (A redirect an operation does not declare is
followed by such a client: test_fault_redirects.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fault_server import FaultServer, json_response, redirect
from fault_support import Flavour, StartServer, assert_pool_clean

from atoma_sdk import DefaultAioHttpClient
from atoma_sdk._runtime.client import SDKCore, SDKSettings
from atoma_sdk._runtime.models import OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation
from atoma_sdk._runtime.redirects import Redirect
from atoma_sdk._runtime.sentinel import UNSET


class Release(OutputModel):
    tag: str


#: An archive download: its only answer is a `302` (the method returns `Redirect`).
DOWNLOAD_ARCHIVE: Operation[Any] = Operation(
    "downloadArchive", "GET", "/archive", None, redirects=("302",)
)
#: A release, or a `303` to where it moved (the method returns `Union[Release, Redirect]`).
LATEST_RELEASE: Operation[Any] = Operation(
    "latestRelease", "GET", "/releases/latest", Release, redirects=("303",)
)
#: Any 3XX beside a `204`.
GET_LOGS: Operation[Any] = Operation(
    "getLogs",
    "GET",
    "/logs",
    None,
    status_types=(("204", None),),
    redirects=("3XX",),
)


@pytest.fixture(params=["own", "following"])
async def user_client(
    request: pytest.FixtureRequest, flavour: Flavour
) -> AsyncIterator[httpx.Client | httpx.AsyncClient | None]:
    """None: the SDK's own client (DefaultAioHttpClient for aiohttp, which does not
    follow); else the user's client made with `follow_redirects=True`."""
    if request.param == "own":
        own = flavour.async_client()
        yield own
        if own is not None:
            await own.aclose()
    elif flavour.backend == "aiohttp":
        async with DefaultAioHttpClient(follow_redirects=True) as aiohttp_client:
            yield aiohttp_client
    elif flavour.is_async:
        async with httpx.AsyncClient(follow_redirects=True) as async_client:
            yield async_client
    else:
        with httpx.Client(follow_redirects=True) as client:
            yield client


@pytest.fixture
async def make_core(
    user_client: httpx.Client | httpx.AsyncClient | None,
) -> AsyncIterator[Any]:
    made: list[SDKCore] = []

    def make(server_url: str) -> SDKCore:
        core = SDKCore(
            SDKSettings("redirect_test", "redirect-test", "1.0", (server_url,)),
            credentials={},
            server_url=None,
            server_idx=None,
            url_params=None,
            client=user_client if isinstance(user_client, httpx.Client) else None,
            async_client=user_client if isinstance(user_client, httpx.AsyncClient) else None,
            retry_config=UNSET,
            timeout_ms=None,
            debug_logger=None,
        )
        made.append(core)
        return core

    yield make
    for core in made:
        assert_pool_clean(core._client)
        assert_pool_clean(core._async_client)
        await core.aclose()


async def call(core: SDKCore, flavour: Flavour, operation: Operation[Any]) -> Any:
    if flavour.is_async:
        return await core.call_async(operation, None, CallOptions())
    return core.call(operation, None, CallOptions())


def target(start_server: StartServer) -> FaultServer:
    """Where the redirects point: a server that would answer every operation's 200."""
    return start_server(json_response(200, {"tag": "v9"}))


@pytest.mark.parametrize(
    ("operation", "status"),
    [(DOWNLOAD_ARCHIVE, 302), (LATEST_RELEASE, 303), (GET_LOGS, 307), (GET_LOGS, 301)],
    ids=["302-only", "303-beside-200", "3XX-307", "3XX-301"],
)
async def test_a_declared_redirect_is_returned_by_every_client(
    flavour: Flavour,
    start_server: StartServer,
    make_core: Any,
    operation: Operation[Any],
    status: int,
) -> None:
    elsewhere = target(start_server)
    location = elsewhere.url + "/r/main.tar.gz?token=t1"
    server = start_server(redirect(location, status))
    core = make_core(server.url)

    result = await call(core, flavour, operation)

    assert result == Redirect(status, location, result.headers)
    assert result.headers["location"] == location
    assert server.request_count == 1
    assert elsewhere.request_count == 0


async def test_a_declared_redirect_beside_a_body_still_reads_the_body(
    flavour: Flavour, start_server: StartServer, make_core: Any
) -> None:
    server = start_server(json_response(200, {"tag": "v1"}))
    core = make_core(server.url)

    assert await call(core, flavour, LATEST_RELEASE) == Release(tag="v1")
