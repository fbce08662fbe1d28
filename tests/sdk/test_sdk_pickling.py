"""An SDK handed to another process (a process pool's task arguments) or deep-copied:
refused with a `TypeError` that says what to do and shows no credential; shallow copies
(`with_options`, `with_raw_response`) still work."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from multiprocessing.reduction import ForkingPickler
from typing import Any

import pytest
import respx
from sdk_support import TOKEN, Flavour

from atoma_sdk import AtomaSDK

REFUSAL = r"^an SDK object of atoma-sdk cannot be pickled or deep-copied: .* initializer"


@pytest.mark.parametrize(
    "copier",
    [
        pickle.dumps,
        ForkingPickler.dumps,  # what process pools and `multiprocessing` send arguments with
        copy.deepcopy,
        lambda sdk: pickle.dumps(sdk.with_options(timeout_ms=5)),
    ],
    ids=["pickle", "multiprocessing", "deepcopy", "pickle-a-copy"],
)
def test_pickling_or_deep_copying_is_refused_clearly(
    sdk: AtomaSDK, copier: Callable[[AtomaSDK], Any]
) -> None:
    with pytest.raises(TypeError, match=REFUSAL) as raised:
        copier(sdk)
    assert TOKEN not in str(raised.value)


async def test_shallow_copies_still_call(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    await flavour.generate(sdk.with_options(timeout_ms=5_000), model="m", prompt="p")
    raw = sdk.images.with_raw_response
    response = (
        await raw.generate_async(model="m", prompt="p")
        if flavour.is_async
        else (raw.generate(model="m", prompt="p"))
    )
    assert response.status_code == 200
    assert route.call_count == 2
