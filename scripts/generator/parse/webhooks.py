"""Webhooks (`webhooks` in OpenAPI 3.1, `x-webhooks` before): requests the API sends,
not operations the SDK calls. Their JSON payloads become models (parsed like responses),
so a receiver can validate what arrives; they get no methods."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .. import ir
from ..naming import pascal_case
from . import directions, references, schemas
from .context import ParseContext, escape
from .directions import HTTP_METHODS


def mark_directions(ctx: ParseContext) -> None:
    """Schemas of webhook payloads are received (before components are built)."""
    for _, _, schema, _ in _payloads(ctx):
        directions.mark(ctx, schema, "output")


def webhooks(ctx: ParseContext) -> tuple[ir.Webhook, ...]:
    """A model (or type) for every webhook payload; a payload that is not JSON is skipped
    with a warning."""
    found = []
    for name, method, schema, pointer in _payloads(ctx):
        payload, _ = schemas.type_of(ctx, schema, pointer, f"{pascal_case(name)}Payload", "output")
        found.append(ir.Webhook(name, method.upper(), payload))
    return tuple(found)


def _payloads(ctx: ParseContext) -> Iterator[tuple[str, str, Any, str]]:
    """(webhook name, method, JSON schema of its payload, pointer of that schema). Called twice;
    a problem found is reported once (`Diagnostics` keeps one of each)."""
    for key in ("webhooks", "x-webhooks"):
        found = ctx.spec.get(key)
        if not isinstance(found, Mapping):
            continue
        for name, item in found.items():
            pointer = f"#/{key}/{escape(str(name))}"
            methods = [m for m in HTTP_METHODS if isinstance(item, Mapping) and m in item]
            for method in methods:
                body_pointer = f"{pointer}/{method}/requestBody"
                body = (
                    item[method].get("requestBody") if isinstance(item[method], Mapping) else None
                )
                if body is None:
                    continue
                resolved = references.resolve(ctx, body, "requestBodies", body_pointer)
                if resolved is None:
                    continue
                body, body_pointer = resolved
                content = body.get("content")
                content = content if isinstance(content, Mapping) else {}
                media = next((m for m in content if _is_json(m)), None)
                if media is None:
                    ctx.warning(
                        f"{body_pointer}/content",
                        f"webhook {name!r} skipped: its payload is not JSON",
                    )
                    continue
                schema = (content[media] or {}).get("schema", {})
                yield str(name), method, schema, f"{body_pointer}/content/{escape(media)}/schema"


def _is_json(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")
