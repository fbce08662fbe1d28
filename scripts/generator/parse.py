"""Spec (a dict loaded from YAML) -> `ir.Api`.

Every problem found is collected with its JSON pointer; `SpecError` lists them all at
once, so one run shows everything that needs fixing and no code is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from . import ir
from .diagnostics import SpecError
from .naming import env_var_prefix, module_name, pascal_case, snake_case
from .runtime import error_classes

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
STREAM_SUFFIX = "#stream"
SCHEMAS = "#/components/schemas/"
_CONSTRAINT_KEYWORDS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_length",
    "maxItems": "max_length",
    "pattern": "pattern",
}
_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
#: (type, format) -> Python type name; a missing format falls back to (type, None).
_SCALARS: dict[tuple[str, str | None], str] = {
    ("string", None): "str",
    ("string", "date-time"): "datetime",
    ("string", "date"): "date",
    ("string", "uuid"): "UUID",
    ("string", "binary"): "bytes",
    ("integer", None): "int",
    ("number", None): "float",
    ("boolean", None): "bool",
}
_SUPPORTED_KEYWORDS = {
    "type", "format", "description", "title", "example", "examples", "default", "nullable",
    "enum", "const", "properties", "required", "additionalProperties", "items", "oneOf",
    "anyOf", "allOf", "discriminator", "$ref", "deprecated", "readOnly", "writeOnly",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
    "minItems", "maxItems", "pattern", "uniqueItems", "externalDocs", "xml",
}  # fmt: skip


@dataclass
class _Parser:
    spec: Mapping[str, Any]
    problems: list[str] = field(default_factory=list)
    models: dict[str, ir.Model] = field(default_factory=dict)
    enums: dict[str, ir.EnumDef] = field(default_factory=dict)
    aliases: dict[str, ir.AliasDef] = field(default_factory=dict)
    components: dict[str, ir.TypeRef] = field(default_factory=dict)  # schema name -> type
    directions: dict[str, set[ir.Direction]] = field(default_factory=dict)  # schema name
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # class -> wire -> value
    taken: set[str] = field(default_factory=set)  # generated class names
    error_models: dict[str, str] = field(default_factory=dict)  # model -> exception class
    inline: dict[int, ir.TypeRef] = field(default_factory=dict)  # id(schema) -> its model

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(f"{pointer or '#'}: {message}")

    @property
    def schemas(self) -> Mapping[str, Any]:
        return self.spec.get("components", {}).get("schemas", {}) or {}

    # -- which schemas are sent, and which are received ---------------------------------

    def mark(self, schema: Any, direction: ir.Direction, seen: set[str] | None = None) -> None:
        """Record `direction` for every component schema reachable from `schema`."""
        seen = set() if seen is None else seen
        if isinstance(schema, list):
            for item in schema:
                self.mark(item, direction, seen)
        if not isinstance(schema, Mapping):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            name = ref[len(SCHEMAS) :]
            if name in seen or name not in self.schemas:
                return
            seen.add(name)
            self.directions.setdefault(name, set()).add(direction)
            self.mark(self.schemas[name], direction, seen)
            return
        for key, value in schema.items():
            if key in ("properties",) and isinstance(value, Mapping):
                for prop in value.values():
                    self.mark(prop, direction, seen)
            elif key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf", "not"):
                self.mark(value, direction, seen)

    def direction_of(self, name: str) -> ir.Direction:
        found = self.directions.get(name, {"output"})
        if found == {"input", "output"}:
            return "both"
        return "input" if "input" in found else "output"

    # -- schemas -> types ----------------------------------------------------------------

    def ref_name(self, ref: str, pointer: str) -> str | None:
        if not ref.startswith(SCHEMAS):
            self.problem(pointer, f"unsupported $ref {ref!r} (only {SCHEMAS}... is supported)")
            return None
        name = ref[len(SCHEMAS) :]
        if name not in self.schemas:
            self.problem(pointer, f"$ref {ref!r} points to no schema")
            return None
        return name

    def class_name(self, wanted: str) -> str:
        """A class name not used yet: `wanted`, else `wanted2`, `wanted3`, ..."""
        name, counter = wanted, 1
        while name in self.taken:
            counter += 1
            name = f"{wanted}{counter}"
        self.taken.add(name)
        return name

    def component(self, name: str) -> ir.TypeRef:
        """The type of `#/components/schemas/<name>`, built once."""
        if name in self.components:
            return self.components[name]
        schema = self.schemas[name]
        pointer = f"{SCHEMAS}{name}"
        direction = self.direction_of(name)
        class_name = pascal_case(name)
        if _is_object(schema):
            ref = ir.TypeRef("model", class_name)
            self.components[name] = ref  # before the fields: a recursive reference finds it
            self.object_model(class_name, schema, pointer, direction)
            return ref
        if "enum" in schema and not _non_null(schema.get("oneOf") or schema.get("anyOf")):
            ref, _ = self.enum(schema, pointer, class_name, nullable=False, reserved=True)
            self.components[name] = ref
            return ref
        if schema.get("oneOf") or schema.get("anyOf"):
            alias = ir.TypeRef("alias", class_name)
            self.components[name] = alias
            target, _ = self.type_of(schema, pointer, class_name, direction)
            self.aliases[class_name] = ir.AliasDef(
                class_name, module_name(class_name), _text(schema.get("description")),
                target, direction, pointer,
            )  # fmt: skip
            return alias
        ref, _ = self.type_of(schema, pointer, class_name, direction)
        self.components[name] = ref
        return ref

    def type_of(
        self,
        schema: Any,
        pointer: str,
        context: str,
        direction: ir.Direction,
    ) -> tuple[ir.TypeRef, bool]:
        """The Python type of a schema, and whether it admits null. `context` names inline
        models and enums (the parent class name plus the property name)."""
        if not isinstance(schema, Mapping):
            self.problem(pointer, "a schema must be an object")
            return ir.TypeRef("any"), False
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"], f"{pointer}/$ref")
            if name is None:
                return ir.TypeRef("any"), False
            return self.component(name), bool(schema.get("nullable"))
        for keyword in schema:
            if keyword not in _SUPPORTED_KEYWORDS and not keyword.startswith("x-"):
                self.problem(f"{pointer}/{keyword}", f"unsupported schema keyword {keyword!r}")
        types = schema.get("type")
        type_list = list(types) if isinstance(types, list) else ([types] if types else [])
        nullable = "null" in type_list or bool(schema.get("nullable"))
        type_list = [t for t in type_list if t != "null"]
        if id(schema) in self.inline:  # the same inline schema again: a recursive structure
            return self.inline[id(schema)], nullable
        if "allOf" in schema:
            return self.all_of(schema, pointer, context, direction), nullable
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                ref, null_member = self.union(schema, keyword, pointer, context, direction)
                return ref, nullable or null_member
        if "const" in schema:
            return ir.TypeRef("literal", values=(schema["const"],)), nullable
        if "enum" in schema:
            return self.enum(schema, pointer, context, nullable)
        if len(type_list) > 1:
            self.problem(pointer, f"unsupported type list {types!r} (use oneOf)")
            return ir.TypeRef("any"), nullable
        kind = type_list[0] if type_list else ("object" if "properties" in schema else None)
        if kind is None:
            return ir.TypeRef("any"), nullable
        if kind == "array":
            item, _ = self.type_of(schema.get("items", {}), f"{pointer}/items", context, direction)
            return ir.TypeRef("list", item=item, constraints=_constraints(schema)), nullable
        if kind == "object":
            if schema.get("properties"):
                name = self.class_name(context)
                self.inline[id(schema)] = ir.TypeRef("model", name)
                self.object_model(name, schema, pointer, direction)
                return ir.TypeRef("model", name), nullable
            extra = schema.get("additionalProperties", True)
            value = ir.TypeRef("any")
            if isinstance(extra, Mapping) and extra:
                value, _ = self.type_of(
                    extra, f"{pointer}/additionalProperties", f"{context}Value", direction
                )
            return ir.TypeRef("dict", item=value), nullable
        scalar = self.scalar(kind, schema, pointer)
        return scalar, nullable

    def scalar(self, kind: str, schema: Mapping[str, Any], pointer: str) -> ir.TypeRef:
        fmt = schema.get("format")
        python = _SCALARS.get((kind, fmt)) or _SCALARS.get((kind, None))
        if python is None:
            self.problem(pointer, f"unsupported type {kind!r}")
            return ir.TypeRef("any")
        constraints = _constraints(schema)
        bounds = _INTEGER_FORMATS.get(fmt or "") if kind == "integer" else None
        if bounds is not None:
            low = bounds[0] if constraints.ge is None and constraints.gt is None else constraints.ge
            high = (
                bounds[1] if constraints.le is None and constraints.lt is None else constraints.le
            )
            constraints = replace(constraints, ge=low, le=high)
        return ir.TypeRef("scalar", python, constraints=constraints)

    def enum(
        self,
        schema: Mapping[str, Any],
        pointer: str,
        name: str,
        nullable: bool,
        reserved: bool = False,
    ) -> tuple[ir.TypeRef, bool]:
        """A named Enum (or a Literal, for booleans). `reserved`: `name` is a component's."""
        values = list(schema["enum"])
        if None in values:
            values.remove(None)
            nullable = True
        if len(values) == 1 or (values and all(isinstance(v, bool) for v in values)):
            return ir.TypeRef("literal", values=tuple(values)), nullable  # a constant
        if all(isinstance(v, str) for v in values):
            base = "str"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            base = "int"
        else:
            self.problem(pointer, "enum values must be all strings or all integers")
            return ir.TypeRef("any"), nullable
        class_name = name if reserved else self.class_name(name)
        self.enums[class_name] = ir.EnumDef(
            class_name, module_name(class_name), _text(schema.get("description")),
            base, tuple(values), pointer,  # type: ignore[arg-type]
        )  # fmt: skip
        return ir.TypeRef("enum", class_name, base=base, values=tuple(values)), nullable

    def union(
        self,
        schema: Mapping[str, Any],
        keyword: str,
        pointer: str,
        context: str,
        direction: ir.Direction,
    ) -> tuple[ir.TypeRef, bool]:
        members: list[ir.TypeRef] = []
        null_member = False
        for index, member in enumerate(schema[keyword]):
            if isinstance(member, Mapping) and member.get("type") == "null":
                null_member = True
                continue
            label = member.get("title") if isinstance(member, Mapping) else None
            ref, nullable = self.type_of(
                member,
                f"{pointer}/{keyword}/{index}",
                f"{context}{pascal_case(label) if label else index + 1}",
                direction,
            )
            null_member = null_member or nullable
            members.append(ref)
        if len(members) == 1:
            return members[0], null_member
        discriminator = schema.get("discriminator")
        if discriminator is None:
            return ir.TypeRef("union", members=tuple(members)), null_member
        wire = discriminator.get("propertyName", "")
        mapping = {
            target[len(SCHEMAS) :]: value
            for value, target in (discriminator.get("mapping") or {}).items()
        }
        inverse = {pascal_case(name): value for name, value in mapping.items()}
        tags: list[tuple[str, str]] = []
        for member in members:
            if member.kind != "model":
                self.problem(pointer, "discriminated union members must be object schemas")
                continue
            value = inverse.get(member.name) or self.own_tag(member.name, wire)
            if value is None:
                self.problem(pointer, f"no value of {wire!r} is known for {member.name}")
                continue
            known = self.tags.setdefault(member.name, {})
            if known.get(wire, value) != value:
                self.problem(pointer, f"{member.name} takes two values of {wire!r}")
            known[wire] = value
            tags.append((value, member.name))
        union = ir.TypeRef("union", members=tuple(members), discriminator=wire, tags=tuple(tags))
        return union, null_member

    def own_tag(self, class_name: str, wire: str) -> str | None:
        """The single value a model's own schema allows for the tag property, if any."""
        model = self.models.get(class_name)
        found = next((f for f in model.fields if f.wire_name == wire), None) if model else None
        if found is not None and found.type.kind == "literal" and len(found.type.values) == 1:
            return str(found.type.values[0])
        if found is not None and found.type.kind == "enum":
            values = self.enums[found.type.name].values
            return str(values[0]) if len(values) == 1 else None
        return None

    def all_of(
        self, schema: Mapping[str, Any], pointer: str, context: str, direction: ir.Direction
    ) -> ir.TypeRef:
        parts = schema["allOf"]
        if len(parts) == 1 and not schema.get("properties"):
            ref, _ = self.type_of(parts[0], f"{pointer}/allOf/0", context, direction)
            return ref
        name = self.class_name(context)
        self.inline[id(schema)] = ir.TypeRef("model", name)
        self.object_model(name, schema, pointer, direction)
        return self.inline[id(schema)]

    def merged(self, schema: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
        """An allOf schema as one object schema: the parts' properties and `required`."""
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        own = {k: v for k, v in schema.items() if k != "allOf"}
        for index, part in enumerate([*schema["allOf"], own]):
            resolved = self.resolve_object(part, f"{pointer}/allOf/{index}")
            merged["properties"].update(resolved.get("properties", {}))
            merged["required"] += resolved.get("required", [])
        merged["description"] = schema.get("description") or next(
            (p.get("description") for p in schema["allOf"] if isinstance(p, Mapping)), None
        )
        return merged

    def resolve_object(self, schema: Any, pointer: str) -> Mapping[str, Any]:
        """An allOf part as a plain object schema (refs followed, nested allOf merged)."""
        if isinstance(schema, Mapping) and "$ref" in schema:
            name = self.ref_name(schema["$ref"], pointer)
            return self.resolve_object(self.schemas[name], pointer) if name else {}
        if isinstance(schema, Mapping) and "allOf" in schema:
            merged: dict[str, Any] = {"properties": {}, "required": []}
            for part in schema["allOf"]:
                resolved = self.resolve_object(part, pointer)
                merged["properties"].update(resolved.get("properties", {}))
                merged["required"] += resolved.get("required", [])
            return merged
        if (
            not isinstance(schema, Mapping)
            or schema.get("type", "object") != "object"
            or any(k in schema for k in ("oneOf", "anyOf", "enum"))
        ):
            self.problem(pointer, "allOf parts must be object schemas")
            return {}
        return schema

    def object_model(
        self, class_name: str, schema: Mapping[str, Any], pointer: str, direction: ir.Direction
    ) -> None:
        self.taken.add(class_name)
        schema = self.merged(schema, pointer)
        required = set(schema.get("required", []))
        fields = []
        for wire_name, prop in (schema.get("properties") or {}).items():
            prop_pointer = f"{pointer}/properties/{_escape(wire_name)}"
            type_ref, nullable = self.type_of(
                prop, prop_pointer, class_name + pascal_case(wire_name), direction
            )
            fields.append(self.field(wire_name, prop, type_ref, nullable, wire_name in required))
        seen: dict[str, str] = {}
        for f in fields:
            if f.name in seen:
                self.problem(
                    f"{pointer}/properties/{_escape(f.wire_name)}",
                    f"{f.wire_name!r} and {seen[f.name]!r} both become the Python name {f.name!r}",
                )
            seen[f.name] = f.wire_name
        # Required fields first, as atoma-sdk 0.1.3 orders arguments; otherwise spec order.
        fields.sort(key=lambda f: not f.required or f.has_default)
        self.models[class_name] = ir.Model(
            class_name, module_name(class_name), _text(schema.get("description")),
            tuple(fields), direction, pointer,
        )  # fmt: skip

    @staticmethod
    def field(
        wire_name: str, schema: Any, type_ref: ir.TypeRef, nullable: bool, required: bool
    ) -> ir.ModelField:
        schema = schema if isinstance(schema, Mapping) else {}
        example = schema.get("example")
        if example is None and isinstance(schema.get("examples"), list) and schema["examples"]:
            example = schema["examples"][0]
        default, has_default = schema.get("default"), "default" in schema
        if type_ref.kind == "literal" and len(type_ref.values) == 1 and not nullable:
            default, has_default = type_ref.values[0], True  # a constant: always that value
        elif has_default and not _plain_default(type_ref, default):
            # A default the SDK cannot spell as a Python literal (a date, an object): the
            # argument stays required rather than sending something wrong.
            default, has_default = None, False
        return ir.ModelField(
            name=snake_case(wire_name),
            wire_name=wire_name,
            type=type_ref,
            required=required,
            nullable=nullable,
            description=_text(schema.get("description")),
            example=example,
            default=default,
            has_default=has_default,
        )

    # -- operations ----------------------------------------------------------------------

    def media(self, content: Any, pointer: str, kinds: tuple[str, ...]) -> tuple[str, Any]:
        """The media type and schema of a request or response `content` map."""
        if not content:
            return "", None
        for kind in kinds:
            if kind in content:
                return kind, content[kind].get("schema", {})
        self.problem(pointer, f"unsupported media types {sorted(content)} (supported: {kinds})")
        return "", None

    def parameters(
        self, item: Mapping[str, Any], op: Mapping[str, Any], item_pointer: str, pointer: str
    ) -> list[ir.Parameter]:
        """Path-level and operation-level parameters (the latter win), `$ref`s resolved."""
        merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
        for source_pointer, source in ((item_pointer, item), (pointer, op)):
            for index, raw in enumerate(source.get("parameters", []) or []):
                param_pointer = f"{source_pointer}/parameters/{index}"
                if "$ref" in raw:
                    prefix = "#/components/parameters/"
                    target = raw["$ref"]
                    raw = (
                        self.spec.get("components", {})
                        .get("parameters", {})
                        .get(target[len(prefix) :])
                        if target.startswith(prefix)
                        else None
                    )
                    if raw is None:
                        self.problem(param_pointer, f"unresolvable parameter $ref {target!r}")
                        continue
                if not isinstance(raw, Mapping) or "name" not in raw or "in" not in raw:
                    self.problem(param_pointer, "a parameter needs `name` and `in`")
                    continue
                merged[(raw["name"], raw["in"])] = (raw, param_pointer)
        result = []
        for (name, location), (raw, param_pointer) in merged.items():
            if location not in ("path", "query", "header"):
                self.problem(param_pointer, f"unsupported parameter location {location!r}")
                continue
            type_ref, nullable = self.type_of(
                raw.get("schema", {}), f"{param_pointer}/schema", pascal_case(name), "input"
            )
            raw_field = {
                **raw.get("schema", {}),
                **{k: raw[k] for k in ("description", "example") if k in raw},
            }
            explode = raw.get("explode", raw.get("style", "form") == "form")
            if raw.get("style", "form" if location == "query" else "simple") not in (
                "form",
                "simple",
            ):
                self.problem(param_pointer, f"unsupported parameter style {raw.get('style')!r}")
            result.append(
                ir.Parameter(
                    location,  # type: ignore[arg-type]
                    self.field(name, raw_field, type_ref, nullable, bool(raw.get("required"))),
                    explode=bool(explode),
                )
            )
        # path parameters first (always required), then spec order
        return sorted(result, key=lambda p: (not p.field.required, p.location != "path"))

    def operation(
        self, path: str, method: str, item: Mapping[str, Any], group: str
    ) -> ir.Operation:
        op = item[method]
        pointer = f"#/paths/{_escape(path)}/{method}"
        real_path = path[: -len(STREAM_SUFFIX)] if path.endswith(STREAM_SUFFIX) else path
        operation_id = op.get("operationId") or snake_case(f"{method}_{real_path}")
        name = op.get("x-speakeasy-name-override") or _strip_group(snake_case(operation_id), group)
        method_name = snake_case(name)
        context = pascal_case(method_name)
        parameters = self.parameters(item, op, f"#/paths/{_escape(path)}", pointer)
        body_fields: tuple[ir.ModelField, ...] = ()
        body_model = body_type = None
        body = op.get("requestBody") or {}
        _, body_schema = self.media(
            body.get("content"), f"{pointer}/requestBody/content", ("application/json",)
        )
        if body_schema is not None:
            body_ref, _ = self.type_of(
                body_schema, f"{pointer}/requestBody/content/application~1json/schema",
                f"{context}Request", "input",
            )  # fmt: skip
            if body_ref.kind == "model":
                body_model = self.models[body_ref.name]
                body_fields = body_model.fields
            else:
                body_type = body_ref
        taken = {p.field.name: f"{p.location} parameter {p.field.wire_name!r}" for p in parameters}
        for f in body_fields:
            if f.name in taken:
                self.problem(
                    pointer,
                    f"the {taken[f.name]} and the body property {f.wire_name!r} "
                    f"both become the argument {f.name!r}",
                )
        response = None
        stream = None
        errors = []
        for status, answer in sorted((op.get("responses") or {}).items()):
            status = str(status)
            status_pointer = f"{pointer}/responses/{status}"
            if "$ref" in answer:
                self.problem(status_pointer, "response $refs are not supported")
                continue
            kind, schema = self.media(
                answer.get("content"), f"{status_pointer}/content",
                ("application/json", "text/event-stream"),
            )  # fmt: skip
            if status.startswith("2"):
                if response is not None or stream is not None or schema is None:
                    continue
                type_ref, _ = self.type_of(
                    schema, f"{status_pointer}/content/{_escape(kind)}/schema",
                    f"{context}Response" if kind == "application/json" else f"{context}Event",
                    "output",
                )  # fmt: skip
                if kind == "text/event-stream":
                    stream = ir.Stream(type_ref, op.get("x-speakeasy-sse-sentinel"))
                else:
                    response = type_ref
            else:
                error_type = None
                if schema is not None:
                    error_type, _ = self.type_of(
                        schema, f"{status_pointer}/content/{_escape(kind)}/schema",
                        f"{context}{status}Error", "output",
                    )  # fmt: skip
                    if error_type.kind == "model":
                        self.error_models.setdefault(
                            error_type.name, _exception_name(error_type.name)
                        )
                    else:
                        self.problem(status_pointer, "error response schemas must be objects")
                        error_type = None
                errors.append(
                    ir.ErrorResponse(status, _text(answer.get("description")), error_type)
                )
        security = op.get("security", self.spec.get("security", []))
        return ir.Operation(
            operation_id=operation_id,
            method=method.upper(),
            path=real_path,
            method_name=method_name,
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            parameters=tuple(parameters),
            body_fields=body_fields,
            body_model=body_model,
            body_type=body_type,
            body_required=bool(body.get("required")),
            response=response,
            stream=stream,
            requires_auth=any(bool(requirement) for requirement in security or []),
            errors=tuple(errors),
        )

    def resources(self) -> tuple[ir.Resource, ...]:
        tag_descriptions = {
            t["name"]: _text(t.get("description")) for t in self.spec.get("tags", []) or []
        }
        grouped: dict[str, list[ir.Operation]] = {}
        descriptions: dict[str, str] = {}
        pointers: dict[tuple[str, str], str] = {}
        for path, item in (self.spec.get("paths") or {}).items():
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                tags = op.get("tags") or ["default"]
                group = snake_case(op.get("x-speakeasy-group") or tags[0])
                operation = self.operation(path, method, item, group)
                pointer = f"#/paths/{_escape(path)}/{method}"
                first = pointers.setdefault((group, operation.method_name), pointer)
                if first != pointer:
                    self.problem(
                        pointer,
                        f"two operations are both named {operation.method_name!r} in {group} "
                        f"(the other: {first}; use x-speakeasy-name-override)",
                    )
                grouped.setdefault(group, []).append(operation)
                descriptions.setdefault(group, tag_descriptions.get(tags[0], ""))
        resources = []
        for group, operations in sorted(grouped.items()):
            resources.append(
                ir.Resource(
                    group, pascal_case(group), group, descriptions[group], tuple(operations)
                )
            )
        return tuple(resources)

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

    def finish_models(self) -> tuple[ir.Model, ...]:
        """Models with the discriminator values unions impose on them."""
        result = []
        for model in self.models.values():
            tags = tuple(sorted(self.tags.get(model.class_name, {}).items()))
            result.append(replace(model, tag_values=tags) if tags else model)
        return tuple(sorted(result, key=lambda m: m.class_name))


def parse(spec: Mapping[str, Any], package: ir.Package) -> tuple[ir.Api, ir.Package]:
    """Build the intermediate model, or raise `SpecError` listing every problem."""
    parser = _Parser(spec)
    for item in (spec.get("paths") or {}).values():
        for method in HTTP_METHODS:
            op = (item or {}).get(method) or {}
            for content in ((op.get("requestBody") or {}).get("content") or {}).values():
                parser.mark(content.get("schema"), "input")
            for parameter in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
                parser.mark(parameter.get("schema"), "input")
            for answer in (op.get("responses") or {}).values():
                for content in (answer.get("content") or {}).values():
                    parser.mark(content.get("schema"), "output")
    parser.taken.update(pascal_case(name) for name in parser.schemas)
    # Components first, by name: inline models are named in an order the spec's own
    # ordering of `components.schemas` does not change.
    for name in sorted(parser.schemas):
        parser.component(name)
    resources = parser.resources()
    security = parser.security()
    if parser.problems:
        raise SpecError(parser.problems)
    info = spec.get("info", {})
    api = ir.Api(
        title=str(info.get("title", "")),
        description=_text(info.get("description")),
        api_version=str(info.get("version", "")),
        servers=tuple(str(s["url"]) for s in spec.get("servers", []) or [])
        or ("http://localhost",),
        security=security,
        resources=resources,
        models=parser.finish_models(),
        enums=tuple(sorted(parser.enums.values(), key=lambda e: e.class_name)),
        aliases=tuple(sorted(parser.aliases.values(), key=lambda a: a.name)),
        error_classes=_exception_names(parser.error_models, parser.taken),
    )
    env_var = f"{env_var_prefix(package.sdk_class)}_{security[0].name.upper()}" if security else ""
    return api, replace(package, bearer_env_var=env_var)


def _is_object(schema: Mapping[str, Any]) -> bool:
    """A schema that becomes a model: properties, or an allOf that merges several parts."""
    if schema.get("oneOf") or schema.get("anyOf") or "enum" in schema:
        return False
    parts = schema.get("allOf") or []
    return (
        bool(schema.get("properties")) or len(parts) > 1 or (bool(parts) and "properties" in schema)
    )


def _non_null(members: Any) -> list[Any]:
    return [m for m in members or [] if not (isinstance(m, Mapping) and m.get("type") == "null")]


def _constraints(schema: Mapping[str, Any]) -> ir.Constraints:
    values = {
        target: schema[key]
        for key, target in _CONSTRAINT_KEYWORDS.items()
        if key in schema and not isinstance(schema[key], bool)
    }
    # OpenAPI 3.0: `exclusiveMinimum: true` makes `minimum` exclusive (3.1 uses numbers).
    for flag, inclusive, exclusive in (
        ("exclusiveMinimum", "ge", "gt"),
        ("exclusiveMaximum", "le", "lt"),
    ):
        if schema.get(flag) is True and inclusive in values:
            values[exclusive] = values.pop(inclusive)
    return ir.Constraints(**values)


#: Scalars whose default is written as a call parsing the spec's string.
_PARSED_DEFAULTS = {"datetime", "date", "UUID"}


def _plain_default(type_ref: ir.TypeRef, value: object) -> bool:
    plain: dict[str, type | tuple[type, ...]] = {
        "str": str,
        "int": int,
        "float": (int, float),
        "bool": bool,
    }
    if type_ref.kind == "enum":
        return value in type_ref.values
    if type_ref.kind == "scalar" and type_ref.name in _PARSED_DEFAULTS:
        return isinstance(value, str)
    if type_ref.kind == "scalar" and type_ref.name in plain:
        return isinstance(value, plain[type_ref.name]) and (
            type_ref.name == "bool" or not isinstance(value, bool)
        )
    return False


def _exception_name(model: str) -> str:
    """The exception class raised with an error model as its `.data`."""
    return f"{model}Exception" if model.endswith("Error") else f"{model}Error"


def _exception_names(wanted: dict[str, str], taken: set[str]) -> tuple[tuple[str, str], ...]:
    """Exception class per error model, renamed where it would hide a runtime error class
    (an error schema named `NotFound` must not replace `NotFoundError`) or a model."""
    reserved = set(error_classes()) | taken
    result = []
    for model, name in sorted(wanted.items()):
        if name in reserved:
            name = f"{model}ResponseError"
        reserved.add(name)
        result.append((model, name))
    return tuple(result)


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
