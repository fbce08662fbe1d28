"""Getting the image itself: decoding b64_json, downloading url without credentials."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
import respx
from sdk_support import FakeClock, Flavour, MakeSDK, UserClients

from atoma_sdk import models
from atoma_sdk.image_files import (
    image_bytes,
    image_bytes_async,
    image_format,
    save_image,
    save_image_async,
)
from atoma_sdk.mock import encode_png

PNG = encode_png(3, 2, (10, 20, 30))
IMAGE_URL = "https://images.example.test/a/b.png"


async def get_bytes(flavour: Flavour, image: object, **kwargs: object) -> bytes:
    if flavour.is_async:
        return await image_bytes_async(image, **kwargs)  # type: ignore[arg-type]
    return image_bytes(image, **kwargs)  # type: ignore[arg-type]


async def test_b64_json_is_decoded_without_any_request(flavour: Flavour) -> None:
    with respx.mock(assert_all_called=False) as router:
        data = await get_bytes(flavour, models.ImageData(b64_json=base64.b64encode(PNG).decode()))
    assert data == PNG
    assert not router.calls


async def test_a_completed_stream_event_works_too(flavour: Flavour) -> None:
    event = models.ImageCompletedEvent(
        type="image_generation.completed", b64_json=base64.b64encode(PNG).decode()
    )
    assert await get_bytes(flavour, event) == PNG


async def test_url_is_downloaded_with_the_sdk_client_but_never_its_credentials(
    flavour: Flavour, make_sdk: MakeSDK, user_clients: UserClients
) -> None:
    # even a default header of the user's own client must not reach the image host
    clients = user_clients.kwargs_for(flavour, headers={"Authorization": "Bearer client-default"})
    sdk = make_sdk(bearer_auth="sk-secret", **clients)
    with respx.mock() as router:
        route = router.get(IMAGE_URL).respond(
            200, content=PNG, headers={"content-type": "image/png"}
        )
        data = await get_bytes(flavour, models.ImageData(url=IMAGE_URL), sdk=sdk)
    assert data == PNG
    headers = route.calls.last.request.headers
    assert "authorization" not in headers
    assert headers["accept"] == "image/*"


async def test_a_download_is_retried_like_a_call(
    flavour: Flavour, make_sdk: MakeSDK, clock: FakeClock
) -> None:
    with respx.mock() as router:
        route = router.get(IMAGE_URL).mock(
            side_effect=[httpx.Response(503), httpx.Response(200, content=PNG)]
        )
        data = await get_bytes(flavour, models.ImageData(url=IMAGE_URL), sdk=make_sdk())
    assert data == PNG
    assert route.call_count == 2
    assert len(clock.sleeps) == 1


async def test_a_failed_download_raises_the_status_error(
    flavour: Flavour, make_sdk: MakeSDK
) -> None:
    with respx.mock() as router:
        router.get(IMAGE_URL).respond(404, text="link expired")
        with pytest.raises(models.NotFoundError) as info:
            await get_bytes(flavour, models.ImageData(url=IMAGE_URL), sdk=make_sdk())
    assert info.value.body == "link expired"


async def test_not_an_image_is_refused(flavour: Flavour, make_sdk: MakeSDK) -> None:
    with respx.mock() as router:
        router.get(IMAGE_URL).respond(200, html="<html>login</html>")
        with pytest.raises(models.DownloadError, match="not a PNG, JPEG, GIF or WebP"):
            await get_bytes(flavour, models.ImageData(url=IMAGE_URL), sdk=make_sdk())
    with pytest.raises(models.DownloadError, match="not valid base64"):
        await get_bytes(flavour, models.ImageData(b64_json="@@not base64@@"))
    with pytest.raises(models.DownloadError, match="neither b64_json nor url"):
        await get_bytes(flavour, models.ImageData())


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
async def test_size_limit(flavour: Flavour, make_sdk: MakeSDK, declared: bool) -> None:
    big = PNG + b"\0" * 5_000

    def body() -> httpx.Response:
        if declared:
            return httpx.Response(200, content=big)
        chunks = [big[i : i + 1000] for i in range(0, len(big), 1000)]
        if flavour.is_async:

            async def agen():  # type: ignore[no-untyped-def]
                for chunk in chunks:
                    yield chunk

            return httpx.Response(200, content=agen())
        return httpx.Response(200, content=iter(chunks))

    with respx.mock() as router:
        router.get(IMAGE_URL).mock(side_effect=lambda _: body())
        with pytest.raises(models.DownloadError, match="larger than 4000 bytes"):
            await get_bytes(
                flavour, models.ImageData(url=IMAGE_URL), sdk=make_sdk(), max_bytes=4_000
            )
    with pytest.raises(models.DownloadError, match="larger than 10 bytes"):
        await get_bytes(
            flavour, models.ImageData(b64_json=base64.b64encode(PNG).decode()), max_bytes=10
        )


@pytest.mark.parametrize(
    ("name", "expected"), [("out/cat", "out/cat.png"), ("out/cat.bin", "out/cat.bin")]
)
async def test_save_image_picks_the_extension_from_the_bytes(
    flavour: Flavour, tmp_path: Path, name: str, expected: str
) -> None:
    image = models.ImageData(b64_json=base64.b64encode(PNG).decode())
    if flavour.is_async:
        path = await save_image_async(image, tmp_path / name)
    else:
        path = save_image(image, tmp_path / name)
    assert path == tmp_path / expected
    assert path.read_bytes() == PNG


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (b"\xff\xd8\xff\xe0rest", "jpeg"),
        (b"GIF89arest", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_image_format(head: bytes, expected: str | None) -> None:
    assert image_format(head) == expected
