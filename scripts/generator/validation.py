"""Defects of a spec that generation works around, as warnings at their place in the file.

Two passes, each linear in the size of the spec (every `$ref` is internal by now):

1. The document against the OpenAPI 3.0 / 3.1 / 3.2 JSON Schema that openapi-spec-validator
   ships, with every Schema Object emptied first (pass 2 checks schemas, with messages of
   its own). In the 3.1 and 3.2 schemas, a Schema Object is a `$dynamicRef` that resolves to
   "an object or a boolean" unless a dialect overrides it; jsonschema resolves each one
   dynamically, which made a spec of 1,500 schemas take a minute, so the plain type is
   written in its place.
2. One walk over the spec: each schema's keywords have the value types the OpenAPI
   version's schema dialect requires (`exclusiveMinimum` is a number in 3.1, a flag in
   3.0; `required` lists each name once; ...), each `default` matches its schema, and
   no operationId, parameter or path template variable is used twice or left undeclared.

Each problem is one line at a JSON pointer written in the file. A crash in a pass is a
warning that validation stopped there, never fatal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import (  # type: ignore[import-untyped]
    ValidationError,
    best_match,
)
from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_spec_validator.schemas.utils import get_schema_content

from .diagnostics import Diagnostics
from .pointers import MISSING, follow, join, split
from .structure import METHODS, child_kind

_LONGEST_MESSAGE = 200
_LONGEST_VALUE = 60
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")


def validate(spec: dict[str, Any], version: str, diagnostics: Diagnostics) -> None:
    """Add a warning for each defect found in `spec` (3.2 keeps 3.1's schema dialect)."""
    release = version[:3] if version[:3] in ("3.1", "3.2") else "3.0"
    v31 = release != "3.0"
    try:
        validator = _document_validator(release)
        for error in validator.iter_errors(_skeleton(spec, "root")):
            for specific in _specific(error):
                diagnostics.warning(join(specific.absolute_path), _message(specific))
    except Exception as crash:
        diagnostics.warning("#", _stopped(crash, "; the document's structure was not checked"))
    _Walk(spec, v31, diagnostics).node(spec, "root", [])


@functools.cache
def _document_validator(version: str) -> Any:
    schema = get_schema_content(version)
    if version != "3.0":
        schema = _plain_schema_objects(schema)
    return validator_for(schema)(schema)


def _plain_schema_objects(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("$dynamicRef") == "#meta":
            return {"type": ["object", "boolean"]}
        return {key: _plain_schema_objects(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain_schema_objects(value) for value in node]
    return node


def _skeleton(node: Any, kind: str) -> Any:
    """`node` with each Schema Object replaced by `{}` (a copy of what changes)."""
    if kind == "schema":
        return {} if isinstance(node, dict) else node
    if isinstance(node, list):
        element = kind.removeprefix("list:")
        return [_skeleton(item, element) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        child = child_kind(kind, key)
        result[key] = value if child is None else _skeleton(value, child)
    return result


class _Walk:
    """Pass 2: schemas, defaults and operations, each object once."""

    def __init__(self, spec: dict[str, Any], v31: bool, diagnostics: Diagnostics) -> None:
        self.spec = spec
        self.v31 = v31
        self.diagnostics = diagnostics
        self.seen: set[int] = set()
        self.operation_ids: dict[str, str] = {}
        # Defaults are checked against their schema by a validator whose root is the spec,
        # so that `#/components/...` resolves.
        values = OAS31Validator if v31 else OAS30Validator
        checker = oas31_format_checker if v31 else oas30_format_checker
        self.values: Any = values(spec, format_checker=checker)

    def node(self, node: Any, kind: str, parts: list[str]) -> None:
        if isinstance(node, list):
            element = kind.removeprefix("list:")
            for index, item in enumerate(node):
                self.node(item, element, [*parts, str(index)])
            return
        if not isinstance(node, dict) or id(node) in self.seen:
            return
        self.seen.add(id(node))
        try:
            if kind == "schema":
                self.schema(node, parts)
            elif kind == "pathItem":
                self.path_item(node, parts)
        except Exception as crash:
            self.diagnostics.warning(join(parts), _stopped(crash))
        for key, value in node.items():
            child = child_kind(kind, key)
            if child is not None and isinstance(value, (dict, list)):
                self.node(value, child, [*parts, key])

    def schema(self, schema: dict[str, Any], parts: list[str]) -> None:
        for keyword, message in _keyword_problems(schema, self.v31):
            self.diagnostics.warning(join([*parts, keyword]), message)
        if "default" in schema and not (
            schema.get("nullable") is True and schema["default"] is None
        ):
            errors = list(self.values.evolve(schema=schema).iter_errors(schema["default"]))
            if errors:
                error = best_match(errors)
                self.diagnostics.warning(
                    join([*parts, "default", *error.absolute_path]),
                    _message(error, "the default does not match its schema: "),
                )

    def path_item(self, item: dict[str, Any], parts: list[str]) -> None:
        shared = self.parameters(item.get("parameters"), [*parts, "parameters"])
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            here = [*parts, method]
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                first = self.operation_ids.setdefault(operation_id, join(here))
                if first != join(here):
                    self.diagnostics.warning(
                        join([*here, "operationId"]),
                        f"operationId {operation_id!r} is also the operationId of {first}",
                    )
            own = self.parameters(operation.get("parameters"), [*here, "parameters"])
            if len(parts) == 2 and parts[0] == "paths":  # not a callback's path item
                declared = {name for name, where in shared | own if where == "path"}
                for name in _TEMPLATE_VARIABLE.findall(parts[1]):
                    if name not in declared:
                        self.diagnostics.warning(
                            join(here), f"the path parameter {name!r} is not declared"
                        )

    def parameters(self, parameters: Any, parts: list[str]) -> set[tuple[str, str]]:
        """The (name, location) of each parameter; one declared twice is a warning."""
        found: set[tuple[str, str]] = set()
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
                target = follow(self.spec, split(parameter["$ref"][1:]))
                parameter = target if target is not MISSING else {}
            if not isinstance(parameter, dict):
                continue
            key = (str(parameter.get("name")), str(parameter.get("in")))
            if key in found:
                self.diagnostics.warning(
                    join([*parts, str(index)]),
                    f"the {key[1]} parameter {key[0]!r} is declared twice",
                )
            found.add(key)
        return found


# -- schema keywords --------------------------------------------------------------------

_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
           "minContains", "maxContains")  # fmt: skip
_NUMBERS = ("minimum", "maximum", "multipleOf")
_FLAGS = ("uniqueItems", "readOnly", "writeOnly", "deprecated")
_TEXTS = ("title", "description", "format", "pattern", "$ref", "$id", "$anchor", "$comment",
          "contentMediaType", "contentEncoding")  # fmt: skip
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMAS = ("items", "additionalProperties", "not", "if", "then", "else", "contains",
               "propertyNames", "unevaluatedItems", "unevaluatedProperties")  # fmt: skip


def _keyword_problems(schema: dict[str, Any], v31: bool) -> Iterator[tuple[str, str]]:
    """(keyword, message) for each keyword whose value the dialect does not allow."""
    for keyword, value in schema.items():
        expected = _expected(keyword, value, v31)
        if expected is not None:
            yield keyword, f"`{keyword}` must be {expected} (found {_short(value)})"
    required = schema.get("required")
    if isinstance(required, list):
        names = [name for name in required if isinstance(name, str)]
        for name in sorted({name for name in names if names.count(name) > 1}):
            yield "required", f"{name!r} is listed more than once in `required`"


def _expected(keyword: str, value: Any, v31: bool) -> str | None:
    """What `value` should have been for `keyword`, or None when it is fine."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    is_schema = isinstance(value, dict) or (v31 and isinstance(value, bool))
    schemas_are = "objects or booleans" if v31 else "objects"
    if keyword == "type":
        allowed = _TYPES if v31 else tuple(t for t in _TYPES if t != "null")
        if isinstance(value, str) and value in allowed:
            return None
        if v31 and isinstance(value, list) and value and all(t in allowed for t in value):
            return None if len(set(value)) == len(value) else "a list of distinct type names"
        if v31:
            return f"one of {', '.join(allowed)} or a list of them"
        return f"one of {', '.join(allowed)} in OpenAPI 3.0 (null is `nullable: true`)"
    if keyword in ("exclusiveMinimum", "exclusiveMaximum"):
        bound = "minimum" if keyword == "exclusiveMinimum" else "maximum"
        if v31 and not is_number:
            return f"a number in OpenAPI 3.1: the bound itself, not a flag beside `{bound}`"
        if not v31 and not isinstance(value, bool):
            return f"true or false in OpenAPI 3.0: a flag beside `{bound}`"
        return None
    if keyword in _COUNTS:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "a non-negative integer"
    if keyword in _NUMBERS:
        if keyword == "multipleOf" and is_number and value <= 0:
            return "a number above 0"
        return None if is_number else "a number"
    if keyword in _FLAGS or (keyword == "nullable" and not v31):
        return None if isinstance(value, bool) else "true or false"
    if keyword in _TEXTS:
        return None if isinstance(value, str) else "a string"
    if keyword in ("required", "enum"):
        if not isinstance(value, list):
            return "a list"
        if keyword == "required" and not all(isinstance(name, str) for name in value):
            return "a list of property names"
        return None
    if keyword in _SUBSCHEMA_LISTS:
        ok = isinstance(value, list) and bool(value) and all(_is_schema(v, v31) for v in value)
        return None if ok else f"a non-empty list of schemas ({schemas_are})"
    if keyword in _SUBSCHEMA_MAPS:
        ok = isinstance(value, dict) and all(_is_schema(item, v31) for item in value.values())
        return None if ok else f"an object whose values are schemas ({schemas_are})"
    if keyword in _SUBSCHEMAS:
        if keyword == "additionalProperties" and isinstance(value, bool):
            return None
        return (
            None if is_schema else f"a schema ({'an object or a boolean' if v31 else 'an object'})"
        )
    if keyword == "discriminator":
        ok = isinstance(value, dict) and isinstance(value.get("propertyName"), str)
        mapping = value.get("mapping", {}) if isinstance(value, dict) else {}
        ok = ok and isinstance(mapping, dict) and all(isinstance(v, str) for v in mapping.values())
        return None if ok else "an object with a string `propertyName` (and a `mapping` of strings)"
    return None


def _is_schema(value: Any, v31: bool) -> bool:
    return isinstance(value, dict) or (v31 and isinstance(value, bool))


# -- messages ---------------------------------------------------------------------------


def _specific(error: ValidationError) -> list[ValidationError]:
    """For "not valid under any of the given schemas" (`oneOf`: a Parameter or a
    Reference, ...), the errors of the alternative the value came closest to."""
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


def _message(error: ValidationError, prefix: str = "") -> str:
    text = error.message
    instance = getattr(error, "instance", None)
    written = repr(instance)
    if len(written) > _LONGEST_VALUE and written in text:
        text = text.replace(written, _short(instance))
    return _one_line(prefix + text)


def _stopped(crash: Exception, consequence: str = "") -> str:
    detail = (str(crash).strip().splitlines() or [""])[0]
    reason = f"{type(crash).__name__}: {detail}" if detail else type(crash).__name__
    return _one_line(f"validation could not finish ({reason}){consequence}")


def _short(value: Any) -> str:
    """A value named in a message without dumping it."""
    if isinstance(value, dict):
        keys = ", ".join(repr(key) for key in list(value)[:4])
        return f"an object with keys {keys}{', ...' if len(value) > 4 else ''}"
    if isinstance(value, list) and len(repr(value)) > _LONGEST_VALUE:
        return f"a list of {len(value)} items"
    if isinstance(value, bool):
        return "true" if value else "false"
    written = repr(value)
    return written[: _LONGEST_VALUE - 3] + "..." if len(written) > _LONGEST_VALUE else written


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _LONGEST_MESSAGE else line[: _LONGEST_MESSAGE - 3] + "..."
