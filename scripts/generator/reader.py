"""One spec file (YAML or JSON) as plain JSON data, read the way JSON readers read it.

YAML is read with YAML 1.2's core rules rather than PyYAML's 1.1 ones: `1e-08` and `.5`
are numbers, `yes`/`no`/`on`/`off` are strings, `2024-01-01` is a string (not a date),
`012` is twelve. Mapping keys are the text written (`200:` is the key `"200"`, `on:` is
`"on"`), as every key in JSON is a string. Duplicate keys are reported; the last one wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .pointers import pointer_of

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's parser when PyYAML was built with it: several times faster
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_MERGE = re.compile(r"^(?:<<)$")
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class SpecLoader(_BaseLoader):
    """PyYAML's safe loader (the C one when built) with YAML 1.2 core schema scalars."""

    yaml_implicit_resolvers = {}  # noqa: RUF012  (PyYAML's per-class table; filled below)

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[dict[str, Any], str]] = []

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_spec_map(self, node: yaml.MappingNode) -> Iterator[dict[str, Any]]:
        data: dict[str, Any] = {}
        yield data
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag != _MERGE_TAG:
                key = self._key(key_node)
                if key in seen:
                    self.duplicates.append((data, key))
                seen.add(key)
        self.flatten_mapping(node)  # `<<: *anchor` merges; keys written here override
        for key_node, value_node in node.value:
            data[self._key(key_node)] = self.construct_object(value_node, deep=False)

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        return json.dumps(self.construct_object(node, deep=True), sort_keys=True, default=str)


SpecLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
SpecLoader.add_implicit_resolver(_MERGE_TAG, _MERGE, ["<"])
SpecLoader.add_constructor("tag:yaml.org,2002:int", SpecLoader.construct_yaml_int)
SpecLoader.add_constructor(_MAP_TAG, SpecLoader.construct_spec_map)


class ReadError(Exception):
    """The file cannot be read or parsed; the message is one line."""


@dataclass
class Document:
    """A file's data, and the JSON pointers of its mappings that repeat a key."""

    data: Any
    duplicate_keys: list[str] = field(default_factory=list)


def read_document(path: Path) -> Document:
    """Parse `path`: JSON when it ends in `.json`, YAML (1.2 rules) otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ReadError(_one_line(error)) from error
    duplicates: list[tuple[dict[str, Any], str]] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_json_object(duplicates))
        except json.JSONDecodeError as error:
            raise ReadError(f"invalid JSON: {error}") from error
    else:
        loader = SpecLoader(text)
        try:
            data = loader.get_single_data()
        except yaml.YAMLError as error:
            raise ReadError(f"invalid YAML: {_yaml_message(error)}") from error
        finally:
            loader.dispose()
        duplicates = loader.duplicates
    return Document(data, _duplicate_pointers(data, duplicates))


def _json_object(
    duplicates: list[tuple[dict[str, Any], str]],
) -> Any:
    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(pairs)
        if len(data) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append((data, key))
                seen.add(key)
        return data

    return build


def _duplicate_pointers(data: Any, duplicates: list[tuple[dict[str, Any], str]]) -> list[str]:
    if not duplicates:
        return []
    keys: dict[int, list[str]] = {}
    for mapping, key in duplicates:
        keys.setdefault(id(mapping), []).append(key)
    where = pointer_of(data, set(keys))
    return [f"{pointer}/{_escape(key)}" for found, pointer in where.items() for key in keys[found]]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _yaml_message(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return _one_line(error)


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
