"""Webhooks: requests the API sends, not operations the SDK calls."""

from __future__ import annotations

from .context import ParseContext


def webhooks(ctx: ParseContext) -> None:
    """Webhooks get no methods; say so rather than dropping them silently."""
    found = ctx.spec.get("webhooks")
    if found:
        ctx.warning("#/webhooks", f"webhooks are not generated (skipped: {', '.join(found)})")
