"""Spec (a dict loaded from YAML) -> `ir.Api`.

Every problem found is collected with its JSON pointer; `SpecError` lists them all at
once, so one run shows everything that needs fixing and no code is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import ir
from .naming import env_var_prefix, module_name, pascal_case, snake_case

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_CONSTRAINT_KEYWORDS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
}

_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class SpecError(Exception):
    """The spec uses something the generator does not support, or is invalid."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Parser:
    spec: Mapping[str, Any]
    package: ir.Package
    problems: list[str] = field(default_factory=list)
    models: dict[str, ir.Model] = field(default_factory=dict)
    directions: dict[str, ir.Direction] = field(default_factory=dict)

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(f"{pointer or '#'}: {message}")

    # -- schemas -------------------------------------------------------------------------

    def schema_name(self, ref: str, pointer: str) -> str | None:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            self.problem(pointer, f"unsupported $ref {ref!r} (only {prefix}... is supported)")
            return None
        name = ref[len(prefix) :]
        if name not in self.spec.get("components", {}).get("schemas", {}):
            self.problem(pointer, f"$ref {ref!r} points to no schema")
            return None
        return name

    def type_of(
        self, schema: Mapping[str, Any], pointer: str, direction: ir.Direction
    ) -> tuple[ir.TypeRef, bool]:
        """The Python type of a schema and whether it admits null."""
        if "$ref" in schema:
            name = self.schema_name(schema["$ref"], pointer)
            if name is None:
                return ir.TypeRef("any"), False
            return ir.TypeRef("model", self.model(name, direction).class_name), False
        for keyword in ("oneOf", "anyOf", "allOf", "not", "discriminator", "enum", "const"):
            if keyword in schema:
                self.problem(pointer, f"unsupported schema keyword {keyword!r}")
        types = schema.get("type")
        type_list = list(types) if isinstance(types, list) else ([types] if types else [])
        nullable = "null" in type_list or bool(schema.get("nullable"))
        type_list = [t for t in type_list if t != "null"]
        if not type_list:
            return ir.TypeRef("any"), nullable
        if len(type_list) > 1:
            self.problem(pointer, f"unsupported type list {types!r}")
            return ir.TypeRef("any"), nullable
        kind = type_list[0]
        if kind in SCALARS:
            arguments = {
                target: schema[keyword]
                for keyword, target in _CONSTRAINT_KEYWORDS.items()
                if keyword in schema
            }
            # An integer format bounds the value too, unless the schema is stricter.
            bounds = _INTEGER_FORMATS.get(schema.get("format", "")) if kind == "integer" else None
            if bounds is not None:
                if "ge" not in arguments and "gt" not in arguments:
                    arguments["ge"] = bounds[0]
                if "le" not in arguments and "lt" not in arguments:
                    arguments["le"] = bounds[1]
            return ir.TypeRef(
                "scalar", SCALARS[kind], constraints=ir.Constraints(**arguments)
            ), nullable
        if kind == "array":
            item, _ = self.type_of(schema.get("items", {}), f"{pointer}/items", direction)
            return ir.TypeRef("list", item=item), nullable
        if kind == "object":
            if schema.get("properties"):
                self.problem(pointer, "unsupported inline object with properties (use a $ref)")
            extra = schema.get("additionalProperties", True)
            value = (
                self.type_of(extra, f"{pointer}/additionalProperties", direction)[0]
                if isinstance(extra, Mapping)
                else ir.TypeRef("any")
            )
            return ir.TypeRef("dict", item=value), nullable
        self.problem(pointer, f"unsupported type {kind!r}")
        return ir.TypeRef("any"), nullable

    def model(self, name: str, direction: ir.Direction) -> ir.Model:
        """The model for `#/components/schemas/<name>`, built once."""
        class_name = pascal_case(name)
        if class_name in self.models:
            if self.directions[class_name] != direction:
                self.problem(
                    f"#/components/schemas/{name}",
                    "schema is used both in requests and in responses (not supported yet)",
                )
            return self.models[class_name]
        pointer = f"#/components/schemas/{name}"
        schema = self.spec["components"]["schemas"][name]
        self.directions[class_name] = direction
        # Placeholder first, so a recursive reference finds the model while it is built.
        self.models[class_name] = ir.Model(
            class_name, module_name(class_name), "", (), direction, pointer
        )
        if schema.get("type", "object") != "object" or "properties" not in schema:
            self.problem(pointer, "only object schemas with properties can be models")
        required = set(schema.get("required", []))
        fields = []
        for wire_name, prop in (schema.get("properties") or {}).items():
            prop_pointer = f"{pointer}/properties/{wire_name}"
            type_ref, nullable = self.type_of(prop, prop_pointer, direction)
            fields.append(
                ir.ModelField(
                    name=snake_case(wire_name),
                    wire_name=wire_name,
                    type=type_ref,
                    required=wire_name in required,
                    nullable=nullable,
                    description=_text(prop.get("description")),
                    example=prop.get("example"),
                )
            )
        # Required fields first, as atoma-sdk 0.1.3 orders arguments; otherwise spec order.
        fields.sort(key=lambda f: not f.required)
        model = ir.Model(
            class_name,
            module_name(class_name),
            _text(schema.get("description")),
            tuple(fields),
            direction,
            pointer,
        )
        self.models[class_name] = model
        return model

    # -- operations ----------------------------------------------------------------------

    def json_schema_model(
        self, content: Mapping[str, Any] | None, pointer: str, direction: ir.Direction
    ) -> ir.Model | None:
        if not content:
            return None
        media = content.get("application/json")
        if media is None:
            self.problem(
                pointer, f"unsupported media types {sorted(content)} (only application/json)"
            )
            return None
        schema = media.get("schema", {})
        if "$ref" not in schema:
            self.problem(
                f"{pointer}/application/json/schema", "only $ref schemas are supported here"
            )
            return None
        name = self.schema_name(schema["$ref"], f"{pointer}/application/json/schema/$ref")
        return self.model(name, direction) if name else None

    def operation(self, path: str, method: str, op: Mapping[str, Any], group: str) -> ir.Operation:
        pointer = f"#/paths/{_escape(path)}/{method}"
        operation_id = op.get("operationId") or snake_case(f"{method}_{path}")
        name = op.get("x-speakeasy-name-override") or _strip_group(snake_case(operation_id), group)
        if op.get("parameters"):
            self.problem(f"{pointer}/parameters", "parameters are not supported yet")
        body = op.get("requestBody")
        body_model = (
            self.json_schema_model(body.get("content"), f"{pointer}/requestBody/content", "input")
            if body
            else None
        )
        response_model = None
        errors = []
        for status, response in sorted(op.get("responses", {}).items()):
            if str(status).startswith("2"):
                response_model = self.json_schema_model(
                    response.get("content"), f"{pointer}/responses/{status}/content", "output"
                )
            else:
                errors.append(ir.ErrorResponse(str(status), _text(response.get("description"))))
        security = op.get("security", self.spec.get("security", []))
        return ir.Operation(
            operation_id=operation_id,
            method=method.upper(),
            path=path,
            method_name=snake_case(name),
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            body_model=body_model,
            response_model=response_model,
            requires_auth=any(bool(requirement) for requirement in security),
            errors=tuple(errors),
        )

    def resources(self) -> tuple[ir.Resource, ...]:
        tag_descriptions = {
            t["name"]: _text(t.get("description")) for t in self.spec.get("tags", [])
        }
        grouped: dict[str, list[ir.Operation]] = {}
        descriptions: dict[str, str] = {}
        for path, item in self.spec.get("paths", {}).items():
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                tags = op.get("tags") or ["default"]
                group = snake_case(op.get("x-speakeasy-group") or tags[0])
                grouped.setdefault(group, []).append(self.operation(path, method, op, group))
                descriptions.setdefault(group, tag_descriptions.get(tags[0], ""))
        return tuple(
            ir.Resource(
                attribute=group,
                class_name=pascal_case(group),
                module=group,
                description=descriptions[group],
                operations=tuple(operations),
            )
            for group, operations in sorted(grouped.items())
        )

    def security(self) -> tuple[ir.SecurityScheme, ...]:
        schemes = []
        for name, scheme in self.spec.get("components", {}).get("securitySchemes", {}).items():
            if scheme.get("type") != "http" or scheme.get("scheme", "").lower() != "bearer":
                self.problem(
                    f"#/components/securitySchemes/{name}", "only http bearer security is supported"
                )
                continue
            schemes.append(
                ir.SecurityScheme(snake_case(name), name, _text(scheme.get("description")))
            )
        if len(schemes) > 1:
            self.problem("#/components/securitySchemes", "only one security scheme is supported")
        return tuple(schemes)


