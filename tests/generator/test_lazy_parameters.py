"""A call defines only its own operation's parameters model, on its first use.

Real specs put hundreds of operations in one group (Stripe: 390 with parameters in one
resource module); when the module defined every parameters model on import, the first
call built them all and imported every model their parameters name. Each check runs in
a fresh interpreter: what is imported is the point.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from package_support import assert_mypy_strict, generate_package, run_python


def query(name: str, schema: dict[str, object]) -> dict[str, object]:
    return {"name": name, "in": "query", "style": "deepObject", "explode": True, "schema": schema}


def listing(operation_id: str, window: str) -> dict[str, object]:
    """A GET in group `items` with a `window` query parameter of the model `window`."""
    return {
        "operationId": operation_id,
        "tags": ["items"],
        "parameters": [
            query("window", {"$ref": f"#/components/schemas/{window}"}),
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        ],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }


def window(*properties: str) -> dict[str, object]:
    return {"type": "object", "properties": {p: {"type": "integer"} for p in properties}}


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Lazy", "version": "1"},
    "paths": {
        "/charges": {"get": listing("list_charges", "Created")},
        "/payouts": {"get": listing("list_payouts", "Arrival")},
    },
    "components": {"schemas": {"Created": window("gt", "lt"), "Arrival": window("gte")}},
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_package(tmp_path_factory.mktemp("lazy_parameters"), SPEC, "lazy")


CALL = """
    import sys

    import httpx

    from lazy import LazySDK

    sent = []

    def answer(request):
        sent.append(str(request.url))
        return httpx.Response(200, json={})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    sdk = LazySDK(server_url="https://lazy.test", client=client)

    def loaded():
        names = ("lazy.models.created", "lazy.models.arrival")
        return [name.rsplit(".", 1)[1] for name in names if name in sys.modules]

    print(loaded())
    sdk.items.list_charges(window={"gt": 1, "lt": 5}, limit=2)
    print(loaded(), sent)
    sdk.items.list_payouts(window={"gte": 7})
    print(loaded(), sent[-1])
    try:
        sdk.items.list_payouts(limit="two")
    except Exception as error:
        print(type(error).__name__, len(sent))
"""


def test_a_call_defines_its_own_parameters_model_and_no_other(out: Path) -> None:
    ran = run_python(out, CALL)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.splitlines() == [
        "[]",
        "['created'] ['https://lazy.test/charges?window[gt]=1&window[lt]=5&limit=2']",
        "['created', 'arrival'] https://lazy.test/payouts?window[gte]=7",
        "InvalidArgumentError 2",
    ]


def test_the_package_passes_mypy_strict(out: Path) -> None:
    assert_mypy_strict(out, "lazy")
