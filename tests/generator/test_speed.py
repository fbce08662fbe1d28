"""Speed: generating from a spec of 60 schemas and 20 operations (budget 3 s), from a
synthetic one of 1,500 schemas and 300 operations and from the full Atoma spec (budget
8 s each: the generator must not be quadratic).

Timed assertions make flaky suites, so these tests only print the figures (`pytest -s`,
or the `-rA` summary) and record them as properties; the bound asserted is a generous one
that catches hangs, not slowness.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from benchmarks.generator_scale import phases
from generator.__main__ import PROJECT_ROOT

HANG_BOUND_SECONDS = 300.0
ATOMA_FULL = Path(__file__).parent / "specs" / "world" / "atoma-full.yml"


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def build_spec(copies: int = 1, groups: int = 5) -> dict[str, Any]:
    """60 component schemas (enums, outputs, inputs, unions, allOf merges) per copy, and
    4 operations per group (each group uses one copy's schemas)."""
    schemas: dict[str, Any] = {}
    for copy in range(copies):
        suffix = f"V{copy}" if copies > 1 else ""
        schemas.update(_schemas(suffix))
    paths: dict[str, Any] = {}
    for i in range(groups):
        suffix = f"V{i % copies}" if copies > 1 else ""
        paths.update(_group(f"group{i}", i % 5, suffix))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Speed", "version": "1.0.0"},
        "servers": [{"url": "https://speed.test"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    }


def _schemas(suffix: str) -> dict[str, Any]:
    def _ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}{suffix}"}

    schemas: dict[str, Any] = {}
    for i in range(8):  # 8 enums, string and integer
        schemas[f"Kind{i}{suffix}"] = (
            {"type": "string", "enum": [f"k{i}-a", f"k{i}-b", f"k{i}-c"]}
            if i % 2 == 0
            else {"type": "integer", "enum": [1, 2, 3, i + 10]}
        )
    for i in range(24):  # 24 response models referring to enums and to each other
        properties: dict[str, Any] = {
            "id": {"type": "string", "format": "uuid"},
            "createdAt": {"type": "string", "format": "date-time"},
            "count": {"type": "integer", "format": "int64"},
            "ratio": {"type": ["number", "null"]},
            "kind": _ref(f"Kind{i % 8}"),
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "tags": {"type": "array", "items": {"type": "string"}},
            "meta": {
                "type": "object",
                "properties": {"source": {"type": "string"}, "from": {"type": "string"}},
            },
        }
        if i > 0:
            properties["parent"] = _ref(f"Resource{i - 1}")
            properties["siblings"] = {"type": "array", "items": _ref(f"Resource{(i * 7) % i}")}
        schemas[f"Resource{i}{suffix}"] = {
            "type": "object",
            "required": ["id", "createdAt", "kind"],
            "properties": properties,
        }
    for i in range(16):  # 16 request models with constraints and nullable fields
        schemas[f"Resource{i}Input{suffix}"] = {
            "type": "object",
            "required": ["name", "kind"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 64},
                "kind": _ref(f"Kind{i % 8}"),
                "size": {"type": "integer", "format": "int32", "minimum": 0},
                "note": {"type": ["string", "null"]},
                "weights": {"type": "array", "minItems": 1, "items": {"type": "number"}},
                "stream": {"type": "boolean", "default": False},
                "options": {"type": "object", "properties": {"dryRun": {"type": "boolean"}}},
            },
        }
    for i in range(6):  # 6 discriminated unions of two response models each
        schemas[f"Event{i}{suffix}"] = {
            "oneOf": [_ref(f"Resource{2 * i}"), _ref(f"Resource{2 * i + 1}")],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    f"first{i}": f"#/components/schemas/Resource{2 * i}{suffix}",
                    f"second{i}": f"#/components/schemas/Resource{2 * i + 1}{suffix}",
                },
            },
        }
    for i in range(6):  # 6 allOf merges
        schemas[f"Detailed{i}{suffix}"] = {
            "allOf": [
                _ref(f"Resource{12 + i}"),
                {"type": "object", "properties": {"details": {"type": "string"}}},
            ]
        }
    assert len(schemas) == 60
    return schemas


