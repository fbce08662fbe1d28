"""A user's own `httpx.Auth` flows on the client they give the SDK, against a real local
server, on every backend: a flow that signs the body, and a challenge-response flow that
reads the server's 401 and sends the request again. Each attempt of a retried call goes
through the flow with the same body, and the client's event hooks see every request."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Generator
from typing import Any

import httpx
from fault_server import Behaviour, Exchange, head
from fault_support import OK_BODY, REQUIRED, TOKEN, Flavour, MakeSDK, StartServer

from atoma_sdk import DefaultAioHttpClient
from atoma_sdk.utils import BackoffStrategy, RetryConfig

KEY = b"signing-key"
RETRY = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 5_000), False)


def digest(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


class SignBody(httpx.Auth):
    """Signs each request's body (so httpx must hand the flow the body)."""

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Signature"] = digest(KEY, request.content)
        yield request


class Challenge(httpx.Auth):
    """Sends, reads a 401's nonce from its body, and sends again with a digest of the body
    under that nonce (a two-step flow in the manner of HTTP Digest)."""

    requires_request_body = True
    requires_response_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield request
        if response.status_code == 401:
            nonce = response.json()["nonce"]
            request.headers["Authorization"] = f"Digest {digest(nonce.encode(), request.content)}"
            yield request


def answer(exchange: Exchange, status: int, payload: Any) -> bool:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    exchange.send(head(status, headers) + body)
    return True


def signed_then_busy_once() -> Behaviour:
    """503 to the first request, 200 to the rest: each must be signed over its own body."""
    served = itertools.count()

    def behaviour(exchange: Exchange) -> bool:
        request = exchange.request
        if request.headers.get("x-signature") != digest(KEY, request.body):
            return answer(exchange, 403, {"error": "bad signature"})
        if next(served) == 0:
            return answer(exchange, 503, {"error": "busy"})
        return answer(exchange, 200, OK_BODY)

    return behaviour


def challenging_then_busy_once() -> Behaviour:
    """401 with a fresh single-use nonce unless the request carries the digest for the
    last nonce given; once authenticated, 503 to the first request, then 200."""
    nonces = (f"nonce-{n}" for n in itertools.count())
    state = {"nonce": "", "busy_sent": False}

    def behaviour(exchange: Exchange) -> bool:
        request = exchange.request
        expected = f"Digest {digest(state['nonce'].encode(), request.body)}"
        if not state["nonce"] or request.headers.get("authorization") != expected:
            state["nonce"] = next(nonces)
            return answer(exchange, 401, {"nonce": state["nonce"]})
        state["nonce"] = ""  # used up
        if not state["busy_sent"]:
            state["busy_sent"] = True
            return answer(exchange, 503, {"error": "busy"})
        return answer(exchange, 200, OK_BODY)

    return behaviour


def user_client(flavour: Flavour, auth: httpx.Auth, seen: list[str]) -> Any:
    """The user's client, with `auth` and a request hook recording each request sent."""
    if flavour.is_async:

        async def record(request: httpx.Request) -> None:
            seen.append(request.headers.get("authorization", ""))

        async_class = DefaultAioHttpClient if flavour.backend == "aiohttp" else httpx.AsyncClient
        return async_class(auth=auth, event_hooks={"request": [record]})
    return httpx.Client(
        auth=auth,
        event_hooks={
            "request": [lambda request: seen.append(request.headers.get("authorization", ""))]
        },
    )


async def close(client: Any) -> None:
    if isinstance(client, httpx.AsyncClient):
        await client.aclose()
    else:
        client.close()


async def test_a_body_signing_flow_signs_every_attempt(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(signed_then_busy_once())
    hooks_seen: list[str] = []
    client = user_client(flavour, SignBody(), hooks_seen)
    key = "async_client" if flavour.is_async else "client"
    try:
        sdk = make_sdk(server.url, retry_config=RETRY, **{key: client})
        response = await flavour.generate(sdk, **REQUIRED)
    finally:
        await close(client)
    assert response.created == OK_BODY["created"]
    first, second = server.requests
    assert first.body == second.body
    assert json.loads(first.body) == REQUIRED
    assert first.headers["x-signature"] == second.headers["x-signature"] == digest(KEY, first.body)
    # a flow that sets another header leaves the SDK's token in place (the documented rule)
    assert first.headers["authorization"] == second.headers["authorization"] == f"Bearer {TOKEN}"
    assert hooks_seen == [f"Bearer {TOKEN}"] * 2


async def test_a_challenge_flow_answers_each_challenge_of_a_retried_call(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(challenging_then_busy_once())
    hooks_seen: list[str] = []
    client = user_client(flavour, Challenge(), hooks_seen)
    key = "async_client" if flavour.is_async else "client"
    try:
        sdk = make_sdk(server.url, bearer_auth="", retry_config=RETRY, **{key: client})
        response = await flavour.generate(sdk, **REQUIRED)
    finally:
        await close(client)
    assert response.created == OK_BODY["created"]
    bodies = {request.body for request in server.requests}
    assert len(bodies) == 1 and json.loads(bodies.pop()) == REQUIRED
    # attempt 1: 401 (no header), answered: 503; attempt 2, the retry, sends the flow's
    # last header again, whose nonce is used up: 401, answered with the new one: 200
    sent = [request.headers.get("authorization", "") for request in server.requests]
    assert len(sent) == 4
    assert sent[0] == ""
    assert all(header.startswith("Digest ") for header in sent[1:])
    assert sent[1] == sent[2] != sent[3]
    assert hooks_seen == sent
