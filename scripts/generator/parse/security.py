"""Security schemes, and whether an operation sends credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ir
from ..naming import snake_case
from .context import ParseContext, text


def security_schemes(ctx: ParseContext) -> tuple[ir.SecurityScheme, ...]:
    schemes = []
    for name, scheme in ctx.components_of("securitySchemes").items():
        if scheme.get("type") != "http" or scheme.get("scheme", "").lower() != "bearer":
            ctx.problem(
                f"#/components/securitySchemes/{name}", "only http bearer security is supported"
            )
            continue
        schemes.append(ir.SecurityScheme(snake_case(name), name, text(scheme.get("description"))))
    if len(schemes) > 1:
        ctx.problem("#/components/securitySchemes", "only one security scheme is supported")
    return tuple(schemes)


def requires_auth(ctx: ParseContext, op: Mapping[str, Any]) -> bool:
    """Whether `op` (or, without its own `security`, the whole API) asks for credentials."""
    security = op.get("security", ctx.spec.get("security", []))
    return any(bool(requirement) for requirement in security or [])
