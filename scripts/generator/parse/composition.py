"""allOf, oneOf and anyOf: merged models, unions and discriminated unions.

Two shapes real specs use for polymorphism become discriminated unions of models:
an allOf of objects and one union (`allOf: [Base, {oneOf: [A, B]}]`) is the union of
one merged model per member (`Base + A | Base + B`), and so is a union beside an allOf
(`allOf: [Base], oneOf: [A, B]`: every keyword applies); a base schema with a discriminator
whose subtypes include it through allOf (`Cat: allOf: [Pet, ...]`) is, wherever it is
used, the union of its subtypes; so is a subtype with subtypes of its own (`Cat`, with
`Kitten: allOf: [Cat]`), where it is used, the union of itself and them (`CatVariants`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .. import ir
from ..graph import strongly_connected
from ..naming import module_name, pascal_case
from . import keywords, schemas
from .context import SCHEMAS, Intermediate, ParseContext, escape, text

#: Keywords that give an allOf part a type of its own; a part without them only
#: describes or constrains (`{description: ...}`, `{nullable: true}`).
_SUBSTANTIVE = keywords.TYPING - {"nullable", "format", "discriminator", "required"}


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
    sources: list[str | None] = []  # the component each member refers to, if any
    null_member = False
    raw_members = schema[keyword] if isinstance(schema[keyword], list) else []
    known = _open_enum_values(raw_members)
    if known is not None:
        nullable = any(isinstance(m, Mapping) and m.get("type") == "null" for m in raw_members)
        return ir.UnionType((ir.LiteralType(known), ir.ScalarType("str"))), nullable
    typed = [m for m in raw_members if not (isinstance(m, Mapping) and m.get("type") == "null")]
    # a received union told apart without a discriminator lists an intermediate subtype's
    # variants as its own members: their tags are then its members' tags
    flatten = "discriminator" not in schema and direction == "output" and len(typed) > 1
    for index, member in enumerate(raw_members):
        if isinstance(member, Mapping) and member.get("type") == "null":
            null_member = True
            continue
        if member is False:  # matches nothing: the union is the same without it
            continue
        source = _component_name(member)
        if flatten and source in ctx.intermediates:
            null_member = null_member or schemas.nullable_here(member)
            for name in (source, *ctx.intermediates[source].descendants):
                variant = schemas.component(ctx, name)
                null_member = null_member or name in ctx.nullable_components
                if variant not in members:
                    members.append(variant)
                    sources.append(name)
            continue
        label = member.get("title") if isinstance(member, Mapping) else None
        found, nullable = schemas.type_of(
            ctx,
            member,
            f"{pointer}/{keyword}/{index}",
            f"{context}{pascal_case(label) if isinstance(label, str) else index + 1}",
            direction,
        )
        null_member = null_member or nullable
        if source in ctx.intermediates and "discriminator" in schema:
            found = schemas.component(ctx, source)  # tagged as this union's discriminator says
        if found not in members:
            members.append(found)
            sources.append(source)
    if not members:
        return ir.AnyType(), null_member
    if len(members) == 1:
        return members[0], null_member
    if any(isinstance(m, ir.AnyType) for m in members):
        return ir.AnyType(), null_member
    discriminator = schema.get("discriminator")
    if discriminator is None:
        implied = _implied_tags(ctx, members, sources) if direction == "output" else None
        if implied is None:
            return ir.UnionType(tuple(members)), null_member
        return ir.UnionType(tuple(members), *implied), null_member
    tags = _tags(ctx, discriminator, members, sources, f"{pointer}/discriminator")
    if tags is None:
        return ir.UnionType(tuple(members)), null_member
    wire, pairs = tags
    return ir.UnionType(tuple(members), wire, pairs), null_member


#: What an open enum's members may say besides their type and values.
_ANNOTATIONS = frozenset({"description", "title", "example", "examples"})


def _open_enum_values(members: list[Any]) -> tuple[str, ...] | None:
    """The known values of an open enum, `anyOf: [{type: string, enum: [...]}, {type:
    string}]` (and maybe `{type: 'null'}`): the values are hints, any string is valid."""
    typed = [m for m in members if not (isinstance(m, Mapping) and m.get("type") == "null")]
    if len(typed) != 2 or not all(isinstance(m, Mapping) for m in typed):
        return None
    enums = [m for m in typed if set(m) - _ANNOTATIONS == {"type", "enum"}]
    plain = [m for m in typed if set(m) - _ANNOTATIONS == {"type"}]
    if len(enums) != 1 or len(plain) != 1 or plain[0]["type"] != "string":
        return None
    values = enums[0]["enum"]
    if enums[0]["type"] != "string" or not isinstance(values, list) or not values:
        return None
    if not all(isinstance(v, str) for v in values):
        return None
    return tuple(dict.fromkeys(values))


def _component_name(member: Any) -> str | None:
    ref = member.get("$ref") if isinstance(member, Mapping) else None
    return ref[len(SCHEMAS) :] if isinstance(ref, str) and ref.startswith(SCHEMAS) else None


def _tags(
    ctx: ParseContext,
    discriminator: Any,
    members: list[ir.Type],
    sources: list[str | None],
    pointer: str,
) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The tag property and (value, member class) pairs; None (with a warning: the union
    is then told apart by shape) when a member has no known tag value."""
    wire = discriminator.get("propertyName") if isinstance(discriminator, Mapping) else None
    if not isinstance(wire, str) or not wire:
        ctx.warning(pointer, "a discriminator needs a propertyName; ignored")
        return None
    by_source: dict[str, list[str]] = {}  # component name -> tag values
    mapping = discriminator.get("mapping")
    for value, target in (mapping if isinstance(mapping, Mapping) else {}).items():
        name = target[len(SCHEMAS) :] if str(target).startswith(SCHEMAS) else str(target)
        by_source.setdefault(name, []).append(str(value))
    pairs: list[tuple[str, str]] = []
    tagged: dict[str, list[str]] = {}  # member class name -> the models its tag goes on
    for member, source in zip(members, sources, strict=True):
        if isinstance(member, ir.AliasType) and source in ctx.polymorphic:
            tagged[member.name] = _union_models(ctx, member.name)  # a base of its own
        elif isinstance(member, ir.ModelType):
            tagged[member.name] = [member.name]
        else:
            ctx.warning(pointer, "a member is not an object schema: the discriminator is ignored")
            return None
        values = (by_source.get(source) if source else None) or _own_tags(ctx, member.name, wire)
        if not values and source is not None:
            written = _written_value(ctx, member.name, wire)
            if written is not None and written != source:
                ctx.warning(
                    pointer,
                    f"{member.name} writes {written!r} as its {wire!r} (example or default), "
                    f"not its name {source!r}, and the mapping names no value for it: "
                    "the discriminator is ignored",
                )
                return None
            values = [source]  # implicit mapping: the schema's name
        if not values:
            ctx.warning(pointer, f"no value of {wire!r} is known for {member.name}: ignored")
            return None
        pairs.extend((value, member.name) for value in values)
    if len({value for value, _ in pairs}) < len(pairs):
        ctx.warning(pointer, f"two members share a value of {wire!r}: the discriminator is ignored")
        return None
    for value, class_name in pairs:
        for model in tagged[class_name]:
            known = ctx.tags.setdefault(model, {}).setdefault(wire, [])
            if value not in known:
                known.append(value)
    return wire, tuple(pairs)


