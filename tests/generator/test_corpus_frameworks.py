"""Specs that web frameworks emit (specs/framework_*.yml): OpenAPI 3.1 from a FastAPI app
(pydantic v2), a Litestar app and a django-ninja app written for this corpus, each spec
the framework's output unchanged.

Each is generated, imported and type-checked with `mypy --strict` (with user code that
uploads files, passes times and reads discriminated unions); calls against
`httpx.MockTransport` check the request on the wire (what the framework's server
validates) and the typed result. What these specs need that hand-written ones do not:
multipart files written as `contentMediaType` (FastAPI's `UploadFile`; in JSON such a
string stays text), answers to HEAD declared with JSON content, `format: time`, JSON of
any value (`{}`) declared for routes that stream text, files or events, and operationIds
that repeat the route (`list_plants_plants_get`, `BooksBookIdGetBook`) or the module
(`ninja_app_create_patient`). The apps are not
part of the project (the frameworks are not its dependencies): their specs are.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timezone
from types import ModuleType
from typing import Any

import httpx
import pytest
from test_corpus import Corpus, generated_corpus

SPECS = {
    "framework_fastapi": ("corpus_fastapi", "GardenCentreSDK"),
    "framework_litestar": ("corpus_litestar", "LendingLibrarySDK"),
    "framework_ninja": ("corpus_ninja", "ClinicSDK"),
}

USAGE = {
    "framework_fastapi": """
        from datetime import time
        from typing import Optional

        from corpus_fastapi import GardenCentreSDK, models


        def use(sdk: GardenCentreSDK) -> Optional[models.OrderOut]:
            sdk.plants.upload_photo(
                plant_id="0b8e0c1e-0000-4000-8000-000000000001",
                file=("fern.png", b"png", "image/png"),
                caption="front",
            )
            sdk.uploads.upload_many(files=[b"a", ("b.txt", open("b.txt", "rb"))])
            contact = sdk.catalog.create_contact(
                email="a@example.com", wake=time(7, 30), sleep_for="PT8H", password="pw"
            )
            wake: time = contact.wake
            for pet in sdk.pets.list_pets():
                if isinstance(pet, models.Dog):
                    print(pet.barks, wake)
            sdk.system.health_head()
            return sdk.orders.get_order(order_id=1)
    """,
    "framework_litestar": """
        from corpus_litestar import LendingLibrarySDK, models


        def use(sdk: LendingLibrarySDK) -> list[models.Book]:
            sdk.books.upload_cover(book_id="x", cover=b"png", caption="c")
            return sdk.books.list_books(genre=models.Genre.SCIENCE, page_size=5)
    """,
}

PLANT_ID = uuid.UUID("0b8e0c1e-0000-4000-8000-000000000001")
NOW = "2026-01-02T03:04:05Z"
PLANT = {
    "name": "Fern",
    "price": "3.50",
    "id": str(PLANT_ID),
    "created_at": NOW,
    "tags": ["green"],
    "location": [51.5, -0.1],
    "kind": "plant",
    "priority": 3,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_frameworks"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def garden(corpus: Corpus) -> ModuleType:
    return corpus.load("framework_fastapi")


@pytest.fixture(scope="module")
def library(corpus: Corpus) -> ModuleType:
    return corpus.load("framework_litestar")


@pytest.fixture(scope="module")
def clinic(corpus: Corpus) -> ModuleType:
    return corpus.load("framework_ninja")


Answer = Callable[[httpx.Request], httpx.Response]


class Server:
    """A MockTransport recording each request (read) and answering with `answer`."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def sent(self) -> Any:
        return json.loads(self.last.content)


def json_answer(value: Any, status: int = 200) -> Answer:
    return lambda _: httpx.Response(status, json=value)


def sdk_of(package: ModuleType, server: Server, **credentials: Any) -> Any:
    sdk_class = next(cls for pkg, cls in SPECS.values() if pkg == package.__name__)
    client = httpx.Client(transport=httpx.MockTransport(server))
    return getattr(package, sdk_class)(client=client, retry_config=None, **credentials)


