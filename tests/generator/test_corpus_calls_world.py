"""The generator on shapes that broke calls of SDKs generated from large public specs
(specs/calls_world.yml): body properties named like a method's locals or the runtime
module it calls, a `204` declaring content, `items` without `type`, a union member that
is also an answer of its own, a model outside a reference cycle that uses its union, a
`*/*` body described by a schema.

The package is generated, imported and type-checked with `mypy --strict`; each method is
called through an `httpx.MockTransport` answering what the spec allows, the request on
the wire and the parsed result checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from test_corpus import Corpus, Recorder, generated_corpus

SPECS = {"calls_world": ("corpus_calls_world", "CallsWorldSDK")}

#: User code type-checked with the package: the argument names are the spec's.
USAGE = {
    "calls_world": """
        from typing import Any, Union

        from corpus_calls_world import CallsWorldSDK, models


        def use(sdk: CallsWorldSDK) -> Union[list[models.Channel], Any]:
            comment: models.Comment = sdk.comments.update_comment(
                comment_id=1, body="b", params="p", options=[{"name": "n"}]
            )
            sdk.teams.remove_member(team_id="t")
            me: models.PrivateUser = sdk.users.update_me(name=comment.body)
            drawn: models.Drawn = sdk.draws.sealed_draw(
                confidential=True, model=me.login, size="1x1"
            )
            return sdk.channels.open_channel().channel
    """
}

BASE = "https://calls.test/v1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus_calls_world")
    with generated_corpus(root, SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def calls(corpus: Corpus) -> ModuleType:
    return corpus.load("calls_world")


@pytest.fixture
def wire(calls: ModuleType) -> Iterator[tuple[Any, Recorder]]:
    recorder = Recorder()
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    with calls.CallsWorldSDK(client=client, retry_config=None) as sdk:
        yield sdk, recorder


def test_body_properties_named_like_the_methods_locals(
    calls: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(200, json={"id": 5, "body": "hi"})
    comment = sdk.comments.update_comment(
        comment_id=5, body="hi", params="p", options=[{"name": "a"}]
    )
    assert comment == calls.models.Comment(id=5, body="hi")
    assert (recorder.last.method, str(recorder.last.url)) == ("PATCH", f"{BASE}/comments/5")
    assert json.loads(recorder.last.content) == {
        "body": "hi",
        "params": "p",
        "options": [{"name": "a"}],
    }


def test_a_204_declaring_content_returns_none(wire: tuple[Any, Recorder]) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(204)
    assert sdk.teams.remove_member(team_id="t1") is None
    assert (recorder.last.method, str(recorder.last.url)) == ("POST", f"{BASE}/teams/t1/remove")


def test_items_without_type_takes_an_array_or_any_other_value(
    calls: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(200, json={"channel": [{"id": "C1"}]})
    assert sdk.channels.open_channel().channel == [calls.models.Channel(id="C1")]
    recorder.answer = lambda _: httpx.Response(200, json={"channel": {"id": "C2"}})
    assert sdk.channels.open_channel().channel == {"id": "C2"}


def test_a_union_member_answering_alone_needs_no_tag(
    calls: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    models = calls.models
    recorder.answer = lambda _: httpx.Response(200, json={"login": "octo", "plan": "pro"})
    me = sdk.users.update_me(name="octo")
    assert (type(me), me.login, me.view, me.plan) == (models.PrivateUser, "octo", None, "pro")
    assert json.loads(recorder.last.content) == {"name": "octo"}
    # in the union, the tag still chooses the member
    for view, kind in [
        ("private", models.PrivateUser),
        ("public", models.PublicUser),
        ("robot", models.UnknownVariant),
    ]:
        recorder.answer = lambda _, v=view: httpx.Response(200, json={"login": "o", "view": v})
        assert type(sdk.users.get_me()) is kind


def test_a_confidential_request_property_named_like_the_runtime_module(
    calls: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    """`confidential=` is the spec's argument; the method still reaches the runtime's
    confidential call (here: the lock, refused)."""
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(500, json={})
    with pytest.raises(calls.ConfidentialLockError):
        sdk.draws.sealed_draw(confidential=True, model="m", size="2x2")
    assert (recorder.last.method, str(recorder.last.url)) == ("POST", f"{BASE}/lock")
    assert json.loads(recorder.last.content) == {"model": "m", "max_num_tokens": 4}


def test_a_model_outside_a_cycle_using_its_union_parses(
    calls: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    models = calls.models
    where = {"operator": "and", "clauses": [{"field": "a", "value": "1"}]}
    recorder.answer = lambda _: httpx.Response(200, json={"queries": [{"where": where}]})
    parsed = sdk.queries.parse(queries=["a = 1"])
    compound = parsed.queries[0].where
    assert isinstance(compound, models.CompoundClause)
    assert compound.clauses == [models.FieldClause(field="a", value="1")]
    assert json.loads(recorder.last.content) == {"queries": ["a = 1"]}


def test_a_body_of_any_type_with_a_schema_is_json(
    calls: ModuleType, wire: tuple[Any, Recorder]
) -> None:
    sdk, recorder = wire
    recorder.answer = lambda _: httpx.Response(201, json={"id": "c1"})
    assert sdk.configs.create_config(id="c1") == calls.models.Channel(id="c1")
    assert recorder.last.headers["content-type"] == "application/json"
    assert json.loads(recorder.last.content) == {"id": "c1"}
    # without a schema of values, the bytes themselves
    recorder.answer = lambda _: httpx.Response(204)
    assert sdk.configs.upload_config(body=b"\x00raw") is None
    assert recorder.last.content == b"\x00raw"


def test_warnings(corpus: Corpus) -> None:
    assert corpus.generated["calls_world"].warnings == [
        "#/paths/~1teams~1{team_id}~1remove/post/responses/204/content: a 204 response has "
        "no body; its content is ignored",
        "#/paths/~1channels~1open/get/responses/200/content/application~1json/schema/"
        "properties/channel: `items` without `type: array`; a value that is not an array is "
        "kept as it is",
    ]


def test_mypy_strict(corpus: Corpus) -> None:
    assert corpus.mypy_errors("calls_world/") == []
