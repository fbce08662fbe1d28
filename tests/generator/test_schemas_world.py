"""The generator on schemas shaped like the world's (specs/schemas_world.yml,
composition_world.yml, naming_world.yml): defects worked around with warnings, JSON Schema
2020-12 keywords, composition, and names that collide with Python or with each other.

Each spec is generated, imported and type-checked with `mypy --strict` (one run, started
at generation, checked last); its methods are called against respx with the JSON body on
the wire and the parsed response checked; the warnings each spec must give are asserted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timezone
from types import ModuleType
from typing import Any, Union, get_type_hints

import pydantic
import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS: dict[str, tuple[str, str]] = {
    "schemas_world": ("corpus_schemas_world", "GadgetsCorpusSDK"),
    "composition_world": ("corpus_composition_world", "WorkshopCorpusSDK"),
    "naming_world": ("corpus_naming_world", "MuseumCorpusSDK"),
}

#: User code type-checked with the packages: string forms of IDs and dates, tuples,
#: unions of primitives, renamed methods and fields.
USAGE: dict[str, str] = {
    "schemas_world": """
        from uuid import UUID

        from corpus_schemas_world import GadgetsCorpusSDK, models


        def use(sdk: GadgetsCorpusSDK, key: UUID) -> models.Gadget:
            sdk.gadgets.get(gadget_id=key)
            sdk.gadgets.get(gadget_id="6f1c1f1e-8a35-4e57-9f2d-1d2b0c8b3f11", day="2024-02-29")
            return sdk.gadgets.create(name="n", size=1, code=7, point=(1.0, 2.0), made_on="2024")
    """,
    "naming_world": """
        from corpus_naming_world import MuseumCorpusSDK, models


        def use(sdk: MuseumCorpusSDK) -> list[models.Ticket]:
            sdk.tickets.buy_museum_tickets(count=1, from_="desk", list_=["a"])
            sdk.tickets.cancel_2(ticket_id="t")
            return sdk.tickets.get_tickets()
    """,
}

OWNER = "6f1c1f1e-8a35-4e57-9f2d-1d2b0c8b3f11"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_schemas"), SPECS, USAGE) as found:
        yield found


def sdk_of(package: ModuleType) -> Any:
    sdk_class = next(cls for pkg, cls in SPECS.values() if pkg == package.__name__)
    return getattr(package, sdk_class)(retry_config=None)


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


# -- schemas_world.yml: leniency, JSON Schema 2020-12, formats as strings ----------------


@pytest.fixture(scope="module")
def gadgets(corpus: Corpus) -> ModuleType:
    return corpus.load("schemas_world")


GADGETS = "#/components/schemas/Gadget"


def test_schema_defects_are_warned_about_where_they_are(corpus: Corpus) -> None:
    """Once per place: where the validator already warned, the generator adds nothing."""
    warnings = corpus.generated["schemas_world"].warnings
    assert [w.split(": ", 1)[0] for w in warnings] == [
        f"{GADGETS}Input/required",  # duplicate entries (the validator)
        f"{GADGETS}Input/properties/name/default",  # 7 for a string (the validator)
        f"{GADGETS}Input/properties/size/exclusiveMinimum",  # 3.0's form (the validator)
        f"{GADGETS}/properties/history/prefixItems",
        f"{GADGETS}/properties/tree/$dynamicRef",
        f"{GADGETS}Input/properties/nickname/example",
        f"{GADGETS}Input/properties/color/enum",
        f"{GADGETS}Input/properties/grade/enums",
        f"{GADGETS}Input/properties/serial/pattern",
    ]
    assert warnings[3:] == [
        f"{GADGETS}/properties/history/prefixItems: an array whose length is not fixed is "
        "typed as a list (item types per position are not checked)",
        f"{GADGETS}/properties/tree/$dynamicRef: $dynamicRef is not resolved; typed as Any",
        f"{GADGETS}Input/properties/nickname/example: example 5 does not fit the schema; dropped",
        f"{GADGETS}Input/properties/color/enum: duplicate enum values ignored",
        f"{GADGETS}Input/properties/grade/enums: unknown keyword 'enums' ignored (not 'enum')",
        f"{GADGETS}Input/properties/serial/pattern: pattern '^(?!0)\\\\d+$' is not valid; ignored",
    ]


GADGET = {
    "id": OWNER,
    "name": "lamp",
    "code": None,
    "point": [1.5, 2],
    "history": ["2024-01-01", 3, 4],
    "tree": {"anything": [1]},
    "madeAt": "2024-01-02T03:04:05Z",
}


def test_json_schema_keywords_typed_on_the_wire(gadgets: ModuleType) -> None:
    with respx.mock(base_url="https://gadgets.test") as router, sdk_of(gadgets) as sdk:
        route = router.post("/gadgets").respond(200, json=GADGET)
        sdk.gadgets.create(
            name="lamp",
            size=1,
            ratio=0.5,
            code=7,
            point=(1.5, 2.0),
            labels={"en": "Lamp"},
            counts={"on": 3},
            nickname="l",
            shipping={"country": "US"},
            payload=b"hi",
            document='{"a": 1}',
            owner_id=OWNER,
            made_on="2024-02-29",
            made_at="2024-01-02T03:04:05Z",
            color=gadgets.models.GadgetInputColor.GREEN,
            grade="a",
            serial="012",
        )
    assert sent_json(route) == {
        "name": "lamp",
        "size": 1,
        "ratio": 0.5,
        "code": 7,
        "point": [1.5, 2.0],
        "labels": {"en": "Lamp"},
        "counts": {"on": 3},
        "nickname": "l",
        "shipping": {"country": "US"},
        "payload": "aGk=",
        "document": '{"a": 1}',
        "ownerId": OWNER,
        "madeOn": "2024-02-29",
        "madeAt": "2024-01-02T03:04:05Z",
        "color": "green",
        "grade": "a",
        "serial": "012",
    }


def test_python_values_of_formats_are_sent_as_their_strings(gadgets: ModuleType) -> None:
    with respx.mock(base_url="https://gadgets.test") as router, sdk_of(gadgets) as sdk:
        route = router.post("/gadgets").respond(200, json=GADGET)
        sdk.gadgets.create(
            name="lamp",
            size=1,
            owner_id=uuid.UUID(OWNER),
            made_on=date(2024, 2, 29),
            made_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        )
    body = sent_json(route)
    assert (body["ownerId"], body["madeOn"], body["madeAt"]) == (
        OWNER,
        "2024-02-29",
        "2024-01-02T03:04:05Z",
    )


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"size": 0}, "size"),  # exclusiveMinimum (3.0 form) with minimum 0
        ({"ratio": 1}, "ratio"),  # exclusiveMaximum 1 (3.1 form)
        ({"code": 1.5}, "code"),  # string or integer
        ({"point": (1.0,)}, "point"),  # a pair
        ({"labels": {}}, "labels"),  # minProperties 1
        ({"labels": {"a": "1", "b": "2", "c": "3", "d": "4"}}, "labels"),  # maxProperties 3
        ({"counts": {"a": "x"}}, "counts"),  # unevaluatedProperties: integers
        ({"owner_id": "not-a-uuid"}, "ownerId"),
        ({"made_on": "2024-02-30"}, "madeOn"),
        ({"made_at": "yesterday"}, "madeAt"),
        ({"color": "blue"}, "color"),
    ],
)
def test_invalid_values_are_refused_before_any_request(
    gadgets: ModuleType, arguments: dict[str, Any], field: str
) -> None:
    with (
        respx.mock(base_url="https://gadgets.test", assert_all_called=False) as router,
        sdk_of(gadgets) as sdk,
    ):
        route = router.post("/gadgets").respond(200, json=GADGET)
        with pytest.raises(pydantic.ValidationError) as caught:
            sdk.gadgets.create(**{"name": "lamp", "size": 1, **arguments})
    assert not route.called
    locations = {str(e["loc"][0]) for e in caught.value.errors()}
    assert locations & {field, next(iter(arguments))}, locations


def test_read_only_and_write_only_properties(gadgets: ModuleType) -> None:
    """A required readOnly property is no argument of requests; a required writeOnly one
    may be absent from responses (GADGET has no `secret`)."""
    assert "created_by" not in gadgets.models.GadgetInput.model_fields
    assert gadgets.models.Gadget.model_validate(GADGET).secret is None


def test_responses_parse_tuples_unions_and_dynamic_refs(gadgets: ModuleType) -> None:
    with respx.mock(base_url="https://gadgets.test") as router, sdk_of(gadgets) as sdk:
        router.get(f"/gadgets/{OWNER}").respond(200, json=GADGET)
        gadget = sdk.gadgets.get(gadget_id=OWNER)
    assert gadget.id == uuid.UUID(OWNER)
    assert gadget.code is None
    assert gadget.point == (1.5, 2.0)
    assert gadget.history == [date(2024, 1, 1), 3, 4]
    assert gadget.tree == {"anything": [1]}
    assert gadget.made_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert gadget.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        **GADGET,
        "point": [1.5, 2.0],
    }


def test_id_and_date_parameters_take_their_string_form(gadgets: ModuleType) -> None:
    hints = get_type_hints(sdk_of(gadgets).gadgets.get)
    assert hints["gadget_id"] == Union[uuid.UUID, str]
    with respx.mock(base_url="https://gadgets.test") as router, sdk_of(gadgets) as sdk:
        route = router.get(f"/gadgets/{OWNER}").respond(200, json=GADGET)
        sdk.gadgets.get(gadget_id=OWNER, since="2024-01-02T03:04:05Z", day=date(2024, 2, 29))
        sdk.gadgets.get(gadget_id=uuid.UUID(OWNER), day="2024-02-29")
        with pytest.raises(pydantic.ValidationError):
            sdk.gadgets.get(gadget_id="12")
    first, second = (dict(call.request.url.params) for call in route.calls)
    assert first == {"since": "2024-01-02T03:04:05Z", "day": "2024-02-29"}
    assert second == {"day": "2024-02-29"}
    assert route.call_count == 2


# -- composition_world.yml ---------------------------------------------------------------


@pytest.fixture(scope="module")
def workshop(corpus: Corpus) -> ModuleType:
    return corpus.load("composition_world")


def test_composition_warnings(corpus: Corpus) -> None:
    assert corpus.generated["composition_world"].warnings == []


WIDGET = {
    "status": None,
    "previous": "retired",
    "shape": {"kind": "round", "radius": 1.0},
    "stamp": ["a", "b"],
    "labelled": {"name": "tag", "kind": "circle", "radius": 2.0},
}


def test_discriminator_tags_from_several_enum_values_and_schema_names(
    workshop: ModuleType,
) -> None:
    models = workshop.models
    with respx.mock(base_url="https://workshop.test") as router, sdk_of(workshop) as sdk:
        route = router.post("/shapes").respond(200, json=WIDGET)
        sdk.shapes.create(body=models.Circle(kind="round", radius=1.0))
        assert sent_json(route) == {"kind": "round", "radius": 1.0}
        sdk.shapes.create(body=models.Square(side=2.0))  # the tag is the schema's name
        assert sent_json(route) == {"kind": "Square", "side": 2.0}
        sdk.shapes.create(body={"kind": "circle", "radius": 3.0})
        assert sent_json(route) == {"kind": "circle", "radius": 3.0}
    assert route.call_count == 3
    with pytest.raises(pydantic.ValidationError):
        models.Circle(kind="hexagon", radius=1.0)  # only its own two values
    with pytest.raises(pydantic.ValidationError):
        models.Square(kind="Circle", side=1.0)


def test_allof_around_enums_and_unions_and_nullable_refs(workshop: ModuleType) -> None:
    models = workshop.models
    with respx.mock(base_url="https://workshop.test") as router, sdk_of(workshop) as sdk:
        router.post("/shapes").respond(200, json=WIDGET)
        widget = sdk.shapes.create(body={"kind": "Square", "side": 1.0})
    assert widget.status is None  # allOf [$ref enum] beside nullable: true
    assert widget.previous is models.Status.RETIRED
    assert isinstance(widget.shape, models.Circle) and widget.shape.kind == "round"
    assert widget.stamp == ["a", "b"]
    # an object beside a union: a model per member, the object's fields merged in
    assert isinstance(widget.labelled, models.WidgetLabelledCircle)
    assert widget.labelled.model_dump(by_alias=True) == WIDGET["labelled"]
    for stamp in ("x", 3):
        assert models.Widget.model_validate({"status": "active", "stamp": stamp}).stamp == stamp
    square = models.Widget.model_validate(
        {"status": "active", "shape": {"kind": "Square", "side": 2}}
    )
    assert isinstance(square.shape, models.Square)
    unknown = models.Widget.model_validate({"status": "active", "shape": {"kind": "hex", "n": 6}})
    assert isinstance(unknown.shape, models.UnknownVariant)


# -- naming_world.yml ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def museum(corpus: Corpus) -> ModuleType:
    return corpus.load("naming_world")


TICKETS = "#/paths/~1tickets"


def test_naming_warnings(corpus: Corpus) -> None:
    assert corpus.generated["naming_world"].warnings == [
        "#/components/schemas/pet_owner: class name 'PetOwner' is taken; generated as 'PetOwner2'",
        "#/components/schemas/security: class name 'Security' is taken; generated as 'Security2'",
        "#/components/schemas/Ticket/properties/createdAt: 'createdAt' and 'created_at' "
        "both become 'created_at'; 'createdAt' is generated as 'created_at_2'",
        "#/x-speakeasy-name-override/1: no operation has the operationId "
        "'noSuchOperation'; ignored",
        f"{TICKETS}~1{{ticketId}}~1cancel/post: 'cancel' is already a method of tickets "
        f"({TICKETS}~1{{ticketId}}/delete); generated as 'cancel_2'",
    ]


def methods_of(sdk: Any, group: str) -> list[str]:
    resource = type(getattr(sdk, group))
    return sorted(
        name
        for name, value in vars(resource).items()
        if callable(value) and not name.startswith("_") and not name.endswith("_async")
    )


def test_method_names_keep_their_words_and_stay_distinct(museum: ModuleType) -> None:
    with sdk_of(museum) as sdk:
        assert methods_of(sdk, "tickets") == [
            "buy_museum_tickets",  # not `buy_museum`
            "cancel",
            "cancel_2",
            "get_ticket",  # beside `get_tickets`, not `get` and `get_ticket`
            "get_tickets",
        ]  # `legacyTickets` is x-speakeasy-ignore'd
        assert methods_of(sdk, "exhibitions") == ["list"]  # the root override list
        assert methods_of(sdk, "models") == ["list"]


TICKET = {
    "id": "t1",
    "class": "first",
    "date": "2024-02-29",
    "json": "{}",
    "modelConfig": "c",
    "models": "m",
    "createdAt": "a",
    "created_at": "b",
    "title": "Night at the museum",
    "secret": "kept as an extra field",
}


def test_colliding_property_names_round_trip_their_wire_names(museum: ModuleType) -> None:
    ticket = museum.models.Ticket.model_validate(TICKET)
    assert (ticket.class_, ticket.date_, ticket.json_, ticket.model_config_, ticket.models_) == (
        "first",
        date(2024, 2, 29),
        "{}",
        "c",
        "m",
    )
    assert (ticket.created_at, ticket.created_at_2, ticket.headline) == (
        "b",  # `created_at` keeps its own name
        "a",
        "Night at the museum",
    )
    assert "secret" not in museum.models.Ticket.model_fields  # x-speakeasy-ignore
    assert ticket.model_dump(mode="json", by_alias=True) == TICKET


def test_renamed_arguments_are_sent_by_their_wire_names(museum: ModuleType) -> None:
    with respx.mock(base_url="https://museum.test") as router, sdk_of(museum) as sdk:
        route = router.post("/tickets").respond(200, json=TICKET)
        ticket = sdk.tickets.buy_museum_tickets(count=2, from_="desk", list_=["a"])
        router.post("/tickets/t1/cancel").respond(204)
        assert sdk.tickets.cancel_2(ticket_id="t1") is None
    assert sent_json(route) == {"count": 2, "from": "desk", "list": ["a"]}
    assert ticket.headline == "Night at the museum"


def test_schema_names_taken_by_the_package_are_renamed(museum: ModuleType) -> None:
    models = museum.models
    assert models.Field.model_validate({"name": "x"}).name == "x"  # pydantic's is aliased
    assert models.Security2.model_validate({"level": 2}).level == 2
    assert set(models.Security.model_fields) <= {"bearer_auth"}  # the package's own
    assert (models.PetOwner.model_validate({"b": "1"}).b, models.PetOwner2(a="2").a) == ("1", "2")
    assert not hasattr(models, "Unused")  # x-speakeasy-ignore, and used by nothing


# -- every package passes mypy --strict (last: the run started at generation) -------------


@pytest.mark.parametrize("stem", list(SPECS))
def test_generated_package_passes_mypy_strict(corpus: Corpus, stem: str) -> None:
    corpus.load(stem)
    errors = corpus.mypy_errors(f"{stem}/")
    assert errors == [], f"mypy --strict on specs/{stem}.yml's package:\n" + "\n".join(errors)
