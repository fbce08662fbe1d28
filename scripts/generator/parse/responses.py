"""Responses: the success type (or stream) and the declared error responses.

The success response is the first `2XX` (or, without one, `default`) that has content.
Of its media types JSON wins (any `+json` type is JSON), then `text/event-stream`, JSON
Lines, text (`str`) and binary (`bytes`, with a variant streaming the body); a JSON body
that also offers a stream (server-sent events, else JSON Lines) gives both. A media type
the SDK cannot read is returned as bytes, with a warning.

Redirects (`3XX` statuses and their range) are answers too: the method returns them as
the runtime's `Redirect` (their content is not read).

Error responses (`4XX`, `5XX`, their ranges, and `default` beside a success) whose JSON
schema is a model raise the model's exception; of any other type (an array, a primitive,
a union), an exception generated for it; without a JSON schema, the runtime's class for
the status, the body kept as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..runtime import error_classes
from . import bodies, references, schemas, streaming
from .context import ParseContext, escape, text


@dataclass(frozen=True)
class Responses:
    response: ir.Type | None  # None: no content
    media_type: str  # of `response`
    stream: ir.Stream | None
    errors: tuple[ir.ErrorResponse, ...]
    #: other success statuses whose JSON body is another type than `response` (None: no
    #: content), when `response` is one read whole
    others: tuple[tuple[str, ir.Type | None], ...] = ()
    #: the JSON body may be `null` (`oneOf: [X, {type: 'null'}]`, `nullable: true`)
    nullable: bool = False
    #: the declared 3XX statuses ("302", "3XX"), returned as `Redirect`s
    redirects: tuple[str, ...] = ()

    @property
    def binary(self) -> bool:
        """The body is raw bytes: a variant streaming it (to a file, say) is generated."""
        return self.response is not None and bodies.kind_of(self.media_type) not in (
            "json",
            "text",
        )


def responses(
    ctx: ParseContext, op: Mapping[str, Any], method: str, pointer: str, context: str
) -> Responses:
    """What operation `op` (of HTTP `method`) returns and raises; `context` names inline
    models."""
    # Keys as text: YAML reads an unquoted 200 as a number.
    answers = {
        str(status): answer
        for status, answer in (op.get("responses") or {}).items()
        if not str(status).startswith("x-")  # extensions of the Responses Object
    }
    statuses = list(answers)
    successes = sorted(s for s in statuses if _is_success(s))
    redirects = tuple(sorted(s.upper() for s in statuses if _is_redirect(s)))
    if not successes and not redirects and "default" in statuses:
        successes = ["default"]
    result = Responses(None, bodies.JSON, None, ())
    first = None
    for status in successes:
        found = _answer(ctx, answers, status, pointer)
        if found is not None and _content(ctx, found, status, method):
            result = _success(ctx, op, found[0], found[1], context)
            first = status
            break
    others: tuple[tuple[str, ir.Type | None], ...] = ()
    if first is not None and result.response is not None:
        rest = [s for s in successes if s != first]
        others = _other_successes(ctx, answers, rest, method, pointer, context, result.response)
    elif redirects and first is None:  # beside a redirect, a success without content: None
        others = tuple((status, None) for status in successes)
    errors = []
    for status in sorted(s for s in statuses if _is_error(s) and s not in successes):
        found = _answer(ctx, answers, status, pointer)
        if found is not None:
            errors.append(_error(ctx, found[0], status, found[1], context))
    return Responses(
        result.response,
        result.media_type,
        result.stream,
        tuple(errors),
        others,
        result.nullable,
        redirects,
    )


def _other_successes(
    ctx: ParseContext,
    answers: Mapping[str, Any],
    statuses: list[str],
    method: str,
    pointer: str,
    context: str,
    response: ir.Type,
) -> tuple[tuple[str, ir.Type | None], ...]:
    """The success statuses besides the first whose body is not `response`: no content
    (`204` beside a `200`), or JSON of another schema (`201` beside a `200`). Other
    media types are read as the first success's."""
    found: list[tuple[str, ir.Type | None]] = []
    for status in statuses:
        answer = _answer(ctx, answers, status, pointer)
        if answer is None:
            continue
        content = _content(ctx, answer, status, method)
        if content is None:
            found.append((status, None))
            continue
        media_type = bodies.choose(content, ("json",))
        if media_type is None:
            continue
        typed, _ = schemas.type_of(
            ctx,
            _media(content, media_type).get("schema", {}),
            f"{answer[1]}/content/{escape(media_type)}/schema",
            f"{context}{status.upper()}Response",
            "output",
        )
        if typed != response:
            found.append((status, typed))
    return tuple(found)


def _content(
    ctx: ParseContext, answer: tuple[Mapping[str, Any], str], status: str, method: str
) -> Mapping[str, Any] | None:
    """The response's media types; none for an answer HTTP sends without a body (`204`,
    `205`, any answer to `HEAD`, which FastAPI declares with JSON content), whatever the
    spec declares (with a warning: a server cannot send it)."""
    content = answer[0].get("content")
    if not isinstance(content, Mapping) or not content:
        return None
    if method == "head" or status in ("204", "205"):
        what = "a response to HEAD" if method == "head" else f"a {status} response"
        ctx.warning(f"{answer[1]}/content", f"{what} has no body; its content is ignored")
        return None
    return content


def _is_success(status: str) -> bool:
    return status[:1] == "2" and len(status) == 3