def multipart_parts(request: httpx.Request) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, content type, content) of each part of a multipart request."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    parts = []
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if ": " in line)
        disposition = headers["Content-Disposition"]
        fields = dict(
            item.strip().split("=", 1) for item in disposition.split(";")[1:] if "=" in item
        )
        filename = fields.get("filename")
        parts.append(
            (
                fields["name"].strip('"'),
                filename.strip('"') if filename else None,
                headers.get("Content-Type"),
                body,
            )
        )
    return parts


def test_generated_packages_pass_mypy_strict(corpus: Corpus) -> None:
    for stem in SPECS:
        corpus.load(stem)
        errors = corpus.mypy_errors(f"{stem}/")
        assert errors == [], "\n".join(errors)


def test_warnings_are_the_head_answer_and_itemschema_in_a_31_document(corpus: Corpus) -> None:
    # FastAPI writes OpenAPI 3.2's itemSchema into its 3.1.0 documents (read all the same)
    unexpected = "Unevaluated properties are not allowed ('itemSchema' was unexpected)"
    assert corpus.generated["framework_fastapi"].warnings == [
        f"#/paths/~1extras~1feed/get/responses/200/content/application~1jsonl: {unexpected}",
        f"#/paths/~1extras~1events/get/responses/200/content/text~1event-stream: {unexpected}",
        "#/paths/~1extras~1events~1raw/post/responses/200/content/text~1event-stream: "
        + unexpected,
        "#/paths/~1health/head/responses/200/content: a response to HEAD has no body; "
        "its content is ignored",
        "#/paths/~1plants~1{plant_id}/head/responses/200/content: a response to HEAD has no "
        "body; its content is ignored",
    ]
    assert corpus.generated["framework_litestar"].warnings == []
    assert corpus.generated["framework_ninja"].warnings == []


# -- names ---------------------------------------------------------------------------------


def methods_of(resource: Any) -> set[str]:
    return {
        name
        for name in vars(type(resource))
        if not name.startswith("_") and not name.endswith("_async") and name != "with_raw_response"
    }


def test_fastapi_operation_ids_lose_the_route_they_repeat(garden: ModuleType) -> None:
    sdk = sdk_of(garden, Server(json_answer({})))
    # list_plants_plants_get -> list_plants (kept beside get_plant), admin_admin_get ->
    # admin, health_head_health_head -> health_head, basic_auth_basic_get -> basic (the
    # group's name as a suffix, as before)
    assert methods_of(sdk.plants) == {
        "list_plants", "create_plant", "get_plant", "replace_plant", "set_price",
        "delete_plant", "care_sheet", "photo", "photo_stream", "upload_photo", "plant_exists",
    }  # fmt: skip
    assert methods_of(sdk.auth) == {"login", "login_fields", "me", "admin", "basic"}
    assert {"health", "health_head", "now", "new_uuid", "stream_text"} <= methods_of(sdk.system)


def test_litestar_operation_ids_lose_the_path_every_one_starts_with(library: ModuleType) -> None:
    sdk = sdk_of(library, Server(json_answer({})))
    # BooksBookIdGetBook on /books/{book_id} -> get_book; PingPing on /ping -> ping
    assert methods_of(sdk.books) == {
        "list_books", "create_book", "get_book", "replace_book", "delete_book", "set_pages",
        "summary", "upload_cover", "search_form",
    }  # fmt: skip
    assert methods_of(sdk.system) >= {"ping", "stats", "raw_bytes", "raw_bytes_stream", "old"}
    # GenresByGenre on /genres/{genre} (Litestar skips `Genre`, already in `Genres`)
    assert {"by_genre", "old_books", "file_path", "sample_stickers"} <= methods_of(sdk.extras)


def test_ninja_operation_ids_lose_their_module_prefix(clinic: ModuleType) -> None:
    # <module>_<function>, each summary the function's name title-cased (ninja's default):
    # ninja_app_create_patient with summary "Create Patient" -> create_patient
    sdk = sdk_of(clinic, Server(json_answer({})))
    assert methods_of(sdk.patients) == {
        "create_patient", "list_patients", "get_patient", "delete_patient", "upload_xray",
    }  # fmt: skip
    assert methods_of(sdk.appointments) == {"book"}
    assert methods_of(sdk.auth) == {"login", "whoami"}
    assert methods_of(sdk.system) == {"stats", "search"}


