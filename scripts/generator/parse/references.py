"""`$ref`s to reusable components other than schemas: parameters, responses, request
bodies, headers, security schemes (a reference may point to another reference)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .context import ParseContext, escape

ComponentKind = Literal["parameters", "responses", "requestBodies", "headers", "securitySchemes"]


def resolve(
    ctx: ParseContext, found: Any, kind: ComponentKind, pointer: str
) -> tuple[Mapping[str, Any], str] | None:
    """`found` with its `$ref`s followed, and the pointer of what they led to.

    None when a reference points outside `#/components/<kind>/` (a warning: the object
    is left out; the loader has already read what such a `$ref` plainly means), and an
    error when it points to nothing or back to itself.
    """
    prefix = f"#/components/{kind}/"
    chain: list[str] = []
    while isinstance(found, Mapping) and "$ref" in found:
        ref, ref_pointer = found["$ref"], f"{pointer}/$ref"
        if not isinstance(ref, str) or not ref.startswith(prefix):
            ctx.warning(
                ref_pointer,
                f"$ref {ref!r} does not point to {_a[kind]} (into {prefix}); "
                f"the {_singular[kind]} is left out",
            )
            return None
        name = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
        if name in chain:
            cycle = " -> ".join([*chain[chain.index(name) :], name])
            ctx.problem(ref_pointer, f"$ref cycle in components/{kind}: {cycle}")
            return None
        chain.append(name)
        found = ctx.components_of(kind).get(name)
        if found is None:
            ctx.problem(ref_pointer, f"$ref {ref!r} points to nothing")
            return None
        pointer = f"{prefix}{escape(name)}"
    if not isinstance(found, Mapping):
        ctx.problem(pointer, f"a {_singular[kind]} must be an object")
        return None
    return found, pointer


_singular: dict[ComponentKind, str] = {
    "parameters": "parameter",
    "responses": "response",
    "requestBodies": "request body",
    "headers": "header",
    "securitySchemes": "security scheme",
}


_a = {kind: f"{'an' if name[0] in 'aeiou' else 'a'} {name}" for kind, name in _singular.items()}


def follow(ctx: ParseContext, found: Any, kind: ComponentKind) -> Any:
    """`found` with its `$ref`s followed, without reporting (for a first pass over the
    spec; `resolve` reports the same problems where the object is built)."""
    prefix, seen = f"#/components/{kind}/", set()
    while isinstance(found, Mapping) and isinstance(found.get("$ref"), str):
        name = found["$ref"][len(prefix) :].replace("~1", "/").replace("~0", "~")
        if not found["$ref"].startswith(prefix) or name in seen:
            return None
        seen.add(name)
        found = ctx.components_of(kind).get(name)
    return found
