"""The process around the SDK, against real local servers: `os.fork()`, successive event
loops, and closing (before and during calls, the SDK's clients and the user's)."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fault_server import Behaviour, Exchange, head, json_response, slow_headers
from fault_support import OK_BODY, REQUIRED, TOKEN, Flavour, MakeSDK, StartServer, stopwatch

from atoma_sdk import (
    AtomaSDK,
    ClientClosedError,
    DefaultAioHttpClient,
    EventLoopMismatchError,
    SDKError,
)


def echo_prompt() -> Behaviour:
    """Answers each request with its own prompt as the image's `revised_prompt`, so a
    client can tell its answer from anyone else's; keeps the connection open."""

    def behaviour(exchange: Exchange) -> bool:
        prompt = exchange.request.json()["prompt"]
        body = json.dumps(
            {"created": 1, "data": [{"url": "https://img.test/1.png", "revised_prompt": prompt}]}
        )
        data = body.encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(data))}
        exchange.send(head(200, headers) + data)
        return True

    return behaviour


def established_to(port: int) -> int:
    """Client sockets of this process connected to `port` and not closed by this side
    (ESTABLISHED or CLOSE_WAIT), from /proc/net/tcp."""
    count = 0
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            remote_port = int(fields[2].split(":")[1], 16)
            if remote_port == port and fields[3] in ("01", "08"):
                count += 1
    return count


