"""`confidential_images.generate` end to end against the mock's proxy and node.

The mock node decrypts with its own key, checks the hash and the lock like the proxy and
the node do, and answers sealed and signed; its fault switches break one thing each.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from shared import FakeClock

from atoma_sdk import AtomaSDK, models
from atoma_sdk.mock import MockAPI, MockServer, MockTransport
from atoma_sdk.mock.confidential import CONFIDENTIAL_PATH, LOCK_PATH, NodeFault
from atoma_sdk.utils import BackoffStrategy, RetryConfig

MODEL = "black-forest-labs/FLUX.1-schnell"
PROMPT = "A cute baby sea otter, secret-7f3a"
BASE = "http://mock.atoma.local"


@pytest.fixture
def api() -> MockAPI:
    return MockAPI()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def sdk(api: MockAPI, clock: FakeClock) -> AsyncIterator[AtomaSDK]:
    transport = MockTransport(api)
    async with httpx.AsyncClient(transport=transport) as async_client:
        with httpx.Client(transport=transport) as client:
            sdk = AtomaSDK(
                bearer_auth="token", server_url=BASE, client=client, async_client=async_client
            )
            sdk._core.clock = clock
            yield sdk


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def generate(sdk: AtomaSDK, flavour: str, **kwargs: Any) -> models.CreateImageResponse:
    kwargs = {"model": MODEL, "prompt": PROMPT, "size": "64x32", **kwargs}
    if flavour == "async":
        return await sdk.confidential_images.generate_async(**kwargs)
    return sdk.confidential_images.generate(**kwargs)


def bodies(api: MockAPI, path: str) -> list[dict[str, Any]]:
    return [request.json() for request in api.requests if request.path == path]


@pytest.mark.parametrize("response_format", ["url", "b64_json"])
async def test_round_trip(sdk: AtomaSDK, api: MockAPI, flavour: str, response_format: str) -> None:
    result = await generate(sdk, flavour, n=2, response_format=response_format)
    assert isinstance(result, models.CreateImageResponse)
    assert len(result.data) == 2
    image = result.data[0]
    if response_format == "url":
        assert image.url is not None and image.url.startswith(f"{BASE}/v1/mock/images/")
        assert image.b64_json is None
    else:
        assert image.url is None
        assert base64.b64decode(image.b64_json or "")[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.revised_prompt == PROMPT


async def test_the_wire_carries_ciphertext_and_consistent_units(
    sdk: AtomaSDK, api: MockAPI, flavour: str
) -> None:
    await generate(sdk, flavour, n=3, size="256x128", quality="hd")
    units = 3 * 256 * 128
    assert bodies(api, LOCK_PATH) == [{"model": MODEL, "max_num_tokens": units}]
    [envelope] = bodies(api, CONFIDENTIAL_PATH)
    assert set(envelope) == {
        "ciphertext",
        "client_dh_public_key",
        "model_name",
        "node_dh_public_key",
        "nonce",
        "num_compute_units",
        "plaintext_body_hash",
        "salt",
        "stack_small_id",
    }
    assert envelope["num_compute_units"] == units
    assert envelope["model_name"] == MODEL
    assert base64.b64decode(envelope["node_dh_public_key"]) == api.node.public_key
    sent = [request for request in api.requests if request.path == CONFIDENTIAL_PATH]
    assert PROMPT.encode() not in sent[0].body
    assert api.node.plaintexts == [
        models.CreateImageRequest.build(
            model=MODEL, prompt=PROMPT, n=3, size="256x128", quality="hd"
        ).to_json_bytes()
    ]


def test_the_0_1_3_signature_is_accepted(sdk: AtomaSDK, api: MockAPI) -> None:
    result = sdk.confidential_images.generate(
        prompt=PROMPT,
        model=MODEL,
        n=1,
        quality="standard",
        response_format="url",
        size="32x32",
        style="vivid",
        user="user-1234",
        retries=RetryConfig("backoff", BackoffStrategy(1, 2, 1.1, 100), False),
        server_url=BASE,
        timeout_ms=10_000,
        http_headers={"X-Trace": "t-1"},
    )
    assert result.data[0].url
    assert {request.headers["x-trace"] for request in api.requests} == {"t-1"}
    assert json.loads(api.node.plaintexts[0])["style"] == "vivid"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("tampered-ciphertext", models.ConfidentialDecryptionError),
        ("wrong-hash", models.ConfidentialHashMismatchError),
        ("missing-hash", models.ConfidentialMissingHashError),
        ("non-canonical-base64", models.ConfidentialDecryptionError),
        ("bad-signature", models.ConfidentialSignatureError),
    ],
)
async def test_each_answer_fault_is_its_error(
    sdk: AtomaSDK, api: MockAPI, flavour: str, fault: NodeFault, error: type[Exception]
) -> None:
    api.node.fail_next(fault)
    with pytest.raises(error) as raised:
        await generate(sdk, flavour)
    assert isinstance(raised.value, models.ConfidentialComputeError)
    assert isinstance(raised.value, models.SDKError)
    message = str(raised.value)
    assert PROMPT not in message
    for request in api.requests:  # no base64 field of the exchange is quoted
        if request.path == CONFIDENTIAL_PATH:
            for value in request.json().values():
                assert not (isinstance(value, str) and len(value) > 8 and value in message)
    assert len(bodies(api, CONFIDENTIAL_PATH)) == 1  # a bad answer is not asked again


async def test_an_unsigned_answer_passes_unless_a_signature_is_required(
    sdk: AtomaSDK, api: MockAPI, flavour: str
) -> None:
    api.node.fail_next("unsigned")
    assert (await generate(sdk, flavour)).data
    api.node.fail_next("unsigned")
    with pytest.raises(models.ConfidentialSignatureError, match="not signed"):
        await generate(sdk, flavour, require_signature=True)
    assert (await generate(sdk, flavour, require_signature=True)).data  # signed: fine


async def test_the_sdk_can_require_a_signature_for_every_call(api: MockAPI, flavour: str) -> None:
    transport = MockTransport(api)
    async with httpx.AsyncClient(transport=transport) as async_client:
        with httpx.Client(transport=transport) as client:
            sdk = AtomaSDK(
                bearer_auth="token",
                server_url=BASE,
                client=client,
                async_client=async_client,
                require_signature=True,
            )
            api.node.fail_next("unsigned")
            with pytest.raises(models.ConfidentialSignatureError, match="not signed"):
                await generate(sdk, flavour)
            api.node.fail_next("unsigned")
            assert (await generate(sdk, flavour, require_signature=False)).data  # call wins


def test_require_signature_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="require_signature must be True or False, got str"):
        AtomaSDK(bearer_auth="token", require_signature="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("fault", ["expired-lock", "small-lock", "rotated-key"])
async def test_a_refused_lock_is_taken_again_with_fresh_secrets(
    sdk: AtomaSDK, api: MockAPI, clock: FakeClock, flavour: str, fault: NodeFault
) -> None:
    api.node.fail_next(fault)
    assert (await generate(sdk, flavour)).data
    assert len(bodies(api, LOCK_PATH)) == 2
    first, second = bodies(api, CONFIDENTIAL_PATH)
    assert first["stack_small_id"] != second["stack_small_id"]
    for name in ("client_dh_public_key", "salt", "nonce", "ciphertext"):
        assert first[name] != second[name]
    assert len(clock.sleeps) == 1  # one wait, from the default policy's backoff
    assert clock.kinds == [flavour]


@pytest.mark.parametrize(
    ("fault", "error", "status"),
    [
        ("expired-lock", models.ConfidentialLockError, 425),
        ("small-lock", models.ConfidentialLockError, 425),
        ("rotated-key", models.ConfidentialNodeKeyError, 400),
    ],
)
async def test_without_retries_a_refused_lock_is_its_error(
    sdk: AtomaSDK,
    api: MockAPI,
    flavour: str,
    fault: NodeFault,
    error: type[Exception],
    status: int,
) -> None:
    api.node.fail_next(fault)
    with pytest.raises(error) as raised:
        await generate(sdk, flavour, retries=None)
    assert isinstance(raised.value.__cause__, models.APIError)
    assert raised.value.__cause__.status_code == status
    assert len(bodies(api, LOCK_PATH)) == 1


async def test_a_lock_refused_every_time_gives_up_after_the_policy(
    sdk: AtomaSDK, api: MockAPI, clock: FakeClock, flavour: str
) -> None:
    api.node.fail_next("expired-lock", count=10)
    with pytest.raises(models.ConfidentialLockError) as raised:
        await generate(sdk, flavour)
    assert raised.value.status_code == 425
    assert len(bodies(api, LOCK_PATH)) == 3  # the default policy: two retries
    assert clock.sleeps == [0.5, 1.0]


async def test_a_retried_503_is_sealed_again(
    sdk: AtomaSDK, api: MockAPI, clock: FakeClock, flavour: str
) -> None:
    api.fail_next(1, 503)
    assert (await generate(sdk, flavour)).data
    first, second = bodies(api, CONFIDENTIAL_PATH)
    assert first["nonce"] != second["nonce"]
    assert first["client_dh_public_key"] != second["client_dh_public_key"]
    assert len(bodies(api, LOCK_PATH)) == 2


async def test_a_500_is_not_retried_by_default(sdk: AtomaSDK, api: MockAPI, flavour: str) -> None:
    api.fail_next(1, 500)
    with pytest.raises(models.InternalServerError):
        await generate(sdk, flavour)
    assert len(bodies(api, CONFIDENTIAL_PATH)) == 1


async def test_a_failed_lock_is_a_lock_error(flavour: str) -> None:
    transport = MockTransport(MockAPI(require_auth=True))
    async with httpx.AsyncClient(transport=transport) as async_client:
        with httpx.Client(transport=transport) as client:
            sdk = AtomaSDK(
                bearer_auth="", server_url=BASE, client=client, async_client=async_client
            )
            with pytest.raises(models.ConfidentialLockError, match="Could not lock") as raised:
                await generate(sdk, flavour)
    assert raised.value.status_code == 401
    assert isinstance(raised.value.__cause__, models.AuthenticationError)


def test_over_real_http_with_the_mock_server() -> None:
    with MockServer() as server, AtomaSDK(bearer_auth="t", server_url=server.url) as sdk:
        result = sdk.confidential_images.generate(model=MODEL, prompt=PROMPT, size="16x16")
        url = result.data[0].url
        assert url is not None and url.startswith(server.url)
        assert httpx.get(url).content[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_cryptography_the_error_says_what_to_install(
    sdk: AtomaSDK, api: MockAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)  # `import cryptography` fails
    with pytest.raises(models.ConfidentialDependencyError) as raised:
        sdk.confidential_images.generate(model=MODEL, prompt=PROMPT)
    assert 'pip install "atoma-sdk[confidential]"' in str(raised.value)
    assert not api.requests


def test_no_plaintext_in_debug_logs(
    api: MockAPI, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ATOMASDK_DEBUG", "1")
    logger = logging.getLogger("atoma_sdk")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        with (
            httpx.Client(transport=MockTransport(api)) as client,
            AtomaSDK(bearer_auth="t", server_url=BASE, client=client) as sdk,
        ):
            sdk._core.clock = FakeClock()
            api.node.fail_next("rotated-key")  # a retry, so retry logging is seen too
            sdk.confidential_images.generate(model=MODEL, prompt=PROMPT, user="alice-secret")
    finally:
        logger.removeHandler(handler)
        for extra in [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]:
            logger.removeHandler(extra)
        logger.setLevel(logging.NOTSET)
    logged = "\n".join(record.getMessage() for record in records) + capfd.readouterr().err
    assert "Request: POST" in logged  # debug logging was on
    assert "Retrying confidential" in logged
    for secret in (PROMPT, "alice-secret", "secret-7f3a"):
        assert secret not in logged
