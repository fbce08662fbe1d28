"""Packages whose models form long chains (each model's field is the next model) or long
reference cycles. A model's module imports the modules of the models it refers to, so a
chain nested each import in the one before and passed Python's recursion limit at
about 100 models: `models/__init__` now imports the modules past 20 levels deepest
first (`_IMPORTED_FIRST`), and a chain of 1,000 imports and parses (answers nested up
to pydantic's JSON limit of about 200 levels). pydantic builds the
models of a reference cycle recursively, about 12 frames a model: a cycle past the limit
is an `ImportError` that says which limit leaves room for it.

Generation runs `scripts/generate` (its thread has room for deep `$ref` chains); each
package is imported in a fresh interpreter with Python's default recursion limit.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from package_support import assert_mypy_strict, generate_package, run_python


def chain_spec(length: int, cycle: bool = False) -> dict[str, object]:
    """Schemas S0 ... S<length - 1>, each with a field `next` of the next one (the last
    one's `next` is S0 in a cycle, absent in a chain); `GET /s` answers an S0."""

    def schema(i: int) -> dict[str, object]:
        properties: dict[str, object] = {"v": {"type": "integer"}}
        if i + 1 < length or cycle:
            properties["next"] = {"$ref": f"#/components/schemas/S{(i + 1) % length}"}
        return {"type": "object", "properties": properties}

    answer = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Chain", "version": "1"},
        "paths": {
            "/s": {
                "get": {
                    "operationId": "get_s",
                    "responses": {"200": {"description": "ok", **answer}},
                }
            }
        },
        "components": {"schemas": {f"S{i}": schema(i) for i in range(length)}},
    }


#: A call whose answer nests `depth` models (pydantic's JSON parser stops at about 200
#: levels), counted back through the parsed result; and the model modules loaded.
CALL = """
    import sys
    import time

    import httpx

    started = time.perf_counter()
    from chain import ChainSDK, models

    depth = {depth}
    # written out: the json module's encoder stops at Python's recursion limit
    body = "".join(f'{{{{"v":{{i}},"next":' for i in range(depth - 1))
    body += f'{{{{"v":{{depth - 1}}}}}}' + "}}" * (depth - 1)
    answer = httpx.Response(200, content=body, headers={{"Content-Type": "application/json"}})
    transport = httpx.MockTransport(lambda request: answer)
    with ChainSDK(server_url="https://chain.test", client=httpx.Client(transport=transport)) as sdk:
        found = sdk.default.get_s()
    seconds = time.perf_counter() - started
    count, last = 1, found
    while getattr(last, "next", None) is not None:
        count, last = count + 1, last.next
    loaded = sum(name.startswith("chain.models.s") for name in sys.modules)
    print(type(found).__name__, count, last.v, loaded, sys.getrecursionlimit())
    print(f"import and first call: {{seconds:.1f}} s", file=sys.stderr)
"""


def test_a_chain_of_1000_models_imports_and_parses(tmp_path: Path) -> None:
    out = generate_package(tmp_path, chain_spec(1_000), "chain")
    init = (out / "chain" / "models" / "__init__.py").read_text()
    assert '"s0": ("s1",),' in init and '"s979": ("s980",),' in init
    assert '"s980": (' not in init  # 20 levels deep: imported as it is
    done = run_python(out, CALL.format(depth=150))
    print(done.stderr[-300:])  # the figure: import and first call of the 1,000 models
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["S0", "150", "149", "1000", "1000"]


def test_a_short_chain_imports_as_before_and_passes_mypy_strict(tmp_path: Path) -> None:
    out = generate_package(tmp_path, chain_spec(30), "chain")
    init = (out / "chain" / "models" / "__init__.py").read_text()
    # 30 models: the 10 whose imports nest past 20 levels are imported deepest first
    listed = [f"s{i}" for i in range(30) if f'    "s{i}": ("s{i + 1}",),' in init]
    assert listed == [f"s{i}" for i in range(10)]
    done = run_python(out, CALL.format(depth=30))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["S0", "30", "29", "30", "1000"]
    assert_mypy_strict(out, "chain")


def test_a_cycle_past_the_recursion_limit_says_which_limit_to_set(tmp_path: Path) -> None:
    out = generate_package(tmp_path, chain_spec(100, cycle=True), "chain")
    assert run_python(out, "import chain.models").returncode == 0  # the cycle is built when used
    refused = run_python(out, "from chain.models import S0")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1] == (
        "ImportError: chain.models._cycle_s0: pydantic builds the 100 models of this "
        "reference cycle recursively, past Python's recursion limit (1000); "
        "sys.setrecursionlimit(2200) before the import leaves room for them"
    )
    done = run_python(
        out, "import sys\nsys.setrecursionlimit(2200)\n" + textwrap.dedent(CALL.format(depth=150))
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["S0", "150", "149", "100", "2200"]
