"""One SDK across event loops a script or a notebook makes by hand: loops closed without
shutting down their async generators (`loop.close()` after `run_until_complete`), then
`asyncio.run()`, against a real local server. Each loop gets a working client of its
own; the SDK forgets the clients of closed loops instead of reusing their connections
("Event loop is closed")."""

from __future__ import annotations

import asyncio
import gc
import warnings

from fault_server import json_response
from fault_support import OK_BODY, REQUIRED, TOKEN, StartServer

from atoma_sdk import AtomaSDK


def test_loops_closed_by_hand_then_asyncio_run(start_server: StartServer) -> None:
    server = start_server(json_response(200, OK_BODY))
    sdk = AtomaSDK(bearer_auth=TOKEN, server_url=server.url)
    clients = sdk._core._clients
    results = []
    with warnings.catch_warnings():
        # The sockets of a loop closed by hand are the garbage collector's (documented).
        warnings.simplefilter("ignore", ResourceWarning)
        for _ in range(2):
            loop = asyncio.new_event_loop()
            results.append(loop.run_until_complete(sdk.images.generate_async(**REQUIRED)))
            results.append(loop.run_until_complete(sdk.images.generate_async(**REQUIRED)))
            loop.close()
        results.append(asyncio.run(sdk.images.generate_async(**REQUIRED)))
        held = dict(vars(clients)["_loops"])
        sdk.close()
        del loop
        gc.collect()

    assert [r.created for r in results] == [OK_BODY["created"]] * 5
    assert server.request_count == 5
    assert held == {}  # the closed loops' clients forgotten, asyncio.run's closed with it
    assert server.connections_accepted == 3  # one per loop: the calls of a loop share one
