"""Response headers carrying bytes outside ASCII (UTF-8 or Latin-1 values, which servers
and proxies do send), from a real local server on every backend: the answer is read,
and the error built from such a response keeps the values and still pickles (for
`multiprocessing` and `concurrent.futures` across processes)."""

from __future__ import annotations

import json
import pickle

import pytest
from fault_server import Behaviour, Exchange
from fault_support import OK_BODY, REQUIRED, Flavour, MakeSDK, StartServer

from atoma_sdk import APIError, InternalServerError, RateLimitError

UTF8_ID = "caf\u00e9-\u4e2d"  # sent as UTF-8
LATIN1_ID = "r\u00e9q-\u00ff"  # sent as Latin-1 (not valid UTF-8)


def answer(status_line: bytes, headers: list[bytes], body: bytes) -> Behaviour:
    def behaviour(exchange: Exchange) -> bool:
        lines = [status_line, *headers, b"Content-Length: %d" % len(body)]
        exchange.send(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        return True

    return behaviour


JSON = b"Content-Type: application/json"


def without_length(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers but `Content-Length` (a pickled response recomputes it)."""
    return [(name, value) for name, value in headers if name.lower() != b"content-length"]


async def test_a_success_with_non_ascii_header_values_is_read(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer
) -> None:
    server = start_server(
        answer(
            b"HTTP/1.1 200 OK",
            [
                JSON + "; charset=\u00fc".encode(),
                b"X-Request-Id: " + UTF8_ID.encode(),
                b"X-Note: " + LATIN1_ID.encode("latin-1"),
            ],
            json.dumps(OK_BODY).encode(),
        )
    )
    sdk = make_sdk(server.url)
    response = await flavour.generate(sdk, **REQUIRED)
    assert response.created == OK_BODY["created"]


@pytest.mark.parametrize(
    ("status_line", "request_id", "error_class"),
    [
        pytest.param(
            b"HTTP/1.1 500 Internal Server Error",
            UTF8_ID.encode(),
            InternalServerError,
            id="utf-8",
        ),
        pytest.param(
            "HTTP/1.1 429 Tr\u00e8s occup\u00e9".encode(),
            LATIN1_ID.encode("latin-1"),
            RateLimitError,
            id="latin-1-and-reason",
        ),
    ],
)
async def test_an_error_with_non_ascii_header_values_pickles_with_them(
    flavour: Flavour,
    make_sdk: MakeSDK,
    start_server: StartServer,
    status_line: bytes,
    request_id: bytes,
    error_class: type[APIError],
) -> None:
    server = start_server(
        answer(
            status_line,
            [JSON, b"X-Request-Id: " + request_id, b"X-Vary: \xe9t\xe9"],
            b'{"error": {"message": "busy"}}',
        )
    )
    sdk = make_sdk(server.url, retry_config=None)
    with pytest.raises(error_class) as info:
        await flavour.generate(sdk, **REQUIRED)
    error = info.value
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert copy.request_id == error.request_id is not None
    assert without_length(copy.headers.raw) == without_length(error.headers.raw)
    assert str(copy) == str(error)
