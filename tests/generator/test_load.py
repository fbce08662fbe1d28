"""Reading a spec: YAML 1.2 and JSON, `$ref`s to other files bundled in, the validator's
findings as warnings at the real place in the file, and what stops generation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from generator import ir, reader, validation
from generator.diagnostics import Diagnostics, Problem, SpecError
from generator.load import load_spec
from generator.parse import parse
from generator.pointers import MISSING, follow, split
from hypothesis import given, settings
from hypothesis import strategies as st

MULTIFILE = Path(__file__).parent / "specs" / "multifile"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> tuple[dict[str, Any], Diagnostics]:
    diagnostics = Diagnostics()
    return load_spec(path, diagnostics), diagnostics


def errors_of(path: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(path, Diagnostics())
    return caught.value.problems


def warnings_of(path: Path) -> list[str]:
    return [str(problem) for problem in load(path)[1].warnings]


def assert_written_in(path: Path, problems: list[Problem]) -> None:
    """Every pointer names a place that exists in the file as written (not `#/`)."""
    data = reader.read_document(path).data
    for problem in problems:
        assert problem.pointer.startswith("#/"), problem
        assert follow(data, split(problem.pointer[1:])) is not MISSING, problem


HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


# -- YAML 1.2 and JSON -------------------------------------------------------------------

SCALARS = """\
numbers: [1e-08, 1E5, .5, -1.5e+3, 012, 0o17, 0x1F, 7, .inf, -.Inf]
strings: [1_000, '10:30', 10:30, 2024-01-01, yes, no, on, off, y, n, Yes, 0b101, =]
literals: [true, false, True, FALSE, null, ~, Null]
tagged: [!!str 5, !!int '7', ! 12, !custom 1e3]
on: key written as on
yes: key written as yes
200: a response code
1e-08: a number as a key
"""


def test_yaml_scalars_follow_yaml_1_2_like_json(tmp_path: Path) -> None:
    data = reader.read_document(write(tmp_path, "scalars.yml", SCALARS)).data
    assert data["numbers"] == [1e-08, 100000.0, 0.5, -1500.0, 12, 15, 31, 7, float("inf"),
                               float("-inf")]  # fmt: skip
    assert [type(n) for n in data["numbers"][:4]] == [float] * 4
    assert data["strings"] == [
        "1_000", "10:30", "10:30", "2024-01-01", "yes", "no", "on", "off", "y", "n", "Yes",
        "0b101", "=",
    ]  # fmt: skip
    assert data["literals"] == [True, False, True, False, None, None, None]
    assert data["tagged"] == ["5", 7, "12", "1e3"]
    # every key is the text written: JSON keys are strings
    assert list(data)[4:] == ["on", "yes", "200", "1e-08"]


PRINTABLE = st.characters(exclude_categories=["Cs", "Cc", "Cn", "Co"])
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(PRINTABLE, max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(PRINTABLE, max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(value=JSON_VALUES)
def test_json_text_read_as_yaml_is_the_same_data(
    value: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """YAML 1.2 is a superset of JSON: JSON text means the same read as YAML (PyYAML's
    YAML 1.1 rules read `1e-08` as a string), and a `.yml` file holding a JSON object is
    read as JSON (whose `\\ud800\\udc00` escapes YAML has not)."""
    assert reader._load_yaml(json.dumps(value, ensure_ascii=False, indent=1))[0] == value
    spec = tmp_path_factory.mktemp("json") / "spec.yml"
    spec.write_text(json.dumps({"x": value}), encoding="utf-8")
    assert reader.read_document(spec).data == {"x": value}


def test_yaml_is_parsed_by_libyaml_when_pyyaml_has_it() -> None:
    assert (reader._Parser is yaml.CSafeLoader) == yaml.__with_libyaml__


def test_yaml_anchors_and_merge_keys(tmp_path: Path) -> None:
    text = HEAD + (
        "paths: {}\nx-base: &base {a: 1, b: 2}\nx-more: &more {c: 4}\n"
        "x-merged: {<<: [*base, *more], b: 3}\nx-same: *base\n"
    )
    spec, diagnostics = load(write(tmp_path, "merge.yml", text))
    assert spec["x-merged"] == {"a": 1, "c": 4, "b": 3}
    assert spec["x-same"] is spec["x-base"]
    assert not [p for p in diagnostics.warnings if "duplicate" in p.message]


def test_duplicate_keys_are_warnings_with_pointers_and_the_last_wins(tmp_path: Path) -> None:
    text = HEAD + (
        "paths:\n  /a/b:\n    get:\n      responses:\n        '200': {description: one}\n"
        "        '200': {description: two}\n"
        "components:\n  schemas:\n    Pet: {type: object}\n    Pet: {type: string}\n"
    )
    spec, diagnostics = load(write(tmp_path, "dup.yml", text))
    assert spec["paths"]["/a/b"]["get"]["responses"]["200"] == {"description": "two"}
    assert spec["components"]["schemas"]["Pet"] == {"type": "string"}
    duplicates = [str(p) for p in diagnostics.warnings if "duplicate key" in p.message]
    assert duplicates == [
        "#/paths/~1a~1b/get/responses/200: duplicate key (the last one is used)",
        "#/components/schemas/Pet: duplicate key (the last one is used)",
    ]


def test_json_specs_are_read_with_json(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"N": {"type": "number", "example": 1e-08}}},
    }
    text = json.dumps(spec).replace('"paths": {}', '"paths": {}, "paths": {}')
    loaded, diagnostics = load(write(tmp_path, "spec.json", text))
    assert loaded == spec
    assert [str(p) for p in diagnostics.warnings] == [
        "#/paths: duplicate key (the last one is used)"
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.yml", HEAD + "paths: {a: [1, 2}\n", "spec: cannot read the spec: invalid YAML: "),
        ("bad.json", '{"openapi": "3.1.0",}', "spec: cannot read the spec: invalid JSON: "),
        ("list.yml", "- a\n- b\n", "#: the spec must be a YAML or JSON mapping"),
        (
            "v1.yml",
            "swagger: '1.2'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "#/swagger: unsupported OpenAPI version: Swagger 1.2 (Swagger 2.0 and OpenAPI 3.0",
        ),
        (
            "v33.yml",
            "openapi: 3.3.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "#/openapi: unsupported OpenAPI version '3.3.0' (3.0.x, 3.1.x or 3.2.x)",
        ),
        ("none.yml", "info: {title: t, version: '1'}\npaths: {}\n", "#: no `openapi` field"),
    ],
)
def test_what_cannot_be_read_is_one_error(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (problem,) = errors_of(write(tmp_path, name, text))
    assert expected.replace("spec:", f"{tmp_path / name}:", 1) in problem
    assert "\n" not in problem


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    (problem,) = errors_of(tmp_path / "absent.yml")
    assert problem.startswith(f"{tmp_path / 'absent.yml'}: cannot read the spec: ")


@pytest.mark.parametrize("version", ["3.0.0", "3.0.3", "3.1.0", "3.1.1", "3.1", "3.2.0"])
def test_openapi_3_0_3_1_and_3_2_are_read(tmp_path: Path, version: str) -> None:
    text = f"openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n"
    problems = [str(p) for p in load(write(tmp_path, "spec.yml", text))[1].problems]
    # the validator notes a version written as a number
    assert problems == (["#/openapi: 3.1 is not of type 'string'"] if version == "3.1" else [])


# -- the validator: warnings at the real place ------------------------------------------

ARRAY_DEFAULT = (
    HEAD
    + """\
