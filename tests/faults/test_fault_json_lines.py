"""A JSON Lines stream from a real server on 127.0.0.1 that sends its lines one at a time,
then loses the connection in the middle of a line.

Each item reaches the loop while the server waits for it (the server sends the next line
only once the client has the previous item: nothing is buffered to the end). The cut
raises `APIConnectionError` that is also httpx's `RemoteProtocolError`, whether the
transport sees it (a chunked body without its last chunk) or only the decoder can (a
body delimited by the connection's close, so its end looks like any other). It is not
retried, even with connection errors retried: the stream had started.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Optional

import httpx
import pytest
from fault_server import Behaviour, Exchange, head
from fault_support import Flavour, MakeSDK, StartServer, assert_connection_error

from atoma_sdk import models
from atoma_sdk._runtime.models import OutputModel
from atoma_sdk._runtime.operation import CallOptions, Operation
from atoma_sdk.utils import BackoffStrategy, RetryConfig


class Record(OutputModel):
    seq: int
    message: str
    level: Optional[str] = None


RECORDS = [{"seq": 1, "message": "starting"}, {"seq": 2, "message": "working", "level": "info"}]
CUT = b'{"seq": 3, "mess'
FOLLOW: Operation[Record] = Operation(
    "logs_follow",
    "GET",
    "/logs",
    Record,
    response_media_type="application/x-ndjson",
    stream=True,
    json_lines=True,
)
#: Even connection errors retried: the stream has started, so none is.
RETRY_ALL = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 1_000), True)


class LineByLine:
    """Sends each line once the client holds the item before it, then half a line, then
    closes the connection (FIN). `chunked`: chunked framing, the last chunk never sent;
    else the body runs to the connection's close."""

    def __init__(self, chunked: bool) -> None:
        self.chunked = chunked
        self.sent = 0  # lines sent so far
        self.received = threading.Semaphore(0)  # released by the client per item

    def behaviour(self) -> Behaviour:
        def send_lines(exchange: Exchange) -> bool:
            framing = {"Transfer-Encoding": "chunked"} if self.chunked else {"Connection": "close"}
            exchange.send(head(200, {"Content-Type": "application/x-ndjson", **framing}))
            for record in RECORDS:
                self.sent += 1  # before the line leaves: the client may take it at once
                self._send(exchange, json.dumps(record).encode() + b"\n")
                while not self.received.acquire(blocking=False):
                    exchange.wait(0.01)  # gives up when the server stops or the client left
            self._send(exchange, CUT)
            exchange.close()
            return False

        return send_lines

    def _send(self, exchange: Exchange, data: bytes) -> None:
        exchange.send(b"%x\r\n%s\r\n" % (len(data), data) if self.chunked else data)


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "until-close"])
async def test_lines_as_they_come_then_a_cut_mid_line(
    flavour: Flavour, make_sdk: MakeSDK, start_server: StartServer, chunked: bool
) -> None:
    lines = LineByLine(chunked)
    server = start_server(lines.behaviour())
    sdk = make_sdk(server.url)
    options = CallOptions(retries=RETRY_ALL)
    received: list[tuple[int, int]] = []  # (item's seq, lines the server had sent)

    def take(item: Any) -> None:
        received.append((item.seq, lines.sent))
        lines.received.release()

    with pytest.raises(models.APIConnectionError) as raised:
        if flavour.is_async:
            async with await sdk._core.call_stream_async(FOLLOW, None, options) as stream:
                async for item in stream:
                    take(item)
        else:
            with sdk._core.call_stream(FOLLOW, None, options) as sync_stream:
                for item in sync_stream:
                    take(item)
    assert received == [(1, 1), (2, 2)]
    assert_connection_error(raised.value, models.APIConnectionError, httpx.RemoteProtocolError)
    if not chunked:  # only the decoder could tell
        assert "ended in the middle of line 3" in str(raised.value)
    assert server.request_count == 1
