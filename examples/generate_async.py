"""Several generations at once from an asyncio app, sharing one client."""

import asyncio
import os

from atoma_sdk import AtomaSDK, models

PROMPTS = [
    "A cute baby sea otter floating on its back",
    "A lighthouse on a cliff at dawn",
    "A bowl of ramen, studio lighting",
]


async def main() -> None:
    async with AtomaSDK(bearer_auth=os.getenv("ATOMASDK_BEARER_AUTH", "")) as atoma_sdk:
        results: list[models.CreateImageResponse] = await asyncio.gather(
            *(
                atoma_sdk.images.generate_async(
                    model="black-forest-labs/FLUX.1-schnell", prompt=prompt, size="1024x1024"
                )
                for prompt in PROMPTS
            )
        )
    for prompt, res in zip(PROMPTS, results, strict=True):
        print(f"{prompt}: {res.data[0].url}")


if __name__ == "__main__":
    asyncio.run(main())
