"""Our requests match, byte for byte, what the published atoma-sdk 0.1.3 sent.

`data/wire_013.json` was recorded from 0.1.3 itself by scripts/record_013_wire.py for the
argument sets in `data/wire_cases.json`; everything must be equal but the User-Agent and
the Idempotency-Key header this SDK adds (a fresh UUID per call).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from atoma_sdk import AtomaSDK

DATA = Path(__file__).parent / "data"
CASES: dict[str, dict[str, Any]] = json.loads((DATA / "wire_cases.json").read_text())
RECORDED: dict[str, dict[str, Any]] = json.loads((DATA / "wire_013.json").read_text())


def test_every_case_was_recorded() -> None:
    assert sorted(CASES) == sorted(RECORDED)


@pytest.mark.parametrize("name", sorted(CASES))
def test_request_matches_0_1_3(name: str) -> None:
    expected = RECORDED[name]
    with respx.mock(base_url="https://api.atoma.network") as router:
        route = router.post("/v1/images/generations").respond(
            200, json={"created": 1, "data": [{"url": "https://example.test/a.png"}]}
        )
        with AtomaSDK(bearer_auth="test-token") as sdk:
            sdk.images.generate(**CASES[name])
        request: httpx.Request = route.calls.last.request
    assert request.content.decode() == expected["body"]
    assert (request.method, str(request.url)) == (expected["method"], expected["url"])
    headers = {k: v for k, v in request.headers.items() if k != "user-agent"}
    assert uuid.UUID(headers.pop("idempotency-key")).version == 4
    assert headers == expected["headers"]
