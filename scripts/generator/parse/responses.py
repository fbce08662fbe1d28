"""Responses: the success type (or stream) and the declared error responses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..runtime import error_classes
from . import schemas, streaming
from .bodies import media
from .context import ParseContext, escape, text


@dataclass(frozen=True)
class Responses:
    response: ir.Type | None  # None: no content
    stream: ir.Stream | None
    errors: tuple[ir.ErrorResponse, ...]


def responses(ctx: ParseContext, op: Mapping[str, Any], pointer: str, context: str) -> Responses:
    """What operation `op` returns and raises; `context` names inline models."""
    response = None
    stream = None
    errors = []
    for status, answer in sorted((op.get("responses") or {}).items()):
        status = str(status)
        status_pointer = f"{pointer}/responses/{status}"
        if "$ref" in answer:
            ctx.problem(status_pointer, "response $refs are not supported")
            continue
        kind, schema = media(
            ctx, answer.get("content"), f"{status_pointer}/content",
            ("application/json", streaming.EVENT_STREAM),
        )  # fmt: skip
        if status.startswith("2"):
            if response is not None or stream is not None or schema is None:
                continue
            found, _ = schemas.type_of(
                ctx, schema, f"{status_pointer}/content/{escape(kind)}/schema",
                f"{context}Response" if kind == "application/json" else f"{context}Event",
                "output",
            )  # fmt: skip
            if kind == streaming.EVENT_STREAM:
                stream = streaming.stream(op, found)
            else:
                response = found
            continue
        error_type = None
        if schema is not None:
            found, _ = schemas.type_of(
                ctx, schema, f"{status_pointer}/content/{escape(kind)}/schema",
                f"{context}{status}Error", "output",
            )  # fmt: skip
            if isinstance(found, ir.ModelType):
                error_type = found
                ctx.error_models.setdefault(found.name, _exception_name(found.name))
            else:
                ctx.problem(status_pointer, "error response schemas must be objects")
        errors.append(ir.ErrorResponse(status, text(answer.get("description")), error_type))
    return Responses(response, stream, tuple(errors))


def _exception_name(model: str) -> str:
    """The exception class raised with an error model as its `.data`."""
    return f"{model}Exception" if model.endswith("Error") else f"{model}Error"


def exception_names(wanted: dict[str, str], taken: set[str]) -> tuple[tuple[str, str], ...]:
    """Exception class per error model, renamed where it would hide a runtime error class
    (an error schema named `NotFound` must not replace `NotFoundError`) or a model."""
    reserved = set(error_classes()) | taken
    result = []
    for model, name in sorted(wanted.items()):
        if name in reserved:
            name = f"{model}ResponseError"
        reserved.add(name)
        result.append((model, name))
    return tuple(result)
