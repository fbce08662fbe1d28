"""The options of the `atoma` command: its argument parser class, the checks of option
values (usage errors, exit 2), and the open-enum options whose known values come from
the generated models (listed in `--help`; another value is sent with a warning)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import httpx

from . import models
from .known_values import known_values

__all__ = [
    "OPEN_ENUM_OPTIONS",
    "TOKEN_ENV_VAR",
    "Parser",
    "image_count",
    "open_enum_help",
    "port_number",
    "server_url",
    "unknown_value_warning",
]

TOKEN_ENV_VAR = "ATOMASDK_BEARER_AUTH"

#: Options of `images generate` whose values the spec lists but does not limit (open
#: enums): `--help` names the known values, and another value is sent with a warning.
OPEN_ENUM_OPTIONS = (
    "size",
    "quality",
    "style",
    "response_format",
    "background",
    "output_format",
    "moderation",
)


class Parser(argparse.ArgumentParser):
    """An argument parser whose subcommands report an unknown option themselves, with
    their own usage line (argparse leaves that to the top-level parser)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def unknown_value_warning(option: str, value: str | None) -> str | None:
    """The warning for a value the spec does not list (it is sent all the same: servers
    may know values this version does not)."""
    known = known_values(models.CreateImageRequest, option)
    if value is None or not known or value in known:
        return None
    flag = "--" + option.replace("_", "-")
    return f"warning: {flag} {value!r} is not one of {', '.join(known)}; sending it anyway"


def open_enum_help(option: str) -> str:
    known = known_values(models.CreateImageRequest, option)
    listed = f"known: {', '.join(known)}; " if known else ""
    return f"{listed}another value is sent as given (server default when left out)"


def server_url(text: str) -> str:
    """`--server-url`: an absolute http(s) URL with a host, without credentials."""
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as error:
        raise argparse.ArgumentTypeError(f"not a valid URL: {error}") from None
    if url.userinfo:  # not echoed: it may hold a password
        raise argparse.ArgumentTypeError(
            f"the URL must not carry a user name or password (the token comes from "
            f"${TOKEN_ENV_VAR})"
        )
    if url.scheme not in ("http", "https") or not url.host:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an absolute http:// or https:// URL with a host"
        )
    if url.port is not None and not 1 <= url.port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: {url.port} is not a port number")
    if "?" in text or "#" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: the URL must not have a query or fragment")
    return text


def image_count(text: str) -> int:
    """`--n`: a whole number of images, 1 or more (0 would generate nothing)."""
    count = int(text) if text.isascii() and text.isdigit() else 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of images (1 or more)")
    return count


def port_number(text: str) -> int:
    """`--port`: 0 (any free port) to 65535."""
    port = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port
