"""What a model's JSON schema shows beyond pydantic's: field descriptions, and no `UNSET`.

Generated models document each field with a docstring under it (what editors show).
pydantic's `use_attribute_docstrings` would read them too, but at class creation: it
parses each model's source file, which was a tenth of the time to a first result. A
model's JSON schema is rarely asked for, so the docstrings are read only then.

An optional field of a request model defaults to `UNSET` ("leave it out"), which has no
JSON form: pydantic would warn once per such field. Its schema shows no default instead.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import weakref
from itertools import pairwise
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .sentinel import UNSET

__all__ = ["SchemaGenerator", "field_docstrings"]


class SchemaGenerator(GenerateJsonSchema):
    """pydantic's JSON schema generator, for which `UNSET` is no default."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        if schema.get("default") is UNSET:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)


def field_docstrings(model: type[Any]) -> dict[str, str]:
    """Field name -> the docstring under its annotation, for `model` and its bases."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        own = _READ.get(cls)
        if own is None:
            own = _READ[cls] = _own_docstrings(cls)
        found.update(own)
    return found


#: Each class's own docstrings, read once (a schema of many models asks for every base
#: again), forgotten with the class.
_READ: weakref.WeakKeyDictionary[type[Any], dict[str, str]] = weakref.WeakKeyDictionary()


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
