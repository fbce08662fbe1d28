"""Operations: one `ir.Operation` per path and method, grouped into resources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..naming import pascal_case
from . import (
    bodies,
    callbacks,
    confidential,
    names,
    parameters,
    responses,
    security,
    servers,
    streaming,
)
from .context import ParseContext, escape, text
from .directions import HTTP_METHODS


def resources(ctx: ParseContext) -> tuple[ir.Resource, ...]:
    """Every operation, grouped by `x-speakeasy-group` (else its first tag), groups sorted."""
    tags = ctx.spec.get("tags")
    tag_descriptions = {
        t["name"]: text(t.get("description"))
        for t in (tags if isinstance(tags, list) else [])
        if isinstance(t, Mapping) and isinstance(t.get("name"), str)
    }
    grouped: dict[str, list[ir.Operation]] = {}
    descriptions: dict[str, str] = {}
    for path, item in (ctx.spec.get("paths") or {}).items():
        for method in item.get("additionalOperations") or {}:
            ctx.warning(
                f"#/paths/{escape(path)}/additionalOperations/{escape(str(method))}",
                f"a {method} operation (additionalOperations) is not generated",
            )
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None or names.ignored(op):
                continue
            group = names.group_of(op)
            grouped.setdefault(group, []).extend(operation(ctx, path, method, item, group))
            descriptions.setdefault(group, tag_descriptions.get(names.first_tag(op), ""))
    confidential.link(ctx, grouped)
    return tuple(
        ir.Resource(group, _class_name(group), group, descriptions[group], tuple(operations))
        for group, operations in sorted(grouped.items())
    )


#: Names the resource and SDK modules import (the runtime's, and those the annotations
#: of a parameters model use): a resource class may not take them.
_IMPORTED = frozenset(
    {"Resource", "CallOptions", "Operation", "Parameter", "RetryConfig", "InputModel"}
    | {"Mapping", "Optional", "OptionalNullable", "UNSET", "TYPE_CHECKING", "Iterable"}
    | {"Iterator", "AsyncIterator", "EventStream", "AsyncEventStream", "BinaryStream"}
    | {"AsyncBinaryStream", "BatchRequest", "BatchResult", "ConfidentialOperation"}
    | {"BaseSDK", "Logger", "SDKCore", "SDKSettings", "BearerAuth", "BasicAuth", "Secret"}
    | {"SecurityScheme", "Encoding", "Server", "ServerVariable", "Nullable", "File"}
    | {"FileContent", "Field", "Strict", "Annotated", "Any", "Literal", "Union", "UUID"}
    | {"Discriminator", "Tag", "TypeAlias", "TypedDict", "Enum", "UnknownVariant"}
    | {"Redirect"}
)


def _class_name(group: str) -> str:
    """The resource's class: the group in PascalCase, `...Resource` where that is a name
    its module or the SDK's imports (a tag `Operation`)."""
    name = pascal_case(group)
    return f"{name}Resource" if name in _IMPORTED else name


def operation(
    ctx: ParseContext, path: str, method: str, item: Mapping[str, Any], group: str
) -> tuple[ir.Operation, ...]:
    """The operation's method, and the variant streaming its response when it has one:
    `x_stream` for a response offered as JSON and as events, or a binary one."""
    op = item[method]
    pointer = f"#/paths/{escape(path)}/{method}"
    real_path = streaming.real_path(path)
    operation_id = names.operation_id(op, method, path)
    name = ctx.method_names[(path, method)]
    context = pascal_case(name)
    params = parameters.parameters(ctx, real_path, item, op, pointer)
    body = bodies.request_body(ctx, op, pointer, context)
    body_names = [f.name for f in body.fields] + (["body"] if body.type is not None else [])
    params = parameters.distinct(ctx, params, body_names, pointer)
    answers = responses.responses(ctx, op, method, pointer, context)
    callbacks.warn(ctx, op, pointer)
    secret = confidential.confidential(ctx, op, pointer)
    arguments = secret.request.fields if secret is not None else body.fields
    found = ir.Operation(
        operation_id=operation_id,
        method=method.upper(),
        path=parameters.split_query(real_path)[0],
        method_name=name,
        summary=text(op.get("summary")),
        description=text(op.get("description")),
        parameters=tuple(params),
        body_fields=body.fields,
        body_model=body.model,
        body_type=body.type,
        body_required=body.required,
        response=answers.response,
        stream=answers.stream if answers.response is None else None,
        security=security.requirements(ctx, op, pointer),
        errors=answers.errors,
        confidential=secret,
        body_media_type=body.media_type,
        body_encoding=body.encoding,
        response_media_type=answers.media_type,
        batch=op.get("x-atoma-batch") is True,
        deprecated=op.get("deprecated") is True,
        other_responses=answers.others,
        argument_order=_argument_order(ctx, op, pointer, params, arguments),
        servers=servers.own_servers(ctx, item, op, pointer),
        response_nullable=answers.nullable and answers.response is not None,
        redirects=answers.redirects,
    )
    if answers.response is None or not (answers.stream or answers.binary):
        return (found,)
    variant = _stream_name(ctx, group, name, pointer)
    if answers.binary:
        return found, replace(found, method_name=variant, binary_stream=True, other_responses=())
    assert answers.stream is not None
    return streaming.variants(found, answers.stream, variant)


def _stream_name(ctx: ParseContext, group: str, name: str, pointer: str) -> str:
    """`<name>_stream`, unless another method of the group has that name."""
    taken = ctx.group_methods.get(group, set())
    wanted = candidate = f"{name}_stream"
    counter = 1
    while candidate in taken:
        counter += 1
        candidate = f"{wanted}_{counter}"
    if candidate != wanted:
        ctx.warning(
            pointer, f"{wanted!r} is already a method of {group}; generated as {candidate!r}"
        )
    return candidate


ARGUMENT_ORDER = "x-sdk-argument-order"


def _argument_order(
    ctx: ParseContext,
    op: Mapping[str, Any],
    pointer: str,
    params: list[ir.Parameter],
    fields: tuple[ir.ModelField, ...],
) -> tuple[str, ...]:
    """The `x-sdk-argument-order` list: wire names of parameters and body properties."""
    listed = op.get(ARGUMENT_ORDER)
    if listed is None:
        return ()
    known = {p.field.wire_name for p in params} | {f.wire_name for f in fields}
    if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
        ctx.warning(f"{pointer}/{ARGUMENT_ORDER}", "must be a list of argument names; ignored")
        return ()
    unknown = [name for name in listed if name not in known]
    if unknown:
        ctx.warning(f"{pointer}/{ARGUMENT_ORDER}", f"no such arguments: {unknown}; ignored")
    return tuple(dict.fromkeys(name for name in listed if name in known))
