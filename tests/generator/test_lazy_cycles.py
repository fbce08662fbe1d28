"""Models in reference cycles are built when first used, one cycle at a time.

Each cycle has a module (`models/_cycle_<first member>.py`) that imports its members,
gives each module the others' names and rebuilds them; everything else imports a
cycle's names from there. So a call builds the models its request and responses reach
and their cycles, not every cycle of the spec (Stripe's and Graph's were all built on
the first call). Each check runs in a fresh interpreter: what is imported is the point.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from package_support import assert_mypy_strict, generate_package, run_python


def ref(name: str) -> dict[str, object]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(**properties: object) -> dict[str, object]:
    return {"type": "object", "properties": properties}


def answer(schema: dict[str, object]) -> dict[str, object]:
    """Responses of `schema`, and errors of `Problem` (which uses a cycle)."""
    body = {"content": {"application/json": {"schema": schema}}}
    problem = {"content": {"application/json": {"schema": ref("Problem")}}}
    return {
        "responses": {
            "200": {"description": "ok", **body},
            "default": {"description": "error", **problem},
        }
    }


#: Three cycles (File/Folder; Node/Edge with an alias; Group/Shape, a discriminated
#: union) and Drive/Share, a cycle that uses File/Folder's; Report uses two cycles; Ping
#: uses none; every operation's error body, Problem, uses File/Folder's (as Stripe's
#: Error uses its largest cycle). Tree/Branch/Forest: a cycle of a model and two aliases,
#: one naming the other (and Forest itself).
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Lazy", "version": "1"},
    "paths": {
        f"/{name.lower()}": {"get": {"operationId": f"get_{name.lower()}", **answer(ref(name))}}
        for name in ("Ping", "Folder", "Node", "Shape", "Drive", "Report")
    },
    "components": {
        "schemas": {
            "Ping": obj(ok={"type": "boolean"}),
            "Folder": obj(name={"type": "string"}, files={"type": "array", "items": ref("File")}),
            "File": obj(name={"type": "string"}, parent=ref("Folder")),
            "Node": obj(id={"type": "integer"}, out=ref("Edges")),
            "Edges": {"type": "array", "items": ref("Edge")},
            "Edge": obj(to=ref("Node")),
            "Shape": {
                "oneOf": [ref("Circle"), ref("Group")],
                "discriminator": {"propertyName": "kind"},
            },
            "Circle": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}, "r": {"type": "number"}},
            },
            "Group": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string"},
                    "children": {"type": "array", "items": ref("Shape")},
                },
            },
            "Drive": obj(root=ref("Folder"), shares={"type": "array", "items": ref("Share")}),
            "Share": obj(drive=ref("Drive")),
            "Report": obj(folder=ref("Folder"), node=ref("Node")),
            "Problem": obj(message={"type": "string"}, folder=ref("Folder")),
            "Tree": obj(label={"type": "string"}, branch=ref("Branch")),
            "Branch": {"anyOf": [{"type": "integer"}, ref("Forest")]},
            "Forest": {"anyOf": [ref("Tree"), {"type": "array", "items": ref("Forest")}]},
        }
    },
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of a package `lazy` generated from `SPEC`."""
    return generate_package(tmp_path_factory.mktemp("lazy"), SPEC, "lazy")


#: Run first in each interpreter: an SDK answering each path with a canned body, and
#: what has been imported and built so far.
PRELUDE = """
    import sys

    import httpx
    from pydantic import BaseModel

    from lazy import LazySDK, models

    BODIES = {
        "/ping": {"ok": True},
        "/folder": {"name": "root", "files": [{"name": "a", "parent": {"name": "root"}}]},
        "/node": {"id": 1, "out": [{"to": {"id": 2, "out": []}}]},
        "/shape": {"kind": "Group", "children": [{"kind": "Circle", "r": 1.5}]},
        "/drive": {"root": {"name": "r"}, "shares": [{"drive": {"root": {"name": "s"}}}]},
        "/report": {"folder": {"name": "f"}, "node": {"id": 3}},
    }
    def answer(request):
        if request.url.params.get("fail"):
            return httpx.Response(409, json={"message": "no", "folder": {"name": "x"}})
        return httpx.Response(200, json=BODIES[request.url.path])

    transport = httpx.MockTransport(answer)
    sdk = LazySDK(server_url="https://lazy.test", client=httpx.Client(transport=transport))

    def cycles():
        prefix = "lazy.models._cycle_"
        return sorted(n.rsplit(".", 1)[1] for n in sys.modules if n.startswith(prefix))

    def built(*modules):
        classes = [
            v
            for m in modules
            for v in vars(sys.modules[f"lazy.models.{m}"]).values()
            if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__.endswith(m)
        ]
        return all(c.__pydantic_complete__ for c in classes)
"""


