"""Field descriptions for JSON schemas, read from the models' attribute docstrings on demand.

Generated models document each field with a docstring under it (what editors show).
pydantic's `use_attribute_docstrings` would read them too, but at class creation: it
parses each model's source file, which was a tenth of the time to a first result. A
model's JSON schema is rarely asked for, so the docstrings are read only then.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from itertools import pairwise
from typing import Any


def field_docstrings(model: type[Any]) -> dict[str, str]:
    """Field name -> the docstring under its annotation, for `model` and its bases."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        found.update(_own_docstrings(cls))
    return found


def _own_docstrings(cls: type[Any]) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # built-in, or no source shipped
        return {}
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return {}
    if not body or not isinstance(body[0], ast.ClassDef):
        return {}
    statements = body[0].body
    found: dict[str, str] = {}
    for statement, following in pairwise(statements):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found
