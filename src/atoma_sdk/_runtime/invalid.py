"""Bad arguments told in one line a person can read, still a `pydantic.ValidationError`.

`str(error)` is `n: must be ≥ 0, got -1` (field, rule, value; the value's type when the
rule is about types: `n: must be an integer, got str '3'`), problems separated by `; `;
`errors()` keeps pydantic's details, and code catching `pydantic.ValidationError` (as
for 0.1.3) still catches it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import pydantic
from pydantic_core import PydanticCustomError

__all__ = [
    "InvalidArgumentError",
    "invalid_arguments",
    "readable",
    "unsendable",
    "unsendable_argument",
    "where",
]

#: How much of a bad value's repr is shown.
VALUE_CHARS = 60
#: A surrogate code point: half of a UTF-16 pair, not a character; no UTF-8 text holds one.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: pydantic's `expected` of a Literal whose values are all strings: 'a', 'b' or 'c'.
_QUOTED_LIST = re.compile(r"'[^']*'(?:(?:, | or )'[^']*')*")

#: Rules about the value's type: the message also names the type given.
_TYPE_RULES: dict[str, str] = {
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be a string",
    "bool_type": "must be a boolean",
    "bool_parsing": "must be a boolean",
    "bytes_type": "must be bytes",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a model or a mapping of its fields",
    "model_attributes_type": "must be a model or a mapping of its fields",
    "datetime_type": "must be a datetime",
    "date_type": "must be a date",
    "uuid_type": "must be a UUID",
    "is_instance_of": "must be an instance of {class}",
    "none_required": "must be None",
}

#: Rules about the value itself, from the error's context.
_VALUE_RULES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "greater_than_equal": lambda c: f"must be ≥ {c['ge']}",
    "greater_than": lambda c: f"must be > {c['gt']}",
    "less_than_equal": lambda c: f"must be ≤ {c['le']}",
    "less_than": lambda c: f"must be < {c['lt']}",
    "multiple_of": lambda c: f"must be a multiple of {c['multiple_of']}",
    "string_too_short": lambda c: f"must have at least {c['min_length']} characters",
    "string_too_long": lambda c: f"must have at most {c['max_length']} characters",
    "too_short": lambda c: f"must have at least {c['min_length']} items",
    "too_long": lambda c: f"must have at most {c['max_length']} items",
    "string_pattern_mismatch": lambda c: f"must match the pattern {c['pattern']!r}",
    "literal_error": lambda c: f"must be {c['expected']}",
    "enum": lambda c: f"must be {c['expected']}",
}


class InvalidArgumentError(pydantic.ValidationError):
    """An argument does not match the spec (raised before any I/O)."""

    _field_names: Mapping[str, str] = {}

    def __str__(self) -> str:
        return "; ".join(
            readable(group, self._field_names)
            for group in _by_place(self.errors(include_url=False))
        )


def invalid_arguments(
    error: pydantic.ValidationError, field_names: Mapping[str, str]
) -> InvalidArgumentError:
    """`error` as an `InvalidArgumentError`; `field_names` maps wire names to the names
    of the arguments the user typed."""
    details = [d for group in _by_place(error.errors(include_url=False)) for d in _useful(group)]
    readable_error = InvalidArgumentError.from_exception_data(error.title, details)  # type: ignore[arg-type]
    readable_error._field_names = field_names
    return readable_error


def unsendable(
    value: Any, loc: tuple[str | int, ...] = ()
) -> tuple[tuple[str | int, ...], Any, str] | None:
    """The first part of a JSON-ready `value` no request can carry, as (where, what,
    rule): a float that is not finite (JSON has no NaN), or text holding a surrogate
    code point (`'\\ud800'`, from bytes decoded with `surrogateescape`, say: not
    Unicode, so neither UTF-8 nor JSON a server reads)."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found is None:
            return None
        return loc, value, f"must be Unicode text, not the surrogate code point {found.group()!r}"
    if isinstance(value, float):
        return None if math.isfinite(value) else (loc, value, "must be a finite number")
    if isinstance(value, Mapping):
        for key, item in value.items():
            found_in = unsendable(key, (*loc, str(key))) or unsendable(item, (*loc, key))
            if found_in is not None:
                return found_in
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found_in = unsendable(item, (*loc, index))
            if found_in is not None:
                return found_in
    return None


def unsendable_argument(
    values: Mapping[str, Any], field_names: Mapping[str, str]
) -> InvalidArgumentError | None:
    """An `InvalidArgumentError` naming the first value of a request model's `values`
    (by wire name) that cannot be sent, or None."""
    found = unsendable(values)
    if found is None:
        return None
    loc, value, rule = found
    detail = {"type": PydanticCustomError("unsendable", rule), "loc": loc, "input": value}
    error = InvalidArgumentError.from_exception_data("request", [detail])  # type: ignore[list-item]
    error._field_names = field_names
    return error


def where(loc: tuple[str | int, ...]) -> str:
    """A place in a value as Python spells it: `['a'][0]`."""
    return "".join(f"[{part!r}]" for part in loc)


def readable(details: list[Mapping[str, Any]], field_names: Mapping[str, str] = {}) -> str:
    """The problems of one place (one per member of a union) as `field: rule, got value`;
    several rules are joined with "or"."""
    first = details[0]
    loc = [field_names.get(part, part) if i == 0 else part for i, part in enumerate(first["loc"])]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    where = where.lstrip(".") or "value"
    kinds = {detail["type"] for detail in details}
    if "missing" in kinds:
        return f"{where}: is required"
    if "extra_forbidden" in kinds:
        return f"{where}: is not a field of this request"
    value = first.get("input")
    shown = repr(value)
    if len(shown) > VALUE_CHARS:
        shown = f"{shown[:VALUE_CHARS]}..."
    rules = " or ".join(_rule(detail) for detail in details)
    if len(details) > 1 or details[0]["type"] in _TYPE_RULES:
        return f"{where}: {rules}, got {type(value).__name__} {shown}"
    return f"{where}: {rules}, got {shown}"


def _rule(detail: Mapping[str, Any]) -> str:
    kind, context = detail["type"], detail.get("ctx") or {}
    if kind in _TYPE_RULES:
        return _TYPE_RULES[kind].format(**context)
    rule_of = _VALUE_RULES.get(kind)
    return rule_of(context) if rule_of is not None else _lowered(detail["msg"])


def _by_place(details: list[Any]) -> list[list[Mapping[str, Any]]]:
    """The details grouped by `loc`, in order (a union reports one per member)."""
    groups: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    for detail in details:
        groups.setdefault(tuple(detail["loc"]), []).append(detail)
    return list(groups.values())


def _useful(details: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One place's details without a failed `Literal` of strings beside "must be a
    string" (an open enum's known values are strings too: that error says it all)."""
    if not any(detail["type"] == "string_type" for detail in details):
        return details
    return [detail for detail in details if not _string_literals(detail)] or details


def _string_literals(detail: Mapping[str, Any]) -> bool:
    """A `Literal` of strings that failed: redundant beside "must be a string"."""
    expected = (detail.get("ctx") or {}).get("expected", "")
    return detail["type"] == "literal_error" and bool(_QUOTED_LIST.fullmatch(expected))


def _lowered(message: str) -> str:
    """pydantic's message ("Input should be ...") as a rule ("should be ...")."""
    return message.removeprefix("Input ").removeprefix("Value ")


# Named by the package, as users see it in tracebacks.
InvalidArgumentError.__module__ = __name__.rpartition("._runtime.")[0]
