"""Objects of the wrong shape left out before parsing: an operation, response, media type
or parameter that is not a mapping, a `parameters` that is not a list. The validator
reports them; the parser, which reads the spec as OpenAPI says it is shaped, then never
meets one."""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostics
from .pointers import join
from .structure import child_kind

#: Kinds whose value may be anything (checked, where it matters, by the parser).
_ANY_SHAPE = frozenset({"schema", "example"})


def drop_misshapen(spec: dict[str, Any], diagnostics: Diagnostics) -> None:
    """Remove every object under `spec` whose shape its place does not allow, with a
    warning where the validator has not already reported that place."""
    _walk(spec, "root", [], diagnostics, {p.pointer for p in diagnostics.problems})


def _walk(
    node: Any, kind: str, parts: list[str], diagnostics: Diagnostics, reported: set[str]
) -> None:
    if kind == "schema" or not isinstance(node, (dict, list)):
        return
    entries = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
    dropped: list[Any] = []
    for key, value in entries:
        child = child_kind(kind, str(key))
        # an extension (anything goes), or the `$ref` of a reference (a string, wherever
        # a callback, path item or other object may be given as one)
        if child is None or key == "$ref" or str(key).startswith("x-"):
            continue
        where = [*parts, str(key)]
        expected = _expected(child)
        if expected is None or isinstance(value, expected):
            _walk(value, child, where, diagnostics, reported)
            continue
        pointer = join(where)
        if pointer not in reported:
            shape = "a list" if expected is list else "a mapping"
            diagnostics.warning(pointer, f"not {shape}, as this place needs: left out")
        dropped.append(key)
    if isinstance(node, dict):
        for key in dropped:
            del node[key]
    else:
        node[:] = [value for index, value in enumerate(node) if index not in dropped]


def _expected(kind: str) -> type | None:
    if kind.startswith("list:"):
        return list
    if kind in _ANY_SHAPE:
        return None
    return dict
