"""Templates emit imports as ruff's isort rules order them, so the ruff pass of
generation has next to nothing to rewrite (it rewrote nearly every model module).

Each corpus spec is rendered without formatting and checked with `ruff check --select I`
(the generator's own settings): only the three package-level modules that list their
imports in a fixed order may be reported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from generator import ir
from generator.diagnostics import Diagnostics
from generator.load import load_spec
from generator.parse import parse
from generator.pytypes import sorted_imports
from generator.render import Layout, render

SPECS = Path(__file__).parent / "specs"
#: Modules whose imports the templates write in an order of their own (ruff sorts them).
FIXED_ORDER = {"pkg/__init__.py", "pkg/sdk.py", "pkg/models/__init__.py"}


def unsorted_modules(spec: Path, tmp_path: Path) -> set[str]:
    package = ir.Package("pkg", "pkg", "1.0.0", "PkgSDK", spec.name)
    diagnostics = Diagnostics()
    api, package = parse(load_spec(spec, diagnostics), package, diagnostics)
    for path, text in render(api, package, Layout(".", "docs")).items():
        if path.endswith(".py"):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text, encoding="utf-8")
    settings = ["--isolated", "--line-length", "100", "--target-version", "py310"]
    report = ["--select", "I", "--output-format", "concise", "--quiet", "."]
    found = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *settings, *report],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {line.split(":", 1)[0] for line in found.splitlines() if "I001" in line}


@pytest.mark.parametrize("stem", ["names", "polymorphism", "golden", "models", "errors"])
def test_rendered_imports_are_already_sorted(tmp_path: Path, stem: str) -> None:
    assert unsorted_modules(SPECS / f"{stem}.yml", tmp_path) <= FIXED_ORDER


def test_sections_names_and_numbers_sort_as_isort_does() -> None:
    names = {
        "typing": {"Union", "TYPE_CHECKING", "Any", "Tag as _Tag"},
        ".item10": {"Item10"},
        ".item2": {"Item2"},
        ".._runtime.models": {"open_discriminator", "UnknownVariant"},
        "pydantic": {"Field"},
    }
    assert sorted_imports({"builtins"}, names) == [
        "import builtins",
        "from typing import TYPE_CHECKING, Any, Union",
        "from typing import Tag as _Tag",
        "",
        "from pydantic import Field",
        "",
        "from .._runtime.models import UnknownVariant, open_discriminator",
        "from .item2 import Item2",
        "from .item10 import Item10",
    ]