# -- FastAPI -------------------------------------------------------------------------------


def test_fastapi_upload_file_fields_are_sent_as_file_parts(garden: ModuleType) -> None:
    answer = {"name": "fern.png", "size": 4, "caption": "hi", "public": "True"}
    server = Server(json_answer(answer))
    result = sdk_of(garden, server).plants.upload_photo(
        plant_id=PLANT_ID, file=("fern.png", b"abcd", "image/png"), caption="hi", public=True
    )
    assert result == answer
    request = server.last
    assert request.url.path == f"/plants/{PLANT_ID}/photo"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert multipart_parts(request) == [
        ("file", "fern.png", "image/png", b"abcd"),
        ("caption", None, None, b"hi"),
        ("public", None, None, b"true"),
    ]


def test_fastapi_a_list_of_upload_files_is_one_part_per_file(garden: ModuleType) -> None:
    server = Server(json_answer([3, 1]))
    sizes = sdk_of(garden, server).uploads.upload_many(files=[b"abc", ("b.txt", b"x")], note="n")
    assert sizes == [3, 1]
    parts = multipart_parts(server.last)
    assert [(name, content) for name, _, _, content in parts] == [
        ("files", b"abc"),
        ("files", b"x"),
        ("note", b"n"),
    ]
    assert parts[1][1] == "b.txt"
    assert parts[0][1] is not None  # bytes are sent as a file part too


def test_fastapi_bytes_file_and_optional_upload(garden: ModuleType) -> None:
    server = Server(json_answer(5))
    assert sdk_of(garden, server).uploads.upload_bytes(data=b"12345", kind="k") == 5
    assert [(n, c) for n, _, _, c in multipart_parts(server.last)] == [
        ("data", b"12345"),
        ("kind", b"k"),
    ]
    server = Server(json_answer({"file": None, "tags": ["a", "b"]}))
    sdk_of(garden, server).uploads.upload_optional(tags=["a", "b"])
    assert [(n, f, c) for n, f, _, c in multipart_parts(server.last)] == [
        ("tags", None, b"a"),
        ("tags", None, b"b"),
    ]
    sdk_of(garden, server).uploads.upload_optional(file=("o.bin", b"z"))
    assert [(n, f, c) for n, f, _, c in multipart_parts(server.last)] == [("file", "o.bin", b"z")]


def test_fastapi_form_model_is_sent_url_encoded(garden: ModuleType) -> None:
    server = Server(json_answer({"access_token": "t", "token_type": "bearer"}))
    token = sdk_of(garden, server).auth.login(username="ann", password="p w", remember=True)
    assert isinstance(token, garden.models.Token)
    assert token.access_token == "t"
    assert server.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert server.last.content == b"username=ann&password=p+w&remember=true"
    sdk_of(garden, server).auth.login_fields(
        username="ann", password="pw", scopes=["a", "b"], age=7
    )
    assert server.last.content == b"username=ann&password=pw&scopes=a&scopes=b&age=7"


def test_fastapi_body_with_decimal_set_tuple_const_and_nulls(garden: ModuleType) -> None:
    server = Server(json_answer(PLANT, 201))
    plant = sdk_of(garden, server).plants.create_plant(
        name="Fern",
        price="3.50",
        latin_name=None,
        season=garden.models.Season.SUMMER,
        tags=["green"],
        dimensions={"height_cm": 30.0},
        attributes={"water": 2},
        location=(51.5, -0.1),
        kind="plant",
        priority=garden.models.Priority(3),
    )
    assert server.last.method == "POST"
    assert server.sent() == {
        "name": "Fern",
        "price": "3.50",
        "latin_name": None,
        "season": "summer",
        "tags": ["green"],
        "dimensions": {"height_cm": 30.0},
        "attributes": {"water": 2},
        "location": [51.5, -0.1],
        "kind": "plant",
        "priority": 3,
    }
    assert isinstance(plant, garden.models.Plant)
    assert plant.id == PLANT_ID
    assert plant.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert plant.location == (51.5, -0.1)
    assert plant.priority is garden.models.Priority(3)
    assert plant.price == "3.50"  # a Decimal is a string in FastAPI's answers


