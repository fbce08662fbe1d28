"""The mock's behaviour, independent of how requests arrive (in-process transport or socket).

Requests are validated with the generated `CreateImageRequest` (`CreateImageStreamRequest`
when the body has `stream`), and every answer is checked against `CreateImageResponse`
(each streamed event against `ImageGenerationStreamEvent`), so the mock drifts with the
spec rather than away from it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pydantic

from ..known_values import known_values
from ..models import CreateImageRequest, CreateImageResponse, CreateImageStreamRequest
from .confidential import CONFIDENTIAL_PATH, LOCK_PATH, MockNode
from .events import StreamedImage, image_events
from .png import encode_png

__all__ = ["DROP", "MockAPI", "MockResponse", "RecordedRequest"]

GENERATIONS_PATH = "/v1/images/generations"
IMAGES_PREFIX = "/v1/mock/images/"
#: `MockResponse.status` meaning "close the connection without answering".
DROP = 0
MAX_SIDE = 4096
#: Like OpenAI's images API; keeps a stray `n=10_000` from eating the test run.
MAX_N = 10
#: The only `output_format` the mock encodes (the spec also names `jpeg` and `webp`).
OUTPUT_FORMAT = "png"
_SIZE = re.compile(r"([0-9]{1,5})x([0-9]{1,5})")
# What an image URL names: WIDTHxHEIGHT-RRGGBB-NONCE (see `MockAPI._image_url`).
_IMAGE_ID = re.compile(r"([0-9]{1,5})x([0-9]{1,5})-([0-9a-f]{6})-[0-9a-f]{16}")
#: Fields whose type lists known values (`Literal[...] | str`, open for the SDK) that the
#: mock holds to those values, as the real API does. `size` keeps the mock's own rule
#: (any WIDTHxHEIGHT, so tests can ask for tiny images) and `output_format` its PNG rule.
CLOSED_FIELDS = ("quality", "response_format", "style", "background", "moderation")
_KNOWN_VALUES = {field: known_values(CreateImageRequest, field) for field in CLOSED_FIELDS}


@dataclass(frozen=True)
class MockResponse:
    """What to send back; `status == DROP` means send nothing and close the connection.

    An event stream also has `chunks`, its events, which the server and the transport send
    one at a time (`body` is them joined). With `cut`, the connection closes after the
    chunks without ending the body, as when a stream breaks mid-event.
    """

    status: int
    headers: dict[str, str]
    body: bytes
    chunks: tuple[bytes, ...] | None = None
    cut: bool = False

    @classmethod
    def stream(cls, chunks: Sequence[bytes], *, cut: bool = False) -> MockResponse:
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        return cls(200, headers, b"".join(chunks), tuple(chunks), cut)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived, so tests can assert what went on the wire."""

    method: str
    path: str
    headers: httpx.Headers  # case-insensitive lookup
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: str | None
    body: str | None


@dataclass(frozen=True)
class _Job:
    """What a valid generation request asks for, once the mock's own limits are checked."""

    count: int
    width: int
    height: int

    def rgb(self, prompt: str, index: int) -> tuple[int, int, int]:
        """A colour per prompt and image, so images differ and reruns match."""
        digest = hashlib.sha256(f"{prompt}\0{index}".encode()).digest()
        return digest[0], digest[1], digest[2]


def _json(status: int, payload: object, **headers: str) -> MockResponse:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return MockResponse(status, {"Content-Type": "application/json", **headers}, body)


def _error(
    status: int, message: str, kind: str, param: str | None = None, **headers: str
) -> MockResponse:
    """The OpenAI-style error body the real API sends."""
    return _json(status, {"error": {"message": message, "type": kind, "param": param}}, **headers)


def _invalid(message: str, param: str | None) -> MockResponse:
    return _error(400, message, "invalid_request_error", param)


