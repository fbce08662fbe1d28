"""Invalid and unsupported specs: `scripts/generate --spec` lists every problem with its
JSON pointer and exits 2, without a traceback and without writing anything."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from generator import ir
from generator.__main__ import PROJECT_ROOT, generate_package, main
from generator.diagnostics import Diagnostics
from generator.load import load_spec
from generator.parse import parse

GENERATE = PROJECT_ROOT / "scripts" / "generate"
PACKAGE = ir.Package("pkg", "pkg", "0.1.0", "PkgSDK", "spec.yml")


def write_spec(tmp_path: Path, spec: dict[str, Any] | str, name: str = "spec.yml") -> Path:
    path = tmp_path / name
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GENERATE), "--spec", str(spec), "--out", str(out), "--package", "pkg"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def run_main(spec: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`scripts/generate` in this process: an exception escaping it is a traceback."""
    code = main(["--spec", str(spec), "--out", str(out), "--package", "pkg"])
    return code, capsys.readouterr().err


def problem_lines(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.startswith("  ")]


def operation(**extra: Any) -> dict[str, Any]:
    return {"tags": ["things"], "responses": {"204": {"description": "ok"}}, **extra}


def spec_with(
    paths: dict[str, Any], schemas: dict[str, Any] | None = None, **top: Any
) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Problems", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
        **top,
    }


# -- specs the validator cannot walk, or that cannot be read ----------------------------


@pytest.mark.parametrize(
    ("case", "pointer_part"),
    [
        ("missing-component", "Missing"),
        ("external-file", "other.yml"),
        ("parameter-without-in", "parameters/0"),
    ],
)
def test_specs_the_validator_cannot_walk_are_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, pointer_part: str
) -> None:
    """A `$ref` to nothing, a `$ref` to another file, a parameter without `in`: the validator
    raises on these (referencing.PointerToNowhere, Unresolvable, KeyError); the generator
    must still exit 2 with the problem, not a traceback."""
    ok: dict[str, Any] = {
        "200": {"description": "ok", "content": {"application/json": {"schema": {}}}}
    }
    if case == "missing-component":
        ok["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/Missing"
        }
        op = operation(operationId="get", responses=ok)
    elif case == "external-file":
        ok["200"]["content"]["application/json"]["schema"] = {"$ref": "other.yml#/Thing"}
        op = operation(operationId="get", responses=ok)
    else:
        op = operation(operationId="get", parameters=[{"name": "q", "schema": {"type": "string"}}])
    spec = write_spec(tmp_path, spec_with({"/things": {"get": op}}))
    code, stderr = run_main(spec, tmp_path / "out", capsys)
    assert code == 2
    assert any(pointer_part in line for line in problem_lines(stderr)), stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("openapi: 3.1.0\ninfo: {title: t, version: 1\n", "cannot read the spec"),
        ("- a\n- b\n", "the spec must be a YAML or JSON mapping"),
        ('swagger: "1.2"\ninfo: {title: t, version: "1"}\npaths: {}\n', "unsupported OpenAPI"),
        ("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "unsupported OpenAPI"),
    ],
)
def test_unreadable_specs_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    code, stderr = run_main(write_spec(tmp_path, text), tmp_path / "out", capsys)
    assert code == 2
    assert message in stderr


