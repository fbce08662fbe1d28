"""Values no request can carry, refused before any I/O and named: text holding a
surrogate code point (`'\\ud800'`: not Unicode, so neither UTF-8 nor JSON a server
reads) in a body field, `extra_query` or `extra_body`, and NaN in `extra_body`.

Before, `extra_query` raised `urllib`'s unnamed `UnicodeEncodeError`, and a body field
went out as a lone `\\ud800` escape, which the server refused with a 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from atoma_sdk import AtomaSDK, InvalidArgumentError

REQUIRED: dict[str, Any] = {"model": "m", "prompt": "p"}


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def sdk(sent: list[httpx.Request]) -> AtomaSDK:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"created": 1, "data": []})

    return AtomaSDK(bearer_auth="t", client=httpx.Client(transport=httpx.MockTransport(answer)))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"extra_query": {"tag": "a\ud800"}}, "extra_query['tag']: must be Unicode text"),
        ({"extra_query": {"\udc80": "x"}}, "extra_query['\\udc80']: must be Unicode text"),
        ({"extra_body": {"meta": ["\udfff"]}}, "extra_body['meta'][0]: must be Unicode text"),
        ({"extra_body": {"w": float("nan")}}, "extra_body['w']: must be a finite number"),
    ],
)
def test_call_options_name_the_value(
    sdk: AtomaSDK, sent: list[httpx.Request], arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        sdk.images.generate(**REQUIRED, **arguments)
    assert type(info.value) is ValueError
    assert str(info.value).startswith(message), info.value
    assert sent == []


def test_a_body_field_is_an_invalid_argument(sdk: AtomaSDK, sent: list[httpx.Request]) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        sdk.images.generate(model="m", prompt="an otter \ud83e")
    assert str(info.value) == (
        "prompt: must be Unicode text, not the surrogate code point '\\ud83e', "
        "got 'an otter \\ud83e'"
    )
    assert info.value.errors()[0]["loc"] == ("prompt",)
    assert sent == []


def test_characters_past_the_basic_plane_are_sent(sdk: AtomaSDK, sent: list[httpx.Request]) -> None:
    sdk.images.generate(model="m", prompt="an otter \U0001f9a6", extra_query={"k": "\u00e9"})
    assert sent[0].content == b'{"model":"m","prompt":"an otter \\ud83e\\udda6"}'
    assert sent[0].url.query == b"k=%C3%A9"