def parse(spec: Mapping[str, Any], package: ir.Package) -> tuple[ir.Api, ir.Package]:
    """Build the intermediate model, or raise `SpecError` listing every problem."""
    parser = _Parser(spec, package)
    resources = parser.resources()
    security = parser.security()
    for name in spec.get("components", {}).get("schemas", {}):
        parser.model(name, parser.directions.get(pascal_case(name), "output"))
    if parser.problems:
        raise SpecError(parser.problems)
    info = spec.get("info", {})
    api = ir.Api(
        title=str(info.get("title", "")),
        description=_text(info.get("description")),
        api_version=str(info.get("version", "")),
        servers=tuple(str(s["url"]) for s in spec.get("servers", [])) or ("http://localhost",),
        security=security,
        resources=resources,
        models=tuple(sorted(parser.models.values(), key=lambda m: m.class_name)),
    )
    env_var = f"{env_var_prefix(package.sdk_class)}_{security[0].name.upper()}" if security else ""
    return api, ir.Package(
        package.import_name,
        package.distribution,
        package.version,
        package.sdk_class,
        package.spec_name,
        env_var,
    )


def _text(value: object) -> str:
    return str(value).strip() if value else ""


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def _strip_group(name: str, group: str) -> str:
    for affix in (f"{group}_", f"_{group}"):
        if name.startswith(affix) and len(name) > len(affix):
            return name[len(affix) :]
        if name.endswith(affix) and len(name) > len(affix):
            return name[: -len(affix)]
    return name
