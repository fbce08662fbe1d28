"""Schema shapes of hand-written specs (specs/schema_shapes.yml): unions of objects told
apart only by a constant `type`, recursive aliases, an array of itself, a schema that is
only a reference to itself, nulls inside arrays and maps, integers with fractional bounds,
bytes in a model both sent and received, Kubernetes' int-or-string, properties named as
pydantic's metaclass attributes, accented enum values.

The package is generated, imported and type-checked with `mypy --strict` (with user code
passing recursive values as plain data); calls against `httpx.MockTransport` check the
JSON sent and what each response parses into.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from test_corpus import Corpus, generated_corpus

SPECS = {"schema_shapes": ("corpus_schema_shapes", "KilnShapesSDK")}

USAGE = {
    "schema_shapes": """
        from typing import Optional

        from corpus_schema_shapes import KilnShapesSDK, models


        def use(sdk: KilnShapesSDK) -> Optional[models.Setting]:
            setting: models.SettingTypedDict = {"a": [1.0, None, {"b": "c"}]}
            outline: models.OutlineTypedDict = [(0.0, 1.0), [(2.0, 3.0), []]]
            firing = sdk.firings.create_firing(
                steps=[{"type": "ramp", "rate": 1.5}, models.Hold(minutes=10)],
                notes=["a", None],
                readings={"t1": None},
                outline=outline,
            )
            for entry in firing.log:
                if isinstance(entry, models.AlarmEntry):
                    print(entry.message)
            print(setting)
            return sdk.settings.get()
    """,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_shapes"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def kiln(corpus: Corpus) -> ModuleType:
    return corpus.load("schema_shapes")


class Server:
    """A MockTransport that records requests and answers each path with canned JSON."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/v1")
        return httpx.Response(200, content=json.dumps(self.answers[path]).encode())

    def sent(self) -> Any:
        return json.loads(self.requests[-1].content)


def sdk_with(kiln: ModuleType, server: Server) -> Any:
    client = httpx.Client(transport=httpx.MockTransport(server))
    return kiln.KilnShapesSDK(client=client, retry_config=None)


FIRING = {
    "id": "f1",
    "log": [
        {"type": "temperature", "celsius": 1230.5},
        {"type": "alarm", "message": "lid open"},
        {"type": "door_sensor", "state": "closed"},
    ],
    "steps": [{"type": "ramp", "rate": 2.0}, {"type": "hold", "minutes": 15}],
}


def test_the_self_reference_is_the_only_warning(corpus: Corpus) -> None:
    assert corpus.generated["schema_shapes"].warnings == [
        "#/components/schemas/Anything: the schema is only a reference to itself; typed as Any"
    ]


def test_a_received_union_told_apart_by_a_constant_type_keeps_unknown_variants(
    kiln: ModuleType,
) -> None:
    server = Server({"/firings": FIRING})
    firing = sdk_with(kiln, server).firings.create_firing(steps=[])
    temperature, alarm, unknown = firing.log
    assert isinstance(temperature, kiln.models.TemperatureEntry)
    assert temperature.celsius == 1230.5
    assert isinstance(alarm, kiln.models.AlarmEntry)
    # a variant this version does not know is kept, not refused
    assert type(unknown).__name__ == "UnknownVariant"
    assert unknown.model_dump() == {"type": "door_sensor", "state": "closed"}
    assert [type(step).__name__ for step in firing.steps] == ["Ramp", "Hold"]
    assert firing.model_dump(mode="json", by_alias=True, exclude_unset=True) == FIRING


def test_a_sent_union_without_discriminator_takes_dicts_without_the_tag(
    kiln: ModuleType,
) -> None:
    server = Server({"/firings": FIRING})
    sdk_with(kiln, server).firings.create_firing(
        steps=[{"rate": 1.5}, kiln.models.Hold(minutes=10), {"type": "hold", "minutes": 5}]
    )
    assert server.sent() == {
        "steps": [
            {"type": "ramp", "rate": 1.5},
            {"type": "hold", "minutes": 10},
            {"type": "hold", "minutes": 5},
        ]
    }