def test_fastapi_query_lists_dates_and_anyof_null_parameters(garden: ModuleType) -> None:
    page = {"items": [PLANT], "total": 1, "next": None}
    server = Server(json_answer(page))
    result = sdk_of(garden, server).plants.list_plants(
        tag=["a", "b"], limit=5, min_price="2.5", since=date(2026, 1, 1)
    )
    assert server.last.url.query == b"tag=a&tag=b&limit=5&min_price=2.5&since=2026-01-01"
    assert isinstance(result.items[0], garden.models.Plant)
    assert result.next is None
    server = Server(json_answer({}))
    at = datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    sdk_of(garden, server).params.search(
        kind="tool",
        ids=[1, 2],
        seasons=[garden.models.Season.SPRING, garden.models.Season.WINTER],
        exact=True,
        ratio=0.25,
        at=at,
        level=garden.models.Priority(2),
    )
    assert server.last.url.path == "/search/tool"
    assert server.last.url.params.multi_items() == [
        ("ids", "1"),
        ("ids", "2"),
        ("seasons", "spring"),
        ("seasons", "winter"),
        ("exact", "true"),
        ("ratio", "0.25"),
        ("at", "2026-02-03T04:05:06Z"),
        ("level", "2"),
    ]


def test_fastapi_headers_cookies_and_aliased_query(garden: ModuleType) -> None:
    server = Server(json_answer({}))
    sdk = sdk_of(garden, server)
    sdk.params.echo_headers(x_request_id=PLANT_ID, x_trace="t1", session="s1", theme="dark")
    request = server.last
    assert request.headers["x-request-id"] == str(PLANT_ID)
    assert request.headers["x-trace"] == "t1"
    assert request.headers["cookie"] == "session=s1; theme=dark"
    sdk.params.versioned(item_id=7, version=1.5, item_query="hey")
    assert str(server.last.url).endswith("/items/7/1.5?item-query=hey")


def test_fastapi_format_time_is_a_time_both_ways(garden: ModuleType) -> None:
    answer = {"email": "a@example.com", "wake": "07:30:00", "sleep_for": "PT8H"}
    server = Server(json_answer(answer))
    contact = sdk_of(garden, server).catalog.create_contact(
        email="a@example.com", wake=time(7, 30), sleep_for="PT8H", password="pw"
    )
    assert server.sent() == {
        "email": "a@example.com",
        "wake": "07:30:00",
        "sleep_for": "PT8H",
        "password": "pw",
    }
    assert contact.wake == time(7, 30)
    # `duration` stays the ISO 8601 text: a timedelta cannot hold a month
    assert contact.sleep_for == "PT8H"


def test_fastapi_discriminated_unions_and_recursive_models(garden: ModuleType) -> None:
    pets = [{"pet_type": "cat", "meows": 3}, {"pet_type": "dog", "barks": 1.5}]
    server = Server(json_answer(pets))
    sdk = sdk_of(garden, server)
    cat, dog = sdk.pets.list_pets()
    assert isinstance(cat, garden.models.Cat) and cat.meows == 3
    assert isinstance(dog, garden.models.Dog) and dog.good is None
    server.answer = json_answer({"pet": {"pet_type": "dog", "barks": 2.5}, "note": None})
    visit = sdk.pets.create_visit(pet={"pet_type": "dog", "barks": 2.5}, note=None)
    assert server.sent() == {"pet": {"pet_type": "dog", "barks": 2.5}, "note": None}
    assert isinstance(visit.pet, garden.models.Dog)
    tree = {"name": "root", "children": [{"name": "leaf", "children": []}]}
    server.answer = json_answer(tree)
    found = sdk.catalog.create_category(name="root", children=[{"name": "leaf", "children": []}])
    assert server.sent() == tree
    assert isinstance(found.children[0], garden.models.CategoryOutput)


