"""Discriminators that rely on OpenAPI's implicit mapping (the tag is the member's schema
name) while the member writes another value for the tag property
(`specs/implicit_tags.yml`).

In published specs the member's own `example` is the tag the API really sends
(`type: {example: user}` in `User`: exavault's users, telnyx's detail records) or shows
that the property is no tag at all (`type: {example: g6-standard-1}` in Linode's
`Linode`: the plan). Narrowing the member's field to its schema name made every response
with the real value fail, wherever the model was used, and took the argument away from
requests. Such a union is told apart by shape, with a warning, and the field keeps its
type; a member whose example is its name, or that has none, still gets its tag.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Literal

import pytest
import respx
from test_corpus import Corpus, generated_corpus, resource_class, signature_of

SPECS = {"implicit_tags": ("corpus_implicit_tags", "HostingSDK")}

USAGE = {
    "implicit_tags": """
        from corpus_implicit_tags import HostingSDK, models


        def use(sdk: HostingSDK) -> str:
            server = sdk.servers.create_server(type="g6-standard-1", label="web")
            user: models.User = sdk.users.get_user(user_id=1)
            return server.type + user.type
    """,
}

BASE = "https://hosting.test/v4"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_implicit_tags"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def hosting(corpus: Corpus) -> ModuleType:
    return corpus.load("implicit_tags")


def sdk_of(package: ModuleType) -> Any:
    return package.HostingSDK(retry_config=None)


def test_warnings_name_the_member_and_the_value_it_writes(corpus: Corpus) -> None:
    tail = "and the mapping names no value for it: the discriminator is ignored"
    assert corpus.generated["implicit_tags"].warnings == [
        "#/paths/~1feed/get/responses/200/content/application~1json/schema/properties/included/"
        "items/discriminator: User writes 'user' as its 'type' (example or default), not its "
        f"name 'User', {tail}",
        "#/paths/~1tagged/get/responses/200/content/application~1json/schema/items/"
        "discriminator: Server writes 'g6-standard-1' as its 'type' (example or default), "
        f"not its name 'Server', {tail}",
    ]


def test_a_member_answered_on_its_own_keeps_the_value_the_api_sends(hosting: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(hosting) as sdk:
        router.get("/users/7").respond(200, json={"type": "user", "name": "Ann"})
        user = sdk.users.get_user(user_id=7)
    assert (type(user), user.type, user.name) == (hosting.models.User, "user", "Ann")


def test_the_union_is_told_apart_by_shape(hosting: ModuleType) -> None:
    included = [{"type": "user", "name": "Ann"}, {"type": "group", "title": "Ops"}]
    with respx.mock(base_url=BASE) as router, sdk_of(hosting) as sdk:
        router.get("/feed").respond(200, json={"included": included})
        feed = sdk.feed.get()
    assert [type(item) for item in feed.included] == [hosting.models.User, hosting.models.Group]
    assert [item.model_dump() for item in feed.included] == included


def test_a_property_that_is_no_tag_is_an_argument_sent_as_given(hosting: ModuleType) -> None:
    create = resource_class(hosting, "servers", "HostingSDK").create_server
    assert signature_of(create)["type"] == (str, inspect.Parameter.empty)
    answer = {"type": "g6-standard-1", "label": "web"}
    with respx.mock(base_url=BASE) as router, sdk_of(hosting) as sdk:
        route = router.post("/servers").respond(200, json=answer)
        router.get("/tagged").respond(200, json=[answer, {"type": "disk", "size": 20}])
        server = sdk.servers.create_server(type="g6-standard-1", label="web")
        tagged = sdk.servers.list_tagged()
    assert json.loads(route.calls.last.request.content) == answer
    assert (type(server), server.type) == (hosting.models.Server, "g6-standard-1")
    assert [type(t) for t in tagged] == [hosting.models.Server, hosting.models.Disk]


def test_members_without_a_contradicting_value_keep_their_tags(hosting: ModuleType) -> None:
    m = hosting.models
    assert m.Cat.model_fields["pet_type"].annotation == Literal["Cat"]
    assert m.Dog.model_fields["pet_type"].annotation == Literal["Dog"]
    pets = [{"petType": "Dog", "barks": True}, {"petType": "Cat"}, {"petType": "Parrot"}]
    with respx.mock(base_url=BASE) as router, sdk_of(hosting) as sdk:
        router.get("/pets").respond(200, json=pets)
        found = sdk.pets.list()
    assert [type(p).__name__ for p in found] == ["Dog", "Cat", "UnknownVariant"]
    assert found[0].barks is True


async def test_async_methods_parse_the_same(hosting: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get("/users/7").respond(200, json={"type": "user", "name": "Ann"})
        async with sdk_of(hosting) as sdk:
            user = await sdk.users.get_user_async(user_id=7)
    assert user.type == "user"


def test_generated_package_passes_mypy_strict(corpus: Corpus, hosting: ModuleType) -> None:
    errors = corpus.mypy_errors("implicit_tags/")
    assert errors == [], "\n".join(errors)
