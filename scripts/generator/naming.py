"""How spec names become Python names. Pure functions, so naming is easy to test."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Collection

import pydantic

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_IDENTIFIER = re.compile(r"[^0-9a-zA-Z]+")
_SIGNS = {"+": "plus", "-": "minus"}


def snake_case(name: str) -> str:
    """`createdAt` -> `created_at`, `X-Request-Id` -> `x_request_id`, `from` -> `from_`."""
    words = _words(name)
    result = "_".join(word.lower() for word in words) or "field"
    if result[0].isdigit():
        result = f"field_{result}"
    reserved = result in _RESERVED or result in _AMBIGUOUS
    if keyword.iskeyword(result) or keyword.issoftkeyword(result) or reserved:
        result += "_"
    return result


def _words(name: str) -> list[str]:
    """The ASCII words of a name; accented letters lose their accents (`Ünïcödé` ->
    `Unicode`), other non-ASCII characters separate words. A sign before a number is a
    word (`+1` -> `plus 1`, `-1` -> `minus 1`: GitHub's reactions), so the two differ."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    if bare[:1] in _SIGNS and bare[1:2].isdigit():
        bare = f"{_SIGNS[bare[0]]} {bare[1:]}"
    return _NON_IDENTIFIER.sub(" ", _WORD_BOUNDARY.sub(" ", bare)).split()


def field_name(name: str) -> str:
    """A model field or method argument: `snake_case`, and never a name the generated
    code needs for something else (a type in its annotations, a pydantic or runtime
    model attribute, the `models` package the methods use): `date` -> `date_`."""
    result = snake_case(name)
    if result in _FIELD_RESERVED or result in _AMBIGUOUS or result.startswith("model_"):
        result += "_"
    return result


def pascal_case(name: str) -> str:
    """`image data` / `image_data` / `imageData` -> `ImageData`; keeps existing capitals."""
    words = _words(name)
    result = "".join(word[:1].upper() + word[1:] for word in words) or "Model"
    result = f"Model{result}" if result[0].isdigit() else result
    return f"{result}Model" if keyword.iskeyword(result) or result in _AMBIGUOUS else result


def method_name(operation_id: str, group: str, siblings: Collection[str] = ()) -> str:
    """The SDK method of an operation: its operationId in snake_case, without the group's
    name where that is only a namespace: as a prefix (`items_list` -> `list`), or as the
    suffix of a lone verb (`count_items` -> `count`). `buy_museum_tickets` keeps its
    words, and so does `get_bookings` beside a `get_booking` (`siblings`: the group's
    operationIds in snake_case), so the two stay told apart."""
    name = snake_case(operation_id)
    prefix, suffix = f"{group}_", f"_{group}"
    if name.startswith(prefix) and len(name) > len(prefix):
        return snake_case(name[len(prefix) :])
    verb = name[: -len(suffix)] if name.endswith(suffix) else ""
    if not verb or "_" in verb:
        return name
    singular = group[:-1] if group.endswith("s") else ""
    if singular and any(s == singular or s.endswith(f"_{singular}") for s in siblings):
        return name
    return snake_case(verb)


def without_route_suffix(operation_id: str, method: str, path: str) -> str | None:
    """The operationId FastAPI makes, `<function>_<path>_<method>`, without the route it
    appends (`get_plant_plants__plant_id__get` on `GET /plants/{plant_id}` ->
    `get_plant`); None for one that does not end with its path and method."""
    words = [word.lower() for word in _words(operation_id)]
    route = [word.lower() for word in _words(path)]
    tail = [*route, method.lower()]
    if not route or len(words) <= len(tail) or words[-len(tail) :] != tail:
        return None
    return snake_case("_".join(words[: -len(tail)]))


def without_route_prefix(operation_id: str, path: str) -> str | None:
    """The operationId Litestar makes without the path it starts with: the path's
    segments title-cased and joined (one already inside the joined text is skipped), then
    the handler's name (`BooksBookIdGetBook` on `/books/{book_id}` -> `get_book`,
    `GenresByGenre` on `/genres/{genre}` -> `by_genre`); None for one that does not
    start so."""
    prefix = ""
    for segment in path.split("/"):
        title = segment.strip("{}").title()
        if title not in prefix:
            prefix += title
    prefix = _LITESTAR_SEPARATORS.sub("", prefix)
    rest = operation_id[len(prefix) :]
    if not operation_id.startswith(prefix) or not rest[:1].isupper():
        return None
    return snake_case(rest)


def without_module_prefix(operation_id: str, summary: object) -> str | None:
    """The operationId django-ninja makes, `<module>_<function>` (the module's dots as
    `_`), without the module: the function's name, which ninja's default summary is,
    title-cased (`ninja_app_create_patient` with summary `Create Patient` ->
    `create_patient`); None for one that does not end with its summary so."""
    if not isinstance(summary, str) or not summary.strip():
        return None
    function = summary.lower().replace(" ", "_")
    if function.replace("_", " ").title() != summary or not _IDENTIFIER.fullmatch(function):
        return None
    module = operation_id[: -len(function) - 1]
    if not operation_id.endswith(f"_{function}") or not _IDENTIFIER.fullmatch(module):
        return None
    return function


#: A Python identifier in ASCII (a function's or a module's name, dots as `_`).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: What Litestar removes from the operationIds it joins.
_LITESTAR_SEPARATORS = re.compile(r"[!#$%&'*+\-.^_`|~:]+")


_VERSION_SEGMENT = re.compile(r"^(v\d+(\.\d+)*|api)$", re.IGNORECASE)
_ITEM_VERBS = {"get": "get", "put": "update", "patch": "update", "delete": "delete"}
_COLLECTION_VERBS = {"get": "list", "post": "create", "put": "update", "patch": "update"}


def rest_method_name(method: str, path: str, group: str) -> str:
    """A method name for an operation without an operationId, read from its path the way
    REST APIs are laid out: `GET /v1/files` -> `list`, `POST /files` -> `create`,
    `GET /files/{id}` -> `get`, `DELETE /files/{id}` -> `delete`, an action after an item
    (`POST /batches/{id}/cancel`) -> `cancel`, a sub-resource (`GET /files/{id}/content`)
    -> `get_content`, anything else -> verb + last segment (`GET /users/me/balance` in
    group `billing` -> `get_balance`)."""
    method = method.lower()
    segments = [s for s in path.split("/") if s and not _VERSION_SEGMENT.match(s)]
    literals = [s for s in segments if not s.startswith("{")]
    if not literals:
        return method
    ends_with_item = segments[-1].startswith("{")
    last = literals[-1]
    noun = snake_case(last)
    is_group = _same_noun(noun, group) or len(literals) == 1
    if ends_with_item:
        verb = _ITEM_VERBS.get(method, method)
        return verb if is_group else f"{verb}_{_singular(noun)}"
    if is_group:
        return _COLLECTION_VERBS.get(method, method if method != "delete" else "delete_all")
    after_item = len(segments) > 1 and segments[-2].startswith("{")
    if method == "post":
        plural = noun.endswith("s") and not noun.endswith("ss")
        return f"create_{_singular(noun)}" if plural else noun
    if method == "get" and after_item and noun.endswith("s") and not noun.endswith("ss"):
        return f"list_{noun}"
    verb = {"get": "get", "put": "update", "patch": "update"}.get(method, method)
    return f"{verb}_{noun}"


#: Plurals that end in `es` after a sibilant, the `es` added (`searches`, `wishes`,
#: `boxes`, `addresses`); `-ies` is `-y` (`categories`), but for the words below.
_ES_PLURAL = re.compile(r"(?:ch|sh|x|ss)es$")
_IRREGULAR = {
    "caches": "cache",
    "cookies": "cookie",
    "movies": "movie",
    "series": "series",
    "species": "species",
}


def _singular(noun: str) -> str:
    word = noun.rsplit("_", 1)[-1]
    if word in _IRREGULAR:
        return noun[: -len(word)] + _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return f"{noun[:-3]}y"
    if _ES_PLURAL.search(word):
        return noun[:-2]
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _same_noun(a: str, b: str) -> bool:
    return _singular(a) == _singular(b)


def method_identifier(name: str) -> str:
    """A method name that hides nothing a resource class needs (a class's names are in
    scope in all of its annotations): `models`, `builtins`, the types its signatures
    name, its decorators and `with_raw_response` get a `_`."""
    return f"{name}_" if name in _METHOD_RESERVED else name


_METHOD_RESERVED = frozenset(
    {"models", "builtins", "with_raw_response", "cached_property"}
    | {"str", "int", "float", "bool", "bytes", "object", "tuple", "date", "datetime"}
)


def module_name(class_name: str) -> str:
    """Model modules are the lower-cased class name, as in atoma-sdk 0.1.3 (`class_`
    for a class `Class`: a keyword cannot name a module that is imported)."""
    name = class_name.lower()
    return f"{name}_" if keyword.iskeyword(name) else name


def env_var_prefix(sdk_class: str) -> str:
    """`AtomaSDK` -> `ATOMASDK`, the prefix of the SDK's environment variables."""
    return _NON_IDENTIFIER.sub("", sdk_class).upper()


# Names a generated field or argument must not take: they would shadow the methods'
# own keyword arguments or pydantic's model attributes.
_RESERVED = frozenset(
    {"self", "retries", "server_url", "timeout_ms", "http_headers", "max_response_bytes"}
    | {"extra_headers", "extra_query", "extra_body", "require_signature"}
    | {"copy", "dict", "json", "schema", "validate", "construct", "fields"}
)


# Field names that would shadow what a generated model or method uses: the types its
# annotations name, the runtime models' methods, the `models` package in method bodies.
_FIELD_RESERVED = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "tuple", "date", "datetime"}
    | {"build", "to_json_bytes", "wire_values", "models", "base64_text"}
    | {name for name in dir(pydantic.BaseModel) if not name.startswith("_")}
    | {name for name in dir(type(pydantic.BaseModel)) if not name.startswith("_")}
)