def wait_until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Poll `condition` (sockets close asynchronously on the server's side)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


# -- fork -----------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")
def test_a_forked_child_never_shares_the_parents_connections(start_server: StartServer) -> None:
    server = start_server(echo_prompt())
    with AtomaSDK(bearer_auth=TOKEN, server_url=server.url) as sdk:
        first = sdk.images.generate(**{**REQUIRED, "prompt": "parent-0"})
        assert first.data[0].revised_prompt == "parent-0"  # a pooled connection is now idle
        parent_client = sdk._core._client
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its answers must be its own, on its own connections
            code = 1
            try:
                os.close(read_end)
                answers = [
                    sdk.images.generate(**{**REQUIRED, "prompt": f"child-{i}"})
                    .data[0]
                    .revised_prompt
                    for i in range(20)
                ]
                fresh = sdk._core._client is not parent_client
                os.write(write_end, json.dumps({"answers": answers, "fresh": fresh}).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        answers = [
            sdk.images.generate(**{**REQUIRED, "prompt": f"parent-{i}"}).data[0].revised_prompt
            for i in range(1, 21)
        ]
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as pipe:
            child = json.loads(pipe.read() or b"{}")
        assert os.waitstatus_to_exitcode(status) == 0
        assert answers == [f"parent-{i}" for i in range(1, 21)]
        assert child["answers"] == [f"child-{i}" for i in range(20)]
        assert child["fresh"] is True
        assert sdk._core._client is parent_client  # the parent keeps its pool
        assert server.connections_accepted == 2  # one each: the child did not reuse ours


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")
def test_a_child_forked_inside_an_event_loop_uses_the_async_api_afresh(
    start_server: StartServer,
) -> None:
    """The parent forks from inside its running loop, its own async client holding a pooled
    connection: the child's `asyncio.run()` gets a client of its own (its answers are its
    own, on its own connection) while the parent goes on calling on its loop, on its own
    connection, before and after the child closed the SDK and exited."""
    server = start_server(echo_prompt())
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)

    async def prompts(prefix: str, count: int) -> list[str | None]:
        return [
            (await sdk.images.generate_async(**{**REQUIRED, "prompt": f"{prefix}-{i}"}))
            .data[0]
            .revised_prompt
            for i in range(count)
        ]

    def child(write_end: int, parent_client: Any) -> None:
        async def calls() -> dict[str, Any]:
            answers = await prompts("child", 20)
            fresh = sdk._core._async_client is not parent_client
            await sdk.aclose()
            return {"answers": answers, "fresh": fresh}

        os.write(write_end, json.dumps(asyncio.run(calls())).encode())
        sdk.close()  # closing again, outside any loop, leaves the parent's loop alone

    async def parent() -> tuple[list[str | None], dict[str, Any], int]:
        assert await prompts("parent", 1) == ["parent-0"]  # a pooled connection is now idle
        parent_client = sdk._core._async_client
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(read_end)
                child(write_end, parent_client)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        answers = await prompts("parent", 21)
        while (status := os.waitpid(pid, os.WNOHANG))[0] == 0:
            await asyncio.sleep(0.01)
        with os.fdopen(read_end, "rb") as pipe:
            from_child = json.loads(pipe.read() or b"{}")
        answers += await prompts("after", 3)  # the child has exited: our pool still works
        assert sdk._core._async_client is parent_client  # the parent keeps its pool
        await sdk.aclose()
        return answers, from_child, os.waitstatus_to_exitcode(status[1])

    answers, from_child, exit_code = asyncio.run(parent())
    assert exit_code == 0
    assert answers == [f"parent-{i}" for i in range(21)] + [f"after-{i}" for i in range(3)]
    assert from_child == {"answers": [f"child-{i}" for i in range(20)], "fresh": True}
    assert server.connections_accepted == 2  # one each: the child did not reuse ours
    assert wait_until(lambda: established_to(server.port) == 0)


# -- successive event loops ----------------------------------------------------------------


def test_one_sdk_across_successive_asyncio_runs(start_server: StartServer) -> None:
    """Each `asyncio.run()` gets a working client; its connections close with its loop."""
    server = start_server(echo_prompt())
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)
    clients: list[httpx.AsyncClient | None] = []

    async def calls(run: int) -> list[str | None]:
        results = [
            await sdk.images.generate_async(**{**REQUIRED, "prompt": f"{run}-{i}"})
            for i in range(3)
        ]
        clients.append(sdk._core._async_client)
        return [r.data[0].revised_prompt for r in results]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for run in range(5):
            assert asyncio.run(calls(run)) == [f"{run}-{i}" for i in range(3)]
            assert wait_until(lambda: established_to(server.port) == 0), "sockets left open"
        sdk.close()
        gc.collect()
    assert len({id(c) for c in clients}) == 5  # a client per loop
    assert all(c is not None and c.is_closed for c in clients)
    assert server.connections_accepted == 5
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_users_async_client_on_another_loop_is_a_clear_error(start_server: StartServer) -> None:
    server = start_server(json_response(200, OK_BODY))
    http = httpx.AsyncClient()
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url, async_client=http)
    first_loop = asyncio.new_event_loop()
    try:
        first_loop.run_until_complete(sdk.images.generate_async(**REQUIRED))
        with pytest.raises(EventLoopMismatchError, match="another event loop"):
            asyncio.run(sdk.images.generate_async(**REQUIRED))
        assert server.request_count == 1  # refused before any I/O
        first_loop.run_until_complete(sdk.images.generate_async(**REQUIRED))  # still fine
    finally:
        first_loop.run_until_complete(http.aclose())
        first_loop.close()
    assert isinstance(EventLoopMismatchError("x"), SDKError)


# -- closing -------------------------------------------------------------------------------


