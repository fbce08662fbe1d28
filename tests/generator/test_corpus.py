"""The generator on a corpus of small specs (tests/generator/specs/*.yml).

Each spec exercises a group of constructs. It is generated once per session into a
temporary folder, imported, type-checked with `mypy --strict` (one mypy run over every
package, started as soon as they are written; its tests come last, so that it runs while
the others do), and
its methods are called against respx: the wire request (method, URL with its query,
headers, JSON body bytes) and the parsed response (types, values, aliases) are checked.

Constructs whose generated code is broken badly enough to break a whole package (an import
error, a syntax error) are exercised at the end of this module with tiny specs of their
own, so that the corpus packages keep testing everything else.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Optional, Union, get_type_hints

import httpx
import pydantic
import pytest
import respx
import yaml
from generator.__main__ import generate_package
from generator.diagnostics import Diagnostics, SpecError

SPECS = Path(__file__).parent / "specs"

#: spec file stem -> (package name, SDK class name derived from info.title)
CORPUS: dict[str, tuple[str, str]] = {
    "models": ("corpus_models", "ModelsCorpusSDK"),
    "nullability": ("corpus_nullability", "NullabilityCorpusSDK"),
    "openapi30": ("corpus_openapi30", "LegacyCorpusSDK"),
    "unions": ("corpus_unions", "UnionsCorpusSDK"),
    "operations": ("corpus_operations", "OperationsCorpusSDK"),
    "errors": ("corpus_errors", "ErrorsCorpusSDK"),
    "streaming": ("corpus_streaming", "StreamingCorpusSDK"),
    "defaults": ("corpus_defaults", "DefaultsCorpusSDK"),
    "golden": ("corpus_golden", "GoldenNotesSDK"),
}

#: `mypy --strict` exactly as the issue asks (no pydantic plugin: a consumer of the package
#: may not use it). A fresh cache in the session's temporary folder; Python 3.10 syntax,
#: the oldest the generated code supports.
MYPY_ARGS = ["--strict", "--python-version", "3.10", "--show-error-codes", "--no-pretty"]

#: Code a user of the SDK would write, type-checked in the same mypy run: nested inputs
#: are accepted as models or as plain dicts (their TypedDicts), as Speakeasy's SDKs allow.
USAGE: dict[str, str] = {
    "models": """
        from corpus_models import ModelsCorpusSDK, models


        def use(sdk: ModelsCorpusSDK) -> models.Record:
            sdk.trees.search(field="a", and_=[{"field": "b"}], not_={"equals": "c"})
            sdk.trees.search(and_=[models.Filter(field="b")])
            return sdk.records.create(
                name="abc", count=1, owner={"displayName": "Al", "address": {"zipCode": "12345"}}
            )
    """,
    "unions": """
        from corpus_unions import UnionsCorpusSDK, models


        def use(sdk: UnionsCorpusSDK) -> models.Drawing:
            sdk.drawings.create(shapes=[models.CircleIn(radius=1.0)], color=models.Color.RED)
            return sdk.drawings.create(
                shapes=[{"kind": "circle", "radius": 1.0}, {"kind": "sq", "side": 2.0}],
                primary={"kind": "circle", "radius": 1.0},
                color=models.Color.RED,
            )
    """,
}


# -- generating, importing and type-checking the corpus ----------------------------------


@dataclass
class Generated:
    stem: str
    package: str
    sdk_class: str
    out: Path
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # "pointer: message" lines


@dataclass
class Corpus:
    root: Path
    generated: dict[str, Generated]
    mypy: subprocess.Popen[bytes] | None
    mypy_log: Path
    _mypy_output: list[str] | None = None
    _mypy_code: int | None = None
    modules: dict[str, ModuleType] = field(default_factory=dict)

    def load(self, stem: str) -> ModuleType:
        """The generated package of `stem`'s spec, imported (fails its tests if it cannot)."""
        item = self.generated[stem]
        if item.error is not None:
            pytest.fail(f"generating specs/{stem}.yml failed:\n{item.error}")
        if stem not in self.modules:
            self.modules[stem] = importlib.import_module(item.package)
            importlib.import_module(f"{item.package}.models")
        return self.modules[stem]

    def mypy_result(self) -> tuple[int, list[str]]:
        """mypy's exit code and output lines (waits for the run started at generation)."""
        if self._mypy_output is None:
            if self.mypy is None:
                pytest.fail("mypy did not run: no package could be generated")
            self._mypy_code = self.mypy.wait(timeout=300)
            self._mypy_output = self.mypy_log.read_text(encoding="utf-8").splitlines()
        assert self._mypy_code is not None
        return self._mypy_code, self._mypy_output

    def mypy_errors(self, prefix: str) -> list[str]:
        """mypy's lines about files under `prefix` (fails when mypy itself failed)."""
        code, lines = self.mypy_result()
        assert code in (0, 1), "\n".join(lines)  # 2: mypy itself failed
        return [line for line in lines if line.startswith(prefix)]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus"), CORPUS, USAGE) as found:
        yield found


class Recorder:
    """A MockTransport answering each request with `answer`, keeping the requests read."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answer: Callable[[httpx.Request], httpx.Response] = lambda _: httpx.Response(204)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@contextlib.contextmanager
def generated_corpus(
    root: Path, specs: dict[str, tuple[str, str]], usage: dict[str, str]
) -> Iterator[Corpus]:
    """Generate `specs` (stem -> (package, SDK class)) into `root`, start one mypy run over
    them and the `usage` code, and put them on `sys.path` until the block ends."""
    generated: dict[str, Generated] = {}
    for stem, (package, sdk_class) in specs.items():
        out = root / stem
        item = Generated(stem, package, sdk_class, out)
        diagnostics = Diagnostics()
        try:
            generate_package(SPECS / f"{stem}.yml", out, package, None, diagnostics=diagnostics)
        except Exception as error:  # reported by the tests of that spec only
            item.error = f"{type(error).__name__}: {error}"
        item.warnings = [str(problem) for problem in diagnostics.warnings]
        generated[stem] = item
    targets = [f"{g.stem}/{g.package}" for g in generated.values() if g.error is None]
    for stem, source in usage.items():
        if generated[stem].error is None:
            (root / stem / f"usage_{stem}.py").write_text(textwrap.dedent(source).lstrip())
            targets.append(f"{stem}/usage_{stem}.py")
    (root / "mypy.ini").write_text("[mypy]\n")
    log = root / "mypy.log"
    process = None
    if targets:
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mypy",
                    *MYPY_ARGS,
                    "--config-file",
                    "mypy.ini",
                    "--cache-dir",
                    str(root / ".mypy_cache"),
                    *targets,
                ],
                cwd=root,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
    paths = [str(g.out) for g in generated.values()]
    sys.path[:0] = paths
    corpus = Corpus(root, generated, process, log)
    try:
        yield corpus
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        for path in paths:
            while path in sys.path:
                sys.path.remove(path)
        prefixes = tuple(g.package for g in generated.values())
        for name in list(sys.modules):
            if name.split(".")[0] in prefixes:
                del sys.modules[name]


@pytest.fixture(scope="session")
def models_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("models")


@pytest.fixture(scope="session")
def nulls_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("nullability")


@pytest.fixture(scope="session")
def legacy_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("openapi30")


@pytest.fixture(scope="session")
def unions_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("unions")


@pytest.fixture(scope="session")
def ops_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("operations")


@pytest.fixture(scope="session")
def errors_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("errors")


@pytest.fixture(scope="session")
def stream_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("streaming")


@pytest.fixture(scope="session")
def defaults_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("defaults")


@pytest.fixture(scope="session")
def golden_pkg(corpus: Corpus) -> ModuleType:
    return corpus.load("golden")


def wire(value: Any) -> bytes:
    """JSON as the SDK sends it: compact, keys sorted (as atoma-sdk 0.1.3 did)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def sdk_of(package: ModuleType, **options: Any) -> Any:
    """The package's SDK class (named from info.title), with retries off unless given."""
    options.setdefault("retry_config", None)
    return getattr(package, _sdk_class_name(package))(**options)


def _sdk_class_name(package: ModuleType) -> str:
    return next(cls for pkg, cls in CORPUS.values() if pkg == package.__name__)


REQUIRED = inspect.Parameter.empty


def resource_class(package: ModuleType, attribute: str, sdk_class: str | None = None) -> Any:
    """The class of `sdk.<attribute>` (resource modules are imported on first use)."""
    sdk = getattr(package, sdk_class or _sdk_class_name(package))()
    try:
        return type(getattr(sdk, attribute))
    finally:
        sdk.close()


#: Arguments every generated method takes besides the operation's own.
CALL_OPTIONS = frozenset(
    {"self", "retries", "server_url", "timeout_ms", "http_headers", "max_response_bytes"}
    | {"extra_headers", "extra_query", "extra_body"}
)


