"""A client-wide retry policy, overridden for one call, and how errors surface."""

import os

from atoma_sdk import AtomaSDK, models
from atoma_sdk.utils import BackoffStrategy, RetryConfig

client_retries = RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 600_000), False)
# This call waits less between attempts and gives up after 30 s.
quick_retries = RetryConfig("backoff", BackoffStrategy(200, 2_000, 2.0, 30_000), True)

with AtomaSDK(
    bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", ""), retry_config=client_retries
) as atoma_sdk:
    try:
        res = atoma_sdk.images.generate(
            model="black-forest-labs/FLUX.1-schnell",
            prompt="A cute baby sea otter",
            n=1,
            size="1024x1024",
            retries=quick_retries,
            timeout_ms=120_000,
        )
        print(res.data[0].url)
    except models.APIError as error:
        print(f"The API answered {error.status_code}: {error.message}")
