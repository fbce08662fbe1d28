"""Schemas -> types: scalars, objects (models), arrays, tuples, maps, enums, constants,
constraints and defaults. Composition (allOf/oneOf/anyOf) is in composition.py."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..naming import module_name, pascal_case
from . import composition, enum_names, keywords, names
from .context import SCHEMAS, ParseContext, escape, shown, text
from .values import fits

_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
#: (type, format) -> Python type name; a missing format falls back to (type, None).
_SCALARS: dict[tuple[str, str | None], ir.ScalarName] = {
    ("string", None): "str",
    ("string", "date-time"): "datetime",
    ("string", "date"): "date",
    ("string", "time"): "time",
    ("string", "uuid"): "UUID",
    ("string", "binary"): "bytes",
    ("integer", None): "int",
    ("number", None): "float",
    ("boolean", None): "bool",
}
_JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object")
#: Scalars whose default is written as a call parsing the spec's string.
_PARSED_DEFAULTS = {"datetime", "date", "time", "UUID"}


def component(ctx: ParseContext, name: str) -> ir.Type:
    """The type of `#/components/schemas/<name>`, built once (its nullability is kept in
    `ctx.nullable_components`)."""
    if name in ctx.components:
        if name in ctx.building:
            ctx.building[name] = True
        return ctx.components[name]
    schema = ctx.schemas[name]
    pointer = f"{SCHEMAS}{escape(name)}"
    direction = ctx.direction_of(name)
    class_name = ctx.component_class(name)
    if not isinstance(schema, Mapping):
        if schema is not True:
            _not_a_schema(ctx, schema, pointer)
        ctx.components[name] = ir.AnyType()
        return ctx.components[name]
    if name in ctx.polymorphic:
        return composition.polymorphic(ctx, name)
    if composition.is_object(ctx, schema, direction):
        model = ir.ModelType(class_name)
        ctx.components[name] = model  # before the fields: a recursive reference finds it
        object_model(ctx, class_name, schema, pointer, direction)
        found: ir.Type = model
        nullable = nullable_here(schema)
    elif "enum" in schema and not non_null(schema.get("oneOf") or schema.get("anyOf")):
        found, nullable = enum(
            ctx, schema, pointer, class_name, nullable_here(schema), direction, reserved=True
        )
        ctx.components[name] = found
    elif schema.get("oneOf") or schema.get("anyOf") or composition.distributes(ctx, schema):
        alias = ir.AliasType(class_name)
        ctx.components[name] = alias
        members = schema.get("oneOf") or schema.get("anyOf")
        if nullable_here(schema) or len(non_null(members)) < len(members or []):
            ctx.nullable_components.add(name)  # known before a member refers back to it
        target, nullable = type_of(ctx, schema, pointer, class_name, direction)
        ctx.aliases[class_name] = ir.AliasDef(
            class_name, module_name(class_name), text(schema.get("description")),
            target, direction, pointer,
        )  # fmt: skip
        found = alias
    else:
        found, nullable = _maybe_recursive(ctx, name, schema, pointer, class_name, direction)
    if nullable:
        ctx.nullable_components.add(name)
    return found


def _maybe_recursive(
    ctx: ParseContext,
    name: str,
    schema: Mapping[str, Any],
    pointer: str,
    class_name: str,
    direction: ir.Direction,
) -> tuple[ir.Type, bool]:
    """The type of a component that is neither a model, an enum nor a union: itself, or,
    when the schema is reached again while its type is built (an array of itself, an
    allOf of itself), an alias of it, since only a named type can refer to itself."""
    alias = ir.AliasType(class_name)
    ctx.components[name] = alias
    ctx.building[name] = False
    found, nullable = type_of(ctx, schema, pointer, class_name, direction)
    if not ctx.building.pop(name):
        ctx.components[name] = found
        return found, nullable
    if found == alias:
        ctx.warning(pointer, "the schema is only a reference to itself; typed as Any")
        found = ir.AnyType()
    description = text(schema.get("description"))
    ctx.aliases[class_name] = ir.AliasDef(
        class_name, module_name(class_name), description, found, direction, pointer
    )
    return alias, nullable


def type_of(
    ctx: ParseContext, schema: Any, pointer: str, context: str, direction: ir.Direction
) -> tuple[ir.Type, bool]:
    """The Python type of a schema, and whether it admits null. `context` names inline
    models and enums (the parent class name plus the property name)."""
    if schema is True or schema == {}:
        return ir.AnyType(), False
    if not isinstance(schema, Mapping):
        _not_a_schema(ctx, schema, pointer)
        return ir.AnyType(), False
    if "$ref" in schema:
        name = ctx.ref_name(schema["$ref"], f"{pointer}/$ref")
        if name is None:
            return ir.AnyType(), False
        found = component(ctx, name)
        if name in ctx.intermediates:  # a subtype with subtypes: one of them may come
            found = composition.intermediate(ctx, name)
        return found, nullable_here(schema) or name in ctx.nullable_components
    keywords.check_unknown(ctx, schema, pointer)
    nullable = nullable_here(schema)
    if id(schema) in ctx.inline:  # the same inline schema again: a recursive structure
        return ctx.inline[id(schema)], nullable
    for dynamic in ("$dynamicRef", "$recursiveRef"):
        if dynamic in schema:
            ctx.warning(f"{pointer}/{dynamic}", f"{dynamic} is not resolved; typed as Any")
            return ir.AnyType(), nullable
    if "allOf" in schema:
        found, null_part = composition.all_of(ctx, schema, pointer, context, direction)
        return found, nullable or null_part
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            found, null_member = composition.union(
                ctx, schema, keyword, pointer, context, direction
            )
            return found, nullable or null_member
    if "const" in schema:
        return _const(ctx, schema, pointer), nullable or schema["const"] is None
    if "enum" in schema:
        return enum(ctx, schema, pointer, context, nullable, direction)
    kinds = _json_types(ctx, schema, pointer)
    if len(kinds) > 1:
        members = [
            type_of(
                ctx, {**schema, "type": kind}, pointer, f"{context}{pascal_case(kind)}", direction
            )[0]
            for kind in kinds
        ]
        return ir.UnionType(tuple(members)), nullable
    kind = kinds[0] if kinds else _implied_kind(schema)
    if kind is None:
        return ir.AnyType(), nullable
    if kind == "array":
        found = _array(ctx, schema, pointer, context, direction)
        if not kinds and direction != "input":
            return _array_or_any(ctx, found, pointer), nullable
        return found, nullable
    if kind == "object":
        return _object(ctx, schema, pointer, context, direction), nullable
    return scalar(ctx, kind, schema, pointer), nullable


def _not_a_schema(ctx: ParseContext, schema: Any, pointer: str) -> None:
    """The warning for a schema that is not an object: `false` (JSON Schema's boolean
    schema, which no value matches) is legal where nothing can leave it out."""
    if schema is False:
        ctx.warning(pointer, "the schema false allows no value; typed as Any")
    else:
        ctx.warning(pointer, f"a schema must be an object, not {shown(schema)}; typed as Any")


def nullable_here(schema: Mapping[str, Any]) -> bool:
    """`nullable: true` (3.0), `type: [..., 'null']` (3.1) or null among the enum values."""
    types = schema.get("type")
    listed = types if isinstance(types, list) else [types]
    enum_values = schema.get("enum")
    return (
        "null" in listed
        or schema.get("nullable") is True
        or schema.get("x-nullable") is True
        or (isinstance(enum_values, list) and None in enum_values)
    )


def _json_types(ctx: ParseContext, schema: Mapping[str, Any], pointer: str) -> list[str]:
    """The non-null JSON types the schema allows, as listed by `type`."""
    types = schema.get("type")
    listed = types if isinstance(types, list) else ([types] if types is not None else [])
    result = []
    for kind in listed:
        if kind == "null":
            continue
        if isinstance(kind, str) and kind.lower() in _JSON_TYPES:
            if kind != kind.lower():
                ctx.warning(f"{pointer}/type", f"type {kind!r} read as {kind.lower()!r}")
            result.append(kind.lower())
        elif kind == "file":
            ctx.warning(f"{pointer}/type", "type 'file' (Swagger 2) read as binary content")
            result.append("file")
        else:
            ctx.warning(f"{pointer}/type", f"unknown type {kind!r}; typed as Any")
            return []
    return list(dict.fromkeys(result))


def _implied_kind(schema: Mapping[str, Any]) -> str | None:
    """The type a schema without `type` clearly means (`properties` -> object)."""
    if any(k in schema for k in ("properties", "additionalProperties", "patternProperties")):
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


def _array_or_any(ctx: ParseContext, found: ir.Type, pointer: str) -> ir.Type:
    """`items` without `type`: JSON Schema applies `items` to arrays only and lets any
    other value through, so a received value is the array or any JSON value."""
    ctx.warning(
        pointer, "`items` without `type: array`; a value that is not an array is kept as it is"
    )
    return ir.UnionType((found, ir.AnyType()))


def _array(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    context: str,
    direction: ir.Direction,
) -> ir.Type:
    """A list, or a tuple (`prefixItems`, or draft 4's list-valued `items`)."""
    prefix, prefix_key = schema.get("prefixItems"), "prefixItems"
    items = schema.get("items", {})
    if isinstance(items, list):
        ctx.warning(f"{pointer}/items", "a list of schemas in `items` is read as prefixItems")
        prefix, prefix_key, items = items, "items", schema.get("additionalItems", True)
    found = keywords.constraints(ctx, schema, pointer, "array")
    if isinstance(prefix, list) and prefix:
        types = tuple(
            element(
                ctx, part, f"{pointer}/{prefix_key}/{index}", f"{context}{index + 1}", direction
            )
            for index, part in enumerate(prefix)
        )
        closed = items is False or schema.get("maxItems") == len(types)
        if closed and schema.get("minItems", len(types)) >= len(types):
            return ir.TupleType(types)
        rest = (
            ir.AnyType()
            if items in (True, None, {}) or items is False
            else element(ctx, items, f"{pointer}/items", f"{context}Item", direction)
        )
        ctx.warning(
            f"{pointer}/{prefix_key}",
            "an array whose length is not fixed is typed as a list (item types per position "
            "are not checked)",
        )
        return ir.ListType(_union_of([*types, rest]), found)
    if items is False:
        return ir.TupleType(())
    item = element(ctx, items, f"{pointer}/items", context, direction)
    return ir.ListType(item, found)


def element(
    ctx: ParseContext, schema: Any, pointer: str, context: str, direction: ir.Direction
) -> ir.Type:
    """The type of an array's items, a map's values or a stream's lines, which may be
    null."""
    found, nullable = type_of(ctx, schema, pointer, context, direction)
    if not nullable or isinstance(found, ir.AnyType):
        return found
    if isinstance(found, ir.UnionType) and found.discriminator is None:
        return ir.UnionType((*found.members, ir.NullType()))
    return ir.UnionType((found, ir.NullType()))


def _union_of(members: list[ir.Type]) -> ir.Type:
    unique = list(dict.fromkeys(members))
    if any(isinstance(m, ir.AnyType) for m in unique):
        return ir.AnyType()
    return unique[0] if len(unique) == 1 else ir.UnionType(tuple(unique))


def _object(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    context: str,
    direction: ir.Direction,
) -> ir.Type:
    """A model for an object with properties; otherwise a map of its values' type."""
    if schema.get("properties"):
        name = ctx.class_name(context)
        model = ir.ModelType(name)
        ctx.inline[id(schema)] = model
        object_model(ctx, name, schema, pointer, direction)
        return model
    values: list[ir.Type] = []
    for index, (key, sub) in enumerate((schema.get("patternProperties") or {}).items()):
        sub_pointer = f"{pointer}/patternProperties/{escape(str(key))}"
        values.append(element(ctx, sub, sub_pointer, f"{context}Value{index + 1}", direction))
    extra_key = (
        "additionalProperties" if "additionalProperties" in schema else "unevaluatedProperties"
    )
    extra = schema.get(extra_key, not values)
    if isinstance(extra, Mapping) and extra:
        values.append(element(ctx, extra, f"{pointer}/{extra_key}", f"{context}Value", direction))
    elif extra is not False:
        values.append(ir.AnyType())
    value = _union_of(values) if values else ir.AnyType()
    return ir.DictType(value, keywords.constraints(ctx, schema, pointer, "object"))


def scalar(ctx: ParseContext, kind: str, schema: Mapping[str, Any], pointer: str) -> ir.Type:
    fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
    if kind == "file" or (kind == "string" and schema.get("contentEncoding") == "base64"):
        return ir.ScalarType("bytes")
    if fmt == "int-or-string":  # Kubernetes' port numbers and names, `10%`
        return ir.UnionType((ir.ScalarType("int"), ir.ScalarType("str")))
    python = _SCALARS.get((kind, fmt)) or _SCALARS[(kind, None)]
    found = keywords.constraints(
        ctx, schema, pointer, "number" if kind in ("integer", "number") else kind
    )
    if python != "str":  # lengths and patterns apply to the JSON string, not a parsed value
        found = replace(found, min_length=None, max_length=None, pattern=None)
    if kind == "integer":
        found = _integer_bounds(found)
    bounds = _INTEGER_FORMATS.get(fmt or "") if kind == "integer" else None
    if bounds is not None:
        low = bounds[0] if found.ge is None and found.gt is None else found.ge
        high = bounds[1] if found.le is None and found.lt is None else found.le
        found = replace(found, ge=low, le=high)
    return ir.ScalarType(python, found)


def _integer_bounds(found: ir.Constraints) -> ir.Constraints:
    """Bounds of an integer as integers (pydantic refuses `le=10.5` on an `int`):
    `minimum: 0.5` is `ge=1`, `exclusiveMaximum: 10.5` is `le=10`, `maximum: 5.0` is `le=5`."""
    ge, le, gt, lt = found.ge, found.le, found.gt, found.lt
    if gt is not None and gt != int(gt):  # x > 0.5 is x >= 1
        ge, gt = max(math.ceil(gt), -math.inf if ge is None else ge), None
    if lt is not None and lt != int(lt):  # x < 10.5 is x <= 10
        le, lt = min(math.floor(lt), math.inf if le is None else le), None
    return replace(
        found,
        ge=None if ge is None else math.ceil(ge),
        le=None if le is None else math.floor(le),
        gt=None if gt is None else int(gt),
        lt=None if lt is None else int(lt),
    )


def _const(ctx: ParseContext, schema: Mapping[str, Any], pointer: str) -> ir.Type:
    value = schema["const"]
    if value is None:
        return ir.AnyType()
    if isinstance(value, float):
        ctx.warning(f"{pointer}/const", "a number that is not an integer is not enforced")
        return ir.ScalarType("float")
    if isinstance(value, (str, int, bool)):
        return ir.LiteralType((value,))
    ctx.warning(f"{pointer}/const", "a const that is not a scalar is not enforced")
    return ir.AnyType()


def enum(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    name: str,
    nullable: bool,
    direction: ir.Direction,
    reserved: bool = False,
) -> tuple[ir.Type, bool]:
    """A named Enum of strings or integers; a Literal for one value, booleans or mixed
    scalars. `reserved`: `name` is a component's."""
    raw = schema["enum"]
    rest = {k: v for k, v in schema.items() if k != "enum"}
    if not isinstance(raw, list) or not raw:
        ctx.warning(f"{pointer}/enum", "enum must be a non-empty list; ignored")
        return type_of(ctx, rest, pointer, name, direction)
    nullable = nullable or None in raw
    values = [v for v in raw if v is not None]
    if not all(isinstance(v, (str, int, float, bool)) for v in values):
        ctx.warning(f"{pointer}/enum", "enum values that are not scalars are not enforced")
        return type_of(ctx, rest, pointer, name, direction)[0], nullable
    if any(isinstance(v, float) for v in values):  # Python's Literal cannot hold them
        ctx.warning(f"{pointer}/enum", "enum values that are not integers are not enforced")
        return type_of(ctx, rest, pointer, name, direction)[0], nullable
    unique = list(dict.fromkeys((type(v), v) for v in values))
    if len(unique) < len(values):
        ctx.warning(f"{pointer}/enum", "duplicate enum values ignored")
    values = [v for _, v in unique]
    if not values:
        return ir.AnyType(), nullable
    if schema.get("x-speakeasy-unknown-values") == "allow" and all(
        isinstance(v, str) for v in values
    ):
        # An open enum: the known values are hints (`Literal`), any other string is sent.
        return ir.UnionType((ir.LiteralType(tuple(values)), ir.ScalarType("str"))), nullable
    if len(values) > 1 and all(isinstance(v, str) for v in values):
        base = "str"
    elif len(values) > 1 and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        base = "int"
    else:
        return ir.LiteralType(tuple(values)), nullable  # a constant, booleans, mixed scalars
    class_name = name if reserved else ctx.class_name(name)
    members = enum_names.member_names(ctx, schema, raw, values, pointer)
    azure = schema.get("x-ms-enum")
    is_open = base == "str" and isinstance(azure, Mapping) and azure.get("modelAsString") is True
    ctx.enums[class_name] = ir.EnumDef(
        class_name, module_name(class_name), text(schema.get("description")),
        base, tuple(values), pointer, members, is_open,  # type: ignore[arg-type]
    )  # fmt: skip
    found = ir.EnumType(class_name, base, tuple(values), members, is_open)  # type: ignore[arg-type]
    return found, nullable


def object_model(
    ctx: ParseContext,
    class_name: str,
    schema: Mapping[str, Any],
    pointer: str,
    direction: ir.Direction,
    parts: list[tuple[Any, str]] | None = None,
) -> None:
    """A model of `schema`'s properties and its allOf's (or of `parts`, see `merged`)."""
    check_required(ctx, schema, pointer)
    found = composition.merged(ctx, schema, pointer, parts)
    required = set(found.required)
    fields = []
    pointers: dict[str, str] = {}  # wire name -> where the property is declared
    for wire_name, (prop, declared_at) in found.properties.items():
        pointers[wire_name] = prop_pointer = f"{declared_at}/properties/{escape(wire_name)}"
        access = _access(ctx, prop)
        if prop is False or names.ignored(prop) or (access == "readOnly" and direction == "input"):
            continue  # `false`: the property is never there
        wanted = names.property_name(ctx, wire_name, prop, prop_pointer)
        context = class_name + pascal_case(wanted)
        prop_type, nullable = type_of(ctx, prop, prop_pointer, context, direction)
        # a property one side never sees may be absent: not required where that side reads
        one_sided = (access == "writeOnly" and direction != "input") or (
            access == "readOnly" and direction == "both"
        )
        is_required = wire_name in required and not one_sided
        fields.append(
            field(ctx, wire_name, prop, prop_type, nullable, is_required, prop_pointer, wanted)
        )
    fields = names.unique_fields(ctx, fields, pointers)
    # Required fields first, as atoma-sdk 0.1.3 orders arguments; otherwise spec order.
    fields.sort(key=lambda f: not f.required or f.has_default)
    ctx.models[class_name] = ir.Model(
        class_name, module_name(class_name), text(found.description),
        tuple(fields), direction, pointer,
    )  # fmt: skip


def _access(ctx: ParseContext, prop: Any) -> str | None:
    """`readOnly` (only in responses: not an argument), `writeOnly` (only in requests):
    the property's own, else that of the schema its `$ref` names (`id: {$ref: Id}` with
    `Id: {type: string, readOnly: true}` is read-only)."""
    seen: set[str] = set()
    while isinstance(prop, Mapping):
        found = next((k for k in ("readOnly", "writeOnly") if prop.get(k) is True), None)
        ref = prop.get("$ref")
        if found or not isinstance(ref, str) or not ref.startswith(SCHEMAS) or ref in seen:
            return found
        seen.add(ref)
        prop = ctx.schemas.get(ref[len(SCHEMAS) :].replace("~1", "/").replace("~0", "~"))
    return None


def check_required(ctx: ParseContext, schema: Mapping[str, Any], pointer: str) -> None:
    """`required` must be a list of names; duplicates and non-names are ignored with a
    warning (a property's own `required: true` is Swagger 2's form, not OpenAPI 3's)."""
    required = schema.get("required")
    if required is None:
        return
    if not isinstance(required, list) or not all(isinstance(n, str) for n in required):
        ctx.warning(f"{pointer}/required", "required must be a list of property names; ignored")
    elif len(set(required)) < len(required):
        ctx.warning(f"{pointer}/required", "duplicate entries in required")


def field(
    ctx: ParseContext,
    wire_name: str,
    schema: Any,
    found: ir.Type,
    nullable: bool,
    required: bool,
    pointer: str,
    python_name: str | None = None,
) -> ir.ModelField:
    """A property (or parameter) of type `found`, with its description, example and
    default; a default or example that does not fit the type is dropped with a warning."""
    schema = schema if isinstance(schema, Mapping) else {}
    example = schema.get("example")
    example_key = "example"
    if example is None and isinstance(schema.get("examples"), list) and schema["examples"]:
        example, example_key = schema["examples"][0], "examples/0"
    if example is not None and not fits(ctx, example, found, nullable):
        ctx.warning(
            f"{pointer}/{example_key}", f"example {shown(example)} does not fit the schema; dropped"
        )
        example = None
    default, has_default = schema.get("default"), "default" in schema
    if has_default and not fits(ctx, default, found, nullable):
        ctx.warning(
            f"{pointer}/default", f"default {shown(default)} does not fit the schema; dropped"
        )
        default, has_default = None, False
    if isinstance(found, ir.LiteralType) and len(found.values) == 1 and not nullable:
        default, has_default = found.values[0], True  # a constant: always that value
    elif has_default and not _plain_default(found, default):
        # A default the SDK does not spell as a Python literal (a list, an object, null):
        # the argument stays required rather than sending something wrong.
        default, has_default = None, False
    return ir.ModelField(
        name=python_name or names.python_name(wire_name),
        wire_name=wire_name,
        type=found,
        required=required,
        nullable=nullable,
        description=text(schema.get("description")),
        example=example,
        default=default,
        has_default=has_default,
    )


def non_null(members: Any) -> list[Any]:
    return [m for m in members or [] if not (isinstance(m, Mapping) and m.get("type") == "null")]


def _plain_default(found: ir.Type, value: object) -> bool:
    if value is None:
        return False
    if isinstance(found, ir.EnumType):
        return value in found.values
    if isinstance(found, ir.ScalarType):
        return found.name != "bytes"
    return False
