"""The servers a spec names (OpenAPI `servers`): their URL templates, the variables that
fill them, and choosing the base URL of a call."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

__all__ = ["Server", "ServerVariable", "base_url", "operation_server_url"]

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class ServerVariable:
    """A `{name}` of a server URL: its default (None: the spec gives none) and, when the
    spec lists them, the values it may take."""

    name: str
    default: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Server:
    """A server URL as the spec writes it (`https://{region}.api.example.com/v1`, or
    relative: `/api/v3`)."""

    url: str
    variables: tuple[ServerVariable, ...] = ()

    @property
    def relative(self) -> bool:
        """Relative to where the spec is served: not a URL a client can send to."""
        return "://" not in self.url

    def filled(self, url_params: Mapping[str, str] | None) -> str:
        """The URL with each `{name}` from `url_params`, else the variable's default;
        ValueError for a value the variable does not allow or a name with no value."""
        given = url_params or {}
        declared = {variable.name: variable for variable in self.variables}

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            variable = declared.get(name, ServerVariable(name))
            found = given.get(name, variable.default)
            if found is None:
                raise ValueError(
                    f"the server URL {self.url!r} needs a value for {{{name}}}: "
                    f"pass url_params={{{name!r}: ...}}"
                )
            if variable.values and found not in variable.values:
                allowed = ", ".join(repr(v) for v in variable.values)
                raise ValueError(
                    f"url_params[{name!r}] must be one of {allowed} (the values the server "
                    f"URL {self.url!r} allows), got {found!r}"
                )
            return found

        return _PLACEHOLDER.sub(value, self.url)


def base_url(
    servers: tuple[str | Server, ...],
    server_url: str | None,
    server_idx: int | None,
    url_params: Mapping[str, str] | None,
    env_var: str = "",
) -> str:
    """The base URL: `server_url` (its `{name}` placeholders filled from `url_params`,
    as in 0.1.3), else the spec's server number `server_idx` with its variables filled.
    A spec without servers, or whose server is relative, needs `server_url`."""
    if server_url:
        for name, value in (url_params or {}).items():
            server_url = server_url.replace("{" + name + "}", value)
        return server_url
    index = server_idx or 0
    if not servers:
        raise ValueError(
            "server_url is required: the API's spec names no server "
            f"(pass server_url='https://...'{_or_env(env_var)})"
        )
    if not 0 <= index < len(servers):
        raise ValueError(f"server_idx must be between 0 and {len(servers) - 1}, got {index}")
    server = _server(servers[index])
    if server.relative:
        raise ValueError(
            f"server_url is required: the API's spec gives its server as the relative URL "
            f"{server.url!r} (relative to where the spec is served); pass the full URL, "
            f"such as server_url='https://<host>{server.url}'{_or_env(env_var)}"
        )
    return server.filled(url_params)


def operation_server_url(server: Server, sdk_url: str, url_params: Mapping[str, str]) -> str:
    """The base URL of an operation with servers of its own: the first, its variables
    filled; a relative one is resolved against the SDK's base URL as a link in a page at
    that URL would be (`/v2` on `https://api.example.com/v1` is `https://api.example.com/v2`,
    `uploads` is `https://api.example.com/v1/uploads`)."""
    url = server.filled(url_params)
    if server.relative:
        return str(httpx.URL(sdk_url.rstrip("/") + "/").join(url))
    return url


def _server(server: str | Server) -> Server:
    return server if isinstance(server, Server) else Server(server)


def _or_env(env_var: str) -> str:
    return f", or set the {env_var} environment variable" if env_var else ""
