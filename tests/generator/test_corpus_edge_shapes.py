"""Odd but legal shapes that other generators' test suites are made of
(`specs/edge_shapes.yml`).

- JSON Schema's boolean schema `false` (OpenAPI 3.1) matches nothing: a union member
  `false` is left out (the union was typed `Any` because of it), a property `false` is
  never there, so it is no field; a component `false` is `Any`, with a warning.
- A union of one member that, through an `allOf` of one part, is itself
  (`Source: anyOf: [SourceLink]`, `SourceLink: allOf: [Source]`) is `Any`, with a
  warning (it was an alias naming only itself, which pydantic refused on first use).
- A `$ref: '#'` in a schema points to the whole OpenAPI document, which is no schema:
  `Any`, with a warning (it crashed the generator).
- An `x-` extension among the status codes of `responses` (legal there) is no answer
  (it crashed the generator).
- A `parameters` that is not a list is the validator's warning and no parameters (it
  crashed the generator).
- Inside a schema with an `$id`, a `$ref` is resolved against that `$id` as JSON Schema
  says (`#/$defs/Serial` is the schema's own `$defs`, `site.json` the schema whose `$id`
  is `https://meter.test/schemas/site.json`); both were errors ("points to nothing",
  "cannot read site.json"). A `#/components/...` there still means the document's.
- A schema of another file whose `$defs` refer to each other
  (`edge_shapes_parts/calibration.json`: `Adjusted: allOf: [$ref: '#/$defs/Step', ...]`)
  bundles each as a model; a `$ref` between them was read against the spec itself
  ("points to nothing").
- An array whose `items` is `false` (always empty) is `tuple[()]`; it was written
  `tuple[]`, which is no Python (the generator stopped when formatting it).
- A `$ref` whose pointer starts with a percent-encoded `/` (`#%2Fcomponents/schemas/X`:
  RFC 6901 decodes the fragment first) is that pointer; it was read as an `$anchor`
  nobody declares (`Any`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Annotated, Any, Optional, get_args, get_origin

import pydantic
import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"edge_shapes": ("corpus_edge_shapes", "MeterSDK")}

USAGE = {
    "edge_shapes": """
        from corpus_edge_shapes import MeterSDK, models


        def use(sdk: MeterSDK) -> float:
            created = sdk.readings.create_reading(value=1.5, unit="kWh", source={"any": 1})
            readings: list[models.Reading] = sdk.readings.list_readings()
            return created.value + sum(r.value for r in readings)
    """,
}

BASE = "https://meter.test/v1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_edge_shapes"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def meter(corpus: Corpus) -> ModuleType:
    return corpus.load("edge_shapes")


def base_type(annotation: Any) -> Any:
    """`T` of `Optional[Annotated[T, ...]]`."""
    if get_origin(annotation) is not Annotated and type(None) in get_args(annotation):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def test_warnings_name_each_place(corpus: Corpus) -> None:
    assert sorted(corpus.generated["edge_shapes"].warnings) == [
        "#/components/schemas/Nothing: the schema false allows no value; typed as Any",
        "#/components/schemas/Reading/properties/whole: $ref '#' points to the whole "
        "OpenAPI document, not a schema; typed as Any",
        "#/components/schemas/Source: the schema is only a reference to itself; typed as Any",
        "#/paths/~1readings/get/parameters: 'none' is not of type 'array'",
    ]


def test_a_false_member_leaves_the_union_typed_by_the_others(meter: ModuleType) -> None:
    fields = meter.models.Reading.model_fields
    assert base_type(fields["value"].annotation) is float
    assert base_type(fields["unit"].annotation) is str


def test_a_false_property_is_no_field(meter: ModuleType) -> None:
    assert "retired" not in meter.models.Reading.model_fields
    assert "retired" not in meter.models.ReadingTypedDict.__annotations__


def test_schemas_that_are_no_type_take_any_value(meter: ModuleType) -> None:
    fields = meter.models.Reading.model_fields
    for name in ("source", "whole", "nothing"):
        assert fields[name].annotation == Optional[Any], name
    assert meter.models.Source is Any


def test_refs_inside_a_schema_with_an_id_are_resolved_against_it(meter: ModuleType) -> None:
    fields = meter.models.Meter.model_fields
    assert fields["serial"].annotation is str
    assert fields["site"].annotation is meter.models.Site
    answer = {"serial": "M-1", "site": {"name": "Depot"}, "phase": "three"}
    with respx.mock(base_url=BASE) as router, meter.MeterSDK(retry_config=None) as sdk:
        router.get("/meters/4").respond(200, json=answer)
        found = sdk.meters.get_meter(meter_id=4)
    assert (found.serial, found.site.name, found.phase) == (
        "M-1",
        "Depot",
        meter.models.Phase.THREE,
    )


def test_a_pointer_with_an_encoded_first_slash_is_followed(meter: ModuleType) -> None:
    annotation = meter.models.Reading.model_fields["phase"].annotation
    assert meter.models.Phase in get_args(base_type(annotation))


def test_an_array_of_no_items_is_the_empty_tuple(meter: ModuleType) -> None:
    assert base_type(meter.models.Reading.model_fields["spare"].annotation) == tuple[()]
    assert meter.models.Reading.model_validate({"value": 1, "spare": []}).spare == ()
    with pytest.raises(pydantic.ValidationError):
        meter.models.Reading.model_validate({"value": 1, "spare": [0]})


def test_defs_of_another_file_that_refer_to_each_other(meter: ModuleType) -> None:
    m = meter.models
    assert list(m.Adjusted.model_fields) == ["offset", "by"]
    answer = {"latest": {"offset": 0.5, "by": "ann"}, "first": {"offset": 0}}
    with respx.mock(base_url=BASE) as router, meter.MeterSDK(retry_config=None) as sdk:
        router.get("/calibration").respond(200, json=answer)
        found = sdk.meters.get_calibration()
    assert type(found) is m.Calibration
    assert (type(found.latest), found.latest.by, type(found.first)) == (m.Adjusted, "ann", m.Step)


def test_calls_send_and_parse_every_field(meter: ModuleType) -> None:
    answer = {"value": 2, "unit": "kWh", "source": [1, "x"], "whole": {"a": None}}
    with respx.mock(base_url=BASE) as router, meter.MeterSDK(retry_config=None) as sdk:
        route = router.post("/readings").respond(201, json=answer)
        router.get("/readings").respond(200, json=[answer, {"value": 0.5}])
        created = sdk.readings.create_reading(value=2, unit="kWh", source=[1, "x"])
        listed = sdk.readings.list_readings()
    assert json.loads(route.calls.last.request.content) == {
        "value": 2,
        "unit": "kWh",
        "source": [1, "x"],
    }
    assert (created.value, created.source, created.whole) == (2, [1, "x"], {"a": None})
    assert [r.value for r in listed] == [2, 0.5]


def test_generated_package_passes_mypy_strict(corpus: Corpus, meter: ModuleType) -> None:
    errors = corpus.mypy_errors("edge_shapes/")
    assert errors == [], "\n".join(errors)
