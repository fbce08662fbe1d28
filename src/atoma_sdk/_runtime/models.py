"""Pydantic bases of every generated model: one for what the SDK sends, one for what it reads."""

from __future__ import annotations

import json
from typing import Any

import pydantic

from .sentinel import UNSET

__all__ = ["BaseModel", "InputModel", "OutputModel"]


class BaseModel(pydantic.BaseModel):
    """Wire names are aliases; Python names are accepted too."""

    model_config = pydantic.ConfigDict(
        populate_by_name=True,
        arbitrary_types_allowed=True,
        protected_namespaces=(),
        use_attribute_docstrings=True,
    )


class InputModel(BaseModel):
    """A model the SDK sends: unknown fields are refused, `UNSET` means "leave it out"."""

    model_config = pydantic.ConfigDict(extra="forbid")

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as error:
            raise _without_unset_branch(error) from None

    @pydantic.model_validator(mode="before")
    @classmethod
    def _drop_unset(cls, data: Any) -> Any:
        # A field given as UNSET counts as never given, so `exclude_unset` leaves it out.
        if isinstance(data, dict) and any(value is UNSET for value in data.values()):
            return {key: value for key, value in data.items() if value is not UNSET}
        return data

    def to_json_bytes(self) -> bytes:
        """The wire body: the fields that were given (None as null), by wire name.

        Byte for byte what atoma-sdk 0.1.3 sends: compact, keys sorted, ASCII-escaped.
        """
        data = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


class OutputModel(BaseModel):
    """A model the server sends: fields it adds are kept and readable as attributes."""

    model_config = pydantic.ConfigDict(extra="allow")


_UNSET_BRANCH = "is-instance[Unset]"


def _without_unset_branch(error: pydantic.ValidationError) -> pydantic.ValidationError:
    """The same error minus the noise of the `UNSET` union member.

    An `OptionalNullable[int]` field is a union with `Unset`, so pydantic reports a bad
    value once per member ("n.constrained-int: ..." and "n.is-instance[Unset]: ...").
    Users never meant UNSET, so that entry is dropped and the member label removed.
    """
    details = error.errors(include_url=False)
    unset_fields = {d["loc"][0] for d in details if d["loc"][1:2] == (_UNSET_BRANCH,)}
    if not unset_fields:
        return error
    cleaned: list[Any] = []
    for detail in details:
        loc = detail["loc"]
        if loc[0] in unset_fields:
            if loc[1:2] == (_UNSET_BRANCH,):
                continue
            detail = {**detail, "loc": (loc[0], *loc[2:])}
        cleaned.append(detail)
    return pydantic.ValidationError.from_exception_data(error.title, cleaned)
