"""Pydantic bases of every generated model: one for what the SDK sends, one for what it reads."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import pydantic
from typing_extensions import Self

from .invalid import InvalidArgumentError, invalid_arguments, unsendable, unsendable_argument
from .sentinel import UNSET

if TYPE_CHECKING:
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = [
    "BaseModel",
    "InputModel",
    "OutputModel",
    "SharedModel",
    "UnknownVariant",
    "base64_text",
    "open_discriminator",
]


class BaseModel(pydantic.BaseModel):
    """Wire names are aliases; Python names are accepted too."""

    model_config = pydantic.ConfigDict(
        populate_by_name=True,
        arbitrary_types_allowed=True,
        protected_namespaces=(),
        # `format: byte` / `binary` fields are bytes in Python and base64 in JSON.
        ser_json_bytes="base64",
        val_json_bytes="base64",
    )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """pydantic's, but a field that defaults to `UNSET` shows no default (not a warning)."""
        from .json_schema import SchemaGenerator

        if len(args) < 3:  # schema_generator is the third positional parameter
            kwargs.setdefault("schema_generator", SchemaGenerator)
        return super().model_json_schema(*args, **kwargs)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: pydantic.GetJsonSchemaHandler, /
    ) -> JsonSchemaValue:
        """The schema pydantic makes, with each field's docstring as its description."""
        from .json_schema import field_docstrings

        json_schema = handler(core_schema)
        properties = handler.resolve_ref_schema(json_schema).get("properties", {})
        for name, text in field_docstrings(cls).items():
            info = cls.model_fields.get(name)
            if info is None:
                continue
            key = info.alias if info.alias in properties else name
            if key in properties:
                properties[key].setdefault("description", text)
        return json_schema


class InputModel(BaseModel):
    """A model the SDK sends: unknown fields are refused, `UNSET` means "leave it out",
    and a float field is finite (JSON has no NaN or infinity); a NaN in a free-form value
    is kept as it is (pydantic would make it null), so sending it is refused, not changed."""

    model_config = pydantic.ConfigDict(
        extra="forbid", allow_inf_nan=False, ser_json_inf_nan="constants"
    )

    #: Optional fields that may not be null: None given for them means "leave it out".
    _none_means_unset: ClassVar[frozenset[str]] = frozenset()
    #: Required fields with a default: sent even when the caller left the default.
    _always_sent: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as error:
            names = type(self)._argument_names()
            raise invalid_arguments(_without_unset_branch(error), names) from None
        if self._always_sent:
            self.__pydantic_fields_set__.update(self._always_sent)

    @classmethod
    def _argument_names(cls) -> dict[str, str]:
        """The arguments' names by their wire names, where they differ."""
        return {info.alias: name for name, info in cls.model_fields.items() if info.alias}

    @pydantic.model_validator(mode="before")
    @classmethod
    def _drop_unset(cls, data: Any) -> Any:
        # A field given as UNSET counts as never given, so `exclude_unset` leaves it out.
        if not isinstance(data, dict):
            return data
        given = cls._given(data)
        return given if len(given) < len(data) else data

    @classmethod
    def _given(cls, data: dict[str, Any]) -> dict[str, Any]:
        """`data` without what means "not given": `UNSET`, and None where null is not allowed."""
        skip = cls._none_means_unset
        return {k: v for k, v in data.items() if not (v is UNSET or (v is None and k in skip))}

    @classmethod
    def build(cls, **data: Any) -> Self:
        """Validate keyword arguments into this model. Generated methods use it because
        their arguments also accept plain dicts (TypedDicts) where the model has models.

        A generated method passes every argument, most of them `UNSET`: dropping those
        here, once, costs less than pydantic validating them and the validator above
        dropping them (3 µs of a call).
        """
        return cls(**cls._given(data))

    @classmethod
    def build_or_none(cls, **data: Any) -> Self | None:
        """`build`, or None when no field is given: an optional body left out (a model
        whose fields are required once it is sent)."""
        if all(value is None or value is UNSET for value in data.values()):
            return None
        return cls.build(**data)

    def to_json_bytes(self) -> bytes:
        """The wire body: the fields that were given (None as null), by wire name.

        Byte for byte what atoma-sdk 0.1.3 sends: compact, keys sorted, ASCII-escaped.
        """
        values = self.wire_values()
        try:
            return dumps_json(values)
        except ValueError:
            error = self.unsendable(values)
            if error is None:
                raise
            raise error from None

    def wire_values(self) -> dict[str, Any]:
        """The given fields by wire name, as JSON-ready values (for parameters)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def unsendable(self, values: dict[str, Any]) -> InvalidArgumentError | None:
        """The error naming what of `values` (its `wire_values()`) no request can carry
        (NaN in a free-form value, text with a surrogate code point), if any."""
        return unsendable_argument(values, type(self)._argument_names())


def dumps_json(data: Any) -> bytes:
    """Compact, keys sorted, ASCII-escaped; NaN and infinity refused (`ValueError`): JSON
    has no such numbers, and Python's `NaN` token is not JSON a server can read. So is
    text with a surrogate code point, which Python escapes as `\\udXXX` (only a pair of
    them, escaping one character, is read back as text)."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True, allow_nan=False)
    if "\\ud" in text and unsendable(data) is not None:  # a character past U+FFFF, or not
        raise ValueError("a string holds a surrogate code point, which is not Unicode text")
    return text.encode()


class SharedModel(InputModel):
    """A model the SDK both sends and reads: built like an input, but the fields a server
    adds are kept, as in an `OutputModel`."""

    model_config = pydantic.ConfigDict(extra="allow", allow_inf_nan=True)  # read as sent


def _from_base64(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        try:
            return base64.urlsafe_b64decode(value)
        except binascii.Error as error:
            raise ValueError("bytes must be base64 text in JSON") from error


#: A shared model's `bytes` field reads base64 text: its before-validator (`_drop_unset`)
#: makes pydantic validate JSON input as Python values, where strict bytes refuse a str.
base64_text = pydantic.BeforeValidator(_from_base64)


class OutputModel(BaseModel):
    """A model the server sends: fields it adds are kept and readable as attributes."""

    model_config = pydantic.ConfigDict(extra="allow", allow_inf_nan=True)  # read as sent

    #: The server's id for the request (`x-request-id` and the like) on a call's result,
    #: for support tickets; None when it sent none, and on nested models. Set on the
    #: instance by the runtime (`raw.with_request_id`): a pydantic private attribute
    #: would make parsing every model, nested ones included, about twice as slow.
    _request_id: ClassVar[str | None] = None


class UnknownVariant(OutputModel):
    """A member of a union that this SDK version does not know (a new event type, say).

    All its fields are kept: read them as attributes or with `model_dump()`.
    """


def open_discriminator(wire_name: str, tags: Mapping[str, str]) -> Callable[[Any], str]:
    """A pydantic discriminator that sends unknown tag values to `UnknownVariant`."""

    def discriminate(value: Any) -> str:
        tag = _tag_of(value, wire_name)
        return tags.get(tag, "UnknownVariant") if isinstance(tag, str) else "UnknownVariant"

    return discriminate


def _tag_of(value: Any, wire_name: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(wire_name)
    for name, info in getattr(type(value), "model_fields", {}).items():
        if (info.alias or name) == wire_name:
            return getattr(value, name)
    return (getattr(value, "model_extra", None) or {}).get(wire_name)


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
