"""Generate an image against the mock API bundled with the SDK: no token, no network.

It starts the mock on 127.0.0.1, generates one image with the SDK, prints the response
and saves the PNG the mock serves (downloaded without the API token).
"""

from atoma_sdk import AtomaSDK
from atoma_sdk.image_files import save_image
from atoma_sdk.mock import MockServer


def main() -> None:
    with MockServer() as server, AtomaSDK(server_url=server.url) as atoma_sdk:
        res = atoma_sdk.images.generate(
            model="black-forest-labs/FLUX.1-schnell",
            prompt="A cute baby sea otter floating on its back",
            n=1,
            size="256x256",
        )
        print(res.model_dump_json(indent=2, exclude_none=True))
        path = save_image(res.data[0], "mock-image", sdk=atoma_sdk)
        print(f"saved {path.stat().st_size} bytes of image/png to {path}")


if __name__ == "__main__":
    main()
