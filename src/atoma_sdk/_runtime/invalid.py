"""Bad arguments told in one line a person can read, still a `pydantic.ValidationError`.

`str(error)` is `n: must be ≥ 0, got -1` (field, rule, value; the value's type when the
rule is about types: `n: must be an integer, got str '3'`), problems separated by `; `;
`errors()` keeps pydantic's details, and code catching `pydantic.ValidationError` (as
for 0.1.3) still catches it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pydantic

__all__ = ["InvalidArgumentError", "readable"]

#: How much of a bad value's repr is shown.
VALUE_CHARS = 60

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
        details = self.errors(include_url=False)
        return "; ".join(readable(detail, self._field_names) for detail in details)


def invalid_arguments(
    error: pydantic.ValidationError, field_names: Mapping[str, str]
) -> InvalidArgumentError:
    """`error` as an `InvalidArgumentError`; `field_names` maps wire names to the names
    of the arguments the user typed."""
    details = error.errors(include_url=False)
    readable_error = InvalidArgumentError.from_exception_data(error.title, details)  # type: ignore[arg-type]
    readable_error._field_names = field_names
    return readable_error


def readable(detail: Mapping[str, Any], field_names: Mapping[str, str] = {}) -> str:
    """One problem as `field: rule, got value`."""
    loc = [field_names.get(part, part) if i == 0 else part for i, part in enumerate(detail["loc"])]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    where = where.lstrip(".") or "value"
    kind, value, context = detail["type"], detail.get("input"), detail.get("ctx") or {}
    if kind == "missing":
        return f"{where}: is required"
    if kind == "extra_forbidden":
        return f"{where}: is not a field of this request"
    shown = repr(value)
    if len(shown) > VALUE_CHARS:
        shown = f"{shown[:VALUE_CHARS]}..."
    if kind in _TYPE_RULES:
        rule = _TYPE_RULES[kind].format(**context)
        return f"{where}: {rule}, got {type(value).__name__} {shown}"
    rule_of = _VALUE_RULES.get(kind)
    rule = rule_of(context) if rule_of is not None else _lowered(detail["msg"])
    return f"{where}: {rule}, got {shown}"


def _lowered(message: str) -> str:
    """pydantic's message ("Input should be ...") as a rule ("should be ...")."""
    return message.removeprefix("Input ").removeprefix("Value ")


# Named by the package, as users see it in tracebacks.
InvalidArgumentError.__module__ = __name__.rpartition("._runtime.")[0]
