"""What users coming from openai-python rely on: the HTTP answer beside the typed result
(`with_raw_response`), per-call escape hatches (`extra_*`), a copy with other settings
(`with_options`), the server from the environment, and a `help(sdk)` that shows the
resources."""

from __future__ import annotations

import json
import pydoc
from datetime import timedelta

import httpx
import pytest
import respx

import atoma_sdk
from atoma_sdk import AtomaSDK, models
from atoma_sdk.utils import RetryConfig

BASE = "https://api.atoma.network"
PATH = "/v1/images/generations"
ANSWER = {"created": 1, "data": [{"url": "https://example.test/a.png"}]}


def test_with_raw_response_gives_status_headers_request_id_and_parses() -> None:
    with respx.mock(base_url=BASE) as router:
        router.post(PATH).respond(201, json=ANSWER, headers={"x-request-id": "req-42"})
        with AtomaSDK(bearer_auth="tok") as sdk:
            raw = sdk.images.with_raw_response.generate(model="m", prompt="p")
    assert (raw.status_code, raw.request_id, raw.headers["x-request-id"]) == (
        201,
        "req-42",
        "req-42",
    )
    assert isinstance(raw.http_response, httpx.Response)
    assert isinstance(raw.elapsed, timedelta) and raw.elapsed >= timedelta(0)
    result = raw.parse()
    assert isinstance(result, models.CreateImageResponse)
    assert result.data[0].url == "https://example.test/a.png"
    assert raw.parse() is result
    assert result._request_id == "req-42"
    assert repr(raw) == f"<RawResponse [201] POST {BASE}{PATH}>"


async def test_with_raw_response_async() -> None:
    with respx.mock(base_url=BASE) as router:
        router.post(PATH).respond(200, json=ANSWER, headers={"request-id": "r-1"})
        async with AtomaSDK(bearer_auth="tok") as sdk:
            raw = await sdk.images.with_raw_response.generate_async(model="m", prompt="p")
    assert (raw.status_code, raw.request_id, raw.parse().created) == (200, "r-1", 1)


def test_with_raw_response_of_a_stream_parses_to_the_stream() -> None:
    events = 'data: {"type": "image_generation.completed", "b64_json": "AA=="}\n\ndata: [DONE]\n\n'
    with respx.mock(base_url=BASE) as router:
        router.post(PATH).respond(
            200, text=events, headers={"content-type": "text/event-stream", "x-request-id": "s"}
        )
        with AtomaSDK(bearer_auth="tok") as sdk:
            raw = sdk.images.with_raw_response.generate_stream(model="m", prompt="p")
            assert (raw.status_code, raw.request_id) == (200, "s")
            with raw.parse() as stream:
                assert [type(event).__name__ for event in stream] == ["ImageCompletedEvent"]


def test_raw_response_errors_raise_as_usual() -> None:
    with respx.mock(base_url=BASE) as router:
        router.post(PATH).respond(400, json={"error": {"message": "bad size"}})
        with AtomaSDK(bearer_auth="tok") as sdk, pytest.raises(atoma_sdk.BadRequestError):
            sdk.images.with_raw_response.generate(model="m", prompt="p", retries=None)


def test_request_id_on_the_parsed_result_and_none_without_the_header() -> None:
    with respx.mock(base_url=BASE) as router:
        router.post(PATH).mock(
            side_effect=[
                httpx.Response(200, json=ANSWER, headers={"x-request-id": "abc"}),
                httpx.Response(200, json=ANSWER),
            ]
        )
        with AtomaSDK(bearer_auth="tok") as sdk:
            first = sdk.images.generate(model="m", prompt="p")
            second = sdk.images.generate(model="m", prompt="p")
    assert (first._request_id, second._request_id) == ("abc", None)
    assert "_request_id" not in first.model_dump()


def test_extra_body_query_and_headers_on_the_wire() -> None:
    with respx.mock(base_url=BASE) as router:
        route = router.post(PATH).respond(200, json=ANSWER)
        with AtomaSDK(bearer_auth="tok") as sdk:
            sdk.images.generate(
                model="m",
                prompt="p",
                n=1,
                http_headers={"X-Trace": "from-http-headers", "X-Only-Http": "h"},
                extra_headers={"X-Trace": "from-extra", "X-New": "1"},
                extra_query={"beta": "true", "note": "a b&c"},
                extra_body={"seed": 7, "n": 2, "options": {"steps": 4}},
            )
    request = route.calls.last.request
    assert str(request.url) == f"{BASE}{PATH}?beta=true&note=a%20b%26c"
    # Merged after validation, keys sorted like every body: `n` replaced unchecked.
    assert request.content == (b'{"model":"m","n":2,"options":{"steps":4},"prompt":"p","seed":7}')
    assert request.headers["content-length"] == str(len(request.content))
    assert request.headers["x-trace"] == "from-extra"  # extra_headers win over http_headers
    assert (request.headers["x-only-http"], request.headers["x-new"]) == ("h", "1")


