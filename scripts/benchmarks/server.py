"""The benchmark's HTTP server: minimal, keep-alive HTTP/1.1 on asyncio protocols.

Run in its own process (`python -I server.py`); it prints its port on the first line of
stdout and serves until stdin closes. Standard library only, so it needs no environment.

Routes (anything else gets a 404):

- `POST /v1/images/generations`: a fixed, small `CreateImageResponse` JSON body.
- `GET /sse`: a fixed `text/event-stream` body of `--events` chat-chunk-like events,
  ending with `data: [DONE]`.
- `/delay/<ms>/<route>`: the same route, answered `<ms>` milliseconds later (the
  connection-churn study uses it to give calls a server latency).
- `GET /_stats`: `{"cpu_s": ..., "connections": ..., "requests": ...}`, the server's own
  CPU time (user + system) and counters, so workers can report the server's CPU share
  and how many connections a workload opened.

The server does as little as it can per request: find the end of the head, read
`Content-Length`, write a prebuilt response. It never becomes the bottleneck at the
rates the clients reach (the report shows its CPU share to prove it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

IMAGE_BODY = (
    b'{"created":1700000000,"data":[{"url":"https://example.test/a.png","revised_prompt":"p"}]}'
)


def sse_body(events: int) -> bytes:
    """`events` realistic streaming chunks (about 200 bytes each), then `[DONE]`."""
    parts = []
    for i in range(events):
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "black-forest-labs/FLUX.1-schnell",
            "choices": [
                {"index": 0, "delta": {"content": f"token {i:05d} "}, "finish_reason": None}
            ],
        }
        parts.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


def response(status: str, content_type: str, body: bytes, *, close: bool = False) -> bytes:
    head = f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n"
    if close:
        head += "connection: close\r\n"
    return head.encode() + b"\r\n" + body


class Stats:
    def __init__(self) -> None:
        self.connections = 0
        self.requests = 0

    def as_json(self) -> bytes:
        times = os.times()
        return json.dumps(
            {
                "cpu_s": times.user + times.system,
                "connections": self.connections,
                "requests": self.requests,
            }
        ).encode()


class HTTPProtocol(asyncio.Protocol):
    """One connection: parse pipelined-or-not requests from a buffer, answer each."""

    def __init__(self, routes: dict[tuple[bytes, bytes], bytes], stats: Stats) -> None:
        self._routes = routes
        self._stats = stats
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._not_found = response("404 Not Found", "text/plain", b"not found")

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._stats.connections += 1

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        transport = self._transport
        assert transport is not None
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).lower()
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : stop if stop >= 0 else len(head)])
            total = end + 4 + length
            if len(buffer) < total:
                return
            del buffer[:total]
            line_end = head.find(b"\r\n")
            method, target, _ = head[: line_end if line_end >= 0 else len(head)].split(b" ", 2)
            self._stats.requests += 1
            if target == b"/_stats":
                stats = self._stats.as_json()
                transport.write(response("200 OK", "application/json", stats, close=True))
                transport.close()
                return
            if target.startswith(b"/delay/"):  # /delay/<ms>/<route>: answer <ms> later
                delay, _, rest = target[7:].partition(b"/")
                answer = self._routes.get((method, b"/" + rest), self._not_found)
                loop = asyncio.get_running_loop()
                loop.call_later(int(delay) / 1000, self._write_later, transport, answer)
                continue
            transport.write(self._routes.get((method, target), self._not_found))
            if b"\r\nconnection: close" in head:
                transport.close()
                return

    @staticmethod
    def _write_later(transport: asyncio.Transport, answer: bytes) -> None:
        if not transport.is_closing():
            transport.write(answer)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None


async def serve(host: str, port: int, events: int) -> None:
    routes = {
        (b"post", b"/v1/images/generations"): response("200 OK", "application/json", IMAGE_BODY),
        (b"get", b"/sse"): response("200 OK", "text/event-stream", sse_body(events)),
    }
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HTTPProtocol(routes, stats), host, port, backlog=4096, reuse_address=True
    )
    bound = server.sockets[0].getsockname()[1]
    print(bound, flush=True)
    # Serve until the parent closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.events))


if __name__ == "__main__":
    main()
