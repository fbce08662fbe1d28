"""Objects of the wrong shape (an operation that is a number, `content` that is a
string, a parameter that is a list...): the validator warns, the object is left out, and
the rest of the spec generates. Each of these stopped the generator with a traceback
(found by replacing single nodes of valid specs with values of other shapes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_spec_problems import run_main, write_spec


def spec_with(**changes: Any) -> dict[str, Any]:
    """A spec of two operations; `changes` replace parts of `GET /meters`."""
    listing: dict[str, Any] = {
        "operationId": "listMeters",
        "tags": ["meters"],
        "parameters": [{"name": "site", "in": "query", "schema": {"type": "string"}}],
        "responses": {
            "200": {
                "description": "ok",
                "headers": {"X-Total": {"schema": {"type": "integer"}}},
                "content": {"application/json": {"schema": {"type": "array", "items": {}}}},
            }
        },
        "callbacks": {"ping": {"{$request.query.site}": {"post": {"responses": {}}}}},
    }
    listing.update(changes)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Meter", "version": "1"},
        "tags": [{"name": "meters"}],
        "paths": {
            "/meters": {"get": listing},
            "/sites": {
                "post": {
                    "operationId": "createSite",
                    "tags": ["sites"],
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"type": "object", "properties": {"n": {}}},
                                "encoding": {"n": {"style": "form"}},
                            }
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                }
            },
        },
    }


CASES = {
    "responses a number": ({"responses": 1.5}, "#/paths/~1meters/get/responses"),
    "content a string": (
        {"responses": {"200": {"description": "ok", "content": "x"}}},
        "#/paths/~1meters/get/responses/200/content",
    ),
    "a response a list": ({"responses": {"200": ["x"]}}, "#/paths/~1meters/get/responses/200"),
    "a parameter a string": ({"parameters": ["site"]}, "#/paths/~1meters/get/parameters/0"),
    "headers a list": (
        {"responses": {"200": {"description": "ok", "headers": [1]}}},
        "#/paths/~1meters/get/responses/200/headers",
    ),
    "callbacks a string": ({"callbacks": "none"}, "#/paths/~1meters/get/callbacks"),
    "a request body a list": ({"requestBody": [{}]}, "#/paths/~1meters/get/requestBody"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_misshapen_object_is_left_out_and_the_rest_generates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    changes, pointer = CASES[case]
    code, stderr = run_main(write_spec(tmp_path, spec_with(**changes)), tmp_path / "out", capsys)
    assert code == 0, stderr
    assert f"warning: {pointer}: " in stderr
    sites = (tmp_path / "out" / "pkg" / "resources" / "sites.py").read_text(encoding="utf-8")
    assert "def create_site(" in sites
    meters = (tmp_path / "out" / "pkg" / "resources" / "meters.py").read_text(encoding="utf-8")
    assert "def list(" in meters


def test_an_operation_that_is_no_mapping_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_with()
    spec["paths"]["/meters"]["get"] = 0
    spec["tags"] = ["meters"]  # tag objects written as names: read as no descriptions
    code, stderr = run_main(write_spec(tmp_path, spec), tmp_path / "out", capsys)
    assert code == 0, stderr
    assert "warning: #/paths/~1meters/get: " in stderr
    assert not (tmp_path / "out" / "pkg" / "resources" / "meters.py").exists()
    assert (tmp_path / "out" / "pkg" / "resources" / "sites.py").exists()


def test_an_encoding_that_is_no_mapping_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_with()
    media = spec["paths"]["/sites"]["post"]["requestBody"]["content"]
    media["application/x-www-form-urlencoded"]["encoding"]["n"] = "form"
    code, stderr = run_main(write_spec(tmp_path, spec), tmp_path / "out", capsys)
    assert code == 0, stderr
    pointer = "#/paths/~1sites/post/requestBody/content/application~1x-www-form-urlencoded"
    assert f"warning: {pointer}/encoding/n: " in stderr


def test_a_yaml_alias_inside_its_own_anchor_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`A: &a {type: array, items: *a}` is a value that contains itself: no JSON document
    has one, and walking it never ended (RecursionError)."""
    text = (
        "openapi: 3.0.3\ninfo: {title: Loop, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    A: &a\n      type: array\n      items: *a\n"
    )
    code, stderr = run_main(write_spec(tmp_path, text), tmp_path / "out", capsys)
    assert code == 2
    assert stderr.splitlines()[1].endswith(
        "cannot read the spec: alias *a at #/components/schemas/A/items is inside &a: "
        "a value that contains itself has no JSON form"
    )
    assert not (tmp_path / "out").exists()


def test_fields_of_the_wrong_type_inside_objects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tags that are not names group the operation as `default`; a `format` that is not a
    string is ignored (each raised TypeError or KeyError)."""
    spec = spec_with(tags=[["meters"]])
    spec["paths"]["/sites"]["post"]["tags"] = {"sites": 1}
    form = spec["paths"]["/sites"]["post"]["requestBody"]["content"]
    form["application/x-www-form-urlencoded"]["schema"]["properties"]["n"] = {
        "type": "string",
        "format": {"x": 1},
    }
    code, stderr = run_main(write_spec(tmp_path, spec), tmp_path / "out", capsys)
    assert code == 0, stderr
    default = (tmp_path / "out" / "pkg" / "resources" / "default.py").read_text(encoding="utf-8")
    assert "def list_meters(" in default
    assert "def create_site(" in default
    assert "n: Optional[str] = None," in default


def test_a_parameter_whose_in_is_not_a_string_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_with(parameters=[{"name": "site", "in": ["query"], "schema": {}}])
    code, stderr = run_main(write_spec(tmp_path, spec), tmp_path / "out", capsys)
    assert code == 2
    assert "  #/paths/~1meters/get/parameters/0: a parameter needs `name` and `in`" in stderr


def test_an_info_that_is_no_mapping_names_the_sdk_after_the_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_with()
    spec["info"] = None
    code, stderr = run_main(write_spec(tmp_path, spec), tmp_path / "out", capsys)
    assert code == 0, stderr
    assert "class PkgSDK" in (tmp_path / "out" / "pkg" / "sdk.py").read_text(encoding="utf-8")


def test_a_yaml_alias_inside_its_own_anchor_in_an_extension_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "openapi: 3.0.3\ninfo: {title: Loop, version: '1'}\n"
        "paths:\n  /a:\n    get:\n      operationId: a\n"
        "      responses: {'204': {description: none}}\n"
        "x-cycle: &cycle\n  - *cycle\n"
    )
    code, stderr = run_main(write_spec(tmp_path, text), tmp_path / "out", capsys)
    assert code == 0, stderr