async def test_a_call_on_a_closed_sdk(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(json_response(200, OK_BODY))
    sdk = make_sdk(server.url)
    await flavour.generate(sdk, **REQUIRED)
    if flavour.is_async:
        await sdk.aclose()
    else:
        sdk.close()
    for _ in range(2):  # never a silent reopen
        with pytest.raises(ClientClosedError, match="the client is closed"):
            await flavour.generate(sdk, **REQUIRED)
    assert server.request_count == 1
    if flavour.backend == "aiohttp":  # the user's client: left open for its owner
        assert not sdk._core._clients.given_async.is_closed  # type: ignore[union-attr]
    else:
        assert flavour.owned_client(sdk) is None


async def test_a_call_through_a_closed_user_client(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(json_response(200, OK_BODY))
    user: httpx.Client | httpx.AsyncClient
    if flavour.is_async:
        user = DefaultAioHttpClient() if flavour.backend == "aiohttp" else httpx.AsyncClient()
        await user.aclose()
        sdk = make_sdk(server.url, async_client=user)
    else:
        user = httpx.Client()
        user.close()
        sdk = make_sdk(server.url, client=user)
    with pytest.raises(ClientClosedError, match="the client is closed: the httpx"):
        await flavour.generate(sdk, **REQUIRED)
    assert server.request_count == 0


def test_close_while_calls_run_in_other_threads(start_server: StartServer) -> None:
    """Calls in flight when `close()` runs end promptly, each with a result or an
    `SDKError`; none hangs, none raises anything else."""
    server = start_server(slow_headers(0.5, json_response(200, OK_BODY)))
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)
    started = threading.Barrier(9)

    def call(_: int) -> Any:
        started.wait()
        try:
            return sdk.images.generate(**REQUIRED)
        except Exception as error:
            return error

    with stopwatch() as watch, ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(call, i) for i in range(8)]
        started.wait()
        wait_until(lambda: server.request_count == 8)
        sdk.close()
        outcomes = [f.result(timeout=10) for f in futures]
    print(
        f"close during 8 calls: ended in {watch.elapsed:.2f} s:",
        [type(o).__name__ for o in outcomes],
    )
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, SDKError)]
    assert unexpected == []
    with pytest.raises(ClientClosedError):
        sdk.images.generate(**REQUIRED)


def test_close_from_another_thread_while_async_calls_run(start_server: StartServer) -> None:
    """`close()` in one thread while an event loop in another runs calls: the SDK's client
    is closed on that loop; each call ends with a result or an `SDKError`."""
    server = start_server(slow_headers(0.5, json_response(200, OK_BODY)))
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)
    outcomes: list[Any] = []

    async def calls() -> None:
        async def one() -> Any:
            try:
                return await sdk.images.generate_async(**REQUIRED)
            except Exception as error:
                return error

        outcomes.extend(await asyncio.gather(*(one() for _ in range(8))))

    runner = threading.Thread(target=asyncio.run, args=(calls(),))
    with stopwatch() as watch:
        runner.start()
        assert wait_until(lambda: server.request_count == 8)
        sdk.close()
        runner.join(10)
    assert not runner.is_alive()
    print(f"\nasync calls closed from another thread: {watch.elapsed:.2f} s,", end=" ")
    print(sorted({type(o).__name__ for o in outcomes}))
    assert len(outcomes) == 8
    assert [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, SDKError)] == []
    assert wait_until(lambda: established_to(server.port) == 0)


# -- copies made by with_options --------------------------------------------------------


