"""`allowReserved` in a URL-encoded form body's `encoding` (specs/form_allow_reserved.yml):
the reserved characters of those properties' values (`:/?[]@!$&'()*+,;=`) are sent as
they are, as a query parameter with `allowReserved` sends them (before, the form
percent-encoded them all); the other properties stay encoded, with their own style. In a
multipart body `allowReserved` means nothing and changes nothing.

The package is generated, imported and type-checked with `mypy --strict`; calls against
respx check the exact bytes of the body sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"form_allow_reserved": ("corpus_link_forms", "LinkFormsSDK")}

USAGE = {
    "form_allow_reserved": """
        from corpus_link_forms import LinkFormsSDK


        def use(sdk: LinkFormsSDK) -> None:
            sdk.links.create_link(target="https://a.test/?q=1", paths=["a/b"], where={"path": "/"})
            sdk.uploads.upload(source="a/b")
    """,
}

BASE_URL = "https://links.test"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_link_forms"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def forms(corpus: Corpus) -> ModuleType:
    return corpus.load("form_allow_reserved")


def sdk_of(package: ModuleType) -> Any:
    return package.LinkFormsSDK(retry_config=None)


def test_the_spec_generates_without_warnings(corpus: Corpus) -> None:
    assert corpus.generated["form_allow_reserved"].warnings == []


def test_reserved_characters_of_allow_reserved_properties_are_sent_raw(
    forms: ModuleType,
) -> None:
    with respx.mock(base_url=BASE_URL) as router, sdk_of(forms) as sdk:
        route = router.post("/links").respond(204)
        sdk.links.create_link(
            target="https://a.test/x?y=1&z=[2]",
            note="a b&c/d",
            paths=["a/b", "c:d"],
            where={"path": "/x y", "host": "h:1"},
            plain="p/q&r",
        )
        request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == (
        b"target=https://a.test/x?y=1&z=[2]"
        b"&note=a+b%26c%2Fd"
        b"&paths=a/b&paths=c:d"
        b"&where[path]=/x%20y&where[host]=h:1"
        b"&plain=p%2Fq%26r"
    )


def test_allow_reserved_changes_nothing_in_a_multipart_body(forms: ModuleType) -> None:
    with respx.mock(base_url=BASE_URL) as router, sdk_of(forms) as sdk:
        route = router.post("/uploads").respond(204)
        sdk.uploads.upload(source="a/b?c")
        request = route.calls.last.request
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    assert request.content == (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="source"\r\n\r\n'
        b"a/b?c\r\n--" + boundary + b"--\r\n"
    )


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("form_allow_reserved")
    errors = corpus.mypy_errors("form_allow_reserved/")
    assert errors == []