def test_a_recursive_alias_takes_any_json_with_nulls_at_any_depth(kiln: ModuleType) -> None:
    value = {"oven": {"zones": [1, None, "x", {"deep": [None, True, {"z": None}]}]}, "n": None}
    server = Server({"/settings": value})
    assert sdk_with(kiln, server).settings.get() == value
    server.answers["/settings"] = None
    assert sdk_with(kiln, server).settings.get() is None


def test_an_array_of_itself_is_sent_as_nested_lists(kiln: ModuleType) -> None:
    server = Server({"/firings": FIRING})
    outline = [(0.0, 1.0), [(2.0, 3.0), [(4.0, 5.0)]], []]
    sdk_with(kiln, server).firings.create_firing(steps=[], outline=outline)
    assert server.sent()["outline"] == [[0.0, 1.0], [[2.0, 3.0], [[4.0, 5.0]]], []]
    with pytest.raises(kiln.InvalidArgumentError):
        sdk_with(kiln, server).firings.create_firing(steps=[], outline=[(1.0, 2.0, 3.0)])


def test_a_schema_only_referring_to_itself_takes_anything(kiln: ModuleType) -> None:
    server = Server({"/firings": FIRING})
    sdk_with(kiln, server).firings.create_firing(steps=[], anything={"a": [1, None]})
    assert server.sent()["anything"] == {"a": [1, None]}


def test_nulls_inside_arrays_and_maps_are_sent(kiln: ModuleType) -> None:
    server = Server({"/firings": FIRING})
    sdk = sdk_with(kiln, server)
    sdk.firings.create_firing(steps=[], notes=["a", None], readings={"t1": None, "t2": 3.5})
    assert server.sent() == {
        "steps": [],
        "notes": ["a", None],
        "readings": {"t1": None, "t2": 3.5},
    }
    with pytest.raises(kiln.InvalidArgumentError):
        sdk.firings.create_firing(steps=[], notes=[1])


@pytest.mark.parametrize(("cones", "valid"), [(0, False), (1, True), (10, True), (11, False)])
def test_fractional_bounds_of_an_integer_are_enforced_as_integers(
    kiln: ModuleType, cones: int, valid: bool
) -> None:
    server = Server({"/firings": FIRING})
    sdk = sdk_with(kiln, server)
    if valid:
        sdk.firings.create_firing(steps=[], cones=cones)
        assert server.sent()["cones"] == cones
    else:
        with pytest.raises(kiln.InvalidArgumentError):
            sdk.firings.create_firing(steps=[], cones=cones)
        assert server.requests == []


def test_properties_named_as_metaclass_attributes_import_without_warnings(
    corpus: Corpus, kiln: ModuleType
) -> None:
    out = corpus.generated["schema_shapes"].out
    code = "import corpus_schema_shapes.models as m; m.FiringRequest; m.Firing"
    env = {**os.environ, "PYTHONPATH": str(out)}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    server = Server({"/firings": FIRING})
    sdk_with(kiln, server).firings.create_firing(steps=[], register_="r", mro_="m")
    assert server.sent() == {"steps": [], "register": "r", "mro": "m"}


def test_bytes_of_a_shared_model_are_sent_and_read_as_base64(kiln: ModuleType) -> None:
    server = Server({"/samples": {"thumbnail": "AP8=", "shelf": 12}})
    sample = sdk_with(kiln, server).samples.put_sample(thumbnail=b"\x00\xff", shelf="A-3")
    assert server.sent() == {"thumbnail": "AP8=", "shelf": "A-3"}
    assert isinstance(sample, kiln.models.Sample)
    assert (sample.thumbnail, sample.shelf) == (b"\x00\xff", 12)


def test_accented_enum_values_keep_their_letters_in_member_names(kiln: ModuleType) -> None:
    assert kiln.models.Glaze.CELADON.value == "céladon"


def test_generated_package_passes_mypy_strict(corpus: Corpus) -> None:
    corpus.load("schema_shapes")
    errors = corpus.mypy_errors("schema_shapes/")
    assert errors == [], "\n".join(errors)
