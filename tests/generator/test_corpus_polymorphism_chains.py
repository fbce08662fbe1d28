"""Polymorphism through several levels of allOf (specs/polymorphism_chains.yml): every
schema whose allOf chain reaches a base with a discriminator is a variant of that base,
an intermediate one (`Salmon`, itself included by `SmartSalmon`) too, each tagged by
the mapping, `x-ms-discriminator-value` or its name. Where the intermediate itself is
declared, it means itself or one of its subtypes (`SalmonVariants`); the same in an
Azure-style Swagger 2.0 spec (specs/polymorphism_chains_swagger2.yml), whose tags are
`x-ms-discriminator-value`s.

The package is generated, imported and type-checked with `mypy --strict` (with user code
sending and reading the variants); calls against respx check the JSON sent and the
class each payload parses into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Optional

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {
    "polymorphism_chains": ("corpus_reef", "ReefCorpusSDK"),
    "polymorphism_chains_swagger2": ("corpus_harbour", "HarbourCorpusSDK"),
}

USAGE = {
    "polymorphism_chains": """
        from corpus_reef import ReefCorpusSDK, models


        def use(sdk: ReefCorpusSDK) -> list[models.Fish]:
            sdk.fish.create(body=models.SmartSalmon(length=1.5, location="river"))
            sdk.fish.create(body={"fishtype": "saw", "length": 2.0, "age": 3})
            tools: list[models.Tool] = sdk.tools.list()
            for tool in tools:
                if isinstance(tool, models.PowerDrill):
                    assert tool.battery is None or isinstance(tool.battery, bool)
            return sdk.fish.list()


        def use_salmon(sdk: ReefCorpusSDK) -> models.SalmonVariants:
            sdk.salmon.release(body=models.SmartSalmon(length=1.0))
            sdk.salmon.release(body=models.Salmon(length=1.0, mentor=models.SmartSalmon(length=2)))
            sdk.salmon.release(body={"fishtype": "SmartSalmon", "length": 1.0})
            sdk.salmon.release(body=models.Shark(length=1.0, age=1))  # type: ignore[arg-type]
            favourite = sdk.aquarium.get().favourite
            if isinstance(favourite, models.SmartSalmon):
                assert favourite.location is None or isinstance(favourite.location, str)
            return sdk.salmon.get()
    """,
    "polymorphism_chains_swagger2": """
        from corpus_harbour import HarbourCorpusSDK, models


        def use(sdk: HarbourCorpusSDK) -> models.CarVariants:
            garage = sdk.garage.get()
            for car in garage.cars or []:
                if isinstance(car, models.SportsCar):
                    assert car.top_speed is None or isinstance(car.top_speed, int)
            sdk.cars.park(body={"kind": "Vehicle.Car.Sports.Race", "team": "red"})
            return sdk.cars.park(body=models.RaceCar(team="red", seats=1))
    """,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_reef"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def reef(corpus: Corpus) -> ModuleType:
    return corpus.load("polymorphism_chains")


def sdk_of(package: ModuleType) -> Any:
    sdk_class = dict(SPECS.values())[package.__name__]
    return getattr(package, sdk_class)(retry_config=None)


@pytest.fixture(scope="module")
def harbour(corpus: Corpus) -> ModuleType:
    return corpus.load("polymorphism_chains_swagger2")


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_no_warnings(corpus: Corpus, stem: str) -> None:
    assert corpus.generated[stem].warnings == []


def test_every_descendant_parses_as_its_own_class(reef: ModuleType) -> None:
    models = reef.models
    answer = [
        {"fishtype": "salmon", "length": 1, "location": "sea"},
        {"fishtype": "SmartSalmon", "length": 2, "location": "river"},
        {"fishtype": "shark", "length": 3, "age": 10},
        {"fishtype": "saw", "length": 4, "age": 5, "picture": "p.png"},
        {"fishtype": "goldfish", "length": 0.1},
    ]
    with respx.mock(base_url="https://reef.test") as router, sdk_of(reef) as sdk:
        router.get("/fish").respond(200, json=answer)
        fish = sdk.fish.list()
    assert [type(f) for f in fish] == [
        models.Salmon,
        models.SmartSalmon,
        models.Shark,
        models.Sawshark,
        models.UnknownVariant,
    ]
    assert (fish[0].location, fish[1].location) == ("sea", "river")
    assert (fish[3].age, fish[3].picture) == (5, "p.png")
    # a grandchild has its ancestors' fields, and siblings are Fish again
    nested = models.SmartSalmon.model_validate(
        {"length": 1, "siblings": [{"fishtype": "saw", "length": 2, "age": 1}]}
    )
    assert isinstance(nested.siblings[0], models.Sawshark)


def test_descendants_are_sent_with_their_own_tag(reef: ModuleType) -> None:
    models = reef.models
    with respx.mock(base_url="https://reef.test") as router, sdk_of(reef) as sdk:
        route = router.post("/fish").respond(201, json={"fishtype": "SmartSalmon", "length": 1.5})
        created = sdk.fish.create(body=models.SmartSalmon(length=1.5, location="river"))
        sent_model = json.loads(route.calls.last.request.content)
        sdk.fish.create(body={"fishtype": "saw", "length": 2.5, "age": 3})
        sent_dict = json.loads(route.calls.last.request.content)
    assert sent_model == {"fishtype": "SmartSalmon", "length": 1.5, "location": "river"}
    assert sent_dict == {"fishtype": "saw", "length": 2.5, "age": 3}
    assert isinstance(created, models.SmartSalmon)
    assert models.Sawshark(length=1.0, age=1).model_dump(by_alias=True)["fishtype"] == "saw"


def test_a_mapping_of_direct_subtypes_keeps_grandchildren_by_name(reef: ModuleType) -> None:
    models = reef.models
    with respx.mock(base_url="https://reef.test") as router, sdk_of(reef) as sdk:
        router.get("/tools").respond(
            200,
            json=[
                {"kind": "drill", "watts": 500},
                {"kind": "PowerDrill", "watts": 700, "battery": True},
                {"kind": "Hammer"},
            ],
        )
        tools = sdk.tools.list()
    assert [type(t) for t in tools] == [models.Drill, models.PowerDrill, models.UnknownVariant]
    assert (tools[1].watts, tools[1].battery) == (700, True)


def test_a_subtype_where_its_intermediate_is_declared_parses_as_itself(reef: ModuleType) -> None:
    models = reef.models
    smart = {"fishtype": "SmartSalmon", "length": 2, "location": "river"}
    salmon = {"fishtype": "salmon", "length": 1, "mentor": smart}
    unknown = {"fishtype": "goldfish", "length": 0.1}
    tank = models.Aquarium.model_validate(
        {
            "favourite": smart,
            "salmons": [salmon, smart, unknown],
            "by_tank": {"north": smart, "south": salmon},
        }
    )
    assert type(tank.favourite) is models.SmartSalmon
    assert tank.favourite.location == "river"
    assert [type(s) for s in tank.salmons] == [
        models.Salmon,
        models.SmartSalmon,
        models.UnknownVariant,
    ]
    assert type(tank.salmons[0].mentor) is models.SmartSalmon
    assert tank.salmons[2].fishtype == "goldfish"  # as Fish's union keeps an unknown fish
    assert {k: type(v) for k, v in tank.by_tank.items()} == {
        "north": models.SmartSalmon,
        "south": models.Salmon,
    }


def test_a_response_declared_as_the_intermediate_parses_each_subtype(reef: ModuleType) -> None:
    models = reef.models
    answers = [
        {"fishtype": "SmartSalmon", "length": 2, "location": "river"},
        {"fishtype": "salmon", "length": 1},
        {"fishtype": "shark", "length": 3, "age": 1},  # a Fish, but not a Salmon
    ]
    parsed = []
    with respx.mock(base_url="https://reef.test") as router, sdk_of(reef) as sdk:
        route = router.get("/salmon")
        for answer in answers:
            route.respond(200, json=answer)
            parsed.append(sdk.salmon.get())
    assert [type(p) for p in parsed] == [models.SmartSalmon, models.Salmon, models.UnknownVariant]
    assert parsed[0].location == "river"


def test_a_body_declared_as_the_intermediate_sends_a_subtype(reef: ModuleType) -> None:
    models = reef.models
    with respx.mock(base_url="https://reef.test") as router, sdk_of(reef) as sdk:
        route = router.put("/salmon").respond(204)
        sdk.salmon.release(body=models.SmartSalmon(length=1.5, location="river"))
        sdk.salmon.release(body=models.Salmon(length=1.0, mentor=models.SmartSalmon(length=2)))
        sdk.salmon.release(body={"fishtype": "SmartSalmon", "length": 3.0})
        sent = [json.loads(call.request.content) for call in route.calls]
    assert sent == [
        {"fishtype": "SmartSalmon", "length": 1.5, "location": "river"},
        {"fishtype": "salmon", "length": 1.0, "mentor": {"fishtype": "SmartSalmon", "length": 2}},
        {"fishtype": "SmartSalmon", "length": 3.0},
    ]


def test_a_leaf_subtype_stays_its_model(reef: ModuleType) -> None:
    models = reef.models
    assert models.Aquarium.model_fields["shark"].annotation == Optional[models.Sawshark]
    assert not hasattr(models, "SawsharkVariants")


def test_swagger2_intermediates_take_their_subtypes(harbour: ModuleType) -> None:
    models = harbour.models
    race = {"kind": "Vehicle.Car.Sports.Race", "team": "red", "rival": {"kind": "Vehicle.Car"}}
    garage = {
        "cars": [
            {"kind": "Vehicle.Car", "seats": 4},
            {"kind": "Vehicle.Car.Sports", "top_speed": 250},
            race,
            {"kind": "Vehicle.Plane"},
        ],
        "sports": race,
        "boats": {"a": {"kind": "Vehicle.Boat.Sail.Twin"}, "b": {"kind": "Vehicle.Boat.Sail"}},
        "race": race,
    }
    with respx.mock(base_url="https://harbour.test") as router, sdk_of(harbour) as sdk:
        router.get("/garage").respond(200, json=garage)
        found = sdk.garage.get()
    assert [type(c) for c in found.cars] == [
        models.Car,
        models.SportsCar,
        models.RaceCar,
        models.UnknownVariant,
    ]
    assert type(found.sports) is models.RaceCar
    # a payload outside SportsCar's subtypes is unknown there, as in Vehicle's union
    assert type(found.sports.rival) is models.UnknownVariant
    assert {k: type(v) for k, v in found.boats.items()} == {
        "a": models.Catamaran,
        "b": models.Sailboat,
    }
    assert type(found.race) is models.RaceCar  # a leaf is its model


def test_swagger2_body_of_an_intermediate_sends_a_subtype(harbour: ModuleType) -> None:
    models = harbour.models
    with respx.mock(base_url="https://harbour.test") as router, sdk_of(harbour) as sdk:
        route = router.post("/cars").respond(200, json={"kind": "Vehicle.Car.Sports", "seats": 2})
        parked = sdk.cars.park(body=models.RaceCar(team="red", seats=1))
        sent = json.loads(route.calls.last.request.content)
    assert sent == {"kind": "Vehicle.Car.Sports.Race", "team": "red", "seats": 1}
    assert type(parked) is models.SportsCar


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_generated_package_passes_mypy_strict(corpus: Corpus, stem: str) -> None:
    corpus.load(stem)
    errors = corpus.mypy_errors(f"{stem}/")
    assert errors == [], "\n".join(errors)
