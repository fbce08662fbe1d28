"""`$ref`s bundled into the one spec dict: to other files next to the spec, and to
objects at places the parser does not read references from.

The parser follows only `#/components/<kind>/<name>`, so every object another file holds
lands in the root's `components` (a path item, which has no such section in OpenAPI 3.0,
is copied where it is referred to). Its name is its key in that file (or the file's stem
when the whole file is referred to); when that is taken, the file's stem goes in front,
then a number after. A `$ref` to an object elsewhere (a property of a component, a
`$defs` entry, a schema inside an operation) moves that object into `components` under a
name read from its pointer (`Problem/properties/status` -> `ProblemStatus`, `$defs/Local`
-> `Local`), leaving a `$ref` to it where it was, so every reference to it (and its own
place) means one object. Which kind of object a `$ref` stands for is known from where it
is (the OpenAPI structure is walked from the root), not guessed from its text.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from .diagnostics import Diagnostics
from .naming import pascal_case
from .parse.bodies import is_json
from .pointers import MISSING, follow, join, split
from .reader import ReadError, read_document
from .structure import CONTAINERS, METHODS, SECTIONS, child_kind

_DEFINITIONS = ("$defs", "definitions")
#: Keywords of a schema that describe its use at one place (read there by the parser),
#: kept beside the `$ref` that replaces a schema moved into `components`.
_USE_SITE = ("description", "default", "example", "examples", "readOnly", "writeOnly",
             "deprecated", "nullable", "x-nullable", "x-speakeasy-name-override",
             "x-speakeasy-ignore")  # fmt: skip
#: The keys of a media type object holding a schema.
_MEDIA_SCHEMAS = ("schema", "itemSchema")
#: The kind of object each components section holds.
_KINDS = {section: kind for kind, section in SECTIONS.items()}
#: A `$ref` to an `$anchor` or `$id` no schema declares.
_UNRESOLVED = object()
#: How many `$ref`s a pointer may pass through on its way (a loop is not followed forever).
_MAX_HOPS = 32


@dataclass
class _File:
    path: Path
    data: Any
    shown: str  # "" for the root spec, else its path relative to the root's folder

    def pointer(self, parts: list[str]) -> str:
        return join(parts, root=f"{self.shown}#")


class Bundler:
    """Rewrites the root spec in place so that every `$ref` is `#/components/<kind>/<name>`
    (or a path item's `$ref` is replaced by the path item)."""

    def __init__(
        self,
        path: Path,
        spec: dict[str, Any],
        diagnostics: Diagnostics,
        documents: dict[Path, Any] | None = None,
    ) -> None:
        """`documents`: other files already read (by resolved path), used as they are."""
        self.root = _File(path.resolve(), spec, "")
        self.diagnostics = diagnostics
        self.files: dict[Path, _File | None] = {self.root.path: self.root}
        for other, data in (documents or {}).items():
            self.files[other] = _File(other, data, _relative(other, self.root.path.parent))
        self.bundled: dict[tuple[Path, str], str] = {}  # (file, fragment) -> internal $ref
        self.homes: dict[tuple[Path, str], str] = {}  # root components that are such a $ref
        self.following: set[tuple[Path, str]] = set()
        self.walked: dict[int, Any] = {}  # by id, holding each so that no id is reused
        self.taken: dict[str, set[str]] = {}
        #: objects moved into components (by id): the `$ref` that stands where they were
        self.moved: dict[int, dict[str, Any]] = {}
        #: objects of other files bundled on their own (by id): the `$ref` their copies
        #: inside a bigger object's copy become
        self.stubs: dict[int, dict[str, Any]] = {}
        #: by file: the `$id`s and `#<$anchor>`s of its schemas -> their pointers
        self.identifiers: dict[Path, dict[str, list[str]]] = {}

    def bundle(self) -> None:
        components = self.root.data.get("components")
        if isinstance(components, dict):
            self._find_homes(components)
            self._walk(components, "components", self.root, ["components"])
        self._walk(self.root.data, "root", self.root, [])

    def _find_homes(self, components: dict[str, Any]) -> None:
        """`components/schemas/Pet: {$ref: pet.yaml}` (or `{$ref: '#/$defs/Pet'}`): that
        object is `Pet` itself."""
        for section in SECTIONS.values():
            entries = components.get(section)
            for name, entry in entries.items() if isinstance(entries, dict) else ():
                if isinstance(entry, dict) and list(entry) == ["$ref"]:
                    location, _, fragment = str(entry["$ref"]).partition("#")
                    if "://" in location or not (location or not _standard(split(fragment))):
                        continue
                    if _kind_at(split(fragment)) not in (None, _KINDS[section]):
                        continue  # a `$ref` to another kind of object: not its home
                    path = (self.root.path.parent / unquote(location)).resolve()
                    home = join(["components", section, name])
                    self.homes.setdefault((path, join(split(fragment))), home)

    def _walk(self, node: Any, kind: str, file: _File, parts: list[str]) -> Any:
        """`node` with its `$ref`s rewritten (in place; a path item `$ref` is replaced)."""
        if isinstance(node, list):
            element = kind.removeprefix("list:")
            for index, item in enumerate(node):
                node[index] = self._walk(item, element, file, [*parts, str(index)])
            return node
        if isinstance(node, dict) and id(node) in self.moved:
            stub = self.moved[id(node)]
            if not (file is self.root and stub.get("$ref") == join(parts)):  # not its new home
                return stub
        if not isinstance(node, dict) or id(node) in self.walked:
            return node
        self.walked[id(node)] = node
        ref = node.get("$ref")
        if isinstance(ref, str) and not kind.startswith(CONTAINERS):
            found = self._reference(ref, kind, file, parts)
            if kind == "mediaType" and isinstance(found, str):
                found = self._media_type(found)
            if isinstance(found, dict):
                return {**found, **{k: v for k, v in node.items() if k != "$ref"}}
            if file is self.root and found == join(parts):  # this is the object's home
                return follow(self.root.data, parts)
            if found is not None:
                node["$ref"] = found
        for key, value in list(node.items()):
            child = child_kind(kind, key) if key != "$ref" else None
            if child is not None and isinstance(value, (dict, list)):
                node[key] = self._walk(value, child, file, [*parts, key])
        return self.moved.get(id(node), node)  # moved while its own `$ref`s were walked

    def _reference(
        self, ref: str, kind: str, file: _File, parts: list[str], home: str | None = None
    ) -> Any:
        """The internal `$ref` that replaces `ref`, or the object itself for a path item;
        None (and an error at the `$ref`) when it cannot be followed."""
        site = file.pointer(parts)
        location, _, fragment = ref.partition("#")
        if fragment[:3].upper() == "%2F":  # a pointer whose first `/` is percent-encoded
            ref = f"{location}#/{fragment[3:]}"
        if kind == "schema":
            ref = self._against_base(file, parts, ref)
        located = self._locate(file, ref, site)
        if located is _UNRESOLVED and kind == "schema":
            self.diagnostics.warning(
                site, f"$ref {ref!r}: no schema declares this $anchor or $id; typed as Any"
            )
            return {}
        if not isinstance(located, tuple):
            if located is _UNRESOLVED:
                self.diagnostics.error(site, f"$ref {ref!r} points to nothing")
            return None
        target, fragment_parts, node = located
        found_kind = _kind_at(fragment_parts)
        if found_kind != kind and kind in SECTIONS and found_kind in SECTIONS:
            return self._wrong_kind(ref, kind, (target, fragment_parts, node), file, parts)
        if target is self.root and not fragment_parts:
            said = f"$ref {ref!r} points to the whole OpenAPI document"
            if kind == "schema":
                self.diagnostics.warning(site, f"{said}, not a schema; typed as Any")
                return {}
            self.diagnostics.error(site, f"{said}, not {_A.get(kind, kind)}")
            return None
        if target is self.root:
            return self._internal(fragment_parts, node, kind, home)
        key = (target.path, join(fragment_parts))
        if key in self.bundled:
            return self.bundled[key]
        inside = self._inside_bundled(target, fragment_parts)
        if inside is not None:
            return self._internal(inside, follow(self.root.data, inside), kind, home)
        home = home or self.homes.get(key)
        if isinstance(node, dict) and list(node) == ["$ref"] and isinstance(node["$ref"], str):
            if key in self.following:
                self.diagnostics.error(site, f"$ref {ref!r} refers to itself")
                return None
            self.following.add(key)
            found = self._reference(node["$ref"], kind, target, fragment_parts, home)
            self.following.discard(key)
            if isinstance(found, str):
                self.bundled[key] = found
            return found
        section = SECTIONS.get(kind)
        if section is None:
            return self._walk(self._copy(node), kind, target, fragment_parts)
        internal = home or join(
            ["components", section, self._name(section, fragment_parts, target.path)]
        )
        entries = self._section(split(internal[1:])[1])
        if entries is None:
            return None
        _, section, name = split(internal[1:])
        self.bundled[key] = internal
        copied = entries[name] = self._copy(node)
        self.stubs[id(node)] = _stub(node, internal, kind)
        self.diagnostics.relocate(internal, target.pointer(fragment_parts))
        bundled = self._walk(copied, kind, target, fragment_parts)
        if kind == "schema" and isinstance(bundled, dict):
            for definitions in _DEFINITIONS:  # bundled above, each as a component
                bundled.pop(definitions, None)
        entries[name] = bundled
        return internal

    def _media_type(self, internal: str) -> dict[str, Any] | None:
        """The media type object a `$ref` in `content` stands for (OpenAPI 3.2's
        `#/components/mediaTypes/X`), in its place: the parser reads `content` as written.
        Its inline `schema` and `itemSchema` move into `components/schemas`, so each
        place it is used shares one class."""
        parts = split(internal[1:])
        node = follow(self.root.data, parts)
        if not isinstance(node, dict):
            return None
        node = self._walk(node, "mediaType", self.root, parts)
        for key in _MEDIA_SCHEMAS:
            schema = node.get(key)
            if isinstance(schema, dict) and "$ref" not in schema:
                moved = self._internal([*parts, key], schema, "schema", None)
                if moved is not None:
                    node[key] = {"$ref": moved}
        return dict(node)

    def _wrong_kind(
        self,
        ref: str,
        kind: str,
        located: tuple[_File, list[str], Any],
        file: _File,
        parts: list[str],
    ) -> Any:
        """What a `$ref` to another kind of object than its place holds stands for, when
        its intent is plain (with a warning): the object of the right kind and the same
        name (`#/components/schemas/NotFound` where `#/components/responses/NotFound`
        exists), the schema of a parameter, header, response or request body where a
        schema belongs, a JSON response or request body of a schema. Otherwise the `$ref`
        is left as written, and the parser leaves out the object it stands for."""
        target, target_parts, node = located
        found_kind = _kind_at(target_parts)
        assert found_kind is not None
        site = f"{file.pointer(parts)}/$ref"
        said = f"$ref {ref!r} points to {_A[found_kind]} where {_A[kind]} belongs"
        twin = ["components", SECTIONS[kind], *target_parts[2:]]
        if (
            _standard(target_parts)
            and follow(target.data, twin) is not MISSING
            and (target is not file or twin != parts)
        ):
            shown = target.pointer(twin)
            self.diagnostics.warning(site, f"{said}; {shown} of the same name is used")
            return self._reference(_ref_to(file, target, twin), kind, file, parts)
        if kind == "schema":
            inner = _schema_of(node, found_kind)
            if inner is None:
                self.diagnostics.warning(site, f"{said}, and it has no schema; typed as Any")
                return {}
            inner = [*target_parts, *inner]
            self.diagnostics.warning(site, f"{said}; its schema {target.pointer(inner)} is used")
            return self._reference(_ref_to(file, target, inner), kind, file, parts)
        if found_kind == "schema" and kind in ("response", "requestBody"):
            self.diagnostics.warning(site, f"{said}; read as {_WRAPPED[kind]} of that schema")
            schema = self._reference(_ref_to(file, target, target_parts), "schema", file, parts)
            stub = {"$ref": schema} if isinstance(schema, str) else schema
            wrapped: dict[str, Any] = {"content": {"application/json": {"schema": stub}}}
            if kind == "response":
                described = node.get("description") if isinstance(node, dict) else None
                wrapped["description"] = described if isinstance(described, str) else ""
            else:
                wrapped["required"] = True
            return wrapped
        return ref

    def _internal(self, parts: list[str], node: Any, kind: str, home: str | None) -> str | None:
        """The `$ref` to the root's object at `parts`: itself when it is a component (or a
        kind without a components section); otherwise the object moves into components."""
        section = SECTIONS.get(kind)
        if section is None or _standard(parts):
            return join(parts)
        key = (self.root.path, join(parts))
        if key in self.bundled:
            return self.bundled[key]
        home = home or self.homes.get(key)
        internal = home or join(["components", section, self._moved_name(section, parts)])
        _, section, name = split(internal[1:])
        entries = self._section(section)
        parent = follow(self.root.data, parts[:-1])
        if entries is None or not isinstance(parent, (dict, list)):
            return None
        self.bundled[key] = internal
        stub = _stub(node, internal, kind)
        self.walked[id(stub)] = stub
        if isinstance(parent, list):
            parent[int(parts[-1])] = stub
        else:
            parent[parts[-1]] = stub
        entries[name] = node
        self.diagnostics.relocate(internal, join(parts))
        entries[name] = self._walk(node, kind, self.root, parts)
        if isinstance(node, (dict, list)):  # a walk of its old place puts the `$ref` back
            self.moved[id(node)] = stub
        return internal

    def _locate(
        self, file: _File, ref: str, site: str
    ) -> tuple[_File, list[str], Any] | object | None:
        """The file, pointer and object a `$ref` leads to; a pointer that passes through
        another `$ref` on its way (`Pet/properties/owner/properties/name`, with `owner` a
        `$ref`) goes on from what that one points to. A `$ref` to a schema's `$id` or
        `$anchor` in the same file starts from that schema."""
        location, _, fragment = ref.partition("#")
        identified = self._identified(file, location, fragment)
        if identified is not None:
            file, start = identified
            location, fragment = (
                "",
                join(start, root="") + (fragment if fragment.startswith("/") else ""),
            )
        elif fragment and not fragment.startswith("/"):
            return _UNRESOLVED  # an `$anchor` no schema declares
        if "://" in location or location.startswith("//"):
            self.diagnostics.error(
                site,
                f"$ref {ref!r}: references over the network are not supported "
                "(save the file next to the spec and refer to it by its relative path)",
            )
            return None
        target = self._file(file, location, site, ref)
        if target is None:
            return None
        node, done, hops = target.data, [], 0
        for part in split(fragment):
            while isinstance(node, dict) and part not in node and isinstance(node.get("$ref"), str):
                hops += 1
                inner_location, _, inner = node["$ref"].partition("#")
                inner_file = (
                    None if hops > _MAX_HOPS else self._file(target, inner_location, site, ref)
                )
                if inner_file is None or "://" in inner_location:
                    break
                target, done = inner_file, split(inner)
                node = follow(target.data, done)
            node = follow(node, [part])
            if node is MISSING:
                self.diagnostics.error(site, f"$ref {ref!r} points to nothing")
                return None
            done.append(part)
        return target, done, node

    def _against_base(self, file: _File, parts: list[str], ref: str) -> str:
        """`ref` resolved against the `$id` of the schemas it is in (JSON Schema's base
        URI) when that leads to a schema this file or the root declares: `#/$defs/Name`
        or `owner.json` inside `$id: https://example.com/pet.json` mean that schema's
        `$defs/Name` and the schema whose `$id` is `https://example.com/owner.json`.
        Otherwise `ref` as written (a `#/components/...` beside an `$id` still means the
        document's own components, as specs mean it)."""
        base, node = "", file.data
        for part in parts:
            own = node.get("$id") if isinstance(node, dict) else None
            if isinstance(own, str) and own:
                base = urljoin(base, own)
            node = follow(node, [part])
        if not base:
            return ref
        location, _, fragment = urljoin(base, ref).partition("#")
        if fragment and not fragment.startswith("/"):
            return f"{location}#{fragment}" if self._identified(file, location, fragment) else ref
        found = self._identified(file, location, "")
        if found is None or follow(found[0].data, [*found[1], *split(fragment)]) is MISSING:
            return ref
        return f"{location}#{fragment}"

    def _identified(
        self, file: _File, location: str, fragment: str
    ) -> tuple[_File, list[str]] | None:
        """Where the schema a `$ref` names by `$id` (`location`) or `$anchor` (a fragment
        that is not a pointer) is, in `file` or the root spec."""
        anchor = fragment if fragment and not fragment.startswith("/") else ""
        if not (location or anchor):
            return None
        wanted = [f"{location}#{anchor}" if anchor else location.rstrip("#")]
        if anchor:
            wanted.append(f"#{anchor}")
        for candidate in (file, self.root) if file is not self.root else (file,):
            index = self.identifiers.get(candidate.path)
            if index is None:
                index = self.identifiers[candidate.path] = _identifiers(candidate.data)
            for key in wanted:
                if key in index:
                    return candidate, index[key]
        return None

    def _inside_bundled(self, file: _File, parts: list[str]) -> list[str] | None:
        """Where in the root the object at `parts` of another file is, when an object
        holding it was bundled already (`common.yml#/Problem/properties/status` after
        `common.yml#/Problem`). Not inside its `$defs`: they leave the bundled copy (each
        becomes a component of its own) and their `$ref`s are the other file's."""
        for length in range(len(parts) - 1, -1, -1):
            outer = self.bundled.get((file.path, join(parts[:length])))
            if outer is not None and parts[length] not in _DEFINITIONS:
                inside = [*split(outer[1:]), *parts[length:]]
                if follow(self.root.data, inside) is not MISSING:
                    return inside
        return None

    def _copy(self, node: Any) -> Any:
        """A copy of another file's object, in which objects bundled on their own are
        `$ref`s to their components (one class for them, wherever they are used)."""
        memo: dict[int, Any] = {}
        for key, stub in self.stubs.items():
            if key != id(node):
                memo[key] = fresh = dict(stub)
                self.walked[id(fresh)] = fresh
        return copy.deepcopy(node, memo)

    def _section(self, section: str) -> dict[str, Any] | None:
        components = self.root.data.setdefault("components", {})
        entries = components.setdefault(section, {}) if isinstance(components, dict) else None
        if not isinstance(entries, dict):
            self.diagnostics.error(f"#/components/{section}", "must be a mapping")
            return None
        return entries

    def _file(self, referrer: _File, location: str, site: str, ref: str) -> _File | None:
        if not location:
            return referrer
        path = (referrer.path.parent / unquote(location)).resolve()
        if path not in self.files:
            try:
                document = read_document(path)
            except ReadError as error:
                self.diagnostics.error(site, f"$ref {ref!r}: cannot read {location}: {error}")
                self.files[path] = None
                return None
            shown = _relative(path, self.root.path.parent)
            self.files[path] = _File(path, document.data, shown)
            for pointer in document.duplicate_keys:
                self.diagnostics.warning(
                    f"{shown}{pointer}", "duplicate key (the last one is used)"
                )
        return self.files[path]

    def _name(self, section: str, parts: list[str], path: Path) -> str:
        """A name in `components/<section>` for an object from another file, unused so far
        (compared as the class names the parser makes of them)."""
        stem = pascal_case(path.name.split(".")[0])
        wanted = _pointer_name(parts, self.root.data) if parts else stem
        return self._free(section, _candidates(wanted, stem))

    def _moved_name(self, section: str, parts: list[str]) -> str:
        """A name in `components/<section>` for an object of the root spec found elsewhere."""
        wanted, outer = _pointer_name(parts, self.root.data), _outer_name(parts)
        return self._free(section, _candidates(wanted, outer))

    def _free(self, section: str, candidates: Iterator[str]) -> str:
        taken = self.taken.get(section)
        if taken is None:
            existing = (self.root.data.get("components") or {}).get(section) or {}
            taken = self.taken[section] = {pascal_case(str(name)) for name in existing}
        name = next(c for c in candidates if pascal_case(c) not in taken)
        taken.add(pascal_case(name))
        return name


def _identifiers(data: Any) -> dict[str, list[str]]:
    """The `$id`s (`https://example.com/pet`) and anchors (`#pet`, also after the `$id` of
    the schema they are in) declared in `data`, with their pointers (the first wins)."""
    found: dict[str, list[str]] = {}
    stack: list[tuple[Any, list[str], str]] = [(data, [], "")]
    while stack:
        node, parts, base = stack.pop()
        if isinstance(node, dict):
            own = node.get("$id")
            if isinstance(own, str) and own:
                base = own.rstrip("#")
                found.setdefault(base, parts)
            for keyword in ("$anchor", "$dynamicAnchor"):
                anchor = node.get(keyword)
                if isinstance(anchor, str) and anchor:
                    found.setdefault(f"#{anchor}", parts)
                    found.setdefault(f"{base}#{anchor}", parts)
            items: Iterable[tuple[str, Any]] = node.items()
        elif isinstance(node, list):
            items = ((str(index), value) for index, value in enumerate(node))
        else:
            continue
        stack.extend(
            (value, [*parts, key], base)
            for key, value in reversed(list(items))
            if isinstance(value, (dict, list))
        )
    return found


def _kind_at(parts: list[str]) -> str | None:
    """The kind of OpenAPI object at `parts` of a document (`response` for
    `components/responses/X`), None where the structure does not say (`$defs/Money`)."""
    kind: str | None = "root"
    for part in parts:
        kind = child_kind(kind, part) if kind is not None else None
    return None if kind is None or kind.startswith(CONTAINERS) else kind


#: An object of each kind, as the warnings name it.
_A = {"schema": "a schema", "response": "a response", "parameter": "a parameter",
      "example": "an example", "requestBody": "a request body", "header": "a header",
      "securityScheme": "a security scheme", "link": "a link",
      "callback": "a callback"}  # fmt: skip


#: What a `$ref` to a schema where a response or request body belongs is read as.
_WRAPPED = {"response": "a JSON response", "requestBody": "a required JSON request body"}


def _schema_of(node: Any, kind: str) -> list[str] | None:
    """Where the schema of a parameter or header (`schema`), or of a response or request
    body (its JSON media type's, else its only one's) is inside it."""
    if not isinstance(node, dict) or kind not in ("parameter", "header", "response", "requestBody"):
        return None
    if isinstance(node.get("schema"), dict):
        return ["schema"]
    content = node.get("content")
    typed = [
        media_type
        for media_type, media in (content.items() if isinstance(content, dict) else ())
        if isinstance(media, dict) and isinstance(media.get("schema"), dict)
    ]
    chosen = [m for m in typed if is_json(m)][:1] or (typed if len(typed) == 1 else [])
    return ["content", chosen[0], "schema"] if chosen else None


def _ref_to(file: _File, target: _File, parts: list[str]) -> str:
    """A `$ref`, written in `file`, to `parts` of `target`."""
    location = "" if target is file else target.path.as_posix()
    return f"{location}#{join(parts, root='')}"


def _standard(parts: list[str]) -> bool:
    """`components/<section>/<name>`: where the parser reads reusable objects from."""
    return len(parts) == 3 and parts[0] == "components"


def _stub(node: Any, internal: str, kind: str) -> dict[str, Any]:
    """The `$ref` standing where a moved object was (a schema keeps what describes its use
    at that place: `description`, `default`, `readOnly`, ...)."""
    kept = {}
    if kind == "schema" and isinstance(node, dict):
        kept = {key: node[key] for key in _USE_SITE if key in node}
    return {"$ref": internal, **kept}


#: Words for the schema keywords a pointer passes through (`items` -> `Item`).
_SCHEMA_WORDS = {"items": "Item", "additionalProperties": "Value",
                 "unevaluatedProperties": "Value", "additionalItems": "Item",
                 "requestBody": "Request", "not": "Not", "contains": "Item",
                 "propertyNames": "Key", "contentSchema": "Content",
                 "itemSchema": "Event"}  # fmt: skip
_NUMBERED = {"allOf": "Part", "oneOf": "Option", "anyOf": "Option", "prefixItems": "Item"}
#: Keys followed by a name that is the next word (`properties/name` -> `Name`).
_NAMED = ("properties", "patternProperties", "dependentSchemas", "headers", "callbacks",
          "links", "examples")  # fmt: skip
#: Keys that add no word, with how many segments they span (`content/<media type>`).
_SILENT = {"content": 2, "schema": 1, "encoding": 1}


def _pointer_name(parts: list[str], spec: dict[str, Any]) -> str:
    """A name for the object at `parts`, read from the pointer: the component, `$defs`
    entry or operation it is in, then the properties and keywords on the way."""
    words, index = _outer_words(parts, spec)
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if part in _DEFINITIONS and following:
            words, index = [following], index + 2  # a definition has a name of its own
        elif part in _NAMED and following:
            words, index = [*words, following], index + 2
        elif part in _NUMBERED and following.isdigit():
            words, index = [*words, f"{_NUMBERED[part]}{int(following) + 1}"], index + 2
        elif part == "responses" and following:
            suffix = "" if following[:1] in ("2", "d") else following
            words, index = [*words, f"Response{suffix}"], index + 2
        elif part == "parameters" and following.isdigit():
            parameter = follow(spec, parts[: index + 2])
            named = parameter.get("name") if isinstance(parameter, dict) else None
            words, index = [*words, str(named or f"Parameter{int(following) + 1}")], index + 2
        elif part in _SILENT:
            index += _SILENT[part]
        else:
            words, index = [*words, _SCHEMA_WORDS.get(part, part)], index + 1
    return pascal_case(" ".join(words))


def _outer_words(parts: list[str], spec: dict[str, Any]) -> tuple[list[str], int]:
    """The words naming what `parts` starts in, and where the rest of the pointer begins."""
    if len(parts) >= 3 and parts[0] == "components":
        return [parts[2]], 3
    if len(parts) >= 2 and parts[0] in ("paths", "webhooks"):
        if len(parts) >= 3 and parts[2] in METHODS:
            operation = follow(spec, parts[:3])
            named = operation.get("operationId") if isinstance(operation, dict) else None
            return [str(named or f"{parts[2]} {parts[1]}")], 3
        return [parts[1]], 2
    return [], 0


def _outer_name(parts: list[str]) -> str:
    """The component a pointer starts in (`Item` for `components/schemas/Item/$defs/X`),
    put in front of a name that is taken."""
    return pascal_case(parts[2]) if len(parts) >= 3 and parts[0] == "components" else "Inline"


def _candidates(wanted: str, stem: str) -> Iterator[str]:
    yield wanted
    if not wanted.startswith(stem):
        yield f"{stem}{pascal_case(wanted)}"
    yield from (f"{wanted}{number}" for number in itertools.count(2))


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()
