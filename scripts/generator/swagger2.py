"""A Swagger 2.0 document upgraded to OpenAPI 3.0.3 in memory, before bundling, so the
rest of the generator reads one kind of spec.

What moves: `host`/`basePath`/`schemes` become `servers`; `definitions`, `parameters`,
`responses` and `securityDefinitions` become `components` (a `body` parameter a request
body; a `formData` one is copied into each form that uses it); `consumes` and
`produces` become the media types of request and response `content`; a parameter's
`type`, `items` and limits its `schema`, its `collectionFormat` a `style` and `explode`;
schemas' `x-nullable` becomes `nullable`, a `discriminator` name an object and
`type: file` binary. Every `$ref` is rewritten to the new places, in other files too:
the files the spec refers to are read and upgraded here, and handed to the bundler.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .diagnostics import Diagnostics
from .parse.bodies import is_json
from .pointers import MISSING, follow, join, split
from .reader import ReadError, read_document
from .structure import METHODS

VERSION = "3.0.3"

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON = ["application/json"]
_OCTETS = "application/octet-stream"
#: Keywords of a parameter, header or `items` object that are its value's schema (and
#: Azure's `x-ms-enum`, which names and opens its `enum`).
_SIMPLE_SCHEMA = ("type", "format", "enum", "default", "maximum", "exclusiveMaximum",
                  "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
                  "maxItems", "minItems", "uniqueItems", "multipleOf", "example",
                  "x-ms-enum")  # fmt: skip
#: Keywords of a parameter that stay on the OpenAPI 3 parameter.
_PARAMETER_KEYS = ("name", "in", "description", "required", "deprecated", "allowEmptyValue")
#: Keys of a schema holding one schema, and holding a list or a map of them.
_SCHEMA_ONE = ("items", "additionalProperties", "not")
_SCHEMA_LIST = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAP = ("properties", "patternProperties", "definitions")
#: `collectionFormat` -> (style, explode) in a query string or URL-encoded form.
_QUERY_STYLES = {"csv": ("form", False), "ssv": ("spaceDelimited", False),
                 "pipes": ("pipeDelimited", False), "multi": ("form", True)}  # fmt: skip
#: The sections of a 2.0 document that become components, by the kind they hold.
_SECTIONS = {"definitions": ("schemas", "schema"), "parameters": ("parameters", "parameter"),
             "responses": ("responses", "response"),
             "securityDefinitions": ("securitySchemes", "securityScheme")}  # fmt: skip
_OAUTH_FLOWS = {"implicit": ("implicit", ("authorizationUrl",)),
                "password": ("password", ("tokenUrl",)),
                "application": ("clientCredentials", ("tokenUrl",)),
                "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl"))}  # fmt: skip


def is_swagger2(spec: dict[str, Any]) -> bool:
    return "openapi" not in spec and str(spec.get("swagger")) == "2.0"


def upgrade(path: Path, spec: dict[str, Any], diagnostics: Diagnostics) -> dict[Path, Any]:
    """Rewrite `spec` (read from `path`) in place as OpenAPI 3.0; return the other files
    its `$ref`s reach, upgraded too (by resolved path), for the bundler to use."""
    upgrader = _Upgrader(path.resolve(), spec, diagnostics)
    upgrader.root()
    return {p: data for p, data in upgrader.files.items() if p != upgrader.path}


class _Upgrader:
    def __init__(self, path: Path, spec: dict[str, Any], diagnostics: Diagnostics) -> None:
        self.path = path
        self.spec = spec
        self.diagnostics = diagnostics
        #: every file read (the root too), already upgraded or being upgraded
        self.files: dict[Path, Any] = {path: spec}
        #: objects upgraded already, by id, held so that no id is reused
        self.done: dict[int, Any] = {}
        #: per file, its 2.0 `parameters` section as written (body and form ones are
        #: copied where they are used, not referred to)
        self.parameters: dict[Path, dict[str, Any]] = {}
        #: per file, its 2.0 `responses` section as written (copied for an operation that
        #: produces other media types)
        self.responses: dict[Path, dict[str, Any]] = {}
        #: the spec's `host`, `basePath` and `schemes` (an operation's `schemes` go with them)
        self.location: dict[str, Any] = {}
        #: per file, its `consumes` and `produces` (what its components' media types are)
        self.media: dict[Path, tuple[list[str], list[str]]] = {}

    # -- documents -------------------------------------------------------------------

    def root(self) -> None:
        spec = self.spec
        servers = _servers(spec, self.diagnostics)
        self.location = {key: spec[key] for key in ("host", "basePath", "schemes") if key in spec}
        self.document(self.path, spec, "#")
        upgraded: dict[str, Any] = {"openapi": VERSION}
        for key, value in spec.items():
            if key == "swagger":
                continue
            upgraded[key] = value
            if key == "info" and servers:
                upgraded["servers"] = servers
        if servers and "servers" not in upgraded:
            upgraded["servers"] = servers
        spec.clear()
        spec.update(upgraded)

    def document(self, path: Path, data: dict[str, Any], root: str) -> None:
        """A whole 2.0 document (the spec, or another file holding `definitions`, ...)
        upgraded in place: its components, then its paths."""
        self.keep(data)
        consumes = _media_list(data.pop("consumes", None)) or _JSON
        produces = _media_list(data.pop("produces", None)) or _JSON
        self.media[path] = (consumes, produces)
        for key in ("host", "basePath", "schemes"):
            data.pop(key, None)
        raw_parameters = data.get("parameters")
        self.parameters[path] = raw_parameters if isinstance(raw_parameters, dict) else {}
        components: dict[str, Any] = data.setdefault("components", {})
        if not isinstance(components, dict):
            return
        for section, (target, kind) in _SECTIONS.items():
            entries = data.pop(section, None)
            if not isinstance(entries, dict):
                continue
            if section == "responses":
                self.responses[path] = entries
            out: dict[str, Any] = components.setdefault(target, {})
            for name, entry in entries.items():
                where = join([section, name], root=root)
                if root == "#":
                    self.diagnostics.relocate(join(["components", target, name]), where)
                if kind == "parameter" and isinstance(entry, dict) and "$ref" not in entry:
                    placed = entry.get("in")
                    if placed == "body":
                        bodies = components.setdefault("requestBodies", {})
                        bodies[name] = self.body(entry, consumes, path, where)
                        if root == "#":
                            self.diagnostics.relocate(
                                join(["components", "requestBodies", name]), where
                            )
                        continue
                    if placed == "formData":
                        continue  # copied into each form that uses it
                out[name] = self.upgrade_kind(kind, entry, path, where, produces)
            if not out:
                del components[target]
        if not components:
            del data["components"]
        else:
            _discriminator_values(components.get("schemas"))
        paths = data.get("paths")
        for key, item in paths.items() if isinstance(paths, dict) else ():
            if isinstance(item, dict) and not str(key).startswith("x-"):
                self.path_item(item, path, join(["paths", key], root=root))

    def upgrade_kind(
        self, kind: str, entry: Any, path: Path, where: str, produces: list[str]
    ) -> Any:
        if kind == "schema":
            return self.schema(entry, path, where)
        if kind == "parameter":
            return self.parameter(entry, path, where)
        if kind == "response":
            return self.response(entry, produces, path, where)
        return _security_scheme(entry, self.diagnostics, where)

    # -- paths and operations ------------------------------------------------------------

    def path_item(self, item: dict[str, Any], path: Path, where: str) -> None:
        shared = item.pop("parameters", None)
        shared = shared if isinstance(shared, list) else []
        kept = []
        for index, parameter in enumerate(shared):
            found = self.resolve_parameter(parameter, path)
            if found is None or found.get("in") not in ("body", "formData"):
                kept.append(self.parameter(parameter, path, f"{where}/parameters/{index}"))
        if kept:
            item["parameters"] = kept
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                self.operation(operation, shared, path, f"{where}/{method}")

    def operation(
        self, operation: dict[str, Any], shared: list[Any], path: Path, where: str
    ) -> None:
        consumes_default, produces_default = self.media[path]
        consumes = _media_list(operation.pop("consumes", None)) or consumes_default
        produces = _media_list(operation.pop("produces", None)) or produces_default
        schemes = operation.pop("schemes", None)
        if path == self.path and isinstance(schemes, list):
            servers = _servers({**self.location, "schemes": schemes}, self.diagnostics)
            if servers and servers != _servers(self.location, Diagnostics()):
                operation["servers"] = servers
        own = operation.get("parameters")
        own = own if isinstance(own, list) else []
        mine = {_identity(self.resolve_parameter(p, path)) for p in own}
        inherited = [
            (p, f"{where}/../parameters/{i}")
            for i, p in enumerate(shared)
            if _identity(self.resolve_parameter(p, path)) not in mine
        ]
        parameters, body, form = [], None, []
        for parameter, at in [
            *((p, f"{where}/parameters/{i}") for i, p in enumerate(own)),
            *inherited,
        ]:
            found = self.resolve_parameter(parameter, path)
            placed = found.get("in") if found is not None else None
            if placed == "body" and found is not None:
                body = self.body_at_use(parameter, found, consumes, path, at)
            elif placed == "formData" and found is not None:
                form.append((found, at))
            elif not any(parameter is p for p, _ in inherited):
                parameters.append(self.parameter(parameter, path, at))
        if parameters:
            operation["parameters"] = parameters
        else:
            operation.pop("parameters", None)
        if body is not None and form:
            self.diagnostics.warning(
                f"{where}/parameters",
                "both `in: body` and `in: formData` parameters: the form fields are left out",
            )
        if body is not None:
            operation["requestBody"] = body
        elif form:
            operation["requestBody"] = self.form(form, consumes, path, where)
        responses = operation.get("responses")
        if not isinstance(responses, dict):
            return
        for status, response in responses.items():
            if not str(status).startswith("x-"):
                responses[status] = self.response_at_use(
                    response, produces, path, f"{where}/responses/{status}"
                )

    def body_at_use(
        self, written: Any, found: dict[str, Any], consumes: list[str], path: Path, where: str
    ) -> Any:
        """A `$ref` to a body parameter of a `parameters` section stays a `$ref` (to
        `requestBodies`) when the operation consumes what that file does; otherwise the
        body is written out for the operation's media types."""
        ref = written.get("$ref") if isinstance(written, dict) else None
        if not isinstance(ref, str):
            return self.body(found, consumes, path, where)
        location, _, fragment = ref.partition("#")
        parts = split(fragment)
        home = self.external(path, location) if location else (path, None)
        if home is None or parts[:1] != ["parameters"] or len(parts) != 2:
            return self.body(_relative_refs(found, location), consumes, path, where)
        if consumes == self.media[home[0]][0]:
            return {
                "$ref": f"{location}#{join(['components', 'requestBodies', parts[1]], root='')}"
            }
        return self.body(_relative_refs(found, location), consumes, path, where)

    def response_at_use(self, response: Any, produces: list[str], path: Path, where: str) -> Any:
        """A `$ref` to a response of a `responses` section stays a `$ref` when the
        operation produces what that file does (or the response has no schema);
        otherwise the response is written out for the operation's media types."""
        ref = response.get("$ref") if isinstance(response, dict) else None
        if isinstance(ref, str):
            location, _, fragment = ref.partition("#")
            parts = split(fragment)
            home = self.external(path, location) if location else (path, None)
            if home is not None and parts[:1] == ["responses"] and len(parts) == 2:
                original = self.responses.get(home[0], {}).get(parts[1])
                if (
                    isinstance(original, dict)
                    and "schema" in original
                    and produces != self.media[home[0]][1]
                ):
                    copied = _relative_refs(original, location)
                    return self.response(copied, produces, path, where)
        return self.response(response, produces, path, where)

    # -- parameters, bodies, responses ---------------------------------------------------

    def resolve_parameter(self, parameter: Any, path: Path) -> dict[str, Any] | None:
        """The 2.0 parameter a list entry is (a `$ref` followed, in this or another file)."""
        seen = 0
        while isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str) and seen < 16:
            seen += 1
            location, _, fragment = parameter["$ref"].partition("#")
            parts = split(fragment)
            if location:
                target = self.external(path, location)
                if target is None:
                    return None
                path, data = target
            else:
                data = self.files.get(path)
            if parts[:1] == ["parameters"] and len(parts) == 2:
                parameter = self.parameters.get(path, {}).get(parts[1])
                if parameter is None and isinstance(data, dict):
                    parameter = follow(data, ["components", "parameters", parts[1]])
            else:
                parameter = follow(data, parts)
            if parameter is MISSING:
                return None
        return parameter if isinstance(parameter, dict) else None

    def parameter(self, parameter: Any, path: Path, where: str) -> Any:
        """A query, header, path or cookie parameter (or a `$ref` to one) as OpenAPI 3's."""
        if not isinstance(parameter, dict) or id(parameter) in self.done:
            return parameter
        if "$ref" in parameter:
            return self.reference(parameter, "parameter", path)
        self.keep(parameter)
        upgraded = {key: parameter[key] for key in _PARAMETER_KEYS if key in parameter}
        upgraded.update(_extensions(parameter, skip=("x-nullable", "x-example")))
        placed = parameter.get("in")
        if "schema" in parameter:  # already written as OpenAPI 3
            upgraded["schema"] = self.schema(parameter["schema"], path, f"{where}/schema")
        else:
            upgraded["schema"] = self.simple_schema(parameter, path, where)
            style = self.collection_style(parameter, str(placed), where)
            if style is not None:
                upgraded["style"], upgraded["explode"] = style
        if "x-example" in parameter:
            upgraded["example"] = parameter["x-example"]
        if placed == "path":
            upgraded["required"] = True
        if placed != "query":
            upgraded.pop("allowEmptyValue", None)
        self.keep(upgraded)
        return upgraded

    def collection_style(
        self, holder: dict[str, Any], placed: str, where: str
    ) -> tuple[str, bool] | None:
        """The style and explode of an array parameter's `collectionFormat` (csv when
        absent, as Swagger 2.0 says)."""
        if holder.get("type") != "array":
            return None
        written = holder.get("collectionFormat", "csv")
        allowed = _QUERY_STYLES if placed in ("query", "formData") else {"csv": ("simple", False)}
        if placed in ("path", "header") and written == "csv":
            return None  # `simple`, not exploded: OpenAPI 3's default there
        if written == "tsv":
            self.diagnostics.warning(
                f"{where}/collectionFormat",
                "collectionFormat 'tsv' has no OpenAPI 3 style: sent comma-separated (csv)",
            )
            written = "csv"
        elif written not in allowed:
            self.diagnostics.warning(
                f"{where}/collectionFormat",
                f"collectionFormat {written!r} is not allowed in {placed}: sent comma-separated",
            )
            written = "csv"
        return None if placed in ("path", "header") else _QUERY_STYLES[str(written)]

    def simple_schema(self, holder: dict[str, Any], path: Path, where: str) -> dict[str, Any]:
        """The schema of a non-body parameter, header or `items` object."""
        if "$ref" in holder and "type" not in holder:
            schema_ref: dict[str, Any] = self.schema(dict(holder), path, where)
            return schema_ref
        schema: dict[str, Any] = {key: holder[key] for key in _SIMPLE_SCHEMA if key in holder}
        if holder.get("type") == "file":
            schema.update(type="string", format="binary")
        if holder.get("x-nullable") is True:
            schema["nullable"] = True
        items = holder.get("items")
        if isinstance(items, dict):
            schema["items"] = self.simple_schema(items, path, f"{where}/items")
            inner = items.get("collectionFormat", "csv")
            if items.get("type") == "array" and inner != "csv":
                self.diagnostics.warning(
                    f"{where}/items/collectionFormat",
                    f"collectionFormat {inner!r} of nested items has no OpenAPI 3 form: ignored",
                )
        return schema

    def body(
        self,
        parameter: dict[str, Any],
        consumes: list[str],
        path: Path,
        where: str,
    ) -> dict[str, Any]:
        """An `in: body` parameter as a request body of `consumes`' media types."""
        schema = parameter.get("schema", {})
        schema = self.schema(schema, path, f"{where}/schema")
        body: dict[str, Any] = {"content": {media: {"schema": schema} for media in consumes}}
        if isinstance(parameter.get("description"), str):
            body["description"] = parameter["description"]
        if parameter.get("required") is True:
            body["required"] = True
        body.update(_extensions(parameter))
        if isinstance(parameter.get("name"), str):
            body["x-codegen-request-body-name"] = parameter["name"]
        return body

    def form(
        self, fields: list[tuple[dict[str, Any], str]], consumes: list[str], path: Path, where: str
    ) -> dict[str, Any]:
        """`in: formData` parameters as one form body: multipart when the operation
        consumes it or a field is a file, else URL-encoded."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        encoding: dict[str, Any] = {}
        has_file = any(_is_file(field) for field, _ in fields)
        media_types = [media for media in consumes if media in _FORMS]
        if has_file and "multipart/form-data" not in media_types:
            media_types = ["multipart/form-data"]
        media_types = media_types or ["application/x-www-form-urlencoded"]
        for field, at in fields:
            name = str(field.get("name"))
            schema = self.simple_schema(field, path, at)
            if isinstance(field.get("description"), str):
                schema["description"] = field["description"]
            properties[name] = schema
            if field.get("required") is True:
                required.append(name)
            style = self.collection_style(field, "formData", at)
            if style is None:
                continue
            if media_types == ["multipart/form-data"]:
                written = field.get("collectionFormat")
                if written not in (None, "multi"):  # absent: one part each, as meant
                    self.diagnostics.warning(
                        f"{at}/collectionFormat",
                        "a multipart field's items are sent as one part each (collectionFormat "
                        f"{written!r} has no multipart form)",
                    )
            else:
                encoding[name] = {"style": style[0], "explode": style[1]}
        schema_out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema_out["required"] = required
        content: dict[str, Any] = {}
        for media in media_types:
            content[media] = {"schema": schema_out}
            if encoding and media == "application/x-www-form-urlencoded":
                content[media]["encoding"] = encoding
        body: dict[str, Any] = {"content": content}
        if required:
            body["required"] = True
        return body

    def response(self, response: Any, produces: list[str], path: Path, where: str) -> Any:
        if not isinstance(response, dict) or id(response) in self.done:
            return response
        if "$ref" in response:
            return self.reference(response, "response", path)
        self.keep(response)
        upgraded: dict[str, Any] = {"description": response.get("description", "")}
        headers = response.get("headers")
        if isinstance(headers, dict):
            upgraded["headers"] = {
                name: self.header(header, path, f"{where}/headers/{name}")
                for name, header in headers.items()
            }
        schema = response.get("schema")
        examples = response.get("examples")
        examples = examples if isinstance(examples, dict) else {}
        if isinstance(schema, dict):
            media_types = produces
            if schema.get("type") == "file":  # bytes: a JSON type is the errors' one
                media_types = [m for m in produces if not is_json(m)] or [_OCTETS]
            upgraded_schema = self.schema(schema, path, f"{where}/schema")
            content = {media: {"schema": upgraded_schema} for media in media_types}
            for media, example in examples.items():
                if media in content:
                    content[media]["example"] = example
            upgraded["content"] = content
        upgraded.update(_extensions(response))
        self.keep(upgraded)
        return upgraded

    def header(self, header: Any, path: Path, where: str) -> Any:
        if not isinstance(header, dict):
            return header
        upgraded: dict[str, Any] = {}
        if isinstance(header.get("description"), str):
            upgraded["description"] = header["description"]
        upgraded["schema"] = self.simple_schema(header, path, where)
        self.collection_style(header, "header", where)
        upgraded.update(_extensions(header, skip=("x-nullable",)))
        return upgraded

    # -- schemas and references ----------------------------------------------------------

    def schema(self, schema: Any, path: Path, where: str) -> Any:
        """A 2.0 schema in place: `x-nullable`, a `discriminator` name, `type: file`, and
        its `$ref`s (every subschema too)."""
        stack = [schema]
        while stack:
            node = stack.pop()
            if not isinstance(node, dict) or id(node) in self.done:
                continue
            self.keep(node)
            if isinstance(node.get("$ref"), str):
                node["$ref"] = self.rewrite(node["$ref"], "schema", path)
            if node.pop("x-nullable", None) is True:
                node["nullable"] = True
            if isinstance(node.get("discriminator"), str):
                node["discriminator"] = {"propertyName": node["discriminator"]}
            if node.get("type") == "file":
                node["type"], node["format"] = "string", "binary"
            stack.extend(node.get(key) for key in _SCHEMA_ONE)
            for key in _SCHEMA_LIST:
                stack.extend(node.get(key) or ())
            for key in _SCHEMA_MAP:
                entries = node.get(key)
                stack.extend(entries.values() if isinstance(entries, dict) else ())
        return schema

    def reference(self, holder: dict[str, Any], kind: str, path: Path) -> dict[str, Any]:
        holder["$ref"] = self.rewrite(str(holder["$ref"]), kind, path)
        self.keep(holder)
        return holder

    def rewrite(self, ref: str, kind: str, path: Path) -> str:
        """Where a 2.0 `$ref` points in the upgraded documents; another file it names is
        read and upgraded (a whole 2.0 document, or the object it names, by `kind`)."""
        location, _, fragment = ref.partition("#")
        if "://" in location:
            return ref  # not followed: the bundler reports it as written
        parts = split(fragment)
        if location:
            target = self.external(path, location)
            if target is not None and not _is_document(target[1]):
                found = follow(target[1], parts)
                if found is not MISSING:
                    upgraded = self.upgrade_kind(
                        kind, found, target[0], f"{location}#{fragment}", _JSON
                    )
                    _put(target[1], parts, upgraded)
        if parts and parts[0] in _SECTIONS and len(parts) >= 2:
            section = _SECTIONS[parts[0]][0]
            if kind == "parameter" and parts[0] == "parameters":
                section = "parameters"
            return f"{location}#{join(['components', section, *parts[1:]], root='')}"
        return ref

    def external(self, path: Path, location: str) -> tuple[Path, Any] | None:
        """Another file (read once; a 2.0 document in it upgraded on first read)."""
        target = (path.parent / unquote(location)).resolve()
        if target not in self.files:
            try:
                data = read_document(target).data
            except ReadError:
                self.files[target] = None
                return None  # the bundler reports it at the `$ref`
            self.files[target] = data
            if _is_document(data):
                self.document(target, data, f"{location}#")
        data = self.files[target]
        return None if data is None else (target, data)

    def keep(self, node: Any) -> None:
        self.done[id(node)] = node


def _discriminator_values(schemas: Any) -> None:
    """Azure's `x-ms-discriminator-value` (a subtype's tag when it is not its name) as
    the mapping of its base's discriminator, listing each schema whose allOf names the
    base (by its name when it has no such value, as without a mapping)."""
    if not isinstance(schemas, dict):
        return
    for base_name, base in schemas.items():
        discriminator = base.get("discriminator") if isinstance(base, dict) else None
        if not isinstance(discriminator, dict) or "mapping" in discriminator:
            continue
        ref = join(["components", "schemas", base_name])
        subtypes = [
            name
            for name, schema in schemas.items()
            if name != base_name
            and isinstance(schema, dict)
            and any(isinstance(p, dict) and p.get("$ref") == ref for p in schema.get("allOf") or ())
        ]
        values = {name: schemas[name].get("x-ms-discriminator-value") for name in subtypes}
        if any(isinstance(value, str) for value in values.values()):
            discriminator["mapping"] = {
                value if isinstance(value, str) else name: join(["components", "schemas", name])
                for name, value in values.items()
            }


def _put(data: Any, parts: list[str], value: Any) -> None:
    """`value` in place of the object at `parts` of `data` (the whole of it for none)."""
    if value is data:
        return
    if not parts:
        if isinstance(data, dict) and isinstance(value, dict):
            data.clear()
            data.update(value)
        return
    parent = follow(data, parts[:-1])
    if isinstance(parent, dict):
        parent[parts[-1]] = value
    elif isinstance(parent, list) and parts[-1].isdigit():
        parent[int(parts[-1])] = value


def _servers(spec: dict[str, Any], diagnostics: Diagnostics) -> list[dict[str, Any]]:
    """`host`, `basePath` and `schemes` as servers (https first); no `host`: the base path
    alone, relative to where the spec is served."""
    base = spec.get("basePath")
    base = base.rstrip("/") if isinstance(base, str) else ""
    host = spec.get("host")
    if not isinstance(host, str) or not host.strip():
        return [{"url": base or "/"}] if base else []
    schemes = [s for s in spec.get("schemes") or () if s in ("http", "https")]
    if not schemes and spec.get("schemes"):
        diagnostics.warning("#/schemes", "no http or https scheme: https is used")
    ordered = sorted(dict.fromkeys(schemes or ["https"]), key=lambda s: s != "https")
    return [{"url": f"{scheme}://{host.strip().rstrip('/')}{base}"} for scheme in ordered]


def _security_scheme(scheme: Any, diagnostics: Diagnostics, where: str) -> Any:
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    upgraded: dict[str, Any] = {}
    if kind == "basic":
        upgraded = {"type": "http", "scheme": "basic"}
    elif kind == "apiKey":
        upgraded = {key: scheme[key] for key in ("type", "name", "in") if key in scheme}
    elif kind == "oauth2":
        flow = scheme.get("flow")
        if flow not in _OAUTH_FLOWS:
            diagnostics.warning(f"{where}/flow", f"unknown OAuth2 flow {flow!r}: left out")
            return {"type": "oauth2", "flows": {}}
        name, urls = _OAUTH_FLOWS[str(flow)]
        flow_object = {key: scheme[key] for key in urls if key in scheme}
        flow_object["scopes"] = scheme.get("scopes") or {}
        upgraded = {"type": "oauth2", "flows": {name: flow_object}}
    else:
        diagnostics.warning(f"{where}/type", f"unknown security scheme type {kind!r}")
        upgraded = dict(scheme)
    if isinstance(scheme.get("description"), str):
        upgraded["description"] = scheme["description"]
    upgraded.update(_extensions(scheme))
    return upgraded


def _media_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _extensions(node: dict[str, Any], skip: Iterable[str] = ()) -> dict[str, Any]:
    skipped = set(skip)
    return {k: v for k, v in node.items() if str(k).startswith("x-") and k not in skipped}


def _identity(parameter: dict[str, Any] | None) -> tuple[Any, Any]:
    return (None, None) if parameter is None else (parameter.get("name"), parameter.get("in"))


def _is_file(parameter: dict[str, Any]) -> bool:
    items = parameter.get("items")
    return parameter.get("type") == "file" or (
        isinstance(items, dict) and items.get("type") == "file"
    )


def _is_document(data: Any) -> bool:
    """A file holding a 2.0 document's sections, not one bare object."""
    return isinstance(data, dict) and (
        "swagger" in data or any(key in data for key in (*_SECTIONS, "paths"))
    )


def _relative_refs(node: Any, location: str) -> Any:
    """A copy of `node`, taken out of the file at `location` (empty: the spec itself),
    whose `$ref`s inside that file name it."""
    copied = copy.deepcopy(node)
    if not location:
        return copied
    stack = [copied]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                item["$ref"] = location + ref
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return copied