def _union_models(ctx: ParseContext, alias: str) -> list[str]:
    """The models of a base's union (`alias`), those of the bases among its members too."""
    found = ctx.aliases.get(alias)
    union = found.type if found is not None else None
    members = union.members if isinstance(union, ir.UnionType) else (union,) if union else ()
    return [
        model
        for member in members
        for model in (
            [member.name]
            if isinstance(member, ir.ModelType)
            else _union_models(ctx, member.name)
            if isinstance(member, ir.AliasType) and member.name != alias
            else []
        )
    ]


def _implied_tags(
    ctx: ParseContext, members: list[ir.Type], sources: list[str | None]
) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The tag of a received union of models without a `discriminator` that every member
    still tells apart by one property of constant strings, a different one per member:
    a required property of one constant (`type: {const: message}`, `type: {enum:
    [message]}`; OpenAI's unions), or a subtype's tag in its polymorphic base's union
    (`kind: Kitten`). The union is then discriminated by it, so a variant this SDK does
    not know parses as `UnknownVariant`."""
    constants: list[dict[str, tuple[str, ...]]] = []  # per member: wire name -> its values
    for member, source in zip(members, sources, strict=True):
        model = ctx.models.get(member.name) if isinstance(member, ir.ModelType) else None
        if model is None:  # not a model, or one still being built (recursion)
            return None
        if source in ctx.variants:  # its base's union records its tags
            for base, subtypes in ctx.polymorphic.items():
                if source in subtypes:
                    schemas.component(ctx, base)
        found: dict[str, tuple[str, ...]] = {
            f.wire_name: (f.type.values[0],)
            for f in model.fields
            if f.required
            and isinstance(f.type, ir.LiteralType)
            and len(f.type.values) == 1
            and isinstance(f.type.values[0], str)
        }
        found.update({wire: tuple(v) for wire, v in ctx.tags.get(model.class_name, {}).items()})
        constants.append(found)
    for wire in constants[0]:
        if all(wire in found for found in constants):
            values = [value for found in constants for value in found[wire]]
            if len(set(values)) == len(values):
                pairs = [
                    (value, member.name)
                    for member, found in zip(members, constants, strict=True)
                    if isinstance(member, ir.ModelType)
                    for value in found[wire]
                ]
                return wire, tuple(pairs)
    return None


def _written_value(ctx: ParseContext, class_name: str, wire: str) -> str | None:
    """The string a model's own schema gives its tag property, when that property is any
    string (no const or enum) with a default or example: where it is not the schema's
    name, the implicit mapping contradicts the schema (`type: {example: user}` in `User`,
    `type: {example: g6-standard-1}` in `Linode`)."""
    model = ctx.models.get(class_name)
    found = next((f for f in model.fields if f.wire_name == wire), None) if model else None
    if found is None or not (isinstance(found.type, ir.ScalarType) and found.type.name == "str"):
        return None
    written = found.default if found.has_default else found.example
    return written if isinstance(written, str) else None


def _own_tags(ctx: ParseContext, class_name: str, wire: str) -> list[str]:
    """The values a model's own schema allows for the tag property (a const or enum)."""
    model = ctx.models.get(class_name)
    found = next((f for f in model.fields if f.wire_name == wire), None) if model else None
    if found is None:
        return []
    if isinstance(found.type, (ir.LiteralType, ir.EnumType)):
        values = found.type.values
        return (
            [v for v in values if isinstance(v, str)]
            if all(isinstance(v, str) for v in values)
            else []
        )
    return []


def is_object(ctx: ParseContext, schema: Mapping[str, Any], direction: ir.Direction) -> bool:
    """A schema that becomes a model: properties, or an allOf that merges object parts
    (in requests only when every part is an object: others could not be sent), unless
    it is the allOf of objects and a union (a union of merged models)."""
    if any(k in schema for k in ("oneOf", "anyOf", "enum", "const")):
        return False
    if distributes(ctx, schema):
        return False
    if schema.get("properties"):
        return True
    parts = _substantive_parts(schema)
    # a subtype of a polymorphic base is a model even when it adds nothing to the base
    subtype = any(
        _component_name(p) in ctx.polymorphic or _component_name(p) in ctx.variants
        for _, p in parts
    )
    if (len(parts) < 2 and not subtype) or not any(_is_object_part(ctx, p) for _, p in parts):
        return False
    return direction == "output" or all(_is_object_part(ctx, p) for _, p in parts)


def all_of(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    context: str,
    direction: ir.Direction,
) -> tuple[ir.Type, bool]:
    """The type of an allOf, and whether it admits null: one typed part (beside parts
    that only describe) is that part's type; object parts merge into one model."""
    raw = schema["allOf"] if isinstance(schema["allOf"], list) else []
    nullable = any(isinstance(p, Mapping) and p.get("nullable") is True for p in raw)
    if distributes(ctx, schema):
        found, null_member = _distributed(ctx, schema, pointer, context, direction)
        return found, nullable or null_member
    sibling = sibling_union(schema)
    if sibling is not None and _substantive_parts(schema):
        ctx.warning(
            f"{pointer}/{sibling}",
            f"a {sibling} beside allOf applies only when the allOf's parts and its members "
            "are objects; ignored",
        )
    if len(_substantive_parts(schema)) > 1:
        for index, part in _substantive_parts(schema):
            _warn_undistributed(ctx, part, f"{pointer}/allOf/{index}")
    if is_object(ctx, schema, direction):
        name = ctx.class_name(context)
        model = ir.ModelType(name)
        ctx.inline[id(schema)] = model
        schemas.object_model(ctx, name, schema, pointer, direction)
        return model, nullable
    parts = _substantive_parts(schema)
    if len(parts) > 1 and any(_is_object_part(ctx, p) for _, p in parts):
        ctx.warning(
            f"{pointer}/allOf",
            "objects merged with other schemas cannot be sent as a model; typed as a dict",
        )
        return ir.DictType(ir.AnyType()), nullable
    if not parts:
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        found, own_null = schemas.type_of(ctx, rest, pointer, context, direction)
        return found, nullable or own_null
    if len(parts) > 1:
        ctx.warning(
            f"{pointer}/allOf", "several typed parts that are not objects: typed as the first"
        )
    index, part = parts[0]
    found, part_null = schemas.type_of(ctx, part, f"{pointer}/allOf/{index}", context, direction)
    return found, nullable or part_null


def _warn_undistributed(ctx: ParseContext, part: Any, pointer: str) -> None:
    """Warn at an allOf part merged with others that refers to a schema with a union
    beside its allOf (`Stamp: {allOf: [...], oneOf: [...]}`): that union is not
    distributed over the parts, and Stamp's properties are merged without it."""
    name = _component_name(part)
    target = ctx.schemas.get(name) if name is not None else None
    keyword = sibling_union(target) if isinstance(target, Mapping) else None
    if keyword is not None:
        ctx.warning(
            pointer,
            f"{name} has a {keyword} beside its allOf that cannot be distributed over "
            "this schema's parts (they, or its members, are not all objects); left out",
        )


def _substantive_parts(schema: Mapping[str, Any]) -> list[tuple[int, Any]]:
    """(index, part) of the allOf parts that have a type, plus the schema's own
    properties as a last part."""
    raw = schema.get("allOf") if isinstance(schema.get("allOf"), list) else []
    parts = [
        (index, part)
        for index, part in enumerate(raw or [])
        if isinstance(part, Mapping) and any(k in part for k in _SUBSTANTIVE)
    ]
    if schema.get("properties"):
        parts.append((len(raw or []), {"type": "object", "properties": schema["properties"]}))
    return parts


def _is_object_part(ctx: ParseContext, part: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether an allOf part (a `$ref` followed) describes an object."""
    if not isinstance(part, Mapping):
        return False
    ref = part.get("$ref")
    if isinstance(ref, str):
        name = _component_name(part)
        if name is None or name in seen or name not in ctx.schemas:
            return False
        return _is_object_part(ctx, ctx.schemas[name], seen | {name})
    if any(k in part for k in ("oneOf", "anyOf", "enum", "const")):
        return False
    if part.get("type") == "object" or "properties" in part:
        return True
    nested = _substantive_parts(part)
    return bool(nested) and all(_is_object_part(ctx, p, seen) for _, p in nested)


@dataclass
class Merged:
    """An object schema's properties, from its own `properties` and its allOf's object
    parts (refs followed), each with the pointer of the object that declares it."""

    properties: dict[str, tuple[Any, str]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    description: object = None

    def add(self, schema: Mapping[str, Any], pointer: str) -> None:
        props = schema.get("properties")
        for name, prop in (props if isinstance(props, Mapping) else {}).items():
            self.properties[name] = (prop, pointer)
        required = schema.get("required")
        self.required += (
            [r for r in required if isinstance(r, str)] if isinstance(required, list) else []
        )


def merged(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    parts: list[tuple[Any, str]] | None = None,
) -> Merged:
    """An object schema with its allOf's object parts merged in (or `parts`, each with
    its pointer, in their place: one member of a distributed allOf)."""
    result = Merged(description=schema.get("description"))
    raw = schema.get("allOf") if isinstance(schema.get("allOf"), list) else []
    if parts is None:
        parts = [(part, f"{pointer}/allOf/{index}") for index, part in enumerate(raw or [])]
    for part, part_pointer in parts:
        _merge_part(ctx, part, part_pointer, frozenset(), result)
    result.add(schema, pointer)
    if result.description is None:
        result.description = next(
            (p.get("description") for p in raw or [] if isinstance(p, Mapping)), None
        )
    return result


def _merge_part(
    ctx: ParseContext, part: Any, pointer: str, seen: frozenset[str], into: Merged
) -> None:
    """Add an allOf part's properties (refs followed, nested allOf merged); a part that is
    not an object adds nothing, with a warning when it has a type."""
    if not isinstance(part, Mapping):
        return
    if "$ref" in part:
        _warn_undistributed(ctx, part, pointer)
        name = ctx.ref_name(part["$ref"], f"{pointer}/$ref")
        if name is not None and name not in seen:
            target = f"{SCHEMAS}{escape(name)}"
            _merge_part(ctx, ctx.schemas[name], target, seen | {name}, into)
        return
    raw = part.get("allOf") if isinstance(part.get("allOf"), list) else []
    for index, nested in enumerate(raw or []):
        _merge_part(ctx, nested, f"{pointer}/allOf/{index}", seen, into)
    # a union beside the allOf that did not distribute is left out (warned about there)
    left_out = {"allOf", *(["oneOf", "anyOf", "discriminator"] if sibling_union(part) else [])}
    own = {k: v for k, v in part.items() if k not in left_out}
    if not any(k in own for k in _SUBSTANTIVE):
        return
    if not _is_object_part(ctx, own, seen):
        ctx.warning(pointer, "a part that is not an object is not merged into the model")
        return
    into.add(part, pointer)


# -- allOf of objects and a union -----------------------------------------------------


@dataclass(frozen=True)
class _Distribution:
    """An allOf of object parts and one union part, the union's members all objects."""

    objects: list[tuple[Any, str]]  # (object part, its pointer)
    union: Mapping[str, Any]  # the union part, its `$ref` followed
    keyword: str  # oneOf / anyOf
    pointer: str  # of the union schema


def distributes(ctx: ParseContext, schema: Mapping[str, Any]) -> bool:
    """Whether `schema` is an allOf of objects and one union of objects."""
    return _distribution(ctx, schema, "") is not None


def _distribution(
    ctx: ParseContext, schema: Mapping[str, Any], pointer: str, seen: frozenset[str] = frozenset()
) -> _Distribution | None:
    raw = schema.get("allOf")
    if not isinstance(raw, list):
        return None
    objects: list[tuple[Any, str]] = []
    unions: list[tuple[Mapping[str, Any], str, str]] = []
    own_objects = bool(schema.get("properties"))  # besides those of a distributing part
    sibling = sibling_union(schema)
    if sibling is not None:  # all keywords apply: as `allOf: [..., {oneOf: [...]}]`
        unions.append((schema, sibling, pointer))
    for index, part in _substantive_parts(schema):
        part_pointer = f"{pointer}/allOf/{index}"
        if index == len(raw):  # the schema's own properties, merged by `merged` itself
            continue
        inner = _part_distribution(ctx, part, part_pointer, seen)
        if inner is not None:
            objects.extend(inner.objects)
            unions.append((inner.union, inner.keyword, inner.pointer))
            continue
        found = _union_schema(ctx, part, part_pointer)
        if found is not None:
            unions.append(found)
        elif _is_object_part(ctx, part):
            objects.append((part, part_pointer))
            own_objects = True
        else:
            return None
    if len(unions) != 1 or not own_objects:
        return None
    union, keyword, union_pointer = unions[0]
    members = [
        m for m in union[keyword] if not (isinstance(m, Mapping) and m.get("type") == "null")
    ]
    if not members or not all(_is_object_part(ctx, m) for m in members):
        return None
    return _Distribution(objects, union, keyword, union_pointer)


def _part_distribution(
    ctx: ParseContext, part: Any, pointer: str, seen: frozenset[str]
) -> _Distribution | None:
    """An allOf part (a `$ref` followed) that distributes itself (`allOf: [Request,
    {...}]`, `Request: {allOf: [Base], oneOf: [A, B]}`): its object parts, its own
    properties among them, and its union, for the schema that includes it."""
    name = _component_name(part)
    if name is not None:
        if name in seen or name not in ctx.schemas:
            return None
        part, pointer, seen = ctx.schemas[name], f"{SCHEMAS}{escape(name)}", seen | {name}
    if not isinstance(part, Mapping):
        return None
    inner = _distribution(ctx, part, pointer, seen)
    if inner is None:
        return None
    own = {"type": "object", **{k: part[k] for k in ("properties", "required") if k in part}}
    objects = [*inner.objects, (own, pointer)] if len(own) > 1 else inner.objects
    return _Distribution(objects, inner.union, inner.keyword, inner.pointer)


def sibling_union(schema: Mapping[str, Any]) -> str | None:
    """`oneOf` or `anyOf` when the schema has one beside its `allOf`."""
    if not isinstance(schema.get("allOf"), list):
        return None
    return next((k for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list)), None)


