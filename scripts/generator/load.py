"""Reading the spec and the generator settings from disk."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from . import ir
from .diagnostics import SpecError

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
    problems = _parameters_without_location(spec, path)
    if problems:  # the validator itself raises KeyError on these
        raise SpecError(problems)
    try:
        problems = [
            f"{path}#{_pointer(spec, list(error.absolute_path), error.instance)}: {error.message}"
            for error in validator_class(spec).iter_errors()
        ]
    except Exception as error:  # the validator itself fails on some broken specs
        detail = str(error).splitlines()[0] if str(error) else ""
        raise SpecError(
            [f"{path}#: cannot validate the spec: {type(error).__name__}: {detail}"]
        ) from error
    if problems:
        raise SpecError(problems)
    return spec


def _parameters_without_location(spec: dict[str, Any], path: Path) -> list[str]:
    problems = []
    for key, item in (spec.get("paths") or {}).items():
        escaped = str(key).replace("~", "~0").replace("/", "~1")
        places = [(f"/paths/{escaped}", item)] + [
            (f"/paths/{escaped}/{method}", op)
            for method, op in (item or {}).items()
            if isinstance(op, dict)
        ]
        for pointer, holder in places:
            for index, parameter in enumerate((holder or {}).get("parameters") or []):
                if (
                    isinstance(parameter, dict)
                    and "$ref" not in parameter
                    and ("in" not in parameter or "name" not in parameter)
                ):
                    problems.append(
                        f"{path}#{pointer}/parameters/{index}: a parameter needs `name` and `in`"
                    )
    return problems


_TOP_LEVEL = {"openapi", "info", "servers", "paths", "components", "security", "tags", "webhooks",
              "externalDocs", "jsonSchemaDialect"}  # fmt: skip


def _pointer(spec: Any, parts: list[Any], instance: Any) -> str:
    """A JSON pointer into the spec. The validator reports errors inside a schema relative
    to that schema; those are found again by where `parts` lead to `instance`."""
    if parts and parts[0] not in _TOP_LEVEL:
        found = _locate(spec, parts, instance, [])
        if found is not None:
            parts = found + parts
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def _locate(node: Any, parts: list[Any], instance: Any, here: list[Any]) -> list[Any] | None:
    target: Any = node
    for part in parts:
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            target = _MISSING
            break
    if target is not _MISSING and target == instance:
        return here
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        if isinstance(child, (dict, list)):
            found = _locate(child, parts, instance, [*here, key])
            if found is not None:
                return found
    return None


_MISSING = object()


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
