"""Declared error bodies of any type (model, array, primitive, union, text), matched by
exact status, by range (`4XX`) or `default` (the most specific wins), and undeclared or
unreadable ones kept as text in `APIError.body`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Union

import httpx
import pytest
import respx
from runtime_support import SERVER, make_core
from sdk_support import Flavour

from atoma_sdk._runtime.client import SDKCore
from atoma_sdk._runtime.errors import (
    APIError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    TypedAPIError,
)
from atoma_sdk._runtime.models import OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation

URL = SERVER + "/thing"


class Problem(OutputModel):
    title: str
    status: int


class Missing(OutputModel):
    resource: str


class MissingError(TypedAPIError):
    """404 with a model body."""

    data: Missing
    _data_type = Missing


class ClientProblemError(TypedAPIError):
    """Any other 4XX: RFC 9457 problem details."""

    data: Problem
    _data_type = Problem
    _data_media_type = "application/problem+json"


class FieldErrorsError(TypedAPIError):
    """409 whose body is an array of messages."""

    data: list[str]
    _data_type = list[str]


class CodeOrTextError(TypedAPIError):
    """`default`: an integer code or a text (a union of primitives)."""

    data: Union[int, str]
    _data_type = Union[int, str]


class OutageError(TypedAPIError):
    """503 described as `text/plain`."""

    data: str
    _data_type = str
    _data_media_type = "text/plain"


OPERATION: Operation[None] = Operation(
    "get",
    "GET",
    "/thing",
    None,
    errors=(
        ("4XX", ClientProblemError),
        ("404", MissingError),
        ("409", FieldErrorsError),
        ("503", OutageError),
        ("default", CodeOrTextError),
    ),
)


@pytest.fixture
async def core() -> AsyncIterator[SDKCore]:
    made = make_core()
    yield made
    await made.aclose()


async def failure(
    core: SDKCore, flavour: Flavour, api: respx.MockRouter, response: httpx.Response
) -> APIError:
    api.get(URL).mock(return_value=response)
    with pytest.raises(APIError) as raised:
        if flavour.is_async:
            await core.call_async(OPERATION, None, CallOptions(retries=None))
        else:
            core.call(OPERATION, None, CallOptions(retries=None))
    return raised.value


@pytest.mark.parametrize(
    ("response", "classes", "data"),
    [
        pytest.param(
            httpx.Response(404, json={"resource": "pet"}),
            (MissingError, NotFoundError),
            Missing(resource="pet"),
            id="exact-status-over-range",
        ),
        pytest.param(
            httpx.Response(
                400,
                content=b'{"title":"Bad pet","status":400}',
                headers={"content-type": "application/problem+json"},
            ),
            (ClientProblemError, BadRequestError),
            Problem(title="Bad pet", status=400),
            id="range-problem-json",
        ),
        pytest.param(
            httpx.Response(409, json=["name taken", "too long"]),
            (FieldErrorsError, ConflictError),
            ["name taken", "too long"],
            id="array",
        ),
        pytest.param(
            httpx.Response(503, text="down for maintenance"),
            (OutageError, InternalServerError),
            "down for maintenance",
            id="text",
        ),
        pytest.param(
            httpx.Response(500, json=1234),
            (CodeOrTextError, InternalServerError),
            1234,
            id="default-union-of-primitives",
        ),
    ],
)
async def test_declared_error_bodies(
    flavour: Flavour,
    core: SDKCore,
    api: respx.MockRouter,
    response: httpx.Response,
    classes: tuple[type[APIError], ...],
    data: Any,
) -> None:
    error = await failure(core, flavour, api, response)
    assert all(isinstance(error, cls) for cls in classes)
    assert error.data == data  # type: ignore[attr-defined]
    assert error.body == response.text


async def test_problem_details_give_the_message(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    response = httpx.Response(
        422,
        content=b'{"title":"Invalid pet","status":422}',
        headers={"content-type": "application/problem+json"},
    )
    error = await failure(core, flavour, api, response)
    assert isinstance(error, ClientProblemError)
    assert error.message == "Invalid pet"


async def test_html_error_page_is_kept_as_text(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    html = "<html><body><h1>404 Not Found</h1></body></html>"
    response = httpx.Response(404, text=html, headers={"content-type": "text/html"})
    error = await failure(core, flavour, api, response)
    # Not the declared JSON shape: the status's own class, the page in `.body`.
    assert type(error) is NotFoundError
    assert error.body == html
    assert not hasattr(error, "data")


async def test_undeclared_error_without_a_default(
    flavour: Flavour, core: SDKCore, api: respx.MockRouter
) -> None:
    api.get(URL).mock(return_value=httpx.Response(404, text="nope"))
    operation: Operation[None] = Operation("get", "GET", "/thing", None)
    with pytest.raises(NotFoundError) as raised:
        if flavour.is_async:
            await core.call_async(operation, None, CallOptions())
        else:
            core.call(operation, None, CallOptions())
    assert raised.value.body == "nope"
