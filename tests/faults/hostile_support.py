"""Hostile servers for the hardening tests: compression bombs, endless events, deep JSON,
bytes sent as they are.

Each builder returns a `Behaviour` of `fault_server.FaultServer`.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from functools import cache

from fault_server import Behaviour, Exchange, head, respond

__all__ = [
    "MiB",
    "bomb",
    "deep_json",
    "endless_event",
    "event_stream",
    "raw",
]

MiB = 1024 * 1024


@cache
def bomb(encoding: str, decoded_mib: int) -> bytes:
    """`decoded_mib` MiB of zeros compressed as `gzip` or `deflate` (zlib): about a
    thousandth of that on the wire."""
    wbits = {"gzip": 31, "deflate": 15}[encoding]
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(MiB)
    parts = [compressor.compress(zeros) for _ in range(decoded_mib)]
    parts.append(compressor.flush())
    return b"".join(parts)


def compressed(
    status: int, encoding: str, decoded_mib: int, content_type: str = "application/json"
) -> Behaviour:
    """A response whose body is a compression bomb of `decoded_mib` MiB."""
    return respond(
        status, bomb(encoding, decoded_mib), {"Content-Encoding": encoding}, content_type
    )


def deep_json(depth: int) -> str:
    """`{"error": {"error": ... 1 ...}}`, nested `depth` levels deep."""
    return '{"error":' * depth + "1" + "}" * depth


def event_stream(body: bytes, headers: Mapping[str, str] | None = None) -> Behaviour:
    """An event stream of `body`, ended by closing the connection."""

    def behaviour(exchange: Exchange) -> bool:
        all_headers = {"Content-Type": "text/event-stream", "Connection": "close"}
        exchange.send(head(200, {**all_headers, **(headers or {})}))
        exchange.send(body)
        exchange.close()
        return False

    return behaviour


def endless_event(total: int, piece: bytes = b"x" * 65536) -> Behaviour:
    """An event stream that starts `data: ` and never sends a newline: `total` bytes, as
    fast as the client reads them, then the connection closes (or the client hangs up)."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send(head(200, {"Content-Type": "text/event-stream", "Connection": "close"}))
        exchange.send(b"data: ")
        for _ in range(total // len(piece)):
            exchange.send(piece)
        exchange.close()
        return False

    return behaviour


def raw(data: bytes, keep_alive: bool = True) -> Behaviour:
    """Send `data` as it is; keep the connection open, or close it (FIN)."""

    def behaviour(exchange: Exchange) -> bool:
        exchange.send(data)
        if not keep_alive:
            exchange.close()
        return keep_alive

    return behaviour
