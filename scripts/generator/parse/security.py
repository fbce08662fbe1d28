"""Security schemes (SDK constructor arguments) and the requirements of each operation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ir
from ..naming import snake_case
from . import references
from .context import ParseContext, escape, text

#: The SDK constructor's other arguments, which no scheme may be named as.
_SDK_ARGUMENTS = frozenset(
    {"self", "server_url", "client", "async_client", "retry_config", "timeout_ms"}
    | {"debug_logger", "server_idx", "url_params", "max_response_bytes"}
)
#: (type, HTTP scheme) -> kind; OAuth2 and OpenID Connect: a token the user obtains.
_HTTP_KINDS: dict[str, ir.SecurityKind] = {"bearer": "bearer", "basic": "basic"}


def security_schemes(ctx: ParseContext, env_prefix: str) -> tuple[ir.SecurityScheme, ...]:
    """The supported schemes of `components.securitySchemes`, the first bearer scheme
    first: it is the SDK's first positional argument, as `bearer_auth` in atoma-sdk 0.1.3.
    Others are left out with a warning; operations that need them are still generated."""
    found: list[ir.SecurityScheme] = []
    used = set(_SDK_ARGUMENTS)
    for wire_name, raw in ctx.components_of("securitySchemes").items():
        pointer = f"#/components/securitySchemes/{escape(wire_name)}"
        resolved = references.resolve(ctx, raw, "securitySchemes", pointer)
        if resolved is None:
            continue
        raw, _ = resolved
        placement = _placement(ctx, raw, pointer)
        if placement is None:
            continue
        kind, location, parameter = placement
        name = wanted = snake_case(wire_name)
        if name in used:
            name = f"{wanted.rstrip('_')}_auth"
            ctx.warning(pointer, f"the argument {wanted!r} is taken; this scheme's is {name!r}")
        used.add(name)
        env_var = f"{env_prefix}_{name.rstrip('_').upper()}"
        description = text(raw.get("description"))
        found.append(
            ir.SecurityScheme(name, wire_name, description, kind, env_var, location, parameter)
        )
    found.sort(key=lambda scheme: scheme.kind != "bearer")  # stable: spec order otherwise
    ctx.security_schemes = {scheme.wire_name: scheme for scheme in found}
    return tuple(found)


def _placement(
    ctx: ParseContext, raw: Mapping[str, Any], pointer: str
) -> tuple[ir.SecurityKind, ir.SecurityLocation, str] | None:
    """(kind, location, header/parameter/cookie name) of a scheme; None if unsupported."""
    scheme_type = raw.get("type")
    if scheme_type in ("oauth2", "openIdConnect"):
        return "bearer", "header", "Authorization"
    if scheme_type == "http":
        http_scheme = str(raw.get("scheme", "")).lower()
        if http_scheme in _HTTP_KINDS:
            return _HTTP_KINDS[http_scheme], "header", "Authorization"
        ctx.warning(f"{pointer}/scheme", f"HTTP {http_scheme!r} authentication is not supported")
        return None
    if scheme_type == "apiKey":
        location, parameter = raw.get("in"), raw.get("name")
        if location in ("header", "query", "cookie") and isinstance(parameter, str) and parameter:
            return "api_key", location, parameter
        ctx.warning(pointer, "an apiKey scheme needs `in` (header, query or cookie) and `name`")
        return None
    ctx.warning(pointer, f"security scheme type {scheme_type!r} is not supported")
    return None


def requirements(
    ctx: ParseContext, op: Mapping[str, Any], pointer: str
) -> tuple[tuple[str, ...], ...]:
    """The operation's `security` (else the API's): alternatives of scheme argument names.

    A requirement naming a scheme the SDK cannot apply is left out; when that leaves
    none, the operation is generated sending no credentials, with a warning.
    """
    own = "security" in op
    raw = op.get("security") if own else ctx.spec.get("security")
    where = f"{pointer}/security" if own else "#/security"
    if not isinstance(raw, list):
        return ()
    result: list[tuple[str, ...]] = []
    for index, requirement in enumerate(raw):
        names = _requirement(ctx, requirement, f"{where}/{index}")
        if names is not None:
            result.append(names)
    if raw and not result:
        ctx.warning(where, "no security requirement the SDK supports: no credentials are sent")
    return tuple(result)


def _requirement(ctx: ParseContext, requirement: Any, pointer: str) -> tuple[str, ...] | None:
    if not isinstance(requirement, Mapping):
        ctx.warning(pointer, "a security requirement must be an object; left out")
        return None
    names = []
    for wire_name in requirement:
        scheme = ctx.security_schemes.get(wire_name)
        if scheme is None:
            if wire_name not in ctx.components_of("securitySchemes"):
                ctx.warning(
                    f"{pointer}/{escape(str(wire_name))}",
                    f"no security scheme {wire_name!r} in components.securitySchemes",
                )
            return None
        names.append(scheme.name)
    return tuple(names)