paths:
  /chat:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ChatRequest'}
      responses:
        '200': {description: ok}
components:
  schemas:
    ChatRequest:
      type: object
      properties:
        stop:
          type: [array, 'null']
          items: {type: string}
          default: '[]'
"""
)


def test_a_default_of_the_wrong_type_is_one_warning_where_it_is_written(tmp_path: Path) -> None:
    """As in the Atoma spec: the validator reaches the schema through the operation's
    `$ref`; the warning names the schema property whose `default` is the string '[]'."""
    path = write(tmp_path, "spec.yml", ARRAY_DEFAULT)
    spec, diagnostics = load(path)
    assert [str(p) for p in diagnostics.problems] == [
        "#/components/schemas/ChatRequest/properties/stop/default: the default does not "
        "match its schema: '[]' is not of type 'array', 'null'"
    ]
    assert spec["components"]["schemas"]["ChatRequest"]["properties"]["stop"]["default"] == "[]"


KEYWORD_FORMS = """\
openapi: {version}
info: {{title: t, version: '1'}}
paths: {{}}
components:
  schemas:
    Range:
      type: object
      required: [low, low]
      properties:
        low: {{type: integer, minimum: 0, exclusiveMinimum: {flag}}}
        high: {{type: integer, maximum: 9}}
"""


def test_exclusive_minimum_in_the_other_versions_form_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "v31.yml", KEYWORD_FORMS.format(version="3.1.0", flag="true"))
    problems = load(path)[1].problems
    low = "#/components/schemas/Range/properties/low/exclusiveMinimum"
    assert [str(p) for p in problems if p.pointer == low] == [
        f"{low}: `exclusiveMinimum` must be a number in OpenAPI 3.1: the bound itself, not a "
        "flag beside `minimum` (found true)"
    ]
    assert {p.severity for p in problems} == {"warning"}
    path = write(tmp_path, "v30.yml", KEYWORD_FORMS.format(version="3.0.3", flag="0"))
    assert [str(p) for p in load(path)[1].problems if p.pointer == low] == [
        f"{low}: `exclusiveMinimum` must be true or false in OpenAPI 3.0: a flag beside "
        "`minimum` (found 0)"
    ]


def test_duplicate_required_entries_are_a_warning(tmp_path: Path) -> None:
    for version in ("3.0.3", "3.1.0"):
        flag = "true" if version == "3.0.3" else "1"
        path = write(tmp_path, "spec.yml", KEYWORD_FORMS.format(version=version, flag=flag))
        assert warnings_of(path) == [
            "#/components/schemas/Range/required: 'low' is listed more than once in `required`"
        ]


def test_schema_keywords_of_the_wrong_type_are_warnings(tmp_path: Path) -> None:
    schema = {
        "type": ["string", "null"],
        "minLength": -1,
        "maximum": "9",
        "nullable": "yes",
        "allOf": [],
        "discriminator": {"mapping": {}},
        "properties": {"a": {"type": "object", "properties": []}},
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"S": schema}},
    }
    path = write(tmp_path, "spec.json", json.dumps(spec))
    problems = load(path)[1].problems
    assert [str(p).removeprefix("#/components/schemas/S/") for p in problems] == [
        "type: `type` must be one of array, boolean, integer, number, object, string in "
        "OpenAPI 3.0 (null is `nullable: true`) (found ['string', 'null'])",
        "minLength: `minLength` must be a non-negative integer (found -1)",
        "maximum: `maximum` must be a number (found '9')",
        "nullable: `nullable` must be true or false (found 'yes')",
        "allOf: `allOf` must be a non-empty list of schemas (objects) (found [])",
        "discriminator: `discriminator` must be an object with a string `propertyName` "
        "(and a `mapping` of strings) (found an object with keys 'mapping')",
        "properties/a/properties: `properties` must be an object whose values are schemas "
        "(objects) (found [])",
    ]
    assert_written_in(path, problems)


INVALID = """\
openapi: 3.1.0
info: {title: t}
paths:
  /pets/{id}#x:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}, style: bogus}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
        '404': {content: {}}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: 7}
        detail:
          allOf: [{$ref: '#/components/schemas/Detail'}]
    Detail:
      type: object
      properties:
        size: {type: integer, default: big}
