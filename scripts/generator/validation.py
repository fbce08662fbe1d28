"""openapi-spec-validator's findings as warnings, each at the real place in the spec.

The validator checks the document against the OpenAPI schema (its errors carry a path from
the root), then walks the spec itself, checking each schema against its dialect and each
`default` against its schema; those errors carry a path relative to the schema or value
checked, and the validator reached that schema through `$ref`s. The walkers are wrapped to
note where each error was raised, and that path is then followed through the spec, jumping
along each `$ref` it passes, so the pointer names a place that is written in the file.
A crash inside the validator is a warning that validation stopped, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from jsonschema.exceptions import (  # type: ignore[import-untyped]
    ValidationError,
    best_match,
)
from jsonschema_path.paths import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.keywords import ValueValidator

from .diagnostics import Diagnostics
from .pointers import MISSING, follow, join, split

_LONGEST_MESSAGE = 200
_LONGEST_VALUE = 60
_MAX_REF_HOPS = 64


def validate(spec: dict[str, Any], version: str, diagnostics: Diagnostics) -> None:
    """Add a warning for each problem the validator finds in `spec` (all `$ref`s internal)."""
    base = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    where: tuple[Any, ...] = ()
    try:
        validator = _locating_validator(base)(spec)
        errors = chain(
            validator.schema_validator.iter_errors(spec),
            validator.root_validator(validator.schema_path),
        )
        for error in errors:
            found: _Found = getattr(error, "_found", _Found((), False))
            for specific in _specific(error):
                pointer = real_pointer(spec, [*found.parts, *specific.absolute_path])
                diagnostics.warning(pointer, _message(specific, found.default))
    except Exception as crash:
        if isinstance(crash, _Stopped):
            where, crash = crash.parts, crash.crash
        detail = _one_line((str(crash).strip().splitlines() or [""])[0])
        diagnostics.warning(
            real_pointer(spec, list(where)),
            f"validation could not finish ({type(crash).__name__}"
            f"{': ' + detail if detail else ''}); the rest of the spec was not validated",
        )


def real_pointer(spec: Any, parts: list[Any]) -> str:
    """The pointer of the place the validator's path `parts` leads to, as written: each
    `$ref` on the way is followed, so the pointer goes through its target, not through it.
    Where the path cannot be followed, the deepest place it reached."""
    node, real = spec, []
    index, hops = 0, 0
    while index < len(parts):
        part = parts[index]
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node, index = node[part], index + 1
            real.append(str(part))
            continue
        if not isinstance(node, dict):
            break
        key = str(part)
        if key in node:
            node, index = node[key], index + 1
            real.append(key)
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and hops < _MAX_REF_HOPS:
            target = follow(spec, split(ref[1:]))
            if target is not MISSING:
                node, real, hops = target, split(ref[1:]), hops + 1
                continue
        joined = _rejoined(node, parts, index)  # a key with '#' the validator split
        if joined is None:
            break
        node, index = node[joined[0]], joined[1]
        real.append(joined[0])
    return join(real)


def _rejoined(node: dict[str, Any], parts: list[Any], index: int) -> tuple[str, int] | None:
    for end in range(index + 2, len(parts) + 1):
        key = "#".join(str(part) for part in parts[index:end])
        if key in node:
            return key, end
    return None


def _specific(error: ValidationError) -> list[ValidationError]:
    """For "not valid under any of the given schemas" (`oneOf`: a Schema or a Reference),
    the errors of the alternative the value came closest to, each at its own place."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    closest = best_match([error])
    alternatives = {id(alternative) for alternative in error.context}
    while id(closest) not in alternatives and closest.parent is not None:
        closest = closest.parent
    branch = closest.relative_schema_path[0] if id(closest) in alternatives else None
    found = [
        specific
        for alternative in error.context
        if alternative.relative_schema_path and alternative.relative_schema_path[0] == branch
        for specific in _specific(alternative)
    ]
    return found or [error]


class _Found:
    """Where the walker that raised an error was: the path it reached its object by."""

    __slots__ = ("default", "parts")

    def __init__(self, parts: tuple[Any, ...], default: bool) -> None:
        self.parts = parts
        self.default = default


class _Stopped(Exception):
    def __init__(self, parts: tuple[Any, ...], crash: Exception) -> None:
        super().__init__(str(crash))
        self.parts = parts
        self.crash = crash


class _SeenIds(set[int]):
    """The validator keeps the ids of the schemas it visited in a list (quadratic on a
    large spec); this is a set with the list's `append`."""

    def append(self, value: int) -> None:
        self.add(value)


def _locating_validator(base: type[Any]) -> type[Any]:
    walkers = {name: _locating(walker) for name, walker in base.keyword_validators.items()}
    return type(f"Locating{base.__name__}", (base,), {"keyword_validators": walkers})


def _locating(walker: type[Any]) -> type[Any]:
    """`walker` (one of the validator's keyword classes) noting on each error where it was."""
    checks_default = issubclass(walker, ValueValidator)

    def init(self: Any, registry: Any) -> None:
        walker.__init__(self, registry)
        for name in ("visited_schema_ids", "meta_checked_schema_ids"):
            if isinstance(getattr(self, name, None), list):
                setattr(self, name, _SeenIds())

    def call(self: Any, *args: Any, **kwargs: Any) -> Iterator[ValidationError]:
        here = next((arg for arg in args if isinstance(arg, SchemaPath)), None)
        parts = tuple(here.parts) if here is not None else ()
        if checks_default:
            parts += ("default",)
        try:
            for error in walker.__call__(self, *args, **kwargs):
                if not hasattr(error, "_found"):
                    error._found = _Found(parts, checks_default)
                yield error
        except _Stopped:
            raise
        except Exception as crash:
            raise _Stopped(parts, crash) from crash

    return type(f"Locating{walker.__name__}", (walker,), {"__init__": init, "__call__": call})


def _message(error: ValidationError, default: bool) -> str:
    text = error.message
    instance = getattr(error, "instance", None)
    written = repr(instance)
    if len(written) > _LONGEST_VALUE and written in text:
        text = text.replace(written, _short(instance))
    if default:
        text = f"the default does not match its schema: {text}"
    keyword = error.path[-1] if error.path else None
    if keyword in ("exclusiveMinimum", "exclusiveMaximum"):
        bound = "minimum" if keyword == "exclusiveMinimum" else "maximum"
        text += (
            f" (OpenAPI 3.1: `{keyword}` is the bound itself, not a flag beside `{bound}`)"
            if isinstance(instance, bool)
            else f" (OpenAPI 3.0: `{keyword}: true` is a flag beside `{bound}`)"
        )
    return _one_line(text, _LONGEST_MESSAGE)


def _short(value: Any) -> str:
    """A value named in a message without dumping it."""
    if isinstance(value, dict):
        keys = ", ".join(repr(key) for key in list(value)[:4])
        return f"an object with keys {keys}{', ...' if len(value) > 4 else ''}"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    written = repr(value)
    return written[: _LONGEST_VALUE - 3] + "..." if len(written) > _LONGEST_VALUE else written


def _one_line(text: str, limit: int = _LONGEST_MESSAGE) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
