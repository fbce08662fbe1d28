"""The generator on shapes from a sweep of large public specs that generated wrong code
(specs/public_apis_world.yml): `readOnly`/`writeOnly` on the schema a property's `$ref`
names; a `text/*` body whose schema is a binary string; a `pattern` with Unicode classes.

The package is generated, imported and type-checked with `mypy --strict`; each method is
called through an `httpx.MockTransport`, the request on the wire and the parsed result
checked.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from test_corpus import Corpus, Recorder, generated_corpus

SPECS = {"public_apis_world": ("corpus_public_apis_world", "PublicAPIsWorldSDK")}

#: User code type-checked with the package: the arguments a caller writes.
USAGE = {
    "public_apis_world": """
        from corpus_public_apis_world import PublicAPIsWorldSDK, models


        def use(sdk: PublicAPIsWorldSDK) -> models.Contact:
            sdk.contacts.add_note(contact_id="c1", text="hello")
            sdk.files.upload_certificate(body=b"cert")
            with open("clip.mp4", "rb") as clip:
                print(sdk.files.upload_media(body=clip).id)
            return sdk.contacts.add_contact(name="Ada", passcode="1234")
    """
}

BASE = "https://public.test/v2"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus_public_apis_world")
    with generated_corpus(root, SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def world(corpus: Corpus) -> ModuleType:
    return corpus.load("public_apis_world")


@pytest.fixture
def wire(world: ModuleType) -> Iterator[tuple[Any, Recorder]]:
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    with world.PublicAPIsWorldSDK(client=client, retry_config=None) as sdk:
        yield sdk, recorder


def _arguments(method: Any) -> dict[str, bool]:
    """The spec's arguments of `method` (before `retries`): name -> required."""
    found: dict[str, bool] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "retries":
            break
        found[name] = parameter.default is inspect.Parameter.empty
    return found


def test_read_only_through_a_ref_is_no_required_argument(
    world: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    # Contact is sent and received: the server's fields stay, optional on both sides
    assert _arguments(sdk.contacts.add_contact) == {
        "name": True,
        "id": False,
        "created": False,
        "passcode": False,
    }
    recorder.answer = lambda _: httpx.Response(
        201, json={"id": "c9", "created": "2024-05-06T07:08:09Z", "name": "Ada"}
    )
    contact = sdk.contacts.add_contact(name="Ada", passcode="1234")
    assert (recorder.last.method, str(recorder.last.url)) == ("POST", f"{BASE}/contacts")
    assert json.loads(recorder.last.content) == {"name": "Ada", "passcode": "1234"}
    # the write-only passcode is not in the answer, though the schema requires it
    assert contact == world.models.Contact(
        id="c9", created=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc), name="Ada"
    )
    assert contact.passcode is None


def test_read_only_through_a_chain_of_refs_is_left_out_of_a_sent_model(
    wire: tuple[Any, Recorder],
) -> None:
    sdk, recorder = wire
    assert _arguments(sdk.contacts.add_note) == {"contact_id": True, "text": True}
    assert sdk.contacts.add_note(contact_id="c9", text="hello") is None
    assert (recorder.last.method, str(recorder.last.url)) == ("POST", f"{BASE}/contacts/c9/notes")
    assert json.loads(recorder.last.content) == {"text": "hello"}


def test_a_text_body_declared_binary_takes_bytes_sent_as_they_are(
    wire: tuple[Any, Recorder],
) -> None:
    sdk, recorder = wire
    assert str(inspect.signature(sdk.files.upload_certificate).parameters["body"].annotation) == (
        "FileContent"
    )
    der = b"0\x82\x01\n\xff\x00"  # not UTF-8
    assert sdk.files.upload_certificate(body=der) is None
    request = recorder.last
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/certificates")
    assert (request.content, request.headers["content-type"]) == (der, "text/plain")


def test_a_text_body_declared_binary_beside_another_binary_type(
    wire: tuple[Any, Recorder],
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(200, json={"id": "m1"})
    assert sdk.files.upload_media(body=io.BytesIO(b"\x00\x00\x00\x18ftypmp42")).id == "m1"
    assert (recorder.last.content, recorder.last.headers["content-type"]) == (
        b"\x00\x00\x00\x18ftypmp42",
        "text/plain",
    )
    # the caller names the type the bytes are in
    sdk.files.upload_media(body=b"\x00\x01", http_headers={"Content-Type": "video/mp4"})
    assert (recorder.last.content, recorder.last.headers["content-type"]) == (
        b"\x00\x01",
        "video/mp4",
    )


def test_a_pattern_with_unicode_classes_is_enforced(
    world: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    assert sdk.contacts.put_tag(key="Größe 1.x") is None
    assert (recorder.last.method, str(recorder.last.url)) == ("PUT", f"{BASE}/tags")
    assert json.loads(recorder.last.content) == {"key": "Größe 1.x"}
    sent = len(recorder.requests)
    with pytest.raises(world.InvalidArgumentError, match="must match the pattern"):
        sdk.contacts.put_tag(key="a#b")
    assert len(recorder.requests) == sent  # refused before any I/O


def test_warnings(corpus: Corpus) -> None:
    assert corpus.generated["public_apis_world"].warnings == []


def test_mypy_strict(corpus: Corpus) -> None:
    assert corpus.mypy_errors("public_apis_world/") == []