def test_fastapi_nullable_and_several_success_answers(garden: ModuleType) -> None:
    server = Server(json_answer(None))
    sdk = sdk_of(garden, server)
    assert sdk.orders.get_order(order_id=0) is None
    assert sdk.system.maybe(present=False) is None
    server.answer = json_answer({"detail": "queued"}, 202)
    queued = sdk.orders.create_order(plant_ids=[PLANT_ID], quantities=[1])
    assert isinstance(queued, garden.models.Message)
    order = {"id": 1, "total": "1.5", "status": "pending", "items": [[str(PLANT_ID), 1]]}
    server.answer = json_answer(order, 201)
    created = sdk.orders.create_order(plant_ids=[str(PLANT_ID)], quantities=[1], dry_run=True)
    assert server.last.url.query == b"dry_run=true"
    assert server.sent() == {"plant_ids": [str(PLANT_ID)], "quantities": [1]}
    assert isinstance(created, garden.models.OrderOut)
    assert created.items == [(str(PLANT_ID), 1)]


def test_fastapi_validation_and_declared_errors_raise_typed(garden: ModuleType) -> None:
    detail = [{"loc": ["path", "order_id"], "msg": "bad", "type": "int_parsing"}]
    server = Server(json_answer({"detail": detail}, 422))
    sdk = sdk_of(garden, server)
    with pytest.raises(garden.models.HTTPValidationErrorException) as raised:
        sdk.orders.get_order(order_id=1)
    assert raised.value.status_code == 422
    assert raised.value.data.detail[0].loc == ["path", "order_id"]
    server.answer = json_answer({"detail": "no such plant"}, 404)
    with pytest.raises(garden.models.MessageError) as missing:
        sdk.plants.get_plant(plant_id=PLANT_ID)
    assert isinstance(missing.value, garden.NotFoundError)
    assert missing.value.data.detail == "no such plant"


def test_fastapi_head_answer_is_none_whatever_it_declares(garden: ModuleType) -> None:
    # FastAPI declares the GET's JSON model for a HEAD route; a server sends no body
    headers = {"content-type": "application/json", "content-length": "212"}
    server = Server(lambda _: httpx.Response(200, headers=headers))
    sdk = sdk_of(garden, server)
    assert sdk.plants.plant_exists(plant_id=PLANT_ID) is None
    assert server.last.method == "HEAD"
    assert server.last.url.path == f"/plants/{PLANT_ID}"
    assert sdk.system.health_head() is None


def test_fastapi_any_result_keeps_a_body_that_is_not_json(garden: ModuleType) -> None:
    # FastAPI declares `application/json: {}` for a route answering a StreamingResponse
    server = Server(lambda _: httpx.Response(200, text="a\nb\n"))
    assert sdk_of(garden, server).system.stream_text() == "a\nb\n"
    blob = b"\x89PNG\x00"
    server = Server(
        lambda _: httpx.Response(200, content=blob, headers={"content-type": "image/png"})
    )
    assert sdk_of(garden, server).system.stream_text() == blob
    server = Server(json_answer({"anything": [1, "two", None]}))
    assert sdk_of(garden, server).system.raw_any() == {"anything": [1, "two", None]}


def test_fastapi_typed_scalar_results_and_a_binary_photo(garden: ModuleType) -> None:
    server = Server(json_answer("12345678-1234-5678-1234-567812345678"))
    sdk = sdk_of(garden, server)
    assert sdk.system.new_uuid() == uuid.UUID("12345678-1234-5678-1234-567812345678")
    server.answer = json_answer(NOW)
    assert sdk.system.now() == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    server.answer = json_answer(3)
    assert sdk.params.priority(level=garden.models.Priority(3)) is garden.models.Priority(3)
    server.answer = lambda _: httpx.Response(
        200, content=b"\x89PNG", headers={"content-type": "image/png"}
    )
    assert sdk.plants.photo(plant_id=PLANT_ID) == b"\x89PNG"


def test_fastapi_security_schemes(garden: ModuleType) -> None:
    server = Server(json_answer({"detail": "ok"}))
    sdk = sdk_of(
        garden,
        server,
        o_auth2_password_bearer="tok",
        api_key_header="key-1",
        http_basic=("ann", "pw"),
    )
    sdk.auth.me()
    assert server.last.headers["authorization"] == "Bearer tok"
    sdk.auth.admin()
    assert server.last.headers["x-api-key"] == "key-1"
    sdk.auth.basic()
    assert server.last.headers["authorization"] == "Basic YW5uOnB3"