def _union_schema(
    ctx: ParseContext, part: Any, pointer: str
) -> tuple[Mapping[str, Any], str, str] | None:
    """(union schema, oneOf/anyOf, its pointer) when an allOf part is a union (a `$ref`
    to one followed); None otherwise."""
    name = _component_name(part)
    if name is not None and name in ctx.schemas:
        part, pointer = ctx.schemas[name], f"{SCHEMAS}{escape(name)}"
    if not isinstance(part, Mapping) or part.get("properties") or "allOf" in part:
        return None
    keyword = next((k for k in ("oneOf", "anyOf") if isinstance(part.get(k), list)), None)
    return (part, keyword, pointer) if keyword else None


def _distributed(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    pointer: str,
    context: str,
    direction: ir.Direction,
) -> tuple[ir.Type, bool]:
    """One model per union member, each the object parts merged with that member; their
    union, discriminated as the union (or the allOf itself) says."""
    found = _distribution(ctx, schema, pointer)
    assert found is not None
    members: list[ir.Type] = []
    sources: list[str | None] = []
    null_member = False
    for index, member in enumerate(found.union[found.keyword]):
        if isinstance(member, Mapping) and member.get("type") == "null":
            null_member = True
            continue
        source = _component_name(member)
        title = member.get("title") if isinstance(member, Mapping) else None
        label = (
            ctx.component_classes.get(source, "")
            if source
            else pascal_case(title)
            if isinstance(title, str)
            else str(index + 1)
        )
        name = ctx.class_name(f"{context}{label}")
        parts = [*found.objects, (member, f"{found.pointer}/{found.keyword}/{index}")]
        schemas.object_model(ctx, name, schema, pointer, direction, parts)
        members.append(ir.ModelType(name))
        sources.append(source)
    discriminator = found.union.get("discriminator", schema.get("discriminator"))
    if discriminator is None or len(members) < 2:
        return (ir.UnionType(tuple(members)) if len(members) > 1 else members[0]), null_member
    tags = _tags(ctx, discriminator, members, sources, f"{found.pointer}/discriminator")
    if tags is None:
        return ir.UnionType(tuple(members)), null_member
    return ir.UnionType(tuple(members), tags[0], tags[1]), null_member


