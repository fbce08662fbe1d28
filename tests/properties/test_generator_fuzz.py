"""Property: whatever names and texts a spec holds (keywords, builtins, the package's own
module names, names equal once snake-cased, quotes, backslashes, triple quotes, template
syntax, control characters, any unicode), the generated package compiles, passes ruff,
imports, round-trips every wire name through its models, sends them on the wire, and
(one mypy run over every package generated here, at the end) passes `mypy --strict`.

Each example is a whole package (generation runs ruff), so examples are few.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from generator import ir  # noqa: E402
from generator.__main__ import generate_package  # noqa: E402
from generator.diagnostics import Diagnostics  # noqa: E402
from generator.load import load_spec  # noqa: E402
from generator.parse import parse  # noqa: E402

#: Names real specs use that collide with something once they become Python.
TRICKY_NAMES = [
    "class", "from", "None", "True", "self", "async", "match", "type", "id", "date",
    "datetime", "list", "dict", "str", "json", "copy", "schema", "model_config", "models",
    "types", "utils", "resources", "sdk", "Security", "Field", "Optional", "Enum", "build",
    "createdAt", "created_at", "CreatedAt", "created-at", "X-Request-Id", "1st", "_private",
    "__init__", "a b", "ünïcödé", "名字", "$ref", "retries", "UNSET", "Any", "TypedDict",
    "body", "params", "options", "extra_body", "extra_query", "extra_headers", "close",
    "with_options", "Operation", "Resource", "Bücher", "register", "mro", "model_post_init",
    "base64_text",
]  # fmt: skip
#: Texts that break naive rendering into docstrings, comments and Markdown.
TRICKY_TEXTS = [
    'ends with a quote"', "ends with a backslash\\", '"""triple"""', "'''single'''",
    "{{ jinja }} {% if x %}", "a\x00nul", "tab\tand\r\nCRLF", "\\N{BULLET} \\u0041",
    "# not a comment", "<!-- html --> | pipe |", "ünïcödé ✓ 名字", '"', "\\", "",
]  # fmt: skip
#: Component names: OpenAPI allows letters, digits, `.`, `-` and `_`.
COMPONENT_NAMES = [
    n
    for n in TRICKY_NAMES
    if n.replace(".", "").replace("-", "").replace("_", "").isalnum() and n.isascii()
]

names = st.one_of(
    st.sampled_from(TRICKY_NAMES),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=10),
)
component_names = st.one_of(
    st.sampled_from(COMPONENT_NAMES),
    st.from_regex(r"[A-Za-z0-9._-]{1,10}", fullmatch=True),
)
texts = st.one_of(
    st.sampled_from(TRICKY_TEXTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
#: Enum values of any JSON scalar type, mixed (`Literal` cannot hold numbers like 1.5).
enum_values = st.lists(
    st.one_of(
        st.integers(-5, 5),
        st.floats(-10, 10, allow_nan=False).filter(lambda f: not f.is_integer()),
        st.booleans(),
        names,
    ),
    min_size=2,  # one value is a constant: sent, not an argument
    max_size=4,
    unique_by=lambda value: (type(value), value),
)
#: Header parameter names: tokens, and the ones OpenAPI says to ignore.
header_names = st.one_of(
    st.sampled_from(["Content-Type", "Accept", "Authorization", "X-Request-Id", "extra_headers"]),
    st.from_regex(r"X-[A-Za-z0-9-]{1,8}", fullmatch=True),
)
scalar_schemas = st.sampled_from(
    [
        {"type": "string"},
        {"type": "integer"},
        {"type": "boolean"},
        {"type": "number"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "array", "items": {"type": ["string", "null"]}},
        {"type": "string", "format": "binary"},
    ]
)


@st.composite
def entity(draw: st.DrawFn) -> dict[str, Any]:
    """One object schema: its properties (some with enums of random values), texts."""
    properties: dict[str, Any] = {}
    for prop in draw(st.lists(names, min_size=1, max_size=5, unique=True)):
        schema = dict(draw(scalar_schemas))
        kind = draw(st.sampled_from(["scalar", "enum", "scalars", "object"]))
        if kind == "enum":
            values = draw(st.lists(names, min_size=2, max_size=4, unique=True))
            schema = {"type": "string", "enum": values}
        elif kind == "scalars":
            schema = {"enum": draw(enum_values)}
        elif kind == "object":  # an inline model, named from its parent and the property
            inner = draw(st.lists(names, min_size=1, max_size=2, unique=True))
            schema = {"type": "object", "properties": {n: {"type": "string"} for n in inner}}
        properties[prop] = {**schema, "description": draw(texts)}
    required = draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
    return {
        "type": "object",
        "description": draw(texts),
        "properties": properties,
        "required": required,
    }


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    schemas = {
        name: draw(entity())
        for name in draw(st.lists(component_names, min_size=1, max_size=3, unique=True))
    }
    paths: dict[str, Any] = {}
    for index, name in enumerate(schemas):
        ref = {"$ref": f"#/components/schemas/{name}"}
        # parameters named like each other, the body's properties or the call options
        in_path = draw(component_names)
        in_query = draw(st.one_of(names, st.just(in_path)))
        parameters = [
            {"name": in_path, "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": in_query, "in": "query", "schema": {"type": "string"}},
            {"name": draw(header_names), "in": "header", "schema": {"type": "string"}},
        ]
        paths[f"/things{index}/{{{in_path}}}"] = {
            "post": {
                "operationId": draw(names),
                "tags": [draw(names)],
                "parameters": parameters,
                "summary": draw(texts),
                "description": draw(texts),
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {
                    "200": {
                        "description": draw(texts),
                        "content": {"application/json": {"schema": ref}},
                    }
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Fuzz", "version": "1.0.0", "description": draw(texts)},
        "servers": [{"url": "https://fuzz.test"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def wire_value(schema: dict[str, Any]) -> Any:
    """A valid JSON value for one of the property schemas above."""
    if "enum" in schema:
        return schema["enum"][-1]
    if schema["type"] == "object":
        return {name: wire_value(inner) for name, inner in schema["properties"].items()}
    if schema["type"] == "array" and "null" in schema["items"]["type"]:
        return ["x", None]
    if schema.get("format") == "binary":
        return "AP8="  # base64 in JSON
    return {"string": "s", "integer": 7, "boolean": True, "number": 1.5, "array": ["x"]}[
        schema["type"]
    ]


#: ruff's default rules (syntax, undefined and unused names) on the generated modules (the
#: runtime they copy is checked with the project)
RUFF = [sys.executable, "-m", "ruff", "check", "--isolated", "--quiet", "--target-version"]
RUFF += ["py310", "--select", "E4,E7,E9,F"]
GENERATED: list[Path] = []  # package folders, for the mypy run at the end


@pytest.fixture(scope="module")
def out_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("fuzz")
    try:
        yield root
    finally:
        sys.path[:] = [p for p in sys.path if not p.startswith(str(root))]
        for name in [n for n in sys.modules if n.startswith("fuzz_")]:
            del sys.modules[name]


def check_package(root: Path, spec: dict[str, Any]) -> None:
    package = f"fuzz_{len(GENERATED)}"
    spec_path = root / f"{package}.json"  # JSON keeps every text exactly as drawn
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    diagnostics = Diagnostics()
    generate_package(spec_path, root / package, package, "FuzzSDK", diagnostics=diagnostics)
    GENERATED.append(root / package / package)
    sys.path.insert(0, str(root / package))
    for path in sorted((root / package / package).rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    ruff = subprocess.run(
        [*RUFF, "--extend-exclude", "_runtime", str(root / package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    module = importlib.import_module(package)
    models = importlib.import_module(f"{package}.models")
    api, _ = parse(load_spec(spec_path), ir.Package(package, package, "1", "FuzzSDK", "s"))
    class_of = {m.pointer: m.class_name for m in api.models}
    operation_of = {
        o.path.split("/")[1]: (r.attribute, o) for r in api.resources for o in r.operations
    }
    sent: list[httpx.Request] = []

    def echo(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=request.content)

    with (
        httpx.Client(transport=httpx.MockTransport(echo)) as client,
        module.FuzzSDK(client=client, retry_config=None) as sdk,
    ):
        for index, (name, schema) in enumerate(spec["components"]["schemas"].items()):
            wire = {prop: wire_value(s) for prop, s in schema["properties"].items()}
            model = getattr(models, class_of[f"#/components/schemas/{name}"])
            parsed = model.model_validate(wire)
            assert parsed.model_dump(mode="json", by_alias=True) == wire, name
            arguments = {field: getattr(parsed, field) for field in model.model_fields}
            resource, operation = operation_of[f"things{index}"]
            values = {"path": "v/1 é", "query": "q v&1", "header": "h-1"}
            arguments.update({p.field.name: values[p.location] for p in operation.parameters})
            answer = getattr(getattr(sdk, resource), operation.method_name)(**arguments)
            request = sent[-1]
            assert json.loads(request.content) == wire, name
            assert answer.model_dump(mode="json", by_alias=True) == wire, name
            for p in operation.parameters:
                wire_name, value = p.field.wire_name, values[p.location]
                if p.location == "path":
                    assert request.url.path == f"/things{index}/{value}", wire_name
                elif p.location == "query":
                    assert request.url.params[wire_name] == value, wire_name
                else:
                    assert request.headers[wire_name] == value, wire_name


SPEC_EXAMPLE = {
    "openapi": "3.1.0",
    "info": {"title": "Fuzz", "version": "1.0.0", "description": '"""'},
    "servers": [{"url": "https://fuzz.test"}],
    "paths": {
        "/things0": {
            "post": {
                "operationId": "models",
                "tags": ["types"],
                "summary": 'ends with a quote"',
                "description": "ends with a backslash\\",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/class"}}
                    }
                },
                "responses": {
                    "200": {
                        "description": "{{ x }}",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/class"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "class": {
                "type": "object",
                "description": "a\x00nul",
                "properties": {
                    "createdAt": {"type": "string", "description": "\\"},
                    "created_at": {"type": "integer", "description": '"'},
                    "date": {"type": "string", "enum": ["a b", "A-B", "1"], "description": ""},
                    "models": {"type": "array", "items": {"type": "string"}, "description": ""},
                    "名字": {"type": "boolean", "description": "ünï"},
                },
            }
        }
    },
}


@settings(
    max_examples=5,
    deadline=None,
    # each example generates a package (seconds): no shrinking, the failing spec is shown
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(specs())
@example(SPEC_EXAMPLE)
def test_any_names_and_texts_generate_a_working_package(
    out_root: Path, spec: dict[str, Any]
) -> None:
    check_package(out_root, spec)


def test_every_fuzzed_package_passes_mypy_strict(out_root: Path) -> None:
    """One mypy run over the packages the property generated (it runs first)."""
    assert GENERATED, "the property test generated nothing"
    command = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10"]
    result = subprocess.run(
        [*command, "--cache-dir", str(out_root / ".mypy_cache"), *map(str, GENERATED)],
        cwd=out_root,
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"mypy --strict over {len(GENERATED)} fuzzed packages")
    assert result.returncode == 0, result.stdout + result.stderr
