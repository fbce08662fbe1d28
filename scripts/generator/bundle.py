"""`$ref`s to other files next to the spec, bundled into the one spec dict.

The parser follows only `#/components/<kind>/<name>`, so every object another file holds
lands in the root's `components` (a path item, which has no such section in OpenAPI 3.0,
is copied where it is referred to). Its name is its key in that file (or the file's stem
when the whole file is referred to); when that is taken, the file's stem goes in front,
then a number after. Which kind of object a `$ref` stands for is known from where it is
(the OpenAPI structure is walked from the root), not guessed from its text.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .diagnostics import Diagnostics
from .naming import pascal_case
from .pointers import MISSING, follow, join, split
from .reader import ReadError, read_document
from .structure import CONTAINERS, SECTIONS, child_kind

_DEFINITIONS = ("$defs", "definitions")


@dataclass
class _File:
    path: Path
    data: Any
    shown: str  # "" for the root spec, else its path relative to the root's folder

    def pointer(self, parts: list[str]) -> str:
        return join(parts, root=f"{self.shown}#")


class Bundler:
    """Rewrites the root spec in place so that every `$ref` is internal."""

    def __init__(self, path: Path, spec: dict[str, Any], diagnostics: Diagnostics) -> None:
        self.root = _File(path.resolve(), spec, "")
        self.diagnostics = diagnostics
        self.files: dict[Path, _File | None] = {self.root.path: self.root}
        self.bundled: dict[tuple[Path, str], str] = {}  # (file, fragment) -> internal $ref
        self.homes: dict[tuple[Path, str], str] = {}  # root components that are such a $ref
        self.following: set[tuple[Path, str]] = set()
        self.walked: dict[int, Any] = {}  # by id, holding each so that no id is reused
        self.taken: dict[str, set[str]] = {}

    def bundle(self) -> None:
        components = self.root.data.get("components")
        if isinstance(components, dict):
            self._find_homes(components)
            self._walk(components, "components", self.root, ["components"])
        self._walk(self.root.data, "root", self.root, [])

    def _find_homes(self, components: dict[str, Any]) -> None:
        """`components/schemas/Pet: {$ref: pet.yaml}`: the file's object is `Pet` itself."""
        for section in SECTIONS.values():
            entries = components.get(section)
            for name, entry in entries.items() if isinstance(entries, dict) else ():
                if isinstance(entry, dict) and list(entry) == ["$ref"]:
                    location, _, fragment = str(entry["$ref"]).partition("#")
                    if location and "://" not in location:
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
        if not isinstance(node, dict) or id(node) in self.walked:
            return node
        self.walked[id(node)] = node
        ref = node.get("$ref")
        if isinstance(ref, str) and not kind.startswith(CONTAINERS):
            found = self._reference(ref, kind, file, parts)
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
        return node

    def _reference(
        self, ref: str, kind: str, file: _File, parts: list[str], home: str | None = None
    ) -> Any:
        """The internal `$ref` that replaces `ref`, or the object itself for a path item;
        None (and an error at the `$ref`) when it cannot be followed."""
        site = file.pointer(parts)
        location, _, fragment = ref.partition("#")
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
        fragment_parts = split(fragment)
        node = follow(target.data, fragment_parts)
        if node is MISSING:
            self.diagnostics.error(site, f"$ref {ref!r} points to nothing")
            return None
        if target is self.root:
            return join(fragment_parts)
        key = (target.path, join(fragment_parts))
        if key in self.bundled:
            return self.bundled[key]
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
            return self._walk(copy.deepcopy(node), kind, target, fragment_parts)
        internal = home or join(
            ["components", section, self._name(section, fragment_parts, target.path)]
        )
        _, section, name = split(internal[1:])
        components = self.root.data.setdefault("components", {})
        entries = components.setdefault(section, {}) if isinstance(components, dict) else None
        if not isinstance(entries, dict):
            self.diagnostics.error(f"#/components/{section}", "must be a mapping")
            return None
        self.bundled[key] = internal
        entries[name] = {}
        self.diagnostics.relocate(internal, target.pointer(fragment_parts))
        bundled = self._walk(copy.deepcopy(node), kind, target, fragment_parts)
        if kind == "schema" and isinstance(bundled, dict):
            for definitions in _DEFINITIONS:  # bundled above, each as a component
                bundled.pop(definitions, None)
        entries[name] = bundled
        return internal

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
        taken = self.taken.get(section)
        if taken is None:
            existing = (self.root.data.get("components") or {}).get(section) or {}
            taken = self.taken[section] = {pascal_case(str(name)) for name in existing}
        stem = pascal_case(path.name.split(".")[0])
        wanted = parts[-1] if parts else stem
        name = next(c for c in _candidates(wanted, stem) if pascal_case(c) not in taken)
        taken.add(pascal_case(name))
        return name


def _candidates(wanted: str, stem: str) -> Iterator[str]:
    yield wanted
    yield f"{stem}{pascal_case(wanted)}"
    yield from (f"{wanted}{number}" for number in itertools.count(2))


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()
