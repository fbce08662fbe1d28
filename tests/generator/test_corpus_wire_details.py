"""Details of the wire (specs/wire_details.yml), each found unhandled in a real spec:
`allowReserved` query parameters, `type: number` values given as ints, enum member
names from `x-enum-varnames` / `x-enumNames` / `x-ms-enum`, and JSON Lines bodies under
their other media-type names, with items that may be null.

The package is generated, imported and type-checked with `mypy --strict` (with user code
using the enum members, the numbers and the streams); calls go through an
`httpx.MockTransport` that records the exact request and answers with the exact bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from test_corpus import Corpus, Recorder, generated_corpus

SPECS = {"wire_details": ("corpus_wire", "WireCorpusSDK")}

USAGE = {
    "wire_details": """
        from typing import Optional

        from corpus_wire import WireCorpusSDK, models


        def use(sdk: WireCorpusSDK) -> list[Optional[int]]:
            sdk.search.find(q="a/b", paths=["x:y"], ratio=2)
            sdk.measurements.create(value=1, weights=[1, 2.5], limit=0)
            task = sdk.tasks.create(status=models.Status.IN_PROGRESS, region=models.Region.US_EAST)
            assert task.priority in (models.Priority.LOW, models.Priority.HIGH, 2)
            readings: list[models.Reading] = list(sdk.feed.stream_json())
            maybe: list[Optional[models.Reading]] = list(sdk.feed.json_stream())
            assert readings or maybe
            return list(sdk.feed.seq())
    """,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_wire"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def wire(corpus: Corpus) -> ModuleType:
    return corpus.load("wire_details")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def sdk_of(package: ModuleType, recorder: Recorder) -> Any:
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    return package.WireCorpusSDK(client=client, retry_config=None)


def test_only_the_unusable_member_names_are_warned_about(corpus: Corpus) -> None:
    assert corpus.generated["wire_details"].warnings == [
        "#/components/schemas/Shade/x-enum-varnames: the enum's member names are not one "
        "usable, distinct name per value; the members are named after their values"
    ]


# -- allowReserved ------------------------------------------------------------------------


def test_allow_reserved_sends_reserved_characters_as_they_are(
    wire: ModuleType, recorder: Recorder
) -> None:
    with sdk_of(wire, recorder) as sdk:
        sdk.search.find(
            q="a/b:c?d@e!$'()*+,;=[x]&f=g",
            paths=["x/y", "z:w"],
            where={"path": "/v1/items"},
            plain="a/b:c",
        )
    assert recorder.last.url.query == (
        b"q=a/b:c?d@e!$'()*+,;=[x]&f=g"  # reserved characters as given
        b"&paths=x/y,z:w&where[path]=/v1/items"
        b"&plain=a%2Fb%3Ac"  # a parameter without allowReserved: percent-encoded
    )


def test_allow_reserved_still_encodes_what_is_not_reserved(
    wire: ModuleType, recorder: Recorder
) -> None:
    with sdk_of(wire, recorder) as sdk:
        # '#' would begin the fragment; '%', spaces and non-ASCII are not reserved
        sdk.search.find(q="a#b 100% é")
    assert recorder.last.url.query == b"q=a%23b%20100%25%20%C3%A9"


# -- type: number ---------------------------------------------------------------------------


def test_an_int_given_for_a_number_is_sent_as_an_integer(
    wire: ModuleType, recorder: Recorder
) -> None:
    recorder.answer = lambda _: httpx.Response(200, json={"value": 3, "weights": [1, 1.5]})
    with sdk_of(wire, recorder) as sdk:
        stored = sdk.measurements.create(value=1, weights=[2, 0.5], limit=0)
        sent = recorder.last.content
        sdk.measurements.create(value=1.0, limit=2.5)
        sent_floats = recorder.last.content
        sdk.search.find(q="x", ratio=2)
        query_int = recorder.last.url.query
        sdk.search.find(q="x", ratio=0.25)
        query_float = recorder.last.url.query
    assert sent == b'{"limit":0,"value":1,"weights":[2,0.5]}'
    assert sent_floats == b'{"limit":2.5,"value":1.0}'
    assert (query_int, query_float) == (b"q=x&ratio=2", b"q=x&ratio=0.25")
    assert (stored.value, stored.weights) == (3, [1, 1.5])


def test_a_number_still_refuses_what_is_not_one(wire: ModuleType, recorder: Recorder) -> None:
    with sdk_of(wire, recorder) as sdk:
        with pytest.raises(wire.InvalidArgumentError) as bad_bool:
            sdk.measurements.create(value=True)
        with pytest.raises(wire.InvalidArgumentError) as below_minimum:
            sdk.measurements.create(value=1, limit=-1)
    assert str(bad_bool.value) == "value: must be a number, got bool True"
    assert str(below_minimum.value) == "limit: must be ≥ 0.0, got -1"
    assert recorder.requests == []


# -- enum member names -------------------------------------------------------------------


def test_enum_members_take_the_names_the_spec_gives(wire: ModuleType) -> None:
    models = wire.models
    names = {
        enum.__name__: {member.name: member.value for member in enum}
        for enum in (models.Status, models.Priority, models.Region, models.Shade)
    }
    assert names == {
        "Status": {"IN_PROGRESS": "in-progress", "FINISHED": "done", "NOT_FOUND": "404"},
        "Priority": {"LOW": 1, "MEDIUM": 2, "HIGH": 3},
        "Region": {"EUROPE_WEST": "eu-west", "US_EAST": "us-east"},
        "Shade": {"LIGHT": "light", "DARK": "dark"},  # the names given were not distinct
    }
    assert models.Task.model_fields["priority"].default is models.Priority.MEDIUM


def test_named_members_travel_as_their_values(wire: ModuleType, recorder: Recorder) -> None:
    models = wire.models
    recorder.answer = lambda _: httpx.Response(
        200, json={"status": "404", "priority": 3, "region": "eu-west"}
    )
    with sdk_of(wire, recorder) as sdk:
        task = sdk.tasks.create(status=models.Status.IN_PROGRESS, region=models.Region.US_EAST)
    assert json.loads(recorder.last.content) == {
        "status": "in-progress",
        "priority": 2,
        "region": "us-east",
    }
    assert (task.status, task.priority, task.region) == (
        models.Status.NOT_FOUND,
        models.Priority.HIGH,
        models.Region.EUROPE_WEST,
    )


# -- JSON Lines under other names --------------------------------------------------------


def lines_answer(media_type: str, body: bytes) -> Any:
    return lambda _: httpx.Response(200, content=body, headers={"Content-Type": media_type})


def test_stream_json_is_a_typed_stream(wire: ModuleType, recorder: Recorder) -> None:
    recorder.answer = lines_answer(
        "application/stream+json", b'{"sensor":"a","value":1}\n{"sensor":"b","value":2.5}\n'
    )
    with sdk_of(wire, recorder) as sdk, sdk.feed.stream_json() as stream:
        readings = list(stream)
    assert recorder.last.headers["Accept"] == "application/stream+json"
    assert [type(r) for r in readings] == [wire.models.Reading] * 2
    assert [(r.sensor, r.value) for r in readings] == [("a", 1.0), ("b", 2.5)]


def test_nullable_items_are_none(wire: ModuleType, recorder: Recorder) -> None:
    recorder.answer = lines_answer(
        "application/x-json-stream", b'{"sensor":"a","value":1}\nnull\n{"sensor":"c","value":3}'
    )
    with sdk_of(wire, recorder) as sdk:
        items = list(sdk.feed.json_stream())
    assert recorder.last.headers["Accept"] == "application/x-json-stream"
    assert [None if i is None else i.sensor for i in items] == ["a", None, "c"]


def test_json_text_sequences_drop_their_record_separators(
    wire: ModuleType, recorder: Recorder
) -> None:
    recorder.answer = lines_answer("application/json-seq", b"\x1e1\n\x1enull\r\n\x1e\n\x1e3\n")
    with sdk_of(wire, recorder) as sdk:
        counts = list(sdk.feed.seq())
    assert recorder.last.headers["Accept"] == "application/json-seq"
    assert counts == [1, None, 3]


def test_a_record_over_several_lines_is_refused(wire: ModuleType, recorder: Recorder) -> None:
    recorder.answer = lines_answer("application/json-seq", b"\x1e1\n\x1e[2,\n3]\n")
    with sdk_of(wire, recorder) as sdk, pytest.raises(wire.ResponseValidationError) as bad:
        list(sdk.feed.seq())
    assert str(bad.value).startswith("Line 2 of the JSON Lines stream is not JSON")


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("wire_details")
    errors = corpus.mypy_errors("wire_details/")
    assert errors == [], "\n".join(errors)
