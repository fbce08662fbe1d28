"""The generator on specs shaped like the world's operations: bodies and responses in
every media type (specs/media.yml), error responses of any type, ranges and `default`
(errors_world.yml), server-sent events as real specs describe them (streaming_world.yml),
and the full Atoma spec's `chat.create_stream`.

Each is generated, imported and type-checked with `mypy --strict` (one run, started at
generation, checked last); every method is called against respx with the request on the
wire and the parsed result checked; the warnings each spec must give are asserted.
"""

from __future__ import annotations

import email.parser
import email.policy
import importlib
import inspect
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Optional, get_type_hints

import httpx
import pydantic
import pytest
import respx
from generator.__main__ import generate_package
from test_corpus import Corpus, generated_corpus

SPECS: dict[str, tuple[str, str]] = {
    "media": ("corpus_media", "MediaCorpusSDK"),
    "errors_world": ("corpus_errors_world", "KennelCorpusSDK"),
    "streaming_world": ("corpus_streaming_world", "ChatterCorpusSDK"),
}

#: User code type-checked with the packages: files given in each accepted shape.
USAGE: dict[str, str] = {
    "media": """
        import io

        from corpus_media import MediaCorpusSDK, models


        def use(sdk: MediaCorpusSDK, path: str) -> models.StoredFile:
            with open(path, "rb") as file:
                sdk.files.upload(file=file, purpose=models.UploadRequestPurpose.ASSISTANTS)
            sdk.avatars.put(user_id="u", body=io.BytesIO(b"png"))
            with sdk.files.content_stream(file_id="f") as stream:
                stream.write_to(path)
            return sdk.files.upload(
                file=("a.txt", b"text", "text/plain"),
                purpose=models.UploadRequestPurpose.FINE_TUNE,
                attachments=[b"x", io.BytesIO(b"y")],
            )
    """,
}

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_media"), SPECS, USAGE) as found:
        yield found


def sdk_of(package: ModuleType, **options: Any) -> Any:
    """The package's SDK, with retries off."""
    sdk_class = next(cls for pkg, cls in SPECS.values() if pkg == package.__name__)
    return getattr(package, sdk_class)(retry_config=None, **options)


