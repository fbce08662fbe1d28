"""Schemas -> types: scalars, objects (models), arrays, maps, enums, constants,
constraints and defaults. Composition (allOf/oneOf/anyOf) is in composition.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..naming import module_name, pascal_case, snake_case
from . import composition
from .context import SCHEMAS, ParseContext, escape, text

_CONSTRAINT_KEYWORDS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_length",
    "maxItems": "max_length",
    "pattern": "pattern",
}
_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
#: (type, format) -> Python type name; a missing format falls back to (type, None).
_SCALARS: dict[tuple[str, str | None], ir.ScalarName] = {
    ("string", None): "str",
    ("string", "date-time"): "datetime",
    ("string", "date"): "date",
    ("string", "uuid"): "UUID",
    ("string", "binary"): "bytes",
    ("integer", None): "int",
    ("number", None): "float",
    ("boolean", None): "bool",
}
_SUPPORTED_KEYWORDS = {
    "type", "format", "description", "title", "example", "examples", "default", "nullable",
    "enum", "const", "properties", "required", "additionalProperties", "items", "oneOf",
    "anyOf", "allOf", "discriminator", "$ref", "deprecated", "readOnly", "writeOnly",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
    "minItems", "maxItems", "pattern", "uniqueItems", "externalDocs", "xml",
}  # fmt: skip
#: Scalars whose default is written as a call parsing the spec's string.
_PARSED_DEFAULTS = {"datetime", "date", "UUID"}


def component(ctx: ParseContext, name: str) -> ir.Type:
    """The type of `#/components/schemas/<name>`, built once."""
    if name in ctx.components:
        return ctx.components[name]
    schema = ctx.schemas[name]
    pointer = f"{SCHEMAS}{escape(name)}"
    direction = ctx.direction_of(name)
    class_name = pascal_case(name)
    if is_object(schema):
        model = ir.ModelType(class_name)
        ctx.components[name] = model  # before the fields: a recursive reference finds it
        object_model(ctx, class_name, schema, pointer, direction)
        return model
    if "enum" in schema and not non_null(schema.get("oneOf") or schema.get("anyOf")):
        found, _ = enum(ctx, schema, pointer, class_name, nullable=False, reserved=True)
        ctx.components[name] = found
        return found
    if schema.get("oneOf") or schema.get("anyOf"):
        alias = ir.AliasType(class_name)
        ctx.components[name] = alias
        target, _ = type_of(ctx, schema, pointer, class_name, direction)
        ctx.aliases[class_name] = ir.AliasDef(
            class_name, module_name(class_name), text(schema.get("description")),
            target, direction, pointer,
        )  # fmt: skip
        return alias
    found, _ = type_of(ctx, schema, pointer, class_name, direction)
    ctx.components[name] = found
    return found


def type_of(
    ctx: ParseContext, schema: Any, pointer: str, context: str, direction: ir.Direction
) -> tuple[ir.Type, bool]:
    """The Python type of a schema, and whether it admits null. `context` names inline
    models and enums (the parent class name plus the property name)."""
    if not isinstance(schema, Mapping):
        ctx.problem(pointer, "a schema must be an object")
        return ir.AnyType(), False
    if "$ref" in schema:
        name = ctx.ref_name(schema["$ref"], f"{pointer}/$ref")
        if name is None:
            return ir.AnyType(), False
        return component(ctx, name), bool(schema.get("nullable"))
    for keyword in schema:
        if keyword not in _SUPPORTED_KEYWORDS and not keyword.startswith("x-"):
            ctx.problem(f"{pointer}/{keyword}", f"unsupported schema keyword {keyword!r}")
    types = schema.get("type")
    type_list = list(types) if isinstance(types, list) else ([types] if types else [])
    nullable = "null" in type_list or bool(schema.get("nullable"))
    type_list = [t for t in type_list if t != "null"]
    if id(schema) in ctx.inline:  # the same inline schema again: a recursive structure
        return ctx.inline[id(schema)], nullable
    if "allOf" in schema:
        return composition.all_of(ctx, schema, pointer, context, direction), nullable
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            found, null_member = composition.union(
                ctx, schema, keyword, pointer, context, direction
            )
            return found, nullable or null_member
    if "const" in schema:
        return ir.LiteralType((schema["const"],)), nullable
    if "enum" in schema:
        return enum(ctx, schema, pointer, context, nullable)
    if len(type_list) > 1:
        ctx.problem(pointer, f"unsupported type list {types!r} (use oneOf)")
        return ir.AnyType(), nullable
    kind = type_list[0] if type_list else ("object" if "properties" in schema else None)
    if kind is None:
        return ir.AnyType(), nullable
    if kind == "array":
        item, _ = type_of(ctx, schema.get("items", {}), f"{pointer}/items", context, direction)
        return ir.ListType(item, constraints(schema)), nullable
    if kind == "object":
        if schema.get("properties"):
            name = ctx.class_name(context)
            ctx.inline[id(schema)] = ir.ModelType(name)
            object_model(ctx, name, schema, pointer, direction)
            return ir.ModelType(name), nullable
        extra = schema.get("additionalProperties", True)
        value: ir.Type = ir.AnyType()
        if isinstance(extra, Mapping) and extra:
            value, _ = type_of(
                ctx, extra, f"{pointer}/additionalProperties", f"{context}Value", direction
            )
        return ir.DictType(value), nullable
    return scalar(ctx, kind, schema, pointer), nullable


def scalar(ctx: ParseContext, kind: str, schema: Mapping[str, Any], pointer: str) -> ir.Type:
    fmt = schema.get("format")
    python = _SCALARS.get((kind, fmt)) or _SCALARS.get((kind, None))
    if python is None:
        ctx.problem(pointer, f"unsupported type {kind!r}")
        return ir.AnyType()
    found = constraints(schema)
    bounds = _INTEGER_FORMATS.get(fmt or "") if kind == "integer" else None
    if bounds is not None:
        low = bounds[0] if found.ge is None and found.gt is None else found.ge
        high = bounds[1] if found.le is None and found.lt is None else found.le
        found = replace(found, ge=low, le=high)
    return ir.ScalarType(python, found)


def enum(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    name: str,
    nullable: bool,
    reserved: bool = False,
) -> tuple[ir.Type, bool]:
    """A named Enum (or a Literal, for booleans). `reserved`: `name` is a component's."""
    values = list(schema["enum"])
    if None in values:
        values.remove(None)
        nullable = True
    if len(values) == 1 or (values and all(isinstance(v, bool) for v in values)):
        return ir.LiteralType(tuple(values)), nullable  # a constant
    if all(isinstance(v, str) for v in values):
        base = "str"
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        base = "int"
    else:
        ctx.problem(pointer, "enum values must be all strings or all integers")
        return ir.AnyType(), nullable
    class_name = name if reserved else ctx.class_name(name)
    ctx.enums[class_name] = ir.EnumDef(
        class_name, module_name(class_name), text(schema.get("description")),
        base, tuple(values), pointer,  # type: ignore[arg-type]
    )  # fmt: skip
    return ir.EnumType(class_name, base, tuple(values)), nullable  # type: ignore[arg-type]


