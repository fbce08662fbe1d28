"""Values no request can carry, refused before any I/O with the argument's name, in a
generated package with `type: number` fields, a free-form object and parameters in the
path, the query and a header: NaN and infinity (JSON has neither), and text holding a
surrogate code point (not Unicode: no UTF-8, no JSON a server reads).

Before, a NaN in a body field raised json's `ValueError` naming no field, a NaN in a
query parameter went out as `nan`, and a surrogate in a path or query parameter raised
an unnamed `UnicodeEncodeError` from `urllib`.
"""

from __future__ import annotations

import json

import pytest
from package_support import generate_package, run_python

NUMBER = {"type": "number"}


def body_of(operation_id: str, media_type: str, schema: str) -> dict[str, object]:
    content = {media_type: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {
        "operationId": operation_id,
        "tags": ["things"],
        "requestBody": {"required": True, "content": content},
        "responses": {"204": {"description": "done"}},
    }


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Measure", "version": "1"},
    "paths": {
        "/things/{thing_id}": {
            "post": {
                "operationId": "measure",
                "tags": ["things"],
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "scale", "in": "query", "schema": NUMBER},
                    {"name": "label", "in": "query", "schema": {"type": "string"}},
                    {"name": "X-Note", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Sample"}}
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/notes": {"post": body_of("note", "application/x-www-form-urlencoded", "Note")},
        "/texts": {"post": body_of("text", "text/plain", "Text")},
    },
    "components": {
        "schemas": {
            "Sample": {
                "type": "object",
                "required": ["ratio"],
                "properties": {
                    "ratio": NUMBER,
                    "readings": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Reading"},
                    },
                    "extra": {"type": "object", "additionalProperties": True},
                },
            },
            "Note": {"type": "object", "properties": {"title": {"type": "string"}}},
            "Text": {"type": "string"},
            "Reading": {
                "type": "object",
                "properties": {"weights": {"type": "array", "items": NUMBER}},
            },
        }
    },
}

CASES = {
    "nan_body_field": "dict(ratio=float('nan'))",
    "inf_nested_field": "dict(ratio=1, readings=[{'weights': [1.5, float('inf')]}])",
    "nan_free_form": "dict(ratio=1, extra={'a': [1, {'b': float('nan')}]})",
    "nan_query": "dict(ratio=1, scale=float('nan'))",
    "surrogate_path": "dict(ratio=1, thing_id='t\\udc80')",
    "surrogate_query": "dict(ratio=1, label='\\ud800')",
    "surrogate_free_form": "dict(ratio=1, extra={'k': '\\udfff'})",
    "surrogate_header": "dict(ratio=1, x_note='\\ud800')",
    "fine": "dict(ratio=1, scale=2.5, extra={'emoji': '\\U0001f9a6'}, thing_id='\\u00e9')",
    "surrogate_form": "dict(method='note', title='\\udc80')",
    "surrogate_text_body": "dict(method='text', body='x\\ud800')",
}

CALLS = """
    import json

    import httpx
    import pydantic

    from measure import MeasureSDK

    sent = []

    def answer(request):
        sent.append(request.url.raw_path.decode())
        return httpx.Response(200, json={})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    sdk = MeasureSDK(server_url="https://m.test", client=client)
    outcomes = {}
    for name, arguments in CASES.items():
        method = arguments.pop("method", "measure")
        if method == "measure":
            arguments = {"thing_id": "t", **arguments}
        before = len(sent)
        try:
            getattr(sdk.things, method)(**arguments)
        except Exception as error:
            outcomes[name] = [
                type(error).__name__,
                isinstance(error, pydantic.ValidationError),
                str(error),
                len(sent) - before,
            ]
        else:
            outcomes[name] = ["sent", False, sent[-1], len(sent) - before]
    print(json.dumps(outcomes))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[object]]:
    out = generate_package(tmp_path_factory.mktemp("unsendable"), SPEC, "measure")
    cases = "CASES = {" + ", ".join(f"{k!r}: {v}" for k, v in CASES.items()) + "}"
    done = run_python(out, CALLS.replace("outcomes = {}", f"{cases}\n    outcomes = {{}}"))
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, list[object]] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("nan_body_field", "ratio: should be a finite number, got nan"),
        ("inf_nested_field", "readings[0].weights[1]: should be a finite number, got inf"),
        ("nan_free_form", "extra.a[1].b: must be a finite number, got nan"),
        ("nan_query", "scale: should be a finite number, got nan"),
        ("surrogate_path", "thing_id: must be Unicode text, not the surrogate code point"),
        ("surrogate_query", "label: must be Unicode text, not the surrogate code point"),
        ("surrogate_free_form", "extra.k: must be Unicode text, not the surrogate code point"),
        ("surrogate_form", "title: must be Unicode text, not the surrogate code point"),
    ],
)
def test_refused_before_any_io_naming_the_argument(
    outcomes: dict[str, list[object]], case: str, message: str
) -> None:
    kind, is_validation_error, text, requests = outcomes[case]
    print(case, kind, text)
    assert kind == "InvalidArgumentError" and is_validation_error is True
    assert str(text).startswith(message), text
    assert requests == 0


def test_a_header_parameter_says_which_one(outcomes: dict[str, list[object]]) -> None:
    kind, _, text, requests = outcomes["surrogate_header"]
    assert kind == "ValueError" and "'X-Note'" in str(text) and requests == 0


def test_a_text_body_says_so(outcomes: dict[str, list[object]]) -> None:
    kind, _, text, requests = outcomes["surrogate_text_body"]
    assert kind == "ValueError" and requests == 0
    assert str(text).startswith("the request body: must be Unicode text, not the surrogate"), text


def test_finite_numbers_and_real_characters_are_sent(outcomes: dict[str, list[object]]) -> None:
    kind, _, path, requests = outcomes["fine"]
    assert (kind, path, requests) == ("sent", "/things/%C3%A9?scale=2.5", 1)