def test_fastapi_json_lines_and_server_sent_events_from_item_schema(garden: ModuleType) -> None:
    lines = b'{"detail":"item 0"}\n{"detail":"item 1"}\n'
    server = Server(
        lambda _: httpx.Response(200, content=lines, headers={"content-type": "application/jsonl"})
    )
    sdk = sdk_of(garden, server)
    assert [item.detail for item in sdk.extras.feed(count=2)] == ["item 0", "item 1"]
    assert server.last.headers["accept"] == "application/jsonl"
    events = b'data: {"detail":"event 0"}\n\nevent: tick\nid: 7\ndata: {"detail":"event 1"}\n\n'
    server.answer = lambda _: httpx.Response(
        200, content=events, headers={"content-type": "text/event-stream"}
    )
    found = list(sdk.extras.events(count=2))
    # data is JSON text of the contentSchema: parsed into the model
    assert [(e.event, e.id, e.data.detail) for e in found] == [
        (None, None, "event 0"),
        ("tick", "7", "event 1"),
    ]
    assert isinstance(found[0].data, garden.models.Message)
    raw = b'event: a\nid: 0\ndata: {"n": 0}\n\n'
    server.answer = lambda _: httpx.Response(
        200, content=raw, headers={"content-type": "text/event-stream"}
    )
    (event,) = sdk.extras.raw_events(names=["a"])
    assert server.sent() == {"names": ["a"]}
    assert (event.event, event.id, event.data) == ("a", "0", '{"n": 0}')  # `type: string`


def test_fastapi_query_and_header_parameter_models(garden: ModuleType) -> None:
    answer = {"limit": 5, "offset": 2, "order_by": "updated_at", "tags": ["x", "y"]}
    server = Server(json_answer(answer))
    sdk = sdk_of(garden, server)
    found = sdk.extras.filtered(limit=5, offset=2, order_by="updated_at", tags=["x", "y"])
    assert server.last.url.query == b"limit=5&offset=2&order_by=updated_at&tags=x&tags=y"
    assert found.order_by == "updated_at"
    with pytest.raises(garden.InvalidArgumentError):  # exclusiveMinimum: 0 (3.1's number)
        sdk.extras.filtered(limit=0)
    sdk.extras.tenant(host="api.test", x_tenant="acme", x_flags=["f1", "f2"])
    assert server.last.headers["x-tenant"] == "acme"
    assert server.last.headers["x-flags"] == "f1,f2"


def test_fastapi_json_bytes_alias_computed_field_and_generic_model(garden: ModuleType) -> None:
    answer = {
        "displayName": "Green Ltd",
        "country": "GB",
        "gateway": "10.1.2.3",
        "scores": [1, None],
        "stock": {"a": [{"height_cm": 2.0, "spread_cm": None}]},
        "sizes": [1, 2],
        "blob": "raw text",
        "label": "Green Ltd (GB)",
    }
    server = Server(json_answer(answer))
    sdk = sdk_of(garden, server)
    found = sdk.extras.supplier(
        display_name="Green Ltd",
        country="GB",
        gateway="10.1.2.3",
        scores=[1, None],
        stock={"a": [{"height_cm": 2.0}]},
        sizes=[1, 2],
        blob="raw text",
    )
    # pydantic's bytes: contentMediaType without contentEncoding, in JSON the text itself
    assert server.sent() == {
        "displayName": "Green Ltd",
        "country": "GB",
        "gateway": "10.1.2.3",
        "scores": [1, None],
        "stock": {"a": [{"height_cm": 2.0}]},
        "sizes": [1, 2],
        "blob": "raw text",
    }
    assert found.blob == "raw text"
    assert found.label == "Green Ltd (GB)"  # a computed field: read-only, received only
    assert found.stock["a"][0].spread_cm is None
    with pytest.raises(garden.InvalidArgumentError):
        sdk.extras.supplier(display_name="x", country="gb")  # pattern ^[A-Z]{2}$
    server.answer = json_answer({"data": [PLANT], "cursor": "c1"})
    page = sdk.extras.paged()
    assert isinstance(page, garden.models.PagedPlant)  # Paged[Plant] -> Paged_Plant_
    assert isinstance(page.data[0], garden.models.Plant)


