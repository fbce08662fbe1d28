"""The mock's behaviour, independent of how requests arrive (in-process transport or socket).

Requests are validated with the generated `CreateImageRequest` and every answer is checked
against `CreateImageResponse`, so the mock drifts with the spec rather than away from it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pydantic

from ..models import CreateImageRequest, CreateImageResponse
from .png import encode_png

__all__ = ["DROP", "MockAPI", "MockResponse", "RecordedRequest"]

GENERATIONS_PATH = "/v1/images/generations"
IMAGES_PREFIX = "/v1/mock/images/"
#: `MockResponse.status` meaning "close the connection without answering".
DROP = 0
MAX_SIDE = 4096
#: Like OpenAI's images API; keeps a stray `n=10_000` from eating the test run.
MAX_N = 10
_SIZE = re.compile(r"([0-9]{1,5})x([0-9]{1,5})")


@dataclass(frozen=True)
class MockResponse:
    """What to send back; `status == DROP` means send nothing and close the connection."""

    status: int
    headers: dict[str, str]
    body: bytes

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
        max_images: int = 64,
    ) -> None:
        self.require_auth = require_auth
        self.base_url = base_url
        #: Honoured by the server and the transport before they answer.
        self.delay_seconds = delay_seconds
        self.requests: list[RecordedRequest] = []
        #: Generation requests received, failed ones included.
        self.calls = 0
        self._max_images = max_images
        # Only the recipe is kept; the PNG is encoded when fetched.
        self._images: OrderedDict[str, tuple[int, int, tuple[int, int, int]]] = OrderedDict()
        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()

    def fail_next(
        self, count: int, status: int = 503, retry_after: str | None = None, body: str | None = None
    ) -> None:
        """Fail the next `count` generation requests with `status` (`DROP` closes the socket)."""
        with self._lock:
            self._faults.extend([_Fault(status, retry_after, body)] * count)

    def drop_next(self, count: int = 1) -> None:
        """Close the connection on the next `count` generation requests without answering."""
        self.fail_next(count, status=DROP)

    def reset(self) -> None:
        """Forget recorded requests, pending faults and stored images."""
        with self._lock:
            self.requests.clear()
            self.calls = 0
            self._faults.clear()
            self._images.clear()

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> MockResponse:
        """Answer one request; `path` may carry a query string, which is ignored."""
        recorded = RecordedRequest(method.upper(), path, httpx.Headers(headers), body)
        method = recorded.method
        with self._lock:
            self.requests.append(recorded)
        route = path.split("?", 1)[0]
        if route == GENERATIONS_PATH:
            if method != "POST":
                return self._not_allowed("POST")
            return self._generate(recorded.headers, body)
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
        if self.require_auth:
            scheme, _, token = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                message = "Missing or invalid bearer token"
                kind = "authentication_error"
                return _error(401, message, kind, **{"WWW-Authenticate": "Bearer"})
        try:
            request = CreateImageRequest.model_validate_json(body)
        except pydantic.ValidationError as exc:
            errors = exc.errors()
            message = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in errors
            )
            return _invalid(message, str(errors[0]["loc"][0]) if errors[0]["loc"] else None)
        return self._images_response(request)

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

    def _images_response(self, request: CreateImageRequest) -> MockResponse:
        count = request.n if isinstance(request.n, int) else 1
        if count > MAX_N:
            return _invalid(f"n: the mock generates at most {MAX_N} images", "n")
        size = request.size if isinstance(request.size, str) else "1024x1024"
        match = _SIZE.fullmatch(size)
        width, height = (int(match[1]), int(match[2])) if match else (0, 0)
        if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
            return _invalid(f"size: expected WIDTHxHEIGHT up to {MAX_SIDE}, got {size!r}", "size")
        fmt = request.response_format if isinstance(request.response_format, str) else "url"
        if fmt not in ("url", "b64_json"):
            return _invalid("response_format: expected 'url' or 'b64_json'", "response_format")
        data = []
        for index in range(count):
            rgb_bytes = hashlib.sha256(f"{request.prompt}\0{index}".encode()).digest()
            rgb = (rgb_bytes[0], rgb_bytes[1], rgb_bytes[2])
            image_id = uuid.uuid4().hex
            with self._lock:
                self._images[image_id] = (width, height, rgb)
                while len(self._images) > self._max_images:
                    self._images.popitem(last=False)
            item: dict[str, object] = {
                "url": f"{self.base_url.rstrip('/')}{IMAGES_PREFIX}{image_id}.png",
                "revised_prompt": request.prompt,
            }
            if fmt == "b64_json":
                item["b64_json"] = base64.b64encode(encode_png(width, height, rgb)).decode()
            data.append(item)
        payload = {"created": int(time.time()), "data": data}
        CreateImageResponse.model_validate(payload)  # the mock must never answer off-spec
        return _json(200, payload)

    def _image(self, image_id: str) -> MockResponse:
        with self._lock:
            recipe = self._images.get(image_id)
        if recipe is None:
            return _error(404, f"No image {image_id!r} (expired or never made)", "not_found_error")
        return MockResponse(200, {"Content-Type": "image/png"}, encode_png(*recipe))
