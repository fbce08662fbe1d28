"""Batch study: `images.generate_many_async` over many prompts against the bundled mock
with a server delay, on each async backend, against the bound prompts / concurrency *
delay; `--capacity C`: against a server that answers 429 (Retry-After: 1) beyond C
calls in flight, how many calls were rejected, overall and in the second half; `--memory
N`: peak RSS growth over N prompts answered in memory (no server), to show memory stays
flat in the input's length.
Run: `.venv/bin/python scripts/benchmarks/batch_study.py [--prompts N] ...`."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from atoma_sdk import AtomaSDK, DefaultAioHttpClient
from atoma_sdk.mock import MockAPI, MockServer


async def run(prompts: int, concurrency: int, delay: float, backend: str) -> tuple[int, float]:
    """(results ok, wall seconds) of one batch."""
    with MockServer(MockAPI(delay_seconds=delay)) as server:
        client: httpx.AsyncClient | None = DefaultAioHttpClient() if backend == "aiohttp" else None
        async with AtomaSDK(bearer_auth="", server_url=server.url, async_client=client) as sdk:
            requests = (
                {"model": "m", "prompt": f"p{i}", "size": "256x256"} for i in range(prompts)
            )
            started = time.perf_counter()
            ok = 0
            async for result in sdk.images.generate_many_async(requests, concurrency=concurrency):
                ok += result.ok
            wall = time.perf_counter() - started
        if client is not None:
            await client.aclose()
    return ok, wall


class CappedServer:
    """A generation endpoint that serves `capacity` calls at a time, each `delay` long,
    and answers 429 with `Retry-After: 1` to a call beyond them."""

    def __init__(self, capacity: int, delay: float) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.answers: list[int] = []  # statuses in the order sent
        body = json.dumps({"created": 1, "data": [{"url": "https://img.test/1.png"}]}).encode()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["content-length"]))
                with server.lock:
                    admitted = server.in_flight < capacity
                    server.in_flight += admitted
                if admitted:
                    time.sleep(delay)
                status = 200 if admitted else 429
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                if not admitted:
                    self.send_header("retry-after", "1")
                self.end_headers()
                self.wfile.write(body)
                with server.lock:
                    server.in_flight -= admitted
                    server.answers.append(status)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


async def capped(
    prompts: int, concurrency: int, delay: float, capacity: int, per_call_retries: bool
) -> str:
    """One batch against a `CappedServer`; with `per_call_retries` False, each call is
    sent with `retries=None`, so 429s reach the batch (AIMD, the batch-wide pause)."""
    extra: dict[str, Any] = {} if per_call_retries else {"retries": None}
    server = CappedServer(capacity, delay)
    try:
        async with (
            DefaultAioHttpClient() as http,
            AtomaSDK(bearer_auth="", server_url=server.url, async_client=http) as sdk,
        ):
            requests = ({"model": "m", "prompt": f"p{i}", **extra} for i in range(prompts))
            started, ok = time.perf_counter(), 0
            async for result in sdk.images.generate_many_async(requests, concurrency=concurrency):
                ok += result.ok
            wall = time.perf_counter() - started
    finally:
        server.stop()
    answers = server.answers
    second = answers[len(answers) // 2 :]
    bound = prompts / capacity * delay
    return (
        f"ok {ok}/{prompts} in {wall:.1f} s ({wall / bound:.2f}x the server's bound); "
        f"rejected {answers.count(429)} of {len(answers)} calls "
        f"({answers.count(429) / len(answers):.1%}), in the second half "
        f"{second.count(429) / len(second):.1%}"
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
    parser.add_argument("--backends", default="httpx,aiohttp")
    parser.add_argument("--memory", type=int, metavar="N", help="the memory study instead")
    parser.add_argument("--capacity", type=int, metavar="C", help="the 429 study instead")
    args = parser.parse_args()
    if args.capacity:
        print(
            f"{args.prompts} prompts, concurrency {args.concurrency}, a server serving "
            f"{args.capacity} at a time, {args.delay_ms} ms each (aiohttp backend):"
        )
        delay = args.delay_ms / 1000
        for per_call in (True, False):
            figures = asyncio.run(
                capped(args.prompts, args.concurrency, delay, args.capacity, per_call)
            )
            print(f"{'per-call retries' if per_call else 'retries=None':16s}  {figures}")
        return
    if args.memory:
        ok, seconds, growth = asyncio.run(memory(args.memory))
        print(f"{ok}/{args.memory} ok in {seconds:.1f} s; peak RSS growth {growth:.1f} MB")
        return
    bound = args.prompts / args.concurrency * args.delay_ms / 1000
    print(
        f"{args.prompts} prompts, concurrency {args.concurrency}, server delay "
        f"{args.delay_ms} ms: bound {bound:.3f} s"
    )
    for backend in args.backends.split(","):
        ok, wall = asyncio.run(run(args.prompts, args.concurrency, args.delay_ms / 1000, backend))
        rss = peak_rss_mb()
        print(
            f"{backend:8s} ok {ok}/{args.prompts}  wall {wall:6.2f} s  "
            f"{wall / bound:.2f}x the bound  peak RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