def parts(request: httpx.Request) -> list[tuple[str, str | None, str, bytes]]:
    """(name, filename, content type, content) of each part of a multipart request."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    found = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        found.append((name, part.get_filename(), part.get_content_type(), payload))
    return found


def docstring(method: Any) -> str:
    return inspect.getdoc(method) or ""


# -- media.yml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(corpus: Corpus) -> ModuleType:
    return corpus.load("media")


def test_media_warnings(corpus: Corpus) -> None:
    assert corpus.generated["media"].warnings == [
        "#/paths/~1legacy/post/requestBody/content: no media type the SDK can encode "
        "(application/xml); the body is sent as raw application/xml bytes",
        "#/paths/~1legacy/post/responses/200/content: no media type the SDK can read "
        "(application/xml); the response is returned as bytes",
    ]


def test_media_multipart_upload(media: ModuleType, tmp_path: Path) -> None:
    m = media.models
    stored = {"id": "file-1", "bytes": len(PNG)}
    path = tmp_path / "otter.png"
    path.write_bytes(PNG)
    with respx.mock(base_url="https://media.test/v1") as router:
        route = router.post("/files").mock(return_value=httpx.Response(200, json=stored))
        with sdk_of(media) as sdk, path.open("rb") as file:
            result = sdk.files.upload(
                file=file,
                purpose=m.UploadRequestPurpose.FINE_TUNE,
                title="Otter",
                tags=["cute", "sea"],
                meta={"source": "camera", "pages": 1},
                attachments=[b"notes", ("extra.txt", b"more", "text/plain")],
            )
    assert result == m.StoredFile(id="file-1", bytes=len(PNG))
    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert parts(request) == [
        ("file", "otter.png", "image/png", PNG),
        ("purpose", None, "text/plain", b"fine-tune"),
        ("title", None, "text/plain", b"Otter"),
        ("tags", None, "text/plain", b"cute"),
        ("tags", None, "text/plain", b"sea"),
        ("meta", None, "application/json", b'{"pages":1,"source":"camera"}'),
        ("attachments", "attachments", "application/octet-stream", b"notes"),
        ("attachments", "extra.txt", "text/plain", b"more"),
    ]


def test_media_file_fields_are_typed_as_files(media: ModuleType) -> None:
    runtime = media._runtime.bodies
    hints = get_type_hints(type(sdk_of(media).files).upload, include_extras=True)
    assert hints["file"] == runtime.File
    assert hints["attachments"] == Optional[list[runtime.File]]  # type: ignore[name-defined]
    with pytest.raises(pydantic.ValidationError, match="binary mode"), sdk_of(media) as sdk:
        sdk.files.upload(file="not a file", purpose=media.models.UploadRequestPurpose.ASSISTANTS)


async def test_media_binary_download_and_stream(media: ModuleType, tmp_path: Path) -> None:
    target = tmp_path / "copy.bin"
    with respx.mock(base_url="https://media.test/v1") as router:
        route = router.get("/files/f1/content").mock(
            return_value=httpx.Response(
                200, content=PNG, headers={"content-type": "application/octet-stream"}
            )
        )
        with sdk_of(media) as sdk:
            assert sdk.files.content(file_id="f1") == PNG
            with sdk.files.content_stream(file_id="f1") as stream:
                assert stream.write_to(target) == len(PNG)
            async with await sdk.files.content_stream_async(file_id="f1") as astream:
                chunks = [chunk async for chunk in astream.aiter_bytes()]
    assert target.read_bytes() == PNG == b"".join(chunks)
    assert route.calls.last.request.headers["accept"] == "application/octet-stream"
    assert "write_to(path)" in docstring(type(sdk.files).content_stream)


def test_media_form_binary_and_text_bodies(media: ModuleType) -> None:
    with respx.mock(base_url="https://media.test/v1") as router:
        token = router.post("/oauth/token").mock(
            return_value=httpx.Response(200, json={"access_token": "t"})
        )
        avatar = router.put("/avatars/u1").mock(return_value=httpx.Response(204))
        note = router.post("/notes").mock(
            return_value=httpx.Response(
                201, text="stored: hi", headers={"content-type": "text/plain"}
            )
        )
        with sdk_of(media) as sdk:
            answer = sdk.auth.token(
                grant_type="client credentials", scope=["a", "b"], remember=False
            )
            assert sdk.avatars.put(user_id="u1", body=io.BytesIO(PNG)) is None
            assert sdk.notes.create(body="h\u00e9") == "stored: hi"
    assert answer.access_token == "t"
    assert token.calls.last.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token.calls.last.request.content == (
        b"grant_type=client+credentials&scope=a&scope=b&remember=false"
    )
    sent = avatar.calls.last.request
    assert (sent.headers["content-type"], sent.content) == ("image/png", PNG)
    sent = note.calls.last.request
    assert sent.headers["content-type"] == "text/plain; charset=utf-8"
    assert sent.content == "h\u00e9".encode()


def test_media_json_wins_and_plus_json_is_json(media: ModuleType) -> None:
    report = {"year": 2024, "total": 1.5}
    with respx.mock(base_url="https://media.test/v1") as router:
        get = router.get("/reports/2024").mock(return_value=httpx.Response(200, json=report))
        create = router.post("/reports").mock(
            return_value=httpx.Response(
                201, content=json.dumps(report).encode(),
                headers={"content-type": "application/problem+json"},
            )
        )  # fmt: skip
        with sdk_of(media) as sdk:
            assert sdk.reports.get(year=2024) == media.models.Report(year=2024, total=1.5)
            assert sdk.reports.create(year=2024) == media.models.Report(year=2024, total=1.5)
    assert get.calls.last.request.headers["accept"] == "application/json"
    sent = create.calls.last.request
    assert (sent.headers["content-type"], sent.content) == ("application/json", b'{"year":2024}')


def test_media_unknown_types_degrade_to_bytes(media: ModuleType) -> None:
    xml = b"<a>1</a>"
    with respx.mock(base_url="https://media.test/v1") as router:
        route = router.post("/legacy").mock(
            return_value=httpx.Response(
                200, content=xml, headers={"content-type": "application/xml"}
            )
        )
        with sdk_of(media) as sdk:
            assert sdk.legacy.send(body=xml) == xml
    sent = route.calls.last.request
    assert (sent.headers["content-type"], sent.content) == ("application/xml", xml)


# -- errors_world.yml ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def kennel(corpus: Corpus) -> ModuleType:
    return corpus.load("errors_world")


def test_errors_world_gives_no_warnings(corpus: Corpus) -> None:
    assert corpus.generated["errors_world"].warnings == []


@pytest.mark.parametrize(
    ("status", "body", "headers", "error_class", "runtime_class", "data"),
    [
        (404, {"resource": "pet"}, {}, "MissingError", "NotFoundError", "Missing"),
        (409, ["moving", "try later"], {}, "Get409Error", "ConflictError", None),
        (
            418,
            {"title": "I am a teapot", "status": 418},
            {"content-type": "application/problem+json"},
            "ProblemError",
            "APIError",
            "Problem",
        ),
        (503, "down", {}, "Get5XXError", "InternalServerError", None),
        (500, 1234, {}, "Get5XXError", "InternalServerError", None),
    ],
)
def test_errors_world_typed_errors_most_specific_first(
    kennel: ModuleType,
    status: int,
    body: Any,
    headers: dict[str, str],
    error_class: str,
    runtime_class: str,
    data: str | None,
) -> None:
    m = kennel.models
    content = json.dumps(body).encode()
    with respx.mock(base_url="https://kennel.test") as router:
        router.get("/pets/p1").mock(
            return_value=httpx.Response(status, content=content, headers=headers)
        )
        with sdk_of(kennel) as sdk, pytest.raises(m.APIError) as raised:
            sdk.pets.get(pet_id="p1")
    error = raised.value
    assert isinstance(error, getattr(m, error_class))
    assert isinstance(error, getattr(m, runtime_class))
    expected = body if data is None else getattr(m, data).model_validate(body)
    assert error.data == expected
    assert error.body == content.decode()


def test_errors_world_html_error_stays_text(kennel: ModuleType) -> None:
    html = "<html><h1>Bad gateway</h1></html>"
    with respx.mock(base_url="https://kennel.test") as router:
        router.get("/pets/p1").mock(
            return_value=httpx.Response(502, text=html, headers={"content-type": "text/html"})
        )
        with sdk_of(kennel) as sdk, pytest.raises(kennel.models.InternalServerError) as raised:
            sdk.pets.get(pet_id="p1")
    assert not isinstance(raised.value, kennel.models.Get5XXError)  # not its JSON shape
    assert raised.value.body == html


def test_errors_world_default_only_response_is_the_result(kennel: ModuleType) -> None:
    with respx.mock(base_url="https://kennel.test") as router:
        router.post("/pets").mock(
            return_value=httpx.Response(200, json={"id": "p9", "name": "Rex"})
        )
        with sdk_of(kennel) as sdk:
            assert sdk.pets.create(name="Rex") == kennel.models.Pet(id="p9", name="Rex")


def test_errors_world_named_array_and_absent_bodies(kennel: ModuleType) -> None:
    m = kennel.models
    with respx.mock(base_url="https://kennel.test") as router:
        route = router.delete("/pets/p1")
        with sdk_of(kennel) as sdk:
            route.mock(return_value=httpx.Response(422, json=["too old"]))
            with pytest.raises(m.Delete422Error) as raised:
                sdk.pets.delete(pet_id="p1")
            assert raised.value.data == ["too old"]
            route.mock(return_value=httpx.Response(400, json={"message": "no"}))
            with pytest.raises(m.BadRequestError) as plain:
                sdk.pets.delete(pet_id="p1")
    assert plain.value.message == "no"


def test_errors_world_docstrings_return_and_raise(kennel: ModuleType) -> None:
    doc = docstring(type(sdk_of(kennel).pets).get)
    assert "Returns:\n    The response, a `models.Pet`." in doc
    raises = doc[doc.index("Raises:") :].splitlines()
    assert raises[1:6] == [
        "    models.MissingError: Status 404: No such pet.",
        "    models.Get409Error: Status 409: The pet is being moved.",
        "    models.ProblemError: Status 4XX: Any other client error.",
        "    models.Get5XXError: Status 5XX: The kennel failed.",
        "    models.APIError: Any other status: An HTML page from a proxy.",
    ]
    # An argument the spec does not describe gets a sentence, not its own name again.
    assert "    verbose: The query parameter `verbose`." in doc
    assert "pet_id: pet_id" not in doc


# -- streaming_world.yml --------------------------------------------------------------------


@pytest.fixture(scope="module")
def chatter(corpus: Corpus) -> ModuleType:
    return corpus.load("streaming_world")


def sse(*events: str) -> httpx.Response:
    body = "".join(f"{event}\n\n" for event in events).encode()
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


def test_streaming_world_gives_no_warnings(corpus: Corpus) -> None:
    assert corpus.generated["streaming_world"].warnings == []


def test_streaming_world_json_and_event_stream_become_two_methods(chatter: ModuleType) -> None:
    m = chatter.models
    chat = type(sdk_of(chatter).chat)
    assert "stream" not in inspect.signature(chat.create).parameters
    assert "stream" not in inspect.signature(chat.create_stream).parameters
    with respx.mock(base_url="https://chatter.test") as router:
        route = router.post("/chat")
        with sdk_of(chatter) as sdk:
            route.mock(return_value=httpx.Response(200, json={"text": "Hello"}))
            assert sdk.chat.create(prompt="hi") == m.ChatAnswer(text="Hello")
            plain = route.calls.last.request
            route.mock(
                return_value=sse(
                    'event: delta\nid: 7\ndata: {"text":"Hel","index":0}',
                    'data: {"text":"lo","index":1}',
                    "data: [DONE]",
                )
            )
            with sdk.chat.create_stream(prompt="hi") as stream:
                events = list(stream)
            streamed = route.calls.last.request
    assert (plain.content, plain.headers["accept"]) == (b'{"prompt":"hi"}', "application/json")
    assert streamed.content == b'{"prompt":"hi","stream":true}'
    assert streamed.headers["accept"] == "text/event-stream"
    assert events == [
        m.ChatEvent(event="delta", id="7", data=m.Chunk(text="Hel", index=0)),
        m.ChatEvent(id="7", data=m.Chunk(text="lo", index=1)),
    ]
    assert isinstance(events[0].data, m.Chunk)


async def test_streaming_world_data_only_text_and_unions(chatter: ModuleType) -> None:
    m = chatter.models
    with respx.mock(base_url="https://chatter.test") as router:
        router.post("/completions").mock(
            return_value=sse('data: {"text":"a","index":0}', "data: [END]", "data: ignored")
        )
        router.get("/tokens").mock(return_value=sse("data: Hello", "data: world"))
        router.get("/jobs/j1/events").mock(
            return_value=sse(
                'event: progress\ndata: {"percent":50}',
                "event: finished\ndata: all done",
            )
        )
        async with sdk_of(chatter) as sdk:
            chunks = [
                c async for c in await sdk.completions.create_stream_async(prompt="p", stream=True)
            ]
            tokens = [t async for t in await sdk.tokens.list_async()]
            progress = [e async for e in await sdk.jobs.events_async(job_id="j1")]
    assert chunks == [m.Chunk(text="a", index=0)]
    assert tokens == ["Hello", "world"]
    assert [type(e).__name__ for e in progress] == ["Progress", "Finished"]
    assert progress[0].data.percent == 50
    assert progress[1].data == "all done"


def test_streaming_world_required_flag_and_data_with_a_data_key(chatter: ModuleType) -> None:
    m = chatter.models
    with respx.mock(base_url="https://chatter.test") as router:
        route = router.post("/summaries")
        router.get("/logs").mock(return_value=sse('data: {"data":"started","level":"info"}'))
        with sdk_of(chatter) as sdk:
            route.mock(return_value=httpx.Response(200, json={"text": "short"}))
            assert sdk.summaries.create(text="long") == m.ChatAnswer(text="short")
            plain = route.calls.last.request
            route.mock(return_value=sse("data: sho", "data: rt"))
            with sdk.summaries.create_stream(text="long") as stream:
                assert list(stream) == ["sho", "rt"]
            streamed = route.calls.last.request
            with sdk.logs.tail() as lines:
                assert list(lines) == [m.LogLine(data="started", level="info")]
    # A required flag is sent by both methods, as each needs it.
    assert plain.content == b'{"stream":false,"text":"long"}'
    assert streamed.content == b'{"stream":true,"text":"long"}'


# -- the full Atoma spec ---------------------------------------------------------------------

ATOMA_FULL = Path(__file__).parent / "specs" / "world" / "atoma-full.yml"


@pytest.fixture(scope="module")
def atoma_full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("atoma_full")
    generate_package(ATOMA_FULL, out, "corpus_atoma_full", "AtomaSDK")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("corpus_atoma_full")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.split(".")[0] == "corpus_atoma_full"]:
            del sys.modules[name]


USER_MESSAGE = {"role": "user", "content": "Hello"}


def test_atoma_full_chat_create_stream_yields_typed_chunks(atoma_full: ModuleType) -> None:
    m = atoma_full.models
    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}}],
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()

    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    api = atoma_full.AtomaSDK("token", client=client, server_url="https://atoma.test")
    with api, client, api.chat.create_stream(model="m", messages=[USER_MESSAGE]) as stream:
        events = list(stream)
    assert json.loads(sent[0].content) == {"model": "m", "messages": [USER_MESSAGE], "stream": True}
    assert sent[0].headers["accept"] == "text/event-stream"
    assert len(events) == 1  # the [DONE] sentinel ends the stream
    assert isinstance(events[0].data, m.ChatCompletionChunk)
    assert events[0].data.choices[0].delta.content == "Hi"


# -- every package: mypy --strict (last, so that the mypy run overlaps the tests above) --


@pytest.mark.parametrize("stem", list(SPECS))
def test_generated_package_passes_mypy_strict(corpus: Corpus, stem: str) -> None:
    corpus.load(stem)
    errors = corpus.mypy_errors(f"{stem}/")
    assert errors == [], f"mypy --strict on specs/{stem}.yml's package:\n" + "\n".join(errors)