def signature_of(method: Any) -> dict[str, tuple[Any, Any]]:
    """Argument -> (resolved annotation, default) of a generated method (its operation's
    arguments: not the call options)."""
    hints = get_type_hints(method)
    parameters = inspect.signature(method).parameters
    return {
        name: (hints[name], parameter.default)
        for name, parameter in parameters.items()
        if name not in CALL_OPTIONS
    }


# -- models.yml: objects, inline objects, recursion, maps, formats, names ----------------

RECORD = {
    "id": "6f1c1f1e-8a35-4e57-9f2d-1d2b0c8b3f11",
    "name": "rec",
    "createdAt": "2024-01-02T03:04:05Z",
    "day": "2024-02-29",
    "website": "https://example.test/a?b=c",
    "checksum": "aGVsbG8=",
    "count": 2147483647,
    "total": 9007199254740993,
    "ratio": 0.25,
    "score": 1e-3,
    "active": False,
    "class": "gold",
    "from": "alice",
    "X-Trace-Id": "t-1",
    "owner": {"displayName": "Al", "address": {"city": "Paris", "zipCode": "75001"}},
    "items": [{"sku": "a1", "qty": 2}, {"sku": "b2"}],
    "labels": {"env": "prod"},
    "counters": {"hits": 3},
    "people": {"boss": {"name": "Bo", "employer": {"name": "Acme"}}},
    "attributes": {"weight": {"unit": "kg", "value": 1.5}},
    "metadata": {"anything": [1, "two", {"three": None}]},
    "extras": {"x": True},
    "matrix": [[1.5, 2.0], []],
    "tree": {"label": "root", "children": [{"label": "leaf", "children": []}]},
    "addedLater": {"by": "the server"},
}


def test_models_inline_objects_are_named_from_parent_and_field(models_pkg: ModuleType) -> None:
    m = models_pkg.models
    fields = m.Record.model_fields
    assert fields["owner"].annotation is m.RecordOwner
    assert m.RecordOwner.model_fields["address"].annotation == Optional[m.RecordOwnerAddress]
    assert fields["items"].annotation == Optional[list[m.RecordItems]]  # type: ignore[name-defined]
    assert fields["attributes"].annotation == Optional[dict[str, m.RecordAttributesValue]]  # type: ignore[name-defined]
    # the request model's inline objects are request models of their own
    assert issubclass(m.RecordInputOwner, models_pkg._runtime.models.InputModel)
    assert issubclass(m.RecordInputOwnerAddress, models_pkg._runtime.models.InputModel)
    assert issubclass(m.RecordOwner, models_pkg._runtime.models.OutputModel)


def test_models_request_is_sent_with_wire_names_and_formats(models_pkg: ModuleType) -> None:
    m = models_pkg.models
    with (
        respx.mock(base_url="https://models.test/v1") as router,
        sdk_of(models_pkg) as sdk,
    ):
        route = router.post("/records").respond(201, json=RECORD)
        record = sdk.records.create(
            name="abc",
            count=-(2**31),
            total=2**63 - 1,
            ratio=1.0,
            score=99.5,
            tags=["a", "bb"],
            created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            day=date(2024, 2, 29),
            id=uuid.UUID("6f1c1f1e-8a35-4e57-9f2d-1d2b0c8b3f11"),
            website="https://example.test/",
            checksum="aGVsbG8=",
            active=False,
            class_="gold",
            from_="alice",
            owner={"displayName": "Al", "address": {"zipCode": "75001"}},
            labels={"k": "v"},
            metadata={"any": [1, {"x": None}]},
            filter=m.Filter(field="a", and_=[{"field": "b", "equals": "c"}]),
        )
    request = route.calls.last.request
    assert (request.method, str(request.url)) == ("POST", "https://models.test/v1/records")
    assert request.headers["content-type"] == "application/json"
    assert request.content == wire(
        {
            "name": "abc",
            "count": -(2**31),
            "total": 2**63 - 1,
            "ratio": 1.0,
            "score": 99.5,
            "tags": ["a", "bb"],
            "createdAt": "2024-01-02T03:04:05Z",
            "day": "2024-02-29",
            "id": "6f1c1f1e-8a35-4e57-9f2d-1d2b0c8b3f11",
            "website": "https://example.test/",
            "checksum": "aGVsbG8=",
            "active": False,
            "class": "gold",
            "from": "alice",
            "owner": {"displayName": "Al", "address": {"zipCode": "75001"}},
            "labels": {"k": "v"},
            "metadata": {"any": [1, {"x": None}]},
            "filter": {"field": "a", "and": [{"field": "b", "equals": "c"}]},
        }
    )
    assert isinstance(record, m.Record)


def test_models_response_is_parsed_into_typed_models(models_pkg: ModuleType) -> None:
    m = models_pkg.models
    with respx.mock(base_url="https://models.test/v1") as router, sdk_of(models_pkg) as sdk:
        router.post("/records").respond(201, json=RECORD)
        record = sdk.records.create(name="abc", count=1)
    assert record.id == uuid.UUID(str(RECORD["id"]))
    assert record.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert record.day == date(2024, 2, 29)
    assert (record.count, record.total) == (2147483647, 9007199254740993)
    assert (record.ratio, record.score, record.active) == (0.25, 1e-3, False)
    assert (record.class_, record.from_, record.x_trace_id) == ("gold", "alice", "t-1")
    assert isinstance(record.owner, m.RecordOwner)
    assert isinstance(record.owner.address, m.RecordOwnerAddress)
    assert record.owner.address.zip_code == "75001"
    assert [type(i) for i in record.items] == [m.RecordItems, m.RecordItems]
    assert (record.items[1].sku, record.items[1].qty) == ("b2", None)
    assert record.labels == {"env": "prod"}
    assert record.counters == {"hits": 3}
    assert isinstance(record.people["boss"], m.Person)
    assert isinstance(record.people["boss"].employer, m.Company)
    assert isinstance(record.attributes["weight"], m.RecordAttributesValue)
    assert record.attributes["weight"].value == 1.5
    assert record.metadata == {"anything": [1, "two", {"three": None}]}
    assert record.extras == {"x": True}
    assert record.matrix == [[1.5, 2.0], []]
    assert isinstance(record.tree.children[0], m.TreeNode)
    # a field the server added beyond the spec is kept
    assert record.model_extra == {"addedLater": {"by": "the server"}}
    # wire names round-trip exactly
    dumped = record.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped == RECORD


def test_models_binary_fields_round_trip_any_bytes(models_pkg: ModuleType) -> None:
    """`format: binary` is `bytes`: any bytes can be sent, and the value on the wire reads
    back as the same bytes (today bytes that are not UTF-8 raise UnicodeDecodeError while
    the body is serialised, and UTF-8 ones are sent as raw text)."""
    m = models_pkg.models
    blob = b"\x00\xff\xfe binary"
    with respx.mock(base_url="https://models.test/v1") as router, sdk_of(models_pkg) as sdk:
        route = router.post("/records").respond(201, json=RECORD)
        sdk.records.create(name="abc", count=1, blob=blob)
    sent = json.loads(route.calls.last.request.content)["blob"]
    echoed = m.Record.model_validate({**RECORD, "blob": sent})
    assert echoed.blob == blob


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"name": "a"}, "name"),  # minLength 2
        ({"name": "abcdefghi"}, "name"),  # maxLength 8
        ({"name": "ABC"}, "name"),  # pattern
        ({"count": 2**31}, "count"),  # int32 upper bound
        ({"count": -(2**31) - 1}, "count"),  # int32 lower bound
        ({"count": "5"}, "count"),  # strict: no coercion
        ({"total": -1}, "total"),  # minimum 0
        ({"total": 2**63}, "total"),  # int64 upper bound
        ({"ratio": 1.01}, "ratio"),  # maximum 1
        ({"score": 0}, "score"),  # exclusiveMinimum 0
        ({"score": 100}, "score"),  # exclusiveMaximum 100
        ({"tags": []}, "tags"),  # minItems 1
        ({"tags": ["a", "b", "c", "d"]}, "tags"),  # maxItems 3
        ({"tags": ["toolong"]}, "tags"),  # items' maxLength 5
        ({"created_at": "yesterday"}, "createdAt"),  # a datetime or its ISO string
        ({"owner": {"displayName": ""}}, "owner"),  # nested minLength
        ({"owner": {"displayName": "x", "address": {"zipCode": "123"}}}, "owner"),  # pattern
        ({"owner": {"displayName": "x", "nickname": "y"}}, "owner"),  # unknown field
    ],
)
def test_models_constraints_are_enforced_before_any_request(
    models_pkg: ModuleType, arguments: dict[str, Any], field: str
) -> None:
    call = {"name": "abc", "count": 1, **arguments}
    with (
        respx.mock(base_url="https://models.test/v1", assert_all_called=False) as router,
        sdk_of(models_pkg) as sdk,
    ):
        route = router.post("/records").respond(201, json=RECORD)
        with pytest.raises(pydantic.ValidationError) as caught:
            sdk.records.create(**call)
        assert route.call_count == 0
    locations = {error["loc"][0] for error in caught.value.errors()}
    assert field in locations or field.replace("createdAt", "created_at") in locations


