"""A 2XX with an empty body where JSON is declared (`Content-Length: 0`, as AutoRest-style
servers answer a null result): None when the return type admits null (the generator
types a nullable schema as `Optional[...]`), else a `ResponseValidationError` that says
the body was empty; sync and async, with or without a `Content-Type`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Optional

import httpx
import pytest
import respx
from runtime_support import SERVER, make_core
from sdk_support import FakeClock, Flavour

from atoma_sdk._runtime.client import SDKCore
from atoma_sdk._runtime.errors import ResponseValidationError
from atoma_sdk._runtime.models import OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation

URL = SERVER + "/pets/1"


class Pet(OutputModel):
    name: str


def get(response_type: Any, **fields: Any) -> Operation[Any]:
    return Operation("getPet", "GET", "/pets/1", response_type, **fields)


@pytest.fixture
async def core(clock: FakeClock) -> AsyncIterator[SDKCore]:
    made = make_core()
    made.clock = clock
    yield made
    await made.aclose()


async def call(core: SDKCore, flavour: Flavour, operation: Operation[Any]) -> Any:
    if flavour.is_async:
        return await core.call_async(operation, None, CallOptions())
    return core.call(operation, None, CallOptions())


EMPTY_ANSWERS = {
    "json-type": httpx.Response(
        200, headers={"Content-Type": "application/json", "Content-Length": "0"}
    ),
    "no-type": httpx.Response(200, headers={"Content-Length": "0"}),
}


@pytest.mark.parametrize("answer", EMPTY_ANSWERS)
@pytest.mark.parametrize("response_type", [Optional[Pet], Optional[int], Optional[list[Pet]]])
async def test_an_empty_body_is_none_when_the_type_admits_null(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter, answer: str, response_type: Any
) -> None:
    api.get(URL).mock(return_value=EMPTY_ANSWERS[answer])

    assert await call(core, flavour, get(response_type)) is None


@pytest.mark.parametrize("answer", EMPTY_ANSWERS)
@pytest.mark.parametrize(
    ("response_type", "name"), [(Pet, "Pet"), (int, "int"), (list[Pet], "list")]
)
async def test_an_empty_body_is_a_clear_error_when_the_type_does_not_admit_null(
    flavour: Flavour,
    core: SDKCore,
    api: respx.MockRouter,
    answer: str,
    response_type: Any,
    name: str,
) -> None:
    api.get(URL).mock(return_value=EMPTY_ANSWERS[answer])

    with pytest.raises(ResponseValidationError) as raised:
        await call(core, flavour, get(response_type))

    assert str(raised.value).startswith(
        f"The 200 response has an empty body, but {name} does not admit null"
    )
    assert raised.value.status_code == 200
    assert raised.value.body == ""
    assert raised.value.details[0]["type"] == "json_invalid"  # pydantic on the empty body


async def test_a_status_typed_success_reads_an_empty_body_by_its_own_type(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    """`200: Pet` beside `201: Pet | null`: the empty 201 is None, a 200 still a Pet."""
    operation = get(Pet, status_types=(("200", Pet), ("201", Optional[Pet])))
    api.get(URL).mock(
        side_effect=[httpx.Response(201), httpx.Response(200, json={"name": "otter"})]
    )

    assert await call(core, flavour, operation) is None
    assert await call(core, flavour, operation) == Pet(name="otter")


async def test_a_literal_null_body_and_a_body_of_spaces_are_unchanged(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    """Only an empty body is read as null: JSON `null` already was; blank text is still
    not JSON."""
    api.get(URL).mock(
        side_effect=[
            httpx.Response(200, content=b"null", headers={"Content-Type": "application/json"}),
            httpx.Response(200, content=b"  ", headers={"Content-Type": "application/json"}),
        ]
    )

    assert await call(core, flavour, get(Optional[Pet])) is None
    with pytest.raises(ResponseValidationError, match="does not match"):
        await call(core, flavour, get(Optional[Pet]))
