"""The member names a spec gives an enum's values: `x-enum-varnames` or `x-enumNames`
(a list beside `enum`, one name a value) or Azure's `x-ms-enum` (`values: [{value,
name}]`). Names that cannot all be used are dropped, with a warning: the members are
then named after their values, as without them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..naming import given_member_names
from .context import ParseContext

#: The extensions that list names beside `enum`, in the order they are read.
_LISTS = ("x-enum-varnames", "x-enumNames")


def member_names(
    ctx: ParseContext,
    schema: Mapping[str, Any],
    raw: Sequence[Any],
    values: Sequence[str | int],
    pointer: str,
) -> tuple[str, ...]:
    """The member names of `values` (the enum's values without nulls and duplicates;
    `raw`: the `enum` as written); empty when the spec gives none that can be used."""
    found = _given(ctx, schema, raw, pointer)
    if found is None:
        return ()
    given, where = found
    wanted = [given.get(_key(value)) for value in values]
    named = [name for name in wanted if name is not None]
    names = given_member_names(named) if len(named) == len(wanted) else None
    if names is None:
        ctx.warning(
            where,
            "the enum's member names are not one usable, distinct name per value; "
            "the members are named after their values",
        )
        return ()
    return tuple(names)


def _given(
    ctx: ParseContext, schema: Mapping[str, Any], raw: Sequence[Any], pointer: str
) -> tuple[dict[tuple[type, Any], str], str] | None:
    """Each value's name as the spec gives it (by value), and the pointer it is at."""
    for key in _LISTS:
        listed = schema.get(key)
        if listed is None:
            continue
        where = f"{pointer}/{key}"
        if not isinstance(listed, list) or len(listed) != len(raw):
            ctx.warning(where, f"{key} must list one name per enum value; ignored")
            return None
        pairs = zip(raw, listed, strict=True)
        return {_key(v): n for v, n in reversed(list(pairs)) if isinstance(n, str)}, where
    azure = schema.get("x-ms-enum")
    entries = azure.get("values") if isinstance(azure, Mapping) else None
    if not isinstance(entries, list):
        return None
    given = {
        _key(entry["value"]): entry["name"]
        for entry in reversed(entries)
        if isinstance(entry, Mapping) and "value" in entry and isinstance(entry.get("name"), str)
    }
    return (given, f"{pointer}/x-ms-enum/values") if given else None


def _key(value: Any) -> tuple[type, Any]:
    """A value as a key that keeps `1` and `True` apart."""
    return type(value), value