def object_model(
    ctx: ParseContext,
    class_name: str,
    schema: Mapping[str, Any],
    pointer: str,
    direction: ir.Direction,
) -> None:
    ctx.taken.add(class_name)
    schema = composition.merged(ctx, schema, pointer)
    required = set(schema.get("required", []))
    fields = []
    for wire_name, prop in (schema.get("properties") or {}).items():
        prop_pointer = f"{pointer}/properties/{escape(wire_name)}"
        found, nullable = type_of(
            ctx, prop, prop_pointer, class_name + pascal_case(wire_name), direction
        )
        fields.append(field(wire_name, prop, found, nullable, wire_name in required))
    seen: dict[str, str] = {}
    for f in fields:
        if f.name in seen:
            ctx.problem(
                f"{pointer}/properties/{escape(f.wire_name)}",
                f"{f.wire_name!r} and {seen[f.name]!r} both become the Python name {f.name!r}",
            )
        seen[f.name] = f.wire_name
    # Required fields first, as atoma-sdk 0.1.3 orders arguments; otherwise spec order.
    fields.sort(key=lambda f: not f.required or f.has_default)
    ctx.models[class_name] = ir.Model(
        class_name, module_name(class_name), text(schema.get("description")),
        tuple(fields), direction, pointer,
    )  # fmt: skip


def field(
    wire_name: str, schema: Any, found: ir.Type, nullable: bool, required: bool
) -> ir.ModelField:
    """A property (or parameter) of type `found`, with its description, example and default."""
    schema = schema if isinstance(schema, Mapping) else {}
    example = schema.get("example")
    if example is None and isinstance(schema.get("examples"), list) and schema["examples"]:
        example = schema["examples"][0]
    default, has_default = schema.get("default"), "default" in schema
    if isinstance(found, ir.LiteralType) and len(found.values) == 1 and not nullable:
        default, has_default = found.values[0], True  # a constant: always that value
    elif has_default and not _plain_default(found, default):
        # A default the SDK cannot spell as a Python literal (a date, an object): the
        # argument stays required rather than sending something wrong.
        default, has_default = None, False
    return ir.ModelField(
        name=snake_case(wire_name),
        wire_name=wire_name,
        type=found,
        required=required,
        nullable=nullable,
        description=text(schema.get("description")),
        example=example,
        default=default,
        has_default=has_default,
    )


def is_object(schema: Mapping[str, Any]) -> bool:
    """A schema that becomes a model: properties, or an allOf that merges several parts."""
    if schema.get("oneOf") or schema.get("anyOf") or "enum" in schema:
        return False
    parts = schema.get("allOf") or []
    return (
        bool(schema.get("properties")) or len(parts) > 1 or (bool(parts) and "properties" in schema)
    )


def non_null(members: Any) -> list[Any]:
    return [m for m in members or [] if not (isinstance(m, Mapping) and m.get("type") == "null")]


def constraints(schema: Mapping[str, Any]) -> ir.Constraints:
    values = {
        target: schema[key]
        for key, target in _CONSTRAINT_KEYWORDS.items()
        if key in schema and not isinstance(schema[key], bool)
    }
    # OpenAPI 3.0: `exclusiveMinimum: true` makes `minimum` exclusive (3.1 uses numbers).
    for flag, inclusive, exclusive in (
        ("exclusiveMinimum", "ge", "gt"),
        ("exclusiveMaximum", "le", "lt"),
    ):
        if schema.get(flag) is True and inclusive in values:
            values[exclusive] = values.pop(inclusive)
    return ir.Constraints(**values)


def _plain_default(found: ir.Type, value: object) -> bool:
    plain: dict[str, type | tuple[type, ...]] = {
        "str": str,
        "int": int,
        "float": (int, float),
        "bool": bool,
    }
    if isinstance(found, ir.EnumType):
        return value in found.values
    if isinstance(found, ir.ScalarType) and found.name in _PARSED_DEFAULTS:
        return isinstance(value, str)
    if isinstance(found, ir.ScalarType) and found.name in plain:
        return isinstance(value, plain[found.name]) and (
            found.name == "bool" or not isinstance(value, bool)
        )
    return False