def test_missing_file_and_bad_package_name_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stderr = run_main(tmp_path / "absent.yml", tmp_path / "out", capsys)
    assert (code, "cannot read the spec" in stderr) == (2, True)
    spec = write_spec(tmp_path, spec_with({"/things": {"get": operation(operationId="get")}}))
    code = main(["--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "1pkg"])
    assert (code, "not a valid Python package name" in capsys.readouterr().err) == (2, True)


# -- schema defects: warnings with their pointer, and the package is generated ---------

DEFECTS = """\
openapi: 3.1.0
info: {title: Defects, version: 1.0.0}
paths:
  /things:
    post:
      operationId: things_create
      tags: [things]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '204': {description: done}
components:
  schemas:
    Other: {type: object, properties: {a: {type: string}}}
    Thing:
      type: object
      required: [either, either]
      properties:
        notString: {not: {type: string}}
        either: {type: [string, integer]}
        mixed: {enum: [1, two]}
        shape:
          oneOf: [{type: string}, {type: integer}]
          discriminator: {propertyName: kind}
        merged:
          allOf:
            - {$ref: '#/components/schemas/Other'}
            - {type: string}
        pattern: {type: object, patternProperties: {'^x': {type: string}}}
        count: {type: integer, exclusiveMinimum: true, minimum: 0, default: 'none'}
        label: {type: string, example: 5, maxLength: -1}
        grade: {type: string, enums: [a, b]}
        look: {type: string, pattern: '(?<=a)b'}
"""

DEFECT_WARNINGS = [
    "#/components/schemas/Thing/required: duplicate entries in required",
    "#/components/schemas/Thing/properties/shape/discriminator: a member is not an object "
    "schema: the discriminator is ignored",
    "#/components/schemas/Thing/properties/merged/allOf: objects merged with other schemas "
    "cannot be sent as a model; typed as a dict",
    "#/components/schemas/Thing/properties/count/exclusiveMinimum: exclusiveMinimum: true is "
    "OpenAPI 3.0's form (3.1 takes the bound); read as 3.0",
    "#/components/schemas/Thing/properties/count/default: default 'none' does not fit the "
    "schema; dropped",
    "#/components/schemas/Thing/properties/label/maxLength: maxLength -1 is not valid; ignored",
    "#/components/schemas/Thing/properties/label/example: example 5 does not fit the schema; "
    "dropped",
    "#/components/schemas/Thing/properties/grade/enums: unknown keyword 'enums' ignored "
    "(not 'enum')",
    "#/components/schemas/Thing/properties/look/pattern: pattern '(?<=a)b' is not valid; ignored",
]


def test_schema_defects_are_warnings_and_the_package_is_generated(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    api, _ = parse(load_spec(write_spec(tmp_path, DEFECTS)), PACKAGE, diagnostics)
    assert diagnostics.errors == []
    assert sorted(str(w) for w in diagnostics.warnings) == sorted(DEFECT_WARNINGS)
    (thing,) = [m for m in api.models if m.class_name == "Thing"]
    types = {f.wire_name: f.type for f in thing.fields}
    assert types["either"] == ir.UnionType((ir.ScalarType("str"), ir.ScalarType("int")))
    assert types["mixed"] == ir.LiteralType((1, "two"))
    assert types["merged"] == ir.DictType(ir.AnyType())
    assert types["pattern"] == ir.DictType(ir.ScalarType("str"))
    assert types["count"] == ir.ScalarType("int", ir.Constraints(gt=0))
    assert types["look"] == ir.ScalarType("str")
    assert not any(f.has_default or f.example is not None for f in thing.fields)
    generate_package(write_spec(tmp_path, DEFECTS), tmp_path / "out", "pkg", None)
    assert (tmp_path / "out" / "pkg" / "models" / "thing.py").is_file()


def test_two_operations_with_one_name_are_renamed_with_a_warning(tmp_path: Path) -> None:
    """The later one takes its operationId, numbered when that is taken too."""
    paths = {
        "/things": {"get": operation(operationId="things_get")},
        "/things/{id}": {
            "delete": operation(
                operationId="get",
                parameters=[
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            )
        },
    }
    diagnostics = Diagnostics()
    api, _ = parse(spec_with(paths), PACKAGE, diagnostics)
    assert [o.method_name for o in api.resources[0].operations] == ["get", "get_2"]
    assert [str(w) for w in diagnostics.warnings] == [
        "#/paths/~1things~1{id}/delete: 'get' is already a method of things "
        "(#/paths/~1things/get); generated as 'get_2'"
    ]


# -- valid specs that must not crash the generator ---------------------------------------


def test_spec_without_operations_generates_or_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`paths: {}` is valid OpenAPI; today the generated sdk.py has an empty
    `if TYPE_CHECKING:` block and ruff's failure escapes as a traceback."""
    schemas = {"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}
    spec = write_spec(tmp_path, spec_with({}, schemas))
    try:
        code, stderr = run_main(spec, tmp_path / "out", capsys)
    except subprocess.CalledProcessError as error:
        pytest.fail(f"traceback instead of a result: {error!r}")
    assert code in (0, 2), stderr
    if code == 2:
        assert "#/paths" in stderr


def test_inline_allof_referring_back_to_its_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Tree.sub: allOf [$ref Tree, {depth}]`: today a RecursionError."""
    schemas = {
        "Tree": {
            "type": "object",
            "properties": {
                "label": {"type": "string"},
                "sub": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Tree"},
                        {"type": "object", "properties": {"depth": {"type": "integer"}}},
                    ]
                },
            },
        }
    }
    ok = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tree"}}},
        }
    }
    spec = write_spec(
        tmp_path,
        spec_with({"/trees": {"get": operation(operationId="get", responses=ok)}}, schemas),
    )
    try:
        code, stderr = run_main(spec, tmp_path / "out", capsys)
    except RecursionError:
        pytest.fail("RecursionError instead of a result")
    assert code in (0, 2), stderr
    if code == 2:
        assert "#/components/schemas/Tree/properties/sub" in stderr
