"""Where each kind of OpenAPI object sits: walking a spec from its root, which object a
node is (a path item, an operation, a schema, ...) follows from the keys that lead to it."""

from __future__ import annotations

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
SECTIONS = {
    "schema": "schemas",
    "response": "responses",
    "parameter": "parameters",
    "example": "examples",
    "requestBody": "requestBodies",
    "header": "headers",
    "securityScheme": "securitySchemes",
    "link": "links",
    "callback": "callbacks",
}
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("items", "additionalProperties", "additionalItems", "not", "if", "then", "else",
               "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
               "contentSchema")  # fmt: skip
_PARAMETER = {"schema": "schema", "content": "map:mediaType", "examples": "map:example"}
_CHILDREN: dict[str, dict[str, str]] = {
    "root": {"paths": "map:pathItem", "webhooks": "map:pathItem", "components": "components"},
    "components": {
        **{section: f"map:{kind}" for kind, section in SECTIONS.items()},
        "pathItems": "map:pathItem",
        "mediaTypes": "map:mediaType",
    },
    "pathItem": {
        **dict.fromkeys(METHODS, "operation"),
        "parameters": "list:parameter",
        "additionalOperations": "map:operation",
    },
    "operation": {
        "parameters": "list:parameter",
        "requestBody": "requestBody",
        "responses": "map:response",
        "callbacks": "map:callback",
    },
    "parameter": _PARAMETER,
    "header": _PARAMETER,
    "requestBody": {"content": "map:mediaType"},
    "response": {"content": "map:mediaType", "headers": "map:header", "links": "map:link"},
    "mediaType": {
        "schema": "schema",
        "itemSchema": "schema",
        "examples": "map:example",
        "encoding": "map:encoding",
    },
    "encoding": {"headers": "map:header"},
    "schema": {
        **dict.fromkeys(_SCHEMA_MAPS, "map:schema"),
        **dict.fromkeys(_SCHEMA_ONE, "schema"),
        **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), "list:schema"),
    },
}
CONTAINERS = ("root", "components", "map:", "list:")


def child_kind(kind: str, key: str) -> str | None:
    """What the value under `key` of a `kind` object is (None: data, not followed)."""
    if kind.startswith(("map:", "list:")):
        return kind.split(":", 1)[1]
    if kind == "callback":
        return "pathItem"
    return _CHILDREN.get(kind, {}).get(key)
