"""The cookies of the clients the SDK makes: httpx's, minus the work for responses that
set no cookie.

httpx hands every response to its cookie jar, wrapped in `urllib` stand-ins (building
the request's one parses its URL again), and the jar copies all the response's headers
into an `email` message before it looks for `Set-Cookie`: about 50 µs a call, for APIs
that almost never set one. Responses that do set one are stored as httpx stores them.
"""

from __future__ import annotations

from typing import TypeVar

import httpx

__all__ = ["ResponseCookies", "skip_cookieless_responses"]

_SETTING = ("set-cookie", "set-cookie2")

Client = TypeVar("Client", httpx.Client, httpx.AsyncClient)


class ResponseCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if any(name in headers for name in _SETTING):
            super().extract_cookies(response)


def skip_cookieless_responses(client: Client) -> Client:
    """`client` (one the SDK made), its cookies in the same jar, skipping responses that
    set none. httpx reads a client's cookies from `_cookies` (the `cookies` property):
    a later `client.cookies = ...` makes plain httpx cookies again, which is only slower."""
    client._cookies = ResponseCookies(client.cookies.jar)
    return client
