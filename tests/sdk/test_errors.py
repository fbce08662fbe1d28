"""Errors the SDK raises, arguments it refuses before any I/O, and how it reads responses."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pydantic
import pytest
import respx
from sdk_support import BASE_URL, OK_BODY, PATH, REQUIRED, URL, Flavour

from atoma_sdk import AtomaSDK, models

JSON_ERROR = {"error": {"message": "bad size", "type": "invalid_request_error", "param": "size"}}


def json_response(status: int, payload: Any, **headers: str) -> httpx.Response:
    """A JSON response whose exact body text is `json.dumps(payload)`."""
    return httpx.Response(
        status,
        content=json.dumps(payload).encode(),
        headers={"content-type": "application/json", **headers},
    )


# 7. API errors


STATUS_CLASSES = [
    pytest.param(400, models.BadRequestError, "Bad Request", id="400"),
    pytest.param(401, models.AuthenticationError, "Unauthorized", id="401"),
    pytest.param(403, models.PermissionDeniedError, "Forbidden", id="403"),
    pytest.param(404, models.NotFoundError, "Not Found", id="404"),
    pytest.param(409, models.ConflictError, "Conflict", id="409"),
    pytest.param(422, models.UnprocessableEntityError, "Unprocessable Entity", id="422"),
    pytest.param(418, models.APIError, "I'm a teapot", id="418-other"),
    pytest.param(500, models.InternalServerError, "Internal Server Error", id="500"),
    pytest.param(502, models.InternalServerError, "Bad Gateway", id="502"),
]


@pytest.mark.parametrize(("status", "cls", "reason"), STATUS_CLASSES)
async def test_api_error_with_json_body(
    flavour: Flavour,
    sdk: AtomaSDK,
    route: respx.Route,
    status: int,
    cls: type[models.APIError],
    reason: str,
) -> None:
    route.mock(return_value=json_response(status, JSON_ERROR, **{"x-request-id": "req-7"}))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    body = json.dumps(JSON_ERROR)
    assert type(error) is cls
    assert error.status_code == status
    assert error.message == "bad size"
    assert error.request_id == "req-7"
    assert error.headers["content-type"] == "application/json"
    assert error.body == body
    assert json.loads(error.body) == JSON_ERROR
    assert isinstance(error.raw_response, httpx.Response)
    assert error.raw_response.status_code == status
    assert error.raw_response.headers["x-request-id"] == "req-7"
    assert str(error.raw_response.request.url) == URL
    assert str(error) == f"bad size: Status {status}\n{body}"
    assert f"Status {status}" in str(error)
    assert route.call_count == 1


@pytest.mark.parametrize(("status", "cls", "reason"), STATUS_CLASSES)
async def test_api_error_with_plain_text_body(
    flavour: Flavour,
    sdk: AtomaSDK,
    route: respx.Route,
    status: int,
    cls: type[models.APIError],
    reason: str,
) -> None:
    route.mock(return_value=httpx.Response(status, text="upstream exploded"))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.message == reason  # no message in the body: the status's reason phrase
    assert error.request_id is None
    assert error.body == "upstream exploded"
    assert isinstance(error.raw_response, httpx.Response)
    assert error.raw_response.text == "upstream exploded"
    assert str(error) == f"{reason}: Status {status}\nupstream exploded"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"error": "quota exceeded"}, "quota exceeded", id="error-string"),
        pytest.param({"message": "slow down"}, "slow down", id="message"),
        pytest.param({"detail": "not here"}, "not here", id="detail"),
        pytest.param({"error": {"code": 7}}, "Too Many Requests", id="no-message"),
        pytest.param([1, 2], "Too Many Requests", id="json-array"),
    ],
)
async def test_api_error_message_shapes(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route, body: Any, message: str
) -> None:
    route.mock(return_value=httpx.Response(429, json=body))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.message == message
    assert info.value.status_code == 429
    assert isinstance(info.value, models.RateLimitError)


async def test_api_error_empty_body(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    route.mock(return_value=httpx.Response(401))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.body == ""
    assert str(info.value) == "Unauthorized: Status 401"


async def test_huge_error_body_bounded_in_str(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    body = "x" * 100_000
    route.mock(return_value=httpx.Response(502, text=body))
    with pytest.raises(models.APIError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    assert error.body == body
    text = str(error)
    assert len(text) < 2_000
    assert text.startswith("Bad Gateway: Status 502\nxxxx")
    assert "99000 more characters" in text
    assert len(repr(error)) < 200


def test_error_hierarchy() -> None:
    assert issubclass(models.APIError, models.SDKError)
    assert issubclass(models.SDKError, Exception)
    assert issubclass(models.ResponseValidationError, models.APIError)


@pytest.mark.parametrize(
    ("response", "body"),
    [
        pytest.param(
            httpx.Response(200, content=b"{not json", headers={"content-type": "application/json"}),
            "{not json",
            id="invalid-json",
        ),
        pytest.param(json_response(200, {"data": []}), '{"data": []}', id="missing-created"),
        pytest.param(
            json_response(200, {"created": "yesterday", "data": []}),
            '{"created": "yesterday", "data": []}',
            id="wrong-type",
        ),
        pytest.param(
            json_response(200, {"created": 1, "data": [{"url": ["not", "a", "string"]}]}),
            '{"created": 1, "data": [{"url": ["not", "a", "string"]}]}',
            id="nested-wrong-type",
        ),
        pytest.param(
            httpx.Response(200, text="<html>ok</html>"), "<html>ok</html>", id="not-json-type"
        ),
        pytest.param(httpx.Response(200), "", id="empty-body"),
    ],
)
async def test_unreadable_success_raises_response_validation_error(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route, response: httpx.Response, body: str
) -> None:
    route.mock(return_value=response)
    with pytest.raises(models.ResponseValidationError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    assert isinstance(error, models.APIError)
    assert error.status_code == 200
    assert error.body == body
    assert error.raw_response is not None
    assert error.raw_response.status_code == 200
    assert "Status 200" in str(error)


async def test_missing_created_names_the_field(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    route.mock(return_value=json_response(200, {"data": []}))
    with pytest.raises(models.ResponseValidationError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert "created" in info.value.message
    assert isinstance(info.value.cause, pydantic.ValidationError)


# 8. Bad input, refused before any I/O


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"model": "m", "prompt": "p", "n": -1}, "n", id="n-negative"),
        pytest.param({"model": "m", "prompt": "p", "n": 2**31}, "n", id="n-beyond-int32"),
        pytest.param({"model": "m", "prompt": "p", "n": "2"}, "n", id="n-str"),
        pytest.param({"model": "m", "prompt": "p", "n": 1.5}, "n", id="n-float"),
        pytest.param({"model": "m", "prompt": "p", "n": True}, "n", id="n-bool"),
        pytest.param({"model": 123, "prompt": "p"}, "model", id="model-int"),
        pytest.param({"model": "m", "prompt": None}, "prompt", id="prompt-none"),
        pytest.param({"model": None, "prompt": "p"}, "model", id="model-none"),
        pytest.param({"model": "m", "prompt": "p", "size": 1024}, "size", id="size-int"),
        pytest.param({"model": "m", "prompt": b"p"}, "prompt", id="prompt-bytes"),
    ],
)
async def test_invalid_argument_rejected_before_io(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        await flavour.generate(sdk, **kwargs)
    errors = info.value.errors()
    assert [e["loc"] for e in errors] == [(field,)]
    assert route.call_count == 0
    assert flavour.created_client(sdk) is None  # not even a client was built


async def test_unknown_keyword_rejected(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    with pytest.raises(TypeError, match="'colour'"):
        await flavour.generate(sdk, **REQUIRED, colour="red")
    assert route.call_count == 0


async def test_missing_prompt_rejected(flavour: Flavour, sdk: AtomaSDK, route: respx.Route) -> None:
    with pytest.raises(TypeError, match="'prompt'"):
        await flavour.generate(sdk, model="m")
    assert route.call_count == 0


async def test_positional_arguments_rejected(sdk: AtomaSDK, route: respx.Route) -> None:
    with pytest.raises(TypeError):
        sdk.images.generate("m", "p")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        await sdk.images.generate_async("m", "p")  # type: ignore[call-arg]
    assert route.call_count == 0


def test_request_model_rejects_unknown_field() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        models.CreateImageRequest(model="m", prompt="p", colour="red")  # type: ignore[call-arg]
    assert [e["loc"] for e in info.value.errors()] == [("colour",)]


# 9. Reading responses


async def test_unknown_response_fields_kept(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    body = {
        "created": 5,
        "usage": {"images": 1},
        "data": [{"url": "u", "extra_field": [1, "two"], "seed": 42}],
    }
    route.mock(return_value=httpx.Response(200, json=body))
    res = await flavour.generate(sdk, **REQUIRED)
    # unknown fields are plain attributes (dynamic, hence the type: ignore)
    assert res.data[0].extra_field == [1, "two"]  # type: ignore[attr-defined]
    assert res.data[0].seed == 42  # type: ignore[attr-defined]
    assert res.usage == {"images": 1}  # type: ignore[attr-defined]
    assert res.data[0].model_extra == {"extra_field": [1, "two"], "seed": 42}
    assert res.model_dump() == {
        "created": 5,
        "usage": {"images": 1},
        "data": [
            {
                "url": "u",
                "revised_prompt": None,
                "b64_json": None,
                "extra_field": [1, "two"],
                "seed": 42,
            }
        ],
    }


async def test_revised_prompt_absent_vs_null(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    body = {
        "created": 5,
        "data": [
            {"url": "a"},
            {"url": "b", "revised_prompt": None},
            {"url": "c", "revised_prompt": "r"},
        ],
    }
    route.mock(return_value=httpx.Response(200, json=body))
    res = await flavour.generate(sdk, **REQUIRED)
    absent, null, given = res.data
    assert absent.revised_prompt is None
    assert "revised_prompt" not in absent.model_fields_set
    assert null.revised_prompt is None
    assert "revised_prompt" in null.model_fields_set
    assert given.revised_prompt == "r"
    assert res.model_fields_set == {"created", "data"}
    assert isinstance(res, models.CreateImageResponse)
    assert all(isinstance(item, models.ImageData) for item in res.data)


async def test_json_content_type_with_charset_accepted(
    flavour: Flavour, sdk: AtomaSDK, route: respx.Route
) -> None:
    response = httpx.Response(
        200,
        content=json.dumps(OK_BODY).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    route.mock(return_value=response)
    res = await flavour.generate(sdk, **REQUIRED)
    assert res.created == OK_BODY["created"]


@respx.mock
@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_a_404_for_a_doubled_path_prefix_says_to_drop_it_from_server_url(prefix: str) -> None:
    """OpenAI's `base_url` ends with `/v1`; this API's paths already start with it."""
    doubled_url = f"{BASE_URL}{prefix}{PATH}"
    route = respx.post(doubled_url).respond(404, json={"error": "no"})
    respx.post(f"{BASE_URL}/api{PATH}").respond(404, text="no such route")
    with (
        AtomaSDK(bearer_auth="t", server_url=BASE_URL + prefix) as sdk,
        pytest.raises(models.NotFoundError) as doubled,
    ):
        sdk.images.generate(**REQUIRED)
    assert route.called and str(doubled.value.raw_response.request.url) == doubled_url
    assert doubled.value.doubled_prefix == "/v1"
    assert str(doubled.value).splitlines()[0] == (
        "no: Status 404 (the URL's path has /v1 twice: drop it from server_url)"
    )
    with (
        AtomaSDK(bearer_auth="t", server_url=f"{BASE_URL}/api") as sdk,
        pytest.raises(models.NotFoundError) as plain,
    ):
        sdk.images.generate(**REQUIRED)
    assert route.call_count == 1 and plain.value.doubled_prefix is None
    assert str(plain.value) == "Not Found: Status 404\nno such route"
    by_hand = models.NotFoundError("gone", 404)  # as 0.1.3 allowed: no request behind it
    assert by_hand.doubled_prefix is None and str(by_hand) == "gone: Status 404"