class MockAPI:
    """In-memory Atoma images API with request recording and fault injection (thread-safe)."""

    def __init__(
        self,
        *,
        require_auth: bool = False,
        base_url: str = "http://mock.atoma.local",
        delay_seconds: float = 0.0,
        event_interval_seconds: float = 0.0,
        max_recorded: int | None = 10_000,
    ) -> None:
        self.require_auth = require_auth
        self.base_url = base_url
        #: Honoured by the server and the transport before they answer.
        self.delay_seconds = delay_seconds
        #: Pause between the events of a stream (server and transport).
        self.event_interval_seconds = event_interval_seconds
        #: The latest `max_recorded` requests (all with None), oldest first: a long-running
        #: mock keeps its memory flat.
        self.requests: list[RecordedRequest] = []
        self._max_recorded = max_recorded
        #: Generation requests received, failed ones included.
        self.calls = 0
        self._faults: deque[_Fault] = deque()
        self._cuts = 0
        self._lock = threading.Lock()
        #: The confidential node (`/v1/nodes/lock`, `/v1/confidential/...`), its faults.
        self.node = MockNode()

    def fail_next(
        self, count: int, status: int = 503, retry_after: str | None = None, body: str | None = None
    ) -> None:
        """Fail the next `count` generation requests with `status` (`DROP` closes the socket)."""
        with self._lock:
            self._faults.extend([_Fault(status, retry_after, body)] * count)

    def drop_next(self, count: int = 1) -> None:
        """Close the connection on the next `count` generation requests without answering."""
        self.fail_next(count, status=DROP)

    def cut_stream_next(self, count: int = 1) -> None:
        """Break the next `count` event streams: send the first event and half of the next
        one, then close the connection without ending the body."""
        with self._lock:
            self._cuts += count

    def reset(self) -> None:
        """Forget recorded requests, pending faults and stored images."""
        with self._lock:
            self.requests.clear()
            self.calls = 0
            self._faults.clear()
            self._cuts = 0
        self.node.reset()

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> MockResponse:
        """Answer one request; `path` may carry a query string, which is ignored."""
        recorded = RecordedRequest(method.upper(), path, httpx.Headers(headers), body)
        method = recorded.method
        with self._lock:
            self.requests.append(recorded)
            if self._max_recorded is not None and len(self.requests) > self._max_recorded:
                del self.requests[: len(self.requests) - self._max_recorded]
        route = path.split("?", 1)[0]
        if route == GENERATIONS_PATH:
            if method != "POST":
                return self._not_allowed("POST")
            return self._generate(recorded.headers, body)
        if route in (LOCK_PATH, CONFIDENTIAL_PATH):
            if method != "POST":
                return self._not_allowed("POST")
            if route == LOCK_PATH:
                return self._unauthorized(recorded.headers) or self.node.lock(body)
            return self.node.generate(body, lambda plain: self._generate(recorded.headers, plain))
        if route.startswith(IMAGES_PREFIX) and route.endswith(".png"):
            if method != "GET":
                return self._not_allowed("GET")
            return self._image(route[len(IMAGES_PREFIX) : -len(".png")])
        return _error(404, f"No route for {method} {route}", "invalid_request_error")

    def _not_allowed(self, allowed: str) -> MockResponse:
        return _error(405, f"Use {allowed}", "invalid_request_error", Allow=allowed)

    def _generate(self, headers: httpx.Headers, body: bytes) -> MockResponse:
        with self._lock:
            self.calls += 1
            fault = self._faults.popleft() if self._faults else None
        if fault is not None:
            return self._fault(fault)
        unauthorized = self._unauthorized(headers)
        if unauthorized is not None:
            return unauthorized
        model, body = _request_model(body)
        try:
            request = model.model_validate_json(body)
        except pydantic.ValidationError as exc:
            errors = exc.errors()
            message = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in errors
            )
            return _invalid(message, str(errors[0]["loc"][0]) if errors[0]["loc"] else None)
        job = _job(request)
        if isinstance(job, MockResponse):
            return job
        if isinstance(request, CreateImageStreamRequest) and request.stream:
            return self._stream_response(request, job)
        return self._images_response(request, job)

    def _unauthorized(self, headers: httpx.Headers) -> MockResponse | None:
        """The 401 to answer when a token is required and missing."""
        if self.require_auth:
            scheme, _, token = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                message = "Missing or invalid bearer token"
                kind = "authentication_error"
                return _error(401, message, kind, **{"WWW-Authenticate": "Bearer"})
        return None

    def _fault(self, fault: _Fault) -> MockResponse:
        if fault.status == DROP:
            return MockResponse(DROP, {}, b"")
        headers = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
        if fault.body is None:
            return _error(fault.status, "Injected failure", "server_error", **headers)
        try:
            json.loads(fault.body)
            headers["Content-Type"] = "application/json"
        except ValueError:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        return MockResponse(fault.status, headers, fault.body.encode())

    def _images_response(
        self, request: CreateImageRequest | CreateImageStreamRequest, job: _Job
    ) -> MockResponse:
        """JSON with `n` images: `b64_json` only when asked for it, else a `url` to fetch."""
        inline = request.response_format == "b64_json"
        data = []
        for index in range(job.count):
            rgb = job.rgb(request.prompt, index)
            item: dict[str, object] = {"revised_prompt": request.prompt}
            if inline:
                png = encode_png(job.width, job.height, rgb)
                item["b64_json"] = base64.b64encode(png).decode()
            else:
                item["url"] = self._image_url(job.width, job.height, rgb)
            data.append(item)
        payload = {"created": int(time.time()), "data": data}
        CreateImageResponse.model_validate(payload)  # the mock must never answer off-spec
        return _json(200, payload)

    def _image_url(self, width: int, height: int, rgb: tuple[int, int, int]) -> str:
        """A URL naming the image's recipe (and a nonce, so each is unique): `GET` encodes
        it then, so no image is ever kept, none expires, and memory stays flat."""
        red, green, blue = rgb
        image_id = f"{width}x{height}-{red:02x}{green:02x}{blue:02x}-{uuid.uuid4().hex[:16]}"
        return f"{self.base_url.rstrip('/')}{IMAGES_PREFIX}{image_id}.png"

    def _stream_response(self, request: CreateImageStreamRequest, job: _Job) -> MockResponse:
        """Server-sent events for image 0 only, whatever `n` (OpenAI streams one image)."""
        partial_images = request.partial_images if isinstance(request.partial_images, int) else 0
        quality = request.quality if isinstance(request.quality, str) else "auto"
        image = StreamedImage(
            prompt=request.prompt,
            width=job.width,
            height=job.height,
            rgb=job.rgb(request.prompt, 0),
            partial_images=partial_images,
            quality=quality,
        )
        chunks = image_events(image)
        with self._lock:
            cut = self._cuts > 0
            if cut:
                self._cuts -= 1
        if cut:  # the first event, then half of the next, then the connection closes
            return MockResponse.stream([chunks[0], chunks[1][: len(chunks[1]) // 2]], cut=True)
        return MockResponse.stream(chunks)

    def _image(self, image_id: str) -> MockResponse:
        recipe = _IMAGE_ID.fullmatch(image_id)
        width, height = (int(recipe[1]), int(recipe[2])) if recipe else (0, 0)
        if recipe is None or not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
            return _error(404, f"No image {image_id[:100]!r}", "not_found_error")
        red, green, blue = bytes.fromhex(recipe[3])
        png = encode_png(width, height, (red, green, blue))
        return MockResponse(200, {"Content-Type": "image/png"}, png)


def _request_model(
    body: bytes,
) -> tuple[type[CreateImageRequest] | type[CreateImageStreamRequest], bytes]:
    """The model to validate `body` with: streaming when it has `stream` (other than
    `false`, which OpenAI-compatible servers treat as a plain request)."""
    if b"stream" not in body and b"\\u" not in body:  # no key can read "stream"
        return CreateImageRequest, body
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return CreateImageRequest, body  # validation reports the bad JSON
    if not isinstance(data, dict) or "stream" not in data:
        return CreateImageRequest, body
    if data["stream"] is False:
        return CreateImageRequest, json.dumps(
            {k: v for k, v in data.items() if k != "stream"}
        ).encode()
    return CreateImageStreamRequest, body


def _job(request: CreateImageRequest | CreateImageStreamRequest) -> _Job | MockResponse:
    """The mock's limits on top of the spec's: the known values of `CLOSED_FIELDS`, `n`, a
    parseable `size`, PNG output only."""
    for field, known in _KNOWN_VALUES.items():
        value = getattr(request, field)
        if isinstance(value, str) and known and value not in known:
            message = f"{field}: expected one of {', '.join(known)}, got {value!r}"
            return _invalid(message, field)
    count = request.n if isinstance(request.n, int) else 1
    if count > MAX_N:
        return _invalid(f"n: the mock generates at most {MAX_N} images", "n")
    size = request.size if isinstance(request.size, str) else "1024x1024"
    match = _SIZE.fullmatch(size)
    width, height = (int(match[1]), int(match[2])) if match else (0, 0)
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return _invalid(f"size: expected WIDTHxHEIGHT up to {MAX_SIDE}, got {size!r}", "size")
    output_format = request.output_format
    if isinstance(output_format, str) and output_format != OUTPUT_FORMAT:
        message = f"output_format: the mock only encodes {OUTPUT_FORMAT!r}, got {output_format!r}"
        return _invalid(message, "output_format")
    return _Job(count, width, height)
