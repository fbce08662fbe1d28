"""Azure's `x-ms-enum` in a Swagger 2.0 spec (specs/azure_enums_swagger2.yml).
`modelAsString: true` says the list is open (the service takes values added after the
spec was written): a request may send any string, on a body property, a query
parameter or an array query parameter's items, where before such a value was refused
with `InvalidArgumentError`; a response keeps any string. The listed values stay
members named by `values[].name`, and a known value given as a string is its member.
`modelAsString: false` keeps the enum closed in requests.

The package is generated, imported and type-checked with `mypy --strict` (user code
passing plain strings where the enum is open); calls against respx check the URL and
JSON sent and the values parsed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"azure_enums_swagger2": ("corpus_storage", "StorageCorpusSDK")}

USAGE = {
    "azure_enums_swagger2": """
        from corpus_storage import StorageCorpusSDK, models


        def use(sdk: StorageCorpusSDK) -> str:
            sdk.accounts.create(name="a", kind=models.AccountCreateKind.BLOB, tier=models.Tier.HOT)
            account = sdk.accounts.create(
                name="a", kind="FileStorage", tier="Archive", regions=["northeurope"]
            )
            models.AccountCreate(kind="FileStorage", state=models.AccountCreateState.CREATING)
            models.AccountCreate(kind="FileStorage", state="Deleting")  # type: ignore[arg-type]
            if account.sku.name is models.SkuName.PREMIUM_LOCAL:
                return "premium"
            return account.sku.name
    """,
}

BASE_URL = "https://storage.test/v1"
ANSWER = {"sku": {"name": "Standard_LRS"}}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_storage"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def storage(corpus: Corpus) -> ModuleType:
    return corpus.load("azure_enums_swagger2")


def sdk_of(package: ModuleType) -> Any:
    return package.StorageCorpusSDK(retry_config=None)


def test_the_spec_generates_without_warnings(corpus: Corpus) -> None:
    assert corpus.generated["azure_enums_swagger2"].warnings == []


def test_an_open_enum_sends_values_the_spec_does_not_list(storage: ModuleType) -> None:
    with respx.mock(base_url=BASE_URL) as router, sdk_of(storage) as sdk:
        route = router.put("/accounts/main").respond(200, json=ANSWER)
        sdk.accounts.create(
            name="main", kind="FileStorage", tier="Archive", regions=["northeurope", "eastus"]
        )
        request = route.calls.last.request
    assert str(request.url) == f"{BASE_URL}/accounts/main?tier=Archive&regions=northeurope,eastus"
    assert json.loads(request.content) == {"kind": "FileStorage"}


def test_an_open_enum_sends_its_members_and_known_strings(storage: ModuleType) -> None:
    models = storage.models
    with respx.mock(base_url=BASE_URL) as router, sdk_of(storage) as sdk:
        route = router.put("/accounts/main").respond(200, json=ANSWER)
        sdk.accounts.create(
            name="main",
            kind=models.AccountCreateKind.GENERAL_PURPOSE_V2,
            tier=models.Tier.COOL,
            regions=[models.Regions.WESTEUROPE],
            state=models.AccountCreateState.SUCCEEDED,
        )
        request = route.calls.last.request
    assert str(request.url) == f"{BASE_URL}/accounts/main?tier=Cool&regions=westeurope"
    assert json.loads(request.content) == {"kind": "StorageV2", "state": "Succeeded"}
    assert models.AccountCreate(kind="BlobStorage").kind is models.AccountCreateKind.BLOB
    assert models.AccountCreate(kind="Blob2").kind == "Blob2"


def test_a_closed_enum_still_refuses_other_values(storage: ModuleType) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router, sdk_of(storage) as sdk:
        route = router.put("/accounts/main").respond(200, json=ANSWER)
        with pytest.raises(storage.InvalidArgumentError, match="state"):
            sdk.accounts.create(name="main", kind="StorageV2", state="Deleting")
    assert route.calls.call_count == 0


def test_a_response_keeps_unknown_values_and_maps_known_ones(storage: ModuleType) -> None:
    models = storage.models
    with respx.mock(base_url=BASE_URL) as router, sdk_of(storage) as sdk:
        route = router.put("/accounts/main")
        route.respond(200, json={"sku": {"name": "Premium_ZRS"}})
        unknown = sdk.accounts.create(name="main", kind="StorageV2")
        route.respond(200, json={"sku": {"name": "Premium_LRS"}})
        known = sdk.accounts.create(name="main", kind="StorageV2")
    assert unknown.sku.name == "Premium_ZRS"
    assert type(unknown.sku.name) is str
    assert known.sku.name is models.SkuName.PREMIUM_LOCAL


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("azure_enums_swagger2")
    errors = corpus.mypy_errors("azure_enums_swagger2/")
    assert errors == []
