"""Request bodies: which media type is sent, and the arguments the body becomes.

Of several media types JSON wins, then `multipart/form-data`, the URL-encoded form, text
and raw bytes. Multipart and form bodies become keyword arguments like JSON ones (a
multipart file field takes bytes, a binary file or a `(filename, content, type)` tuple;
a URL-encoded form with a file is sent as multipart, the form that carries files, with a
warning); text is a `body: str` (bytes where its schema is a binary string), raw bytes a
`body` of bytes or a binary file; `*/*` with
a schema of values is sent as JSON. A media type the SDK cannot encode is sent as raw bytes, with
a warning: the operation is never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .. import ir
from . import keywords, references, schemas
from .context import SCHEMAS, ParseContext, escape

JSON = "application/json"
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"
#: JSON Lines (NDJSON): one JSON value a line, read as a stream of items; under other
#: names too (`application/stream+json`, not one JSON value), and RFC 7464's JSON text
#: sequences, whose records start with a record separator (one record a line).
JSON_LINES = (
    "application/x-ndjson",
    "application/jsonl",
    "application/json-lines",
    "application/x-jsonlines",
    "application/jsonlines",
    "application/stream+json",
    "application/x-json-stream",
    "application/json-seq",
)
#: Media types sent as the bytes the caller gives (a `*` matches any subtype).
BINARY = (
    "application/octet-stream",
    "image/*",
    "audio/*",
    "video/*",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "*/*",
)


@dataclass(frozen=True)
class Body:
    """An operation's request body as the SDK sends it."""

    fields: tuple[ir.ModelField, ...] = ()  # flattened keyword arguments (object bodies)
    model: ir.Model | None = None  # the model they build
    type: ir.Type | None = None  # the type of a `body` argument (bodies that are not objects)
    required: bool = False
    media_type: str = JSON
    encoding: tuple[ir.PartEncoding, ...] = ()


def is_json(media_type: str) -> bool:
    """`application/json` and any `+json` type (`application/merge-patch+json`, ...)."""
    essence = essence_of(media_type)
    return essence == JSON or essence.endswith("+json")


def is_binary(media_type: str) -> bool:
    """A media type sent and received as the bytes themselves (see `BINARY`)."""
    essence = essence_of(media_type)
    return essence in BINARY or f"{essence.split('/', 1)[0]}/*" in BINARY


def essence_of(media_type: str) -> str:
    """The media type without parameters, in lower case (`text/plain; charset=x` ->
    `text/plain`)."""
    return media_type.split(";", 1)[0].strip().lower()


def choose(
    content: Mapping[str, Any],
    preference: tuple[str, ...],
    kinds: Mapping[str, str] | None = None,
) -> str | None:
    """The media type of `content` to use: the first kind of `preference` it offers
    (`json`, `multipart`, `form`, `text`, `binary`, `event-stream`, `json-lines`; each
    media type's `kind_of`, unless `kinds` says otherwise), JSON itself before other
    `+json` types; None when it offers none of them."""
    if kinds is None:
        kinds = {media_type: kind_of(media_type) for media_type in content}
    for wanted in preference:
        found = [media_type for media_type, kind in kinds.items() if kind == wanted]
        if found:
            return min(found, key=lambda m: (essence_of(m) != JSON, m))
    return None


def kind_of(media_type: str) -> str:
    essence = essence_of(media_type)
    if essence in JSON_LINES:
        return "json-lines"
    if is_json(essence):
        return "json"
    if essence == MULTIPART:
        return "multipart"
    if essence == FORM:
        return "form"
    if essence == "text/event-stream":
        return "event-stream"
    if essence.startswith("text/"):
        return "text"
    if is_binary(essence):
        return "binary"
    return "unknown"


def request_body(ctx: ParseContext, op: Mapping[str, Any], pointer: str, context: str) -> Body:
    """The body of operation `op`; `context` names its inline models (`<Method>Request`)."""
    resolved = references.resolve(
        ctx, op.get("requestBody") or {}, "requestBodies", f"{pointer}/requestBody"
    )
    body, body_pointer = resolved if resolved is not None else ({}, pointer)
    required = bool(body.get("required"))
    content = body.get("content") or {}
    if not isinstance(content, Mapping) or not content:
        return Body(required=required)
    content_pointer = f"{body_pointer}/content"
    kinds = {
        media_type: _sent_kind(ctx, media_type, media) for media_type, media in content.items()
    }
    media_type = choose(content, ("json", "multipart", "form", "text", "binary"), kinds)
    if media_type is None:
        media_type = sorted(content)[0]
        ctx.warning(
            content_pointer,
            f"no media type the SDK can encode ({', '.join(sorted(content))}); "
            f"the body is sent as raw {media_type} bytes",
        )
        return Body(type=ir.FileType(part=False), required=required, media_type=media_type)
    media = content[media_type] if isinstance(content[media_type], Mapping) else {}
    media_pointer = f"{content_pointer}/{escape(media_type)}"
    schema_pointer = f"{media_pointer}/schema"
    kind = kinds[media_type]
    if essence_of(media_type) == "*/*" and _describes_values(media.get("schema")):
        kind, media_type = "json", JSON  # JSON is one of the types it accepts
    if kind == "text":
        return Body(type=ir.ScalarType("str"), required=required, media_type=media_type)
    if kind == "binary":
        return Body(type=ir.FileType(part=False), required=required, media_type=media_type)
    schema = media.get("schema", {})
    typed, _ = schemas.type_of(ctx, schema, schema_pointer, f"{context}Request", "input")
    if isinstance(typed, ir.ModelType):
        model = ctx.models[typed.name]
        if kind == "form" and _has_files(ctx, model, schema):
            ctx.warning(
                media_pointer,
                "a file in an application/x-www-form-urlencoded body: "
                "sent as multipart/form-data, the form that carries files",
            )
            kind, media_type = "multipart", MULTIPART
        if kind == "multipart":
            model = _with_files(ctx, model, _binary_properties(ctx, schema))
        encoding = _encoding(
            ctx, media.get("encoding"), f"{media_pointer}/encoding", kind == "form"
        )
        return Body(model.fields, model, None, required, media_type, encoding)
    if kind != "json":
        ctx.warning(
            schema_pointer,
            f"a {media_type} body that is not an object schema is typed dict[str, Any]",
        )
        typed = ir.DictType(ir.AnyType())
    return Body(type=typed, required=required, media_type=media_type)


