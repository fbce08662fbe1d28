"""Pure helpers turning a call's arguments into the parts of an `httpx.Request`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import httpx

from .operation import Operation

__all__ = ["base_url", "body_bytes", "operation_url", "override_headers", "place_parameters"]


def base_url(
    servers: tuple[str, ...],
    server_url: str | None,
    server_idx: int | None,
    url_params: Mapping[str, str] | None,
) -> str:
    """The base URL: `server_url` (its `{name}` placeholders filled from `url_params`,
    as in 0.1.3), else the spec's server number `server_idx`."""
    if server_url:
        for name, value in (url_params or {}).items():
            server_url = server_url.replace("{" + name + "}", value)
        return server_url
    index = server_idx or 0
    if not 0 <= index < len(servers):
        raise ValueError(f"server_idx must be between 0 and {len(servers) - 1}, got {index}")
    return servers[index]


@lru_cache(maxsize=256)
def operation_url(server_url: str, path: str) -> httpx.URL:
    """The parsed URL of an operation on a server.

    Parsing a URL is the largest single cost of building a request, and a client calls
    the same few URLs again and again: parsed once, an `httpx.URL` (immutable) is reused.
    """
    return httpx.URL(server_url.rstrip("/") + path)


def body_bytes(operation: Operation[Any], body: Any) -> bytes | None:
    """The JSON body: a request model's own bytes, or a validated non-object body."""
    if body is None:
        return None
    to_json_bytes = getattr(body, "to_json_bytes", None)  # a request model (InputModel)
    if to_json_bytes is not None:
        content: bytes = to_json_bytes()
        return content
    from .models import dumps_json  # only for bodies that are not models: lists, unions

    adapter = operation.body_adapter
    value = adapter.validate_python(body)
    return dumps_json(adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True))


def place_parameters(
    operation: Operation[Any], values: Mapping[str, Any]
) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """Path with its parameters filled in, query pairs (arrays repeated), and headers."""
    path = operation.path
    for name in operation.path_params:
        path = path.replace("{" + name + "}", quote(_text(values[name]), safe=""))
    query = [
        (name, _text(item))
        for name in operation.query_params
        if values.get(name) is not None
        for item in (
            values[name]
            if isinstance(values[name], list) and name not in operation.comma_joined
            else [values[name]]
        )
    ]
    headers = {
        name: _text(values[name])
        for name in operation.header_params
        if values.get(name) is not None
    }
    return path, query, headers


def _text(value: Any) -> str:
    """A parameter value as text: booleans in JSON spelling, arrays comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
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
