"""Invalid and unsupported specs: `scripts/generate --spec` lists every problem with its
JSON pointer and exits 2, without a traceback and without writing anything."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from generator.__main__ import PROJECT_ROOT, generate_package, main
from generator.diagnostics import SpecError

GENERATE = PROJECT_ROOT / "scripts" / "generate"


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
        ('swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n', "unsupported OpenAPI"),
        ("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "unsupported OpenAPI"),
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


# -- constructs the generator does not support -----------------------------------------

UNSUPPORTED = """\
openapi: 3.1.0
info: {title: Unsupported, version: 1.0.0}
paths:
  /things:
    post:
      operationId: things_create
      tags: [things]
      parameters:
        - {name: session, in: cookie, schema: {type: string}}
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses:
        '200':
          $ref: '#/components/responses/Ok'
        '400':
          description: bad
          content:
            application/json:
              schema: {type: array, items: {type: string}}
  /things/{id}:
    get:
      operationId: things_get
      tags: [things]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/xml:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Key}
  responses:
    Ok: {description: ok}
  schemas:
    Other: {type: object, properties: {a: {type: string}}}
    Thing:
      type: object
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
"""

UNSUPPORTED_PROBLEMS = [
    "#/paths/~1things/post/parameters/0: unsupported parameter location 'cookie'",
    "#/paths/~1things/post/requestBody/content: unsupported media types "
    "['multipart/form-data'] (supported: ('application/json',))",
    "#/paths/~1things/post/responses/200: response $refs are not supported",
    "#/paths/~1things/post/responses/400: error response schemas must be objects",
    "#/paths/~1things~1{id}/get/responses/200/content: unsupported media types "
    "['application/xml'] (supported: ('application/json', 'text/event-stream'))",
    "#/components/securitySchemes/apiKey: only http bearer security is supported",
    "#/components/schemas/Thing/properties/notString/not: unsupported schema keyword 'not'",
    "#/components/schemas/Thing/properties/either: unsupported type list "
    "['string', 'integer'] (use oneOf)",
    "#/components/schemas/Thing/properties/mixed: enum values must be all strings or all integers",
    "#/components/schemas/Thing/properties/shape: discriminated union members must be object "
    "schemas",
    "#/components/schemas/Thing/properties/merged/allOf/1: allOf parts must be object schemas",
    "#/components/schemas/Thing/properties/pattern/patternProperties: unsupported schema "
    "keyword 'patternProperties'",
]


def test_unsupported_constructs_are_listed_all_at_once(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, UNSUPPORTED)
    with pytest.raises(SpecError) as caught:
        generate_package(spec, tmp_path / "out", "pkg", None)
    assert sorted(set(caught.value.problems)) == sorted(UNSUPPORTED_PROBLEMS)
    assert not (tmp_path / "out").exists()


def test_unsupported_constructs_cli_exit_2_and_leave_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = write_spec(
        tmp_path, spec_with({"/things": {"get": operation(operationId="get")}}), "good.yml"
    )
    generate_package(good, out, "pkg", None)
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    result = run_cli(write_spec(tmp_path, UNSUPPORTED), out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = problem_lines(result.stderr)
    assert set(lines) == set(UNSUPPORTED_PROBLEMS)
    assert (
        result.stderr.splitlines()[0] == f"scripts/generate: {len(lines)} problem(s) in the spec:"
    )
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


def test_every_problem_starts_with_a_json_pointer(tmp_path: Path) -> None:
    """Two operations of a group with the same method name: the problem points at one of
    them (today: `#/paths (things): ...`, which is not a JSON pointer)."""
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
    with pytest.raises(SpecError) as caught:
        generate_package(write_spec(tmp_path, spec_with(paths)), tmp_path / "out", "pkg", None)
    (problem,) = caught.value.problems
    assert "two operations are both named 'get'" in problem
    assert re.match(r"^#/paths/~1things(~1\{id\}/delete|/get): ", problem), problem


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
