"""OpenAPI `servers` (at the root, on a path item, on an operation): URL templates and
their variables. A server the SDK cannot fill in is still kept: the runtime asks the user
for what is missing (`url_params`, or `server_url` for a relative URL)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import ir
from .context import ParseContext, shown, text

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def servers(ctx: ParseContext, found: Any, pointer: str) -> tuple[ir.Server, ...]:
    """The servers listed at `pointer`; entries without a URL are left out with a warning."""
    if found is None:
        return ()
    if not isinstance(found, list):
        ctx.warning(pointer, f"servers must be a list, not {shown(found)}; ignored")
        return ()
    result = []
    for index, entry in enumerate(found):
        where = f"{pointer}/{index}"
        url = entry.get("url") if isinstance(entry, Mapping) else None
        if not isinstance(url, str) or not url.strip():
            ctx.warning(where, "a server needs a `url`; left out")
            continue
        assert isinstance(entry, Mapping)
        result.append(
            ir.Server(
                url.strip(),
                _variables(ctx, url, entry.get("variables"), where),
                text(entry.get("description")),
            )
        )
    return tuple(result)


def _variables(
    ctx: ParseContext, url: str, declared: Any, pointer: str
) -> tuple[ir.ServerVariable, ...]:
    """One variable per `{name}` of the URL, in URL order."""
    declared = declared if isinstance(declared, Mapping) else {}
    result = []
    for name in dict.fromkeys(_PLACEHOLDER.findall(url)):
        where = f"{pointer}/variables/{name}"
        variable = declared.get(name)
        if not isinstance(variable, Mapping):
            ctx.warning(
                f"{pointer}/url",
                f"{{{name}}} has no server variable; the SDK needs url_params={{{name!r}: ...}}",
            )
            result.append(ir.ServerVariable(name, None))
            continue
        values = variable.get("enum")
        allowed = tuple(str(v) for v in values) if isinstance(values, list) else ()
        default = variable.get("default")
        if default is None:
            ctx.warning(where, "a server variable needs a `default`; the SDK needs url_params")
        elif allowed and str(default) not in allowed:
            ctx.warning(f"{where}/default", f"the default {shown(default)} is not in the enum")
        result.append(
            ir.ServerVariable(
                name,
                None if default is None else str(default),
                allowed,
                text(variable.get("description")),
            )
        )
    return tuple(result)


def own_servers(
    ctx: ParseContext, item: Mapping[str, Any], op: Mapping[str, Any], pointer: str
) -> tuple[ir.Server, ...]:
    """An operation's servers when they differ from the root's: its own, else its path
    item's (`pointer` is the operation's)."""
    root = servers(ctx, ctx.spec.get("servers"), "#/servers") if "servers" in ctx.spec else ()
    if "servers" in op:
        found = servers(ctx, op["servers"], f"{pointer}/servers")
    elif "servers" in item:
        found = servers(ctx, item["servers"], f"{pointer.rsplit('/', 1)[0]}/servers")
    else:
        return ()
    return () if found == root or not found else found
