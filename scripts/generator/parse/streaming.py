"""`text/event-stream` responses, and `#stream` path variants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ir

STREAM_SUFFIX = "#stream"
EVENT_STREAM = "text/event-stream"


def real_path(path: str) -> str:
    """The path requests go to: a `#stream` variant shares its path with the plain one."""
    return path[: -len(STREAM_SUFFIX)] if path.endswith(STREAM_SUFFIX) else path


def stream(op: Mapping[str, Any], event: ir.Type) -> ir.Stream:
    """A stream of `event`s, ended by the operation's `x-speakeasy-sse-sentinel`, if any."""
    return ir.Stream(event, op.get("x-speakeasy-sse-sentinel"))
