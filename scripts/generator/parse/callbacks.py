"""Callbacks: requests the API sends to a URL the caller gives, described inside an
operation. The SDK sends requests and does not receive them, so none is generated; each
callback is named in one warning, so that leaving it out is never silent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import ParseContext, escape


def warn(ctx: ParseContext, op: Mapping[str, Any], pointer: str) -> None:
    """One warning per callback of operation `op` (at `pointer`)."""
    found = op.get("callbacks")
    for name in found if isinstance(found, Mapping) else ():
        ctx.warning(
            f"{pointer}/callbacks/{escape(str(name))}",
            f"callbacks are not generated: {str(name)!r} is left out (a request the API "
            "sends, not one the SDK makes)",
        )