def run(out: Path, code: str) -> list[str]:
    """The lines `code` prints, run after `PRELUDE` in a fresh interpreter."""
    done = run_python(out, textwrap.dedent(PRELUDE) + textwrap.dedent(code))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_each_cycle_has_a_module_and_the_package_imports_none(out: Path) -> None:
    found = sorted(p.name for p in (out / "lazy" / "models").glob("_cycle_*.py"))
    cycles = ["_cycle_branch.py", "_cycle_drive.py", "_cycle_edge.py", "_cycle_file.py"]
    assert found == [*cycles, "_cycle_group.py"]
    assert run(out, "print(cycles(), 'lazy.models.file' in sys.modules)") == ["[] False"]


def test_a_call_that_reaches_no_cycle_builds_none(out: Path) -> None:
    lines = run(
        out,
        """
        print(sdk.default.get_ping())
        members = ("file", "folder", "node", "edge")
        print(cycles(), [n for n in members if f"lazy.models.{n}" in sys.modules])
        """,
    )
    assert lines == ["ok=True", "[] []"]


def test_an_error_body_loads_its_models_when_an_error_arrives(out: Path) -> None:
    lines = run(
        out,
        """
        print(sdk.default.get_ping(), cycles(), "lazy.models.problem" in sys.modules)
        try:
            sdk.default.get_ping(extra_query={"fail": "1"})
        except models.ProblemError as error:
            print(type(error).__name__, error.status_code, error.data.folder.name, cycles())
        """,
    )
    assert lines == ["ok=True [] False", "ProblemConflictError 409 x ['_cycle_file']"]


def test_a_call_builds_its_own_cycle_and_no_other(out: Path) -> None:
    lines = run(
        out,
        """
        folder = sdk.default.get_folder()
        print(folder.files[0].parent.name, cycles(), built("file", "folder"))
        print("lazy.models.node" in sys.modules)
        node = sdk.default.get_node()  # the second cycle, with its alias, on its first use
        print(node.out[0].to.id, cycles(), built("node", "edge"))
        """,
    )
    assert lines == [
        "root ['_cycle_file'] True",
        "False",
        "2 ['_cycle_edge', '_cycle_file'] True",
    ]


def test_a_cycle_that_uses_another_builds_both(out: Path) -> None:
    lines = run(
        out,
        """
        drive = sdk.default.get_drive()
        print(drive.shares[0].drive.root.name, cycles(), built("drive", "share", "file", "folder"))
        report = sdk.default.get_report()
        print(report.folder.name, report.node.id, cycles())
        """,
    )
    assert lines == [
        "s ['_cycle_drive', '_cycle_file'] True",
        "f 3 ['_cycle_drive', '_cycle_edge', '_cycle_file']",
    ]


def test_a_discriminated_union_in_a_cycle_parses_and_has_a_json_schema(out: Path) -> None:
    lines = run(
        out,
        """
        shape = sdk.default.get_shape()
        print(type(shape).__name__, [type(c).__name__ for c in shape.children], cycles())
        schema = models.Group.model_json_schema()
        group = schema["$defs"]["Group"]
        print(schema["$ref"], sorted(schema["$defs"]), sorted(group["properties"]))
        """,
    )
    assert lines == [
        "Group ['Circle'] ['_cycle_group']",
        "#/$defs/Group ['Circle', 'Group', 'UnknownVariant'] ['children', 'kind']",
    ]


