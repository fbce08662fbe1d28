"""Checks of configuration values where they are given (constructor, call, RetryConfig).

Each check raises before any I/O: `TypeError` for a value of the wrong type, `ValueError`
for one of the right type that cannot work, with a message naming the argument and what
is allowed. Messages never echo a header value or a URL's password.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

import httpx

__all__ = [
    "FRAMING_HEADERS",
    "MAX_MILLISECONDS",
    "http_headers",
    "instance_of",
    "milliseconds",
    "number",
    "server_url",
]

#: The longest timeout or retry wait accepted: a week. Anything longer is a unit mistake
#: (and some longer ones overflow the operating system's timers).
MAX_MILLISECONDS = 7 * 24 * 3600 * 1000
#: Headers the HTTP client sets itself to frame a request: set by hand, they would make
#: the request unreadable, or smuggle a second one through a proxy.
FRAMING_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "host", "connection", "keep-alive", "te", "upgrade"}
)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")
_USERINFO = re.compile(r"(?<=//)[^/?#]*@")


def instance_of(name: str, value: Any, types: type | tuple[type, ...], allowed: str) -> None:
    """`value` must be one of `types` (`allowed` says so in words)."""
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {allowed}, got {type(value).__name__}")


def number(
    name: str,
    value: Any,
    *,
    minimum: float,
    inclusive: bool = True,
    maximum: float = math.inf,
    unit: str = "",
) -> float:
    """A finite real number (not a bool) above `minimum` (or equal, when `inclusive`) and
    at most `maximum`; `unit` (" of milliseconds") goes into the error message."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number{unit}, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = math.inf
    low_ok = number >= minimum if inclusive else number > minimum
    if not (math.isfinite(number) and low_ok and number <= maximum):
        low = f"{'at least' if inclusive else 'more than'} {minimum:g}"
        high = f" and at most {maximum:,.0f}" if math.isfinite(maximum) else ""
        raise ValueError(f"{name} must be a finite number{unit}, {low}{high}, got {value!r}")
    return number


def milliseconds(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """A duration: more than zero (or zero too, with `allow_zero`), at most a week."""
    return number(
        name,
        value,
        minimum=0,
        inclusive=allow_zero,
        maximum=MAX_MILLISECONDS,
        unit=" of milliseconds",
    )


def server_url(name: str, value: Any) -> None:
    """An absolute http(s) URL with a host, no user info, query or fragment."""
    instance_of(name, value, str, "a URL string such as 'https://api.example.com'")
    _checked_url(name, value)


@functools.lru_cache(maxsize=64)
def _checked_url(name: str, value: str) -> None:
    """Parsing a URL costs tens of microseconds: a call's `server_url` (usually one of a
    few) is checked once; a refused one raises each time (exceptions are not cached)."""
    if not value:
        raise ValueError(
            f"{name} must be an absolute http(s) URL such as 'https://api.example.com', got ''"
        )
    if _USERINFO.search(value):
        # Never echo it: the part before '@' is a password.
        raise ValueError(
            f"{name} must not contain a user name or password ('user:password@...'): "
            "pass the token as bearer_auth"
        )
    shown = repr(value)
    if not value.isprintable() or any(c.isspace() for c in value):
        raise ValueError(f"{name} must not contain spaces or control characters, got {shown}")
    try:
        url = httpx.URL(value)
        port = url.port
    except httpx.InvalidURL as error:
        raise ValueError(f"{name} is not a valid URL ({error}), got {shown}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"{name} must be an absolute http(s) URL with a host, such as "
            f"'https://api.example.com', got {shown}"
        )
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"{name} has a port outside 1-65535, got {shown}")
    if url.query or url.fragment:
        raise ValueError(f"{name} must not have a query ('?') or fragment ('#'), got {shown}")


def http_headers(name: str, value: Any) -> None:
    """A mapping of valid header names to printable ASCII values, none of the headers that
    frame the request."""
    instance_of(name, value, Mapping, "a mapping of header names to values (dict[str, str])")
    for header, text in value.items():
        if not isinstance(header, str):
            raise TypeError(f"{name} keys must be header names (str), got {type(header).__name__}")
        if not isinstance(text, str):
            raise TypeError(
                f"{name}[{header!r}] must be a str (the header's value), got {type(text).__name__}"
            )
        if not _TOKEN.fullmatch(header):
            raise ValueError(
                f"{name} has an invalid header name {header!r} "
                "(letters, digits and !#$%&'*+-.^_`|~ only)"
            )
        if header.lower() in FRAMING_HEADERS:
            raise ValueError(
                f"{name} must not set {header!r}: the HTTP client sets it to frame the request"
            )
        if not _HEADER_VALUE.fullmatch(text):
            raise ValueError(
                f"{name}[{header!r}] contains characters not allowed in a header value "
                "(control characters such as CR/LF, or non-ASCII)"
            )