def _group(group: str, i: int, suffix: str) -> dict[str, Any]:
    """Four operations on two paths: list, create, get, delete."""

    def _ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}{suffix}"}

    paths: dict[str, Any] = {}
    paths[f"/{group}/items"] = {
        "get": {
            "operationId": f"{group}_list",
            "tags": [group],
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}},
                {"name": "kind", "in": "query", "schema": _ref(f"Kind{i}")},
                {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": _json({"type": "array", "items": _ref(f"Resource{i}")}),
                }
            },
        },
        "post": {
            "operationId": f"{group}_create",
            "tags": [group],
            "requestBody": {"required": True, "content": _json(_ref(f"Resource{i}Input"))},
            "responses": {
                "201": {"description": "created", "content": _json(_ref(f"Detailed{i}"))},
                "4XX": {"description": "bad", "content": _json(_ref(f"Resource{20 + i % 4}"))},
            },
        },
    }
    paths[f"/{group}/items/{{itemId}}"] = {
        "parameters": [
            {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "get": {
            "operationId": f"{group}_get",
            "tags": [group],
            "responses": {"200": {"description": "ok", "content": _json(_ref(f"Event{i}"))}},
        },
        "delete": {
            "operationId": f"{group}_delete",
            "tags": [group],
            "responses": {"204": {"description": "gone"}},
        },
    }
    return paths


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(
    spec_path: Path, out: Path, name: str, record_property: Callable[[str, object], None]
) -> int:
    """Generate as a user does (a new process: interpreter start, imports, loading,
    validation, parsing, rendering, ruff, writing, copying the runtime), then again step
    by step in this process; print the figures. Returns the number of model modules."""
    command = [str(PROJECT_ROOT / "scripts" / "generate"), "--spec", str(spec_path)]
    command += ["--out", str(out / "cli"), "--package", name]
    timeout = HANG_BOUND_SECONDS * 2
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli = _timed(lambda: subprocess.run(command, check=True, capture_output=True, timeout=timeout))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time (the generator and ruff) says more than wall time on a shared machine.
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    steps, _ = phases(spec_path, out / "lib", name)
    models = len(list((out / "cli" / name / "models").glob("*.py")))
    print(
        f"\nscripts/generate on {spec_path.name} ({models} model modules): {cli:.2f} s "
        f"({cpu:.2f} s CPU, load average {os.getloadavg()[0]:.1f}); in process: "
        + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in steps.items())
    )
    record_property("cli_seconds", round(cli, 3))
    record_property("cli_cpu_seconds", round(cpu, 3))
    for step, seconds in steps.items():
        record_property(f"{step}_seconds", round(seconds, 3))
    assert max(cli, sum(steps.values())) < HANG_BOUND_SECONDS
    return models


def _operations(spec: dict[str, Any]) -> int:
    return sum(1 for item in spec["paths"].values() for key in item if key != "parameters")


def test_generating_60_schemas_and_20_operations(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    spec = build_spec()
    assert (len(spec["components"]["schemas"]), _operations(spec)) == (60, 20)
    path = tmp_path / "speed.yml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    assert measure(path, tmp_path, "speed", record_property) >= 60


def test_generating_1500_schemas_and_300_operations(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    spec = build_spec(copies=25, groups=75)
    assert (len(spec["components"]["schemas"]), _operations(spec)) == (1500, 300)
    path = tmp_path / "large.yml"
    text = yaml.dump(spec, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    path.write_text(text, encoding="utf-8")
    print(f"\nlarge.yml: {text.count(chr(10))} lines")
    assert measure(path, tmp_path, "large", record_property) >= 1500


def test_generating_the_full_atoma_spec(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    assert measure(ATOMA_FULL, tmp_path, "atoma_full", record_property) >= 60