def test_a_member_module_imported_directly_completes_its_cycle(out: Path) -> None:
    """As unpickling does: the module that defines the class, not `models`."""
    lines = run(
        out,
        """
        import copy
        import pickle

        from lazy.models.file import File

        print(cycles(), built("file", "folder"))
        file = File.model_validate({"name": "a", "parent": {"name": "p", "files": []}})
        again = pickle.loads(pickle.dumps(file))
        print(again == file, copy.deepcopy(file) == file, again.parent.name)
        """,
    )
    assert lines == ["['_cycle_file'] True", "True True p"]


@pytest.mark.parametrize(
    ("module", "name"), [("shape", "Shape"), ("branch", "Branch"), ("forest", "Forest")]
)
def test_an_alias_module_imported_first_completes_its_cycle(
    out: Path, module: str, name: str
) -> None:
    """An alias's value needs its cycle's models, which need it: the cycle's module
    defines it (after the aliases it names), and its own module imports it from there."""
    code = f"""
        from pydantic import TypeAdapter

        from lazy.models.{module} import {name}

        from lazy import models

        shape = TypeAdapter(models.Shape).validate_python(
            {{"kind": "Group", "children": [{{"kind": "Circle", "r": 1}}]}}
        )
        tree = models.Tree.model_validate({{"label": "a", "branch": [{{"branch": 3}}, {{}}]}})
        print(type(shape).__name__, [type(c).__name__ for c in shape.children])
        print([type(b).__name__ for b in tree.branch], tree.branch[0].branch)
        print(models.{name} is {name})
    """
    ran = run_python(out, code)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.splitlines() == ["Group ['Circle']", "['Tree', 'Tree'] 3", "True"]


def test_threads_using_a_cycle_first_at_once_all_see_it_complete(out: Path) -> None:
    """Eight threads make their first call together, through three ways into one cycle
    (its own model, a model that uses it, a cycle that uses it): the cycle is built once,
    under its module's import lock, and no thread sees it half built."""
    lines = run(
        out,
        """
        import threading

        start = threading.Barrier(8)
        results, failures = [], []
        calls = [sdk.default.get_folder, sdk.default.get_report, sdk.default.get_drive] * 3

        def first_use(call):
            start.wait()
            try:
                results.append(type(call()).__name__)
            except Exception as error:  # noqa: BLE001 - counted, then printed
                failures.append(repr(error))

        threads = [threading.Thread(target=first_use, args=(c,)) for c in calls[:8]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(sorted(set(results)), len(results), failures, built("file", "folder"))
        """,
    )
    assert lines == ["['Drive', 'Folder', 'Report'] 8 [] True"]


def test_the_package_passes_mypy_strict(out: Path) -> None:
    assert_mypy_strict(out, "lazy")


def test_a_long_chain_through_cycles_imports_within_the_recursion_limit(
    tmp_path: Path,
) -> None:
    """Models C0 -> C1 -> ... -> C299, every tenth one in a cycle with a partner (Ci <->
    Pi): imports nest through the cycles' modules, which `_IMPORTED_FIRST` counts like
    any other module, so the head imports with Python's default recursion limit."""

    def schema(i: int) -> dict[str, object]:
        fields: dict[str, object] = {"v": {"type": "integer"}}
        if i + 1 < 300:
            fields["next"] = ref(f"C{i + 1}")
        if i % 10 == 0:
            fields["partner"] = ref(f"P{i}")
        return obj(**fields)

    schemas = {f"C{i}": schema(i) for i in range(300)}
    schemas |= {f"P{i}": obj(back=ref(f"C{i}")) for i in range(0, 300, 10)}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Lazy", "version": "1"},
        "paths": {"/c": {"get": {"operationId": "get_c", **answer(ref("C0"))}}},
        "components": {"schemas": {**schemas, "Problem": obj(message={"type": "string"})}},
    }
    out = generate_package(tmp_path, spec, "lazy")
    init = (out / "lazy" / "models" / "__init__.py").read_text()
    assert '"_cycle_c0": (' in init  # the head's cycle, past 20 levels: its needs first
    code = """
        from lazy.models import C0

        found = C0.model_validate({"v": 0, "next": {"v": 1}, "partner": {"back": {"v": 2}}})
        print(found.next.v, found.partner.back.v, sys.getrecursionlimit())
    """
    ran = run_python(out, "import sys\n" + textwrap.dedent(code))
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.split() == ["1", "2", "1000"]
