"""The generator on specs shaped like the world's: security schemes, parameters in every
location and style, `$ref`s to reusable components, webhooks (specs/security.yml,
parameters_world.yml, components_refs.yml, webhooks.yml).

Each is generated, imported and type-checked with `mypy --strict` (one run, started at
generation, checked last); every method is called against respx with the URL, query,
headers and cookies on the wire checked; the warnings each spec must give are asserted.
"""

from __future__ import annotations

import base64
import inspect
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timezone
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS: dict[str, tuple[str, str]] = {
    "security": ("corpus_security", "VaultCorpusSDK"),
    "parameters_world": ("corpus_parameters_world", "CatalogCorpusSDK"),
    "components_refs": ("corpus_components_refs", "RefsCorpusSDK"),
    "webhooks": ("corpus_webhooks", "HooksCorpusSDK"),
}

#: User code type-checked with the packages: credentials of each kind, parameter models.
USAGE: dict[str, str] = {
    "security": """
        from corpus_security import VaultCorpusSDK


        def use() -> list[str]:
            with VaultCorpusSDK(
                "token",
                basic_auth=("user", "password"),
                api_key_header=lambda: "key",
                session_cookie=None,
            ) as sdk:
                sdk.admin.oauth()
                return sdk.secrets.list()
    """,
    "parameters_world": """
        from corpus_parameters_world import CatalogCorpusSDK, models


        def use(sdk: CatalogCorpusSDK) -> list[str]:
            sdk.orders.update(order_id_path="1", order_id="2", note_header="h", note="n")
            return sdk.products.list(
                store_id=1, filter={"color": "red"}, sizes=[models.Size.S], prefs=["a"]
            )
    """,
}

