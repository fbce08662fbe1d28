"""Bad responses over real sockets: 2XX bodies the SDK cannot read, and huge error bodies."""

from __future__ import annotations

import json

import pytest
from fault_server import json_response, respond
from fault_support import (
    REQUIRED,
    FakeClock,
    Flavour,
    MakeSDK,
    StartServer,
    assert_at_most_one_idle,
    assert_pool_clean,
    pool_connections,
    stopwatch,
)

from atoma_sdk import models

BAD_2XX = [
    pytest.param(
        200, "application/json", b'{"created": 1, "data": [', "json_invalid", id="malformed-json"
    ),
    pytest.param(200, "application/json", b"", "json_invalid", id="empty-body"),
    pytest.param(
        200, "text/html; charset=utf-8", b"<html><body>Gateway</body></html>", None, id="html"
    ),
    pytest.param(200, "application/json", b'{"created": 1}', "missing", id="missing-data"),
    pytest.param(
        201, "application/json", b'{"data": [{"url": "u"}]}', "missing", id="201-missing-created"
    ),
    pytest.param(
        200, "application/json", b'{"created": "soon", "data": []}', "int_parsing", id="wrong-type"
    ),
]


@pytest.mark.parametrize(("status", "content_type", "body", "error_type"), BAD_2XX)
async def test_unreadable_2xx_raises_response_validation_error(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    clock: FakeClock,
    status: int,
    content_type: str,
    body: bytes,
    error_type: str | None,
) -> None:
    server = start_server(respond(status, body, content_type=content_type))
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(models.ResponseValidationError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    assert type(error) is models.ResponseValidationError
    assert isinstance(error, models.APIError)
    assert error.status_code == status
    assert error.body == body.decode()  # the raw body is kept, whatever it was
    assert error.raw_response.content == body
    assert error.raw_response.headers["content-type"] == content_type
    if error_type is None:  # refused on the content type, before parsing
        assert "text/html" in error.message
        assert error.details == []
    else:
        assert error.details[0]["type"] == error_type
        assert "CreateImageResponse" in error.message
    assert server.request_count == 1  # a 2XX is never retried
    assert clock.sleeps == []
    assert watch.elapsed < 2.0
    # the body was read in full, so the connection went back to the pool for reuse
    assert_at_most_one_idle(flavour.owned_client(sdk))
    assert len(pool_connections(flavour.owned_client(sdk))) == 1


HUGE = 5_000_000


async def test_huge_plain_error_body(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    body = "E" * HUGE
    server = start_server(respond(500, body, content_type="text/plain"))
    sdk = make_sdk(server.url, clock=clock)
    with stopwatch() as watch, pytest.raises(models.InternalServerError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    assert type(error) is models.InternalServerError
    assert error.status_code == 500
    assert error.body == body  # complete
    assert len(str(error)) < 2_000
    assert f"[{HUGE - 1_000} more characters]" in str(error)
    assert len(repr(error)) < 2_000
    assert server.request_count == 1  # 500 is not retried by the default policy
    assert watch.elapsed < 5.0
    assert_at_most_one_idle(flavour.owned_client(sdk))


async def test_huge_json_error_message(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    """A 5 MB error body in the usual JSON envelope: `{"error": {"message": "<5 MB>"}}`.

    `str(error)` must stay under 2,000 characters however the huge body is shaped, as it
    does for a plain body. Both the message taken from the body and the body preview are
    cut to 1,000 characters, but they show the same text twice: 2,071 characters."""
    message = "M" * HUGE
    server = start_server(json_response(500, {"error": {"message": message}}))
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(models.InternalServerError) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    assert type(error) is models.InternalServerError
    assert error.status_code == 500
    assert json.loads(error.body) == {"error": {"message": message}}  # complete
    assert server.request_count == 1
    assert_pool_clean(flavour.owned_client(sdk))
    str_length, repr_length = len(str(error)), len(repr(error))
    assert str_length < 2_000, f"str(error) is {str_length:,} characters long"
    assert repr_length < 2_000, f"repr(error) is {repr_length:,} characters long"


async def test_huge_503_bodies_retried_then_raised(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, clock: FakeClock
) -> None:
    """Each retried 5 MB response is released before the next attempt."""
    body = "U" * HUGE
    server = start_server(respond(503, body, content_type="text/plain"))
    sdk = make_sdk(server.url, clock=clock)
    with pytest.raises(models.InternalServerError) as info:
        await flavour.generate(sdk, **REQUIRED)
    assert info.value.status_code == 503
    assert info.value.body == body
    assert len(str(info.value)) < 2_000
    assert server.request_count == 3  # DEFAULT_POLICY: 503 retried at most twice
    assert clock.sleeps == [0.5, 1.0]
    assert server.connections_accepted == 1  # read in full, so the connection is reused
    assert_at_most_one_idle(flavour.owned_client(sdk))
