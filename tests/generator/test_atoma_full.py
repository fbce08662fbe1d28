"""The full Atoma API spec (specs/world/atoma-full.yml, a real spec with real defects):
it generates with warnings and no errors, every warning points at a place that exists in
the file, the package passes `mypy --strict`, and every operation has the name the spec's
root-level `x-speakeasy-name-override` list asks for."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import respx
from generator import ir
from generator.__main__ import generate_package
from generator.diagnostics import Diagnostics
from generator.load import load_spec
from generator.naming import snake_case
from generator.parse import parse
from test_corpus import MYPY_ARGS

ATOMA_FULL = Path(__file__).parent / "specs" / "world" / "atoma-full.yml"
PACKAGE = "atoma_full"
USAGE = """
    from atoma_full import AtomaProxySDK, models


    def use(sdk: AtomaProxySDK) -> models.CreateImageResponse:
        sdk.chat.create(messages=[], model="m")
        return sdk.images.generate(model="m", prompt="an otter")
"""


@dataclass
class Generated:
    package: ModuleType
    warnings: list[str]
    mypy: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """The package, generated once; `mypy --strict` starts on it (and on code using it)
    at once and is checked last."""
    root = tmp_path_factory.mktemp("atoma_full")
    diagnostics = Diagnostics()
    generate_package(ATOMA_FULL, root, PACKAGE, None, diagnostics=diagnostics)
    (root / "usage_atoma.py").write_text(textwrap.dedent(USAGE).lstrip())
    (root / "mypy.ini").write_text("[mypy]\n")
    log = root / "mypy.log"
    command = [sys.executable, "-m", "mypy", *MYPY_ARGS, "--config-file", "mypy.ini"]
    with log.open("wb") as handle:
        mypy = subprocess.Popen(
            [*command, PACKAGE, "usage_atoma.py"],
            cwd=root,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module(PACKAGE)
        yield Generated(package, [str(w) for w in diagnostics.warnings], mypy, log)
    finally:
        if mypy.poll() is None:
            mypy.kill()
            mypy.wait()
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(ATOMA_FULL, Diagnostics())


def parsed(spec: dict[str, Any]) -> tuple[ir.Api, Diagnostics]:
    diagnostics = Diagnostics()
    api, _ = parse(spec, ir.Package("atoma_full", "atoma-full", "0", PACKAGE[1], "s"), diagnostics)
    return api, diagnostics


def test_generates_with_warnings_and_no_errors(generated: Generated) -> None:
    # its defects: examples written as JSON text, '[]' as the default of an array
    assert generated.warnings
    assert generated.package.AtomaProxySDK.__name__ == "AtomaProxySDK"


def test_every_warning_points_at_a_place_in_the_file(
    generated: Generated, spec: dict[str, Any]
) -> None:
    for warning in generated.warnings:
        pointer = warning.split(": ", 1)[0]
        assert pointer.startswith("#/") and pointer != "#/", warning
        node: Any = spec
        for part in pointer[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            assert isinstance(node, (dict, list)), warning
            node = node[int(key)] if isinstance(node, list) else node.get(key)
            assert node is not None, f"no {key!r} in the file: {warning}"


def test_operations_are_named_as_the_override_list_asks(spec: dict[str, Any]) -> None:
    api, _ = parsed(spec)
    named = {
        o.operation_id: (r.attribute, o.method_name) for r in api.resources for o in r.operations
    }
    groups = {
        op["operationId"]: snake_case(op["tags"][0])
        for item in spec["paths"].values()
        for op in item.values()
    }
    overrides = spec["x-speakeasy-name-override"]
    assert overrides
    for entry in overrides:
        operation_id = entry["operationId"]
        assert named[operation_id] == (groups[operation_id], entry["methodNameOverride"])
    for wanted in [
        ("chat", "create"),
        ("chat", "create_stream"),
        ("completions", "create_stream"),
        ("images", "generate"),
        ("confidential_images", "generate"),
        ("embeddings", "create"),
        ("models", "list"),
        ("nodes", "create_lock"),
    ]:
        assert wanted in named.values()


def test_images_generate_on_the_wire(generated: Generated) -> None:
    answer = {"created": 1, "data": [{"url": "https://img.test/1.png"}]}
    with (
        respx.mock(base_url="https://api.atoma.network") as router,
        generated.package.AtomaProxySDK("token", retry_config=None) as sdk,
    ):
        route = router.post("/v1/images/generations").respond(200, json=answer)
        result = sdk.images.generate(model="flux", prompt="an otter", n=1, size="256x256")
    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer token"
    assert json.loads(request.content) == {
        "model": "flux",
        "prompt": "an otter",
        "n": 1,
        "size": "256x256",
    }
    assert result.data[0].url == "https://img.test/1.png"


def test_generated_package_passes_mypy_strict(generated: Generated) -> None:
    code = generated.mypy.wait(timeout=600)
    output = generated.log.read_text(encoding="utf-8")
    assert code == 0, "mypy --strict on the full Atoma spec's package:\n" + output
