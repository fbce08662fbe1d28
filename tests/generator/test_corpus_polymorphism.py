"""Polymorphism (specs/polymorphism.yml): an allOf of objects and a union becomes a union
of merged models; a base schema whose discriminator names subtypes that include it
through allOf means one of those subtypes wherever it is used.

The package is generated, imported and type-checked with `mypy --strict` (with user code
passing both shapes as models and as plain dicts); calls against respx check the JSON sent
and the variant each response parses into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"polymorphism": ("corpus_polymorphism", "ZooCorpusSDK")}

USAGE = {
    "polymorphism": """
        from corpus_polymorphism import ZooCorpusSDK, models


        def use(sdk: ZooCorpusSDK) -> list[models.Pet]:
            sdk.pets.create(body=models.Dog(name="Rex", barks=True))
            sdk.pets.create(body={"petType": "cat", "name": "Tom"})
            board = sdk.labels.create(label=models.LabelledCircle(name="n", radius=1.0))
            label = board.label  # or UnknownVariant, for a shape this version does not know
            if isinstance(label, (models.LabelledCircle, models.LabelledSquare)):
                assert label.name
            sdk.labels.create(label={"name": "n", "shape": "square", "side": 2.0})
            return sdk.pets.list()
    """,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_zoo"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def zoo(corpus: Corpus) -> ModuleType:
    return corpus.load("polymorphism")


def sdk_of(package: ModuleType) -> Any:
    return package.ZooCorpusSDK(retry_config=None)


def test_only_the_union_of_primitives_is_warned_about(corpus: Corpus) -> None:
    assert corpus.generated["polymorphism"].warnings == [
        "#/components/schemas/Board/properties/stamp/allOf/1: a part that is not an object "
        "is not merged into the model"
    ]


def test_a_base_with_subtypes_is_their_union(zoo: ModuleType) -> None:
    models = zoo.models
    with respx.mock(base_url="https://zoo.test") as router, sdk_of(zoo) as sdk:
        router.get("/pets").respond(
            200,
            json=[
                {"petType": "cat", "name": "Tom", "indoor": True},
                {"petType": "dog", "name": "Rex", "barks": False},
                {"petType": "fish", "name": "Nemo"},
            ],
        )
        pets = sdk.pets.list()
        created = router.post("/pets").respond(201, json={"petType": "cat", "name": "Rex"})
        sdk.pets.create(body=models.Cat(name="Tom", indoor=True))
        sent_model = json.loads(created.calls.last.request.content)
        sdk.pets.create(body={"petType": "dog", "name": "Rex", "barks": True})
        sent_dict = json.loads(created.calls.last.request.content)
    assert [type(p) for p in pets] == [models.Cat, models.Dog, models.UnknownVariant]
    assert (pets[0].name, pets[0].indoor, pets[1].barks) == ("Tom", True, False)
    assert sent_model == {"petType": "cat", "name": "Tom", "indoor": True}
    assert sent_dict == {"petType": "dog", "name": "Rex", "barks": True}
    # the tag is the subtype's own: a Cat always says so
    assert models.Cat(name="x").model_dump(by_alias=True)["petType"] == "cat"


def test_a_base_inside_its_subtypes_is_their_union_too(zoo: ModuleType) -> None:
    models = zoo.models
    cat = models.Cat.model_validate(
        {"petType": "cat", "name": "Tom", "mother": {"petType": "bird", "name": "Ma"}}
    )
    assert isinstance(cat.mother, models.Bird) and cat.mother.name == "Ma"
    dog = models.Dog(name="Rex", barks=True, mother=models.Cat(name="Odd"))
    assert dog.model_dump(by_alias=True, exclude_none=True) == {
        "petType": "dog",
        "name": "Rex",
        "barks": True,
        "mother": {"petType": "cat", "name": "Odd"},
    }


def test_subtypes_without_a_mapping_are_tagged_by_name(zoo: ModuleType) -> None:
    models = zoo.models
    board = models.Board.model_validate(
        {"label": {"name": "n", "shape": "circle", "radius": 1}, "vehicle": {"kind": "Bike"}}
    )
    assert isinstance(board.vehicle, models.Bike)
    car = models.Board.model_validate(
        {"label": {"name": "n", "shape": "circle", "radius": 1}, "vehicle": {"kind": "Car"}}
    )
    assert isinstance(car.vehicle, models.Car)


def test_an_object_and_a_union_are_merged_per_member(zoo: ModuleType) -> None:
    models = zoo.models
    answer = {
        "label": {"name": "n", "shape": "square", "side": 2.0},
        "pinned": {"name": "p", "x": 1.5},
        "stamp": {"name": "s"},
    }
    with respx.mock(base_url="https://zoo.test") as router, sdk_of(zoo) as sdk:
        route = router.post("/labels").respond(200, json=answer)
        board = sdk.labels.create(label={"name": "n", "shape": "circle", "radius": 1.0})
        sent_dict = json.loads(route.calls.last.request.content)
        sdk.labels.create(label=models.LabelledSquare(name="m", side=3.0))
        sent_model = json.loads(route.calls.last.request.content)
    assert sent_dict == {"label": {"name": "n", "shape": "circle", "radius": 1.0}}
    assert sent_model == {"label": {"name": "m", "shape": "square", "side": 3.0}}
    assert isinstance(board.label, models.LabelledSquare)
    assert (board.label.name, board.label.side) == ("n", 2.0)
    assert isinstance(board.pinned, models.BoardPinnedDot) and board.pinned.x == 1.5
    assert board.model_dump(by_alias=True, exclude_none=True) == answer
    unknown = models.Board.model_validate({"label": {"name": "n", "shape": "hexagon"}})
    assert isinstance(unknown.label, models.UnknownVariant)


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("polymorphism")
    errors = corpus.mypy_errors("polymorphism/")
    assert errors == [], "\n".join(errors)