def test_bad_extras_are_refused_before_any_io() -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        route = router.post(PATH).respond(200, json=ANSWER)
        with AtomaSDK(bearer_auth="tok") as sdk:
            with pytest.raises(ValueError, match="extra_headers has an invalid header name"):
                sdk.images.generate(model="m", prompt="p", extra_headers={"bad name": "x"})
            with pytest.raises(TypeError, match="extra_body must be a mapping"):
                sdk.images.generate(model="m", prompt="p", extra_body=[1])  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="not JSON serializable"):
                sdk.images.generate(model="m", prompt="p", extra_body={"x": object()})
    assert route.calls.call_count == 0


def test_with_options_shares_the_http_clients_and_changes_only_what_it_is_given() -> None:
    with respx.mock() as router:
        main = router.post(f"{BASE}{PATH}").respond(200, json=ANSWER)
        other = router.post(f"https://other.test{PATH}").respond(200, json=ANSWER)
        retry = RetryConfig("backoff", None, False)
        with AtomaSDK(bearer_auth="tok", timeout_ms=9_000) as sdk:
            copy = sdk.with_options(server_url="https://other.test", retry_config=retry)
            copy.images.generate(model="m", prompt="p")
            sdk.images.generate(model="m", prompt="p")
            assert copy._core.client is sdk._core.client  # the same httpx.Client: one pool
            assert (copy._core.timeout_ms, copy._core.retry_config) == (9_000, retry)
            assert sdk._core.server_url == BASE and sdk._core.retry_config is not retry
            faster = sdk.with_options(timeout_ms=250)
            assert faster._core.timeout_ms == 250 and sdk._core.timeout_ms == 9_000
            assert type(copy) is AtomaSDK and copy.images is not sdk.images
    assert other.calls.last.request.headers["authorization"] == "Bearer tok"
    assert main.call_count == 1
    assert other.calls.last.request.extensions["timeout"]["read"] == 9.0


async def test_with_options_shares_the_async_client() -> None:
    with respx.mock(base_url=BASE) as router:
        router.post(PATH).respond(200, json=ANSWER)
        async with AtomaSDK(bearer_auth="tok") as sdk:
            copy = sdk.with_options(timeout_ms=1_000)
            await copy.images.generate_async(model="m", prompt="p")
            assert copy._core.async_client is sdk._core.async_client


def test_with_options_checks_its_values() -> None:
    sdk = AtomaSDK(bearer_auth="tok")
    with pytest.raises(TypeError, match="retry_config"):
        sdk.with_options(retry_config="often")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout_ms"):
        sdk.with_options(timeout_ms=-1)


def test_server_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATOMASDK_SERVER_URL", "http://127.0.0.1:9")
    assert AtomaSDK(bearer_auth="t")._core.server_url == "http://127.0.0.1:9"
    # An explicit argument wins: the URL, or a server index.
    assert AtomaSDK(bearer_auth="t", server_url="https://x.test")._core.server_url == (
        "https://x.test"
    )
    assert AtomaSDK(bearer_auth="t", server_idx=0)._core.server_url == BASE
    monkeypatch.setenv("ATOMASDK_SERVER_URL", "")
    assert AtomaSDK(bearer_auth="t")._core.server_url == BASE