# -- polymorphism through allOf -------------------------------------------------------


def find_polymorphic(ctx: ParseContext) -> None:
    """Record each base schema whose discriminator names subtypes that include it through
    allOf, directly or through other subtypes (`Cat: allOf: [{$ref: Pet}, ...]`,
    `Kitten: allOf: [{$ref: Cat}]`): the mapping's targets and every other schema whose
    allOf chain reaches it (OpenAPI's implicit mapping). Such a base means one of its
    subtypes; an intermediate one (`Cat`) is a variant of its own."""
    including: dict[str, list[str]] = {}  # base -> schemas whose allOf refers to it
    for name, schema in ctx.schemas.items():
        parts = schema.get("allOf") if isinstance(schema, Mapping) else None
        for part in parts if isinstance(parts, list) else []:
            base = _component_name(part)
            if base is not None and base != name:
                including.setdefault(base, []).append(name)
    for name, schema in ctx.schemas.items():
        if not isinstance(schema, Mapping) or "oneOf" in schema or "anyOf" in schema:
            continue
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, Mapping) or not _is_object_part(ctx, schema):
            continue
        descendants = _descendants(including, name)
        mapping = discriminator.get("mapping")
        if isinstance(mapping, Mapping) and mapping:
            targets = [str(t) for t in mapping.values()]
            names = [t[len(SCHEMAS) :] if t.startswith(SCHEMAS) else t for t in targets]
            subtypes = [n for n in dict.fromkeys([*names, *descendants]) if n != name]
        else:
            subtypes = descendants
        if subtypes and all(n in descendants for n in subtypes):
            ctx.polymorphic[name] = tuple(subtypes)
            ctx.variants.update(subtypes)
    _find_intermediates(ctx, including)


