"""The HTTP answer beside the typed result, per-call escape hatches, and a copy of the
client with other settings.

Runs against the bundled mock: `ATOMASDK_SERVER_URL` (set here when it is not) is the
default server of every `AtomaSDK` built without `server_url`.
"""

import os
from datetime import timedelta

from atoma_sdk import AtomaSDK, RawResponse, models
from atoma_sdk.mock import MockServer

with MockServer() as server:
    os.environ.setdefault("ATOMASDK_SERVER_URL", server.url)
    with AtomaSDK(bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", "")) as atoma_sdk:
        raw: RawResponse[models.CreateImageResponse] = atoma_sdk.images.with_raw_response.generate(
            model="black-forest-labs/FLUX.1-schnell",
            prompt="A cute baby sea otter",
            size="256x256",
            # Not in the spec yet: sent as given, after the arguments are validated.
            extra_headers={"X-Trace-Id": "otter-1"},
            extra_query={"region": "eu"},
        )
        status: int = raw.status_code
        elapsed: timedelta = raw.elapsed
        print(status, raw.headers.get("content-type"), raw.request_id, elapsed)
        result = raw.parse()  # the same typed result `generate` returns
        print(len(result.data), result._request_id)

        # A copy with a shorter timeout; it shares the connection pool.
        quick = atoma_sdk.with_options(timeout_ms=30_000, retry_config=None)
        print(quick.images.generate(model="m", prompt="A sea otter").created)
