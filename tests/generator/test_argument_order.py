"""`x-sdk-argument-order`: the listed arguments come first, in that order, then the call
options; the others follow them, so an earlier release's signature stays the start of the
new one (atoma-sdk 0.1.3's `images.generate` is kept this way)."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from generator import ir
from generator.__main__ import generate_package
from generator.diagnostics import Diagnostics
from generator.load import load_spec
from generator.parse import parse

OPTIONS = ["retries", "server_url", "timeout_ms", "http_headers"]


def _spec(order: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Order", "version": "1"},
        "servers": [{"url": "https://order.test"}],
        "paths": {
            "/paint/{wall}": {
                "post": {
                    "operationId": "paint",
                    "x-sdk-argument-order": order,
                    "parameters": [
                        {
                            "name": "wall",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Paint"}}
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                }
            }
        },
        "components": {
            "schemas": {
                "Paint": {
                    "type": "object",
                    "required": ["color"],
                    "properties": {
                        "color": {"type": "string"},
                        "coats": {"type": "integer"},
                        "finish": {"type": "string"},
                    },
                }
            }
        },
    }


def test_listed_arguments_come_first_and_the_rest_after_the_call_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_path = tmp_path / "order.yml"
    spec_path.write_text(yaml.safe_dump(_spec(["coats", "wall", "color"])))
    generate_package(spec_path, tmp_path / "out", "order_pkg", None)
    monkeypatch.syspath_prepend(str(tmp_path / "out"))
    try:
        module = importlib.import_module("order_pkg.resources.default")
        for method in ("paint", "paint_async"):
            names = list(inspect.signature(getattr(module.Default, method)).parameters)
            assert names[: 3 + 1 + len(OPTIONS) + 1] == [
                "self", "coats", "wall", "color", *OPTIONS, "finish"
            ]  # fmt: skip
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "order_pkg"]:
            del sys.modules[name]


def test_unknown_names_are_a_warning_and_ignored(tmp_path: Path) -> None:
    spec_path = tmp_path / "order.yml"
    spec_path.write_text(yaml.safe_dump(_spec(["colour", "color"])))
    diagnostics = Diagnostics()
    package = ir.Package("order_pkg", "order-pkg", "0.1.0", "OrderSDK", "order.yml")
    api, _ = parse(load_spec(spec_path), package, diagnostics)
    assert [str(w) for w in diagnostics.warnings] == [
        "#/paths/~1paint~1{wall}/post/x-sdk-argument-order: no such arguments: ['colour']; ignored"
    ]
    assert api.resources[0].operations[0].argument_order == ("color",)
