"""How spec names become Python names. Pure functions, so naming is easy to test."""

from __future__ import annotations

import keyword
import re

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_IDENTIFIER = re.compile(r"[^0-9a-zA-Z]+")


def snake_case(name: str) -> str:
    """`createdAt` -> `created_at`, `X-Request-Id` -> `x_request_id`, `from` -> `from_`."""
    words = _NON_IDENTIFIER.sub(" ", _WORD_BOUNDARY.sub(" ", name)).split()
    result = "_".join(word.lower() for word in words) or "field"
    if result[0].isdigit():
        result = f"field_{result}"
    if keyword.iskeyword(result) or keyword.issoftkeyword(result) or result in _RESERVED:
        result += "_"
    return result


def pascal_case(name: str) -> str:
    """`image data` / `image_data` / `imageData` -> `ImageData`; keeps existing capitals."""
    words = _NON_IDENTIFIER.sub(" ", _WORD_BOUNDARY.sub(" ", name)).split()
    result = "".join(word[:1].upper() + word[1:] for word in words) or "Model"
    return f"Model{result}" if result[0].isdigit() else result


def method_name(operation_id: str, group: str, override: str | None = None) -> str:
    """The SDK method of an operation: `override` (`x-speakeasy-name-override`) in
    snake_case, else the operationId's, with the group's name removed as prefix or suffix."""
    if override:
        return snake_case(override)
    name = snake_case(operation_id)
    for affix in (f"{group}_", f"_{group}"):
        if name.startswith(affix) and len(name) > len(affix):
            return snake_case(name[len(affix) :])
        if name.endswith(affix) and len(name) > len(affix):
            return snake_case(name[: -len(affix)])
    return name


def module_name(class_name: str) -> str:
    """Model modules are the lower-cased class name, as in atoma-sdk 0.1.3."""
    return class_name.lower()


def env_var_prefix(sdk_class: str) -> str:
    """`AtomaSDK` -> `ATOMASDK`, the prefix of the SDK's environment variables."""
    return _NON_IDENTIFIER.sub("", sdk_class).upper()


# Names a generated field or argument must not take: they would shadow the methods'
# own keyword arguments or pydantic's model attributes.
_RESERVED = frozenset(
    {"self", "retries", "server_url", "timeout_ms", "http_headers", "max_response_bytes"}
    | {"copy", "dict", "json", "schema", "validate", "construct", "fields"}
)


def enum_member_names(values: tuple[str | int, ...]) -> list[str]:
    """Member names for enum values: `image_generation.completed` -> `IMAGE_GENERATION_COMPLETED`,
    `1` -> `VALUE_1`, `-1` -> `VALUE_MINUS_1`; clashes get `_2`, `_3`, ... in value order."""
    names: list[str] = []
    for value in values:
        text = str(value)
        if isinstance(value, int) and value < 0:
            text = f"minus_{-value}"
        name = "".join(c if c.isalnum() else "_" for c in text).strip("_").upper()
        name = "_".join(part for part in name.split("_") if part)
        if not name or name[0].isdigit() or isinstance(value, int):
            name = f"VALUE_{name}"
        if keyword.iskeyword(name):
            name += "_"
        candidate, counter = name, 1
        while candidate in names:
            counter += 1
            candidate = f"{name}_{counter}"
        names.append(candidate)
    return names
