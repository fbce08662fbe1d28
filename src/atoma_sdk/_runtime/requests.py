"""Pure helpers turning a call's arguments into the parts of an `httpx.Request`."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote

import httpx

from .operation import Operation

__all__ = [
    "RESERVED_IN_QUERY",
    "Placement",
    "cookie_header",
    "encode",
    "idempotency_key",
    "operation_url",
    "override_headers",
    "place_parameters",
    "query_pairs",
    "query_string",
]


#: RFC 3986's reserved characters a query (or a URL-encoded form) may hold as they are
#: (`allowReserved`): all but `#`, which would begin the fragment (httpx refuses it in a query)
RESERVED_IN_QUERY = ":/?[]@!$&'()*+,;="


@lru_cache(maxsize=256)
def operation_url(server_url: str, path: str) -> httpx.URL:
    """The parsed URL of an operation on a server.

    Parsing a URL is the largest single cost of building a request, and a client calls
    the same few URLs again and again: parsed once, an `httpx.URL` (immutable) is reused.
    """
    return httpx.URL(server_url.rstrip("/") + "/" + path.lstrip("/"))  # one `/` between


def idempotency_key() -> str:
    """A random UUID (version 4) as text, what `str(uuid.uuid4())` gives: made from 16
    random bytes directly, without a `UUID` object per call nor importing `uuid` (which
    loads `platform`) before the first call."""
    key = bytearray(os.urandom(16))
    key[6] = key[6] & 0x0F | 0x40  # version 4
    key[8] = key[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = key.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class Placement(NamedTuple):
    """Where a call's parameters go: the path filled in, the query string's `name=value`
    pairs (already percent-encoded, delimiters kept), headers and cookies."""

    path: str
    query: list[str]
    headers: dict[str, str]
    cookies: list[str]


def place_parameters(operation: Operation[Any], values: Mapping[str, Any]) -> Placement:
    """Serialize each parameter given (JSON-ready values) by its location, style and explode."""
    placement = Placement(operation.path, [], {}, [])
    for param in operation.parameters:
        value = values.get(param.key or param.name)
        if value is None:
            continue
        if param.media_type:  # OpenAPI `content`: the value as JSON text, then as a string
            value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        style, explode = param.resolved_style, param.exploded
        if param.location == "path":
            text = _path_value(param.name, value, style, explode)
            placement = placement._replace(path=placement.path.replace(f"{{{param.name}}}", text))
        elif param.location == "header":
            placement.headers[param.name] = _header_value(param.name, value, explode)
        else:
            safe = RESERVED_IN_QUERY if param.allow_reserved else ""
            pairs = query_pairs(param.name, value, style, explode, safe)
            (placement.query if param.location == "query" else placement.cookies).extend(pairs)
    return placement


def _pieces(value: Any, explode: bool, safe: str = "") -> list[str]:
    """A value's encoded pieces (`safe`: characters left as they are): an array's items,
    an object's entries as `k=v` (exploded) or `k,v`, or the value itself."""
    if isinstance(value, list):
        return [encode(item, safe) for item in value]
    if isinstance(value, dict):
        joiner = "=" if explode else ","
        return [f"{encode(k, safe)}{joiner}{encode(v, safe)}" for k, v in value.items()]
    return [encode(value, safe)]


def _path_value(name: str, value: Any, style: str, explode: bool) -> str:
    """`simple` (`a,b`), `label` (`.a.b` / `.a,b`) or `matrix` (`;id=a;id=b` / `;id=a,b`)."""
    pieces = _pieces(value, explode)
    if style == "label":
        return "." + ("." if explode else ",").join(pieces)
    if style == "matrix":
        key = encode(name)
        if explode and isinstance(value, list):
            return "".join(f";{key}={piece}" for piece in pieces)
        if explode and isinstance(value, dict):
            return "".join(f";{piece}" for piece in pieces)
        return f";{key}=" + ",".join(pieces)
    return ",".join(pieces)


def query_pairs(name: str, value: Any, style: str, explode: bool, safe: str = "") -> list[str]:
    """`form`, `spaceDelimited`, `pipeDelimited` or `deepObject` pairs of one parameter
    (`safe`: characters of the values left as they are)."""
    key = encode(name)
    if style == "deepObject" and isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep(f"{key}[{encode(k)}]", v, safe)]
    if explode and isinstance(value, dict):
        return _pieces(value, True, safe)
    if explode and isinstance(value, list):
        return [f"{key}={piece}" for piece in _pieces(value, True, safe)]
    delimiter = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}.get(style, ",")
    return [f"{key}=" + delimiter.join(_pieces(value, False, safe))]


def _deep(key: str, value: Any, safe: str) -> list[str]:
    """`deepObject` pairs: nested objects as `key[a][b]=v`, arrays as repeated keys."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep(f"{key}[{encode(k)}]", v, safe)]
    if isinstance(value, list):
        return [f"{key}={encode(item, safe)}" for item in value]
    return [f"{key}={encode(value, safe)}"]


def _header_value(name: str, value: Any, explode: bool) -> str:
    """A header parameter in `simple` style; refused before any I/O if it cannot be a header."""
    if isinstance(value, list):
        text = ",".join(_text(item) for item in value)
    elif isinstance(value, dict):
        text = ",".join(
            f"{k}={_text(v)}" if explode else f"{k},{_text(v)}" for k, v in value.items()
        )
    else:
        text = _text(value)
    if not (text.isascii() and text.isprintable()):
        raise ValueError(
            f"the header parameter {name!r} contains characters that are not allowed in an "
            "HTTP header (control characters such as CR/LF, or non-ASCII)"
        )
    return text


def query_string(pairs: list[str]) -> bytes:
    return "&".join(pairs).encode("ascii")


def cookie_header(pairs: list[str]) -> str:
    """The `Cookie` header carrying `name=value` pairs."""
    return "; ".join(pairs)


def encode(value: Any, safe: str = "") -> str:
    """A value percent-encoded for a URL or a cookie (delimiters added around it stay raw;
    so do the characters of `safe`)."""
    return quote(_text(value), safe=safe)


def _text(value: Any) -> str:
    """A scalar as text: booleans and null in JSON spelling; a nested structure as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def override_headers(headers: dict[str, str], overrides: Mapping[str, str]) -> None:
    """Apply user headers over ours, replacing a header whatever its letter case."""
    by_lower = {name.lower(): name for name in headers}
    for name, value in overrides.items():
        existing = by_lower.pop(name.lower(), None)
        if existing is not None:
            del headers[existing]
        headers[name] = value
        by_lower[name.lower()] = name
