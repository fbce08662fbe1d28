"""Open enums: `x-speakeasy-unknown-values: allow` on a string enum makes its values
hints, `Literal[...] | str`, so IDEs complete them and other values still type-check and
are sent as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from generator import ir
from generator.diagnostics import Diagnostics
from generator.load import load_spec
from generator.parse import parse


def _fields(tmp_path: Path, properties: dict[str, Any]) -> dict[str, ir.ModelField]:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/paint": {
                "post": {
                    "operationId": "paint",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Paint"}}
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                }
            }
        },
        "components": {"schemas": {"Paint": {"type": "object", "properties": properties}}},
    }
    spec_path = tmp_path / "spec.yml"
    spec_path.write_text(yaml.safe_dump(spec))
    diagnostics = Diagnostics()
    package = ir.Package("pkg", "pkg", "0.1.0", "PkgSDK", "spec.yml")
    api, _ = parse(load_spec(spec_path), package, diagnostics)
    assert diagnostics.errors == [] and diagnostics.warnings == []
    (model,) = [m for m in api.models if m.class_name == "Paint"]
    return {f.name: f for f in model.fields}


def test_open_enum_is_a_literal_of_its_values_or_any_string(tmp_path: Path) -> None:
    fields = _fields(
        tmp_path,
        {
            "open": {
                "type": ["string", "null"],
                "enum": ["matte", "gloss", None],
                "x-speakeasy-unknown-values": "allow",
            },
            "closed": {"type": "string", "enum": ["matte", "gloss"]},
        },
    )
    open_field = fields["open"]
    assert open_field.type == ir.UnionType(
        (ir.LiteralType(("matte", "gloss")), ir.ScalarType("str"))
    )
    assert open_field.nullable
    assert isinstance(fields["closed"].type, ir.EnumType)


def test_open_enum_of_integers_stays_an_enum(tmp_path: Path) -> None:
    fields = _fields(
        tmp_path,
        {"level": {"type": "integer", "enum": [1, 2], "x-speakeasy-unknown-values": "allow"}},
    )
    assert isinstance(fields["level"].type, ir.EnumType)


def test_any_of_a_string_enum_and_a_string_is_an_open_enum(tmp_path: Path) -> None:
    """The JSON Schema way (any string is valid to a validator too), also with null."""
    fields = _fields(
        tmp_path,
        {
            "finish": {
                "anyOf": [
                    {"type": "string", "enum": ["matte", "gloss"]},
                    {"type": "string"},
                    {"type": "null"},
                ],
                "description": "Known finishes; others are sent as they are.",
            },
            "strict": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer"}]},
        },
    )
    assert fields["finish"].type == ir.UnionType(
        (ir.LiteralType(("matte", "gloss")), ir.ScalarType("str"))
    )
    assert fields["finish"].nullable
    assert fields["strict"].type != fields["finish"].type  # an ordinary union
