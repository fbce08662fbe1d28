"""Reading the spec (and the files its `$ref`s name) and the generator settings from disk."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from . import ir
from .bundle import Bundler
from .diagnostics import Diagnostics
from .pointers import join
from .reader import ReadError, read_document
from .shapes import drop_misshapen
from .structure import METHODS
from .swagger2 import is_swagger2, upgrade
from .validation import validate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


_VERSION = re.compile(r"^3\.[012](\.\d+)?(-[0-9A-Za-z.-]+)?$")


def load_spec(path: Path, diagnostics: Diagnostics | None = None) -> dict[str, Any]:
    """The spec at `path` as one dict in which every `$ref` is internal (other files
    bundled in). Warnings stay in `diagnostics`; an error in the spec raises `SpecError`
    listing every error in `diagnostics`."""
    diagnostics = Diagnostics() if diagnostics is None else diagnostics
    errors_before = len(diagnostics.errors)
    try:
        document = read_document(path)
    except ReadError as error:
        diagnostics.fatal(str(path), f"cannot read the spec: {error}")
    spec = document.data
    if not isinstance(spec, dict):
        diagnostics.fatal("#", "the spec must be a YAML or JSON mapping")
    for pointer in document.duplicate_keys:
        diagnostics.warning(pointer, "duplicate key (the last one is used)")
    others: dict[Path, Any] = {}
    if is_swagger2(spec):
        others = upgrade(path, spec, diagnostics)
    version = _version(spec, diagnostics)
    if not version:
        diagnostics.check()
    Bundler(path, spec, diagnostics, others).bundle()
    _parameters_without_location(spec, diagnostics)
    if len(diagnostics.errors) > errors_before:
        diagnostics.check()  # the validator cannot walk a spec with broken `$ref`s
    validate(spec, version, diagnostics)
    _path_items_only(spec, diagnostics)
    drop_misshapen(spec, diagnostics)
    return spec


def _path_items_only(spec: dict[str, Any], diagnostics: Diagnostics) -> None:
    """`paths` and `webhooks` keep only their path items: `x-` keys are extensions (legal
    there, and nothing to generate), anything else that is not a mapping is left out
    with a warning."""
    for section in ("paths", "webhooks"):
        items = spec.get(section)
        if items is None:
            continue
        if not isinstance(items, dict):
            diagnostics.warning(f"#/{section}", f"`{section}` is not a mapping: left out")
            spec[section] = {}
            continue
        for key in list(items):
            if str(key).startswith("x-"):
                del items[key]
            elif not isinstance(items[key], dict):
                diagnostics.warning(
                    join([section, str(key)]), "not a path item (a mapping): left out"
                )
                del items[key]


def _version(spec: dict[str, Any], diagnostics: Diagnostics) -> str:
    if "swagger" in spec and "openapi" not in spec:
        diagnostics.error(
            "#/swagger",
            f"unsupported OpenAPI version: Swagger {spec['swagger']} (Swagger 2.0 and "
            "OpenAPI 3.0, 3.1 and 3.2 are read)",
        )
        return ""
    version = spec.get("openapi")
    if version is None:
        diagnostics.error("#", "no `openapi` field: is this an OpenAPI 3.0, 3.1 or 3.2 spec?")
        return ""
    if not _VERSION.match(str(version)):
        diagnostics.error(
            "#/openapi", f"unsupported OpenAPI version {version!r} (3.0.x, 3.1.x or 3.2.x)"
        )
        return ""
    return str(version)


def _parameters_without_location(spec: dict[str, Any], diagnostics: Diagnostics) -> None:
    """Parameters without `name` or `in` cannot become arguments (and stop the validator)."""
    lists: list[tuple[list[str], Any]] = []
    paths = spec.get("paths")
    for key, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            lists.append((["paths", key, "parameters"], item.get("parameters")))
            lists += [
                (["paths", key, method, "parameters"], item[method].get("parameters"))
                for method in METHODS
                if isinstance(item.get(method), dict)
            ]
    components = spec.get("components")
    if isinstance(components, dict) and isinstance(components.get("parameters"), dict):
        lists.append((["components", "parameters"], components["parameters"]))
    for parts, parameters in lists:
        entries = (
            parameters.items()
            if isinstance(parameters, dict)
            else enumerate(parameters)
            if isinstance(parameters, list)
            else ()
        )
        for index, parameter in entries:
            if isinstance(parameter, dict) and not (
                {"$ref"} & parameter.keys() or {"name", "in"} <= parameter.keys()
            ):
                diagnostics.error(join([*parts, index]), "a parameter needs `name` and `in`")


def load_package(root: Path) -> tuple[ir.Package, dict[str, str]]:
    """This project's package settings from pyproject.toml `[tool.atoma-generator]`."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    settings: dict[str, str] = pyproject["tool"]["atoma-generator"]
    timeouts: dict[str, float] = pyproject["tool"]["atoma-generator"].get("timeouts", {})
    project = pyproject["project"]
    package = ir.Package(
        import_name=settings["package"],
        distribution=project["name"],
        version=project["version"],
        sdk_class=settings["sdk-class"],
        spec_name=settings["spec"],
        timeouts=ir.Timeouts(**timeouts),
    )
    return package, settings
