"""Reading the spec and the generator settings from disk."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from . import ir
from .parse import SpecError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


def load_spec(path: Path) -> dict[str, Any]:
    """The spec as a dict, validated against the OpenAPI schema (all errors reported)."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SpecError([f"{path}: cannot read the spec: {error}"]) from error
    if not isinstance(spec, dict):
        raise SpecError([f"{path}: the spec must be a YAML or JSON mapping"])
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(spec.get("openapi", ""))
    validator_class = (
        OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    )
    if not version.startswith(("3.0", "3.1")):
        raise SpecError([f"{path}#/openapi: unsupported OpenAPI version {version!r} (3.0 or 3.1)"])
    problems = [
        f"{path}#/{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator_class(spec).iter_errors()
    ]
    if problems:
        raise SpecError(problems)
    return spec


def load_package(root: Path) -> tuple[ir.Package, dict[str, str]]:
    """This project's package settings from pyproject.toml `[tool.atoma-generator]`."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    settings: dict[str, str] = pyproject["tool"]["atoma-generator"]
    project = pyproject["project"]
    package = ir.Package(
        import_name=settings["package"],
        distribution=project["name"],
        version=project["version"],
        sdk_class=settings["sdk-class"],
        spec_name=settings["spec"],
    )
    return package, settings
