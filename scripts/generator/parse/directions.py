"""Which component schemas are sent, which are received (request vs response models)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ir
from . import references
from .context import SCHEMAS, ParseContext

#: The methods of a path item, in the order their operations are generated (`query`:
#: OpenAPI 3.2).
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace", "query")


def mark_all(ctx: ParseContext) -> None:
    """Record the direction of every schema reachable from an operation."""
    for item in (ctx.spec.get("paths") or {}).values():
        for method in HTTP_METHODS:
            op = (item or {}).get(method) or {}
            if op.get("x-speakeasy-ignore") is True:
                continue
            body = references.follow(ctx, op.get("requestBody"), "requestBodies") or {}
            for content in (body.get("content") or {}).values():
                mark(ctx, content.get("schema"), "input")
            for listed in [*_list(item.get("parameters")), *_list(op.get("parameters"))]:
                parameter = references.follow(ctx, listed, "parameters") or {}
                mark(ctx, parameter.get("schema"), "input")
            for status, listed in (op.get("responses") or {}).items():
                if str(status).startswith("x-"):  # an extension of the Responses Object
                    continue
                answer = references.follow(ctx, listed, "responses") or {}
                for content in (answer.get("content") or {}).values():
                    mark(ctx, content.get("schema"), "output")


def _list(value: Any) -> list[Any]:
    """A `parameters` list; anything else (reported where parameters are parsed) lists none."""
    return value if isinstance(value, list) else []


def mark(
    ctx: ParseContext, schema: Any, direction: ir.Direction, seen: set[str] | None = None
) -> None:
    """Record `direction` for every component schema reachable from `schema`."""
    seen = set() if seen is None else seen
    if isinstance(schema, list):
        for item in schema:
            mark(ctx, item, direction, seen)
    if not isinstance(schema, Mapping):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMAS):
        name = ref[len(SCHEMAS) :]
        # Marked with this direction before: so is everything reachable from it.
        if name in seen or name not in ctx.schemas or direction in ctx.directions.get(name, ()):
            return
        seen.add(name)
        ctx.directions.setdefault(name, set()).add(direction)
        mark(ctx, ctx.schemas[name], direction, seen)
        below = ctx.intermediates.get(name)
        # a base means one of its subtypes, and so does a subtype that has subtypes
        for subtype in (*ctx.polymorphic.get(name, ()), *(below.descendants if below else ())):
            mark(ctx, {"$ref": f"{SCHEMAS}{subtype}"}, direction, seen)
        return
    for key, value in schema.items():
        if key in ("properties",) and isinstance(value, Mapping):
            for prop in value.values():
                mark(ctx, prop, direction, seen)
        elif key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf", "not"):
            mark(ctx, value, direction, seen)
