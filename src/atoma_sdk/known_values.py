"""The values an open-enum field of a generated model lists (`Literal[...] | str`), so the
`atoma` command and the mock can name them without keeping lists of their own: the spec
is the one source."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, get_args, get_origin

import pydantic

__all__ = ["known_values"]


@cache  # the mock asks on every request; a model's fields do not change
def known_values(model: type[pydantic.BaseModel], field: str) -> tuple[str, ...]:
    """The string literals in the type of `model.field`, in the spec's order; () when the
    field's type lists none."""
    return tuple(dict.fromkeys(_literals(model.model_fields[field].annotation)))


def _literals(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [value for value in get_args(annotation) if isinstance(value, str)]
    return [value for argument in get_args(annotation) for value in _literals(argument)]
