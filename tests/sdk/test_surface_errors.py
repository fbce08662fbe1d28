"""Errors a person can read: a bad argument is one line naming the field, the rule and the
value (its type when the rule is about types), and stays a `pydantic.ValidationError`."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
import respx

import atoma_sdk
from atoma_sdk import AtomaSDK


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"n": -1}, "n: must be ≥ 0, got -1"),
        ({"n": 2**40}, "n: must be ≤ 2147483647, got 1099511627776"),
        ({"n": "3"}, "n: must be an integer, got str '3'"),
        ({"size": 5}, "size: must be a string, got int 5"),
        ({"partial_images": 9}, "partial_images: must be ≤ 3, got 9"),
        (
            {"n": -1, "output_compression": 101},
            "n: must be ≥ 0, got -1; output_compression: must be ≤ 100, got 101",
        ),
        ({"prompt": "x" * 100, "n": 1.5}, "n: must be an integer, got float 1.5"),
    ],
)
def test_bad_argument_is_one_readable_line(arguments: dict[str, Any], message: str) -> None:
    with respx.mock(assert_all_called=False) as router, AtomaSDK(bearer_auth="t") as sdk:
        route = router.post("https://api.atoma.network/v1/images/generations")
        with pytest.raises(pydantic.ValidationError) as caught:
            sdk.images.generate(**{"model": "m", "prompt": "p", **arguments})
    assert route.call_count == 0
    error = caught.value
    assert str(error) == message
    assert "\n" not in str(error)
    assert isinstance(error, atoma_sdk.InvalidArgumentError)
    assert error.errors()[0]["loc"][0] in arguments  # pydantic's detail is still there


def test_long_values_are_cut() -> None:
    with pytest.raises(atoma_sdk.InvalidArgumentError) as caught:
        AtomaSDK(bearer_auth="t").images.generate(model="m", prompt="p", size=["x" * 500])  # type: ignore[arg-type]
    assert str(caught.value) == f"size: must be a string, got list {repr(['x' * 500])[:60]}..."


def test_the_error_class_is_named_by_the_package() -> None:
    assert repr(atoma_sdk.InvalidArgumentError) == "<class 'atoma_sdk.InvalidArgumentError'>"
    assert issubclass(atoma_sdk.InvalidArgumentError, pydantic.ValidationError)


def test_open_enum_with_a_value_of_another_type() -> None:
    with pytest.raises(atoma_sdk.InvalidArgumentError) as caught:
        AtomaSDK(bearer_auth="t").images.generate(model="m", prompt="p", size=1024)  # type: ignore[arg-type]
    assert str(caught.value) == "size: must be a string, got int 1024"
    assert [d["type"] for d in caught.value.errors()] == ["string_type"]
