"""Helpers shared by the mock's tests: a stdlib PNG reader and request shortcuts."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx

GENERATIONS = "/v1/images/generations"
BASE = "http://mock.atoma.local"


def png_info(data: bytes) -> tuple[int, int, bytes]:
    """Decode a PNG with the stdlib: check the signature and every CRC; return w, h, pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body), f"bad CRC in {tag!r}"
        chunks.append((tag, body))
        pos += 12 + length
    assert [tag for tag, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + 3 * width)
    return width, height, raw


def generate(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post(GENERATIONS, json={"model": "flux", "prompt": "an otter", **body})