def test_models_boundary_values_are_accepted(models_pkg: ModuleType) -> None:
    with respx.mock(base_url="https://models.test/v1") as router, sdk_of(models_pkg) as sdk:
        route = router.post("/records").respond(201, json=RECORD)
        sdk.records.create(
            name="ab", count=2**31 - 1, total=0, ratio=0.0, score=99.999, tags=["abcde"] * 3
        )
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "name": "ab",
        "count": 2**31 - 1,
        "total": 0,
        "ratio": 0.0,
        "score": 99.999,
        "tags": ["abcde"] * 3,
    }


async def test_models_recursive_schemas_self_and_mutual(models_pkg: ModuleType) -> None:
    m = models_pkg.models
    tree = {
        "label": "root",
        "children": [{"label": "a", "children": [{"label": "a1", "parent": {"label": "a"}}]}],
    }
    person = {
        "name": "Ann",
        "employer": {
            "name": "Acme",
            "ceo": {"name": "Bob", "employer": {"name": "Acme"}},
            "employees": [{"name": "Cy"}],
        },
    }
    person_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
    async with sdk_of(models_pkg) as sdk:
        with respx.mock(base_url="https://models.test/v1") as router:
            tree_route = router.get("/trees/1099511627776").respond(200, json=tree)
            person_route = router.get(f"/people/{person_id}").respond(200, json=person)
            node = await sdk.trees.get_tree_async(tree_id=2**40)
            ann = await sdk.people.get_person_async(person_id=person_id)
    assert tree_route.call_count == person_route.call_count == 1
    assert isinstance(node.children[0].children[0].parent, m.TreeNode)
    assert node.children[0].children[0].parent.label == "a"
    assert node.parent is None
    assert isinstance(ann.employer, m.Company)
    assert isinstance(ann.employer.ceo.employer, m.Company)
    assert isinstance(ann.employer.employees[0], m.Person)
    assert node.model_dump(mode="json", exclude_unset=True) == tree


def test_models_recursive_request_model_with_keyword_names(models_pkg: ModuleType) -> None:
    m = models_pkg.models
    with respx.mock(base_url="https://models.test/v1") as router, sdk_of(models_pkg) as sdk:
        route = router.post("/search").respond(200, json=[{"label": "x"}])
        found = sdk.trees.search(
            and_=[{"field": "a", "equals": "1"}, m.Filter(not_=m.Filter(field="b"))],
            not_={"and": [{"equals": "2"}]},
        )
    assert route.calls.last.request.content == wire(
        {
            "and": [{"equals": "1", "field": "a"}, {"not": {"field": "b"}}],
            "not": {"and": [{"equals": "2"}]},
        }
    )
    assert [type(n) for n in found] == [m.TreeNode]


def test_models_python_names_and_wire_aliases(models_pkg: ModuleType) -> None:
    m = models_pkg.models
    aliases = {n: f.alias for n, f in m.RecordInput.model_fields.items() if f.alias}
    assert aliases == {"class_": "class", "from_": "from", "created_at": "createdAt"}
    assert m.Record.model_fields["x_trace_id"].alias == "X-Trace-Id"
    assert {n: f.alias for n, f in m.Filter.model_fields.items() if f.alias} == {
        "and_": "and",
        "not_": "not",
    }
    arguments = list(inspect.signature(resource_class(models_pkg, "records").create).parameters)
    assert {"class_", "from_", "created_at"} <= set(arguments)
    # Python names are accepted too, and both spellings give the same wire body
    by_alias = m.RecordInput(name="ab", count=1, **{"class": "c", "from": "f"})
    by_name = m.RecordInput(name="ab", count=1, class_="c", from_="f")
    assert by_alias.to_json_bytes() == by_name.to_json_bytes()
    assert by_name.to_json_bytes() == wire({"class": "c", "count": 1, "from": "f", "name": "ab"})


# -- nullability.yml / openapi30.yml: required, optional, nullable ------------------------


def test_nullability_arguments_follow_speakeasy(nulls_pkg: ModuleType) -> None:
    m, unset = nulls_pkg.models, nulls_pkg.types.UNSET
    Unset = nulls_pkg.types.Unset
    limits = Union[m.Limits, m.LimitsTypedDict]  # type: ignore[name-defined]
    assert signature_of(resource_class(nulls_pkg, "settings").update) == {
        "name": (str, REQUIRED),
        "label": (Optional[str], REQUIRED),  # Nullable[str]
        "ratio": (Optional[float], REQUIRED),
        "limits": (Optional[limits], REQUIRED),
        "comment": (Optional[str], None),  # Optional[str] = None
        "description": (Union[str, Unset, None], unset),  # OptionalNullable[str] = UNSET
        "threshold": (Union[int, Unset, None], unset),
        "fallback": (Union[limits, Unset, None], unset),
        "level": (Union[m.Level, Unset, None], unset),
        "mode": (Union[m.SettingsInputMode, Unset, None], unset),
        "tags": (Union[list[str], Unset, None], unset),
    }


def test_nullability_model_fields_follow_speakeasy(nulls_pkg: ModuleType) -> None:
    m, unset = nulls_pkg.models, nulls_pkg.types.UNSET
    request = {n: (f.is_required(), f.default) for n, f in m.SettingsInput.model_fields.items()}
    assert request == {
        "name": (True, pydantic_core_undefined()),
        "label": (True, pydantic_core_undefined()),
        "ratio": (True, pydantic_core_undefined()),
        "limits": (True, pydantic_core_undefined()),
        "comment": (False, None),
        "description": (False, unset),
        "threshold": (False, unset),
        "fallback": (False, unset),
        "level": (False, unset),
        "mode": (False, unset),
        "tags": (False, unset),
    }
    response = {n: (f.is_required(), f.default) for n, f in m.Settings.model_fields.items()}
    assert response == {
        "name": (True, pydantic_core_undefined()),
        "label": (True, pydantic_core_undefined()),  # Optional[str], required
        "ratio": (True, pydantic_core_undefined()),
        "limits": (True, pydantic_core_undefined()),
        "comment": (False, None),  # Optional[str] = None
        "description": (False, None),  # optional nullable: Optional[str] = None too
        "level": (False, None),
        "tags": (False, None),
    }


def pydantic_core_undefined() -> Any:
    from pydantic_core import PydanticUndefined

    return PydanticUndefined


SETTINGS = {"name": "n", "label": None, "ratio": None, "limits": None}


@pytest.mark.parametrize(
    ("arguments", "body"),
    [
        # required nullable fields are sent, as null when None; optional ones are left out
        ({}, {"label": None, "limits": None, "name": "n", "ratio": None}),
        # optional (not nullable): None is not sent; optional nullable: None is sent as null
        (
            {
                "comment": None,
                "description": None,
                "threshold": None,
                "fallback": None,
                "level": None,
                "mode": None,
                "tags": None,
            },
            {
                "description": None,
                "fallback": None,
                "label": None,
                "level": None,
                "limits": None,
                "mode": None,
                "name": "n",
                "ratio": None,
                "tags": None,
                "threshold": None,
            },
        ),
        # UNSET (the default) is never sent
        (
            {"description": "UNSET", "label": "l", "ratio": 0.5, "limits": {"max": 1}},
            {"label": "l", "limits": {"max": 1}, "name": "n", "ratio": 0.5},
        ),
        (
            {
                "comment": "c",
                "description": "d",
                "threshold": 0,
                "fallback": {"max": 2},
                "level": "high",
                "mode": "auto",
                "tags": [],
            },
            {
                "comment": "c",
                "description": "d",
                "fallback": {"max": 2},
                "label": None,
                "level": "high",
                "limits": None,
                "mode": "auto",
                "name": "n",
                "ratio": None,
                "tags": [],
                "threshold": 0,
            },
        ),
    ],
)
def test_nullability_none_unset_and_values_on_the_wire(
    nulls_pkg: ModuleType, arguments: dict[str, Any], body: dict[str, Any]
) -> None:
    call: dict[str, Any] = {"name": "n", "label": None, "ratio": None, "limits": None}
    for name, value in arguments.items():
        call[name] = nulls_pkg.types.UNSET if value == "UNSET" else value
    if "level" in arguments and arguments["level"] is not None:
        call["level"] = nulls_pkg.models.Level(arguments["level"])
    if "mode" in arguments and arguments["mode"] is not None:
        call["mode"] = nulls_pkg.models.SettingsInputMode(arguments["mode"])
    with respx.mock(base_url="https://nulls.test") as router, sdk_of(nulls_pkg) as sdk:
        route = router.put("/settings").respond(200, json=SETTINGS)
        sdk.settings.update(**call)
    assert route.calls.last.request.content == wire(body)


