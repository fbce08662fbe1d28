"""Whether a value from the spec (a `default`, an `example`) fits its schema's type."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from uuid import UUID

from .. import ir
from .context import ParseContext

_PLAIN: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "bytes": str,  # base64 text in JSON
}


def fits(ctx: ParseContext, value: object, t: ir.Type, nullable: bool) -> bool:
    """Whether JSON `value` is a valid instance of `t` (models: any object; constraints
    are not checked)."""
    if value is None:
        return nullable or _admits_null(t)
    if isinstance(t, ir.AnyType):
        return True
    if isinstance(t, ir.ScalarType):
        return _scalar_fits(value, t.name)
    if isinstance(t, (ir.EnumType, ir.LiteralType)):
        return any(value == v and type(value) is type(v) for v in t.values)
    if isinstance(t, ir.ListType):
        return isinstance(value, list) and all(fits(ctx, v, t.item, False) for v in value)
    if isinstance(t, ir.TupleType):
        return (
            isinstance(value, list)
            and len(value) == len(t.items)
            and all(fits(ctx, v, item, False) for v, item in zip(value, t.items, strict=True))
        )
    if isinstance(t, ir.DictType):
        return isinstance(value, dict) and all(fits(ctx, v, t.value, False) for v in value.values())
    if isinstance(t, ir.ModelType):
        return isinstance(value, dict)
    if isinstance(t, ir.UnionType):
        return any(fits(ctx, value, member, False) for member in t.members)
    if isinstance(t, ir.AliasType):
        alias = ctx.aliases.get(t.name)  # an alias still being built fits anything
        return alias is None or fits(ctx, value, alias.type, False)
    return False  # file content has no JSON value


def _admits_null(t: ir.Type) -> bool:
    return isinstance(t, ir.NullType) or (
        isinstance(t, ir.UnionType) and any(isinstance(m, ir.NullType) for m in t.members)
    )


def _scalar_fits(value: object, name: str) -> bool:
    if name in _PLAIN:
        expected = _PLAIN[name]
        return isinstance(value, expected) and (name == "bool" or not isinstance(value, bool))
    if not isinstance(value, str):
        return False
    parsers: dict[str, Callable[[str], object]] = {
        "datetime": _datetime,
        "date": date.fromisoformat,
        "time": _time,
        "UUID": UUID,
    }
    parse = parsers[name]
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))  # Python 3.10's fromisoformat


def _time(text: str) -> time:
    return time.fromisoformat(text.replace("Z", "+00:00"))
