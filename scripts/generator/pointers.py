"""JSON pointers (RFC 6901) into spec data: building, parsing and following them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

MISSING = object()


def escape(part: object) -> str:
    """One pointer segment: `/` is `~1`, `~` is `~0`."""
    return str(part).replace("~", "~0").replace("/", "~1")


def join(parts: Iterable[object], root: str = "#") -> str:
    """`#/paths/~1pets/get` from `["paths", "/pets", "get"]`."""
    return root + "".join("/" + escape(part) for part in parts)


def split(fragment: str) -> list[str]:
    """The segments of a `$ref` fragment (`/components/schemas/Pet`, URI-escaped or not)."""
    fragment = unquote(fragment)
    if not fragment or fragment == "/":
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in fragment.lstrip("/").split("/")]


def follow(data: Any, parts: Iterable[str]) -> Any:
    """The node at `parts`, or `MISSING`."""
    node = data
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part, MISSING)
        elif isinstance(node, list) and part.isdigit() and len(part) < 10 and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node


def pointer_of(data: Any, wanted: set[int]) -> dict[int, str]:
    """The pointers of the containers whose `id` is in `wanted`, in document order (one
    walk of `data`, depth first)."""
    found: dict[int, str] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(data, "#")]
    while stack and len(found) < len(wanted):
        node, pointer = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in wanted:
            found[id(node)] = pointer
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(
            (value, f"{pointer}/{escape(key)}")
            for key, value in reversed(list(items))
            if isinstance(value, (dict, list))
        )
    return found
