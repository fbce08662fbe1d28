"""A nested base that tells its subtypes apart by another property than its parent, in
an Azure-style Swagger 2.0 spec (specs/polymorphism_nested_tags_swagger2.yml): Vehicle's
tag is `kind`, Boat's (a subtype of Vehicle and a base of its own) is `hull`, and each
schema's x-ms-discriminator-value is its tag at its own level. A Sailboat is
`{kind: boat, hull: sail}`: Vehicle's union has Boat's union as its `boat` member.
(Before, Vehicle's union listed Boat's subtypes with their `hull` values as `kind`
values: a Sailboat was sent as `{kind: sail}`, and a real `{kind: boat, hull: sail}`
parsed as `UnknownVariant`.)

The package is generated, imported and type-checked with `mypy --strict`; calls against
respx check the JSON sent and the class each payload parses into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"polymorphism_nested_tags_swagger2": ("corpus_fleet", "FleetCorpusSDK")}

USAGE = {
    "polymorphism_nested_tags_swagger2": """
        from corpus_fleet import FleetCorpusSDK, models


        def use(sdk: FleetCorpusSDK) -> models.Vehicle:
            sdk.fleets.create(vehicles=[models.Sailboat(masts=2), {"kind": "car", "seats": 4}])
            harbour = sdk.harbour.get()
            for boat in harbour.moored or []:
                if isinstance(boat, models.Catamaran):
                    assert boat.beam is None or boat.beam > 0
            return sdk.vehicles.register(body=models.Catamaran(beam=3.5))
    """,
}

BASE_URL = "https://fleet.test"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_fleet"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def fleet(corpus: Corpus) -> ModuleType:
    return corpus.load("polymorphism_nested_tags_swagger2")


def sdk_of(package: ModuleType) -> Any:
    return package.FleetCorpusSDK(retry_config=None)


def test_the_spec_generates_without_warnings(corpus: Corpus) -> None:
    assert corpus.generated["polymorphism_nested_tags_swagger2"].warnings == []


def test_each_model_carries_the_tag_of_each_level(fleet: ModuleType) -> None:
    models = fleet.models
    assert (models.Sailboat().kind, models.Sailboat().hull) == ("boat", "sail")
    assert (models.Catamaran().kind, models.Catamaran().hull) == ("boat", "twin")
    assert (models.Dinghy().kind, models.Dinghy().hull) == ("boat", "dinghy")
    assert models.Car().kind == "car"


def test_a_subtype_of_the_nested_base_is_sent_with_both_tags(fleet: ModuleType) -> None:
    models = fleet.models
    answer = {"kind": "boat", "hull": "twin", "beam": 3.5}
    with respx.mock(base_url=BASE_URL) as router, sdk_of(fleet) as sdk:
        route = router.post("/vehicles").respond(200, json=answer)
        found = sdk.vehicles.register(body=models.Sailboat(masts=2))
        sent_model = json.loads(route.calls.last.request.content)
        sdk.vehicles.register(body={"kind": "boat", "hull": "dinghy", "length": 3})
        sent_dict = json.loads(route.calls.last.request.content)
    assert sent_model == {"kind": "boat", "hull": "sail", "masts": 2}
    assert sent_dict == {"kind": "boat", "hull": "dinghy", "length": 3}
    assert type(found) is models.Catamaran
    assert found.beam == 3.5


def test_a_vehicle_is_told_apart_by_kind_then_hull(fleet: ModuleType) -> None:
    models = fleet.models

    def flagship(payload: dict[str, Any]) -> Any:
        return models.Harbour.model_validate({"flagship": payload}).flagship

    assert type(flagship({"kind": "car", "seats": 2})) is models.Car
    assert type(flagship({"kind": "boat", "hull": "sail", "masts": 1})) is models.Sailboat
    assert type(flagship({"kind": "boat", "hull": "dinghy"})) is models.Dinghy
    assert type(flagship({"kind": "boat", "hull": "raft"})) is models.UnknownVariant
    assert type(flagship({"kind": "plane"})) is models.UnknownVariant


def test_the_nested_base_and_its_intermediate_parse_by_hull(fleet: ModuleType) -> None:
    models = fleet.models
    answer = {
        "moored": [{"kind": "boat", "hull": "dinghy"}, {"kind": "boat", "hull": "twin"}],
        "sailing": {"kind": "boat", "hull": "twin", "beam": 2},
    }
    with respx.mock(base_url=BASE_URL) as router, sdk_of(fleet) as sdk:
        router.get("/harbour").respond(200, json=answer)
        harbour = sdk.harbour.get()
    assert [type(b) for b in harbour.moored] == [models.Dinghy, models.Catamaran]
    assert type(harbour.sailing) is models.Catamaran
    assert harbour.sailing.beam == 2


def test_a_list_of_vehicles_sends_each_with_its_tags(fleet: ModuleType) -> None:
    models = fleet.models
    with respx.mock(base_url=BASE_URL) as router, sdk_of(fleet) as sdk:
        route = router.post("/fleets").respond(204)
        sdk.fleets.create(vehicles=[models.Dinghy(length=2.5), {"kind": "car", "seats": 4}])
        sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "vehicles": [{"kind": "boat", "hull": "dinghy", "length": 2.5}, {"kind": "car", "seats": 4}]
    }


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("polymorphism_nested_tags_swagger2")
    errors = corpus.mypy_errors("polymorphism_nested_tags_swagger2/")
    assert errors == []