# -- Litestar ------------------------------------------------------------------------------


BOOK = {
    "title": "Dune",
    "authors": [{"name": "Frank", "born": "1950-05-06", "links": []}],
    "genre": "science",
    "pages": None,
    "price": "9.99",
    "tags": ["sf"],
    "ratings": {},
    "id": str(PLANT_ID),
    "added": NOW,
}


def test_litestar_dataclass_bodies_and_typed_answers(library: ModuleType) -> None:
    server = Server(json_answer(BOOK, 201))
    book = sdk_of(library, server).books.create_book(
        title="Dune",
        authors=[{"name": "Frank", "born": date(1950, 5, 6)}],
        genre=library.models.Genre.SCIENCE,
        pages=None,
        price="9.99",
    )
    assert server.sent() == {
        "title": "Dune",
        "authors": [{"name": "Frank", "born": "1950-05-06"}],
        "genre": "science",
        "pages": None,
        "price": "9.99",
    }
    assert isinstance(book, library.models.Book)
    assert book.authors[0].born == date(1950, 5, 6)
    assert book.id == PLANT_ID


def test_litestar_parameters_in_every_place(library: ModuleType) -> None:
    server = Server(json_answer([BOOK]))
    sdk = sdk_of(library, server)
    sdk.books.list_books(
        genre=library.models.Genre.SCIENCE, tag=["sf", "x"], page_size=5, after=NOW
    )
    assert (
        server.last.url.query
        == b"genre=science&tag=sf&tag=x&pageSize=5&after=2026-01-02T03%3A04%3A05Z"
    )
    loan = {"book_id": str(PLANT_ID), "member": "ann", "due": "2026-03-01", "renewals": 0}
    server.answer = json_answer(loan)
    found = sdk.loans.get_loan(loan_id=7, x_branch="east", session="s1")
    assert server.last.url.path == "/loans/7"
    assert server.last.headers["x-branch"] == "east"
    assert server.last.headers["cookie"] == "session=s1"
    assert found.due == date(2026, 3, 1)


def test_litestar_multipart_form_and_bearer(library: ModuleType) -> None:
    server = Server(json_answer({"size": 4}, 201))
    sdk = sdk_of(library, server, bearer_token="tok-9")
    sdk.books.upload_cover(book_id=PLANT_ID, cover=("c.png", b"png!", "image/png"), caption="x")
    assert multipart_parts(server.last) == [
        ("cover", "c.png", "image/png", b"png!"),
        ("caption", None, None, b"x"),
    ]
    sdk.books.search_form(query="dune", limit=3)
    assert server.last.content == b"query=dune&limit=3"
    server.answer = json_answer({"auth": "Bearer tok-9"})
    sdk.system.secure()
    assert server.last.headers["authorization"] == "Bearer tok-9"


def test_litestar_discriminated_pydantic_union(library: ModuleType) -> None:
    editions = [
        {"isbn": "978-0-00-000000-1", "medium": {"format": "ebook", "size_mb": 1.5}},
        {"isbn": "978-0-00-000000-2", "medium": {"format": "audio", "minutes": 60}},
    ]
    server = Server(json_answer(editions))
    found = sdk_of(library, server).editions.sample_editions()
    assert [type(e.medium).__name__ for e in found] == ["Ebook", "Audiobook"]