def test_nullability_required_arguments_cannot_be_left_out(nulls_pkg: ModuleType) -> None:
    with sdk_of(nulls_pkg) as sdk, pytest.raises(TypeError):
        sdk.settings.update(name="n")  # label, ratio, limits are required (may be None)
    with sdk_of(nulls_pkg) as sdk, pytest.raises(pydantic.ValidationError):
        sdk.settings.update(name="n", label=None, ratio=None, limits=None, description="x" * 11)
    with sdk_of(nulls_pkg) as sdk, pytest.raises(pydantic.ValidationError):
        sdk.settings.update(name="n", label=None, ratio=None, limits=None, threshold=-1)


async def test_nullability_responses_and_nullable_query(nulls_pkg: ModuleType) -> None:
    m = nulls_pkg.models
    payload = {
        "name": "n",
        "label": None,
        "ratio": 0.5,
        "limits": {"max": 3},
        "description": None,
        "level": "extreme",
    }
    async with sdk_of(nulls_pkg) as sdk:
        with respx.mock(base_url="https://nulls.test") as router:
            route = router.get("/settings/a%20b").respond(200, json=payload)
            got = await sdk.settings.get_async(name="a b", version=None, x_trace="t")
            request = route.calls.last.request
            assert str(request.url) == "https://nulls.test/settings/a%20b"
            assert request.headers["x-trace"] == "t"
            await sdk.settings.get_async(name="a b", version=3)
            assert route.calls.last.request.url.params["version"] == "3"
            assert "x-trace" not in route.calls.last.request.headers
            route.respond(200, json={"name": "n", "ratio": None, "limits": None})
            with pytest.raises(nulls_pkg.models.ResponseValidationError):
                await sdk.settings.get_async(name="a b")  # required `label` missing
    assert (got.label, got.ratio, got.comment, got.description) == (None, 0.5, None, None)
    assert isinstance(got.limits, m.Limits)
    assert got.level == "extreme"  # open enum: an unknown value is kept
    assert "description" in got.model_fields_set
    assert "comment" not in got.model_fields_set


def test_openapi30_nullable_arguments(legacy_pkg: ModuleType) -> None:
    m, unset = legacy_pkg.models, legacy_pkg.types.UNSET
    Unset = legacy_pkg.types.Unset
    signature = signature_of(resource_class(legacy_pkg, "profiles").create)
    assert signature == {
        "name": (str, REQUIRED),
        "nickname": (Optional[str], REQUIRED),
        "age": (Union[int, Unset, None], unset),
        "bio": (Optional[str], None),
        "tier": (Union[m.Tier, Unset, None], unset),
        "address": (Union[m.Address, m.AddressTypedDict, Unset, None], unset),
        "aliases": (Union[list[str], Unset, None], unset),
        "score": (Optional[float], None),
        "rank": (Optional[int], None),
    }


async def test_openapi30_nullable_on_the_wire_and_in_responses(legacy_pkg: ModuleType) -> None:
    m = legacy_pkg.models
    payload = {"name": "a", "nickname": None, "tier": None, "color": "green", "address": None}
    async with sdk_of(legacy_pkg) as sdk:
        with respx.mock(base_url="https://legacy.test") as router:
            route = router.post("/profiles").respond(200, json=payload)
            profile = await sdk.profiles.create_async(
                name="a", nickname=None, age=None, bio=None, tier=None, address=None, aliases=None
            )
            assert route.calls.last.request.content == wire(
                {
                    "address": None,
                    "age": None,
                    "aliases": None,
                    "name": "a",
                    "nickname": None,
                    "tier": None,
                }
            )
            sdk.profiles.create(name="a", nickname="b", tier=m.Tier.PRO, address={"city": "c"})
            assert route.calls.last.request.content == wire(
                {"address": {"city": "c"}, "name": "a", "nickname": "b", "tier": "pro"}
            )
    assert (profile.nickname, profile.tier, profile.address, profile.age) == (None,) * 4
    assert profile.color == "green"  # 3.0 enum with null: open, unknown value kept


def test_openapi30_boolean_exclusive_bounds(legacy_pkg: ModuleType) -> None:
    """3.0's `exclusiveMinimum: true` makes `minimum` exclusive (it is not a bound of 1);
    `exclusiveMaximum: false` leaves `maximum` inclusive (it is not a bound of 0)."""
    with respx.mock(base_url="https://legacy.test") as router, sdk_of(legacy_pkg) as sdk:
        route = router.post("/profiles").respond(200, json={"name": "a", "nickname": None})
        for accepted in ({"score": 5.0}, {"score": 9.99}, {"rank": 1}, {"rank": 3}, {"rank": 5}):
            sdk.profiles.create(name="a", nickname=None, **accepted)
            assert json.loads(route.calls.last.request.content) == {
                "name": "a",
                "nickname": None,
                **accepted,
            }
        for refused in ({"score": 0.0}, {"score": 10.0}, {"rank": 0}, {"rank": 6}):
            with pytest.raises(pydantic.ValidationError):
                sdk.profiles.create(name="a", nickname=None, **refused)


# -- unions.yml: oneOf / anyOf / discriminators / allOf / enums / const ------------------

DRAWING = {
    "id": "d1",
    "shapes": [
        {"kind": "circle", "radius": 1.5},
        {"kind": "sq", "side": 2.0},
        {"kind": "hexagon", "sides": 6},
    ],
    "maybeShape": {"kind": "sq", "side": 1.0},
    "color": "ultraviolet",
    "priority": 9,
    "ref": "abc",
    "style": "dotted",
    "version": 2,
}


def test_unions_discriminated_request_members_get_their_tags(unions_pkg: ModuleType) -> None:
    m = unions_pkg.models
    with respx.mock(base_url="https://unions.test") as router, sdk_of(unions_pkg) as sdk:
        route = router.post("/drawings").respond(200, json=DRAWING)
        sdk.drawings.create(
            shapes=[{"kind": "circle", "radius": 1.5}, m.SquareIn(side=2.0)],
            primary=m.CircleIn(radius=0.5),
            color=m.Color.LIGHT_BLUE,
            priority=m.Priority.VALUE_3,
            ref=7,
            style=m.DrawingInputStyle.DASHED,
        )
    assert route.calls.last.request.content == wire(
        {
            "color": "light-blue",
            "primary": {"kind": "circle", "radius": 0.5},
            "priority": 3,
            "ref": 7,
            "shapes": [{"kind": "circle", "radius": 1.5}, {"kind": "sq", "side": 2.0}],
            "style": "dashed",
            "version": 2,
        }
    )
    # the tag is fixed by the mapping: it defaults to, and may only be, its mapped value
    assert m.SquareIn(side=1.0).kind == "sq"
    with pytest.raises(pydantic.ValidationError):
        m.SquareIn(kind="circle", side=1.0)


def test_unions_required_const_is_sent_without_an_argument(unions_pkg: ModuleType) -> None:
    """`version: {const: 2}`, required: always sent, not an argument, and only that value."""
    m = unions_pkg.models
    arguments = inspect.signature(resource_class(unions_pkg, "drawings").create).parameters
    assert "version" not in arguments
    with respx.mock(base_url="https://unions.test") as router, sdk_of(unions_pkg) as sdk:
        route = router.post("/drawings").respond(200, json=DRAWING)
        sdk.drawings.create(shapes=[], color=m.Color.RED)
    assert route.calls.last.request.content == wire({"color": "red", "shapes": [], "version": 2})
    with pytest.raises(pydantic.ValidationError):
        m.DrawingInput(shapes=[], color=m.Color.RED, version=3)


@pytest.mark.parametrize(
    "arguments",
    [
        {"shapes": [{"kind": "triangle", "side": 1.0}]},  # unknown tag: refused when sending
        {"shapes": [{"kind": "circle", "radius": 0}]},  # exclusiveMinimum inside a member
        {"color": "purple"},  # enums are closed on requests
        {"priority": 4},
        {"style": "wavy"},
    ],
)
def test_unions_request_values_are_validated_before_sending(
    unions_pkg: ModuleType, arguments: dict[str, Any]
) -> None:
    call = {"shapes": [], "color": "red", **arguments}
    with (
        respx.mock(base_url="https://unions.test", assert_all_called=False) as router,
        sdk_of(unions_pkg) as sdk,
    ):
        route = router.post("/drawings").respond(200, json=DRAWING)
        with pytest.raises(pydantic.ValidationError):
            sdk.drawings.create(**call)
        assert route.call_count == 0


def test_unions_response_with_unknown_variants_and_enum_values(unions_pkg: ModuleType) -> None:
    m = unions_pkg.models
    unknown_variant = unions_pkg._runtime.models.UnknownVariant
    with respx.mock(base_url="https://unions.test") as router, sdk_of(unions_pkg) as sdk:
        router.post("/drawings").respond(200, json=DRAWING)
        drawing = sdk.drawings.create(shapes=[], color=m.Color.RED)
    assert [type(s) for s in drawing.shapes] == [m.Circle, m.Square, unknown_variant]
    assert (drawing.shapes[0].kind, drawing.shapes[0].radius) == ("circle", 1.5)
    assert drawing.shapes[2].model_dump() == {"kind": "hexagon", "sides": 6}
    assert isinstance(drawing.maybe_shape, m.Square)
    # open enums: values this SDK does not know are kept, not refused
    assert drawing.color == "ultraviolet" and not isinstance(drawing.color, m.Color)
    assert drawing.priority == 9 and not isinstance(drawing.priority, m.Priority)
    assert drawing.style == "dotted"
    assert (drawing.ref, drawing.version) == ("abc", 2)
    assert drawing.model_dump(mode="json", by_alias=True, exclude_unset=True) == DRAWING


