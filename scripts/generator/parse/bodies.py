"""Request bodies: which media type is used, and the arguments the body becomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import ir
from . import schemas
from .context import ParseContext


@dataclass(frozen=True)
class Body:
    """An operation's request body as the SDK sends it."""

    fields: tuple[ir.ModelField, ...] = ()  # flattened keyword arguments (object bodies)
    model: ir.Model | None = None  # the model they build
    type: ir.Type | None = None  # the type of a `body` argument (bodies that are not objects)
    required: bool = False


def media(ctx: ParseContext, content: Any, pointer: str, kinds: tuple[str, ...]) -> tuple[str, Any]:
    """The media type and schema of a request or response `content` map."""
    if not content:
        return "", None
    for kind in kinds:
        if kind in content:
            return kind, content[kind].get("schema", {})
    ctx.problem(pointer, f"unsupported media types {sorted(content)} (supported: {kinds})")
    return "", None


def request_body(ctx: ParseContext, op: Mapping[str, Any], pointer: str, context: str) -> Body:
    """The body of operation `op`; `context` names its inline models (`<Method>Request`)."""
    body = op.get("requestBody") or {}
    _, schema = media(
        ctx, body.get("content"), f"{pointer}/requestBody/content", ("application/json",)
    )
    if schema is None:
        return Body(required=bool(body.get("required")))
    found, _ = schemas.type_of(
        ctx, schema, f"{pointer}/requestBody/content/application~1json/schema",
        f"{context}Request", "input",
    )  # fmt: skip
    required = bool(body.get("required"))
    if isinstance(found, ir.ModelType):
        model = ctx.models[found.name]
        return Body(fields=model.fields, model=model, required=required)
    return Body(type=found, required=required)
