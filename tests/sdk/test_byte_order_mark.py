"""JSON bodies that start with a UTF-8 byte order mark (some servers write one; RFC 8259
lets a parser ignore it, and Python's `json` and httpx's `Response.json()` do): read as
the same body without it, in a success, an error message and a declared error body."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from runtime_support import SERVER, make_core
from sdk_support import OK_BODY, URL, Flavour

from atoma_sdk import AtomaSDK, BadRequestError
from atoma_sdk._runtime.errors import NotFoundError, TypedAPIError
from atoma_sdk._runtime.models import OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation

BOM = b"\xef\xbb\xbf"


def with_bom(status: int, payload: object) -> httpx.Response:
    return httpx.Response(
        status,
        content=BOM + json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )


async def test_a_success(flavour: Flavour, sdk: AtomaSDK, api: respx.MockRouter) -> None:
    api.post(URL).mock(return_value=with_bom(200, OK_BODY))
    response = await flavour.generate(sdk, model="m", prompt="p")
    assert response.model_dump(mode="json", exclude_unset=True) == OK_BODY


async def test_the_message_of_an_error(
    flavour: Flavour, sdk: AtomaSDK, api: respx.MockRouter
) -> None:
    api.post(URL).mock(return_value=with_bom(400, {"error": {"message": "size: not offered"}}))
    with pytest.raises(BadRequestError) as raised:
        await flavour.generate(sdk, model="m", prompt="p")
    assert raised.value.message == "size: not offered"


class Missing(OutputModel):
    resource: str


class MissingError(TypedAPIError):
    data: Missing
    _data_type = Missing


async def test_a_declared_error_body(flavour: Flavour, api: respx.MockRouter) -> None:
    operation: Operation[None] = Operation(
        "get", "GET", "/thing", None, errors=(("404", MissingError),)
    )
    api.get(SERVER + "/thing").mock(return_value=with_bom(404, {"resource": "pet"}))
    core = make_core()
    try:
        with pytest.raises(MissingError) as raised:
            if flavour.is_async:
                await core.call_async(operation, None, CallOptions(retries=None))
            else:
                core.call(operation, None, CallOptions(retries=None))
    finally:
        await core.aclose()
    assert isinstance(raised.value, NotFoundError)
    assert raised.value.data == Missing(resource="pet")