def _find_intermediates(ctx: ParseContext, including: Mapping[str, Sequence[str]]) -> None:
    """Record each subtype that has subtypes of its own and is not a base itself, with
    the nearest base it is a variant of (the one with the fewest subtypes)."""
    by_size = sorted(ctx.polymorphic.items(), key=lambda item: len(item[1]), reverse=True)
    for base, subtypes in by_size:
        for sub in subtypes:
            below = [d for d in _descendants(including, sub) if d not in ctx.polymorphic]
            if below and sub not in ctx.polymorphic:
                ctx.intermediates[sub] = Intermediate(base, tuple(below))


def _descendants(including: Mapping[str, Sequence[str]], base: str) -> list[str]:
    """The schemas whose allOf refers to `base`, directly or through one another, each
    once, nearest first."""
    found: dict[str, None] = {}
    level = [base]
    while level:
        below: list[str] = []
        for name in level:
            for sub in including.get(name, ()):
                if sub != base and sub not in found:
                    found[sub] = None
                    below.append(sub)
        level = below
    return list(found)


def polymorphic(ctx: ParseContext, name: str) -> ir.Type:
    """The type of base schema `name`: an alias of the union of its subtypes' models,
    discriminated by the base's discriminator."""
    class_name = ctx.component_class(name)
    pointer = f"{SCHEMAS}{escape(name)}"
    schema = ctx.schemas[name]
    alias = ir.AliasType(class_name)
    ctx.components[name] = alias  # before the members: they may refer back to it
    # a subtype that is a base of its own means its subtypes, which are here already,
    # unless it tells them apart by another property: then it is one member, its union
    wire = _property_name(schema["discriminator"])
    nested = [
        sub
        for sub in ctx.polymorphic[name]
        if sub in ctx.polymorphic and _property_name(ctx.schemas[sub]["discriminator"]) != wire
    ]
    inside = {below for sub in nested for below in ctx.polymorphic[sub]}
    subtypes = [
        sub
        for sub in ctx.polymorphic[name]
        if sub not in inside and (sub in nested or sub not in ctx.polymorphic)
    ] or list(ctx.polymorphic[name])
    members = [schemas.component(ctx, sub) for sub in subtypes]
    union = ir.UnionType(tuple(members))
    if len(members) > 1:
        discriminator = _with_declared_values(ctx, schema["discriminator"], subtypes)
        tags = _tags(ctx, discriminator, members, list(subtypes), f"{pointer}/discriminator")
        union = ir.UnionType(tuple(members), *tags) if tags else union
    ctx.aliases[class_name] = ir.AliasDef(
        class_name, module_name(class_name), text(schema.get("description")),
        union if len(members) > 1 else members[0], ctx.direction_of(name), pointer,
    )  # fmt: skip
    return alias


