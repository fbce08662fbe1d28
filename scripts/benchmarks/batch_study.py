"""Batch study: `images.generate_many_async` over many prompts, the server in its own
process (so it does not share the client's interpreter lock).

- By default: `--prompts` prompts at `--concurrency` against a server that answers each
  call `--delay-ms` later: the benchmark server's `/delay/<ms>` route (`bench`: asyncio,
  almost no work per call) and the bundled mock (`mock`: a thread per connection, a
  generated PNG URL per answer), on each async backend. Wall time against the bound
  prompts / concurrency * delay, the client's CPU per call, the load average, and where
  the time beyond the bound went: inside the calls (their latency over the delay) or
  between them (a slot idle while the batch starts the next call, and the last wave).
- `--capacity C`: against a server that serves C calls at a time (`--delay-ms` each) and
  answers 429 with `Retry-After: 1` beyond them, with the default per-call retries (and,
  with `--also-without-retries`, with `retries=None`): every prompt must end ok, and the
  share of calls rejected after the first minute must stay under 5%.
- `--memory N`: peak RSS growth over N prompts answered in memory (no server), to show
  memory stays flat in the input's length.

Run: `.venv/bin/python scripts/benchmarks/batch_study.py [--prompts N] ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import resource
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

from atoma_sdk import AtomaSDK, DefaultAioHttpClient, models
from atoma_sdk._runtime.batch import run_batch
from atoma_sdk.mock import MockAPI, MockServer

BENCH_SERVER = Path(__file__).with_name("server.py")
#: After this many seconds the batch has found the server's capacity: rejections counted.
SETTLED_AFTER = 60.0


# -- servers, each in its own process -------------------------------------------------


class OwnProcess:
    """`serve(*args, connection)` run in a fresh interpreter: it sends its URL first,
    serves until it receives anything, then sends back what it has to report."""

    def __init__(self, serve: Callable[..., None], *args: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=serve, args=(*args, theirs), daemon=True)
        self._process.start()
        self.url: str = self._connection.recv()
        self.report: Any = None

    def stop(self) -> Any:
        """Stop the server; what it reported."""
        if self._process.is_alive():
            self._connection.send(None)
            self.report = self._connection.recv()
            self._process.join(10)
        return self.report


@contextmanager
def own_process(serve: Callable[..., None], *args: Any) -> Iterator[OwnProcess]:
    server = OwnProcess(serve, *args)
    try:
        yield server
    finally:
        server.stop()


def serve_bench(delay_ms: int, connection: Connection) -> None:
    """The benchmark server (scripts/benchmarks/server.py), its `/delay/<ms>` route."""
    import subprocess

    server = subprocess.Popen(
        [sys.executable, "-I", str(BENCH_SERVER), "--events", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    port = int(server.stdout.readline())
    connection.send(f"http://127.0.0.1:{port}/delay/{delay_ms}")
    connection.recv()
    server.stdin.close()
    server.wait(10)
    connection.send(None)


def serve_mock(delay_ms: int, connection: Connection) -> None:
    """The bundled mock, answering each call `delay_ms` later."""
    with MockServer(MockAPI(delay_seconds=delay_ms / 1000)) as server:
        connection.send(server.url)
        connection.recv()
    connection.send(None)


def serve_capped(capacity: int, delay_ms: int, connection: Connection) -> None:
    """A generation endpoint that serves `capacity` calls at a time, each `delay_ms` long,
    and answers 429 with `Retry-After: 1` beyond them; when stopped, it sends back
    `(seconds since its first answer, status)` of every answer."""
    lock = threading.Lock()
    in_flight = 0
    answers: list[tuple[float, int]] = []
    body = json.dumps({"created": 1, "data": [{"url": "https://img.test/1.png"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each body waits ~40 ms for an ACK

        def do_POST(self) -> None:
            nonlocal in_flight
            self.rfile.read(int(self.headers["content-length"]))
            with lock:
                admitted = in_flight < capacity
                in_flight += admitted
            if admitted:
                time.sleep(delay_ms / 1000)
            status = 200 if admitted else 429
            with lock:
                in_flight -= admitted
                answers.append((time.monotonic(), status))
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            if not admitted:
                self.send_header("retry-after", "1")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # socketserver's 5 overflows under a batch's burst

    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    connection.send(f"http://127.0.0.1:{httpd.server_address[1]}")
    connection.recv()
    httpd.shutdown()
    with lock:
        first = answers[0][0] if answers else 0.0
        connection.send([(at - first, status) for at, status in answers])


SERVERS: dict[str, Callable[[int, Connection], None]] = {"bench": serve_bench, "mock": serve_mock}


# -- the studies ----------------------------------------------------------------------


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


@dataclass(frozen=True)
class Run:
    ok: int
    wall: float
    cpu: float  # the client's CPU seconds
    latencies: list[float]  # each call's seconds, start to result

    def line(self, prompts: int, concurrency: int, delay: float) -> str:
        """Wall time against the bound, and where the time beyond it went: inside the
        calls (latency over the server's delay: client CPU, waiting for the loop, the
        network) or between them (a slot idle: the batch's own work, the last wave)."""
        bound = prompts / concurrency * delay
        mean = sum(self.latencies) / len(self.latencies)
        idle = self.wall - sum(self.latencies) / concurrency
        return (
            f"ok {self.ok}/{prompts}  wall {self.wall:5.2f} s  {self.wall / bound:.2f}x the "
            f"bound  client CPU {self.cpu / prompts * 1e6:4.0f} us/call  call latency "
            f"{(mean - delay) * 1000:+4.0f} ms over the delay  slot idle {idle:.2f} s"
        )


async def run(url: str, prompts: int, concurrency: int, backend: str) -> Run:
    """One batch: what `generate_many_async` runs, each call timed. Backends: `httpx` (the
    SDK's default), `aiohttp` (`DefaultAioHttpClient`), `raw-aiohttp` (no SDK: httpx on
    the aiohttp transport posting the same JSON, a pydantic model parsing the answer)."""
    if backend == "raw-aiohttp":
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=httpx.Limits(max_connections=1_000))
        async with httpx.AsyncClient(transport=transport, timeout=60) as raw:

            async def post(**arguments: Any) -> models.CreateImageResponse:
                answer = await raw.post(f"{url}/v1/images/generations", json=arguments)
                answer.raise_for_status()
                return models.CreateImageResponse.model_validate_json(answer.content)

            return await _timed(post, prompts, concurrency)
    client: httpx.AsyncClient | None = DefaultAioHttpClient() if backend == "aiohttp" else None
    async with AtomaSDK(bearer_auth="", server_url=url, async_client=client) as sdk:
        done = await _timed(sdk.images.generate_async, prompts, concurrency)
    if client is not None:
        await client.aclose()
    return done


