"""A oneOf or anyOf beside an allOf (specs/sibling_unions.yml): JSON Schema applies every
keyword, so the value matches each allOf part and one union member; the generator reads
it as `allOf: [parts..., {oneOf: [...]}]`, one merged model per member (sibling
`properties` merged in too), discriminated by a sibling `discriminator`.

The package is generated, imported and type-checked with `mypy --strict` (with user code
sending each branch as a model and as a plain dict); calls against respx check the JSON
sent and the branch each response parses into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"sibling_unions": ("corpus_sibling_unions", "ParcelQuotesSDK")}

USAGE = {
    "sibling_unions": """
        from corpus_sibling_unions import ParcelQuotesSDK, models


        def use(sdk: ParcelQuotesSDK) -> models.Pickup:
            sdk.quotes.compare(body=models.QuoteRequestByIds(parcel_ids=["p1"]))
            sdk.quotes.compare(body={"parcels": [{"weight": 1.5}], "carrier": "ups"})
            sdk.quotes.compare(body={"parcel_ids": ["p1"], "currency": "EUR"})
            request: models.QuoteRequest = models.QuoteRequestByParcels(
                parcels=[models.Parcel(weight=2.0)], express=True
            )
            sdk.quotes.compare(body=request)
            sdk.pickups.book_pickup(body={"where": "depot", "depot": 4, "carrier": "dhl"})
            pickup = sdk.pickups.book_pickup(
                body=models.BookPickupRequestByAddress(where="address", street="Elm 1")
            )
            if isinstance(pickup.place, models.PickupPlaceByDepot):
                assert pickup.place.depot + 1
            return pickup
    """,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_parcel"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def parcel(corpus: Corpus) -> ModuleType:
    return corpus.load("sibling_unions")


def sdk_of(package: ModuleType) -> Any:
    return package.ParcelQuotesSDK(retry_config=None)


def test_only_a_union_of_primitives_beside_allof_is_warned_about(corpus: Corpus) -> None:
    assert corpus.generated["sibling_unions"].warnings == [
        "#/components/schemas/Pickup/properties/stamp/oneOf: a oneOf beside allOf applies "
        "only when the allOf's parts and its members are objects; ignored"
    ]


def test_a_request_body_takes_either_branch_with_the_allof_parts(parcel: ModuleType) -> None:
    models = parcel.models
    with respx.mock(base_url="https://parcel.test/v2") as router, sdk_of(parcel) as sdk:
        route = router.post("/quotes").respond(200, json={"quotes": [9.5]})
        sdk.quotes.compare(body={"parcel_ids": ["p1", "p2"], "carrier": "ups", "currency": "EUR"})
        sent_ids = json.loads(route.calls.last.request.content)
        sdk.quotes.compare(
            body=models.QuoteRequestByParcels(parcels=[models.Parcel(weight=2.5)], express=True)
        )
        sent_parcels = json.loads(route.calls.last.request.content)
        sdk.quotes.compare(body=models.QuoteRequestByIds(parcel_ids=["p3"]))
        sent_model = json.loads(route.calls.last.request.content)
    assert sent_ids == {"parcel_ids": ["p1", "p2"], "carrier": "ups", "currency": "EUR"}
    assert sent_parcels == {"parcels": [{"weight": 2.5}], "express": True}
    assert sent_model == {"parcel_ids": ["p3"]}


def test_each_branch_has_the_allof_and_sibling_properties(parcel: ModuleType) -> None:
    models = parcel.models
    for branch, own in (
        (models.QuoteRequestByIds, "parcel_ids"),
        (models.QuoteRequestByParcels, "parcels"),
    ):
        assert set(branch.model_fields) == {own, "carrier", "express", "currency"}
        assert [n for n, f in branch.model_fields.items() if f.is_required()] == [own]


def test_a_response_of_that_shape_parses_into_its_branch(parcel: ModuleType) -> None:
    models = parcel.models
    with respx.mock(base_url="https://parcel.test/v2") as router, sdk_of(parcel) as sdk:
        route = router.post("/quotes")
        route.respond(200, json={"quotes": [], "echo": {"parcels": [{"weight": 1}]}})
        by_parcels = sdk.quotes.compare(body={"parcel_ids": ["p1"]})
        route.respond(200, json={"quotes": [], "echo": {"parcel_ids": ["a"], "carrier": "x"}})
        by_ids = sdk.quotes.compare(body={"parcel_ids": ["p1"]})
    assert isinstance(by_parcels.echo, models.QuoteRequestByParcels)
    assert by_parcels.echo.parcels[0].weight == 1
    assert isinstance(by_ids.echo, models.QuoteRequestByIds)
    assert (by_ids.echo.parcel_ids, by_ids.echo.carrier) == (["a"], "x")


def test_a_sibling_discriminator_tells_the_branches_apart(parcel: ModuleType) -> None:
    models = parcel.models
    answer = {"id": "k1", "place": {"where": "depot", "depot": 7, "express": True}}
    with respx.mock(base_url="https://parcel.test/v2") as router, sdk_of(parcel) as sdk:
        route = router.post("/pickups").respond(200, json=answer)
        pickup = sdk.pickups.book_pickup(
            body=models.BookPickupRequestByAddress(where="address", street="Elm 1", carrier="d")
        )
        sent_model = json.loads(route.calls.last.request.content)
        sdk.pickups.book_pickup(body={"where": "depot", "depot": 4})
        sent_dict = json.loads(route.calls.last.request.content)
    assert sent_model == {"where": "address", "street": "Elm 1", "carrier": "d"}
    assert sent_dict == {"where": "depot", "depot": 4}
    assert isinstance(pickup.place, models.PickupPlaceByDepot)
    assert (pickup.place.depot, pickup.place.express) == (7, True)
    address = models.Pickup.model_validate(
        {"id": "k2", "place": {"where": "address", "street": "Oak 2", "carrier": "ups"}}
    )
    assert isinstance(address.place, models.PickupPlaceByAddress)
    assert (address.place.street, address.place.carrier) == ("Oak 2", "ups")
    unknown = models.Pickup.model_validate({"id": "k3", "place": {"where": "locker"}})
    assert isinstance(unknown.place, models.UnknownVariant)


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("sibling_unions")
    errors = corpus.mypy_errors("sibling_unions/")
    assert errors == []