def test_unions_enum_members_and_known_values(unions_pkg: ModuleType) -> None:
    m = unions_pkg.models
    assert [(e.name, e.value) for e in m.Color] == [
        ("RED", "red"),
        ("LIGHT_BLUE", "light-blue"),
        ("VALUE_2TONE", "2tone"),
    ]
    assert [(e.name, e.value) for e in m.Priority] == [
        ("VALUE_1", 1),
        ("VALUE_2", 2),
        ("VALUE_3", 3),
    ]
    parsed = m.Drawing.model_validate(
        {**DRAWING, "color": "2tone", "priority": 1, "maybeShape": None}
    )
    assert parsed.color is m.Color.VALUE_2TONE
    assert parsed.priority is m.Priority.VALUE_1
    assert parsed.maybe_shape is None


ZOO = {
    "animals": [
        {"type": "cat", "name": "Tom", "indoor": True},
        {"type": "dog", "name": "Rex"},
        {"type": "parrot", "name": "Polly", "words": 12},
    ],
    "pets": [{"type": "dog", "name": "Fido", "breed": "lab"}, {"type": "cat", "name": "Kit"}],
    "star": {"type": "dog", "name": "Rex", "goodBoy": True},
    "youngest": {"type": "dog", "name": "Bit", "goodBoy": False, "ageWeeks": 9},
    "mascot": {"type": "cat", "name": "Mo"},
    "payload": {"text": "hi"},
    "status": "pending",
    "flags": True,
    "level": 7,
    "priorities": [1, 42],
}


async def test_unions_discriminators_without_mapping_allof_and_anyof(
    unions_pkg: ModuleType,
) -> None:
    m = unions_pkg.models
    unknown_variant = unions_pkg._runtime.models.UnknownVariant
    async with sdk_of(unions_pkg) as sdk:
        with respx.mock(base_url="https://unions.test") as router:
            route = router.get("/zoo").respond(200, json=ZOO)
            zoo = await sdk.zoo.get_async()
    assert route.calls.last.request.content == b""
    assert [type(a) for a in zoo.animals] == [m.Cat, m.Dog, unknown_variant]
    assert zoo.animals[2].words == 12
    assert [type(p) for p in zoo.pets] == [m.Dog, m.Cat]  # anyOf, no discriminator
    # allOf merges: the referenced schema's properties, then the part's own
    labrador = m.Labrador.model_fields
    assert set(labrador) == {"type", "name", "good_boy", "breed"}
    assert {n for n, f in labrador.items() if f.is_required()} >= {"name", "good_boy"}
    assert set(m.Puppy.model_fields) == {"type", "name", "good_boy", "breed", "age_weeks"}
    assert isinstance(zoo.star, m.Labrador) and zoo.star.good_boy is True
    assert isinstance(zoo.youngest, m.Puppy) and zoo.youngest.age_weeks == 9
    # a single-$ref allOf wrapper is the referenced model itself
    assert type(zoo.mascot) is m.Cat
    assert not hasattr(m, "ZooMascot")
    # an undiscriminated oneOf of a scalar, an array and an inline object (named by title)
    assert isinstance(zoo.payload, m.ZooPayloadNote) and zoo.payload.text == "hi"
    assert m.Zoo.model_validate({**ZOO, "payload": 5}).payload == 5
    assert m.Zoo.model_validate({**ZOO, "payload": ["a"]}).payload == ["a"]
    # an inline enum is named from parent and field; single-value enums are constants
    assert [e.value for e in m.ZooStatus] == ["open", "closed"]
    assert zoo.status == "pending"
    assert (zoo.flags, zoo.level) == (True, 7)
    assert zoo.priorities == [m.Priority.VALUE_1, 42]
    with pytest.raises(pydantic.ValidationError):
        m.Zoo.model_validate({**ZOO, "level": 8})  # const


# -- operations.yml: methods, parameters, groups, naming, security, servers --------------

ITEM = {"id": "i1", "name": "Lamp", "status": "active", "price": 9.5}


def test_operations_groups_and_method_names(ops_pkg: ModuleType) -> None:
    with sdk_of(ops_pkg) as sdk:
        groups = {
            "items": [
                "list",
                "create",
                "count",
                "stats",
                "get",
                "replace",
                "update",
                "delete",
                "name",
                "available",
                "price",
                "set_tags",
                "touch",
            ],
            "admin": ["reset"],  # the first of its tags
            "access_control": ["grant_role"],  # x-speakeasy-group, snake_cased
            "default": ["health_check"],  # no tags
        }
        for group, methods in groups.items():
            resource = getattr(sdk, group)
            public = sorted(
                n for n, v in vars(type(resource)).items() if callable(v) and not n.startswith("_")
            )
            assert public == sorted(methods + [f"{n}_async" for n in methods]), group


def test_operations_query_and_header_parameters(ops_pkg: ModuleType) -> None:
    m = ops_pkg.models
    with (
        respx.mock(base_url="https://api.ops.test/v2") as router,
        sdk_of(ops_pkg, bearer_auth="tok") as sdk,
    ):
        route = router.get("/items").respond(200, json=[ITEM, {**ITEM, "status": "lost"}])
        items = sdk.items.list(
            status=m.ItemStatus.ACTIVE,
            tag=["a", "b c"],
            states=[m.ItemStatus.ARCHIVED, m.ItemStatus.ACTIVE],
            limit=10,
            include_deleted=True,
            created_after=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            x_request_id="req-1",
            x_page=2,
        )
        request = route.calls.last.request
        assert request.method == "GET"
        assert str(request.url) == (
            "https://api.ops.test/v2/items?status=active&tag=a&tag=b%20c&states=archived"
            "&states=active&limit=10&includeDeleted=true&createdAfter=2024-01-02T03%3A04%3A05Z"
        )
        assert request.headers["x-request-id"] == "req-1"
        assert request.headers["x-page"] == "2"
        assert request.headers["authorization"] == "Bearer tok"
        assert request.headers["accept"] == "application/json"
        assert "content-type" not in request.headers
        assert request.content == b""
        # parameters left out are not sent
        sdk.items.list()
        assert str(route.calls.last.request.url) == "https://api.ops.test/v2/items"
        assert "x-request-id" not in route.calls.last.request.headers
    assert [type(i) for i in items] == [m.Item, m.Item]
    assert items[1].status == "lost"


@pytest.mark.parametrize(
    "arguments", [{"limit": 0}, {"limit": 101}, {"limit": "5"}, {"status": "gone"}]
)
def test_operations_parameters_are_validated_before_sending(
    ops_pkg: ModuleType, arguments: dict[str, Any]
) -> None:
    with (
        respx.mock(base_url="https://api.ops.test/v2", assert_all_called=False) as router,
        sdk_of(ops_pkg) as sdk,
    ):
        route = router.get("/items").respond(200, json=[])
        with pytest.raises(pydantic.ValidationError):
            sdk.items.list(**arguments)
        assert route.call_count == 0


def test_operations_path_parameters_and_bodies(ops_pkg: ModuleType) -> None:
    m = ops_pkg.models
    base = "https://api.ops.test/v2"
    with respx.mock(base_url=base) as router, sdk_of(ops_pkg, bearer_auth="tok") as sdk:
        create = router.post("/items").respond(201, json=ITEM)
        created = sdk.items.create(name="Lamp", status=m.ItemStatus.ACTIVE, price=2.5)
        assert create.calls.last.request.content == wire(
            {"name": "Lamp", "price": 2.5, "status": "active"}
        )
        get = router.get("/items/a%2Fb%20c").respond(200, json=ITEM)
        sdk.items.get(item_id="a/b c")
        assert str(get.calls.last.request.url) == f"{base}/items/a%2Fb%20c"
        replace = router.put("/items/i1").respond(200, json=ITEM)
        sdk.items.replace(item_id="i1", name="New")
        assert replace.calls.last.request.content == wire({"name": "New"})
        update = router.patch("/items/i1").respond(200, json=ITEM)
        sdk.items.update(item_id="i1", price=None)  # an inline body; price is nullable
        assert update.calls.last.request.content == wire({"price": None})
        sdk.items.update(item_id="i1", name="x")
        assert update.calls.last.request.content == wire({"name": "x"})
        grant = router.put("/admin/users/7/roles/editor").respond(204)
        result = sdk.access_control.grant_role(
            user_id=7, role=m.Role.EDITOR, x_reason="audit", dry_run=False
        )
        request = grant.calls.last.request
        assert str(request.url) == f"{base}/admin/users/7/roles/editor?dryRun=false"
        assert request.headers["x-reason"] == "audit"
    assert isinstance(created, m.Item)
    assert result is None
    signature = signature_of(resource_class(ops_pkg, "access_control").grant_role)
    assert all(default is REQUIRED for _, default in signature.values())  # all required


