"""`extra_body` values JSON cannot carry are refused before anything is sent, naming
`extra_body`: Python's `json` would write `NaN` / `Infinity` (not JSON a server can
read) or fail with a message that names no argument."""

from __future__ import annotations

import math
from typing import Any

import pytest
import respx
from sdk_support import Flavour

from atoma_sdk import AtomaSDK


@pytest.mark.parametrize(
    ("value", "error"),
    [
        pytest.param(math.nan, ValueError, id="nan"),
        pytest.param(-math.inf, ValueError, id="infinity"),
        pytest.param({"deep": [1.0, math.inf]}, ValueError, id="nested-infinity"),
        pytest.param(b"bytes", TypeError, id="bytes"),
        pytest.param({1, 2}, TypeError, id="set"),
    ],
)
async def test_a_value_json_cannot_carry_is_refused(
    flavour: Flavour,
    sdk: AtomaSDK,
    api: respx.MockRouter,
    route: respx.Route,
    value: Any,
    error: type[Exception],
) -> None:
    with pytest.raises(error, match=r"^extra_body(\[.*\])?: ") as raised:
        await flavour.generate(sdk, model="m", prompt="p", extra_body={"x": value})
    assert type(raised.value) is error
    assert not route.called


async def test_finite_numbers_are_sent(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    await flavour.generate(sdk, model="m", prompt="p", extra_body={"x": 1.5, "y": [0.0, -2]})
    assert route.calls.last.request.content == b'{"model":"m","prompt":"p","x":1.5,"y":[0.0,-2]}'