"""


def test_validator_findings_are_warnings_at_pointers_written_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yml", INVALID)
    diagnostics = load(path)[1]
    assert [str(p) for p in diagnostics.problems] == [
        "#/info: 'version' is a required property",
        "#/paths/~1pets~1{id}#x/get/parameters/1/style: 'bogus' is not one of "
        "['form', 'spaceDelimited', 'pipeDelimited', 'deepObject']",
        "#/paths/~1pets~1{id}#x/get/responses/404: 'description' is a required property",
        "#/components/schemas/Pet/properties/name/type: `type` must be one of array, boolean, "
        "integer, null, number, object, string or a list of them (found 7)",
        "#/components/schemas/Detail/properties/size/default: the default does not match "
        "its schema: 'big' is not of type 'integer'",
    ]
    assert {p.severity for p in diagnostics.problems} == {"warning"}
    assert_written_in(path, diagnostics.problems)


def test_messages_are_one_short_line_without_a_dump_of_the_value(tmp_path: Path) -> None:
    big = {f"key{i}": {"description": "x" * 50, "type": "string"} for i in range(40)}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "servers": big,
        "components": {
            "schemas": {"S": {"type": "object", "default": "line one\nline two " + "y" * 300}}
        },
    }
    path = write(tmp_path, "spec.yml", yaml.safe_dump(spec))
    problems = load(path)[1].problems
    assert [p.pointer for p in problems] == ["#/servers", "#/components/schemas/S/default"]
    assert problems[0].message.startswith(
        "an object with keys 'key0', 'key1', 'key10', 'key11', ... is not of type 'array'"
    )
    for problem in problems:
        assert len(problem.message) <= 200 and "\n" not in problem.message
    assert_written_in(path, problems)


def test_a_crash_inside_the_validator_is_a_warning_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = validation._keyword_problems

    def crash(schema: dict[str, Any], v31: bool) -> Any:
        if "size" in schema.get("properties", {}):
            raise KeyError("in")
        return checks(schema, v31)

    monkeypatch.setattr(validation, "_keyword_problems", crash)
    path = write(tmp_path, "spec.yml", INVALID)
    spec, diagnostics = load(path)
    assert spec["components"]["schemas"]["Detail"]["properties"]["size"]["default"] == "big"
    assert [str(p) for p in diagnostics.problems if "could not" in p.message] == [
        "#/components/schemas/Detail: validation could not finish (KeyError: 'in')"
    ]
    assert {p.severity for p in diagnostics.problems} == {"warning"}
    # the walk goes on: other schemas and the default below are still checked
    pointers = {p.pointer for p in diagnostics.problems}
    assert "#/components/schemas/Pet/properties/name/type" in pointers
    assert "#/components/schemas/Detail/properties/size/default" in pointers


def test_a_validator_that_cannot_start_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(version: str) -> Any:
        raise RuntimeError("no schema for you\nsecond line")

    monkeypatch.setattr(validation, "_document_validator", broken)
    path = write(tmp_path, "spec.yml", ARRAY_DEFAULT)
    assert warnings_of(path) == [
        "#: validation could not finish (RuntimeError: no schema for you); the document's "
        "structure was not checked",
        "#/components/schemas/ChatRequest/properties/stop/default: the default does not "
        "match its schema: '[]' is not of type 'array', 'null'",
    ]


OPERATIONS = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a/{id}/{other}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: same
      parameters:
        - {$ref: '#/components/parameters/Q'}
        - {name: q, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
  /b:
    post:
      operationId: same
      responses: {'204': {description: ok}}
components:
  parameters:
    Q: {name: q, in: query, schema: {type: string}}
"""


