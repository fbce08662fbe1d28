"""A Swagger 2.0 spec (specs/swagger2_petstore.yml) generates a working SDK: it is
upgraded to OpenAPI 3.0 on loading, and the package is generated, imported, type-checked
with `mypy --strict`, and each method called through an `httpx.MockTransport`, the
request on the wire checked. The same API written as OpenAPI 3.0 by hand
(specs/swagger2_petstore_openapi3.yml) generates the same files.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx
from generator.__main__ import generate_package
from generator.diagnostics import Diagnostics
from test_corpus import SPECS as SPEC_DIR
from test_corpus import Corpus, Recorder, generated_corpus
from test_corpus_media import parts

SPECS = {"swagger2_petstore": ("corpus_swagger2", "SwaggerTwoPetsSDK")}

USAGE = {
    "swagger2_petstore": """
        from corpus_swagger2 import SwaggerTwoPetsSDK, models


        def use(sdk: SwaggerTwoPetsSDK) -> models.Pet:
            pets: list[models.Pet] = sdk.pets.list_pets(limit=5, csv=["a"], multi=["b"])
            sdk.pets.update_pet_with_form(pet_id=1, name="n", labels=["x"], note=None)
            sdk.pets.upload_photo(pet_id=1, file=b"png", caption="c")
            photo: bytes = sdk.pets.download_photo(pet_id=1)
            order: models.Order | None = sdk.store.place_order(id=len(photo), quantity=2)
            sdk.pets.delete_pet(pet_id=order.id if order and order.id else 0, ids=[1, 2])
            added: models.Pet = sdk.pets.add_pet(body={"name": "Tom", "petType": "Cat"})
            return pets[0] if pets else added
    """
}

BASE = "https://pets.example.test/v2"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus_swagger2")
    with generated_corpus(root, SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def pets(corpus: Corpus) -> ModuleType:
    return corpus.load("swagger2_petstore")


@pytest.fixture
def wire(pets: ModuleType) -> Iterator[tuple[Any, Recorder]]:
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    with pets.SwaggerTwoPetsSDK(
        client=client, retry_config=None, api_key="k", basic_auth=("u", "p"),
        oauth_access_code="tok",
    ) as sdk:  # fmt: skip
        yield sdk, recorder


def test_the_package_type_checks_and_only_tsv_is_warned_about(corpus: Corpus) -> None:
    code, lines = corpus.mypy_result()
    assert (code, lines[-1].startswith("Success: no issues found")) == (0, True), lines
    assert corpus.generated["swagger2_petstore"].warnings == [
        "#/paths/~1pets/get/parameters/5/collectionFormat: collectionFormat 'tsv' has no "
        "OpenAPI 3 style: sent comma-separated (csv)"
    ]


def test_query_arrays_by_collection_format_and_global_parameters(
    pets: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(
        200, json=[{"name": "Tom", "petType": "Cat", "huntingSkill": "lazy", "nickname": None}]
    )
    found = sdk.pets.list_pets(
        x_request_id="r1",
        limit=5,
        csv=["a", "b"],
        ssv=["c", "d"],
        pipes=[1, 2],
        multi=["e", "f"],
        tsv=["g", "h"],
        status="sold",
    )
    (cat,) = found
    assert isinstance(cat, pets.models.Cat)
    assert (cat.name, cat.hunting_skill, cat.nickname) == ("Tom", "lazy", None)
    request = recorder.last
    assert request.method == "GET"
    assert str(request.url) == (
        f"{BASE}/pets?limit=5&csv=a,b&ssv=c%20d&pipes=1%7C2&multi=e&multi=f&tsv=g,h&status=sold"
    )
    assert request.headers["X-Request-Id"] == "r1"
    assert request.headers["X-API-Key"] == "k"
    assert "Authorization" not in request.headers


def test_limits_of_a_global_parameter_are_checked_before_any_request(
    pets: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    with pytest.raises(ValueError, match="limit"):
        sdk.pets.list_pets(limit=101)
    assert recorder.requests == []


def test_a_global_body_parameter_is_the_json_body_with_basic_auth(
    pets: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(201, json={"id": 7, "name": "Rex", "petType": "Dog"})
    added = sdk.pets.add_pet(body={"name": "Rex", "petType": "Dog", "packSize": 3})
    assert added == pets.models.Dog(id=7, name="Rex", pet_type="Dog")
    request = recorder.last
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/pets")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"name": "Rex", "petType": "Dog", "packSize": 3}
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert "X-API-Key" not in request.headers


def test_a_global_response_raises_its_error_and_oauth_sends_the_token(
    pets: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(404, json={"message": "gone"})
    with pytest.raises(pets.models.ProblemError) as raised:
        sdk.pets.get_pet(pet_id=9)
    assert raised.value.data == pets.models.Problem(message="gone")
    assert str(recorder.last.url) == f"{BASE}/pets/9"
    assert recorder.last.headers["Authorization"] == "Bearer tok"


def test_form_data_is_a_url_encoded_form(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    assert sdk.pets.update_pet_with_form(pet_id=3, name="Tom", labels=["x", "y"], note="n") is None
    request = recorder.last
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/pets/3")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"name=Tom&labels=x%7Cy&note=n"


def test_a_file_parameter_makes_a_multipart_body(pets: ModuleType) -> None:
    # respx: the runtime sets a multipart body's stream after building the request, which
    # MockTransport's `request.read()` does not see
    with respx.mock(base_url=BASE) as router:
        route = router.post("/pets/4/photo").mock(
            return_value=httpx.Response(200, json={"size": 3})
        )
        with pets.SwaggerTwoPetsSDK(retry_config=None, api_key="k") as sdk:
            stored = sdk.pets.upload_photo(pet_id=4, file=("cat.png", b"PNG"), caption="hi")
    assert stored.size == 3
    request = route.calls.last.request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert parts(request) == [
        ("file", "cat.png", "image/png", b"PNG"),
        ("caption", None, "text/plain", b"hi"),
    ]


def test_a_file_response_is_bytes_of_the_produced_type(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(
        200, content=b"\x89PNG", headers={"Content-Type": "image/png"}
    )
    assert sdk.pets.download_photo(pet_id=5) == b"\x89PNG"
    assert recorder.last.headers["Accept"] == "image/png"


def test_header_arrays_are_comma_separated_and_security_can_be_off(
    wire: tuple[Any, Recorder],
) -> None:
    sdk, recorder = wire
    sdk.pets.delete_pet(pet_id=6, ids=[1, 2])
    request = recorder.last
    assert (request.method, str(request.url)) == ("DELETE", f"{BASE}/pets/6")
    assert request.headers["ids"] == "1,2"
    assert "X-API-Key" not in request.headers and "Authorization" not in request.headers


def test_x_nullable_schemas_accept_null(pets: ModuleType, wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(
        200, content=b"null", headers={"Content-Type": "application/json"}
    )
    assert sdk.store.place_order(id=1, quantity=2) is None
    assert json.loads(recorder.last.content) == {"id": 1, "quantity": 2}
    assert pets.models.Cat(name="a", pet_type="Cat", nickname=None).nickname is None


def test_the_same_api_written_as_openapi_3_generates_the_same_files(tmp_path: Path) -> None:
    trees = []
    for stem in ("swagger2_petstore", "swagger2_petstore_openapi3"):
        out = tmp_path / stem
        generate_package(SPEC_DIR / f"{stem}.yml", out, "pets", None, diagnostics=Diagnostics())
        files = {}
        for path in sorted(out.rglob("*")):
            if path.is_file() and "_runtime" not in path.parts:
                lines = path.read_text(encoding="utf-8").splitlines()
                files[path.relative_to(out).as_posix()] = [
                    line for line in lines if "Generated by scripts/generate from" not in line
                ]
        trees.append(files)
    assert sorted(trees[0]) == sorted(trees[1])
    assert trees[0] == trees[1]
