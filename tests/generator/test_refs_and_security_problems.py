"""Broken component `$ref`s and security declarations: each reported once, at the pointer
of the `$ref` or keyword at fault, as an error (the code would be wrong) or a warning
(generation goes on)."""

from __future__ import annotations

from typing import Any

import pytest
from generator import ir
from generator.diagnostics import Diagnostics, SpecError
from generator.parse import parse

PACKAGE = ir.Package("pkg", "pkg", "0.1.0", "PkgSDK", "spec.yml")


def spec_with(operation: dict[str, Any], components: dict[str, Any], **root: Any) -> dict[str, Any]:
    base = {"responses": {"204": {"description": "done"}}, "tags": ["things"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {"get": {**base, **operation}}},
        "components": components,
        **root,
    }


@pytest.mark.parametrize(
    ("operation", "components", "expected"),
    [
        (
            {"parameters": [{"$ref": "#/components/parameters/Missing"}]},
            {"parameters": {}},
            "#/paths/~1things/get/parameters/0/$ref: "
            "$ref '#/components/parameters/Missing' points to nothing",
        ),
        (
            {"parameters": [{"$ref": "#/components/parameters/A"}]},
            {
                "parameters": {
                    "A": {"$ref": "#/components/parameters/B"},
                    "B": {"$ref": "#/components/parameters/A"},
                }
            },
            "#/components/parameters/B/$ref: $ref cycle in components/parameters: A -> B -> A",
        ),
        (
            {"responses": {"200": {"$ref": "#/components/responses/Gone"}}},
            {},
            "#/paths/~1things/get/responses/200/$ref: "
            "$ref '#/components/responses/Gone' points to nothing",
        ),
        (
            {"requestBody": {"$ref": "#/components/requestBodies/Body"}},
            {"requestBodies": {"Body": {"$ref": "#/components/requestBodies/Body"}}},
            "#/components/requestBodies/Body/$ref: "
            "$ref cycle in components/requestBodies: Body -> Body",
        ),
        (
            {
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {"X-Rate": {"$ref": "#/components/headers/Rate"}},
                    }
                }
            },
            {},
            "#/paths/~1things/get/responses/200/headers/X-Rate/$ref: "
            "$ref '#/components/headers/Rate' points to nothing",
        ),
    ],
)
def test_broken_component_refs_are_errors_at_the_ref(
    operation: dict[str, Any], components: dict[str, Any], expected: str
) -> None:
    diagnostics = Diagnostics()
    with pytest.raises(SpecError):
        parse(spec_with(operation, components), PACKAGE, diagnostics)
    assert [str(p) for p in diagnostics.errors] == [expected]


def test_a_parameter_ref_to_another_kind_is_left_out_with_a_warning() -> None:
    spec = spec_with(
        {"parameters": [{"$ref": "#/components/schemas/Thing"}]},
        {"schemas": {"Thing": {"type": "string"}}},
    )
    diagnostics = Diagnostics()
    api, _ = parse(spec, PACKAGE, diagnostics)
    assert [str(p) for p in diagnostics.problems] == [
        "#/paths/~1things/get/parameters/0/$ref: $ref '#/components/schemas/Thing' does not "
        "point to a parameter (into #/components/parameters/); the parameter is left out"
    ]
    assert [op.parameters for op in api.resources[0].operations] == [()]


def test_security_problems_are_warnings_and_the_operation_is_generated() -> None:
    spec = spec_with(
        {"security": [{"nope": []}, {"key": []}, {"tls": []}]},
        {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "body", "name": "k"},
                "tls": {"type": "mutualTLS"},
                "client": {"type": "http", "scheme": "bearer"},
            }
        },
    )
    diagnostics = Diagnostics()
    api, _ = parse(spec, PACKAGE, diagnostics)
    assert [str(p) for p in diagnostics.warnings] == [
        "#/components/securitySchemes/key: "
        "an apiKey scheme needs `in` (header, query or cookie) and `name`",
        "#/components/securitySchemes/tls: security scheme type 'mutualTLS' is not supported",
        "#/components/securitySchemes/client: "
        "the argument 'client' is taken; this scheme's is 'client_auth'",
        "#/paths/~1things/get/security/0/nope: "
        "no security scheme 'nope' in components.securitySchemes",
        "#/paths/~1things/get/security: "
        "no security requirement the SDK supports: no credentials are sent",
    ]
    (scheme,) = api.security
    assert (scheme.name, scheme.env_var) == ("client_auth", "PKGSDK_CLIENT_AUTH")
    (operation,) = api.resources[0].operations
    assert operation.security == ()


def test_path_parameter_marked_optional_is_required_with_a_warning() -> None:
    spec = spec_with({}, {})
    spec["paths"] = {
        "/things/{id}": {
            "get": {
                "responses": {"204": {"description": "done"}},
                "parameters": [
                    {"name": "id", "in": "path", "schema": {"type": "string"}},
                    {"name": "q", "in": "query", "style": "matrix", "schema": {"type": "string"}},
                ],
            }
        }
    }
    diagnostics = Diagnostics()
    api, _ = parse(spec, PACKAGE, diagnostics)
    assert [str(p) for p in diagnostics.warnings] == [
        "#/paths/~1things~1{id}/get/parameters/0: path parameter 'id' is always required",
        "#/paths/~1things~1{id}/get/parameters/1/style: "
        "style 'matrix' is not allowed in the query; 'form' is used",
    ]
    path, query = api.resources[0].operations[0].parameters
    assert (path.field.required, path.style, path.explode) == (True, "simple", False)
    assert (query.style, query.explode) == ("form", True)


def test_path_placeholders_and_parameters_are_matched_with_warnings() -> None:
    """A `{name}` with no parameter becomes a required string (never sent as `{name}`);
    a path parameter the path has no place for is dropped; a parameter serialized as JSON
    is typed by its schema, as another media type it is sent as the text given."""
    spec = spec_with({}, {})
    spec["paths"] = {
        "/orgs/{org}/things/{id}": {
            "get": {
                "responses": {"204": {"description": "done"}},
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "ghost", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "filter",
                        "in": "query",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    {
                        "name": "fields",
                        "in": "query",
                        "content": {"text/csv": {"schema": {"type": "array"}}},
                    },
                ],
            }
        }
    }
    diagnostics = Diagnostics()
    api, _ = parse(spec, PACKAGE, diagnostics)
    pointer = "#/paths/~1orgs~1{org}~1things~1{id}/get"
    assert [str(p) for p in diagnostics.warnings] == [
        f"{pointer}/parameters/3/content: "
        "a parameter serialized as 'text/csv' is sent as the text given",
        f"{pointer}: path parameter 'ghost' is not in the path",
        f"{pointer}: {{org}} in the path has no parameter: a string is sent",
    ]
    params = api.resources[0].operations[0].parameters
    assert [(p.location, p.field.wire_name, p.field.type, p.field.required) for p in params] == [
        ("path", "id", ir.ScalarType("int"), True),
        ("path", "org", ir.ScalarType("str"), True),
        ("query", "filter", ir.DictType(ir.AnyType()), False),
        ("query", "fields", ir.ScalarType("str"), False),
    ]
    assert [p.media_type for p in params] == ["", "", "application/json", ""]