def _is_redirect(status: str) -> bool:
    return status[:1] == "3" and len(status) == 3


def _is_error(status: str) -> bool:
    return status == "default" or (status[:1] in ("4", "5") and len(status) == 3)


def _answer(
    ctx: ParseContext, answers: Mapping[str, Any], status: str, pointer: str
) -> tuple[Mapping[str, Any], str] | None:
    """The response for `status` (its `$ref`s followed) and where it is written."""
    answer = answers[status]
    found = references.resolve(ctx, answer, "responses", f"{pointer}/responses/{escape(status)}")
    if found is not None:
        headers = found[0].get("headers")
        for name, header in (headers if isinstance(headers, Mapping) else {}).items():
            references.resolve(ctx, header, "headers", f"{found[1]}/headers/{escape(name)}")
    return found


def _success(
    ctx: ParseContext, op: Mapping[str, Any], answer: Mapping[str, Any], pointer: str, context: str
) -> Responses:
    content = answer["content"]
    content_pointer = f"{pointer}/content"
    media_type = bodies.choose(content, ("json", "event-stream", "json-lines", "text", "binary"))
    if media_type is None:
        media_type = sorted(content)[0]
        ctx.warning(
            content_pointer,
            f"no media type the SDK can read ({', '.join(sorted(content))}); "
            "the response is returned as bytes",
        )
        return Responses(ir.ScalarType("bytes"), media_type, None, ())
    kind = bodies.kind_of(media_type)
    if kind == "text":
        return Responses(ir.ScalarType("str"), media_type, None, ())
    if kind == "binary":
        return Responses(ir.ScalarType("bytes"), media_type, None, ())
    stream = _stream(ctx, op, content, content_pointer, context)
    if kind == "event-stream":
        return Responses(None, bodies.JSON, stream, ())
    if kind == "json-lines":
        return Responses(None, media_type, stream, ())
    found, nullable = schemas.type_of(
        ctx,
        _media(content, media_type).get("schema", {}),
        f"{content_pointer}/{escape(media_type)}/schema",
        f"{context}Response",
        "output",
    )
    return Responses(found, media_type, stream, (), nullable=nullable)


def _stream(
    ctx: ParseContext,
    op: Mapping[str, Any],
    content: Mapping[str, Any],
    content_pointer: str,
    context: str,
) -> ir.Stream | None:
    """The stream `content` offers: server-sent events, else JSON Lines (one stream
    method: a response offering both is read as events, as before JSON Lines was)."""
    sse = bodies.choose(content, ("event-stream",))
    if sse is not None:
        media = _media(content, sse)
        schema, key = streaming.event_schema(media)
        media_pointer = f"{content_pointer}/{escape(sse)}"
        event, _ = schemas.type_of(
            ctx, schema, f"{media_pointer}/{key}", f"{context}Event", "output"
        )
        return streaming.stream(ctx, op, media, schema, event, media_pointer)
    lines = bodies.choose(content, ("json-lines",))
    if lines is None:
        return None
    media_pointer = f"{content_pointer}/{escape(lines)}"
    schema, pointer = streaming.line_schema(ctx, _media(content, lines), media_pointer)
    item = schemas.element(ctx, schema, pointer, f"{context}Item", "output")
    return ir.Stream(item, None, media_type=lines)


def _media(content: Mapping[str, Any], media_type: str) -> Mapping[str, Any]:
    media = content.get(media_type)
    return media if isinstance(media, Mapping) else {}


def _error(
    ctx: ParseContext, answer: Mapping[str, Any], status: str, pointer: str, context: str
) -> ir.ErrorResponse:
    description = text(answer.get("description"))
    content = answer.get("content") or {}
    media_type = bodies.choose(content, ("json",)) if isinstance(content, Mapping) else None
    schema = _media(content, media_type).get("schema") if media_type else None
    if media_type is None or schema is None:
        return ir.ErrorResponse(status, description)
    label = status.upper() if status[0].isdigit() else pascal(status)
    found, _ = schemas.type_of(
        ctx,
        schema,
        f"{pointer}/content/{escape(media_type)}/schema",
        f"{context}{label}Error",
        "output",
    )
    if isinstance(found, ir.ModelType):
        ctx.error_models.setdefault(found.name, _exception_name(found.name))
        return ir.ErrorResponse(status, description, found, media_type)
    if isinstance(found, ir.AnyType):
        return ir.ErrorResponse(status, description, None, media_type)
    exception = _error_class(ctx, found, f"{context}{label}Error", description, media_type)
    return ir.ErrorResponse(status, description, found, media_type, exception)


def pascal(word: str) -> str:
    return word[:1].upper() + word[1:]


def _error_class(
    ctx: ParseContext, found: ir.Type, wanted: str, description: str, media_type: str
) -> str:
    """The exception for error bodies of type `found`: for a named type `<Alias>Error`,
    shared by every operation declaring it; else `wanted`, the operation's own."""
    existing = ctx.error_types.get(found) if isinstance(found, ir.AliasType) else None
    if existing is not None:
        return existing.name
    if isinstance(found, ir.AliasType):
        wanted = _exception_name(found.name)
    name = ctx.class_name(wanted)
    error = ir.ErrorClass(name, name.lower(), description, found, media_type)
    ctx.error_types[found if isinstance(found, ir.AliasType) else name] = error
    return name


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
