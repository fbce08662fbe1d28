"""Bearer-token handling: where the token comes from and how it becomes a header."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeAlias, Union

__all__ = ["BearerAuth", "TokenSource"]

#: A token, or a function returning the current token (called before every request).
BearerAuth: TypeAlias = Union[str, Callable[[], Union[str, None]], None]


class TokenSource:
    """Turns the user's `bearer_auth` into an `Authorization` header value, or None.

    An empty token means "no token": the request goes without the header. The token
    itself never appears in `repr()`.
    """

    def __init__(self, bearer_auth: BearerAuth, env_var: str) -> None:
        if bearer_auth is None:
            bearer_auth = os.environ.get(env_var)
        self._provider: Callable[[], str | None] | None = None
        self._header: str | None = None
        if callable(bearer_auth):
            self._provider = bearer_auth
        else:
            self._header = _header_for(bearer_auth)

    def header(self) -> str | None:
        if self._provider is not None:
            return _header_for(self._provider())
        return self._header

    def __repr__(self) -> str:
        kind = "callable" if self._provider else ("set" if self._header else "none")
        return f"TokenSource({kind})"


def _header_for(token: str | None) -> str | None:
    if not token:
        return None
    if not isinstance(token, str):
        raise TypeError(f"bearer_auth must be a string, got {type(token).__name__}")
    if not (token.isascii() and token.isprintable()):
        # Checked before any I/O; the message must not echo the token.
        raise ValueError(
            "bearer_auth contains characters that are not allowed in an HTTP header "
            "(control characters such as CR/LF, or non-ASCII)"
        )
    if token[:7].lower() == "bearer ":
        return token
    return f"Bearer {token}"