def _property_name(discriminator: Any) -> Any:
    """The tag property a discriminator names (None when it names none)."""
    return discriminator.get("propertyName") if isinstance(discriminator, Mapping) else None


def intermediate(ctx: ParseContext, name: str) -> ir.AliasType:
    """The type where intermediate subtype `name` is referenced: the alias of the union
    of it and its subtypes (built by `intermediate_unions` once every model is)."""
    found = ctx.intermediates[name]
    found.used = True
    return ir.AliasType(found.alias)


def intermediate_unions(ctx: ParseContext) -> None:
    """The union of each intermediate subtype referenced and its subtypes: the members
    of its base's union that are among them, with the same tags (an unknown tag is
    then parsed as the base's union parses it)."""
    for name, found in ctx.intermediates.items():
        if not found.used:
            continue
        base = schemas.component(ctx, found.base)
        whole = ctx.aliases[base.name].type if isinstance(base, ir.AliasType) else base
        classes = {ctx.component_class(n) for n in (name, *found.descendants)}
        members = whole.members if isinstance(whole, ir.UnionType) else (whole,)
        kept = tuple(m for m in members if isinstance(m, ir.ModelType) and m.name in classes)
        union = ir.UnionType(kept)
        if isinstance(whole, ir.UnionType) and whole.discriminator is not None:
            tags = tuple(pair for pair in whole.tags if pair[1] in classes)
            union = ir.UnionType(kept, whole.discriminator, tags)
        model = ctx.component_class(name)
        subtypes = ", ".join(m.name for m in kept if m.name != model)
        ctx.aliases[found.alias] = ir.AliasDef(
            found.alias, module_name(found.alias),
            f"A `{model}`, or one of its subtypes: {subtypes}.",
            union, ctx.direction_of(name), f"{SCHEMAS}{escape(name)}",
        )  # fmt: skip


