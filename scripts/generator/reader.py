"""One spec file (YAML or JSON) as plain JSON data, read the way JSON readers read it.

YAML is read with YAML 1.2's core rules rather than PyYAML's 1.1 ones: `1e-08` and `.5`
are numbers, `yes`/`no`/`on`/`off` are strings, `2024-01-01` is a string (not a date),
`012` is twelve. Mapping keys are the text written (`200:` is the key `"200"`, `on:` is
`"on"`), as every key in JSON is a string. Duplicate keys are reported; the last one wins.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .pointers import escape, pointer_of


class ReadError(Exception):
    """The file cannot be read or parsed; the message is one line."""


@dataclass
class Document:
    """A file's data, and the JSON pointers of its mappings that repeat a key."""

    data: Any
    duplicate_keys: list[str] = field(default_factory=list)


def read_document(path: Path) -> Document:
    """Parse `path`: JSON when it ends in `.json` or its text is a JSON object (faster, and
    JSON's escapes of characters beyond U+FFFF are not YAML's), YAML (1.2 rules) otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ReadError(_one_line(error)) from error
    json_file = path.suffix.lower() == ".json"
    if json_file or text.lstrip().startswith("{"):
        duplicates: list[tuple[dict[str, Any], str]] = []
        try:
            data = json.loads(text, object_pairs_hook=_json_object(duplicates))
            return Document(data, _duplicate_pointers(data, duplicates))
        except json.JSONDecodeError as error:
            if json_file:
                raise ReadError(f"invalid JSON: {error}") from error
    try:
        data, pointers = _load_yaml(text)
    except yaml.YAMLError as error:
        raise ReadError(f"invalid YAML: {_yaml_message(error)}") from error
    return Document(data, pointers)


_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when built

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}  # fmt: skip
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf,
                   "+.Inf": math.inf, "+.INF": math.inf, "-.inf": -math.inf,
                   "-.Inf": -math.inf, "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan,
                   ".NAN": math.nan}  # fmt: skip
_MAYBE_NOT_TEXT = set("0123456789+-.~tTfFnN")
_TAG = "tag:yaml.org,2002:"


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value under YAML 1.2's core schema (a tag names its type outright)."""
    text: str = event.value
    tag = event.tag
    if tag is None:
        if not event.implicit[0]:  # quoted
            return text
        tag = _resolve(text)
    kind = tag.removeprefix(_TAG)
    if kind == "int":
        return (
            int(text[2:], 8)
            if text.startswith("0o")
            else int(text, 0 if text.startswith("0x") else 10)
        )
    if kind == "float":
        return _SPECIAL_FLOATS[text] if text in _SPECIAL_FLOATS else float(text)
    if kind == "bool":
        return _BOOL.get(text, bool(text))
    if kind == "null":
        return None
    return text


def _resolve(text: str) -> str:
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return _TAG + "str"
    if text in _NULL:
        return _TAG + "null"
    if text in _BOOL:
        return _TAG + "bool"
    if _INT.fullmatch(text):
        return _TAG + "int"
    if _FLOAT.fullmatch(text) or text in _SPECIAL_FLOATS:
        return _TAG + "float"
    return _TAG + "str"


class _Frame:
    """A mapping or sequence being built, and where it is."""

    __slots__ = ("container", "explicit", "key", "merges", "pointer")

    def __init__(self, container: dict[str, Any] | list[Any], pointer: str) -> None:
        self.container = container
        self.pointer = pointer
        self.key: str | None = None
        self.explicit: set[str] = set()
        self.merges: list[Any] = []


def _load_yaml(text: str) -> tuple[Any, list[str]]:
    """The document, built from libyaml's events (several times faster than PyYAML's
    constructor), and the pointers of the keys written twice, in document order."""
    anchors: dict[str, Any] = {}
    stack: list[_Frame] = []
    duplicates: list[str] = []
    documents: list[Any] = []

    def place(value: Any, anchor: str | None) -> None:
        if anchor is not None:
            anchors[anchor] = value
        if not stack:
            documents.append(value)
            return
        frame = stack[-1]
        container = frame.container
        if isinstance(container, list):
            container.append(value)
        elif frame.key is None:
            frame.key = value if isinstance(value, str) else json.dumps(value, default=str)
        else:
            key, frame.key = frame.key, None
            if key == "<<":
                frame.merges.append(value)
                return
            if key in frame.explicit:
                duplicates.append(f"{frame.pointer}/{escape(key)}")
            frame.explicit.add(key)
            container[key] = value

    def child_pointer() -> str:
        if not stack:
            return "#"
        frame = stack[-1]
        if isinstance(frame.container, list):
            return f"{frame.pointer}/{len(frame.container)}"
        return f"{frame.pointer}/{escape(frame.key or '')}"

    for event in yaml.parse(text, Loader=_Parser):
        if isinstance(event, yaml.ScalarEvent):
            frame = stack[-1] if stack else None
            if frame is not None and isinstance(frame.container, dict) and frame.key is None:
                place(event.value, event.anchor)  # a key: the text written
            else:
                place(_scalar(event), event.anchor)
        elif isinstance(event, yaml.CollectionStartEvent):
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            pointer = child_pointer()
            if event.anchor is not None:
                anchors[event.anchor] = container
            stack.append(_Frame(container, pointer))
        elif isinstance(event, yaml.CollectionEndEvent):
            frame = stack.pop()
            if frame.merges:
                _merge(frame)
            place(frame.container, None)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise ReadError(f"invalid YAML: unknown alias *{event.anchor}")
            inside = any(frame.container is anchors[event.anchor] for frame in stack)
            if inside and not _in_extension(child_pointer()):  # an extension is not read
                raise ReadError(
                    f"alias *{event.anchor} at {child_pointer()} is inside &{event.anchor}: "
                    "a value that contains itself has no JSON form"
                )
            place(anchors[event.anchor], None)
    if len(documents) != 1:
        raise ReadError(f"invalid YAML: expected one document, found {len(documents)}")
    return documents[0], duplicates


def _in_extension(pointer: str) -> bool:
    return any(part.startswith("x-") for part in pointer.split("/")[1:])


def _merge(frame: _Frame) -> None:
    """`<<: *base` (or a list of them): their keys, unless written here; earlier first."""
    mapping = frame.container
    assert isinstance(mapping, dict)
    merged: dict[str, Any] = {}
    for source in frame.merges:
        for part in source if isinstance(source, list) else [source]:
            if isinstance(part, dict):
                for key, value in part.items():
                    merged.setdefault(key, value)
    written = list(mapping.items())
    mapping.clear()
    mapping.update((key, value) for key, value in merged.items() if key not in frame.explicit)
    mapping.update(written)


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
    return [f"{pointer}/{escape(key)}" for found, pointer in where.items() for key in keys[found]]


def _yaml_message(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return _one_line(error)


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