def test_operations_responses_no_content_primitives_arrays_and_maps(ops_pkg: ModuleType) -> None:
    m = ops_pkg.models
    with (
        respx.mock(base_url="https://api.ops.test/v2") as router,
        sdk_of(ops_pkg, bearer_auth="tok") as sdk,
    ):
        delete = router.delete("/items/i1").respond(204)
        assert sdk.items.delete(item_id="i1") is None
        assert delete.calls.last.request.content == b""
        assert "content-type" not in delete.calls.last.request.headers
        touch = router.post("/items/i1/touch").respond(200)
        assert sdk.items.touch(item_id="i1") is None
        assert touch.calls.last.request.content == b""
        router.get("/items/count").respond(200, json=42)
        router.get("/items/stats").respond(200, json={"active": 3, "archived": 0})
        router.get("/items/i1/name").respond(200, json="Lamp")
        router.get("/items/i1/available").respond(200, json=True)
        router.get("/items/i1/price").respond(200, json=9)
        count = sdk.items.count()
        stats = sdk.items.stats()
        name = sdk.items.name(item_id="i1")
        available = sdk.items.available(item_id="i1")
        price = sdk.items.price(item_id="i1")
        tags = router.put("/items/i1/tags").respond(200, json=["x", "y"])
        new_tags = sdk.items.set_tags(item_id="i1", body=["x", "y"])  # a non-object body
        assert tags.calls.last.request.content == wire(["x", "y"])
        with pytest.raises(pydantic.ValidationError):
            sdk.items.set_tags(item_id="i1", body=["a", "b", "c", "d"])  # maxItems 3
        assert tags.call_count == 1
        router.get("/health").respond(200, json={"status": "ok"})
        health = sdk.default.health_check()
    assert (count, type(count)) == (42, int)
    assert stats == {"active": 3, "archived": 0}
    assert (name, available, price, type(price)) == ("Lamp", True, 9.0, float)
    assert new_tags == ["x", "y"]
    assert isinstance(health, m.HealthCheckResponse) and health.status == "ok"


def test_operations_security_overrides_and_token(
    ops_pkg: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        respx.mock(base_url="https://api.ops.test/v2") as router,
        sdk_of(ops_pkg, bearer_auth="tok") as sdk,
    ):
        health = router.get("/health").respond(200, json={"status": "ok"})
        reset = router.post("/admin/reset").respond(204)
        sdk.default.health_check()  # `security: []`: no Authorization header
        assert "authorization" not in health.calls.last.request.headers
        assert sdk.admin.reset() is None
        assert reset.calls.last.request.headers["authorization"] == "Bearer tok"
    monkeypatch.setenv("OPERATIONSCORPUSSDK_BEARER_AUTH", "from-env")
    with respx.mock(base_url="https://api.ops.test/v2") as router, sdk_of(ops_pkg) as sdk:
        count = router.get("/items/count").respond(200, json=1)
        sdk.items.count()
    assert count.calls.last.request.headers["authorization"] == "Bearer from-env"


async def test_operations_servers_index_and_override(ops_pkg: ModuleType) -> None:
    with respx.mock() as router:
        us = router.get("https://api.ops.test/v2/items/count").respond(200, json=1)
        eu = router.get("https://eu.ops.test/v2/items/count").respond(200, json=2)
        other = router.get("https://override.test/base/items/count").respond(200, json=3)
        async with sdk_of(ops_pkg) as sdk:
            assert await sdk.items.count_async() == 1
        async with sdk_of(ops_pkg, server_idx=1) as sdk:
            assert await sdk.items.count_async() == 2
            # per call
            assert await sdk.items.count_async(server_url="https://override.test/base") == 3
        async with sdk_of(ops_pkg, server_url="https://override.test/base", server_idx=1) as sdk:
            assert await sdk.items.count_async() == 3  # server_url wins over server_idx
    assert (us.call_count, eu.call_count, other.call_count) == (1, 1, 2)
    with pytest.raises(ValueError, match="server_idx"):
        sdk_of(ops_pkg, server_idx=2)


def test_operations_work_over_an_httpx_mock_transport(ops_pkg: ModuleType) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=ITEM)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with sdk_of(ops_pkg, client=client, bearer_auth="tok") as sdk:
        item = sdk.items.create(name="Lamp")
    assert item.name == "Lamp"
    assert (seen[0].method, str(seen[0].url)) == ("POST", "https://api.ops.test/v2/items")
    assert seen[0].content == wire({"name": "Lamp"})
    assert not client.is_closed  # a client passed in is not closed by the SDK
    client.close()


# -- errors.yml: typed errors ------------------------------------------------------------


def test_errors_declared_status_raises_typed_error_with_data(errors_pkg: ModuleType) -> None:
    m = errors_pkg.models
    typed_base = errors_pkg._runtime.errors.TypedAPIError
    with respx.mock(base_url="https://errors.test") as router, sdk_of(errors_pkg) as sdk:
        route = router.get("/orders/o1")
        route.respond(404, json={"orderId": "o1", "hint": "try o2"})
        with pytest.raises(m.OrderMissingError) as missing:
            sdk.orders.get(order_id="o1")
        route.respond(400, json={"message": "bad id", "code": 17})
        with pytest.raises(m.ErrorBodyError) as bad:  # declared as 4XX
            sdk.orders.get(order_id="o1")
        route.respond(404, json={"unexpected": True})  # not the declared shape
        with pytest.raises(m.NotFoundError) as plain:
            sdk.orders.get(order_id="o1")
        route.respond(500, text="boom")  # declared, without a schema
        with pytest.raises(m.InternalServerError) as server:
            sdk.orders.get(order_id="o1")
    error = missing.value
    assert isinstance(error, m.NotFoundError) and isinstance(error, typed_base)
    assert isinstance(error.data, m.OrderMissing)
    assert (error.data.order_id, error.data.hint) == ("o1", "try o2")
    assert (error.status_code, json.loads(error.body)) == (404, {"orderId": "o1", "hint": "try o2"})
    assert isinstance(bad.value, m.BadRequestError)
    assert (bad.value.data.message, bad.value.data.code) == ("bad id", 17)
    assert bad.value.message == "bad id"
    assert not isinstance(plain.value, typed_base)
    assert not isinstance(server.value, typed_base)
    assert server.value.body == "boom"


def test_errors_default_and_names_ending_in_error(errors_pkg: ModuleType) -> None:
    m = errors_pkg.models
    assert issubclass(m.ValidationErrorException, m.APIError)  # schema ValidationError
    assert issubclass(m.ProblemError, m.APIError)
    with respx.mock(base_url="https://errors.test") as router, sdk_of(errors_pkg) as sdk:
        route = router.post("/orders")
        route.respond(422, json={"detail": [{"loc": ["body", "item"], "msg": "required"}]})
        with pytest.raises(m.ValidationErrorException) as invalid:
            sdk.orders.create(item="x")
        route.respond(409, json={"title": "conflict", "status": 409})
        with pytest.raises(m.ProblemError) as conflict:  # `default`
            sdk.orders.create(item="x")
        route.respond(503, json={"title": "down"})
        with pytest.raises(m.ProblemError) as down:
            sdk.orders.create(item="x")
    assert isinstance(invalid.value, m.UnprocessableEntityError)
    assert invalid.value.data.detail[0].loc == ["body", "item"]
    assert isinstance(conflict.value, m.ConflictError)
    assert conflict.value.data.title == "conflict"
    assert isinstance(down.value, m.InternalServerError)


async def test_errors_undeclared_statuses_stay_plain_api_errors(errors_pkg: ModuleType) -> None:
    m = errors_pkg.models
    typed_base = errors_pkg._runtime.errors.TypedAPIError
    async with sdk_of(errors_pkg) as sdk:
        with respx.mock(base_url="https://errors.test") as router:
            route = router.post("/orders/o1/cancel")
            route.respond(404, json={"orderId": "o1"})
            with pytest.raises(m.NotFoundError) as missing:
                await sdk.orders.cancel_async(order_id="o1")
            route.respond(418, json={"message": "teapot"})
            with pytest.raises(m.APIError) as teapot:
                await sdk.orders.cancel_async(order_id="o1")
            route.respond(502, text="bad gateway")
            with pytest.raises(m.InternalServerError):
                await sdk.orders.cancel_async(order_id="o1")
            router.get("/orders/o2").respond(404, json={"orderId": "o2"})
            with pytest.raises(m.OrderMissingError) as typed:
                await sdk.orders.get_async(order_id="o2")
    assert not isinstance(missing.value, typed_base)
    assert type(teapot.value) is m.APIError
    assert teapot.value.status_code == 418
    assert typed.value.data.order_id == "o2"