#: Names linters refuse as easy to misread (`l` beside `1`, `O` beside `0`).
_AMBIGUOUS = frozenset({"l", "I", "O"})

#: Class names the package defines or takes from its runtime, which no schema may take.
#: (Names from libraries, `Field` or `Optional`, are imported under another name where
#: a schema has them: see `pytypes.Imports.use`.)
RESERVED_CLASSES = frozenset(
    {"Security", "UnknownVariant", "InputModel", "OutputModel", "SharedModel"}
    | {"TypedAPIError", "Nullable", "OptionalNullable", "UNSET", "UnrecognizedStr"}
    | {"UnrecognizedInt", "TYPE_CHECKING"}
)


def given_member_names(names: Collection[str]) -> list[str] | None:
    """Member names a spec gives an enum's values (`x-enum-varnames`, ...) in the style of
    the others (`inProgress` -> `IN_PROGRESS`); None when one has no letters to make a
    name of, starts with a digit, or two come out the same."""
    found = []
    for name in names:
        words = _words(name)
        member = "_".join(word.upper() for word in words)
        if not member or member[0].isdigit():
            return None
        found.append(f"{member}_" if member in _AMBIGUOUS else member)
    return found if len(set(found)) == len(found) else None


def enum_member_names(values: tuple[str | int, ...]) -> list[str]:
    """Member names for enum values: `image_generation.completed` -> `IMAGE_GENERATION_COMPLETED`,
    `1` -> `VALUE_1`, `-1` -> `VALUE_MINUS_1`; clashes get `_2`, `_3`, ... in value order."""
    names: list[str] = []
    for value in values:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", str(value)) if not unicodedata.combining(c)
        )
        if isinstance(value, int) and value < 0:
            text = f"minus_{-value}"
        name = "".join(c if c.isascii() and c.isalnum() else "_" for c in text)
        name = name.strip("_").upper()
        name = "_".join(part for part in name.split("_") if part)
        if not name or name[0].isdigit() or isinstance(value, int):
            name = f"VALUE_{name}"
        if keyword.iskeyword(name) or name in _AMBIGUOUS:
            name += "_"
        candidate, counter = name, 1
        while candidate in names:
            counter += 1
            candidate = f"{name}_{counter}"
        names.append(candidate)
    return names