def test_litestar_msgspec_tagged_union_typeddict_and_file_list(library: ModuleType) -> None:
    sticker = {"shape": {"side": 2.0, "type": "square"}, "label": None, "colors": ["red"]}
    server = Server(json_answer(sticker, 201))
    sdk = sdk_of(library, server)
    found = sdk.extras.create_sticker(shape={"type": "square", "side": 2.0}, label=None)
    assert server.sent() == {"shape": {"type": "square", "side": 2.0}, "label": None}
    assert isinstance(found.shape, library.models.Square)
    server.answer = json_answer([{"radius": 1.0, "type": "circle"}, {"side": 2.0, "type": "x"}])
    circle, unknown = sdk.extras.sample_stickers()
    assert isinstance(circle, library.models.Circle)
    assert type(unknown).__name__ == "UnknownVariant"  # told apart by the const `type`
    server.answer = json_answer({"stars": 5, "text": "great"}, 201)
    assert sdk.extras.create_review(stars=5, text="great").stars == 5
    server.answer = json_answer({"album": "trip", "sizes": [3, 2]}, 201)
    sdk.extras.upload_album(files=[b"abc", ("b.jpg", b"xy", "image/jpeg")], album="trip")
    assert [(n, f, t, c) for n, f, t, c in multipart_parts(server.last)][1:] == [
        ("files", "b.jpg", "image/jpeg", b"xy"),
        ("album", None, None, b"trip"),
    ]


def test_litestar_redirect_text_stream_and_events_declared_as_json(library: ModuleType) -> None:
    server = Server(lambda _: httpx.Response(302, headers={"location": "/books"}))
    sdk = sdk_of(library, server, server_url="http://library.test")
    moved = sdk.extras.old_books()
    assert (moved.status_code, moved.location) == (302, "http://library.test/books")
    server.answer = lambda _: httpx.Response(200, text="3\n2\n1\n")
    assert sdk.extras.countdown(start=3) == "3\n2\n1\n"  # text/plain of `{}`
    events = "data: tick 0\r\n\r\ndata: tick 1\r\n\r\n"
    server.answer = lambda _: httpx.Response(
        200, text=events, headers={"content-type": "text/event-stream; charset=utf-8"}
    )
    # Litestar declares its ServerSentEvent answers `application/json: {}`
    assert sdk.extras.ticks(count=2) == events


# -- django-ninja --------------------------------------------------------------------------


def test_ninja_query_schema_upload_and_status_answers(clinic: ModuleType) -> None:
    patient = {"name": "Rex", "born": "2020-01-02", "weight_kg": None, "allergies": [], "id": 1}
    server = Server(json_answer(patient, 201))
    sdk = sdk_of(clinic, server, bearer="tok-1")
    created = sdk.patients.create_patient(name="Rex", born=date(2020, 1, 2))
    assert server.sent() == {"name": "Rex", "born": "2020-01-02"}
    assert isinstance(created, clinic.models.PatientOut)
    server.answer = json_answer([patient])
    sdk.patients.list_patients(kind=clinic.models.Kind.CHECKUP, limit=5)
    assert server.last.url.query == b"kind=checkup&limit=5"
    server.answer = json_answer({"message": "not found"}, 404)
    with pytest.raises(clinic.models.ErrorException) as raised:
        sdk.patients.get_patient(patient_id=9)
    assert raised.value.data.message == "not found"
    server.answer = json_answer({"size": 4})
    sdk.patients.upload_xray(patient_id=1, image=("x.png", b"xray"), note="left")
    assert [(n, f, c) for n, f, _, c in multipart_parts(server.last)] == [
        ("image", "x.png", b"xray"),
        ("note", None, b"left"),
    ]


def test_route_words_are_read_off_operation_ids_only_where_a_framework_put_them() -> None:
    from generator.naming import without_route_prefix, without_route_suffix

    assert without_route_suffix("get_plant_plants__plant_id__get", "get", "/plants/{plant_id}") == (
        "get_plant"
    )
    assert without_route_suffix("read_root__get", "get", "/") is None  # no route to repeat
    assert without_route_suffix("plants_get", "get", "/plants") is None  # nothing before it
    assert without_route_suffix("listPlants", "get", "/plants") is None
    assert without_route_prefix("BooksBookIdGetBook", "/books/{book_id}") == "get_book"
    assert without_route_prefix("PingPing", "/ping") == "ping"
    assert without_route_prefix("GenresByGenre", "/genres/{genre}") == "by_genre"
    assert without_route_prefix("OldBooksOldBooks", "/old-books") == "old_books"
    assert without_route_prefix("RootIndex", "/") == "root_index"
    assert without_route_prefix("HealthCheck", "/v1/health") is None
    assert without_route_prefix("Booksellers", "/books") is None
    assert without_route_prefix("books", "/books") is None
