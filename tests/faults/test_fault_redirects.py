"""Redirects over real sockets: never followed by the SDK's own clients; followed by a
user's client configured to, but without leaking the token to another origin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fault_server import json_response, redirect
from fault_support import (
    OK_BODY,
    REQUIRED,
    TOKEN,
    Flavour,
    MakeSDK,
    StartServer,
    assert_at_most_one_idle,
    assert_pool_clean,
)

from atoma_sdk import models

PATH = "/v1/images/generations"


@pytest.fixture
async def follow_client(flavour: Flavour) -> AsyncIterator[httpx.Client | httpx.AsyncClient]:
    """A user-supplied client that follows redirects (closed by the test, not the SDK)."""
    if flavour.is_async:
        async with httpx.AsyncClient(follow_redirects=True) as async_client:
            yield async_client
    else:
        with httpx.Client(follow_redirects=True) as client:
            yield client


def user_client_kwargs(client: httpx.Client | httpx.AsyncClient) -> dict[str, Any]:
    if isinstance(client, httpx.AsyncClient):
        return {"async_client": client}
    return {"client": client}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_own_client_does_not_follow_redirects(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, status: int
) -> None:
    other = start_server(json_response(200, OK_BODY))
    server = start_server(redirect(other.url + PATH, status))
    sdk = make_sdk(server.url)
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert type(info.value) is models.APIError
    assert info.value.status_code == status
    assert info.value.headers["location"] == other.url + PATH
    assert server.request_count == 1
    assert other.request_count == 0
    assert other.connections_accepted == 0
    assert_at_most_one_idle(flavour.owned_client(sdk))


@pytest.mark.parametrize(
    ("status", "method", "body_kept"),
    [
        pytest.param(302, "GET", False, id="302"),  # httpx turns a redirected POST into GET
        pytest.param(303, "GET", False, id="303"),
        pytest.param(307, "POST", True, id="307"),
        pytest.param(308, "POST", True, id="308"),
    ],
)
async def test_user_client_follows_without_the_token_to_another_origin(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    follow_client: httpx.Client | httpx.AsyncClient,
    status: int,
    method: str,
    body_kept: bool,
) -> None:
    other = start_server(json_response(200, OK_BODY))
    server = start_server(redirect(other.url + PATH, status))
    sdk = make_sdk(server.url, **user_client_kwargs(follow_client))
    result = await flavour.generate(sdk, **REQUIRED)
    assert result.created == OK_BODY["created"]

    (first,) = server.requests
    assert first.method == "POST"
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    (followed,) = other.requests
    assert followed.method == method
    assert followed.target == PATH
    assert "authorization" not in followed.headers  # never sent to another origin
    assert followed.body == (first.body if body_kept else b"")
    assert_pool_clean(follow_client)
    assert flavour.owned_client(sdk) is follow_client  # the SDK created no client of its own


async def test_user_client_keeps_the_token_on_a_same_origin_redirect(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    follow_client: httpx.Client | httpx.AsyncClient,
) -> None:
    """Control case for the test above: same origin, so the header is kept."""
    server = start_server(redirect("/v2/images/generations", 307), json_response(200, OK_BODY))
    sdk = make_sdk(server.url, **user_client_kwargs(follow_client))
    await flavour.generate(sdk, **REQUIRED)
    first, followed = server.requests
    assert followed.target == "/v2/images/generations"
    assert followed.headers["authorization"] == first.headers["authorization"]
    assert_at_most_one_idle(follow_client)