def _with_declared_values(
    ctx: ParseContext, discriminator: Mapping[str, Any], subtypes: list[str]
) -> Mapping[str, Any]:
    """The discriminator with Azure's `x-ms-discriminator-value` of each subtype the
    mapping does not name added to it (a subtype's tag when it is not its name)."""
    mapping = discriminator.get("mapping")
    mapped = dict(mapping) if isinstance(mapping, Mapping) else {}
    named = {
        str(t)[len(SCHEMAS) :] if str(t).startswith(SCHEMAS) else str(t) for t in mapped.values()
    }
    for sub in subtypes:
        value = ctx.schemas[sub].get("x-ms-discriminator-value")
        if sub not in named and isinstance(value, str) and value not in mapped:
            mapped[value] = f"{SCHEMAS}{escape(sub)}"
    return {**discriminator, "mapping": mapped}


def drop_self_members(ctx: ParseContext) -> None:
    """A union that is one of its own members, directly or through other aliases
    (`Echo: anyOf: [Echo, string]`; `Ping: {$ref: Pong}` with `Pong: oneOf: [Ping,
    integer]`), gains no value from that member, and no type can be a member of itself:
    such a member is replaced by its other members, with a warning. An alias that is
    only itself (`Ring: anyOf: [Link]` with `Link: allOf: [Ring]`: each one-member
    composition is its member) has no other member: it is `Any`, with a warning."""
    for name, alias in list(ctx.aliases.items()):
        if isinstance(alias.type, ir.AliasType) and _reaches(ctx, alias.type, name, set()):
            ctx.warning(alias.pointer, "the schema is only a reference to itself; typed as Any")
            ctx.aliases[name] = replace(alias, type=ir.AnyType())
            continue
        if not isinstance(alias.type, ir.UnionType):
            continue
        members = alias.type.members
        looping = [m for m in members if _reaches(ctx, m, name, set())]
        if not looping:
            continue
        kept = list(dict.fromkeys(t for m in members for t in _others(ctx, m, name, set())))
        through = ", ".join(m.name for m in looping if isinstance(m, ir.AliasType))
        found: ir.Type = ir.AnyType()
        if len(kept) > 1:
            found = ir.UnionType(tuple(kept))
        elif kept:
            found = kept[0]
        ctx.warning(
            alias.pointer,
            f"the union is a member of itself (through {through}); "
            "that member adds no value and is left out",
        )
        ctx.aliases[name] = replace(alias, type=found)


