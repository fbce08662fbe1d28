"""OpenAPI 3.2's reusable media type objects (specs/openapi32_media_types.yml): a
`content` entry that is a `$ref` to `#/components/mediaTypes/X` is the media type it
points to, in a request body, a response (also with a `description` beside the `$ref`),
a shared response, a JSON Lines `itemSchema`, and through a `$ref` to another one. (Before,
such a body or answer was `Any`, with no warning.) A media type's inline schema is one
class wherever the media type is used.

The package is generated, imported and type-checked with `mypy --strict`; calls against
respx check the request sent and the types parsed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"openapi32_media_types": ("corpus_notebook", "NotebookCorpusSDK")}

USAGE = {
    "openapi32_media_types": """
        from corpus_notebook import NotebookCorpusSDK, models


        def use(sdk: NotebookCorpusSDK) -> list[models.Note]:
            note: models.Note = sdk.notes.create(text="hello")
            verdict: models.Verdict = sdk.notes.check(note_id=note.id or "")
            assert verdict.ok or verdict.reason
            with sdk.notes.export() as lines:
                return [sdk.notes.get(note_id="n1"), *lines]
    """,
}

BASE_URL = "https://notebook.test"
NOTE = {"id": "n1", "text": "hello"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_notebook"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def notebook(corpus: Corpus) -> ModuleType:
    return corpus.load("openapi32_media_types")


def sdk_of(package: ModuleType) -> Any:
    return package.NotebookCorpusSDK(retry_config=None)


def test_the_spec_generates_without_warnings(corpus: Corpus) -> None:
    assert corpus.generated["openapi32_media_types"].warnings == []


def test_a_referenced_request_and_response_media_type(notebook: ModuleType) -> None:
    models = notebook.models
    with respx.mock(base_url=BASE_URL) as router, sdk_of(notebook) as sdk:
        route = router.post("/notes").respond(201, json=NOTE)
        note = sdk.notes.create(text="hello")
        request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"text": "hello"}
    assert type(note) is models.Note
    assert (note.id, note.text) == ("n1", "hello")


def test_a_media_type_referring_to_another_and_a_description_beside_it(
    notebook: ModuleType,
) -> None:
    with respx.mock(base_url=BASE_URL) as router, sdk_of(notebook) as sdk:
        router.get("/notes/n1").respond(200, json=NOTE)
        note = sdk.notes.get(note_id="n1")
    assert type(note) is notebook.models.Note
    assert note.text == "hello"


def test_a_shared_response_of_a_referenced_media_type_is_an_error_class(
    notebook: ModuleType,
) -> None:
    models = notebook.models
    problem = {"title": "empty text"}
    headers = {"content-type": "application/problem+json"}
    with respx.mock(base_url=BASE_URL) as router, sdk_of(notebook) as sdk:
        router.post("/notes").respond(400, json=problem, headers=headers)
        with pytest.raises(models.ProblemJsonError) as raised:
            sdk.notes.create(text="")
    assert isinstance(raised.value, models.BadRequestError)
    assert type(raised.value.data) is models.ProblemJson
    assert raised.value.data.title == "empty text"


def test_an_inline_schema_of_a_media_type_is_one_class(notebook: ModuleType) -> None:
    models = notebook.models
    with respx.mock(base_url=BASE_URL) as router, sdk_of(notebook) as sdk:
        router.post("/notes/n1/check").respond(200, json={"ok": True})
        router.post("/notes/n1/review").respond(200, json={"ok": False, "reason": "short"})
        checked = sdk.notes.check(note_id="n1")
        reviewed = sdk.notes.review(note_id="n1")
    assert type(checked) is models.Verdict
    assert type(reviewed) is models.Verdict
    assert (checked.ok, reviewed.ok, reviewed.reason) == (True, False, "short")


def test_a_referenced_json_lines_media_type_streams_its_items(notebook: ModuleType) -> None:
    body = b"".join(json.dumps(n).encode() + b"\n" for n in (NOTE, {"text": "two"}))
    headers = {"content-type": "application/jsonl"}
    with respx.mock(base_url=BASE_URL) as router, sdk_of(notebook) as sdk:
        route = router.get("/notes/export").respond(200, content=body, headers=headers)
        with sdk.notes.export() as lines:
            notes = list(lines)
    assert route.calls.last.request.headers["accept"] == "application/jsonl"
    assert [type(n) for n in notes] == [notebook.models.Note] * 2
    assert [n.text for n in notes] == ["hello", "two"]


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("openapi32_media_types")
    errors = corpus.mypy_errors("openapi32_media_types/")
    assert errors == []
