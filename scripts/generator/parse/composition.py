"""allOf, oneOf and anyOf: merged models, unions and discriminated unions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ir
from ..naming import pascal_case
from . import schemas
from .context import SCHEMAS, ParseContext


def union(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    keyword: str,
    pointer: str,
    context: str,
    direction: ir.Direction,
) -> tuple[ir.Type, bool]:
    """A `oneOf`/`anyOf`: a union (discriminated when the schema says how), and whether
    one of its members is null."""
    members: list[ir.Type] = []
    null_member = False
    for index, member in enumerate(schema[keyword]):
        if isinstance(member, Mapping) and member.get("type") == "null":
            null_member = True
            continue
        label = member.get("title") if isinstance(member, Mapping) else None
        found, nullable = schemas.type_of(
            ctx,
            member,
            f"{pointer}/{keyword}/{index}",
            f"{context}{pascal_case(label) if label else index + 1}",
            direction,
        )
        null_member = null_member or nullable
        members.append(found)
    if len(members) == 1:
        return members[0], null_member
    discriminator = schema.get("discriminator")
    if discriminator is None:
        return ir.UnionType(tuple(members)), null_member
    wire = discriminator.get("propertyName", "")
    mapping = {
        target[len(SCHEMAS) :]: value
        for value, target in (discriminator.get("mapping") or {}).items()
    }
    inverse = {pascal_case(name): value for name, value in mapping.items()}
    tags: list[tuple[str, str]] = []
    for member in members:
        if not isinstance(member, ir.ModelType):
            ctx.problem(pointer, "discriminated union members must be object schemas")
            continue
        value = inverse.get(member.name) or _own_tag(ctx, member.name, wire)
        if value is None:
            ctx.problem(pointer, f"no value of {wire!r} is known for {member.name}")
            continue
        known = ctx.tags.setdefault(member.name, {})
        if known.get(wire, value) != value:
            ctx.problem(pointer, f"{member.name} takes two values of {wire!r}")
        known[wire] = value
        tags.append((value, member.name))
    return ir.UnionType(tuple(members), wire, tuple(tags)), null_member


def _own_tag(ctx: ParseContext, class_name: str, wire: str) -> str | None:
    """The single value a model's own schema allows for the tag property, if any."""
    model = ctx.models.get(class_name)
    found = next((f for f in model.fields if f.wire_name == wire), None) if model else None
    if found is None:
        return None
    if isinstance(found.type, ir.LiteralType) and len(found.type.values) == 1:
        return str(found.type.values[0])
    if isinstance(found.type, ir.EnumType):
        values = ctx.enums[found.type.name].values
        return str(values[0]) if len(values) == 1 else None
    return None


def all_of(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    context: str,
    direction: ir.Direction,
) -> ir.Type:
    """One part: that part's type; several: one model with all their properties."""
    parts = schema["allOf"]
    if len(parts) == 1 and not schema.get("properties"):
        found, _ = schemas.type_of(ctx, parts[0], f"{pointer}/allOf/0", context, direction)
        return found
    name = ctx.class_name(context)
    model = ir.ModelType(name)
    ctx.inline[id(schema)] = model
    schemas.object_model(ctx, name, schema, pointer, direction)
    return model


def merged(ctx: ParseContext, schema: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
    """An allOf schema as one object schema: the parts' properties and `required`."""
    if "allOf" not in schema:
        return schema
    result: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    own = {k: v for k, v in schema.items() if k != "allOf"}
    for index, part in enumerate([*schema["allOf"], own]):
        resolved = _resolve_object(ctx, part, f"{pointer}/allOf/{index}")
        result["properties"].update(resolved.get("properties", {}))
        result["required"] += resolved.get("required", [])
    result["description"] = schema.get("description") or next(
        (p.get("description") for p in schema["allOf"] if isinstance(p, Mapping)), None
    )
    return result


def _resolve_object(ctx: ParseContext, schema: Any, pointer: str) -> Mapping[str, Any]:
    """An allOf part as a plain object schema (refs followed, nested allOf merged)."""
    if isinstance(schema, Mapping) and "$ref" in schema:
        name = ctx.ref_name(schema["$ref"], pointer)
        return _resolve_object(ctx, ctx.schemas[name], pointer) if name else {}
    if isinstance(schema, Mapping) and "allOf" in schema:
        result: dict[str, Any] = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            resolved = _resolve_object(ctx, part, pointer)
            result["properties"].update(resolved.get("properties", {}))
            result["required"] += resolved.get("required", [])
        return result
    if (
        not isinstance(schema, Mapping)
        or schema.get("type", "object") != "object"
        or any(k in schema for k in ("oneOf", "anyOf", "enum"))
    ):
        ctx.problem(pointer, "allOf parts must be object schemas")
        return {}
    return schema
