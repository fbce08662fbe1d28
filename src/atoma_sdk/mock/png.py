"""A tiny PNG encoder, so the mock serves real images without depending on Pillow."""

from __future__ import annotations

import struct
import zlib

__all__ = ["PNG_SIGNATURE", "encode_png"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, data: bytes) -> bytes:
    # Length, type, data, then the CRC of type + data (PNG spec, section 5.3).
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(width: int, height: int, rgb: tuple[int, int, int], *, level: int = 6) -> bytes:
    """Encode a solid-colour 8-bit RGB image.

    Scanlines are built by bytes multiplication (filter type 0 per row) and one zlib call,
    which keeps a 1024x1024 image in the low milliseconds.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    row = b"\x00" + bytes(rgb) * width  # bytes() rejects components outside 0..255
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit, truecolour
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height, level))
        + _chunk(b"IEND", b"")
    )