def test_server_url_from_the_environment_on_the_wire(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATOMASDK_SERVER_URL", "https://env.test/base")
    with respx.mock() as router:
        route = router.post(f"https://env.test/base{PATH}").respond(200, json=ANSWER)
        with AtomaSDK(bearer_auth="t") as sdk:
            sdk.images.generate(model="m", prompt="p")
    assert route.call_count == 1


def test_help_shows_resources_with_their_methods() -> None:
    text = pydoc.render_doc(AtomaSDK(bearer_auth="t"), renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    assert "cached_property" not in text
    resource = pydoc.render_doc(AtomaSDK(bearer_auth="t").images, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    assert "cached_property" not in resource
    assert "with_raw_response\n |      The methods below returning a `RawResponse`" in resource
    assert "images\n |      OpenAI's API images v1 endpoint" in text
    assert (
        "`Images`: `generate`, `generate_async`, `generate_stream`, `generate_stream_async`."
        in text
    )


def test_resources_are_made_once_per_sdk() -> None:
    sdk = AtomaSDK(bearer_auth="t")
    assert sdk.images is sdk.images
    assert sdk.images.with_raw_response is sdk.images.with_raw_response


def test_extra_body_is_sorted_like_0_1_3_bodies() -> None:
    with respx.mock(base_url=BASE) as router:
        route = router.post(PATH).respond(200, json=ANSWER)
        with AtomaSDK(bearer_auth="tok") as sdk:
            sdk.images.generate(model="m", prompt="é", extra_body={"a": "ü"})
    assert json.loads(route.calls.last.request.content) == {"a": "ü", "model": "m", "prompt": "é"}
    assert route.calls.last.request.content == b'{"a":"\\u00fc","model":"m","prompt":"\\u00e9"}'


def test_dir_of_the_package_lists_only_the_public_api() -> None:
    names = dir(atoma_sdk)
    assert names == sorted(atoma_sdk.__all__)
    assert {"AtomaSDK", "RawResponse", "APIConnectionError", "models"} <= set(names)
    assert not {"importlib", "annotations", "TYPE_CHECKING", "sdk", "_runtime"} & set(names)


def test_public_classes_are_named_by_the_package() -> None:
    assert repr(atoma_sdk.RawResponse) == "<class 'atoma_sdk.RawResponse'>"
    assert repr(atoma_sdk.APIConnectionError) == "<class 'atoma_sdk.APIConnectionError'>"


# The values seed 004 (OpenAI-compatible image servers) lists for each open enum.
KNOWN_VALUES = {
    "size": (
        "auto",
        "1024x1024",
        "1536x1024",
        "1024x1536",
        "256x256",
        "512x512",
        "1792x1024",
        "1024x1792",
    ),
    "quality": ("auto", "high", "medium", "low", "hd", "standard"),
    "style": ("vivid", "natural"),
    "response_format": ("url", "b64_json"),
    "background": ("auto", "transparent", "opaque"),
    "output_format": ("png", "jpeg", "webp"),
    "moderation": ("auto", "low"),
}


@pytest.mark.parametrize("name", sorted(KNOWN_VALUES))
def test_known_values_are_literal_hints_over_str(name: str) -> None:
    import typing

    from atoma_sdk.resources.images import Images

    hints = typing.get_type_hints(Images.generate)
    members = set(typing.get_args(hints[name]))
    literal = next(m for m in members if typing.get_origin(m) is typing.Literal)
    assert typing.get_args(literal) == KNOWN_VALUES[name]
    assert str in members and type(None) in members


def test_open_enum_values_known_or_not_go_out_as_given() -> None:
    with respx.mock(base_url=BASE) as router:
        route = router.post(PATH).respond(200, json=ANSWER)
        with AtomaSDK(bearer_auth="tok") as sdk:
            sdk.images.generate(model="m", prompt="p", size="2048x2048", quality="hd", style=None)
    assert route.calls.last.request.content == (
        b'{"model":"m","prompt":"p","quality":"hd","size":"2048x2048","style":null}'
    )


def test_confidential_with_raw_response_wraps_the_envelopes_answer() -> None:
    from atoma_sdk.mock import MockAPI, MockTransport
    from atoma_sdk.mock.confidential import CONFIDENTIAL_PATH

    def add_request_id(response: httpx.Response) -> None:
        response.headers["x-request-id"] = f"req-{response.request.url.path}"

    api = MockAPI()
    hooks = {"response": [add_request_id]}
    with httpx.Client(transport=MockTransport(api), event_hooks=hooks) as client:
        sdk = AtomaSDK(bearer_auth="t", server_url="http://mock.test", client=client)
        raw = sdk.confidential_images.with_raw_response.generate(
            model="black-forest-labs/FLUX.1-schnell", prompt="p", size="16x16"
        )
        plain = sdk.confidential_images.generate(
            model="black-forest-labs/FLUX.1-schnell", prompt="p", size="16x16"
        )
    assert raw.status_code == 200 and raw.url.path == CONFIDENTIAL_PATH
    assert raw.elapsed >= timedelta(0)
    result = raw.parse()
    assert isinstance(result, models.CreateImageResponse) and len(result.data) == 1
    assert isinstance(plain, models.CreateImageResponse)
    assert raw.request_id == f"req-{CONFIDENTIAL_PATH}"
    assert result._request_id == plain._request_id == raw.request_id
