"""The cookie jar of the clients the SDK makes: httpx's, minus the work for responses
that set no cookie.

httpx hands every response to its jar, wrapped in `urllib` stand-ins, and the jar copies
all the response's headers into an `email` message before it looks for `Set-Cookie`:
about 35 µs a call, for APIs that almost never set one. Responses that do are stored as
httpx stores them.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import Any

import httpx

__all__ = ["ResponseCookieJar"]

_SETTING = ("set-cookie", "set-cookie2")


class ResponseCookieJar(CookieJar):
    def extract_cookies(self, response: Any, request: Any) -> None:
        # httpx's stand-in keeps the httpx.Response as `.response`; anything else (another
        # httpx version, a caller of the jar's own) takes the standard path.
        answered = getattr(response, "response", None)
        if isinstance(answered, httpx.Response):
            headers = answered.headers
            if not any(name in headers for name in _SETTING):
                return
        super().extract_cookies(response, request)