async def _timed(call: Callable[..., Awaitable[object]], prompts: int, concurrency: int) -> Run:
    """Warm `concurrency` connections up, then run the batch of `prompts`, each call and
    the whole timed."""
    latencies: list[float] = []

    async def generate(**arguments: Any) -> object:
        started = time.perf_counter()
        try:
            return await call(**arguments)
        finally:
            latencies.append(time.perf_counter() - started)

    warm = ({"model": "m", "prompt": "warm", "size": "256x256"} for _ in range(concurrency))
    async for _ in run_batch(generate, warm, concurrency=concurrency):
        pass  # connections open, code paths warm
    latencies.clear()
    # Each backend starts from the same collector state: the process's first full
    # collection (its whole heap, 40-110 ms) otherwise falls on whichever runs first.
    gc.collect()
    requests = ({"model": "m", "prompt": f"p{i}", "size": "256x256"} for i in range(prompts))
    started, cpu = time.perf_counter(), time.process_time()
    ok = 0
    async for result in run_batch(generate, requests, concurrency=concurrency):
        ok += result.ok
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Run(ok, wall, cpu, latencies)


async def capped(url: str, prompts: int, concurrency: int, per_call_retries: bool) -> str:
    """One batch against `serve_capped`; with `per_call_retries` False each call is sent
    with `retries=None` (only the batch resends)."""
    extra: dict[str, Any] = {} if per_call_retries else {"retries": None}
    async with (
        DefaultAioHttpClient() as http,
        AtomaSDK(bearer_auth="", server_url=url, async_client=http) as sdk,
    ):
        requests = ({"model": "m", "prompt": f"p{i}", **extra} for i in range(prompts))
        started, ok = time.perf_counter(), 0
        async for result in sdk.images.generate_many_async(requests, concurrency=concurrency):
            ok += result.ok
        wall = time.perf_counter() - started
    return f"ok {ok}/{prompts} in {wall:.1f} s"