def _reaches(ctx: ParseContext, t: ir.Type, name: str, seen: set[str]) -> bool:
    """Whether `t` is alias `name`, or a union or alias that has it as a member (`seen`:
    the aliases looked into already, which do not)."""
    if isinstance(t, ir.AliasType):
        if t.name == name:
            return True
        alias = ctx.aliases.get(t.name)
        if t.name in seen or alias is None:
            return False
        seen.add(t.name)
        return _reaches(ctx, alias.type, name, seen)
    if isinstance(t, ir.UnionType):
        return any(_reaches(ctx, m, name, seen) for m in t.members)
    return False


def _others(ctx: ParseContext, t: ir.Type, name: str, seen: set[str]) -> list[ir.Type]:
    """The members `t` gives union `name`, other than `name` itself."""
    if not _reaches(ctx, t, name, set()):
        return [t]
    if isinstance(t, ir.UnionType):
        return [found for m in t.members for found in _others(ctx, m, name, seen)]
    assert isinstance(t, ir.AliasType)
    alias = ctx.aliases.get(t.name)
    if t.name == name or t.name in seen or alias is None:
        return []
    seen.add(t.name)
    return _others(ctx, alias.type, name, seen)


def break_alias_cycles(ctx: ParseContext) -> None:
    """Aliases that refer to each other in a cycle (`Term: oneOf: [Terms, string]`,
    `Terms: {type: array, items: Term}`) would import each other's modules: the first of
    each cycle by name takes in the others' types and names only itself (`Term =
    Union[list[Term], str]`, a recursive alias), and the others refer to it."""
    for _ in range(len(ctx.aliases)):
        graph = {
            name: {n for n in ir.referenced(alias.type) if n in ctx.aliases and n != name}
            for name, alias in ctx.aliases.items()
        }
        cycles = [component for component in strongly_connected(graph) if len(component) > 1]
        changed = False
        for component in cycles:
            root = min(component)
            alias = ctx.aliases[root]
            inlined = _inlined(ctx, alias.type, frozenset(component), (root,))
            changed = changed or inlined != alias.type
            ctx.aliases[root] = replace(alias, type=inlined)
        if not changed:
            return


def _inlined(
    ctx: ParseContext, t: ir.Type, cycle: frozenset[str], stack: tuple[str, ...]
) -> ir.Type:
    """`t` with the aliases of `cycle` replaced by their types, except those being
    expanded (`stack`, the first of which is the alias `t` belongs to)."""
    if isinstance(t, ir.AliasType):
        if t.name in cycle and t.name not in stack:
            return _inlined(ctx, ctx.aliases[t.name].type, cycle, (*stack, t.name))
        return t
    if isinstance(t, ir.ListType):
        return replace(t, item=_inlined(ctx, t.item, cycle, stack))
    if isinstance(t, ir.DictType):
        return replace(t, value=_inlined(ctx, t.value, cycle, stack))
    if isinstance(t, ir.TupleType):
        return replace(t, items=tuple(_inlined(ctx, i, cycle, stack) for i in t.items))
    if isinstance(t, ir.UnionType):
        members = (_inlined(ctx, m, cycle, stack) for m in t.members)
        return replace(t, members=tuple(dict.fromkeys(members)))
    return t
