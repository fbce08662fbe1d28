"""The Swagger 2.0 upgrade (`generator/swagger2.py`) on the cases a petstore does not
show: where the media types of shared bodies and responses differ per operation, path
level body and form parameters, servers without a host, parameters in other files,
collection formats OpenAPI 3 cannot spell, and where problems are reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from generator.diagnostics import Diagnostics, SpecError
from generator.load import load_spec

INFO = {"title": "t", "version": "1"}


def load(tmp_path: Path, spec: dict[str, Any], **files: Any) -> tuple[dict[str, Any], list[str]]:
    """The upgraded spec and its warnings (`files`: other files next to it, by name)."""
    for name, content in files.items():
        (tmp_path / name.replace("__", ".")).write_text(json.dumps(content))
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"swagger": "2.0", "info": INFO, **spec}))
    diagnostics = Diagnostics()
    loaded = load_spec(path, diagnostics)
    return loaded, [str(problem) for problem in diagnostics.warnings]


def op(**fields: Any) -> dict[str, Any]:
    return {"responses": {"204": {"description": "done"}}, **fields}


@pytest.mark.parametrize(
    ("root", "servers"),
    [
        ({"host": "api.test:8443", "basePath": "/v1/"}, [{"url": "https://api.test:8443/v1"}]),
        (
            {"host": "api.test", "schemes": ["http", "https", "ws"]},
            [{"url": "https://api.test"}, {"url": "http://api.test"}],
        ),
        ({"basePath": "/api/v3"}, [{"url": "/api/v3"}]),
        ({}, None),
    ],
)
def test_servers_from_host_base_path_and_schemes(
    tmp_path: Path, root: dict[str, Any], servers: Any
) -> None:
    spec, warnings = load(tmp_path, {**root, "paths": {}})
    assert (spec["openapi"], spec.get("servers"), warnings) == ("3.0.3", servers, [])
    assert not {"swagger", "host", "basePath", "schemes"} & spec.keys()


def test_an_operations_own_schemes_are_its_servers(tmp_path: Path) -> None:
    spec, _ = load(
        tmp_path,
        {"host": "a.test", "schemes": ["https"], "paths": {"/x": {"get": op(schemes=["http"])}}},
    )
    assert spec["paths"]["/x"]["get"]["servers"] == [{"url": "http://a.test"}]


def test_shared_body_and_response_keep_refs_only_where_the_media_types_match(
    tmp_path: Path,
) -> None:
    thing = {"$ref": "#/definitions/Thing"}
    spec, _ = load(
        tmp_path,
        {
            "consumes": ["application/json"],
            "produces": ["application/json"],
            "definitions": {"Thing": {"type": "object"}},
            "parameters": {"Body": {"name": "b", "in": "body", "schema": thing}},
            "responses": {"Ok": {"description": "ok", "schema": thing}},
            "paths": {
                "/json": {"post": op(parameters=[{"$ref": "#/parameters/Body"}])},
                "/yaml": {
                    "post": {
                        "consumes": ["application/yaml"],
                        "produces": ["text/csv"],
                        "parameters": [{"$ref": "#/parameters/Body"}],
                        "responses": {"200": {"$ref": "#/responses/Ok"}},
                    }
                },
            },
        },
    )
    internal = {"$ref": "#/components/schemas/Thing"}
    assert spec["paths"]["/json"]["post"]["requestBody"] == {
        "$ref": "#/components/requestBodies/Body"
    }
    assert spec["components"]["requestBodies"]["Body"] == {
        "content": {"application/json": {"schema": internal}},
        "x-codegen-request-body-name": "b",
    }
    yaml = spec["paths"]["/yaml"]["post"]
    assert yaml["requestBody"]["content"] == {"application/yaml": {"schema": internal}}
    assert yaml["responses"]["200"] == {
        "description": "ok",
        "content": {"text/csv": {"schema": internal}},
    }
    assert "parameters" not in spec["components"]


def test_path_level_body_and_form_parameters_go_to_each_operation(tmp_path: Path) -> None:
    note = {"name": "note", "in": "formData", "type": "string"}
    spec, _ = load(
        tmp_path,
        {
            "paths": {
                "/notes/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "type": "string", "required": True},
                        note,
                    ],
                    "post": op(),
                    "put": op(parameters=[{**note, "type": "integer", "required": True}]),
                }
            }
        },
    )
    item = spec["paths"]["/notes/{id}"]
    assert item["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    form = "application/x-www-form-urlencoded"
    assert item["post"]["requestBody"]["content"][form]["schema"] == {
        "type": "object",
        "properties": {"note": {"type": "string"}},
    }
    assert item["put"]["requestBody"] == {
        "required": True,
        "content": {
            form: {
                "schema": {
                    "type": "object",
                    "properties": {"note": {"type": "integer"}},
                    "required": ["note"],
                }
            }
        },
    }


@pytest.mark.parametrize(
    ("consumes", "field_type", "media_types"),
    [
        (["application/x-www-form-urlencoded"], "file", ["multipart/form-data"]),
        (
            ["multipart/form-data", "application/x-www-form-urlencoded"],
            "string",
            ["multipart/form-data", "application/x-www-form-urlencoded"],
        ),
        (["application/json"], "string", ["application/x-www-form-urlencoded"]),
        (["application/json"], "file", ["multipart/form-data"]),
    ],
)
def test_form_media_types(
    tmp_path: Path, consumes: list[str], field_type: str, media_types: list[str]
) -> None:
    field = {"name": "f", "in": "formData", "type": field_type}
    spec, _ = load(tmp_path, {"paths": {"/f": {"post": op(consumes=consumes, parameters=[field])}}})
    assert list(spec["paths"]["/f"]["post"]["requestBody"]["content"]) == media_types


def test_collection_formats_openapi_3_cannot_spell_are_warnings(tmp_path: Path) -> None:
    def array(name: str, placed: str, written: str) -> dict[str, Any]:
        return {"name": name, "in": placed, "type": "array", "items": {"type": "string"},
                "collectionFormat": written, "required": placed == "path"}  # fmt: skip

    spec, warnings = load(
        tmp_path,
        {
            "paths": {
                "/a/{p}": {
                    "get": op(
                        parameters=[
                            array("p", "path", "ssv"),
                            array("h", "header", "multi"),
                            array("q", "query", "tsv"),
                        ]
                    ),
                    "post": op(
                        consumes=["multipart/form-data"],
                        parameters=[
                            {"name": "p", "in": "path", "type": "string", "required": True},
                            array("m", "formData", "pipes"),
                        ],
                    ),
                }
            }
        },
    )
    at = "#/paths/~1a~1{p}"
    assert warnings == [
        f"{at}/get/parameters/0/collectionFormat: collectionFormat 'ssv' is not allowed in "
        "path: sent comma-separated",
        f"{at}/get/parameters/1/collectionFormat: collectionFormat 'multi' is not allowed in "
        "header: sent comma-separated",
        f"{at}/get/parameters/2/collectionFormat: collectionFormat 'tsv' has no OpenAPI 3 "
        "style: sent comma-separated (csv)",
        f"{at}/post/parameters/1/collectionFormat: a multipart field's items are sent as one "
        "part each (collectionFormat 'pipes' has no multipart form)",
    ]
    parameters = spec["paths"]["/a/{p}"]["get"]["parameters"]
    assert [(p.get("style"), p.get("explode")) for p in parameters] == [
        (None, None),
        (None, None),
        ("form", False),
    ]


def test_schemas_x_nullable_discriminator_file_and_security_schemes(tmp_path: Path) -> None:
    spec, warnings = load(
        tmp_path,
        {
            "definitions": {
                "Base": {
                    "type": "object",
                    "discriminator": "kind",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string"},
                        "owner": {"$ref": "#/definitions/Owner", "x-nullable": True},
                        "scan": {"type": "file"},
                        "age": {"type": "integer", "default": "old", "readOnly": True},
                    },
                },
                "Owner": {"type": "object", "x-nullable": False, "x-team": "a"},
            },
            "securityDefinitions": {
                "code": {
                    "type": "oauth2",
                    "flow": "accessCode",
                    "authorizationUrl": "https://a/1",
                    "tokenUrl": "https://a/2",
                    "scopes": {"r": "read"},
                },
                "app": {
                    "type": "oauth2",
                    "flow": "application",
                    "tokenUrl": "https://a/2",
                    "scopes": {},
                },
                "basic": {"type": "basic", "description": "user and password"},
                "key": {"type": "apiKey", "in": "query", "name": "k"},
            },
            "paths": {},
        },
    )
    schemas = spec["components"]["schemas"]
    assert schemas["Base"]["discriminator"] == {"propertyName": "kind"}
    assert schemas["Base"]["properties"]["owner"] == {
        "$ref": "#/components/schemas/Owner",
        "nullable": True,
    }
    assert schemas["Base"]["properties"]["scan"] == {"type": "string", "format": "binary"}
    assert schemas["Base"]["properties"]["age"]["readOnly"] is True
    assert schemas["Owner"] == {"type": "object", "x-team": "a"}
    assert spec["components"]["securitySchemes"] == {
        "code": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://a/1",
                    "tokenUrl": "https://a/2",
                    "scopes": {"r": "read"},
                }
            },
        },
        "app": {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "https://a/2", "scopes": {}}},
        },
        "basic": {"type": "http", "scheme": "basic", "description": "user and password"},
        "key": {"type": "apiKey", "name": "k", "in": "query"},
    }
    # a problem inside a definition is reported where it is written
    assert warnings == [
        "#/definitions/Base/properties/age/default: the default does not match its schema: "
        "'old' is not of type 'integer'"
    ]


def test_responses_headers_examples_and_files(tmp_path: Path) -> None:
    spec, _ = load(
        tmp_path,
        {
            "paths": {
                "/r": {
                    "get": {
                        "produces": ["application/json", "application/pdf"],
                        "responses": {
                            "200": {
                                "description": "the file",
                                "schema": {"type": "file"},
                                "headers": {
                                    "X-Parts": {"type": "array", "items": {"type": "integer"}}
                                },
                            },
                            "default": {
                                "description": "problem",
                                "schema": {"type": "object"},
                                "examples": {"application/json": {"a": 1}, "text/xml": "<a/>"},
                            },
                        },
                    }
                }
            }
        },
    )
    responses = spec["paths"]["/r"]["get"]["responses"]
    assert responses["200"] == {
        "description": "the file",
        "headers": {"X-Parts": {"schema": {"type": "array", "items": {"type": "integer"}}}},
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
    assert responses["default"]["content"] == {
        "application/json": {"schema": {"type": "object"}, "example": {"a": 1}},
        "application/pdf": {"schema": {"type": "object"}},
    }
    file = {"description": "f", "schema": {"type": "file"}}
    spec, _ = load(tmp_path, {"paths": {"/f": {"get": {"responses": {"200": file}}}}})
    assert spec["paths"]["/f"]["get"]["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }


def test_refs_into_other_files_are_upgraded_there(tmp_path: Path) -> None:
    common = {
        "definitions": {"Error": {"type": "object", "properties": {"code": {"type": "integer"}}}},
        "parameters": {
            "Page": {"name": "page", "in": "query", "type": "integer"},
            "Item": {"name": "item", "in": "body", "schema": {"$ref": "#/definitions/Error"}},
        },
        "responses": {"Problem": {"description": "p", "schema": {"$ref": "#/definitions/Error"}}},
    }
    pet = {"type": "object", "x-nullable": True, "properties": {"tag": {"type": "file"}}}
    spec, warnings = load(
        tmp_path,
        {
            "paths": {
                "/p": {
                    "post": {
                        "parameters": [
                            {"$ref": "common.json#/parameters/Page"},
                            {"$ref": "common.json#/parameters/Item"},
                            {"$ref": "shared.json#/limit"},
                        ],
                        "responses": {
                            "200": {"description": "ok", "schema": {"$ref": "pet.json"}},
                            "default": {"$ref": "common.json#/responses/Problem"},
                            "404": {"$ref": "shared.json#/gone"},
                        },
                    }
                }
            }
        },
        common__json=common,
        pet__json=pet,
        shared__json={
            "limit": {"name": "limit", "in": "query", "type": "array", "items": {"type": "string"}},
            "gone": {"description": "gone", "schema": {"$ref": "pet.json"}},
        },
    )
    components = spec["components"]
    assert components["schemas"]["Error"]["properties"] == {"code": {"type": "integer"}}
    assert components["schemas"]["Pet"] == {
        "type": "object",
        "nullable": True,
        "properties": {"tag": {"type": "string", "format": "binary"}},
    }
    assert components["parameters"]["Page"] == {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer"},
    }
    operation = spec["paths"]["/p"]["post"]
    assert operation["parameters"] == [
        {"$ref": "#/components/parameters/Page"},
        {"$ref": "#/components/parameters/Limit"},
    ]
    assert components["parameters"]["Limit"] == {
        "name": "limit",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": False,
    }
    gone = components["responses"][operation["responses"]["404"]["$ref"].split("/")[-1]]
    assert gone == {
        "description": "gone",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
    body = components["requestBodies"][operation["requestBody"]["$ref"].split("/")[-1]]
    assert body["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }
    problem = components["responses"][operation["responses"]["default"]["$ref"].split("/")[-1]]
    assert problem["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }
    assert warnings == []


def test_a_body_beside_form_fields_wins_with_a_warning(tmp_path: Path) -> None:
    parameters = [
        {"name": "b", "in": "body", "schema": {"type": "object"}},
        {"name": "f", "in": "formData", "type": "string"},
    ]
    spec, warnings = load(tmp_path, {"paths": {"/m": {"post": op(parameters=parameters)}}})
    assert spec["paths"]["/m"]["post"]["requestBody"]["content"] == {
        "application/json": {"schema": {"type": "object"}}
    }
    assert warnings == [
        "#/paths/~1m/post/parameters: both `in: body` and `in: formData` parameters: the form "
        "fields are left out"
    ]


def test_a_ref_over_the_network_is_reported_as_written(tmp_path: Path) -> None:
    remote = "https://schemas.test/common.json#/definitions/Error"
    response = {"description": "e", "schema": {"$ref": remote}}
    with pytest.raises(SpecError) as raised:
        load(tmp_path, {"paths": {"/e": {"get": {"responses": {"default": response}}}}})
    assert f"$ref {remote!r}: references over the network are not supported" in str(raised.value)


def test_azure_discriminator_values_become_the_bases_mapping(tmp_path: Path) -> None:
    def subtype(value: str | None) -> dict[str, Any]:
        extra = {"x-ms-discriminator-value": value} if value else {}
        return {"allOf": [{"$ref": "#/definitions/Fish"}], **extra}

    spec, _ = load(
        tmp_path,
        {
            "definitions": {
                "Fish": {
                    "type": "object",
                    "discriminator": "kind",
                    "required": ["kind"],
                    "properties": {"kind": {"type": "string"}},
                },
                "Salmon": subtype("salmon"),
                "Shark": subtype(None),
                "Cod": {"type": "object", "discriminator": "kind"},
            },
            "paths": {},
        },
    )
    schemas = spec["components"]["schemas"]
    assert schemas["Fish"]["discriminator"] == {
        "propertyName": "kind",
        "mapping": {
            "salmon": "#/components/schemas/Salmon",
            "Shark": "#/components/schemas/Shark",
        },
    }
    assert schemas["Cod"]["discriminator"] == {"propertyName": "kind"}
