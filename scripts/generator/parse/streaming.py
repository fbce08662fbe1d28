"""`text/event-stream` and JSON Lines responses, and `#stream` path variants.

An event schema either describes the whole event, as Speakeasy-targeted specs and
several AI APIs write it (an object whose properties are `data`, holding the payload,
and some of `event`, `id`, `retry`, nothing else; or a union of such objects), or only
the payload each event's `data` carries. The runtime yields typed values either way.

A JSON Lines body (`application/x-ndjson`, `application/jsonl`, ...) is a stream of
items, one a line, typed by OpenAPI 3.2's `itemSchema`, else by the `items` of an array
`schema` (the body as a whole, as 3.0 and 3.1 specs write it), else by the `schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from .context import ParseContext, escape

STREAM_SUFFIX = "#stream"
EVENT_STREAM = "text/event-stream"
SENTINEL = "x-speakeasy-sse-sentinel"
#: The fields of a server-sent event.
EVENT_FIELDS = frozenset({"data", "event", "id", "retry"})


def real_path(path: str) -> str:
    """The path requests go to: a `#stream` variant shares its path with the plain one."""
    return path[: -len(STREAM_SUFFIX)] if path.endswith(STREAM_SUFFIX) else path


def stream(
    ctx: ParseContext,
    op: Mapping[str, Any],
    media: Mapping[str, Any],
    schema: Any,
    event: ir.Type,
    pointer: str,
) -> ir.Stream:
    """A stream of `event`s, ended by `x-speakeasy-sse-sentinel` (on the media type
    object, where Speakeasy puts it, or on the operation), if any."""
    sentinel = media.get(SENTINEL, op.get(SENTINEL))
    if sentinel is not None and not isinstance(sentinel, str):
        ctx.warning(f"{pointer}/{SENTINEL}", "the sentinel must be a string; ignored")
        sentinel = None
    whole = _event_schemas(ctx, schema)
    if whole:
        text_data = all(_is_text(ctx, _properties(ctx, s).get("data")) for s in whole)
        return ir.Stream(event, sentinel, whole_event=True, text_data=text_data)
    return ir.Stream(event, sentinel, text_data=_is_text(ctx, schema))


def event_schema(media: Mapping[str, Any]) -> tuple[Any, str]:
    """The schema of each event, and its key in the media type object: `schema`, or
    OpenAPI 3.2's `itemSchema`. A whole event's `data` written as a JSON string whose
    `contentSchema` describes it is read as that schema (the payload the SDK parses)."""
    key = "schema" if "schema" in media or "itemSchema" not in media else "itemSchema"
    schema = media.get(key, {})
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return schema, key
    data = properties.get("data")
    if not (isinstance(data, Mapping) and isinstance(data.get("contentSchema"), Mapping)):
        return schema, key
    if data.get("contentMediaType", "application/json") != "application/json":
        return schema, key
    return {**schema, "properties": {**properties, "data": data["contentSchema"]}}, key


def line_schema(ctx: ParseContext, media: Mapping[str, Any], pointer: str) -> tuple[Any, str]:
    """The schema of each line of a JSON Lines body, and where it is written: `itemSchema`;
    else the `items` of an array `schema` (through `$ref`s; `{}` without `items`); else
    the `schema` itself (each line one such value)."""
    if "itemSchema" in media:
        return media["itemSchema"], f"{pointer}/itemSchema"
    schema = media.get("schema", {})
    found, where = _resolved_at(ctx, schema, f"{pointer}/schema")
    types = found.get("type") if isinstance(found, Mapping) else None
    if types == "array" or (isinstance(types, list) and "array" in types):
        return found.get("items", {}), f"{where}/items"
    return schema, f"{pointer}/schema"


def variants(found: ir.Operation, events: ir.Stream, name: str) -> tuple[ir.Operation, ...]:
    """A response offered as JSON and as a stream (events or JSON Lines): the JSON method,
    and `name` streaming. A body's `stream` flag is the methods' to set, not an argument:
    the stream variant sends `true`; the JSON one `false` when the flag is required or
    defaults to true (as Ollama's does), else nothing (the server's default)."""
    flag = next((f for f in found.body_fields if f.wire_name == "stream"), None)
    media_type = events.media_type or found.response_media_type
    if flag is None:
        stream_op = replace(
            found,
            method_name=name,
            response=None,
            stream=events,
            other_responses=(),
            response_media_type=media_type,
        )
        return found, stream_op
    fields = tuple(f for f in found.body_fields if f is not flag)
    json_op = replace(
        found,
        body_fields=fields,
        body_constants=((flag.name, False),) if flag.required or flag.default is True else (),
    )
    stream_op = replace(
        found,
        method_name=name,
        body_fields=fields,
        body_constants=((flag.name, True),),
        response=None,
        stream=events,
        other_responses=(),
        response_media_type=media_type,
    )
    return json_op, stream_op


def _event_schemas(ctx: ParseContext, schema: Any) -> list[Mapping[str, Any]]:
    """The whole-event object schemas `schema` is (itself, or every member of its union);
    empty when it describes only the data."""
    schema = _resolved(ctx, schema)
    if not isinstance(schema, Mapping):
        return []
    members = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(members, list) and members:
        found = [_resolved(ctx, m) for m in members]
        concrete = [m for m in found if not (isinstance(m, Mapping) and m.get("type") == "null")]
        if concrete and all(_is_whole_event(ctx, m) for m in concrete):
            return concrete
        return []
    return [schema] if _is_whole_event(ctx, schema) else []


def _is_whole_event(ctx: ParseContext, schema: Any) -> bool:
    names = set(_properties(ctx, schema))
    return "data" in names and names <= EVENT_FIELDS


def _properties(ctx: ParseContext, schema: Any) -> Mapping[str, Any]:
    schema = _resolved(ctx, schema)
    found = schema.get("properties") if isinstance(schema, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _is_text(ctx: ParseContext, schema: Any) -> bool:
    """A data schema of plain text: a string that is not said to hold JSON."""
    schema = _resolved(ctx, schema)
    if not isinstance(schema, Mapping):
        return False
    types = schema.get("type")
    names = types if isinstance(types, list) else [types]
    return "string" in names and schema.get("contentMediaType") != "application/json"


def _resolved(ctx: ParseContext, schema: Any) -> Any:
    """A schema with `$ref`s to component schemas followed (at most a few in a row)."""
    return _resolved_at(ctx, schema, "")[0]


def _resolved_at(ctx: ParseContext, schema: Any, pointer: str) -> tuple[Any, str]:
    """`_resolved`, with the pointer of the schema found (`pointer` if no `$ref`)."""
    for _ in range(8):
        if not (isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str)):
            return schema, pointer
        name = schema["$ref"].rpartition("/")[2].replace("~1", "/").replace("~0", "~")
        if not schema["$ref"].startswith("#/components/schemas/") or name not in ctx.schemas:
            return schema, pointer
        schema, pointer = ctx.schemas[name], f"#/components/schemas/{escape(name)}"
    return schema, pointer
