"""What the generator needs to know about the hand-written runtime it builds on."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

#: The runtime every generated package uses (stand-alone packages get a copy of it).
RUNTIME = Path(__file__).resolve().parents[2] / "src" / "atoma_sdk" / "_runtime"


def exported_names(module: str) -> list[str]:
    """`__all__` of a runtime module, read from its source (nothing is imported)."""
    tree = ast.parse((RUNTIME / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            names: list[str] = ast.literal_eval(node.value)
            return names
    return []


@functools.cache
def error_classes() -> list[str]:
    """The runtime's exception classes (the capitalised names `errors.py` exports, but the
    base of generated errors), re-exported by every generated package and its models."""
    names = exported_names("errors")
    return sorted(name for name in names if name[0].isupper() and name != "TypedAPIError")
