"""URL-encoded forms that declare a file (`specs/form_files.yml`).

Specs converted from Swagger 2.0 write a `type: file` form parameter as a `format: binary`
property of an `application/x-www-form-urlencoded` body (an image to decode, an
attachment to store). Such a body failed before any request for a file that is not
UTF-8 text: a URL-encoded form has no way to carry a file. It is sent as
`multipart/form-data`, the form that carries files, with a warning; a form without a
file stays URL-encoded.
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"form_files": ("corpus_form_files", "ScannerSDK")}

USAGE = {
    "form_files": """
        from corpus_form_files import ScannerSDK, models


        def use(sdk: ScannerSDK, picture: bytes) -> str:
            sdk.albums.add_pages(album_id=1, pages=[picture, ("b.png", picture)])
            decoded = sdk.codes.decode_code(
                picture=picture, symbology=models.DecodeCodeRequestSymbology.QR
            )
            return decoded.text
    """,
}

BASE = "https://scanner.test/v2"
PNG = b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + bytes(range(256))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_form_files"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def scanner(corpus: Corpus) -> ModuleType:
    return corpus.load("form_files")


def sdk_of(package: ModuleType) -> Any:
    return package.ScannerSDK(retry_config=None)


def parts(request: httpx.Request) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, content) of each part of a multipart request."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    found = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found.append(
            (part.get_param("name", header="content-disposition"), part.get_filename(), payload)
        )
    return found


def test_warnings_name_the_forms_sent_as_multipart(corpus: Corpus) -> None:
    form = "requestBody/content/application~1x-www-form-urlencoded"
    said = "a file in an application/x-www-form-urlencoded body: sent as multipart/form-data, "
    said += "the form that carries files"
    assert corpus.generated["form_files"].warnings == [
        f"#/paths/~1codes~1decode/post/{form}: {said}",
        f"#/paths/~1albums~1{{albumId}}~1pages/post/{form}: {said}",
    ]


def test_a_file_that_is_not_text_is_sent_as_a_multipart_part(scanner: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(scanner) as sdk:
        route = router.post("/codes/decode").respond(200, json={"text": "hello"})
        decoded = sdk.codes.decode_code(
            picture=PNG, symbology=scanner.models.DecodeCodeRequestSymbology.EAN13
        )
    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert parts(request) == [("picture", "picture", PNG), ("symbology", None, b"ean13")]
    assert (type(decoded), decoded.text) == (scanner.models.Decoded, "hello")


def test_a_list_of_files_in_a_referenced_form_schema(scanner: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(scanner) as sdk:
        route = router.post("/albums/7/pages").respond(204)
        result = sdk.albums.add_pages(album_id=7, pages=[PNG, ("two.png", b"\x00")], title="Été")
    assert result is None
    assert parts(route.calls.last.request) == [
        ("pages", "pages", PNG),
        ("pages", "two.png", b"\x00"),
        ("title", None, "Été".encode()),
    ]


def test_a_form_without_a_file_stays_url_encoded(scanner: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(scanner) as sdk:
        route = router.post("/tokens").respond(200, json={"access_token": "t"})
        token = sdk.tokens.create_token(grant_type="client_credentials", scope=["a b", "c"])
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"grant_type=client_credentials&scope=a+b&scope=c"
    assert token.access_token == "t"


async def test_async_methods_send_the_same_parts(scanner: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router:
        route = router.post("/codes/decode").respond(200, json={"text": "x"})
        async with sdk_of(scanner) as sdk:
            decoded = await sdk.codes.decode_code_async(picture=PNG)
    assert parts(route.calls.last.request) == [("picture", "picture", PNG)]
    assert decoded.text == "x"


def test_generated_package_passes_mypy_strict(corpus: Corpus, scanner: ModuleType) -> None:
    errors = corpus.mypy_errors("form_files/")
    assert errors == [], "\n".join(errors)
