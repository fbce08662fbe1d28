"""Generate an image against the mock API bundled with the SDK: no token, no network.

This is the README's first command. It starts the mock on 127.0.0.1, generates one
image with the SDK, prints the response and saves the PNG the mock serves.
"""

from pathlib import Path

import httpx

from atoma_sdk import AtomaSDK
from atoma_sdk.mock import MockServer

OUTPUT = Path("mock-image.png")


def main() -> None:
    with MockServer() as server, AtomaSDK(server_url=server.url) as atoma_sdk:
        res = atoma_sdk.images.generate(
            model="black-forest-labs/FLUX.1-schnell",
            prompt="A cute baby sea otter floating on its back",
            n=1,
            size="256x256",
        )
        print(res.model_dump_json(indent=2))
        image = httpx.get(res.data[0].url)
        image.raise_for_status()
        OUTPUT.write_bytes(image.content)
        print(f"saved {len(image.content)} bytes of {image.headers['content-type']} to {OUTPUT}")


if __name__ == "__main__":
    main()
