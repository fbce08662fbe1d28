"""Path, query, header and cookie parameters (path-level and operation-level)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..naming import pascal_case
from . import bodies, references, schemas
from .context import ParseContext, escape, text

#: The styles OpenAPI allows in each location; the first is the default.
STYLES: dict[ir.ParameterLocation, tuple[ir.ParameterStyle, ...]] = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
#: Header parameters OpenAPI says to ignore: the SDK sets these itself.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def parameters(
    ctx: ParseContext, path: str, item: Mapping[str, Any], op: Mapping[str, Any], pointer: str
) -> list[ir.Parameter]:
    """Path-level and operation-level parameters (the latter win), `$ref`s resolved,
    path parameters first; every `{name}` of `path` has one (a string when the spec
    forgot it, with a warning)."""
    merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for source_pointer, source in ((pointer.rsplit("/", 1)[0], item), (pointer, op)):
        listed = source.get("parameters") or []
        for index, raw in enumerate(listed if isinstance(listed, list) else []):
            found = references.resolve(
                ctx, raw, "parameters", f"{source_pointer}/parameters/{index}"
            )
            if found is None:
                continue
            raw, param_pointer = found
            if not isinstance(raw.get("name"), str) or not isinstance(raw.get("in"), str):
                ctx.problem(param_pointer, "a parameter needs `name` and `in`")
                continue
            merged[(raw["name"], raw["in"])] = (raw, param_pointer)
    path, query = split_query(path)
    if query:
        merged = _query_in_path(ctx, query, merged, pointer)
    built = [parameter(ctx, raw, param_pointer) for raw, param_pointer in merged.values()]
    result = _matching_path(ctx, path, [p for p in built if p is not None], pointer)
    result.sort(key=lambda p: (not p.field.required, p.location != "path"))
    return result


def split_query(path: str) -> tuple[str, str]:
    """A path key and the query string some specs write into it (`/rest?method=echo`,
    `/search?q={q}`): OpenAPI's paths have none, and a URL built from one would lose it
    to the query parameters."""
    base, _, query = path.partition("?")
    return base, query


def _query_in_path(
    ctx: ParseContext,
    query: str,
    merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]],
    pointer: str,
) -> dict[tuple[str, str], tuple[Mapping[str, Any], str]]:
    """`merged` with the pairs of a query string written in the path key as required
    query parameters: `name={var}` is the parameter declared for `{var}` (in the path, as
    such specs declare it; a string when none is), sent as the query's `name`, before the
    declared ones; `name=value` a constant, always sent, after them. A query parameter
    the operation declares by that name stays as declared. Pairs of another shape cannot
    be sent as written and are left out, with a warning."""
    rest = dict(merged)
    found: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    constants: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for pair in filter(None, query.split("&")):
        name, equals, value = pair.partition("=")
        whole = _PLACEHOLDER.fullmatch(value)
        var = whole.group(1) if whole else None
        templated = _PLACEHOLDER.search(name) or (var is None and _PLACEHOLDER.search(value))
        if not equals or not name or templated:
            ctx.warning(pointer, f"{pair!r} in the path's query string is left out")
            continue
        key = (name, "query")
        if key in rest:
            found[key] = rest.pop(key)
        elif var is None:
            constant = {"type": "string", "const": value}
            constants[key] = (
                {"name": name, "in": "query", "required": True, "schema": constant},
                pointer,
            )
        else:
            raw, raw_pointer = rest.pop((var, "path"), None) or ({}, pointer)
            raw = {k: v for k, v in raw.items() if k not in ("style", "explode")}
            raw = {
                "schema": {"type": "string"},
                **raw,
                "name": name,
                "in": "query",
                "required": True,
            }
            found[key] = (raw, raw_pointer)
    if found or constants:
        names = ", ".join(repr(name) for name, _ in [*found, *constants])
        ctx.warning(pointer, f"the path has a query string: {names} sent as query parameters")
    return {**found, **rest, **constants}


def _querystring(
    ctx: ParseContext, raw: Mapping[str, Any], pointer: str
) -> Mapping[str, Any] | None:
    """OpenAPI 3.2's `in: querystring` (the whole query string, as its one media type
    says): a URL-encoded form is its object's properties as `k=v` pairs, which is a query
    parameter of style `form`, exploded. Other media types are left out, with a warning."""
    content = raw.get("content")
    entries = list(content.items()) if isinstance(content, Mapping) else []
    media_type, media = entries[0] if entries else ("", {})
    if media_type.split(";", 1)[0].strip().lower() != _FORM or not isinstance(media, Mapping):
        ctx.warning(
            pointer, f"a querystring parameter sent as {media_type!r} is not supported; left out"
        )
        return None
    rest = {k: v for k, v in raw.items() if k != "content"}
    return {**rest, "in": "query", "style": "form", "explode": True, "schema": media.get("schema")}


_FORM = "application/x-www-form-urlencoded"


def _matching_path(
    ctx: ParseContext, path: str, params: list[ir.Parameter], pointer: str
) -> list[ir.Parameter]:
    """`params` without path parameters `path` has no place for, plus a required string
    for each placeholder no parameter fills (the request would go to `/{id}` otherwise)."""
    placeholders = _PLACEHOLDER.findall(path)
    result = []
    for param in params:
        if param.location == "path" and param.field.wire_name not in placeholders:
            ctx.warning(pointer, f"path parameter {param.field.wire_name!r} is not in the path")
            continue
        result.append(param)
    declared = {p.field.wire_name for p in result if p.location == "path"}
    for name in placeholders:
        if name not in declared:
            declared.add(name)
            ctx.warning(pointer, f"{{{name}}} in the path has no parameter: a string is sent")
            found = schemas.field(ctx, name, {}, ir.ScalarType("str"), False, True, pointer)
            result.append(ir.Parameter("path", found, "simple", False))
    return result


def parameter(ctx: ParseContext, raw: Mapping[str, Any], pointer: str) -> ir.Parameter | None:
    if raw["in"] == "querystring":
        found_raw = _querystring(ctx, raw, pointer)
        if found_raw is None:
            return None
        raw = found_raw
    name, location = raw["name"], raw["in"]
    if location not in STYLES:
        ctx.problem(f"{pointer}/in", f"unknown parameter location {location!r}")
        return None
    if location == "header" and name.lower() in _IGNORED_HEADERS:
        ctx.warning(pointer, f"header parameter {name!r} ignored (the SDK sets it)")
        return None
    schema = raw.get("schema")
    media_type = ""
    if schema is None and isinstance(raw.get("content"), Mapping) and raw["content"]:
        media_type, media = next(iter(raw["content"].items()))
        if bodies.is_json(media_type) and isinstance(media, Mapping):
            schema = media.get("schema", {})
        else:
            ctx.warning(
                f"{pointer}/content",
                f"a parameter serialized as {media_type!r} is sent as the text given",
            )
            schema, media_type = {"type": "string"}, ""
    schema = schema if isinstance(schema, Mapping) else {}
    where = f"{pointer}/content/{escape(media_type)}/schema" if media_type else f"{pointer}/schema"
    found, nullable = schemas.type_of(ctx, schema, where, pascal_case(name), "input")
    required = bool(raw.get("required"))
    if location == "path" and not required:
        ctx.warning(pointer, f"path parameter {name!r} is always required")
        required = True
    style = raw.get("style", STYLES[location][0])
    if style not in STYLES[location]:
        ctx.warning(
            f"{pointer}/style",
            f"style {style!r} is not allowed in the {location}; {STYLES[location][0]!r} is used",
        )
        style = STYLES[location][0]
    explode = raw.get("explode", style == "form")
    described = {**schema, **{k: raw[k] for k in ("description", "example") if k in raw}}
    if raw.get("deprecated") is True:
        described["description"] = f"Deprecated. {text(described.get('description'))}".strip()
    return ir.Parameter(
        location,
        schemas.field(ctx, name, described, found, nullable, required, pointer),
        style=style,
        explode=bool(explode),
        media_type=media_type,
        allow_reserved=location == "query" and raw.get("allowReserved") is True,
    )


def distinct(
    ctx: ParseContext,
    params: list[ir.Parameter],
    taken: Iterable[str],
    pointer: str,
) -> list[ir.Parameter]:
    """`params` with argument names that differ from each other and from `taken` (the
    body's properties): a parameter whose snake-cased name is taken gets its location
    as suffix (`id_query`), with a warning.

    A parameter already spelled in snake case keeps its name, so that no parameter's wire
    name is another's argument name (the parameters model accepts both spellings).
    Parameters sharing a wire name (`id` in the path and in the query) are told apart in
    the validated values by a `key` of location and name.
    """
    used = set(taken)
    names: dict[int, str] = {}
    for index in sorted(range(len(params)), key=lambda i: params[i].field.aliased):
        param = params[index]
        name = wanted = param.field.name
        if name in used:
            name = base = f"{wanted.rstrip('_')}_{param.location}"
            counter = 1
            while name in used:
                counter += 1
                name = f"{base}{counter}"
            ctx.warning(
                pointer,
                f"the {param.location} parameter {param.field.wire_name!r} would be the "
                f"argument {wanted!r}, which is taken; it is {name!r}",
            )
        used.add(name)
        names[index] = name
    wire_names = Counter(p.field.wire_name for p in params)
    return [
        replace(
            p,
            field=replace(p.field, name=names[i]),
            key=f"{p.location}:{p.field.wire_name}" if wire_names[p.field.wire_name] > 1 else "",
        )
        for i, p in enumerate(params)
    ]
