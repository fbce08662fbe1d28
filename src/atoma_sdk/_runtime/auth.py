"""Credentials: where each comes from (argument, callable, environment) and where it goes.

A generated SDK declares its security schemes (`SecurityScheme`), takes one constructor
argument per scheme, and each `Operation` lists the requirements it accepts (OpenAPI's
`security`: alternatives, each a set of schemes used together). Per request the first
alternative whose credentials are all present is applied; none present: nothing is sent.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias, Union

__all__ = ["BasicAuth", "BearerAuth", "Credentials", "Placed", "Secret", "SecurityScheme"]

#: A token or API key, or a function returning the current one (called before every request).
Secret: TypeAlias = Union[str, Callable[[], Union[str, None]], None]
#: The name atoma-sdk 0.1.3 gave its token argument's type.
BearerAuth: TypeAlias = Secret
#: `(username, password)`, or a function returning it (called before every request).
BasicAuth: TypeAlias = Union[tuple[str, str], Callable[[], Union[tuple[str, str], None]], None]

Location = Literal["header", "query", "cookie"]
#: Where one credential goes on a request: (location, header/parameter/cookie name, value).
Placed = tuple[Location, str, str]


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme of the spec, as the runtime applies it.

    `bearer` (HTTP bearer, OAuth2, OpenID Connect: a token the user supplies) and `basic`
    go in the `Authorization` header; `api_key` goes in the header, query parameter or
    cookie `wire_name`.
    """

    name: str  # the SDK's constructor argument
    kind: Literal["bearer", "basic", "api_key"]
    env_var: str = ""
    location: Location = "header"
    wire_name: str = "Authorization"


class Credentials:
    """The credentials of one SDK instance. Their values never appear in `repr()`."""

    def __init__(self, schemes: tuple[SecurityScheme, ...], given: Mapping[str, object]) -> None:
        self._schemes = {scheme.name: scheme for scheme in schemes}
        self._sources: dict[str, object] = {}
        self._fixed: dict[str, Placed | None] = {}  # placed once, for values that are not callables
        for scheme in schemes:
            source = given.get(scheme.name)
            if source is None and scheme.env_var:
                source = os.environ.get(scheme.env_var)
            self._sources[scheme.name] = source
            if not callable(source):
                self._fixed[scheme.name] = _place(scheme, source)

    def apply(self, security: tuple[tuple[str, ...], ...]) -> list[Placed]:
        """What the first satisfied requirement of `security` adds to a request.

        An empty requirement (anonymous access allowed) adds nothing, so it is chosen only
        when no other is satisfied: a credential the user gave is sent.
        """
        placed: dict[str, Placed | None] = {}  # each credential looked up once per request
        for requirement in filter(None, security):
            found = []
            for name in requirement:
                if name not in placed:
                    placed[name] = self._placed(name)
                value = placed[name]
                if value is None:
                    break
                found.append(value)
            else:
                return found
        return []

    def missing(self, security: tuple[tuple[str, ...], ...]) -> str | None:
        """For a request `apply` gave nothing although `security` needs credentials: how to
        give them (`pass bearer_auth= or set ATOMASDK_BEARER_AUTH`). None when anonymous
        access is one of the alternatives, or none is needed."""
        if not security or () in security:
            return None
        ways = []
        for name in security[0]:
            scheme = self._schemes.get(name)
            env = f" or set {scheme.env_var}" if scheme is not None and scheme.env_var else ""
            ways.append(f"pass {name}={env}")
        return "the SDK sent no credentials: " + "; ".join(ways)

    def _placed(self, name: str) -> Placed | None:
        if name in self._fixed:
            return self._fixed[name]
        scheme = self._schemes.get(name)
        source = self._sources.get(name)
        if scheme is None or not callable(source):
            return None
        return _place(scheme, source())

    @property
    def sensitive_headers(self) -> frozenset[str]:
        """Lower-case names of the headers credentials travel in (for log redaction)."""
        return frozenset(
            s.wire_name.lower() for s in self._schemes.values() if s.location == "header"
        )

    @property
    def sensitive_query(self) -> frozenset[str]:
        """Names of the query parameters credentials travel in."""
        return frozenset(s.wire_name for s in self._schemes.values() if s.location == "query")

    def __repr__(self) -> str:
        states = ", ".join(
            f"{name}={_state(source, self._fixed.get(name))}"
            for name, source in self._sources.items()
        )
        return f"Credentials({states})"


def _state(source: object, fixed: Placed | None) -> str:
    if callable(source):
        return "callable"
    return "set" if fixed is not None else "none"


def _place(scheme: SecurityScheme, value: object) -> Placed | None:
    """Where `value` goes for `scheme`; None when there is no credential (None or empty)."""
    if scheme.kind == "basic":
        text = _basic(scheme.name, value)
    elif not value:
        return None
    elif not isinstance(value, str):
        raise TypeError(f"{scheme.name} must be a string, got {type(value).__name__}")
    elif scheme.kind == "bearer":
        text = value if value[:7].lower() == "bearer " else f"Bearer {value}"
    else:
        text = value
    if text is None:
        return None
    if scheme.location != "query" and not (text.isascii() and text.isprintable()):
        # Checked before any I/O; the message must not echo the credential.
        raise ValueError(
            f"{scheme.name} contains characters that are not allowed in an HTTP header "
            "(control characters such as CR/LF, or non-ASCII)"
        )
    return (scheme.location, scheme.wire_name, text)


def _basic(name: str, value: object) -> str | None:
    """`Basic <base64>` for `(username, password)` or the environment's `username:password`."""
    if isinstance(value, str):
        username, _, password = value.partition(":")
        value = (username, password)
    if value is None or value == ("", ""):
        return None
    if not (
        isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value)
    ):
        raise TypeError(f"{name} must be a (username, password) tuple of strings")
    username, password = value
    if ":" in username:
        raise ValueError(f"{name}: a username cannot contain ':' in HTTP basic authentication")
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
