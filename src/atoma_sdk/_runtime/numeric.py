"""JSON numbers sent as given: an `int` passed for a `type: number` field stays an `int`.

pydantic turns an `int` validated as `float` into a `float`, so `1` went out as `1.0`.
`IntStaysInt`, after a request model field's `float` type and constraints, validates the
value as a `float` (same rules, same errors) but keeps an `int` as it is, and writes it
as an integer.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["IntStaysInt"]


class IntStaysInt:
    """`Annotated[float, ..., IntStaysInt()]`: an `int` (not a `bool`) is checked as a
    `float` and kept an `int`; a `float` is a `float`."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(
            _validate,
            handler(source),
            serialization=core_schema.wrap_serializer_function_ser_schema(_serialize),
        )


def _validate(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    checked = handler(value)
    return value if type(value) is int else checked


def _serialize(value: Any, handler: core_schema.SerializerFunctionWrapHandler) -> Any:
    return value if type(value) is int else handler(value)
