"""A schema that includes, through a `$ref` in its allOf, a schema with a oneOf beside
its own allOf (specs/sibling_unions_referenced.yml): JSON Schema applies every keyword,
so the including schema is one of that union's members too. With parts of its own it
is distributed as the included schema is (one merged model per member, named after the
including schema); a lone `$ref` stays the included type; a union that cannot be
distributed is left out with a warning where it is included, not silently.

The package is generated, imported and type-checked with `mypy --strict`; calls against
respx check the JSON sent and the models each response parses into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"sibling_unions_referenced": ("corpus_sibling_refs", "ParcelLabelsSDK")}

USAGE = {
    "sibling_unions_referenced": """
        from corpus_sibling_refs import ParcelLabelsSDK, models


        def use(sdk: ParcelLabelsSDK) -> models.Receipt:
            sdk.labels.print_label(body={"parcel_ids": ["p1"], "copies": 1, "signature": "s"})
            request: models.SignedLabelRequest = models.SignedLabelRequestByAddress(
                street="Elm 1", copies=2, signature="s", carrier="ups"
            )
            receipt = sdk.labels.print_label(body=request)
            if isinstance(receipt.place, models.ReceiptPlaceByDepot):
                assert receipt.place.depot + 1
            if isinstance(receipt.label, models.CountersignedLabelByIds):
                assert receipt.label.parcel_ids[0] + receipt.label.signature
            return receipt
    """,
}

RECEIPT = {
    "id": "r1",
    "place": {"where": "depot", "depot": 7, "carrier": "dhl", "slot": "am"},
    "label": {"street": "Elm 1", "copies": 1, "signature": "s", "witness": "w"},
    "original": {"parcel_ids": ["p1"], "copies": 1},
    "note": {"inked": True, "colour": "red", "note": "fragile"},
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_labels"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def labels(corpus: Corpus) -> ModuleType:
    return corpus.load("sibling_unions_referenced")


def sdk_of(package: ModuleType) -> Any:
    return package.ParcelLabelsSDK(retry_config=None)


def test_only_the_union_that_cannot_be_distributed_is_warned_about(corpus: Corpus) -> None:
    assert corpus.generated["sibling_unions_referenced"].warnings == [
        "#/components/schemas/StampedNote/allOf/0: Stamp has a oneOf beside its allOf that "
        "cannot be distributed over this schema's parts (they, or its members, are not all "
        "objects); left out",
        "#/components/schemas/Stamp/oneOf: a oneOf beside allOf applies only when the "
        "allOf's parts and its members are objects; ignored",
        "#/components/schemas/Stamp/allOf: objects merged with other schemas cannot be sent "
        "as a model; typed as a dict",
    ]


def test_each_member_has_the_included_and_the_own_parts(labels: ModuleType) -> None:
    models = labels.models
    for branch, own in (
        (models.SignedLabelRequestByIds, "parcel_ids"),
        (models.SignedLabelRequestByAddress, "street"),
    ):
        assert set(branch.model_fields) == {own, "carrier", "copies", "signature"}
        required = {n for n, f in branch.model_fields.items() if f.is_required()}
        assert required == {own, "copies", "signature"}
    for branch, own in (
        (models.CountersignedLabelByIds, "parcel_ids"),
        (models.CountersignedLabelByAddress, "street"),
    ):
        assert set(branch.model_fields) == {own, "carrier", "copies", "signature", "witness"}


def test_a_request_body_takes_either_member_with_every_part(labels: ModuleType) -> None:
    models = labels.models
    answer = {**RECEIPT, "original": None, "note": None}
    answer = {k: v for k, v in answer.items() if v is not None}
    with respx.mock(base_url="https://labels.test/v1") as router, sdk_of(labels) as sdk:
        route = router.post("/labels").respond(200, json=answer)
        sdk.labels.print_label(body={"parcel_ids": ["p1"], "copies": 2, "signature": "s"})
        sent_dict = json.loads(route.calls.last.request.content)
        sdk.labels.print_label(
            body=models.SignedLabelRequestByAddress(
                street="Elm 1", copies=1, signature="x", carrier="ups"
            )
        )
        sent_model = json.loads(route.calls.last.request.content)
    assert sent_dict == {"parcel_ids": ["p1"], "copies": 2, "signature": "s"}
    assert sent_model == {"street": "Elm 1", "copies": 1, "signature": "x", "carrier": "ups"}


def test_a_response_parses_each_distributed_place_into_its_member(labels: ModuleType) -> None:
    models = labels.models
    with respx.mock(base_url="https://labels.test/v1") as router, sdk_of(labels) as sdk:
        router.post("/labels").respond(200, json=RECEIPT)
        receipt = sdk.labels.print_label(body={"street": "Elm 1", "copies": 1, "signature": "s"})
    assert isinstance(receipt.place, models.ReceiptPlaceByDepot)
    assert (receipt.place.depot, receipt.place.carrier, receipt.place.slot) == (7, "dhl", "am")
    assert isinstance(receipt.label, models.CountersignedLabelByAddress)
    assert (receipt.label.street, receipt.label.witness) == ("Elm 1", "w")
    assert isinstance(receipt.original, models.LabelRequestByIds)
    assert receipt.original.parcel_ids == ["p1"]
    assert type(receipt.note) is models.StampedNote
    assert (receipt.note.inked, receipt.note.colour, receipt.note.note) == (True, "red", "fragile")


def test_the_included_discriminator_tells_the_members_apart(labels: ModuleType) -> None:
    models = labels.models
    address = models.Receipt.model_validate(
        {**RECEIPT, "place": {"where": "address", "street": "Oak 2", "slot": "pm"}}
    )
    assert isinstance(address.place, models.ReceiptPlaceByAddress)
    assert (address.place.street, address.place.slot) == ("Oak 2", "pm")
    unknown = models.Receipt.model_validate({**RECEIPT, "place": {"where": "locker"}})
    assert isinstance(unknown.place, models.UnknownVariant)


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("sibling_unions_referenced")
    errors = corpus.mypy_errors("sibling_unions_referenced/")
    assert errors == []