ENV_PREFIX = "VAULTCORPUSSDK_"
SCHEME_ENV_VARS = [
    f"{ENV_PREFIX}{name}"
    for name in (
        "TOKEN_AUTH",
        "OAUTH",
        "OIDC",
        "BASIC_AUTH",
        "API_KEY_HEADER",
        "APP_ID",
        "QUERY_KEY",
        "SESSION_COOKIE",
    )
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_world"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SCHEME_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def sdk_of(package: ModuleType, *args: Any, **options: Any) -> Any:
    """The package's SDK, with retries off."""
    sdk_class = next(cls for pkg, cls in SPECS.values() if pkg == package.__name__)
    return getattr(package, sdk_class)(*args, retry_config=None, **options)


def warnings_of(corpus: Corpus, stem: str) -> list[str]:
    return corpus.generated[stem].warnings


CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-app-id", "cookie")


def credentials_of(request: httpx.Request) -> dict[str, str]:
    """The credential-bearing headers of a request, and its query."""
    found = {name: request.headers[name] for name in CREDENTIAL_HEADERS if name in request.headers}
    if request.url.query:
        found["query"] = request.url.query.decode()
    return found


# -- security.yml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vault(corpus: Corpus) -> ModuleType:
    return corpus.load("security")


def test_security_schemes_become_constructor_arguments(vault: ModuleType) -> None:
    parameters = inspect.signature(vault.VaultCorpusSDK).parameters
    positional = [n for n, p in parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    # the first bearer scheme comes first, as bearer_auth in 0.1.3; no other scheme is
    # positional (the SDK's own arguments keep their places)
    assert positional[0] == "token_auth"
    schemes = ["oauth", "oidc", "basic_auth", "api_key_header", "app_id", "query_key"]
    schemes.append("session_cookie")
    assert not set(schemes) & set(positional)
    keyword_only = [n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY]
    assert keyword_only[-len(schemes) :] == schemes
    assert set(vault.models.Security.model_fields) == {
        "token_auth",
        "oauth",
        "oidc",
        "basic_auth",
        "api_key_header",
        "app_id",
        "query_key",
        "session_cookie",
    }
    docs = vault.VaultCorpusSDK.__doc__
    assert "`VAULTCORPUSSDK_API_KEY_HEADER` environment variable" in docs
    assert "API key sent as the header `X-API-Key`" in docs


def test_security_api_requirements_token_else_key(vault: ModuleType) -> None:
    with respx.mock(base_url="https://vault.test/api") as router:
        route = router.get("/secrets").respond(200, json=["a"])
        with sdk_of(vault, "tok", api_key_header="key") as sdk:
            assert sdk.secrets.list() == ["a"]
        with sdk_of(vault, api_key_header="key") as sdk:
            sdk.secrets.list()
        with sdk_of(vault) as sdk:
            sdk.secrets.list()
    assert [credentials_of(call.request) for call in route.calls] == [
        {"authorization": "Bearer tok"},
        {"x-api-key": "key"},
        {},
    ]


def test_security_schemes_used_together_else_basic(vault: ModuleType) -> None:
    with respx.mock(base_url="https://vault.test/api") as router:
        route = router.get("/secrets/a%2Fb").respond(204)
        with sdk_of(vault, api_key_header="key", app_id="app", basic_auth=("u", "p")) as sdk:
            sdk.secrets.get(name="a/b")
        with sdk_of(vault, api_key_header="key", basic_auth=("u", "p")) as sdk:
            sdk.secrets.get(name="a/b")
    assert [credentials_of(call.request) for call in route.calls] == [
        {"x-api-key": "key", "x-app-id": "app"},
        {"authorization": "Basic " + base64.b64encode(b"u:p").decode()},
    ]


def test_security_keys_in_query_and_cookie_and_optional_auth(vault: ModuleType) -> None:
    with respx.mock(base_url="https://vault.test/api") as router:
        search = router.get(path="/search").respond(204)
        feed = router.get("/public/feed").respond(204)
        status = router.get("/public/status").respond(204)
        everything = {"api_key_header": "key", "query_key": "q k", "session_cookie": "s1"}
        with sdk_of(vault, "tok", **everything) as sdk:
            sdk.search.run(q="otters")
            sdk.public.feed_get()
            sdk.public.status_get()
        with sdk_of(vault) as sdk:
            sdk.public.feed_get()
    assert credentials_of(search.calls.last.request) == {"query": "q=otters&api_key=q%20k"}
    assert [credentials_of(call.request) for call in feed.calls] == [{"cookie": "SESSION=s1"}, {}]
    assert credentials_of(status.calls.last.request) == {}  # `security: []`


def test_security_oauth_and_openid_tokens_are_bearer_tokens(vault: ModuleType) -> None:
    with respx.mock(base_url="https://vault.test/api") as router:
        oauth = router.post("/admin/oauth").respond(204)
        oidc = router.post("/admin/oidc").respond(204)
        with sdk_of(vault, oauth=lambda: "access-1", oidc="id-2") as sdk:
            sdk.admin.oauth()
            sdk.admin.oidc()
    assert credentials_of(oauth.calls.last.request) == {"authorization": "Bearer access-1"}
    assert credentials_of(oidc.calls.last.request) == {"authorization": "Bearer id-2"}


def test_security_environment_variables_named_from_the_sdk_prefix(
    vault: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULTCORPUSSDK_TOKEN_AUTH", "env-token")
    monkeypatch.setenv("VAULTCORPUSSDK_BASIC_AUTH", "user:pass")
    with respx.mock(base_url="https://vault.test/api") as router:
        secrets = router.get("/secrets").respond(200, json=[])
        one = router.get("/secrets/x").respond(204)
        with sdk_of(vault) as sdk:
            sdk.secrets.list()
            sdk.secrets.get(name="x")
        with sdk_of(vault, "arg-token") as sdk:
            sdk.secrets.list()
    assert [credentials_of(c.request) for c in secrets.calls] == [
        {"authorization": "Bearer env-token"},
        {"authorization": "Bearer arg-token"},
    ]
    assert credentials_of(one.calls.last.request) == {
        "authorization": "Basic " + base64.b64encode(b"user:pass").decode()
    }


def test_security_unsupported_schemes_warn_and_operations_remain(
    corpus: Corpus, vault: ModuleType
) -> None:
    assert warnings_of(corpus, "security") == [
        "#/components/securitySchemes/mtls: security scheme type 'mutualTLS' is not supported",
        "#/components/securitySchemes/digestAuth/scheme: "
        "HTTP 'digest' authentication is not supported",
        "#/paths/~1admin~1mtls/post/security: "
        "no security requirement the SDK supports: no credentials are sent",
    ]
    with respx.mock(base_url="https://vault.test/api") as router:
        mtls = router.post("/admin/mtls").respond(204)
        digest = router.post("/admin/digest").respond(204)
        with sdk_of(vault, "tok") as sdk:
            sdk.admin.mtls()
            sdk.admin.digest()
    assert credentials_of(mtls.calls.last.request) == {}
    assert credentials_of(digest.calls.last.request) == {"authorization": "Bearer tok"}


def test_security_credentials_stay_out_of_repr(vault: ModuleType) -> None:
    with sdk_of(vault, "tok-secret", api_key_header="key-secret") as sdk:
        text = repr(sdk) + repr(sdk._core)
    assert "secret" not in text
    assert sdk._core.sensitive_headers >= {"authorization", "x-api-key", "x-app-id"}


# -- parameters_world.yml -----------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog(corpus: Corpus) -> ModuleType:
    return corpus.load("parameters_world")


def test_parameters_every_style_on_the_wire(catalog: ModuleType) -> None:
    m = catalog.models
    with respx.mock(base_url="https://catalog.test/v1") as router:
        route = router.get(path__startswith="/stores/7/products").respond(200, json=["p"])
        with sdk_of(catalog) as sdk:
            result = sdk.products.list(
                store_id=7,
                x_tenant="acme",
                locale=m.Locale("fr-FR"),
                tags=["a b", "c"],
                ids=[1, 2],
                filter={"color": "red", "price": {"min": 1.5}},
                sizes=[m.Size.S, m.Size.L],
                words=["big", "red"],
                range={"min": 1, "max": 5},
                point={"x": 1, "y": 2},
                in_stock=False,
                since=date(2024, 2, 29),
                after=datetime(2024, 2, 29, 12, 0, tzinfo=timezone.utc),
                x_trace_ids=["t1", "t2"],
                session_id="s 1",
                prefs=["x", "y"],
            )
    assert result == ["p"]
    request = route.calls.last.request
    assert request.url.raw_path.decode() == (
        "/v1/stores/7/products?locale=fr-FR&tags=a%20b&tags=c&ids=1,2"
        "&filter[color]=red&filter[price][min]=1.5&sizes=S%7CL&words=big%20red"
        "&min=1&max=5&point=x,1,y,2&inStock=false&since=2024-02-29"
        "&after=2024-02-29T12%3A00%3A00Z"
    )
    assert request.headers["x-tenant"] == "acme"
    assert request.headers["x-trace-ids"] == "t1,t2"
    assert request.headers["cookie"] == "session_id=s%201; prefs=x,y"


def test_parameters_operation_level_wins_and_accept_is_ignored(
    corpus: Corpus, catalog: ModuleType
) -> None:
    method = catalog.resources.products.Products.list
    arguments = list(inspect.signature(method).parameters)
    assert arguments.count("locale") == 1 and "accept" not in arguments
    assert "the operation's own" in (method.__doc__ or "")
    assert "the path-level one" not in (method.__doc__ or "")
    assert (
        "#/paths/~1stores~1{storeId}~1products/get/parameters/14: "
        "header parameter 'Accept' ignored (the SDK sets it)"
    ) in warnings_of(corpus, "parameters_world")


async def test_parameters_async_method_sends_the_same_request(catalog: ModuleType) -> None:
    with respx.mock(base_url="https://catalog.test/v1") as router:
        route = router.get(path__startswith="/stores/7/products").respond(200, json=[])
        async with sdk_of(catalog) as sdk:
            await sdk.products.list_async(store_id=7, ids=[1, 2], session_id="s")
    request = route.calls.last.request
    assert request.url.raw_path == b"/v1/stores/7/products?ids=1,2"
    assert request.headers["cookie"] == "session_id=s"


def test_parameters_label_and_matrix_paths(catalog: ModuleType) -> None:
    owner = uuid.UUID("12345678-1234-5678-1234-567812345678")
    with respx.mock(base_url="https://catalog.test/v1", assert_all_mocked=True) as router:
        route = router.get(path__startswith="/shapes/").respond(204)
        with sdk_of(catalog) as sdk:
            sdk.shapes.locate(coords=[3, 4], label=["a", "b"], owner=owner)
    assert route.calls.last.request.url.raw_path.decode() == (
        f"/v1/shapes/;coords=3;coords=4/.a,b?owner={owner}"
    )


def test_parameters_colliding_names_are_renamed_with_warnings(
    corpus: Corpus, catalog: ModuleType
) -> None:
    assert [w for w in warnings_of(corpus, "parameters_world") if "taken" in w] == [
        "#/paths/~1orders~1{orderId}/put: the header parameter 'note' would be the "
        "argument 'note', which is taken; it is 'note_header'",
        "#/paths/~1orders~1{orderId}/put: the path parameter 'orderId' would be the "
        "argument 'order_id', which is taken; it is 'order_id_path'",
    ]
    with respx.mock(base_url="https://catalog.test/v1") as router:
        route = router.put(path__startswith="/orders/").respond(204)
        with sdk_of(catalog) as sdk:
            sdk.orders.update(order_id_path="o1", order_id="q1", note_header="h", note="body")
    request = route.calls.last.request
    assert request.url.raw_path == b"/v1/orders/o1?order_id=q1"
    assert request.headers["note"] == "h"
    assert request.content == b'{"note":"body"}'


# -- components_refs.yml ------------------------------------------------------------------


@pytest.fixture(scope="module")
def refs(corpus: Corpus) -> ModuleType:
    return corpus.load("components_refs")


def test_refs_parameters_responses_and_bodies_resolve(corpus: Corpus, refs: ModuleType) -> None:
    assert warnings_of(corpus, "components_refs") == []
    m = refs.models
    with respx.mock(base_url="https://refs.test") as router:
        listed = router.get(path="/notes").respond(200, json=[{"id": 1, "text": "a"}])
        created = router.post("/notes").respond(201, json={"id": 2, "text": "b"})
        with sdk_of(refs) as sdk:
            notes = sdk.notes.list(x_tenant="t1", page_size=10, limit=5)
            note = sdk.notes.create(x_tenant="t1", text="b")
    assert [n.text for n in notes] == ["a"] and isinstance(notes[0], m.Note)
    assert isinstance(note, m.Note) and note.id == 2
    request = listed.calls.last.request
    assert request.url.raw_path == b"/notes?pageSize=10&limit=5"
    assert request.headers["x-tenant"] == "t1"
    assert created.calls.last.request.content == b'{"text":"b"}'


def test_refs_error_response_raises_its_typed_error(refs: ModuleType) -> None:
    with respx.mock(base_url="https://refs.test") as router:
        router.get(path="/notes").respond(404, json={"detail": "gone"})
        with sdk_of(refs) as sdk, pytest.raises(refs.models.NotFoundError) as raised:
            sdk.notes.list(x_tenant="t1")
    assert raised.value.data.detail == "gone"


# -- webhooks.yml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hooks(corpus: Corpus) -> ModuleType:
    return corpus.load("webhooks")


def test_webhook_payloads_become_models_without_methods(corpus: Corpus, hooks: ModuleType) -> None:
    m = hooks.models
    shipment = m.Shipment.model_validate(
        {"orderId": "o1", "carrier": "ups", "deliveredAt": "2024-01-02T03:04:05Z", "new": 1}
    )
    assert shipment.delivered_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert shipment.new == 1  # received models keep what the sender adds
    paid = m.InvoicePaidPayload.model_validate_json(b'{"invoiceId":"i","amount":2.5}')
    assert (paid.invoice_id, paid.amount) == ("i", 2.5)
    assert m.RefundPayload.model_validate({"refundId": "r"}).refund_id == "r"
    user = m.UserDeletedPayload.model_validate({"userId": "12345678-1234-5678-1234-567812345678"})
    assert user.user_id == uuid.UUID("12345678-1234-5678-1234-567812345678")
    with respx.mock(base_url="https://hooks.test") as router, sdk_of(hooks) as sdk:
        # the only resource is the one with a path; webhooks add none
        resources = [n for n in vars(type(sdk)) if not n.startswith("_") and n != "with_options"]
        assert resources == ["subscriptions"]
        route = router.post("/subscriptions").respond(204)
        assert sdk.subscriptions.create(url="https://me.test/hook") is None
    assert route.calls.last.request.content == b'{"url":"https://me.test/hook"}'
    assert warnings_of(corpus, "webhooks") == [
        "#/webhooks/logLine/post/requestBody/content: "
        "webhook 'logLine' skipped: its payload is not JSON"
    ]
    reference = (corpus.generated["webhooks"].out / "docs" / "reference.md").read_text()
    assert (
        "* `orderShipped` (POST) - [models.Shipment](models/shipment.md)\n"
        "* `invoicePaid` (POST) - [models.InvoicePaidPayload](models/invoicepaidpayload.md)\n"
    ) in reference
    assert "logLine" not in reference


# -- every package: mypy --strict (last, so that the mypy run overlaps the tests above) --


@pytest.mark.parametrize("stem", list(SPECS))
def test_generated_package_passes_mypy_strict(corpus: Corpus, stem: str) -> None:
    corpus.load(stem)
    errors = corpus.mypy_errors(f"{stem}/")
    assert errors == [], f"mypy --strict on specs/{stem}.yml's package:\n" + "\n".join(errors)
