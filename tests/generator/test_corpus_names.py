"""Schemas named as the generated code's own imports, or as keywords (specs/names.yml).

No schema is renamed because of what generated modules import (pydantic's `Tag` and
`Field`, typing's `Optional`, `Literal`, ..., the standard library's `UUID` and `Enum`):
those are imported under another name where a schema takes theirs. The package is
generated, imported and type-checked with `mypy --strict`, its models round-trip the wire
names, and a call sends and parses them; an error body of a keyword-named model raises it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"names": ("corpus_names", "NamesCorpusSDK")}

USAGE = {
    "names": """
        from corpus_names import NamesCorpusSDK, models


        def use(sdk: NamesCorpusSDK) -> models.Tag:
            tag = sdk.tags.create(label="x", discriminator={"type": "pick", "value": 1})
            shape: models.Union = tag.shape
            assert isinstance(shape, (models.Annotated, models.Discriminator))
            return tag
    """,
}

#: Every schema of names.yml, as its class is named.
CLASSES = [
    "Tag", "Field", "Union", "Annotated", "Discriminator", "UUID", "Enum", "Literal", "Any",
    "Optional", "List", "Decimal", "Datetime", "Date", "BaseModel", "TypedDict", "Strict",
    "NotRequired", "Class", "Import",
]  # fmt: skip

TAG = {
    "id": {"value": "12345678-1234-5678-1234-567812345678"},
    "shape": {"type": "pick", "value": 3},
    "kind": "large",
    "colour": {"value": "red"},
    "seen": "2024-05-01T10:00:00Z",
    "day": "2024-05-01",
    "ref": "87654321-4321-8765-4321-876543218765",
    "constant": "red",
    "anything": [1, "two"],
    "extra": {"value": {"nested": True}},
    "maybe": {"value": "m"},
    "items": {"items": ["a"]},
    "price": {"value": "1.50"},
    "note": {"type": "note", "text": "hello"},
    "created": {"at": "2024-05-01T10:00:00Z"},
    "due": {"on": "2024-05-02"},
    "base": {"name": "b"},
    "typed": {"name": "t"},
    "open": "c",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_names"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def names(corpus: Corpus) -> ModuleType:
    return corpus.load("names")


def sdk_of(package: ModuleType) -> Any:
    return package.NamesCorpusSDK(retry_config=None)


def test_no_schema_is_renamed(corpus: Corpus, names: ModuleType) -> None:
    assert corpus.generated["names"].warnings == []
    assert set(CLASSES) <= set(names.models.__all__)
    for name in set(CLASSES) - {"Union"}:  # a type alias, the others classes
        assert getattr(names.models, name).__name__ == name
    assert not any(hasattr(names.models, f"{name}2") for name in CLASSES)


def test_models_round_trip_their_wire_names(names: ModuleType) -> None:
    models = names.models
    tag = models.Tag.model_validate_json(json.dumps(TAG))
    assert isinstance(tag.id, models.UUID) and isinstance(tag.shape, models.Discriminator)
    assert (tag.kind, tag.note.text, tag.maybe.value) == (models.Enum.LARGE, "hello", "m")
    assert str(tag.ref) == TAG["ref"] and tag.day.isoformat() == "2024-05-01"
    assert isinstance(tag.created, models.Datetime) and isinstance(tag.due, models.Date)
    dumped = json.loads(tag.model_dump_json(by_alias=True, exclude_none=True))
    assert dumped == {**TAG, "seen": "2024-05-01T10:00:00Z"}


def test_a_call_sends_and_parses_them(names: ModuleType) -> None:
    models = names.models
    with respx.mock(base_url="https://names.test") as router, sdk_of(names) as sdk:
        route = router.post("/tags").respond(200, json=TAG)
        tag = sdk.tags.create(
            label="x",
            camel_name=2,
            when="2024-05-01T10:00:00+00:00",
            discriminator={"type": "pick", "value": 1},
            strict=models.Strict.NO,
            not_required=models.NotRequired(why="w"),
        )
        router.post("/tags").respond(400, json={"message": "bad label"})
        with pytest.raises(models.ClassError) as refused:
            sdk.tags.create(label="z")
        router.post("/tags").respond(409, json={"message": "taken"})
        with pytest.raises(models.ImportError) as taken:
            sdk.tags.create(label="y")
    assert json.loads(route.calls[0].request.content) == {
        "label": "x",
        "camelName": 2,
        "when": "2024-05-01T10:00:00Z",
        "discriminator": {"type": "pick", "value": 1},
        "strict": "no",
        "not_required": {"why": "w"},
    }
    assert isinstance(tag, models.Tag) and tag.colour.value == "red"
    assert isinstance(refused.value.data, models.Class)
    assert (refused.value.data.message, taken.value.data.message) == ("bad label", "taken")


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("names")
    errors = corpus.mypy_errors("names/")
    assert errors == [], "\n".join(errors)
