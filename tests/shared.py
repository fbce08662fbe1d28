"""Test helpers more than one folder uses: a fake clock, the sync/async flavours, an upload."""

from __future__ import annotations

from typing import Any, Literal

from atoma_sdk import AtomaSDK, models
from atoma_sdk._runtime.bodies import File
from atoma_sdk._runtime.clock import Clock
from atoma_sdk._runtime.models import InputModel, OutputModel
from atoma_sdk._runtime.operation import Operation

#: The fake clock's wall-clock time at its start (2023-11-14T22:13:20Z).
WALL_START = 1_700_000_000.0


class FakeClock(Clock):
    """Records requested sleeps instead of sleeping; time moves only when something sleeps.

    The whole-attempt deadline uses the real clock, so httpx's and the SDK's timeouts
    still work in tests that use this one.
    """

    def __init__(self, jitter: float = 0.0) -> None:
        self.now = 1_000.0
        self.jitter_value = jitter
        self.sleeps: list[float] = []
        #: "sync" or "async" per sleep, to check each driver uses its own kind of sleep.
        self.kinds: list[str] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        """Wall-clock time moves with the fake monotonic clock (starts at WALL_START)."""
        return WALL_START + (self.now - 1_000.0)

    def sleep(self, seconds: float) -> None:
        self._record(seconds, "sync")

    async def sleep_async(self, seconds: float) -> None:
        self._record(seconds, "async")

    def jitter(self) -> float:
        return self.jitter_value

    def _record(self, seconds: float, kind: str) -> None:
        self.sleeps.append(seconds)
        self.kinds.append(kind)
        self.now += seconds


class BaseFlavour:
    """Runs the same test body through the sync or the async API."""

    def __init__(self, name: Literal["sync", "async"]) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    @property
    def is_async(self) -> bool:
        return self.name == "async"

    async def generate(self, sdk: AtomaSDK, **kwargs: Any) -> models.CreateImageResponse:
        if self.is_async:
            return await sdk.images.generate_async(**kwargs)
        return sdk.images.generate(**kwargs)


# -- a file-upload operation, for tests of streamed request bodies ---------------------


class Upload(InputModel):
    """A multipart body: a file and a plain field."""

    file: File
    purpose: str


class Stored(OutputModel):
    id: str


#: Uploads `Upload` as multipart/form-data.
UPLOAD: Operation[Stored] = Operation(
    "upload", "POST", "/files", Stored, body_media_type="multipart/form-data"
)
#: Sends a file or bytes as the whole body.
PUT_BINARY: Operation[Stored] = Operation(
    "put", "PUT", "/blobs/b1", Stored, body_media_type="application/octet-stream"
)
