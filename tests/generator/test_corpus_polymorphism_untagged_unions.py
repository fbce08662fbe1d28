"""Unions without a discriminator that list an intermediate subtype of allOf
polymorphism (specs/polymorphism_untagged_unions.yml: `Cat: allOf [Pet]`, `Kitten:
allOf [Cat]`). In a received union the intermediate's variants are members of their
own, tagged as in the base's union, and the union is told apart as other
discriminator-less unions are: by a property of constant strings every member has, a
different value each (Pet's `kind` beside a `Robot`'s `kind` enum), an unknown value
parsing as `UnknownVariant`; or, when a member has no such property, as a plain union,
where a payload that fits no member is an error. (Before, the intermediate was a nested
`CatVariants` union whose own unknown-tag fallback took the payloads of the other
members: a `Dog`, or a `Robot` missing a field, parsed as `UnknownVariant`.)

The package is generated, imported and type-checked with `mypy --strict`; calls against
respx check the request and the class each payload parses into.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"polymorphism_untagged_unions": ("corpus_shelter", "ShelterCorpusSDK")}

USAGE = {
    "polymorphism_untagged_unions": """
        from corpus_shelter import ShelterCorpusSDK, models


        def use(sdk: ShelterCorpusSDK) -> str:
            resident = sdk.residents.get_resident(id="r1")
            if isinstance(resident, models.Kitten):
                assert resident.age is None or resident.age + 1
            if isinstance(resident, models.Robot):
                return resident.model
            guest = sdk.kennels.get_kennel(id="k1").guest
            if isinstance(guest, (models.Cat, models.Kitten, models.Dog)):
                return guest.kind
            return ""
    """,
}

BASE_URL = "https://shelter.test/v1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_shelter"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def shelter(corpus: Corpus) -> ModuleType:
    return corpus.load("polymorphism_untagged_unions")


def sdk_of(package: ModuleType) -> Any:
    return package.ShelterCorpusSDK(retry_config=None)


def resident(package: ModuleType, payload: dict[str, Any]) -> Any:
    with respx.mock(base_url=BASE_URL) as router, sdk_of(package) as sdk:
        route = router.get("/residents/r%201").respond(200, json=payload)
        found = sdk.residents.get_resident(id="r 1")
        assert route.calls.last.request.url == f"{BASE_URL}/residents/r%201"
    return found


def test_the_spec_generates_without_warnings(corpus: Corpus) -> None:
    assert corpus.generated["polymorphism_untagged_unions"].warnings == []


def test_a_response_parses_each_variant_by_its_tag(shelter: ModuleType) -> None:
    models = shelter.models
    kitten = resident(shelter, {"kind": "Kitten", "age": 1, "name": "Tom"})
    cat = resident(shelter, {"kind": "Cat", "lives": 9})
    robot = resident(shelter, {"kind": "robot", "model": "R2"})
    assert type(kitten) is models.Kitten
    assert (kitten.age, kitten.name) == (1, "Tom")
    assert type(cat) is models.Cat
    assert cat.lives == 9
    assert type(robot) is models.Robot
    assert robot.model == "R2"


def test_an_unknown_tag_is_an_unknown_variant_of_the_whole_union(shelter: ModuleType) -> None:
    models = shelter.models
    found = resident(shelter, {"kind": "Lynx", "lives": 2})
    assert type(found) is models.UnknownVariant
    assert found.model_dump() == {"kind": "Lynx", "lives": 2}


def test_a_known_member_that_does_not_fit_is_an_error_not_unknown(shelter: ModuleType) -> None:
    with pytest.raises(shelter.models.ResponseValidationError):
        resident(shelter, {"kind": "robot"})  # a Robot without its required model


def test_a_property_tells_the_intermediates_variants_from_a_sibling_subtype(
    shelter: ModuleType,
) -> None:
    models = shelter.models
    answer = {"id": "k1", "guest": {"kind": "Dog", "bark": True}}
    with respx.mock(base_url=BASE_URL) as router, sdk_of(shelter) as sdk:
        router.get("/kennels/k1").respond(200, json=answer)
        kennel = sdk.kennels.get_kennel(id="k1")
    assert type(kennel.guest) is models.Dog
    assert kennel.guest.bark is True
    kitten = models.Kennel.model_validate({"id": "k", "guest": {"kind": "Kitten", "age": 2}})
    assert type(kitten.guest) is models.Kitten
    fox = models.Kennel.model_validate({"id": "k", "guest": {"kind": "Fox"}})
    assert type(fox.guest) is models.UnknownVariant


def test_with_an_untagged_member_the_union_is_plain(shelter: ModuleType) -> None:
    models = shelter.models

    def sign(payload: dict[str, Any]) -> Any:
        return models.Kennel.model_validate({"id": "k", "guest": {"kind": "Cat"}, "sign": payload})

    assert type(sign({"kind": "Kitten", "age": 1}).sign) is models.Kitten
    assert type(sign({"kind": "Cat", "lives": 3}).sign) is models.Cat
    note = sign({"text": "Mind the claws"}).sign
    assert type(note) is models.Note
    assert note.text == "Mind the claws"
    with pytest.raises(ValueError, match="sign"):
        sign({"kind": "Dog"})


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("polymorphism_untagged_unions")
    errors = corpus.mypy_errors("polymorphism_untagged_unions/")
    assert errors == []