def test_operations_are_checked_for_ids_parameters_and_path_variables(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yml", OPERATIONS)
    assert warnings_of(path) == [
        "#/paths/~1a~1{id}~1{other}/get/parameters/1: the query parameter 'q' is declared twice",
        "#/paths/~1a~1{id}~1{other}/get: the path parameter 'other' is not declared",
        "#/paths/~1b/post/operationId: operationId 'same' is also the operationId of "
        "#/paths/~1a~1{id}~1{other}/get",
    ]


# -- $refs to other files ----------------------------------------------------------------


def internal_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in internal_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in internal_refs(value)]
    return []


def test_other_files_are_bundled_into_components(tmp_path: Path) -> None:
    spec, diagnostics = load(MULTIFILE / "openapi.yml")
    assert diagnostics.problems == []
    components = spec["components"]
    # the root's own names first; `common.yml`'s Error is renamed after its file
    assert list(components["schemas"]) == ["Owner", "Error", "Pet", "Tag", "CommonError"]
    assert list(components["parameters"]) == ["Limit", "PetId"]
    assert list(components["responses"]) == ["NotFound"]
    refs = internal_refs(spec)
    assert refs and all(ref.startswith("#/components/") for ref in refs)
    assert all(follow(spec, split(ref[1:])) is not MISSING for ref in refs)
    # a whole-file `$ref` in components names the object itself, referring to itself
    owner = components["schemas"]["Owner"]
    assert owner["properties"]["friends"]["items"] == {"$ref": "#/components/schemas/Owner"}
    pet = components["schemas"]["Pet"]
    assert pet["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert pet["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/Tag"}
    assert pet["properties"]["weight"]["example"] == 0.1
    assert "definitions" not in pet
    # a path item from another file is copied in place; its `$ref`s back here stay here
    listing = spec["paths"]["/pets"]["get"]
    assert listing["parameters"] == [{"$ref": "#/components/parameters/Limit"}]
    assert listing["responses"]["default"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    not_found = components["responses"]["NotFound"]["content"]["application/json"]["schema"]
    assert not_found == {"$ref": "#/components/schemas/CommonError"}


def test_bundling_is_deterministic() -> None:
    first = json.dumps(load(MULTIFILE / "openapi.yml")[0])
    assert json.dumps(load(MULTIFILE / "openapi.yml")[0]) == first


def test_problems_inside_another_file_point_into_that_file(tmp_path: Path) -> None:
    write(tmp_path, "schemas/thing.yaml", "type: object\nproperties:\n  n: {type: integer, "
          "default: many}\n  sub: {$ref: '#/$defs/Sub'}\n$defs:\n  Sub: {type: string, "
          "default: 3}\n")  # fmt: skip
    text = (
        HEAD
        + "paths: {}\ncomponents:\n  schemas:\n    Box:\n      type: object\n"
        + ("      properties: {thing: {$ref: 'schemas/thing.yaml'}}\n")
    )
    spec, diagnostics = load(write(tmp_path, "spec.yml", text))
    assert list(spec["components"]["schemas"]) == ["Box", "Thing", "Sub"]
    assert sorted(str(p) for p in diagnostics.problems) == [
        "schemas/thing.yaml#/$defs/Sub/default: the default does not match its schema: 3 "
        "is not of type 'string'",
        "schemas/thing.yaml#/properties/n/default: the default does not match its schema: "
        "'many' is not of type 'integer'",
    ]


def test_files_referring_to_each_other_in_a_cycle_are_bundled(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "A: {type: object, properties: {b: {$ref: 'b.yml#/B'}}}\n")
    write(tmp_path, "b.json", '{"B": {"type": "array", "items": {"$ref": "a.yml#/A"}}}')
    write(tmp_path, "b.yml", "B: {$ref: 'b.json#/B'}\n")
    text = HEAD + "paths: {}\ncomponents: {schemas: {Root: {$ref: 'a.yml#/A'}}}\n"
    spec, diagnostics = load(write(tmp_path, "spec.yml", text))
    assert diagnostics.problems == []
    assert spec["components"]["schemas"] == {
        "Root": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "array", "items": {"$ref": "#/components/schemas/Root"}},
    }


def test_refs_that_cannot_be_followed_are_errors_at_the_ref(tmp_path: Path) -> None:
    write(tmp_path, "common.yml", "Error: {type: object}\nLoop: {$ref: '#/Loop'}\n")
    text = (
        HEAD
        + """\
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {$ref: 'absent.yml#/Thing'}}
        '400':
          description: bad
          content:
            application/json: {schema: {$ref: 'common.yml#/Nothing'}}
        '500':
          description: bad
          content:
            application/json: {schema: {$ref: 'https://example.com/schemas.yml#/Error'}}
        '502':
          description: loop
          content:
            application/json: {schema: {$ref: 'common.yml#/Loop'}}
components:
  schemas:
    Broken: {$ref: '#/components/schemas/Missing'}
"""
    )
    problems = errors_of(write(tmp_path, "spec.yml", text))
    content = "#/paths/~1a/get/responses/{}/content/application~1json/schema"
    assert problems[0].startswith(
        "#/components/schemas/Broken: $ref '#/components/schemas/Missing' points to nothing"
    )
    assert problems[1].startswith(
        content.format(200) + ": $ref 'absent.yml#/Thing': cannot read absent.yml: "
    )
    assert problems[2:] == [
        content.format(400) + ": $ref 'common.yml#/Nothing' points to nothing",
        content.format(500) + ": $ref 'https://example.com/schemas.yml#/Error': references "
        "over the network are not supported (save the file next to the spec and refer to "
        "it by its relative path)",
        "common.yml#/Loop: $ref '#/Loop' refers to itself",
    ]


def test_extension_keys_of_paths_are_not_path_items(tmp_path: Path) -> None:
    """`x-` keys are legal in `paths` (a public spec carries `x-codegen-contextRoot: /apis`);
    the parser must only ever see path items, so the generator does not crash on them."""
    spec = write(
        tmp_path,
        "spec.yml",
        """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  x-codegen-contextRoot: /apis/registry
  /things:
    get:
      operationId: listThings
      responses: {"204": {description: none}}
  /broken: just text
""",
    )
    loaded, diagnostics = load(spec)
    assert list(loaded["paths"]) == ["/things"]
    assert [(w.pointer, w.message) for w in diagnostics.warnings if "path item" in w.message] == [
        ("#/paths/~1broken", "not a path item (a mapping): left out")
    ]
    package = ir.Package("pkg", "pkg", "0.1.0", "PkgSDK", "spec.yml")
    api, _ = parse(loaded, package, Diagnostics())
    assert [o.method_name for r in api.resources for o in r.operations] == ["list_things"]