async def test_closing_a_copy_leaves_the_original_and_its_pool_open(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    """`with sdk.with_options(...) as copy:` (or `copy.close()`): the copy is closed, the
    SDK it came from and its other copies go on, on the same pooled connection."""
    server = start_server(json_response(200, OK_BODY))
    sdk = make_sdk(server.url)
    other = sdk.with_options(timeout_ms=30_000)
    for closing in ("with", "close"):
        copy = sdk.with_options(timeout_ms=20_000)
        if flavour.is_async:
            async with copy:
                await flavour.generate(copy, **REQUIRED)
            if closing == "close":
                await copy.aclose()
        else:
            with copy:
                await flavour.generate(copy, **REQUIRED)
            if closing == "close":
                copy.close()
        with pytest.raises(ClientClosedError, match="this copy made by with_options"):
            await flavour.generate(copy, **REQUIRED)
        await flavour.generate(sdk, **REQUIRED)
        await flavour.generate(other, **REQUIRED)
    assert server.request_count == 6
    assert server.connections_accepted == 1  # one pool, never closed
    client = flavour.owned_client(sdk)
    assert client is not None and not client.is_closed


async def test_closing_the_original_closes_its_copies(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(json_response(200, OK_BODY))
    sdk = make_sdk(server.url)
    copy = sdk.with_options(timeout_ms=20_000)
    await flavour.generate(copy, **REQUIRED)
    client = flavour.owned_client(sdk)
    if flavour.is_async:
        await sdk.aclose()
    else:
        sdk.close()
    with pytest.raises(ClientClosedError, match="this SDK instance was closed"):
        await flavour.generate(copy, **REQUIRED)
    assert server.request_count == 1
    if flavour.backend == "aiohttp":  # the user's client: left open for its owner
        assert client is not None and not client.is_closed
    else:
        assert client is not None and client.is_closed


# -- many threads, many loops ---------------------------------------------------------------


def by_prompt(exchange: Exchange) -> bool:
    """A fault chosen by the prompt's number: every 4th reset, every 4th+1 a 500, every
    4th+2 a short stall, the rest answered with their own prompt."""
    prompt = exchange.request.json()["prompt"]
    kind = int(prompt.rsplit("-", 1)[1]) % 4
    if kind == 0:
        exchange.reset()
        return False
    if kind == 1:
        return json_response(500, {"error": "boom"})(exchange)
    if kind == 2:
        exchange.wait(0.05)
    return echo_prompt()(exchange)


def own_answer_or_sdk_error(prompt: str, outcome: Any) -> bool:
    if isinstance(outcome, SDKError):
        return int(prompt.rsplit("-", 1)[1]) % 4 in (0, 1)
    return bool(outcome.data[0].revised_prompt == prompt)


def test_one_sdk_from_many_threads_with_faults(start_server: StartServer) -> None:
    """16 threads share one SDK (one pool) against a server that resets, fails and stalls:
    every call ends with its own answer or, for the faulty ones only, an `SDKError`; no
    connection is left busy, and none stays open beyond the pool's keep-alive limit."""
    server = start_server(by_prompt)
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)

    def call(prompt: str) -> tuple[str, Any]:
        try:
            return prompt, sdk.images.generate(**{**REQUIRED, "prompt": prompt})
        except Exception as error:
            return prompt, error

    with stopwatch() as watch, ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(call, [f"t-{i}" for i in range(400)]))
    wrong = [(p, o) for p, o in outcomes if not own_answer_or_sdk_error(p, o)]
    print(f"\n400 calls from 16 threads: {watch.elapsed:.2f} s,", end=" ")
    print(f"{server.connections_accepted} connections, {server.request_count} requests")
    assert wrong == []
    busy = [c for c in sdk._core._client._transport._pool.connections if not c.is_idle()]
    assert busy == []
    assert established_to(server.port) <= 20  # httpx's keep-alive limit
    sdk.close()
    assert wait_until(lambda: established_to(server.port) == 0)


def test_one_sdk_from_many_event_loops_at_once(start_server: StartServer) -> None:
    """6 threads each run their own loop with 20 concurrent calls through one SDK: each
    loop gets its own client, every answer is its caller's, and every socket is closed
    when the loops have shut down."""
    server = start_server(by_prompt)
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)
    outcomes: list[tuple[str, Any]] = []

    async def calls(thread: int) -> None:
        async def one(prompt: str) -> tuple[str, Any]:
            try:
                return prompt, await sdk.images.generate_async(**{**REQUIRED, "prompt": prompt})
            except Exception as error:
                return prompt, error

        prompts = [f"l{thread}-{i}" for i in range(20)]
        outcomes.extend(await asyncio.gather(*(one(p) for p in prompts)))

    threads = [threading.Thread(target=asyncio.run, args=(calls(t),)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert len(outcomes) == 120
    assert [(p, o) for p, o in outcomes if not own_answer_or_sdk_error(p, o)] == []
    assert wait_until(lambda: established_to(server.port) == 0)
    sdk.close()
