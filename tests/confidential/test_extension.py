"""`x-atoma-confidential` in the generator: linked to its lock, or every mistake reported."""

from __future__ import annotations

from typing import Any

import pytest
from generator import ir
from generator.__main__ import PROJECT_ROOT
from generator.diagnostics import SpecError
from generator.load import load_package, load_spec
from generator.parse import parse
from generator.parse.confidential import estimators

PACKAGE = ir.Package("pkg", "pkg", "0.1.0", "PkgSDK", "spec.yml")


def test_the_project_spec_links_the_confidential_method_to_its_lock() -> None:
    package, settings = load_package(PROJECT_ROOT)
    api, _ = parse(load_spec(PROJECT_ROOT / settings["spec"]), package)
    resources = {r.attribute: r for r in api.resources}
    (generate,) = resources["confidential_images"].operations
    secret = generate.confidential
    assert secret is not None
    assert (secret.request.class_name, secret.response) == (
        "CreateImageRequest",
        ir.ModelType("CreateImageResponse"),
    )
    assert (secret.lock_module, secret.lock_function) == ("nodes", "_lock_operation")
    assert secret.lock_request is not None
    assert secret.lock_request.class_name == "NodesCreateLockRequest"
    assert generate.body_model is not None
    assert generate.body_model.class_name == "ConfidentialComputeRequest"
    assert estimators() == {"image-pixels"}


def obj(**properties: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": {name: {"type": kind} for name, kind in properties.items()},
    }


def post(body: str, answer: str, **extra: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}
    reply = {"application/json": {"schema": {"$ref": f"#/components/schemas/{answer}"}}}
    return {
        "post": {
            "tags": ["things"],
            "requestBody": {"required": True, "content": content},
            "responses": {"200": {"description": "ok", "content": reply}},
            **extra,
        }
    }


def spec(extension: object) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Secret", "version": "1.0.0"},
        "paths": {
            "/lock": post("Lock", "Locked", operationId="lock_it"),
            "/secret": post(
                "Envelope", "Sealed", operationId="secret", **{"x-atoma-confidential": extension}
            ),
        },
        "components": {
            "schemas": {
                "Lock": obj(model="string"),
                "Locked": obj(public_key="string"),
                "Envelope": obj(ciphertext="string"),
                "Sealed": obj(ciphertext="string"),
                "Plain": obj(model="string", prompt="string"),
                "Answer": obj(text="string"),
            }
        },
    }


def test_a_well_formed_extension_in_another_spec() -> None:
    extension = {
        "request": "#/components/schemas/Plain",
        "response": "#/components/schemas/Answer",
        "lock": "lock_it",
        "compute-units": "image-pixels",
    }
    api, _ = parse(spec(extension), PACKAGE)
    (secret,) = [op for r in api.resources for op in r.operations if op.confidential]
    assert secret.confidential is not None
    assert secret.confidential.lock_function == "_lock_it_operation"
    plain = {m.class_name: m for m in api.models}["Plain"]
    assert plain.direction == "input"  # sent, though no operation's body names it


@pytest.mark.parametrize(
    ("extension", "problem"),
    [
        ("yes", "must be a mapping"),
        ({"request": "#/components/schemas/Plain"}, "missing or not a string: response, lock"),
        (
            {
                "request": "#/components/schemas/Plain",
                "response": "#/components/schemas/Answer",
                "lock": "lock_it",
                "compute-units": "image-pixels",
                "color": "red",
            },
            "unknown: color",
        ),
        (
            {
                "request": "#/components/schemas/Plain",
                "response": "#/components/schemas/Answer",
                "lock": "lock_it",
                "compute-units": "tokens",
            },
            "unknown estimator 'tokens'",
        ),
        (
            {
                "request": "#/components/schemas/Plain",
                "response": "#/components/schemas/Answer",
                "lock": "nowhere",
                "compute-units": "image-pixels",
            },
            "no operation 'nowhere'",
        ),
    ],
)
def test_mistakes_are_reported_with_their_pointer(extension: object, problem: str) -> None:
    with pytest.raises(SpecError) as raised:
        parse(spec(extension), PACKAGE)
    assert any(
        "/paths/~1secret/post/x-atoma-confidential" in line and problem in line
        for line in raised.value.problems
    ), raised.value.problems
