"""The generator on reference defects and cycles real specs carry (specs/ref_defects.yml,
specs/cycles_world.yml): a `$ref` to the wrong kind of object is read as what it plainly
means or its part is left out, and schemas that refer to themselves only through aliases,
unions, allOf or `$ref` chains give typed code, each with the warnings asserted.

Each spec is generated, imported and type-checked with `mypy --strict`; calls are checked
on the wire with `httpx.MockTransport`, and the models validate sample data.
"""

from __future__ import annotations

import inspect
import json
import textwrap
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest
from generator import ir
from generator.diagnostics import Diagnostics
from generator.load import load_spec
from generator.parse import parse
from test_corpus import Corpus, Recorder, generated_corpus

SPECS: dict[str, tuple[str, str]] = {
    "ref_defects": ("corpus_ref_defects", "RefDefectsSDK"),
    "cycles_world": ("corpus_cycles_world", "CyclesSDK"),
}

USAGE: dict[str, str] = {
    "cycles_world": """
        from corpus_cycles_world import CyclesSDK, models


        def use(sdk: CyclesSDK) -> models.Holder:
            term: models.TermTypedDict = ["a", ["b", ["c"]]]
            sdk.terms.put_term(body=term)
            forest: models.ForestTypedDict = [{"children": [{"children": []}]}]
            return sdk.terms.put_holder(terms=["x", ["y"]], forest=forest, echo="e", ping=3)
    """,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_ref_defects"), SPECS, USAGE) as found:
        yield found


def sdk_with(package: ModuleType, recorder: Recorder) -> Any:
    sdk_class = getattr(package, SPECS[package.__name__.removeprefix("corpus_")][1])
    return sdk_class(
        client=httpx.Client(transport=httpx.MockTransport(recorder)), retry_config=None
    )


def answer(status: int, body: object) -> Any:
    return lambda _: httpx.Response(status, json=body)


# -- $refs to the wrong kind of object ----------------------------------------------------


def test_ref_defects_warnings_name_each_ref_and_what_was_done(corpus: Corpus) -> None:
    corpus.load("ref_defects")
    schema_for = "points to a schema where a response belongs"
    assert corpus.generated["ref_defects"].warnings == [
        f"#/components/responses/Gone/$ref: $ref '#/components/schemas/Parcel' {schema_for}; "
        "read as a JSON response of that schema",
        "#/paths/~1parcels~1{parcelId}/get/responses/200/$ref: $ref "
        f"'#/components/schemas/Parcel' {schema_for}; read as a JSON response of that schema",
        "#/paths/~1parcels~1{parcelId}/get/responses/404/$ref: $ref "
        f"'#/components/schemas/Missing' {schema_for}; "
        "#/components/responses/Missing of the same name is used",
        "#/paths/~1parcels/post/parameters/0/schema/items/$ref: $ref "
        "'#/paths/~1parcels~1%7BparcelId%7D/get/parameters/1' points to a parameter where a "
        "schema belongs; its schema #/paths/~1parcels~1{parcelId}/get/parameters/1/schema "
        "is used",
        "#/paths/~1parcels/post/requestBody/$ref: $ref '#/components/schemas/ParcelDraft' "
        "points to a schema where a request body belongs; read as a required JSON request "
        "body of that schema",
        "#/paths/~1parcels/post/responses/201/content/application~1json/schema/$ref: $ref "
        "'#/components/responses/Receipt' points to a response where a schema belongs; its "
        "schema #/components/responses/Receipt/content/application~1json/schema is used",
        "#/paths/~1notes/get/responses/200/content/application~1json/schema/items/$ref: $ref "
        "'#/components/responses/Note' points to a response where a schema belongs; "
        "#/components/schemas/Note of the same name is used",
        "#/paths/~1notes/put/requestBody/content/application~1json/schema/$ref: $ref "
        "'#/components/responses/Done' points to a response where a schema belongs, and it "
        "has no schema; typed as Any",
        "#/paths/~1parcels~1{parcelId}/get/parameters/0/$ref: $ref "
        "'#/components/schemas/Parcel' does not point to a parameter (into "
        "#/components/parameters/); the parameter is left out",
    ]


def test_ref_defects_package_passes_mypy_strict(corpus: Corpus) -> None:
    assert corpus.mypy_errors("ref_defects/") == []


def test_a_response_that_is_a_schema_is_a_json_response_of_it(corpus: Corpus) -> None:
    pkg = corpus.load("ref_defects")
    recorder = Recorder()
    recorder.answer = answer(200, {"id": "p1", "weight": 2.5})
    parcels = sdk_with(pkg, recorder).parcels
    # the parameter that was a schema is left out; the other operation's parameter that a
    # schema elsewhere points at stays this operation's parameter
    assert list(inspect.signature(parcels.get_parcel).parameters)[:2] == ["parcel_id", "size"]
    parcel = parcels.get_parcel(parcel_id="p 1", size="large")
    assert isinstance(parcel, pkg.models.Parcel) and (parcel.id, parcel.weight) == ("p1", 2.5)
    assert str(recorder.last.url) == "https://ref-defects.test/parcels/p%201?size=large"


def test_error_responses_refd_as_schemas_raise_their_declared_errors(corpus: Corpus) -> None:
    pkg = corpus.load("ref_defects")
    recorder = Recorder()
    parcels = sdk_with(pkg, recorder).parcels
    recorder.answer = answer(404, {"reason": "unknown"})
    with pytest.raises(pkg.models.GetParcel404ErrorException) as missing:
        parcels.get_parcel(parcel_id="p1")
    assert isinstance(missing.value, pkg.models.NotFoundError)
    assert missing.value.data.reason == "unknown"  # the response of the same name
    recorder.answer = answer(410, {"id": "p1"})
    with pytest.raises(pkg.models.ParcelError) as gone:
        parcels.get_parcel(parcel_id="p1")
    assert gone.value.data.id == "p1"  # a response component that is a schema


def test_a_body_that_is_a_schema_and_a_schema_that_is_a_parameter(corpus: Corpus) -> None:
    pkg = corpus.load("ref_defects")
    recorder = Recorder()
    recorder.answer = answer(201, {"number": 7})
    parcels = sdk_with(pkg, recorder).parcels
    signature = inspect.signature(parcels.create_parcel).parameters
    assert signature["weight"].default is inspect.Parameter.empty  # a required body
    hints = typing.get_type_hints(parcels.create_parcel)
    assert hints["sizes"] == typing.Optional[list[pkg.models.GetParcelSize]]
    receipt = parcels.create_parcel(weight=2.5, sizes=["small", "large"])
    assert receipt.number == 7  # the JSON schema of the response a schema pointed at
    assert recorder.last.method == "POST"
    assert str(recorder.last.url) == "https://ref-defects.test/parcels?sizes=small&sizes=large"
    assert json.loads(recorder.last.content) == {"weight": 2.5}
    with pytest.raises(pkg.InvalidArgumentError):
        parcels.create_parcel(weight=1.0, sizes=["huge"])


def test_schemas_that_are_responses(corpus: Corpus) -> None:
    pkg = corpus.load("ref_defects")
    recorder = Recorder()
    recorder.answer = answer(200, [{"text": "hi"}])
    parcels = sdk_with(pkg, recorder).parcels
    notes = parcels.list_notes()
    assert [type(n) for n in notes] == [pkg.models.Note] and notes[0].text == "hi"
    recorder.answer = lambda _: httpx.Response(204)
    assert parcels.put_note(body={"any": ["value"]}) is None  # a response without schema
    assert json.loads(recorder.last.content) == {"any": ["value"]}


# -- cycles through aliases, unions, allOf and $ref chains --------------------------------


def test_cycles_warnings(corpus: Corpus) -> None:
    corpus.load("cycles_world")
    assert corpus.generated["cycles_world"].warnings == [
        "#/components/schemas/Both: the schema is only a reference to itself; typed as Any",
        "#/components/schemas/LoopA: the schema is only a reference to itself; typed as Any",
        "#/components/schemas/Echo: the union is a member of itself (through Echo); that "
        "member adds no value and is left out",
        "#/components/schemas/Pong: the union is a member of itself (through Ping); that "
        "member adds no value and is left out",
    ]


def test_cycles_package_and_usage_pass_mypy_strict(corpus: Corpus) -> None:
    assert corpus.mypy_errors("cycles_world/") == []


def test_mutually_recursive_aliases_round_trip_nested_values(corpus: Corpus) -> None:
    pkg = corpus.load("cycles_world")
    recorder = Recorder()
    recorder.answer = lambda request: httpx.Response(200, content=request.content)
    terms = sdk_with(pkg, recorder).terms
    nested = ["a", ["b", ["c", []]]]
    assert terms.put_term(body=nested) == nested
    assert json.loads(recorder.last.content) == nested
    sent = len(recorder.requests)
    with pytest.raises(pkg.InvalidArgumentError, match="must be a list, got int 1"):
        terms.put_term(body=["a", [1]])
    assert len(recorder.requests) == sent  # refused before any I/O
    recorder.answer = answer(200, [1, [[2], 3]])
    assert terms.get_node() == [1, [[2], 3]]


def test_models_over_cycles_validate_sample_data(corpus: Corpus) -> None:
    pkg = corpus.load("cycles_world")
    models = pkg.models
    holder = models.Holder.model_validate(
        {
            "terms": ["x", ["y"]],
            "forest": [{"children": [{"children": []}]}],
            "ping": {"next": {"next": 3}},
            "echo": "e",
            "loop": {"anything": [1]},
            "tri": [{"a": 1, "b": [{"c": 2}]}],
        }
    )
    assert holder.tri == [{"a": 1, "b": [{"c": 2}]}]  # three aliases in a cycle
    assert holder.terms == ["x", ["y"]]
    assert isinstance(holder.forest[0].children[0], models.Tree)
    assert isinstance(holder.ping, models.Pong3) and holder.ping.next.next == 3
    assert holder.loop == {"anything": [1]}  # a pure $ref loop is any value
    with pytest.raises(pydantic.ValidationError):
        models.Holder.model_validate({"echo": ["not", "a", "string"]})
    with pytest.raises(pydantic.ValidationError):
        models.Holder.model_validate({"tri": [{"a": "not an integer"}]})
    recorder = Recorder()
    recorder.answer = answer(200, {"name": "w"})
    assert sdk_with(pkg, recorder).terms.get_loop().name == "w"  # allOf of itself + object


def test_wrong_kind_refs_into_other_files(tmp_path: Path) -> None:
    (tmp_path / "root.yml").write_text(
        textwrap.dedent("""
            openapi: 3.1.0
            info: {title: Files, version: "1"}
            paths:
              /a:
                get:
                  operationId: getA
                  responses:
                    "200": {$ref: "common.yml#/components/schemas/Thing"}
                    "400": {$ref: "#/components/responses/Bad"}
            components:
              responses:
                Bad: {$ref: "common.yml#/components/schemas/Problem"}
        """)
    )
    (tmp_path / "common.yml").write_text(
        textwrap.dedent("""
            components:
              schemas:
                Thing: {type: object, properties: {id: {type: string}}}
                Problem: {type: object, properties: {detail: {type: string}}}
        """)
    )
    diagnostics = Diagnostics()
    spec = load_spec(tmp_path / "root.yml", diagnostics)
    api, _ = parse(spec, ir.Package("pkg", "pkg", "1", "PkgSDK", "root.yml"), diagnostics)
    wrapped = "points to a schema where a response belongs; read as a JSON response of that schema"
    assert [str(p) for p in diagnostics.problems] == [
        f"#/components/responses/Bad/$ref: $ref 'common.yml#/components/schemas/Problem' {wrapped}",
        "#/paths/~1a/get/responses/200/$ref: "
        f"$ref 'common.yml#/components/schemas/Thing' {wrapped}",
    ]
    (operation,) = api.resources[0].operations
    assert operation.response == ir.ModelType("Thing")
    assert [(e.status, e.type) for e in operation.errors] == [("400", ir.ModelType("Problem"))]
    # the schemas stay schemas: nothing is filed under components.responses but `Bad`
    assert sorted(spec["components"]["schemas"]) == ["Problem", "Thing"]
    assert sorted(spec["components"]["responses"]) == ["Bad"]
