"""The generator on operations as hand-written specs write them (specs/operations_world.yml):
names that are not Python names or that the SDK already uses, parameters named like each
other or like the methods' own arguments, every HTTP method, several variables in one
path segment, several success statuses, optional non-object bodies, form and multipart
`encoding`, deprecation.

The package is generated, imported and type-checked with `mypy --strict`; every method
is called through an `httpx.MockTransport`, the request on the wire and the parsed
result checked.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest
from test_corpus import Corpus, Recorder, generated_corpus, signature_of

SPECS = {"operations_world": ("corpus_operations_world", "ArchiveWorldSDK")}

#: User code type-checked with the package: the union of success types, renamed arguments.
USAGE = {
    "operations_world": """
        from typing import Optional, Union

        from corpus_operations_world import ArchiveWorldSDK, models


        def use(sdk: ArchiveWorldSDK) -> Optional[Union[models.Shelf, models.Receipt]]:
            shelf: Optional[models.Shelf] = sdk.shelf_items.get_shelf_by_id(
                id="a", id_query=1, body="b", params="p", options="o", extra_query_="q"
            )
            sdk.operation.measure()
            sdk.operation.measure(body=0.5)
            sdk.with_options_.close(row=1, col=True)
            return sdk.shelf_items.shelves_replace_v2(id="a", title="t", extra_body_="e")
    """
}

BASE = "https://archive.test/v1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus_operations_world")
    with generated_corpus(root, SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def archive(corpus: Corpus) -> ModuleType:
    return corpus.load("operations_world")


@pytest.fixture
def wire(archive: ModuleType) -> Iterator[tuple[Any, Recorder]]:
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    with archive.ArchiveWorldSDK(client=client, retry_config=None) as sdk:
        yield sdk, recorder


def test_names_that_are_not_python_names_or_are_taken(archive: ModuleType) -> None:
    sdk = archive.ArchiveWorldSDK()
    try:
        # tags: spaces, accents, the SDK's own `with_options`, an import of resource modules
        assert type(sdk.shelf_items).__name__ == "ShelfItems"
        assert type(sdk.bucher).__name__ == "Bucher"
        assert type(sdk.with_options_).__name__ == "WithOptions"
        assert type(sdk.operation).__name__ == "OperationResource"
        assert callable(sdk.with_options)  # still the SDK's own
        # operationIds: spaces, dots and slashes, a leading digit, accents, taken names
        assert callable(sdk.shelf_items.get_shelf_by_id)
        assert callable(sdk.shelf_items.shelves_replace_v2)
        assert callable(sdk.bucher.field_2nd_download)
        assert callable(sdk.with_options_.close)
        assert callable(sdk.with_options_.unicode_trace_async)
        raw = sdk.with_options_.with_raw_response
        assert callable(raw.with_raw_response_)  # the operation, beside the resource's own
    finally:
        sdk.close()


def test_parameters_named_like_each_other_and_like_call_options(
    archive: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    arguments = signature_of(type(sdk.shelf_items).get_shelf_by_id)
    assert list(arguments) == [
        "id",
        "id_query",
        "body",
        "params",
        "options",
        "extra_query_",
        "extra_headers_",
        "legacy",
        "where",
    ]
    recorder.answer = lambda _: httpx.Response(200, json={"id": "a/b", "label": "top"})
    shelf = sdk.shelf_items.get_shelf_by_id(
        id="a/b",
        id_query=7,
        body="B",
        params="P",
        options="O",
        extra_query_="Q",
        extra_headers_="H",
        legacy="L",
        where={"floor": 2},
        extra_query={"more": "1"},
        extra_headers={"X-More": "2"},
    )
    assert shelf == archive.models.Shelf(id="a/b", label="top")
    request = recorder.last
    assert request.method == "GET"
    assert str(request.url) == (
        f"{BASE}/shelves/a%2Fb?id=7&body=B&params=P&options=O&extra_query=Q&legacy=L"
        "&where=%7B%22floor%22%3A2%7D&more=1"
    )
    assert request.headers["extra_headers"] == "H"
    assert request.headers["X-More"] == "2"
    assert request.headers["Accept"] == "application/json"  # the spec's Accept is ignored
    doc = type(sdk.shelf_items).get_shelf_by_id.__doc__
    assert "legacy: Deprecated." in doc


def test_several_success_statuses_each_read_as_declared(
    archive: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    m = archive.models
    replace = type(sdk.shelf_items).shelves_replace_v2
    assert replace.__annotations__["return"] == "Optional[Union[models.Shelf, models.Receipt]]"
    answers = [
        httpx.Response(200, json={"id": "s"}),
        httpx.Response(201, json={"ticket": 9}),
        httpx.Response(202),
    ]
    recorder.answer = lambda _: answers.pop(0)
    results = [
        sdk.shelf_items.shelves_replace_v2(
            id="s", options="o", title="T", extra_body_="e", params="p"
        )
        for _ in range(3)
    ]
    assert results == [m.Shelf(id="s"), m.Receipt(ticket=9), None]
    assert type(results[1]) is m.Receipt
    for request in recorder.requests:
        assert (request.method, str(request.url)) == ("PUT", f"{BASE}/shelves/s?options=o")
        assert request.content == b'{"extra_body":"e","params":"p","title":"T"}'
    recorder.answer = lambda _: httpx.Response(204)
    assert sdk.shelf_items.get_shelf_by_id(id="s") is None  # 204 beside a 200


def test_every_method_and_variables_sharing_a_segment(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    text = httpx.Response(200, text="words", headers={"content-type": "text/plain"})
    recorder.answer = lambda _: text
    assert sdk.bucher.field_2nd_download(name="a b", ext="tar.gz") == "words"
    recorder.answer = lambda _: httpx.Response(204)
    assert sdk.with_options_.close(row=3, col=True) is None
    assert sdk.with_options_.with_raw_response_(row=-1, col=False) is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert sdk.with_options_.unicode_trace(row=0, col=True) is None
    assert [(r.method, str(r.url)) for r in recorder.requests] == [
        ("GET", f"{BASE}/files/a%20b.tar.gz"),
        ("HEAD", f"{BASE}/grid/3:true"),
        ("OPTIONS", f"{BASE}/grid/-1:false"),
        ("TRACE", f"{BASE}/grid/0:true"),
    ]
    assert [w.category for w in caught] == [DeprecationWarning]
    assert "`unicode_trace` is deprecated" in str(caught[0].message)
    assert "Deprecated:" in (type(sdk.with_options_).unicode_trace.__doc__ or "")


def test_optional_body_that_is_not_an_object(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    sdk.operation.measure(body=0.5)
    sdk.operation.measure()
    sent, empty = recorder.requests
    assert (sent.content, sent.headers["content-type"]) == (b"0.5", "application/json")
    assert (empty.content, "content-type" in empty.headers) == (b"", False)


def test_optional_body_of_required_properties(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    sdk.shelf_items.archive(id="s")
    sdk.shelf_items.archive(id="s", reason="full", until="2030-01-02")
    empty, sent = recorder.requests
    assert (empty.method, str(empty.url), empty.content) == (
        "POST",
        f"{BASE}/shelves/s/archive",
        b"",
    )
    assert "content-type" not in empty.headers
    assert sent.content == b'{"reason":"full","until":"2030-01-02"}'
    with pytest.raises(pydantic.ValidationError, match="reason"):  # needed once a body is sent
        sdk.shelf_items.archive(id="s", until="2030-01-02")
    assert len(recorder.requests) == 2


def test_form_encoding_styles(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    sdk.operation.submit(name="A B", tags=["x", "y"], metadata={"k": "v w"}, sizes=[1, 2])
    request = recorder.last
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"name=A+B&tags=x&tags=y&metadata[k]=v%20w&sizes=1%7C2"


def test_multipart_encoding_content_types(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    sdk.operation.upload(scans=[b"png", ("b.jpg", b"jpg", "image/jpeg")], caption="# hi")
    request = recorder.last
    boundary = request.headers["content-type"].split("boundary=", 1)[1]
    content = b"".join(request.stream)  # type: ignore[union-attr]  # multipart is streamed
    parts = content.decode().split(f"--{boundary}")[1:-1]
    assert parts == [
        '\r\nContent-Disposition: form-data; name="scans"; filename="scans"\r\n'
        "Content-Type: image/png\r\n\r\npng\r\n",
        '\r\nContent-Disposition: form-data; name="scans"; filename="b.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\njpg\r\n",
        '\r\nContent-Disposition: form-data; name="caption"\r\n'
        "Content-Type: text/markdown\r\n\r\n# hi\r\n",
    ]


def test_warnings(corpus: Corpus) -> None:
    assert corpus.generated["operations_world"].warnings == [
        "#/paths/~1shelves~1{id}/get/parameters/6: header parameter 'Accept' ignored "
        "(the SDK sets it)",
        "#/paths/~1shelves~1{id}/get: the query parameter 'id' would be the argument 'id', "
        "which is taken; it is 'id_query'",
        "#/paths/~1measure/put/requestBody/content/application~1json/schema/enum: enum values "
        "that are not integers are not enforced",
    ]


def test_mypy_strict(corpus: Corpus) -> None:
    assert corpus.mypy_errors("operations_world/") == []
