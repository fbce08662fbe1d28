"""The image itself, not just its JSON: bytes from an `ImageData` or a stream event.

`image_bytes` decodes `b64_json`, or downloads `url` with the SDK's client settings
(timeouts, retries) but never any credential (see the runtime's `download`), refusing
anything larger than `max_bytes` (counted decompressed, as it is read) or that is not an
image. `save_image` writes it to a file, adding the extension of the actual format when
the path has none.
Async twins end in `_async`.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Protocol, Union

from ._runtime.errors import DownloadError, DownloadTooLargeError
from ._runtime.operation import CallOptions
from ._runtime.retries import RetryConfig
from ._runtime.sentinel import UNSET, OptionalNullable

if TYPE_CHECKING:
    from .sdk import AtomaSDK

__all__ = [
    "DEFAULT_MAX_BYTES",
    "image_bytes",
    "image_bytes_async",
    "image_extension",
    "image_format",
    "save_image",
    "save_image_async",
]

#: Large enough for any generated image; small enough that a wrong URL cannot fill memory.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
_EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp"}


class ImageSource(Protocol):
    """An `ImageData`, or an image generation stream event (partial or completed)."""

    @property
    def b64_json(self) -> Optional[str]: ...


def image_format(data: bytes) -> str | None:
    """ "png", "jpeg", "gif" or "webp", from the file's first bytes; None if not an image."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return next((name for signature, name in _SIGNATURES if data.startswith(signature)), None)


def image_extension(data: bytes) -> str:
    """The file extension of the image's actual format: ".png", ".jpg", ".gif", ".webp"."""
    return _EXTENSIONS[image_format(data) or "png"]


def image_bytes(
    image: ImageSource,
    *,
    sdk: AtomaSDK | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_ms: int | None = None,
    retries: OptionalNullable[RetryConfig] = UNSET,
) -> bytes:
    """The image's bytes: `b64_json` decoded, else `url` downloaded (with `sdk`'s client
    settings when given). Raises `DownloadError` for a non-image or one over `max_bytes`."""
    data = _decoded(image, max_bytes)
    if data is None:
        options = CallOptions(retries, None, timeout_ms, None)
        with _client(sdk) as client:
            data = client._core.download(_url(image), max_bytes, options, accept="image/*")
    return _checked(data)


async def image_bytes_async(
    image: ImageSource,
    *,
    sdk: AtomaSDK | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_ms: int | None = None,
    retries: OptionalNullable[RetryConfig] = UNSET,
) -> bytes:
    """`image_bytes` for asyncio code: downloads with `sdk`'s async client."""
    data = _decoded(image, max_bytes)
    if data is None:
        options = CallOptions(retries, None, timeout_ms, None)
        async with _client(sdk) as client:
            data = await client._core.download_async(
                _url(image), max_bytes, options, accept="image/*"
            )
    return _checked(data)


class _client:
    """`sdk` itself (left open), or a temporary SDK with the default settings (closed after)."""

    def __init__(self, sdk: AtomaSDK | None) -> None:
        self._given = sdk
        self._fresh: AtomaSDK | None = None

    def _get(self) -> AtomaSDK:
        if self._given is not None:
            return self._given
        from .sdk import AtomaSDK

        self._fresh = AtomaSDK(bearer_auth="")
        return self._fresh

    def __enter__(self) -> AtomaSDK:
        return self._get()

    def __exit__(self, *exc_info: object) -> None:
        if self._fresh is not None:
            self._fresh.close()

    async def __aenter__(self) -> AtomaSDK:
        return self._get()

    async def __aexit__(self, *exc_info: object) -> None:
        if self._fresh is not None:
            await self._fresh.aclose()


def save_image(
    image: ImageSource,
    path: Union[str, Path],
    *,
    sdk: AtomaSDK | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_ms: int | None = None,
) -> Path:
    """Write the image to `path` (its format's extension added when `path` has none);
    returns the path written."""
    data = image_bytes(image, sdk=sdk, max_bytes=max_bytes, timeout_ms=timeout_ms)
    return _write(Path(path), data)


async def save_image_async(
    image: ImageSource,
    path: Union[str, Path],
    *,
    sdk: AtomaSDK | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_ms: int | None = None,
) -> Path:
    """`save_image` for asyncio code."""
    data = await image_bytes_async(image, sdk=sdk, max_bytes=max_bytes, timeout_ms=timeout_ms)
    return _write(Path(path), data)


def _decoded(image: ImageSource, max_bytes: int) -> bytes | None:
    encoded = image.b64_json
    if not encoded:
        return None
    if len(encoded) * 3 // 4 > max_bytes:
        raise DownloadTooLargeError(f"The image is larger than {max_bytes} bytes", max_bytes)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DownloadError(f"b64_json is not valid base64: {error}") from error


def _url(image: ImageSource) -> str:
    url = getattr(image, "url", None)
    if not url:
        raise DownloadError("The image has neither b64_json nor url")
    return str(url)


def _checked(data: bytes) -> bytes:
    if image_format(data) is None:
        preview = data[:16]
        raise DownloadError(f"The data is not a PNG, JPEG, GIF or WebP image (starts {preview!r})")
    return data


def _write(path: Path, data: bytes) -> Path:
    if not path.suffix:
        path = path.with_suffix(image_extension(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
