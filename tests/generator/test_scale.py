"""Parsing a spec shaped like the largest public ones (3,000 operations, 5,000 schemas: a
third of the operations in one group, one inline enum parameter name on every operation,
binary downloads beside JSON ones) stays linear: the names the parser gives stay right at
that size, and the time is printed (`-rA`) against a bound that only a superlinear step
(a scan of every name per name) could exceed. The whole run, rendering and ruff included,
is `scripts/benchmarks/generator_scale.py` (minutes; not a test)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generator_scale import build_spec
from generator import ir
from generator.diagnostics import Diagnostics
from generator.parse import parse
from package_support import generate_package

#: 5x the CPU seconds measured on a 2-core machine (3.6 s); with the per-name scans this
#: parse once had (every method of the group for each download, every numbered `Select`
#: for each new one) it took 24.6 s.
PARSE_BOUND_SECONDS = 20.0


def test_parsing_3000_operations_and_5000_schemas_is_linear(
    record_property: Callable[[str, object], None],
) -> None:
    spec = build_spec(operations=3000, schemas=5000)
    package = ir.Package("scale", "scale", "1.0.0", "ScaleSDK", "scale.json")
    started = time.process_time()
    api, _ = parse(spec, package, Diagnostics())
    seconds = time.process_time() - started
    print(f"\nparse of 3,000 operations, 5,000 schemas: {seconds:.2f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    record_property("parse_cpu_seconds", round(seconds, 3))

    methods = {r.attribute: [op.method_name for op in r.operations] for r in api.resources}
    assert sum(len(names) for names in methods.values()) == 4000  # 3,000 + 1,000 `_stream`
    assert all(len(set(names)) == len(names) for names in methods.values())
    untagged = methods["default"]
    assert len(untagged) == 334 * 4  # every third of 1,000 indices: 3 operations, 1 stream
    assert untagged[:4] == [
        "entities0_get_entity",
        "entities0_update_entity",
        "entities0_get_content",
        "entities0_get_content_stream",
    ]
    # One inline enum per operation and parameter name: numbered in spec order.
    selects = [e.class_name for e in api.enums if e.class_name.startswith("Select")]
    assert len(selects) == 1000
    assert {"Select", "Select2", "Select1000"} <= set(selects)
    assert seconds < PARSE_BOUND_SECONDS


def test_a_ref_chain_deeper_than_the_recursion_limit_generates(tmp_path: Path) -> None:
    """Schemas are parsed recursively along their `$ref`s: `scripts/generate` runs on a
    thread with room for chains that Python's default limit (1,000 frames; about 350
    schemas) would refuse with a RecursionError."""
    depth = 1_200

    def schema(i: int) -> dict[str, object]:
        properties: dict[str, object] = {"v": {"type": "integer"}}
        if i < depth:
            properties["next"] = {"$ref": f"#/components/schemas/S{i + 1}"}
        return {"type": "object", "properties": properties}

    answer = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Chain", "version": "1"},
        "paths": {"/s": {"get": {"responses": {"200": {"description": "ok", **answer}}}}},
        "components": {"schemas": {f"S{i}": schema(i) for i in range(depth + 1)}},
    }
    out = generate_package(tmp_path, spec, "chain")
    last = (out / "chain" / "models" / f"s{depth}.py").read_text()
    assert f"class S{depth}(" in last
