"""Spec (a dict loaded from YAML) -> `ir.Api`, one module per concern.

Every problem found is collected in a `Diagnostics` with its JSON pointer: errors stop
generation, listed all at once so one run shows everything that needs fixing; warnings
stay in the `Diagnostics` for the caller to print.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..diagnostics import Diagnostics
from ..naming import env_var_prefix
from . import (
    composition,
    confidential,
    directions,
    names,
    operations,
    responses,
    schemas,
    security,
    servers,
    webhooks,
)
from .context import ParseContext, text


def parse(
    spec: Mapping[str, Any], package: ir.Package, diagnostics: Diagnostics | None = None
) -> tuple[ir.Api, ir.Package]:
    """Build the intermediate model, or raise `SpecError` listing every error."""
    ctx = ParseContext(spec, Diagnostics() if diagnostics is None else diagnostics)
    composition.find_polymorphic(ctx)
    directions.mark_all(ctx)
    confidential.mark_directions(ctx)
    webhooks.mark_directions(ctx)
    names.component_classes(ctx)
    # Components first, by name: inline models are named in an order the spec's own
    # ordering of `components.schemas` does not change.
    for name in sorted(ctx.schemas):
        if not names.ignored(ctx.schemas[name]):  # built only if another schema uses it
            schemas.component(ctx, name)
    schemes = security.security_schemes(ctx, env_var_prefix(package.sdk_class))
    names.method_names(ctx)
    resources = operations.resources(ctx)
    hooks = webhooks.webhooks(ctx)
    composition.intermediate_unions(ctx)
    composition.drop_self_members(ctx)
    composition.break_alias_cycles(ctx)
    ctx.diagnostics.check()
    found = spec.get("info")
    info: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    models = _finish_models(ctx)
    api = ir.Api(
        title=str(info.get("title", "")),
        description=text(info.get("description")),
        api_version=str(info.get("version", "")),
        servers=servers.servers(ctx, spec.get("servers"), "#/servers"),
        security=schemes,
        resources=_with_finished_bodies(resources, models),
        models=models,
        enums=tuple(sorted(ctx.enums.values(), key=lambda e: e.class_name)),
        aliases=tuple(sorted(ctx.aliases.values(), key=lambda a: a.name)),
        error_classes=responses.exception_names(ctx.error_models, ctx.taken),
        error_types=tuple(sorted(ctx.error_types.values(), key=lambda e: e.name)),
        webhooks=hooks,
    )
    return api, package


def _with_finished_bodies(
    resources: tuple[ir.Resource, ...], models: tuple[ir.Model, ...]
) -> tuple[ir.Resource, ...]:
    """Operations whose body model is the finished one: a subtype's tag, which unions
    impose after the operation was read, is then a constant of the body, not an
    argument."""
    finished = {m.class_name: m for m in models}
    return tuple(
        replace(
            resource,
            operations=tuple(
                replace(op, body_model=finished.get(op.body_model.class_name, op.body_model))
                if op.body_model is not None
                else op
                for op in resource.operations
            ),
        )
        for resource in resources
    )


def _finish_models(ctx: ParseContext) -> tuple[ir.Model, ...]:
    """Models with the discriminator values unions impose on them."""
    result = []
    for model in ctx.models.values():
        found = ctx.tags.get(model.class_name, {})
        tags = tuple((wire, tuple(values)) for wire, values in sorted(found.items()))
        result.append(replace(model, tag_values=tags) if tags else model)
    return tuple(sorted(result, key=lambda m: m.class_name))
