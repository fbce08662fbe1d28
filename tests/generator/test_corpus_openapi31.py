"""Shapes found in published specs (OpenAPI 3.1 and older) that generated without error
but sent the wrong request, or named fields badly.

`specs/query_in_path.yml`: path keys with a query string written in them
(`/rpc?action=moon.phase`, `/forecast?lat={lat}&lon={lon}`, their variables declared
`in: path`), as a few public specs write them. The runtime replaced the URL's query with
the parameters', so the written pairs were lost (`GET /rpc?date=...` for every action of
one endpoint). They are now query parameters: a written `name=value` a constant always
sent, a `name={var}` the parameter declared for `{var}`.

`specs/signed_names.yml`: properties named by a signed number (GitHub's reactions `+1`
and `-1`) are `plus_1` and `minus_1`; both were `field_1` before one was renumbered
`field_1_2`, with a warning.

The packages are generated, imported and type-checked with `mypy --strict`; their methods
are called against respx (the exact URL on the wire, the parsed response).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Literal, Optional

import pytest
import respx
from test_corpus import Corpus, generated_corpus, resource_class, signature_of

SPECS = {
    "query_in_path": ("corpus_query_in_path", "AlmanacSDK"),
    "signed_names": ("corpus_signed_names", "VotesSDK"),
}

USAGE = {
    "query_in_path": """
        from corpus_query_in_path import AlmanacSDK, models


        def use(sdk: AlmanacSDK) -> models.Phase:
            sdk.places.search(country="fr", q="Lyon")
            sdk.forecast.tides(station="brest", units=models.Units.IMPERIAL)
            return sdk.rpc.moon_phase(date_="2024-01-02")
    """,
    "signed_names": """
        from corpus_signed_names import VotesSDK


        def use(sdk: VotesSDK) -> int:
            sdk.polls.vote(id=1, plus_1=3, minus_1=1)
            tally = sdk.polls.get_poll(id=1).tally
            return tally.plus_1 - tally.minus_1
    """,
}

BASE = "https://almanac.test/api"
PHASE = {"name": "waxing", "illumination": 0.25}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_openapi31"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def almanac(corpus: Corpus) -> ModuleType:
    return corpus.load("query_in_path")


def sdk_of(package: ModuleType) -> Any:
    return package.AlmanacSDK(retry_config=None)


def test_warnings_name_what_the_query_string_became(corpus: Corpus) -> None:
    warnings = corpus.generated["query_in_path"].warnings
    sent = [w for w in warnings if "query string" in w]
    assert sent == [
        "#/paths/~1rpc?action=moon.phase/get: the path has a query string: "
        "'action' sent as query parameters",
        "#/paths/~1rpc?action=sun.times/get: the path has a query string: "
        "'action' sent as query parameters",
        "#/paths/~1forecast?lat={lat}&lon={lon}/get: the path has a query string: "
        "'lat', 'lon' sent as query parameters",
        "#/paths/~1places~1{country}?q={query}&v=2/get: the path has a query string: "
        "'q', 'v' sent as query parameters",
        "#/paths/~1export?{kind}=1&format=csv/get: '{kind}=1' in the path's query string "
        "is left out",
        "#/paths/~1export?{kind}=1&format=csv/get: the path has a query string: "
        "'format' sent as query parameters",
    ]


def test_a_written_constant_is_sent_beside_the_declared_parameters(almanac: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(almanac) as sdk:
        times = router.get("/rpc", params={"action": "sun.times"})
        times.respond(200, json={"rise": "06:01", "set": "18:02"})
        route = router.get("/rpc", params={"action": "moon.phase"}).respond(200, json=PHASE)
        phase = sdk.rpc.moon_phase(date_="2024-01-02")
        rise_and_set = sdk.rpc.sun_times()
    assert str(route.calls[0].request.url) == f"{BASE}/rpc?date=2024-01-02&action=moon.phase"
    assert str(times.calls.last.request.url) == f"{BASE}/rpc?action=sun.times"
    assert (type(phase), phase.model_dump()) == (almanac.models.Phase, PHASE)
    assert (rise_and_set.rise, rise_and_set.set) == ("06:01", "18:02")
    assert signature_of(resource_class(almanac, "rpc", "AlmanacSDK").moon_phase)["action"] == (
        Literal["moon.phase"],
        "moon.phase",
    )


def test_variables_of_the_query_string_are_typed_query_arguments(almanac: ModuleType) -> None:
    assert signature_of(resource_class(almanac, "forecast", "AlmanacSDK").at) == {
        "lat": (float, inspect.Parameter.empty),
        "lon": (float, inspect.Parameter.empty),
        "days": (Optional[int], None),
    }
    with respx.mock(base_url=BASE) as router, sdk_of(almanac) as sdk:
        route = router.get("/forecast").respond(200, json=[PHASE])
        found = sdk.forecast.at(lat=51.5, lon=-0.25, days=3)
    assert str(route.calls.last.request.url) == f"{BASE}/forecast?lat=51.5&lon=-0.25&days=3"
    assert [type(p) for p in found] == [almanac.models.Phase]


def test_a_variable_is_sent_under_the_name_the_query_string_gives(almanac: ModuleType) -> None:
    assert list(signature_of(resource_class(almanac, "places", "AlmanacSDK").search)) == [
        "country",
        "q",
        "v",
    ]
    with respx.mock(base_url=BASE) as router, sdk_of(almanac) as sdk:
        route = router.get("/places/fr").respond(204)
        assert sdk.places.search(country="fr", q="Saint Étienne") is None
    assert str(route.calls.last.request.url) == f"{BASE}/places/fr?q=Saint%20%C3%89tienne&v=2"


def test_a_declared_query_parameter_keeps_its_declaration(almanac: ModuleType) -> None:
    """`units=metric` is written in the path and `units` declared optional: as declared
    (sent when given); `station`, declared nowhere, is a required string."""
    with respx.mock(base_url=BASE) as router, sdk_of(almanac) as sdk:
        route = router.get("/tides").respond(204)
        sdk.forecast.tides(station="brest")
        sdk.forecast.tides(station="brest", units=almanac.models.Units.IMPERIAL)
    urls = [str(call.request.url) for call in route.calls]
    assert urls == [f"{BASE}/tides?station=brest", f"{BASE}/tides?station=brest&units=imperial"]


def test_a_pair_with_a_variable_name_is_left_out(almanac: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(almanac) as sdk:
        route = router.get("/export").respond(204)
        sdk.places.export_all()
    assert str(route.calls.last.request.url) == f"{BASE}/export?format=csv"
    assert "kind" not in signature_of(resource_class(almanac, "places", "AlmanacSDK").export_all)


async def test_async_methods_send_the_same_url(almanac: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router:
        route = router.get("/rpc").respond(200, json=PHASE)
        async with sdk_of(almanac) as sdk:
            await sdk.rpc.moon_phase_async(date_="2024-01-02")
    assert str(route.calls.last.request.url) == f"{BASE}/rpc?date=2024-01-02&action=moon.phase"


@pytest.fixture(scope="module")
def votes(corpus: Corpus) -> ModuleType:
    return corpus.load("signed_names")


def test_signed_number_names_are_plus_and_minus(corpus: Corpus, votes: ModuleType) -> None:
    assert corpus.generated["signed_names"].warnings == []
    fields = votes.models.Tally.model_fields
    assert {name: f.alias for name, f in fields.items()} == {
        "plus_1": "+1",
        "minus_1": "-1",
        "plus_0_5": "+0.5",
        "total_count": None,
    }
    with respx.mock(base_url="https://votes.test") as router:
        sent = router.patch("/polls/7").respond(204)
        router.get("/polls/7").respond(200, json={"id": 7, "tally": {"+1": 5, "-1": 2}})
        with votes.VotesSDK(retry_config=None) as sdk:
            sdk.polls.vote(id=7, plus_1=3, minus_1=1)
            poll = sdk.polls.get_poll(id=7)
    assert json.loads(sent.calls.last.request.content) == {"+1": 3, "-1": 1}
    assert (poll.tally.plus_1, poll.tally.minus_1) == (5, 2)


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_generated_packages_pass_mypy_strict(corpus: Corpus, stem: str) -> None:
    corpus.load(stem)
    errors = corpus.mypy_errors(f"{stem}/")
    assert errors == [], "\n".join(errors)