# -- streaming.yml: server-sent events ---------------------------------------------------

SSE = (
    b": keep-alive\n\n"
    b'data: {"type":"delta","text":"Hel"}\n\n'
    b"event: message\nid: 2\n"
    b'data: {"type":"delta",\ndata: "text":"lo"}\n\n'
    b'data: {"type":"tool_call","name":"search"}\n\n'
    b'data: {"type":"usage","totalTokens":7}\n\n'
    b"data: [DONE]\n\n"
    b"data: this is never parsed\n\n"
)


def test_streaming_events_sentinel_and_request(stream_pkg: ModuleType) -> None:
    m = stream_pkg.models
    unknown_variant = stream_pkg._runtime.models.UnknownVariant
    with (
        respx.mock(base_url="https://stream.test") as router,
        sdk_of(stream_pkg, bearer_auth="tok") as sdk,
    ):
        route = router.post("/completions").respond(
            200, content=SSE, headers={"content-type": "text/event-stream"}
        )
        stream = sdk.completions.stream(prompt="Hi")
        assert isinstance(stream, stream_pkg._runtime.sse.EventStream)
        with stream:
            events = list(stream)
    request = route.calls.last.request
    assert (request.method, str(request.url)) == ("POST", "https://stream.test/completions")
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["authorization"] == "Bearer tok"
    assert request.content == wire({"prompt": "Hi", "stream": True})  # the default is sent
    assert [type(e) for e in events] == [m.DeltaEvent, m.DeltaEvent, unknown_variant, m.UsageEvent]
    assert [events[0].text, events[1].text] == ["Hel", "lo"]
    assert events[2].name == "search"
    assert events[3].total_tokens == 7
    signature = inspect.signature(resource_class(stream_pkg, "completions").stream)
    assert signature.parameters["stream"].default is True


def test_streaming_and_plain_json_share_a_path(stream_pkg: ModuleType) -> None:
    m = stream_pkg.models
    with respx.mock(base_url="https://stream.test") as router, sdk_of(stream_pkg) as sdk:
        route = router.post("/completions").respond(200, json={"text": "Hello"})
        completion = sdk.completions.create(prompt="Hi", max_tokens=5)
    assert isinstance(completion, m.Completion) and completion.text == "Hello"
    assert route.calls.last.request.headers["accept"] == "application/json"
    assert route.calls.last.request.content == wire({"maxTokens": 5, "prompt": "Hi"})


async def test_streaming_async_without_sentinel_and_errors(stream_pkg: ModuleType) -> None:
    m = stream_pkg.models
    body = (
        b'data: {"line":"starting","level":"info"}\n\n'
        b'data: {"line":"odd","level":"debug"}\n\n'
        b'data: {"line":"done"}\n\n'
    )
    async with sdk_of(stream_pkg) as sdk:
        with respx.mock(base_url="https://stream.test") as router:
            logs = router.get("/logs/j1").respond(
                200, content=body, headers={"content-type": "text/event-stream"}
            )
            stream = await sdk.logs.follow_async(job_id="j1", since=5)
            assert isinstance(stream, stream_pkg._runtime.sse.AsyncEventStream)
            async with stream:
                lines = [event async for event in stream]
            router.post("/completions").respond(400, json={"message": "no prompt"})
            with pytest.raises(m.ErrorBodyError) as refused:
                await sdk.completions.stream_async(prompt="")
    assert str(logs.calls.last.request.url) == "https://stream.test/logs/j1?since=5"
    assert [type(line) for line in lines] == [m.LogLine] * 3
    assert [line.line for line in lines] == ["starting", "odd", "done"]
    assert [line.level for line in lines] == [m.LogLineLevel.INFO, "debug", None]
    assert refused.value.data.message == "no prompt"


# -- defaults.yml: required properties with a default -----------------------------------


def test_defaults_required_with_default_are_optional_arguments_that_are_sent(
    defaults_pkg: ModuleType,
) -> None:
    m = defaults_pkg.models
    signature = inspect.signature(resource_class(defaults_pkg, "jobs").submit).parameters
    defaults = {n: p.default for n, p in signature.items() if n not in ("self", "name")}
    # `retries` is also every method's own option: the field's argument is `retries_`
    assert {k: defaults[k] for k in ("stream", "retries_", "model", "note")} == {
        "stream": True,
        "retries_": 3,
        "model": "small",
        "note": None,  # optional with a default: Optional = None, not sent
    }
    assert (defaults["color"], defaults["level"], defaults["mode"]) == ("red", 2, "fast")
    with respx.mock(base_url="https://defaults.test") as router, sdk_of(defaults_pkg) as sdk:
        route = router.post("/jobs").respond(204)
        assert sdk.jobs.submit(name="j") is None
        assert route.calls.last.request.content == wire(
            {
                "color": "red",
                "level": 2,
                "mode": "fast",
                "model": "small",
                "name": "j",
                "retries": 3,
                "stream": True,
            }
        )
        sdk.jobs.submit(name="j", stream=False, color=m.Color.GREEN, level=m.Level.VALUE_1)
        assert json.loads(route.calls.last.request.content)["stream"] is False
        assert json.loads(route.calls.last.request.content)["color"] == "green"


def test_defaults_on_the_request_model_itself(defaults_pkg: ModuleType) -> None:
    """Built without the defaulted fields, the request model sends the same body (pydantic
    does not validate defaults: an enum default must already be the enum member, or
    serialising warns, an error under this suite's `filterwarnings = error`)."""
    m = defaults_pkg.models
    assert m.JobRequest(name="j").to_json_bytes() == wire(
        {
            "color": "red",
            "level": 2,
            "mode": "fast",
            "model": "small",
            "name": "j",
            "retries": 3,
            "stream": True,
        }
    )


async def test_defaults_async(defaults_pkg: ModuleType) -> None:
    async with sdk_of(defaults_pkg) as sdk:
        with respx.mock(base_url="https://defaults.test") as router:
            route = router.post("/jobs").respond(204)
            assert await sdk.jobs.submit_async(name="j", retries_=0, note="n") is None
    sent = json.loads(route.calls.last.request.content)
    assert (sent["retries"], sent["note"], sent["stream"]) == (0, "n", True)


# -- golden.yml (also in the corpus, so it is type-checked and called once) ---------------


async def test_golden_package_calls(golden_pkg: ModuleType) -> None:
    m = golden_pkg.models
    note = {
        "id": "6f1c1f1e-8a35-4e57-9f2d-1d2b0c8b3f11",
        "title": "T",
        "attachments": [{"kind": "link", "url": "https://x.test"}, {"kind": "file", "name": "a"}],
    }
    async with sdk_of(golden_pkg, bearer_auth="tok") as sdk:
        with respx.mock(base_url="https://notes.test") as router:
            get = router.get("/notes/n1").respond(200, json=note)
            got = await sdk.notes.get_async(note_id="n1", fields_=["title", "id"])
            create = router.post("/notes").respond(201, json=note)
            created = sdk.notes.create(title="T", due_at=None)
            router.get("/notes/n2").respond(404, json={"title": "gone"})
            with pytest.raises(m.ProblemError):
                await sdk.notes.get_async(note_id="n2")
    assert str(get.calls.last.request.url) == "https://notes.test/notes/n1?fields=title&fields=id"
    assert create.calls.last.request.content == wire({"dueAt": None, "title": "T"})
    assert [type(a) for a in got.attachments] == [m.Link, m.File]
    assert created.title == "T"


# -- constructs exercised with specs of their own (see the module docstring) --------------


def generate_inline(
    spec: dict[str, Any], tmp_path: Path, package: str
) -> tuple[ModuleType | None, SpecError | None]:
    """Generate `spec` as `package` under tmp_path and import it, or return the SpecError."""
    spec_path = tmp_path / f"{package}.yml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    try:
        generate_package(spec_path, tmp_path / "out", package, None)
    except SpecError as error:
        return None, error
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        module = importlib.import_module(package)
        importlib.import_module(f"{package}.models")
        return module, None
    finally:
        sys.path.remove(str(tmp_path / "out"))


@pytest.fixture
def forget_packages() -> Iterator[list[str]]:
    """Package names a test generates and imports, removed from sys.modules afterwards."""
    names: list[str] = []
    yield names
    for name in list(sys.modules):
        if name.split(".")[0] in names:
            del sys.modules[name]


