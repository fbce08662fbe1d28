"""Code written for the published atoma-sdk 0.1.3 runs unchanged.

Requests match, byte for byte, what 0.1.3 sent: `data/wire_013.json` was recorded from
0.1.3 itself by scripts/record_013_wire.py for the argument sets in `data/wire_cases.json`;
everything must be equal but the User-Agent and the Idempotency-Key header this SDK adds
(a fresh UUID per call).

Signatures accept every call 0.1.3 accepted: `data/signatures_013.json` (recorded by
scripts/record_013_signatures.py) lists 0.1.3's parameters; ours begin with exactly those
(names, order, kinds, defaults) and add only keyword-only parameters after them.
"""

from __future__ import annotations

import inspect
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from atoma_sdk import AtomaSDK
from atoma_sdk.types import UNSET

DATA = Path(__file__).parent / "data"
CASES: dict[str, dict[str, Any]] = json.loads((DATA / "wire_cases.json").read_text())
RECORDED: dict[str, dict[str, Any]] = json.loads((DATA / "wire_013.json").read_text())
SIGNATURES_013: dict[str, list[list[Any]]] = json.loads((DATA / "signatures_013.json").read_text())


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


def _ours(target: str) -> list[list[Any]]:
    """Our parameters of `target` ("AtomaSDK.__init__", "images.generate", ...) in the
    recording's form: [name, kind, default] with `UNSET` and "<required>" by name."""
    owner, _, method = target.partition(".")
    cls = AtomaSDK if owner == "AtomaSDK" else type(getattr(AtomaSDK(bearer_auth="t"), owner))
    parameters = list(inspect.signature(getattr(cls, method)).parameters.values())[1:]

    def default(value: Any) -> Any:
        if value is inspect.Parameter.empty:
            return "<required>"
        return "UNSET" if value is UNSET else value

    return [[p.name, p.kind.name, default(p.default)] for p in parameters]


def test_every_0_1_3_signature_was_recorded() -> None:
    assert sorted(SIGNATURES_013) == [
        "AtomaSDK.__init__",
        "confidential_images.generate",
        "confidential_images.generate_async",
        "images.generate",
        "images.generate_async",
    ]


@pytest.mark.parametrize("target", sorted(SIGNATURES_013))
def test_signature_starts_with_0_1_3s_and_adds_only_keyword_only_parameters(target: str) -> None:
    theirs = SIGNATURES_013[target]
    ours = _ours(target)
    assert ours[: len(theirs)] == theirs
    assert [p for p in ours[len(theirs) :] if p[1] != "KEYWORD_ONLY"] == []


def test_constructor_takes_0_1_3_positional_arguments() -> None:
    """`AtomaSDK("tok", None, url)`, valid on 0.1.3: the third argument is the server."""
    with respx.mock(base_url="https://other.test") as router:
        route = router.post("/v1/images/generations").respond(
            200, json={"created": 1, "data": [{"url": "https://example.test/a.png"}]}
        )
        with AtomaSDK("test-token", None, "https://other.test") as sdk:
            sdk.images.generate(model="m", prompt="p")
    assert route.calls.last.request.headers["authorization"] == "Bearer test-token"
