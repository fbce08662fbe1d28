"""Exceptions the SDK raises. `SDKError` is the root of all of them."""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = ["APIError", "ResponseValidationError", "SDKError", "error_message_from_body"]

#: How much of a response body `str(error)` shows; the full text stays in `.body`.
BODY_PREVIEW_CHARS = 1_000
DEFAULT_MESSAGE = "API error occurred"


class SDKError(Exception):
    """Root of every exception this SDK raises, so one `except` clause catches them all."""


class APIError(SDKError):
    """The server answered with a 4XX or 5XX status (or a 2XX the SDK cannot read).

    Compatible with atoma-sdk 0.1.3: `APIError(message, status_code, body, raw_response)`.
    """

    message: str
    status_code: int
    body: str
    raw_response: httpx.Response

    def __init__(
        self,
        message: str,
        status_code: int = -1,
        body: str = "",
        raw_response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body
        if raw_response is None:  # built by hand (as 0.1.3 allowed): synthesise one
            raw_response = httpx.Response(status_code, text=body)
        self.raw_response = raw_response

    @classmethod
    def from_response(cls, response: httpx.Response) -> APIError:
        """Build the error for a finished (read) response, keeping its whole body."""
        body = response.text
        return cls(error_message_from_body(body), response.status_code, body, response)

    def __str__(self) -> str:
        body = self.body
        if len(body) > BODY_PREVIEW_CHARS:
            hidden = len(body) - BODY_PREVIEW_CHARS
            body = f"{body[:BODY_PREVIEW_CHARS]}... [{hidden} more characters]"
        return f"{self.message}: Status {self.status_code}" + (f"\n{body}" if body else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code})"


class ResponseValidationError(APIError):
    """A 2XX response whose body is not JSON or does not match the response model."""

    def __init__(
        self,
        message: str,
        status_code: int,
        body: str,
        raw_response: httpx.Response,
        cause: Exception | None = None,
    ) -> None:
        super().__init__(message, status_code, body, raw_response)
        self.cause = cause


def error_message_from_body(body: str) -> str:
    """The server's own error message when the body carries one, else a generic message.

    Understands the usual shapes: {"error": {"message": ...}}, {"error": "..."},
    {"message": ...} and {"detail": "..."}.
    """
    if not body or body[0] not in "{[":
        return DEFAULT_MESSAGE
    try:
        data: Any = json.loads(body)
    except ValueError:
        return DEFAULT_MESSAGE
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        for candidate in (error, data.get("message"), data.get("detail")):
            if isinstance(candidate, str) and candidate:
                return candidate
    return DEFAULT_MESSAGE