def _spec(schemas: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Inline", "version": "1.0.0"},
        "servers": [{"url": "https://inline.test"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _post(body: str | None, response: str | None, **extra: Any) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": "send", "tags": ["things"], **extra}
    if body:
        op["requestBody"] = {"required": True, "content": _json(body)}
    if response:
        op["responses"] = {"200": {"description": "ok", "content": _json(response)}}
    else:
        op["responses"] = {"204": {"description": "ok"}}
    return {"post": op}


def test_required_date_with_default_is_sent(tmp_path: Path, forget_packages: list[str]) -> None:
    """A required `format: date` property with a default: calling without it sends the
    default (today the method passes the default string to a strict `date` field)."""
    schemas = {
        "Job": {
            "type": "object",
            "required": ["name", "since"],
            "properties": {
                "name": {"type": "string"},
                "since": {"type": "string", "format": "date", "default": "2024-01-01"},
            },
        }
    }
    forget_packages.append("inline_date_default")
    package, error = generate_inline(
        _spec(schemas, {"/jobs": _post("Job", None)}), tmp_path, "inline_date_default"
    )
    assert error is None and package is not None
    with respx.mock(base_url="https://inline.test") as router, package.InlineSDK() as sdk:
        route = router.post("/jobs").respond(204)
        sdk.things.send(name="j")
    assert route.calls.last.request.content == wire({"name": "j", "since": "2024-01-01"})


def test_discriminator_on_a_camel_case_property(tmp_path: Path, forget_packages: list[str]) -> None:
    """`discriminator.propertyName: shapeType` (Python name shape_type) on a request union."""
    member = {
        "type": "object",
        "required": ["shapeType"],
        "properties": {"shapeType": {"type": "string"}, "size": {"type": "number"}},
    }
    schemas = {
        "Circle": member,
        "Square": member,
        "Shape": {
            "oneOf": [
                {"$ref": "#/components/schemas/Circle"},
                {"$ref": "#/components/schemas/Square"},
            ],
            "discriminator": {
                "propertyName": "shapeType",
                "mapping": {
                    "circle": "#/components/schemas/Circle",
                    "square": "#/components/schemas/Square",
                },
            },
        },
        "Canvas": {
            "type": "object",
            "required": ["shape"],
            "properties": {"shape": {"$ref": "#/components/schemas/Shape"}},
        },
    }
    forget_packages.append("inline_camel_tag")
    package, error = generate_inline(
        _spec(schemas, {"/canvas": _post("Canvas", "Canvas")}), tmp_path, "inline_camel_tag"
    )
    assert error is None and package is not None
    with respx.mock(base_url="https://inline.test") as router, package.InlineSDK() as sdk:
        route = router.post("/canvas").respond(200, json={"shape": {"shapeType": "square"}})
        result = sdk.things.send(shape={"shapeType": "circle", "size": 1.0})
    assert route.calls.last.request.content == wire({"shape": {"shapeType": "circle", "size": 1.0}})
    assert type(result.shape).__name__ == "Square"


def test_negative_integer_enum_values_get_distinct_members(
    tmp_path: Path, forget_packages: list[str]
) -> None:
    schemas = {
        "Sign": {"type": "integer", "enum": [-1, 0, 1]},
        "Reading": {
            "type": "object",
            "properties": {"sign": {"$ref": "#/components/schemas/Sign"}},
        },
    }
    forget_packages.append("inline_negative_enum")
    package, error = generate_inline(
        _spec(schemas, {"/readings": _post(None, "Reading")}), tmp_path, "inline_negative_enum"
    )
    assert error is None and package is not None
    assert [member.value for member in package.models.Sign] == [-1, 0, 1]


def test_parameter_and_body_property_with_the_same_name(
    tmp_path: Path, forget_packages: list[str]
) -> None:
    """A path parameter `id` and a body property `id`: either reported as a problem with its
    pointer, or both usable (today: a generated syntax error, raised as a traceback)."""
    schemas = {
        "Thing": {
            "type": "object",
            "required": ["name"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        }
    }
    path = _post("Thing", None)
    path["post"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    forget_packages.append("inline_name_clash")
    try:
        package, error = generate_inline(
            _spec(schemas, {"/things/{id}": path}), tmp_path, "inline_name_clash"
        )
    except subprocess.CalledProcessError as crash:
        pytest.fail(f"generation crashed instead of reporting the clash: {crash}")
    if error is not None:
        assert any("/paths/~1things~1{id}/post" in p for p in error.problems), error.problems
        return
    assert package is not None
    signature = inspect.signature(resource_class(package, "things", "InlineSDK").send).parameters
    assert len([n for n in signature if n.startswith("id")]) == 2


def test_properties_with_the_same_python_name(tmp_path: Path, forget_packages: list[str]) -> None:
    """`createdAt` and `created_at` both become `created_at`: either reported, or both kept."""
    schemas = {
        "Event": {
            "type": "object",
            "properties": {"createdAt": {"type": "string"}, "created_at": {"type": "integer"}},
        }
    }
    forget_packages.append("inline_same_name")
    package, error = generate_inline(
        _spec(schemas, {"/events": _post(None, "Event")}), tmp_path, "inline_same_name"
    )
    if error is not None:
        assert any("#/components/schemas/Event" in p for p in error.problems), error.problems
        return
    assert package is not None
    payload = {"createdAt": "yesterday", "created_at": 1}
    parsed = package.models.Event.model_validate(payload)
    assert parsed.model_dump(by_alias=True, exclude_unset=True) == payload


def test_schema_shared_by_request_and_response_is_lenient_in_responses(
    tmp_path: Path, forget_packages: list[str]
) -> None:
    """The same schema as request body and response: the response must still accept an
    unknown enum value and extra fields (open enums, as for response-only schemas)."""
    schemas = {
        "Color": {"type": "string", "enum": ["red", "blue"]},
        "Thing": {
            "type": "object",
            "required": ["name", "color"],
            "properties": {
                "name": {"type": "string"},
                "color": {"$ref": "#/components/schemas/Color"},
            },
        },
    }
    forget_packages.append("inline_shared")
    package, error = generate_inline(
        _spec(schemas, {"/things": _post("Thing", "Thing")}), tmp_path, "inline_shared"
    )
    assert error is None and package is not None
    with respx.mock(base_url="https://inline.test") as router, package.InlineSDK() as sdk:
        router.post("/things").respond(200, json={"name": "a", "color": "green", "new": 1})
        thing = sdk.things.send(name="a", color=package.models.Color.RED)
    assert thing.color == "green"


def test_error_schema_named_like_a_runtime_error(
    tmp_path: Path, forget_packages: list[str]
) -> None:
    """An error schema named `NotFound` must not replace `models.NotFoundError`, which
    every 404 raises (today its exception class is also called NotFoundError)."""
    schemas = {"NotFound": {"type": "object", "properties": {"reason": {"type": "string"}}}}
    path = _post(None, None)
    path["post"]["responses"]["404"] = {"description": "missing", "content": _json("NotFound")}
    forget_packages.append("inline_notfound")
    package, error = generate_inline(_spec(schemas, {"/things": path}), tmp_path, "inline_notfound")
    assert error is None and package is not None
    names = package.models.__all__
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert package.models.NotFoundError is package._runtime.errors.NotFoundError


def test_query_array_with_explode_false(tmp_path: Path, forget_packages: list[str]) -> None:
    """`explode: false` on a query array: sent as `ids=a,b` (the comma a delimiter, not
    percent-encoded), never silently exploded (`ids=a&ids=b`)."""
    path = _post(None, None)
    path["post"]["parameters"] = [
        {
            "name": "ids",
            "in": "query",
            "explode": False,
            "schema": {"type": "array", "items": {"type": "string"}},
        }
    ]
    forget_packages.append("inline_explode")
    package, error = generate_inline(_spec({}, {"/things": path}), tmp_path, "inline_explode")
    if error is not None:
        assert any("parameters/0" in p for p in error.problems), error.problems
        return
    assert package is not None
    with respx.mock(base_url="https://inline.test") as router, package.InlineSDK() as sdk:
        route = router.post("/things").respond(204)
        sdk.things.send(ids=["a", "b"])
    assert route.calls.last.request.url.query == b"ids=a,b"


# -- every package: mypy --strict (last, so that the mypy run overlaps the tests above) --


@pytest.mark.parametrize("stem", list(CORPUS))
def test_generated_package_passes_mypy_strict(corpus: Corpus, stem: str) -> None:
    item = corpus.generated[stem]
    if item.error is not None:
        pytest.fail(f"generating specs/{stem}.yml failed:\n{item.error}")
    errors = corpus.mypy_errors(f"{stem}/{item.package}/")
    assert errors == [], f"mypy --strict on specs/{stem}.yml's package:\n" + "\n".join(errors)


@pytest.mark.parametrize("stem", list(USAGE))
def test_user_code_passing_plain_dicts_type_checks(corpus: Corpus, stem: str) -> None:
    """Nested inputs accept their TypedDicts in type-checked user code (USAGE above)."""
    corpus.load(stem)
    errors = corpus.mypy_errors(f"{stem}/usage_{stem}.py")
    assert errors == [], "mypy --strict on user code:\n" + "\n".join(errors)


def test_sdk_class_is_named_from_the_title_and_packages_import(corpus: Corpus) -> None:
    for stem, (package, sdk_class) in CORPUS.items():
        module = corpus.load(stem)
        assert module.__name__ == package
        assert isinstance(getattr(module, sdk_class), type), stem
        assert (corpus.generated[stem].out / package / "py.typed").exists()
        assert (corpus.generated[stem].out / "docs" / "reference.md").exists()
