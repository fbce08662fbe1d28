"""The server-sent events of a streamed image generation, checked against the spec.

A stream is `partial_images` partial images (the final colour, faded from grey), one
completed event with made-up token usage, then `data: [DONE]`. Every event is validated
with the generated `ImageGenerationStreamEvent` union before it is framed.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

import pydantic

from ..models import ImageCompletedEvent, ImageGenerationStreamEvent, ImagePartialImageEvent
from .png import encode_png

__all__ = ["DONE", "StreamedImage", "image_events", "sse_event"]

#: The sentinel that ends a stream (`x-speakeasy-sse-sentinel` in the spec).
DONE = b"data: [DONE]\n\n"
PARTIAL = "image_generation.partial_image"
COMPLETED = "image_generation.completed"
_GREY = 128
_EVENT: pydantic.TypeAdapter[ImageGenerationStreamEvent] = pydantic.TypeAdapter(
    ImageGenerationStreamEvent
)


@dataclass(frozen=True)
class StreamedImage:
    """What a stream shows: one solid-colour PNG and the request fields events echo."""

    prompt: str
    width: int
    height: int
    rgb: tuple[int, int, int]
    partial_images: int
    quality: str


def sse_event(payload: Mapping[str, object], *, comment: str | None = None) -> bytes:
    """One event, framed: an optional `: comment` line, `event: <type>`, `data: <json>`."""
    lines = [] if comment is None else [f": {comment}"]
    lines.append(f"event: {payload['type']}")
    lines.append(f"data: {json.dumps(payload, separators=(',', ':'))}")
    return ("\n".join(lines) + "\n\n").encode()


def image_events(image: StreamedImage) -> list[bytes]:
    """The stream's chunks, one per event: partial images, the completed image, `[DONE]`."""
    created_at = int(time.time())
    common = {
        "created_at": created_at,
        "size": f"{image.width}x{image.height}",
        "quality": image.quality,
        "background": "opaque",  # the mock encodes RGB without alpha
        "output_format": "png",
    }
    count = image.partial_images
    payloads: list[dict[str, object]] = [
        {
            "type": PARTIAL,
            "b64_json": _b64_png(image, _fade(image.rgb, (index + 1) / (count + 1))),
            "partial_image_index": index,
            **common,
        }
        for index in range(count)
    ]
    payloads.append(
        {
            "type": COMPLETED,
            "b64_json": _b64_png(image, image.rgb),
            **common,
            "usage": _usage(image),
        }
    )
    # The first event opens with a comment line, as keep-alives are sent: readers skip it.
    chunks = [
        _checked_event(payload, comment=None if index else "atoma mock image stream")
        for index, payload in enumerate(payloads)
    ]
    return [*chunks, DONE]


def _checked_event(payload: dict[str, object], *, comment: str | None) -> bytes:
    """Frame `payload` once it is a known event of the spec (the mock must not drift)."""
    event = _EVENT.validate_python(payload)
    if not isinstance(event, (ImagePartialImageEvent, ImageCompletedEvent)):
        raise ValueError(f"not an event type of the spec: {payload.get('type')!r}")
    return sse_event(payload, comment=comment)


def _fade(rgb: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    """`share` of the way from grey to `rgb`: partial images sharpen towards the final one."""
    red, green, blue = (round(_GREY + (c - _GREY) * share) for c in rgb)
    return red, green, blue


def _b64_png(image: StreamedImage, rgb: tuple[int, int, int]) -> str:
    return base64.b64encode(encode_png(image.width, image.height, rgb)).decode()


def _usage(image: StreamedImage) -> dict[str, object]:
    """Made-up but stable token counts: a word is a token, 1024 pixels are a token, and
    each partial image costs 100 tokens (as OpenAI bills them)."""
    text_tokens = max(1, len(image.prompt.split()))
    output_tokens = max(1, image.width * image.height // 1024) + 100 * image.partial_images
    return {
        "input_tokens": text_tokens,
        "output_tokens": output_tokens,
        "total_tokens": text_tokens + output_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": 0},
    }