def rejections(answers: list[tuple[float, int]], capacity: int, delay_ms: int) -> str:
    def share(part: list[tuple[float, int]]) -> str:
        refused = sum(status == 429 for _, status in part)
        return f"{refused}/{len(part)} ({refused / max(len(part), 1):.1%})"

    served = sum(status == 200 for _, status in answers)
    span = answers[-1][0] if answers else 0.0
    rate = served / span if span else 0.0
    capacity_rate = capacity / (delay_ms / 1000)
    late = [answer for answer in answers if answer[0] >= SETTLED_AFTER]
    return (
        f"rejected {share(answers)}, after the first minute {share(late)}; "
        f"served {rate:.1f}/s of the server's {capacity_rate:.0f}/s"
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def memory(prompts: int) -> tuple[int, float, float]:
    """(results ok, seconds, peak RSS growth in MB) over `prompts` answered in memory."""
    body = json.dumps({"created": 1, "data": [{"url": "https://img.test/1.png"}]}).encode()
    headers = {"content-type": "application/json"}
    transport = httpx.MockTransport(lambda _: httpx.Response(200, content=body, headers=headers))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AtomaSDK(bearer_auth="", server_url="http://bench.invalid", async_client=http) as sdk,
    ):
        warm = ({"model": "m", "prompt": "p"} for _ in range(1_000))
        async for _ in sdk.images.generate_many_async(warm, concurrency=64):
            pass
        before, started, ok = peak_rss_mb(), time.perf_counter(), 0
        requests = ({"model": "m", "prompt": f"p{i}"} for i in range(prompts))
        async for result in sdk.images.generate_many_async(requests, concurrency=64):
            ok += result.ok
    return ok, time.perf_counter() - started, peak_rss_mb() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--delay-ms", type=int, default=200)
    parser.add_argument("--backends", default="httpx,aiohttp,raw-aiohttp")
    parser.add_argument("--servers", default="bench,mock", help="of: bench, mock")
    parser.add_argument("--rounds", type=int, default=1, help="each run this many times")
    parser.add_argument("--memory", type=int, metavar="N", help="the memory study instead")
    parser.add_argument("--capacity", type=int, metavar="C", help="the 429 study instead")
    parser.add_argument("--also-without-retries", action="store_true")
    args = parser.parse_args()
    if args.capacity:
        print(
            f"{args.prompts} prompts, concurrency {args.concurrency}, a server serving "
            f"{args.capacity} at a time, {args.delay_ms} ms each (aiohttp backend):"
        )
        for per_call in (True, False)[: 1 + args.also_without_retries]:
            with own_process(serve_capped, args.capacity, args.delay_ms) as server:
                figures = asyncio.run(capped(server.url, args.prompts, args.concurrency, per_call))
                answers = server.stop()
            name = "per-call retries" if per_call else "retries=None"
            print(f"{name:16s}  {figures}; {rejections(answers, args.capacity, args.delay_ms)}")
            print(f"{'':16s}  {load()}")
        return
    if args.memory:
        ok, seconds, growth = asyncio.run(memory(args.memory))
        print(f"{ok}/{args.memory} ok in {seconds:.1f} s; peak RSS growth {growth:.1f} MB")
        return
    delay = args.delay_ms / 1000
    bound = args.prompts / args.concurrency * delay
    floor = -(-args.prompts // args.concurrency) * delay
    print(
        f"{args.prompts} prompts, concurrency {args.concurrency}, server delay "
        f"{args.delay_ms} ms, server in its own process: bound {bound:.3f} s (whole waves: "
        f"{floor:.3f} s, {floor / bound:.3f}x)"
    )
    for name in args.servers.split(","):
        with own_process(SERVERS[name], args.delay_ms) as server:
            for _round in range(args.rounds):
                for backend in args.backends.split(","):
                    done = asyncio.run(run(server.url, args.prompts, args.concurrency, backend))
                    figures = done.line(args.prompts, args.concurrency, delay)
                    print(f"{name:5s} {backend:8s} {figures}  {load()}", flush=True)


if __name__ == "__main__":
    main()
