"""`UNSET` and the typing aliases built on it; deliberately free of pydantic so that
`import atoma_sdk` stays cheap.

An argument left `UNSET` is dropped from the request body, while `None` is sent as `null`.
"""

from __future__ import annotations

from typing import Any, Final, NewType, TypeAlias, TypeVar, Union

__all__ = [
    "UNSET",
    "UNSET_SENTINEL",
    "Nullable",
    "OptionalNullable",
    "UnrecognizedInt",
    "UnrecognizedStr",
    "Unset",
]

T = TypeVar("T")


class Unset:
    """Type of `UNSET`, the single "not given" value."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNSET"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(cls)


UNSET: Final = Unset()
#: Kept for code written against atoma-sdk 0.1.3, which exported it.
UNSET_SENTINEL: Final = "~?~unset~?~sentinel~?~"

Nullable: TypeAlias = Union[T, None]
OptionalNullable: TypeAlias = Union[T, Unset, None]

#: Values of an open enum that this SDK version does not know (names from atoma-sdk 0.1.3).
UnrecognizedStr = NewType("UnrecognizedStr", str)
UnrecognizedInt = NewType("UnrecognizedInt", int)
