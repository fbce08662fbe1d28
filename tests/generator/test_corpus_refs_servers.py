"""The generator on `$ref`s and `servers` as hand-written specs write them
(specs/refs_world.yml with the files in specs/refs_world/, servers_world.yml,
servers_relative.yml, servers_none.yml).

Each is generated, imported and type-checked with `mypy --strict`; the requests are
checked on the wire with `httpx.MockTransport`, and the warnings each spec gives asserted.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from test_corpus import Corpus, generated_corpus

SPECS: dict[str, tuple[str, str]] = {
    "refs_world": ("corpus_refs_world", "RefsWorldSDK"),
    "servers_world": ("corpus_servers_world", "ServersWorldSDK"),
    "servers_relative": ("corpus_servers_relative", "ServersRelativeSDK"),
    "servers_none": ("corpus_servers_none", "ServersNoneSDK"),
}

USAGE: dict[str, str] = {
    "refs_world": """
        from typing import Optional

        from corpus_refs_world import RefsWorldSDK, models


        def use(sdk: RefsWorldSDK) -> Optional[models.Widget]:
            sdk.widgets.list_widgets(color=models.PaintColor.RED)
            price: models.MoneyTypedDict = {"amount": "1", "currency": models.Currency.EUR}
            sdk.widgets.replace_widget(widget_id="w", label="x", price=price)
            return sdk.widgets.get_widget(widget_id="w")
    """,
}

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_refs_servers"), SPECS, USAGE) as found:
        yield found


def sdk_with(package: ModuleType, handler: Handler, **options: Any) -> Any:
    sdk_class = getattr(package, SPECS[package.__name__.removeprefix("corpus_")][1])
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return sdk_class(client=client, retry_config=None, **options)


def recorder(
    seen: list[httpx.Request], status: int = 200, body: object = None, text: str | None = None
) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if text is not None:
            return httpx.Response(status, text=text)
        return httpx.Response(status, content=json.dumps(body).encode(), headers={
            "Content-Type": "application/json"
        })  # fmt: skip

    return handler


# -- $refs ---------------------------------------------------------------------------------


def test_refs_world_generates_with_only_the_expected_warnings(corpus: Corpus) -> None:
    corpus.load("refs_world")
    assert corpus.generated["refs_world"].warnings == [
        "#/paths/~1odd/get/responses/200/content/application~1json/schema/properties/lost: "
        "$ref '#nowhere': no schema declares this $anchor or $id; typed as Any",
        "#: Unevaluated properties are not allowed ('$defs' was unexpected)",
    ]


def mentions(annotation: Any) -> set[Any]:
    """Every type an annotation is made of (through Optional, Union, Annotated, list)."""
    found = {annotation}
    for argument in typing.get_args(annotation):
        found |= mentions(argument)
    return found


def field_types(model: Any, name: str) -> set[Any]:
    return mentions(model.model_fields[name].annotation)


def test_a_ref_to_a_nested_place_is_one_class_with_its_home(corpus: Corpus) -> None:
    pkg = corpus.load("refs_world")
    models = pkg.models
    # one class per object, however many `$ref`s point at it (no `PaintColor2`)
    item = corpus.generated["refs_world"]
    modules = sorted(f.stem for f in (item.out / item.package / "models").glob("*.py"))
    assert modules == [
        "__init__", "createwidgetrequest", "currency", "deep", "detail", "getresponse",
        "money", "odd", "oddab", "oddtilde", "paint", "paintcolor", "problem", "problemcode",
        "replacewidgetresponse", "security", "stamp", "tree", "treenode", "widget",
    ]  # fmt: skip
    # Paint.color and the `color` parameter that points at it
    assert models.PaintColor in field_types(models.Paint, "color")
    # a `$defs` entry, a property of an inline object that refers to itself, escaped pointers
    assert models.Paint in field_types(models.Widget, "paint")
    # a model using a recursive one imports it as usual; the recursive model's own fields
    # are annotated by name
    assert models.TreeNode in field_types(models.Tree, "node")
    assert "TreeNode" in repr(models.TreeNode.model_fields["children"].annotation)
    assert models.OddAB in field_types(models.Odd, "a_b")
    response = models.GetResponse
    assert models.OddAB in field_types(response, "slash")
    assert int in field_types(response, "space")
    assert models.OddTilDe in field_types(response, "tilde")
    assert bool in field_types(response, "chain")  # a $ref to a $ref to a property
    assert models.Stamp in field_types(response, "stamped")  # by $id, beside `type`
    assert models.Stamp in field_types(models.CreateWidgetRequest, "stamp")  # by $anchor
    # other files, two folders down and back up: one enum for both of its places
    assert models.ProblemCode in field_types(models.Deep, "problem_code")
    assert models.ProblemCode in field_types(models.Problem, "code")
    assert models.Currency in field_types(models.Money, "currency")


def test_refs_world_requests_on_the_wire(corpus: Corpus) -> None:
    pkg = corpus.load("refs_world")
    seen: list[httpx.Request] = []
    sdk = sdk_with(pkg, recorder(seen, 200, [{"id": "w1", "label": "one"}]))
    widgets = sdk.widgets.list_widgets(color=pkg.models.PaintColor.GREEN)
    assert [w.label for w in widgets] == ["one"]
    # the server URL ends with a slash; the path starts with one: one slash between
    assert str(seen[-1].url) == "https://refs-world.test/v1/widgets?color=green"
    sdk = sdk_with(pkg, recorder(seen, 201, {"id": "r1", "code": "gone"}))
    receipt = sdk.widgets.create_widget(
        color="red",
        label="new",
        price={"amount": "2.50", "currency": "USD"},
        stamp={"text": "ok"},
    )
    assert receipt.code is pkg.models.ProblemCode.GONE
    assert seen[-1].method == "POST"
    assert str(seen[-1].url) == "https://refs-world.test/v1/widgets?color=red"
    assert json.loads(seen[-1].content) == {
        "label": "new",
        "price": {"amount": "2.50", "currency": "USD"},
        "stamp": {"text": "ok"},
    }


def test_a_label_refd_from_another_place_keeps_its_constraints(corpus: Corpus) -> None:
    pkg = corpus.load("refs_world")
    sdk = sdk_with(pkg, recorder([], 200, {"id": "r"}))
    with pytest.raises(pkg.InvalidArgumentError) as caught:
        sdk.widgets.replace_widget(widget_id="w", label="")
    assert "label" in str(caught.value)


def test_a_nullable_success_body_returns_none(corpus: Corpus) -> None:
    pkg = corpus.load("refs_world")
    hints = typing.get_type_hints(type(sdk_with(pkg, recorder([])).widgets).get_widget)
    assert hints["return"] == typing.Optional[pkg.models.Widget]
    seen: list[httpx.Request] = []
    assert sdk_with(pkg, recorder(seen, 200, None)).widgets.get_widget(widget_id="w 1") is None
    assert str(seen[-1].url) == "https://refs-world.test/v1/widgets/w%201"
    found = sdk_with(pkg, recorder(seen, 200, {"id": "w", "label": "x"})).widgets.get_widget(
        widget_id="w"
    )
    assert isinstance(found, pkg.models.Widget) and found.label == "x"


# -- servers -------------------------------------------------------------------------------


def test_servers_world_generates_without_warnings(corpus: Corpus) -> None:
    corpus.load("servers_world")
    assert corpus.generated["servers_world"].warnings == []


def test_server_variables_take_their_defaults_or_url_params(corpus: Corpus) -> None:
    pkg = corpus.load("servers_world")
    seen: list[httpx.Request] = []
    sdk_with(pkg, recorder(seen, 200, [])).reports.list_reports()
    sdk_with(pkg, recorder(seen, 200, []), url_params={"region": "us"}).reports.list_reports()
    sdk_with(pkg, recorder(seen, 200, []), url_params={"version": "v2"}).reports.list_reports()
    sdk_with(pkg, recorder(seen, 200, []), server_idx=1).reports.list_reports()
    assert [str(r.url) for r in seen] == [
        "https://eu.servers.test/v1/reports",
        "https://us.servers.test/v1/reports",
        "https://eu.servers.test/v2/reports",
        "https://sandbox.servers.test/v1/reports",
    ]


def test_a_server_variable_outside_its_enum_is_refused(corpus: Corpus) -> None:
    pkg = corpus.load("servers_world")
    with pytest.raises(ValueError) as caught:
        sdk_with(pkg, recorder([]), url_params={"region": "mars"})
    assert str(caught.value) == (
        "url_params['region'] must be one of 'eu', 'us' (the values the server URL "
        "'https://{region}.servers.test/{version}' allows), got 'mars'"
    )


def test_operations_with_servers_of_their_own(corpus: Corpus) -> None:
    pkg = corpus.load("servers_world")
    seen: list[httpx.Request] = []
    sdk = sdk_with(pkg, recorder(seen, 201, {"id": "u"}))
    sdk.uploads.create_upload(name="a")
    sdk_with(
        pkg, recorder(seen, 201, {"id": "u"}), url_params={"bucket": "b2"}
    ).uploads.create_upload(name="a")
    # the SDK's server_url does not move an operation that names its own server...
    sdk_with(pkg, recorder(seen, 201, {}), server_url="https://proxy.test").uploads.create_upload(
        name="a"
    )
    # ...a call's server_url does
    sdk.uploads.create_upload(name="a", server_url="https://mock.test/up")
    # a relative operation server is resolved against the SDK's URL
    sdk_with(pkg, recorder(seen, text="csv")).reports.export_report(report_id="r1")
    sdk_with(
        pkg, recorder(seen, text="csv"), server_url="https://proxy.test/api/"
    ).reports.export_report(report_id="r1")
    # servers that repeat the root's are the root's
    sdk_with(pkg, recorder(seen, 204), url_params={"region": "us"}).reports.check_health()
    assert [str(r.url) for r in seen] == [
        "https://uploads.servers.test/main/uploads",
        "https://uploads.servers.test/b2/uploads",
        "https://uploads.servers.test/main/uploads",
        "https://mock.test/up/uploads",
        "https://eu.servers.test/exports/reports/r1/export",
        "https://proxy.test/exports/reports/r1/export",
        "https://us.servers.test/v1/health",
    ]


@pytest.mark.parametrize(
    ("stem", "message"),
    [
        (
            "servers_relative",
            "server_url is required: the API's spec gives its server as the relative URL "
            "'/api/v3' (relative to where the spec is served); pass the full URL, such as "
            "server_url='https://<host>/api/v3', or set the SERVERSRELATIVESDK_SERVER_URL "
            "environment variable",
        ),
        (
            "servers_none",
            "server_url is required: the API's spec names no server (pass "
            "server_url='https://...', or set the SERVERSNONESDK_SERVER_URL environment "
            "variable)",
        ),
    ],
)
def test_a_relative_or_absent_server_needs_server_url(
    corpus: Corpus, stem: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = corpus.load(stem)
    assert corpus.generated[stem].warnings == []
    env_var = f"{SPECS[stem][1].upper()}_SERVER_URL"
    monkeypatch.delenv(env_var, raising=False)
    with pytest.raises(ValueError) as caught:
        sdk_with(pkg, recorder([]))
    assert str(caught.value) == message
    seen: list[httpx.Request] = []
    resource = "pets" if stem == "servers_relative" else "health"
    method = "list" if stem == "servers_relative" else "ping"
    sdk = sdk_with(pkg, recorder(seen, 200, []), server_url="https://shop.test/api/v3")
    getattr(getattr(sdk, resource), method)()
    monkeypatch.setenv(env_var, "https://env.test/api/v3")
    getattr(getattr(sdk_with(pkg, recorder(seen, 200, [])), resource), method)()
    path = "/pets" if stem == "servers_relative" else "/ping"
    assert [str(r.url) for r in seen] == [
        f"https://shop.test/api/v3{path}",
        f"https://env.test/api/v3{path}",
    ]


def test_every_package_passes_mypy_strict(corpus: Corpus) -> None:
    for stem in SPECS:
        corpus.load(stem)
    code, lines = corpus.mypy_result()
    assert code == 0, "\n".join(lines)


@pytest.mark.parametrize(
    ("server", "path"),
    [("https://a.test/v1", "/x"), ("https://a.test/v1/", "/x"), ("https://a.test/v1/", "x")],
)
def test_a_server_url_and_a_path_join_with_one_slash(server: str, path: str) -> None:
    from atoma_sdk._runtime.requests import operation_url

    assert str(operation_url(server, path)) == "https://a.test/v1/x"
