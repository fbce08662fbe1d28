"""Redirects an operation declares as its answer, returned to the caller, never followed.

An archive download answering `302` with a `Location`, an OAuth endpoint answering `303`:
the redirect is the result. The SDK's own clients never follow redirects (the target may
be another origin, which must not see the credentials), so the caller gets the target and
decides; a 3XX the operation does not declare still raises `APIError`. A user's client
made with `follow_redirects=True` follows no redirect for an operation that declares one
(`Reading.keep_redirects`), so the method's `Redirect` type holds for every client.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

__all__ = ["Redirect"]


@dataclass(frozen=True)
class Redirect:
    """A declared 3XX answer (a declared `304 Not Modified` too, whose `location` is None).

    `location` is the `Location` header resolved against the request's URL (an absolute
    URL), or None when the response has none or it is not a URL.
    """

    status_code: int
    location: str | None
    headers: httpx.Headers

    @classmethod
    def of(cls, response: httpx.Response) -> Redirect:
        return cls(response.status_code, _location(response), response.headers)


def _location(response: httpx.Response) -> str | None:
    location = response.headers.get("location")
    if location is None:
        return None
    try:
        return str(response.request.url.join(location))
    except httpx.InvalidURL:
        return None


# Named by the package that re-exports it, as users import it.
Redirect.__module__ = __name__.rpartition("._runtime.")[0] + ".utils"
