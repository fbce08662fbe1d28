"""Parameters in every location and OpenAPI style, checked as they appear on the wire."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, timezone
from typing import Any

import httpx
import pytest
import respx
from runtime_support import SERVER, Values, call, make_core
from sdk_support import Flavour

from atoma_sdk._runtime.operation import CallOptions, Operation, Parameter

COLOR = {"R": 100, "G": 200}


class Size(enum.Enum):
    LARGE = "large"


async def sent(
    api: respx.MockRouter, flavour: Flavour, path: str, *params: Parameter, **values: Any
) -> httpx.Request:
    """The request one call of GET `path` sends with these parameter values."""
    route = api.get(url__startswith=SERVER).mock(return_value=httpx.Response(204))
    route.reset()  # the same route when a test calls this again
    core = make_core()
    try:
        await call(
            core, Operation("op", "GET", path, None, parameters=params), flavour.is_async, **values
        )
    finally:
        await core.aclose()
    assert route.call_count == 1
    return route.calls.last.request


def target(request: httpx.Request) -> str:
    """The path and query exactly as sent."""
    return request.url.raw_path.decode()


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (Parameter("id", "path"), "a/b c", "/items/a%2Fb%20c"),
        (Parameter("id", "path"), [3, 4, 5], "/items/3,4,5"),
        (Parameter("id", "path"), COLOR, "/items/R,100,G,200"),
        (Parameter("id", "path", explode=True), COLOR, "/items/R=100,G=200"),
        (Parameter("id", "path", "label"), "blue", "/items/.blue"),
        (Parameter("id", "path", "label"), [3, 4], "/items/.3,4"),
        (Parameter("id", "path", "label", explode=True), [3, 4], "/items/.3.4"),
        (Parameter("id", "path", "label", explode=True), COLOR, "/items/.R=100.G=200"),
        (Parameter("id", "path", "matrix"), "blue", "/items/;id=blue"),
        (Parameter("id", "path", "matrix"), [3, 4], "/items/;id=3,4"),
        (Parameter("id", "path", "matrix", explode=True), [3, 4], "/items/;id=3;id=4"),
        (Parameter("id", "path", "matrix"), COLOR, "/items/;id=R,100,G,200"),
        (Parameter("id", "path", "matrix", explode=True), COLOR, "/items/;R=100;G=200"),
    ],
)
async def test_path_styles(
    flavour: Flavour, api: respx.MockRouter, param: Parameter, value: Any, expected: str
) -> None:
    assert target(await sent(api, flavour, "/items/{id}", param, id=value)) == expected


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (Parameter("q", "query"), "a&b=c d/é", "q=a%26b%3Dc%20d%2F%C3%A9"),
        (Parameter("q", "query"), ["x", "y"], "q=x&q=y"),
        (Parameter("q", "query", explode=False), ["x", "y,z"], "q=x,y%2Cz"),
        (Parameter("q", "query"), COLOR, "R=100&G=200"),
        (Parameter("q", "query", explode=False), COLOR, "q=R,100,G,200"),
        (Parameter("q", "query", "spaceDelimited", False), ["x", "y"], "q=x%20y"),
        (Parameter("q", "query", "pipeDelimited", False), ["x", "y"], "q=x%7Cy"),
        (Parameter("q", "query", "pipeDelimited", True), ["x", "y"], "q=x&q=y"),
        (Parameter("q", "query", "deepObject", True), COLOR, "q[R]=100&q[G]=200"),
        (
            Parameter("filter", "query", "deepObject", True),
            {"size": {"min": 1, "max": 2}, "tag": ["a", "b"], "open": True},
            "filter[size][min]=1&filter[size][max]=2&filter[tag]=a&filter[tag]=b&filter[open]=true",
        ),
        (Parameter("q", "query"), True, "q=true"),
        (Parameter("q", "query"), [False, True], "q=false&q=true"),
        (Parameter("q", "query"), 1.5, "q=1.5"),
        (Parameter("q", "query"), Size.LARGE, "q=large"),
        (Parameter("q", "query"), date(2024, 2, 29), "q=2024-02-29"),
        (
            Parameter("q", "query"),
            datetime(2024, 2, 29, 12, 30, tzinfo=timezone.utc),
            "q=2024-02-29T12%3A30%3A00Z",
        ),
        (
            Parameter("q", "query"),
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "q=12345678-1234-5678-1234-567812345678",
        ),
    ],
)
async def test_query_styles(
    flavour: Flavour, api: respx.MockRouter, param: Parameter, value: Any, expected: str
) -> None:
    assert target(await sent(api, flavour, "/items", param, **{param.name: value})) == (
        "/items?" + expected
    )


async def test_parameters_in_every_location_together(
    flavour: Flavour, api: respx.MockRouter
) -> None:
    request = await sent(
        api,
        flavour,
        "/users/{user_id}/items",
        Parameter("user_id", "path"),
        Parameter("limit", "query"),
        Parameter("X-Trace-Ids", "header"),
        Parameter("X-Shape", "header", explode=True),
        Parameter("X-Flag", "header"),
        Parameter("theme", "cookie"),
        Parameter("prefs", "cookie", explode=False),
        Parameter("unset", "query"),
        user_id=7,
        limit=10,
        **{"X-Trace-Ids": ["a", "b"], "X-Shape": COLOR, "X-Flag": False},
        theme="dark mode",
        prefs=["x", "y"],
        unset=None,
    )
    assert target(request) == "/users/7/items?limit=10"
    assert request.headers["x-trace-ids"] == "a,b"
    assert request.headers["x-shape"] == "R=100,G=200"
    assert request.headers["x-flag"] == "false"
    assert request.headers["cookie"] == "theme=dark%20mode; prefs=x,y"


def test_header_parameter_that_would_break_http_is_refused_before_io(
    api: respx.MockRouter,
) -> None:
    core = make_core()
    operation = Operation("op", "GET", "/items", None, parameters=(Parameter("X-Id", "header"),))
    with pytest.raises(ValueError, match="'X-Id'"):
        core.call(operation, None, CallOptions(), Values(**{"X-Id": "a\r\nX-Evil: 1"}))
    assert len(api.calls) == 0
    core.close()
