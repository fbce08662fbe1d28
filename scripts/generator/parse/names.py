"""Python names for properties, checked for collisions within their model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..naming import (
    RESERVED_CLASSES,
    field_name,
    method_identifier,
    method_name,
    pascal_case,
    rest_method_name,
    snake_case,
    without_module_prefix,
    without_route_prefix,
    without_route_suffix,
)
from ..runtime import error_classes
from .context import SCHEMAS, ParseContext, escape
from .directions import HTTP_METHODS
from .streaming import real_path

NAME_OVERRIDE = "x-speakeasy-name-override"


def component_classes(ctx: ParseContext) -> None:
    """Class names for every component schema, assigned up front and in name order (so a
    schema's class does not depend on which is used first); names the generated code
    needs itself (`Security`, `Field`, the runtime's errors) are reserved."""
    ctx.reserve(RESERVED_CLASSES | set(error_classes()))
    for name in sorted(ctx.schemas):
        ctx.component_classes[name] = ctx.class_name(pascal_case(name))
    for name in sorted(ctx.intermediates):  # the union of an intermediate subtype
        ctx.intermediates[name].alias = ctx.class_name(f"{ctx.component_classes[name]}Variants")
    for name, class_name in sorted(ctx.component_classes.items()):
        if class_name != pascal_case(name):
            ctx.warning(
                f"{SCHEMAS}{escape(name)}",
                f"class name {pascal_case(name)!r} is taken; generated as {class_name!r}",
            )


def python_name(wire_name: str) -> str:
    return field_name(wire_name)


def property_name(ctx: ParseContext, wire_name: str, schema: Any, pointer: str) -> str:
    """A property's Python name: its `x-speakeasy-name-override`, else its wire name."""
    override = schema.get(NAME_OVERRIDE) if isinstance(schema, Mapping) else None
    if override is None:
        return python_name(wire_name)
    if not isinstance(override, str) or not override.strip():
        ctx.warning(f"{pointer}/{NAME_OVERRIDE}", "a name override must be a non-empty string")
        return python_name(wire_name)
    return python_name(override)


def unique_fields(
    ctx: ParseContext, fields: list[ir.ModelField], pointers: Mapping[str, str]
) -> list[ir.ModelField]:
    """Python names that clash are renamed (`created_at_2`), with a warning; wire names
    stay. A Python name clashes with another field's Python name, or with another field's
    wire name (models accept both, so `createdAt` may not become `created_at` beside a
    `created_at`): the field whose wire name it is keeps it."""
    wire_names = {f.wire_name: f for f in fields}
    owner: dict[str, ir.ModelField] = {}  # Python name -> the field that has it
    for f in fields:
        if wire_names.get(f.name, f) is f:
            owner.setdefault(f.name, f)
    avoid = {f.name for f in fields} | set(wire_names)
    result = []
    for f in fields:
        holder = owner.get(f.name)
        if holder is f:
            result.append(f)
            continue
        other = wire_names.get(f.name, holder)
        name, counter = f.name, 1
        while name in avoid:
            counter += 1
            name = f"{f.name.rstrip('_')}_{counter}"
        avoid.add(name)
        ctx.warning(
            pointers[f.wire_name],
            f"{f.wire_name!r} and {other.wire_name if other else f.name!r} both become "
            f"{f.name!r}; {f.wire_name!r} is generated as {name!r}",
        )
        result.append(replace(f, name=name))
    return result


IGNORE = "x-speakeasy-ignore"
GROUP = "x-speakeasy-group"
#: Attributes of the generated SDK class that a resource may not take.
_SDK_ATTRIBUTES = frozenset({"close", "aclose", "with_options"})


def ignored(node: Any) -> bool:
    """Whether the spec asks to leave this operation, property or schema out."""
    return isinstance(node, Mapping) and node.get(IGNORE) is True


def group_of(op: Mapping[str, Any]) -> str:
    """The resource of an operation: `x-speakeasy-group`, else its first tag."""
    group = snake_case(str(op.get(GROUP) or first_tag(op)))
    return f"{group}_" if group in _SDK_ATTRIBUTES else group


def first_tag(op: Mapping[str, Any]) -> str:
    """The operation's first tag (`default` without one, or when `tags` lists no names)."""
    tags = op.get("tags")
    return tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else "default"


def operation_id(op: Mapping[str, Any], method: str, path: str) -> str:
    """The operationId, or one made of the method and path."""
    return str(op.get("operationId") or snake_case(f"{method}_{real_path(path)}"))


def method_names(ctx: ParseContext) -> None:
    """Every operation's method name (`ctx.method_names`), decided group by group:
    `x-speakeasy-name-override` on the operation or in the root list (operationId ->
    methodNameOverride), else the operationId (see `naming.method_name`). Two methods of
    a group never share a name: the later one is renamed, with a warning."""
    overrides = _root_overrides(ctx)
    groups: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {}
    for path, item in (ctx.spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, Mapping) else None
            if isinstance(op, Mapping) and not ignored(op):
                groups.setdefault(group_of(op), []).append((path, method, op))
    stems = _framework_stems([entry for entries in groups.values() for entry in entries])
    for group, entries in groups.items():
        siblings = [snake_case(stems.get((p, m)) or operation_id(op, m, p)) for p, m, op in entries]
        taken: dict[str, str] = {}  # method name (and its `_async` twin) -> pointer
        for path, method, op in entries:
            pointer = f"#/paths/{escape(path)}/{method}"
            identifier = operation_id(op, method, path)
            override = op.get(NAME_OVERRIDE) or overrides.get(identifier)
            if override:
                wanted = snake_case(str(override))
            elif op.get("operationId"):
                wanted = method_name(stems.get((path, method)) or identifier, group, siblings)
            else:
                wanted = rest_method_name(method, real_path(path), group)
            name = method_identifier(wanted)
            if name in taken or f"{name}_async" in taken:
                other = taken.get(name) or taken[f"{name}_async"]
                wanted, name = name, _free_name(method_identifier(snake_case(identifier)), taken)
                ctx.warning(
                    pointer,
                    f"{wanted!r} is already a method of {group} ({other}); generated as {name!r}",
                )
            taken[name] = taken[f"{name}_async"] = pointer
            ctx.method_names[(path, method)] = name
            ctx.group_methods.setdefault(group, set()).add(name)


def _framework_stems(
    entries: list[tuple[str, str, Mapping[str, Any]]],
) -> dict[tuple[str, str], str]:
    """(path, method) -> the operationId without the words a web framework put in it:
    FastAPI's route suffix, on each operationId that ends so; Litestar's path prefix, and
    django-ninja's module prefix (told by ninja's summary, the function's name
    title-cased), each only when every operationId (two or more) has it (`HealthCheck`
    on `/health` alone is a name someone chose)."""
    ops = {(p, m): op for p, m, op in entries if op.get("operationId")}
    ids = {key: str(op["operationId"]) for key, op in ops.items()}
    stems: dict[tuple[str, str], str] = {}
    for (path, method), identifier in ids.items():
        stem = without_route_suffix(identifier, method, real_path(path))
        if stem is not None:
            stems[(path, method)] = stem
    for prefixed in (
        {key: without_route_prefix(ids[key], real_path(key[0])) for key in ids},
        {key: without_module_prefix(ids[key], ops[key].get("summary")) for key in ids},
    ):
        if len(prefixed) >= 2 and not stems and all(prefixed.values()):
            stems = {key: stem for key, stem in prefixed.items() if stem is not None}
    return stems


def _free_name(name: str, taken: Mapping[str, str]) -> str:
    candidate, counter = name, 1
    while candidate in taken or f"{candidate}_async" in taken:
        counter += 1
        candidate = f"{name}_{counter}"
    return candidate


def _root_overrides(ctx: ParseContext) -> dict[str, str]:
    """The root-level `x-speakeasy-name-override` list: operationId -> method name."""
    listed = ctx.spec.get(NAME_OVERRIDE)
    if listed is None:
        return {}
    result: dict[str, str] = {}
    known = {
        str(op.get("operationId"))
        for item in (ctx.spec.get("paths") or {}).values()
        if isinstance(item, Mapping)
        for op in item.values()
        if isinstance(op, Mapping) and op.get("operationId")
    }
    for index, entry in enumerate(listed if isinstance(listed, list) else []):
        pointer = f"#/{NAME_OVERRIDE}/{index}"
        target = entry.get("operationId") if isinstance(entry, Mapping) else None
        name = entry.get("methodNameOverride") if isinstance(entry, Mapping) else None
        if not isinstance(target, str) or not isinstance(name, str) or not name.strip():
            ctx.warning(pointer, "an entry needs operationId and methodNameOverride; ignored")
        elif target not in known:
            ctx.warning(pointer, f"no operation has the operationId {target!r}; ignored")
        else:
            result[target] = name
    return result
