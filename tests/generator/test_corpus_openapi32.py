"""OpenAPI 3.2 and callbacks (specs/openapi32.yml): the version is accepted and validated
against its own document schema; the `query` method, a `querystring` parameter and
`itemSchema` streams (events, JSON Lines) become typed methods; `additionalOperations`
and each callback are named in one warning, and the paths inside callbacks give no
false warnings.

The package is generated, imported and type-checked with `mypy --strict`; its methods are
called against respx (method, URL, body on the wire; parsed responses and events).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"openapi32": ("corpus_openapi32", "LedgerCorpusSDK")}

USAGE = {
    "openapi32": """
        from corpus_openapi32 import LedgerCorpusSDK, models


        def use(sdk: LedgerCorpusSDK) -> list[models.Entry]:
            for event in sdk.entries.feed():
                assert isinstance(event.data, models.Entry)
            sdk.entries.export(selection={"account": "a", "limit": 1})
            return sdk.search.find(account="a", min_amount=1)
    """,
}

ENTRY = {"id": "e1", "account": "cash", "amount": 5}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_openapi32"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def ledger(corpus: Corpus) -> ModuleType:
    return corpus.load("openapi32")


def sdk_of(package: ModuleType) -> Any:
    return package.LedgerCorpusSDK(retry_config=None)


def test_warnings_name_each_callback_and_what_is_left_out(corpus: Corpus) -> None:
    create = "#/paths/~1ledgers~1{ledgerId}~1entries/post/callbacks"
    assert corpus.generated["openapi32"].warnings == [
        f"{create}/entryPosted: callbacks are not generated: 'entryPosted' is left out "
        "(a request the API sends, not one the SDK makes)",
        f"{create}/entryVoided: callbacks are not generated: 'entryVoided' is left out "
        "(a request the API sends, not one the SDK makes)",
        "#/paths/~1entries/additionalOperations/PURGE: a PURGE operation "
        "(additionalOperations) is not generated",
    ]


def test_the_query_method_sends_its_body(ledger: ModuleType) -> None:
    with respx.mock(base_url="https://ledger.test") as router, sdk_of(ledger) as sdk:
        route = router.route(method="QUERY", path="/entries").respond(200, json=[ENTRY])
        found = sdk.search.find(account="cash", min_amount=2)
    request = route.calls.last.request
    assert (request.method, str(request.url)) == ("QUERY", "https://ledger.test/entries")
    assert json.loads(request.content) == {"account": "cash", "minAmount": 2}
    assert [type(e) for e in found] == [ledger.models.Entry]
    assert found[0].model_dump() == ENTRY


def test_a_querystring_parameter_is_the_query_string(ledger: ModuleType) -> None:
    with respx.mock(base_url="https://ledger.test") as router, sdk_of(ledger) as sdk:
        route = router.get("/entries/export").respond(
            200,
            content=json.dumps(ENTRY).encode() + b"\n",
            headers={"content-type": "application/jsonl"},
        )
        with sdk.entries.export(selection={"account": "cash", "limit": 2}) as stream:
            entries = list(stream)
    assert str(route.calls.last.request.url) == (
        "https://ledger.test/entries/export?account=cash&limit=2"
    )
    assert [(type(e), e.model_dump()) for e in entries] == [(ledger.models.Entry, ENTRY)]


FEED = (
    b'event: posted\nid: 1\ndata: {"id":"e1","account":"cash","amount":5}\n\n'
    b'data: {"id":"e2","account":"bank","amount":-3}\n\n'
)


@pytest.mark.parametrize("method", ["feed", "changes"])
def test_item_schema_events_are_typed(ledger: ModuleType, method: str) -> None:
    models = ledger.models
    with respx.mock(base_url="https://ledger.test") as router, sdk_of(ledger) as sdk:
        router.get(f"/entries/{method}").respond(
            200, content=FEED, headers={"content-type": "text/event-stream"}
        )
        with getattr(sdk.entries, method)() as stream:
            events = list(stream)
    assert [type(e.data) for e in events] == [models.Entry, models.Entry]
    assert [e.data.amount for e in events] == [5, -3]
    assert [e.event for e in events] == ["posted", None]


def test_callbacks_and_additional_operations_make_no_methods(ledger: ModuleType) -> None:
    methods = {
        name
        for resource in ("entries", "search")
        for name, _ in inspect.getmembers(
            getattr(ledger.resources, resource).__dict__[resource.title()], inspect.isfunction
        )
        if not name.startswith("_") and not name.endswith("_async")
    }
    assert methods == {"create", "export", "feed", "changes", "find"}


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("openapi32")
    errors = corpus.mypy_errors("openapi32/")
    assert errors == [], "\n".join(errors)
