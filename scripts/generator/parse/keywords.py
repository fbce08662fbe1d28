"""JSON Schema keywords: which ones type a schema, which ones only constrain or annotate
it, and the constraints pydantic enforces on request models."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

import pydantic

from .. import ir
from .context import ParseContext, shown

#: Keywords that decide a schema's Python type.
TYPING = frozenset(
    {
        "type", "enum", "const", "properties", "required", "additionalProperties",
        "items", "prefixItems", "oneOf", "anyOf", "allOf", "$ref", "nullable", "format",
        "discriminator", "patternProperties", "unevaluatedProperties", "contentEncoding",
        "$dynamicRef", "$recursiveRef",
    }
)  # fmt: skip
#: Keywords that constrain values; those pydantic can enforce are in `_CONSTRAINTS`, the
#: rest are accepted and not enforced (docs/guides/generator.md lists them).
VALIDATION = frozenset(
    {
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
        "minProperties", "maxProperties", "propertyNames", "not", "if", "then", "else",
        "dependentRequired", "dependentSchemas", "dependencies", "contains", "minContains",
        "maxContains", "unevaluatedItems", "contentMediaType", "contentSchema",
    }
)  # fmt: skip
#: Keywords that only describe.
ANNOTATION = frozenset(
    {
        "description", "title", "example", "examples", "default", "deprecated",
        "readOnly", "writeOnly", "externalDocs", "xml", "$comment", "$schema", "$id",
        "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$defs", "definitions",
        "$vocabulary",
    }
)  # fmt: skip
KNOWN = TYPING | VALIDATION | ANNOTATION

#: `contentMediaType` values whose content is text, not bytes (`+json` and `+xml` too).
_TEXT_MEDIA_TYPES = ("text/", "application/json", "application/xml")


def is_binary_string(schema: Mapping[str, Any]) -> bool:
    """A string holding raw bytes where a body is not JSON (a multipart part, the whole
    body): `format: binary` (OpenAPI 3.0), or `contentMediaType` of a media type that is
    not text without a `contentEncoding` (OpenAPI 3.1's spelling, FastAPI's `UploadFile`:
    `{type: string, contentMediaType: application/octet-stream}`). In JSON the latter is
    a string whose characters are the content, as pydantic sends `bytes`."""
    if schema.get("format") == "binary":
        return True
    media_type = schema.get("contentMediaType")
    if not isinstance(media_type, str) or "contentEncoding" in schema:
        return False
    essence = media_type.split(";", 1)[0].strip().lower()
    textual = essence.startswith(_TEXT_MEDIA_TYPES) or essence.endswith(("+json", "+xml"))
    return bool(essence) and not textual


#: JSON Schema keyword -> pydantic `Field` argument, per kind of instance it applies to.
_CONSTRAINTS: dict[str, dict[str, str]] = {
    "number": {
        "minimum": "ge",
        "maximum": "le",
        "exclusiveMinimum": "gt",
        "exclusiveMaximum": "lt",
    },
    "string": {"minLength": "min_length", "maxLength": "max_length", "pattern": "pattern"},
    "array": {"minItems": "min_length", "maxItems": "max_length"},
    "object": {"minProperties": "min_length", "maxProperties": "max_length"},
}


def check_unknown(ctx: ParseContext, schema: Mapping[str, Any], pointer: str) -> None:
    """Unknown keywords are ignored, as JSON Schema says; one that looks like a misspelt
    typing keyword gets a warning, since the author meant it to change the type."""
    for key in schema:
        if key in KNOWN or not isinstance(key, str) or key.startswith("x-"):
            continue
        close = difflib.get_close_matches(key.lower(), [k.lower() for k in TYPING], 1, 0.8)
        if close:
            meant = next(k for k in TYPING if k.lower() == close[0])
            ctx.warning(f"{pointer}/{key}", f"unknown keyword {key!r} ignored (not {meant!r})")


def constraints(
    ctx: ParseContext, schema: Mapping[str, Any], pointer: str, kind: str
) -> ir.Constraints:
    """The constraints on a value of JSON type `kind` (`string`, `number`, `array`,
    `object`); keywords for other kinds do not apply, as in JSON Schema."""
    values: dict[str, Any] = {}
    for keyword, target in _CONSTRAINTS.get(kind, {}).items():
        if keyword not in schema:
            continue
        value = schema[keyword]
        if keyword.startswith("exclusive") and isinstance(value, bool):
            continue  # OpenAPI 3.0's flag, read below
        if not _valid(keyword, value):
            ctx.warning(f"{pointer}/{keyword}", f"{keyword} {shown(value)} is not valid; ignored")
            continue
        values[target] = value
    if kind == "number":
        _exclusive_forms(ctx, schema, pointer, values)
    return ir.Constraints(**values)


def _exclusive_forms(
    ctx: ParseContext, schema: Mapping[str, Any], pointer: str, values: dict[str, Any]
) -> None:
    """`exclusiveMinimum: true` (3.0: `minimum` is exclusive) or a number (3.1: the bound
    itself): either form is read, with a warning when it is the other version's."""
    version_30 = str(ctx.spec.get("openapi", "")).startswith("3.0")
    for flag, inclusive, exclusive in (
        ("exclusiveMinimum", "ge", "gt"),
        ("exclusiveMaximum", "le", "lt"),
    ):
        value = schema.get(flag)
        if isinstance(value, bool):
            if not version_30:
                ctx.warning(
                    f"{pointer}/{flag}",
                    f"{flag}: {str(value).lower()} is OpenAPI 3.0's form (3.1 takes the bound); "
                    "read as 3.0",
                )
            if value and inclusive in values:
                values[exclusive] = values.pop(inclusive)
        elif exclusive in values and version_30:
            ctx.warning(
                f"{pointer}/{flag}",
                f"{flag}: {value!r} is OpenAPI 3.1's form (3.0 takes true/false); read as 3.1",
            )


def _valid(keyword: str, value: object) -> bool:
    if keyword == "pattern":
        return isinstance(value, str) and _pattern_compiles(value)
    if keyword.startswith(("min", "max")) and keyword not in ("minimum", "maximum"):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@cache
def _pattern_compiles(pattern: str) -> bool:
    """Whether pydantic, which checks patterns with Rust's regex engine, accepts `pattern`:
    a model with a pattern it refuses (a look-around) would fail on import. Python's `re`
    is not asked: it refuses Unicode classes (`\\p{L}`) that Rust's engine reads, and
    nothing else checks the pattern."""
    try:
        pydantic.TypeAdapter(Annotated[str, pydantic.Field(pattern=pattern)])
    except Exception:  # pydantic_core.SchemaError
        return False
    return True