def _sent_kind(ctx: ParseContext, media_type: str, media: Any) -> str:
    """How a body of `media_type` is sent: a `text/*` type whose schema is a binary string
    (`format: binary`) carries bytes (a PDF uploaded as `text/plain`, say), not text."""
    kind = kind_of(media_type)
    schema = _followed(ctx, media.get("schema")) if isinstance(media, Mapping) else None
    if kind == "text" and isinstance(schema, Mapping) and keywords.is_binary_string(schema):
        return "binary"
    return kind


def _describes_values(schema: Any) -> bool:
    """A schema of JSON values (an object, a `$ref`, ...), not raw bytes (`format: binary`,
    a `contentMediaType`) or nothing at all."""
    return isinstance(schema, Mapping) and bool(schema) and not keywords.is_binary_string(schema)


#: The styles a form body's property may have (those of query parameters).
_FORM_STYLES: tuple[ir.ParameterStyle, ...] = (
    "form",
    "spaceDelimited",
    "pipeDelimited",
    "deepObject",
)


def _encoding(ctx: ParseContext, raw: Any, pointer: str, form: bool) -> tuple[ir.PartEncoding, ...]:
    """The media type's `encoding` (property -> contentType, style, explode and, in a
    URL-encoded `form`, allowReserved), sorted."""
    found = []
    for name, entry in sorted((raw if isinstance(raw, Mapping) else {}).items()):
        if not isinstance(entry, Mapping):
            continue
        content_type = entry.get("contentType")
        style = entry.get("style")
        if style is not None and style not in _FORM_STYLES:
            ctx.warning(f"{pointer}/{escape(name)}/style", f"unknown style {style!r}; ignored")
            style = None
        explode = entry.get("explode")
        found.append(
            ir.PartEncoding(
                str(name),
                content_type if isinstance(content_type, str) else "",
                style,
                explode if isinstance(explode, bool) else None,
                form and entry.get("allowReserved") is True,
            )
        )
    return tuple(
        e for e in found if e.content_type or e.style or e.explode is not None or e.allow_reserved
    )


def _with_files(ctx: ParseContext, model: ir.Model, binary: set[str]) -> ir.Model:
    """The model of a multipart body, its binary fields (`format: binary`, the properties
    `binary` names, or arrays of them) typed as files: bytes, a binary file object or a
    `(filename, content, type)`."""
    fields = tuple(replace(f, type=_file_type(f.type, f.wire_name in binary)) for f in model.fields)
    if fields == model.fields:
        return model
    updated = replace(model, fields=fields)
    ctx.models[model.class_name] = updated
    return updated


def _has_files(ctx: ParseContext, model: ir.Model, schema: Any) -> bool:
    """Whether a form body's model has a field that is a file in a multipart body."""
    binary = _binary_properties(ctx, schema)
    return any(_file_type(f.type, f.wire_name in binary) != f.type for f in model.fields)


def _file_type(t: ir.Type, binary: bool) -> ir.Type:
    """A `File` for `bytes` (`format: binary`), or for `str` where `binary` (by
    `contentMediaType`); a list of them for a list."""
    names = ("bytes", "str") if binary else ("bytes",)
    item = t.item if isinstance(t, ir.ListType) else t
    if not isinstance(item, ir.ScalarType) or item.name not in names:
        return t
    return replace(t, item=ir.FileType()) if isinstance(t, ir.ListType) else ir.FileType()


def _binary_properties(ctx: ParseContext, schema: Any) -> set[str]:
    """The wire names of a multipart object's properties that are files by
    `contentMediaType` (see `keywords.is_binary_string`): also in an array, or beside
    `null` in an `anyOf`/`oneOf`."""
    found = _followed(ctx, schema)
    properties = found.get("properties") if isinstance(found, Mapping) else None
    binary = set()
    for name, prop in (properties if isinstance(properties, Mapping) else {}).items():
        prop = _followed(ctx, prop)
        if not isinstance(prop, Mapping):
            continue
        choices = [prop, *(prop.get("anyOf") or prop.get("oneOf") or [])]
        for choice in choices:
            choice = _followed(ctx, choice)
            if isinstance(choice, Mapping) and choice.get("type") == "array":
                choice = _followed(ctx, choice.get("items"))
            if isinstance(choice, Mapping) and keywords.is_binary_string(choice):
                binary.add(str(name))
    return binary


def _followed(ctx: ParseContext, schema: Any) -> Any:
    """`schema` with its `$ref`s to `#/components/schemas/` followed (None for others,
    which `schemas.type_of` reports)."""
    prefix, seen = SCHEMAS, set()
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if not ref.startswith(prefix) or ref in seen:
            return None
        seen.add(ref)
        schema = ctx.schemas.get(ref[len(prefix) :].replace("~1", "/").replace("~0", "~"))
    return schema
