"""Golden output and determinism.

`specs/golden.yml`'s whole generated output (code and docs; not `_runtime/`, which is a
copy of this SDK's runtime and checked as such) is committed under `golden/`, each file
with a `.golden` suffix so that no tool lints or imports it. Regenerate it with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/generator/test_golden.py

Determinism: two generations are byte-identical, and so is a generation in another process
with another PYTHONHASHSEED from a copy of the spec whose mappings are shuffled wherever
their order carries no meaning.

Which orders matter (kept as written): `paths` (operations keep spec order within their
group), `properties` (field and argument order), and lists (`parameters`, `enum` values,
`oneOf`/`anyOf`/`allOf` members, `servers`, `tags`). Which do not (shuffled): every other
mapping, among them `components.schemas` (models are sorted by name), the methods of a path
item, `responses`, `content`, `discriminator.mapping`, a schema's keywords, top-level and
`info` keys; and `required` lists.
"""

from __future__ import annotations

import difflib
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from generator.__main__ import PROJECT_ROOT, RUNTIME, generate_package

HERE = Path(__file__).parent
SPEC = HERE / "specs" / "golden.yml"
GOLDEN = HERE / "golden"
SUFFIX = ".golden"
PACKAGE = "golden_notes"


def generate(spec: Path, out: Path) -> dict[str, bytes]:
    generate_package(spec, out, PACKAGE, None)
    return read_tree(out)


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def without_runtime(files: dict[str, bytes]) -> dict[str, bytes]:
    return {p: b for p, b in files.items() if not p.startswith(f"{PACKAGE}/_runtime/")}


def committed() -> dict[str, bytes]:
    return {
        path.relative_to(GOLDEN).as_posix().removesuffix(SUFFIX): path.read_bytes()
        for path in sorted(GOLDEN.rglob(f"*{SUFFIX}"))
    }


def test_golden_output_matches_the_committed_copy(tmp_path: Path) -> None:
    files = without_runtime(generate(SPEC, tmp_path / "out"))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, content in files.items():
            target = GOLDEN / f"{path}{SUFFIX}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    expected = committed()
    assert sorted(files) == sorted(expected), "generated files differ from golden/ (names)"
    for path, content in files.items():
        if content != expected[path]:
            diff = difflib.unified_diff(
                expected[path].decode().splitlines(),
                content.decode().splitlines(),
                f"golden/{path}{SUFFIX}",
                f"generated/{path}",
                lineterm="",
            )
            pytest.fail(
                "generated output differs from the golden copy (UPDATE_GOLDEN=1 to accept):\n"
                + "\n".join(diff)
            )


def test_golden_runtime_is_a_copy_of_the_sdk_runtime(tmp_path: Path) -> None:
    files = generate(SPEC, tmp_path / "out")
    runtime = {p.removeprefix(f"{PACKAGE}/_runtime/"): b for p, b in files.items()}
    runtime = {p: b for p, b in runtime.items() if "/" not in p and p.endswith(".py")}
    assert runtime == {p: b for p, b in read_tree(RUNTIME).items() if p.endswith(".py")}


def test_two_generations_are_byte_identical(tmp_path: Path) -> None:
    first = generate(SPEC, tmp_path / "first")
    second = generate(SPEC, tmp_path / "second")
    assert first == second
    again = generate(SPEC, tmp_path / "first")  # over its own output: nothing changes
    assert again == first


def shuffled(node: Any, rng: random.Random, key: str = "", depth: int = 0) -> Any:
    """`node` with the order of every mapping whose order carries no meaning shuffled."""
    if isinstance(node, list):
        items = [shuffled(item, rng, "", depth + 1) for item in node]
        if key == "required" and all(isinstance(item, str) for item in items):
            rng.shuffle(items)
        return items
    if not isinstance(node, dict):
        return node
    pairs = list(node.items())
    if not (key == "properties" or (key == "paths" and depth == 1)):
        rng.shuffle(pairs)
    return {k: shuffled(v, rng, k, depth + 1) for k, v in pairs}


def test_generation_ignores_hash_seed_and_mapping_order(tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    copy = shuffled(spec, random.Random(20240613))
    assert list(copy["components"]["schemas"]) != list(spec["components"]["schemas"])
    shuffled_spec = tmp_path / "spec" / SPEC.name  # same name: it is in the headers
    shuffled_spec.parent.mkdir()
    shuffled_spec.write_text(yaml.safe_dump(copy, sort_keys=False), encoding="utf-8")
    expected = generate(SPEC, tmp_path / "here")
    for seed, source, out in (
        ("1", SPEC, "seed1"),
        ("987654", shuffled_spec, "shuffled-seed987654"),
    ):
        arguments = ["--spec", str(source), "--out", str(tmp_path / out), "--package", PACKAGE]
        result = subprocess.run(
            [str(PROJECT_ROOT / "scripts" / "generate"), *arguments],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        produced = read_tree(tmp_path / out)
        differing = sorted(
            p for p in expected.keys() | produced.keys() if expected.get(p) != produced.get(p)
        )
        assert differing == [], f"{out}: {differing}"


def test_inline_model_names_do_not_depend_on_schema_order(tmp_path: Path) -> None:
    """Inline objects `AB.c` and `A.bC` both want the name `ABC`; which one gets `ABC2`
    must not depend on the order of components.schemas (today it does)."""

    def spec(order: list[str]) -> dict[str, Any]:
        schemas = {
            "AB": {
                "type": "object",
                "properties": {"c": {"type": "object", "properties": {"x": {"type": "string"}}}},
            },
            "A": {
                "type": "object",
                "properties": {"bC": {"type": "object", "properties": {"y": {"type": "integer"}}}},
            },
        }
        return {
            "openapi": "3.1.0",
            "info": {"title": "Order", "version": "1"},
            "paths": {
                "/x": {
                    "get": {
                        "operationId": "get",
                        "tags": ["x"],
                        "responses": {"204": {"description": "ok"}},
                    }
                }
            },
            "components": {"schemas": {name: schemas[name] for name in order}},
        }

    outputs = []
    for order in (["AB", "A"], ["A", "AB"]):
        folder = tmp_path / "-".join(order)
        folder.mkdir()
        path = folder / "order.yml"
        path.write_text(yaml.safe_dump(spec(order), sort_keys=False), encoding="utf-8")
        outputs.append(without_runtime(generate(path, folder / "out")))
    differing = sorted(p for p in outputs[0] if outputs[0][p] != outputs[1].get(p))
    assert differing == []
