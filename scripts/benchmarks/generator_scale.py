"""How the generator's time grows with a spec's size, on specs shaped like the largest
public ones: thousands of operations, a third of them in one group (untagged ones), each
with its own inline enum query parameters of one name (`$select`, `$orderby`), binary
downloads beside JSON ones, and schemas referring to each other in cycles.

    PYTHONPATH=scripts .venv/bin/python -m benchmarks.generator_scale [--scales 1,2,4]

Each scale multiplies 1,000 operations and 1,700 schemas; the generator is linear when
the seconds per operation stay flat from one scale to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

OPERATIONS_PER_SCALE = 1000
SCHEMAS_PER_SCALE = 1700


def _ref(index: int) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/Entity{index}"}


#: Schemas refer to each other within blocks of this many: large cycles, as the entity
#: types of a directory API form, but no chain of `$ref`s deeper than the parser's
#: recursion allows (a few hundred schemas).
BLOCK = 50


def _entity(index: int, count: int) -> dict[str, Any]:
    """An object referring to two others of its block, so the block is one cycle."""
    start = index - index % BLOCK
    size = min(BLOCK, count - start)
    return {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "displayName": {"type": ["string", "null"]},
            "state": {"type": "string", "enum": ["active", "retired", f"custom{index % 5}"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "next": _ref(start + (index - start + 1) % size),
            "members": {"type": "array", "items": _ref(start + (index - start) * 3 % size)},
            "extra": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }


def _fields_parameter(name: str, values: list[str]) -> dict[str, Any]:
    """A query parameter naming fields, with its own inline enum (one name, many lists)."""
    return {
        "name": name,
        "in": "query",
        "style": "form",
        "explode": False,
        "schema": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "enum": values},
        },
    }


def _operations(index: int, schemas: int) -> dict[str, Any]:
    """Two paths per index: an item (get, update) and its binary content (get)."""
    entity = index % schemas
    tag = {"tags": [f"group{index % 40}"]} if index % 3 else {}  # a third untagged
    fields = ["id", "displayName", "state", f"field{index % 11}"]
    item = f"/entities{index}/{{entity-id}}"
    ok = {"description": "ok", "content": {"application/json": {"schema": _ref(entity)}}}
    error = {"description": "error", "content": {"application/json": {"schema": _ref(0)}}}
    return {
        item: {
            "parameters": [
                {"name": "entity-id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                **tag,
                "operationId": f"entities{index}.GetEntity",
                "parameters": [
                    _fields_parameter("$select", fields),
                    _fields_parameter("$orderby", [f"{f} desc" for f in fields]),
                ],
                "responses": {"200": ok, "4XX": error},
            },
            "patch": {
                **tag,
                "operationId": f"entities{index}.UpdateEntity",
                "requestBody": {"content": {"application/json": {"schema": _ref(entity)}}},
                "responses": {"204": {"description": "done"}, "4XX": error},
            },
        },
        f"{item}/content": {
            "get": {
                **tag,
                "operationId": f"entities{index}.GetContent",
                "parameters": [
                    {
                        "name": "entity-id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "the bytes",
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    }
                },
            }
        },
    }


def build_spec(operations: int, schemas: int) -> dict[str, Any]:
    """A spec of about `operations` operations (three per index) and `schemas` schemas."""
    paths: dict[str, Any] = {}
    for index in range(operations // 3):
        paths.update(_operations(index, schemas))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Scale", "version": "1.0.0"},
        "servers": [{"url": "https://scale.test/v1"}],
        "paths": paths,
        "components": {"schemas": {f"Entity{i}": _entity(i, schemas) for i in range(schemas)}},
    }


def phases(path: Path, out: Path, name: str) -> tuple[dict[str, float], int]:
    """The steps of generating the package `name` from the spec at `path` into `out`,
    timed one by one in this process: (seconds by step, files written)."""
    from generator import ir
    from generator.diagnostics import Diagnostics
    from generator.load import load_spec
    from generator.output import format_python, write
    from generator.parse import parse
    from generator.render import Layout, render

    package = ir.Package(name, name, "1.0.0", "ScaleSDK", path.name)
    layout = Layout(source_root=".", docs_root="docs")
    diagnostics = Diagnostics()
    times: dict[str, float] = {}
    started = time.perf_counter()
    spec = load_spec(path, diagnostics)
    times["load+validate"] = time.perf_counter() - started
    started = time.perf_counter()
    api, package = parse(spec, package, diagnostics)
    times["parse"] = time.perf_counter() - started
    started = time.perf_counter()
    files = render(api, package, layout)
    times["render"] = time.perf_counter() - started
    started = time.perf_counter()
    write(out, format_python(files), [layout.code(package), layout.docs_root])
    times["ruff+write"] = time.perf_counter() - started
    return times, len(files)


def measure(operations: int, schemas: int, out: Path) -> tuple[dict[str, float], int]:
    """`phases` of a package generated from `build_spec(operations, schemas)`."""
    path = out / "scale.json"
    path.write_text(json.dumps(build_spec(operations, schemas)), encoding="utf-8")
    return phases(path, out / "package", "scale")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="generator_scale", description=__doc__)
    parser.add_argument("--scales", default="1,2,4", help="multiples of 1,000 operations")
    args = parser.parse_args(argv)
    for scale in (int(s) for s in args.scales.split(",")):
        operations, schemas = OPERATIONS_PER_SCALE * scale, SCHEMAS_PER_SCALE * scale
        with tempfile.TemporaryDirectory() as scratch:
            times, files = measure(operations, schemas, Path(scratch))
        total = sum(times.values())
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{operations} operations, {schemas} schemas: {files} files in "
            f"{total:.1f} s ({1000 * total / operations:.1f} ms per operation; {steps}); "
            f"peak RSS so far {peak:.0f} MB; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
