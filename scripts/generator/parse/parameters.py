"""Path, query and header parameters (path-level and operation-level)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ir
from ..naming import pascal_case
from . import schemas
from .context import ParseContext


def parameters(
    ctx: ParseContext,
    item: Mapping[str, Any],
    op: Mapping[str, Any],
    item_pointer: str,
    pointer: str,
) -> list[ir.Parameter]:
    """Path-level and operation-level parameters (the latter win), `$ref`s resolved."""
    merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for source_pointer, source in ((item_pointer, item), (pointer, op)):
        for index, raw in enumerate(source.get("parameters", []) or []):
            param_pointer = f"{source_pointer}/parameters/{index}"
            if "$ref" in raw:
                found = ctx.ref_target(raw["$ref"], "parameters", param_pointer)
                if found is None:
                    continue
                raw = found[1]
            if not isinstance(raw, Mapping) or "name" not in raw or "in" not in raw:
                ctx.problem(param_pointer, "a parameter needs `name` and `in`")
                continue
            merged[(raw["name"], raw["in"])] = (raw, param_pointer)
    result = []
    for (name, location), (raw, param_pointer) in merged.items():
        if location not in ("path", "query", "header"):
            ctx.problem(param_pointer, f"unsupported parameter location {location!r}")
            continue
        found_type, nullable = schemas.type_of(
            ctx, raw.get("schema", {}), f"{param_pointer}/schema", pascal_case(name), "input"
        )
        raw_field = {
            **raw.get("schema", {}),
            **{k: raw[k] for k in ("description", "example") if k in raw},
        }
        explode = raw.get("explode", raw.get("style", "form") == "form")
        if raw.get("style", "form" if location == "query" else "simple") not in ("form", "simple"):
            ctx.problem(param_pointer, f"unsupported parameter style {raw.get('style')!r}")
        result.append(
            ir.Parameter(
                location,  # type: ignore[arg-type]
                schemas.field(name, raw_field, found_type, nullable, bool(raw.get("required"))),
                explode=bool(explode),
            )
        )
    # path parameters first (always required), then spec order
    return sorted(result, key=lambda p: (not p.field.required, p.location != "path"))
