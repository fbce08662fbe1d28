"""Confidential compute: a request encrypted on this machine for one node's enclave.

The protocol, in one place (docs/guides/confidential.md tells the story):

1. Lock a node (`POST /v1/nodes/lock`) for enough compute units: it answers the node's
   X25519 public key and the stack to charge.
2. Seal the ordinary request's JSON: a fresh X25519 key pair, salt and nonce per attempt;
   key = HKDF-SHA256(X25519 shared secret, salt, no info); AES-256-GCM (ciphertext ‖ tag);
   BLAKE2b-256 of the plaintext travels along. Binary fields are strict, padded base64.
3. Open the answer: its `response_hash` is required; it must decrypt under this
   attempt's key; the hashes are compared in constant time; a signature (Ed25519, Sui
   layout flag ‖ signature ‖ public key, over the hash) is verified when present.

A refused lock (423, 425: expired or too small) or a node key the node no longer knows
means lock again and seal again, with fresh secrets, under the call's retry policy.

`cryptography` (the `confidential` extra) is imported on the first confidential call only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, Optional, Protocol, Union, cast

import httpx

from .errors import (
    APIError,
    ConfidentialComputeError,
    ConfidentialDecryptionError,
    ConfidentialDependencyError,
    ConfidentialHashMismatchError,
    ConfidentialLockError,
    ConfidentialMissingHashError,
    ConfidentialNodeKeyError,
    ConfidentialSignatureError,
    ResponseValidationError,
)
from .operation import CallOptions, Operation, ResponseT
from .retries import RetryPolicy, resolve_policy

if TYPE_CHECKING:
    from .client import SDKCore
    from .clock import Clock
    from .models import InputModel
    from .raw import RawResponse

__all__ = [
    "COMPUTE_UNITS",
    "ConfidentialOperation",
    "Sealed",
    "blake2b_256",
    "call",
    "call_async",
    "decode",
    "decrypt",
    "derive_key",
    "encode",
    "encrypt",
    "ensure_available",
    "exchange",
    "new_private_key",
    "open_answer",
    "public_key_of",
    "seal_request",
    "sign_sui_ed25519",
]

SALT_BYTES = 16
NONCE_BYTES = 12
X25519_KEY_BYTES = 32
AES_KEY_BYTES = 32
HASH_BYTES = 32
GCM_TAG_BYTES = 16
#: HKDF's `info`: empty in Atoma's protocol.
HKDF_INFO = b""
#: Sui signature layout: one flag byte (0x00: Ed25519), the signature, the public key.
SUI_ED25519_FLAG = 0x00
ED25519_SIGNATURE_BYTES = 64
ED25519_PUBLIC_KEY_BYTES = 32
#: Proxy answers meaning "no live lock with enough units": lock again.
RELOCK_STATUSES = frozenset({423, 425})
#: The `error.code` of an answer refusing `node_dh_public_key` (the node's key rotated).
UNKNOWN_NODE_KEY_CODE = "UNKNOWN_NODE_KEY"
#: The size the node assumes for an image request without a `WIDTHxHEIGHT` size.
DEFAULT_IMAGE_SIZE = (1024, 1024)
EXTRA = "confidential"

_SIZE = re.compile(r"([0-9]+)x([0-9]+)")


# -- the dependency ------------------------------------------------------------------------


def ensure_available(distribution: str) -> None:
    """Raise a `ConfidentialDependencyError` naming the install command when the
    `confidential` extra of `distribution` (the SDK's package) is missing."""
    try:
        import cryptography  # noqa: F401
    except ImportError as error:
        raise ConfidentialDependencyError(
            "Confidential compute needs the `cryptography` package: "
            f'pip install "{distribution}[{EXTRA}]"'
        ) from error


# -- primitives ----------------------------------------------------------------------------


def encode(raw: bytes) -> str:
    """Standard, padded base64."""
    return base64.b64encode(raw).decode("ascii")


def decode(
    text: object,
    what: str,
    size: int | None = None,
    error: type[ConfidentialComputeError] = ConfidentialDecryptionError,
) -> bytes:
    """Strict standard base64: padded, canonical (re-encoding gives `text` back), and
    `size` bytes when given; anything else raises `error` naming `what` (never its value)."""
    if not isinstance(text, str):
        raise error(f"{what} is not a base64 string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise error(f"{what} is not standard padded base64") from None
    if encode(raw) != text:
        raise error(f"{what} is not canonical base64")
    if size is not None and len(raw) != size:
        raise error(f"{what} must be {size} bytes, got {len(raw)}")
    return raw


def blake2b_256(data: bytes) -> bytes:
    """BLAKE2b with a 32-byte digest (not BLAKE2b-512 truncated: the output differs)."""
    return hashlib.blake2b(data, digest_size=HASH_BYTES).digest()


def exchange(private_key: bytes, public_key: bytes) -> bytes:
    """The X25519 shared secret; a low-order public key (all-zero secret) is refused."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    try:
        peer = X25519PublicKey.from_public_bytes(public_key)
        return X25519PrivateKey.from_private_bytes(private_key).exchange(peer)
    except ValueError:
        raise ConfidentialNodeKeyError("The node key is not a usable X25519 key") from None


def derive_key(shared_secret: bytes, salt: bytes) -> bytes:
    """The AES-256 key: HKDF-SHA256 over the shared secret, with the request's salt."""
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(SHA256(), AES_KEY_BYTES, salt, HKDF_INFO).derive(shared_secret)


def new_private_key() -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.generate().private_bytes_raw()


def public_key_of(private_key: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def encrypt(key: bytes, nonce: bytes, plaintext: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key).encrypt(nonce, plaintext, None)


def decrypt(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(nonce, ciphertext, None)
    except InvalidTag:
        raise ConfidentialDecryptionError(
            "The answer does not decrypt with this request's key (tampered, or sealed for "
            "another request)"
        ) from None


def sign_sui_ed25519(private_key: bytes, message: bytes) -> str:
    """A Sui-layout Ed25519 signature of `message`, base64 (what a node sends)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signer = Ed25519PrivateKey.from_private_bytes(private_key)
    public = signer.public_key().public_bytes_raw()
    return encode(bytes([SUI_ED25519_FLAG]) + signer.sign(message) + public)


def _verify_sui_ed25519(signature: object, message: bytes) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    size = 1 + ED25519_SIGNATURE_BYTES + ED25519_PUBLIC_KEY_BYTES
    raw = decode(signature, "The answer's signature", size, ConfidentialSignatureError)
    if raw[0] != SUI_ED25519_FLAG:
        raise ConfidentialSignatureError(
            f"The answer's signature scheme flag is {raw[0]:#04x}, not Ed25519 (0x00)"
        )
    signed, public = raw[1 : 1 + ED25519_SIGNATURE_BYTES], raw[1 + ED25519_SIGNATURE_BYTES :]
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signed, message)
    except (InvalidSignature, ValueError):
        raise ConfidentialSignatureError("The answer's signature does not verify") from None


# -- sealing a request, opening its answer --------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """One attempt's encrypted request (`fields`, for the wire) and the key that opens
    its answer. Its repr shows no secret."""

    fields: dict[str, str] = field(repr=False)
    key: bytes = field(repr=False)


def seal_request(
    plaintext: bytes,
    node_public_key: bytes,
    *,
    client_private_key: bytes | None = None,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> Sealed:
    """Encrypt `plaintext` for the node. The key pair, salt and nonce are fresh unless
    given (only known-answer tests give them)."""
    private_key = new_private_key() if client_private_key is None else client_private_key
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    key = derive_key(exchange(private_key, node_public_key), salt)
    fields = {
        "ciphertext": encode(encrypt(key, nonce, plaintext)),
        "nonce": encode(nonce),
        "salt": encode(salt),
        "client_dh_public_key": encode(public_key_of(private_key)),
        "node_dh_public_key": encode(node_public_key),
        "plaintext_body_hash": encode(blake2b_256(plaintext)),
    }
    return Sealed(fields, key)


class SealedAnswer(Protocol):
    """What a node answers (`ConfidentialComputeResponse`)."""

    @property
    def ciphertext(self) -> str: ...
    @property
    def nonce(self) -> str: ...
    @property
    def response_hash(self) -> Optional[str]: ...
    @property
    def signature(self) -> Optional[str]: ...


def open_answer(answer: SealedAnswer, key: bytes, *, require_signature: bool = False) -> bytes:
    """The answer's plaintext, once every check passed (see the module docstring)."""
    if answer.response_hash is None:
        raise ConfidentialMissingHashError(
            "The answer has no response_hash: its integrity cannot be checked"
        )
    expected = decode(answer.response_hash, "The answer's response_hash", HASH_BYTES)
    nonce = decode(answer.nonce, "The answer's nonce", NONCE_BYTES)
    ciphertext = decode(answer.ciphertext, "The answer's ciphertext")
    if len(ciphertext) < GCM_TAG_BYTES:
        raise ConfidentialDecryptionError("The answer's ciphertext is shorter than its tag")
    plaintext = decrypt(key, nonce, ciphertext)
    if not hmac.compare_digest(blake2b_256(plaintext), expected):
        raise ConfidentialHashMismatchError("The decrypted answer does not match its response_hash")
    if answer.signature is not None:
        _verify_sui_ed25519(answer.signature, expected)
    elif require_signature:
        raise ConfidentialSignatureError("The answer is not signed, and a signature is required")
    return plaintext


# -- compute units -------------------------------------------------------------------------


def image_pixels(request: Any) -> int:
    """What the node charges for images: n * width * height (n defaults to 1, a size
    that is not `WIDTHxHEIGHT` to `DEFAULT_IMAGE_SIZE`)."""
    count = request.n if isinstance(request.n, int) else 1
    match = _SIZE.fullmatch(request.size) if isinstance(request.size, str) else None
    width, height = (int(match[1]), int(match[2])) if match else DEFAULT_IMAGE_SIZE
    return count * width * height


#: Compute-unit estimators by the name `x-atoma-confidential` gives them.
COMPUTE_UNITS: dict[str, Callable[[Any], int]] = {"image-pixels": image_pixels}


# -- the call ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfidentialOperation(Generic[ResponseT]):
    """Declared by generated code for a confidential method: the raw operations it runs
    (lock, envelope), their request models, and the model of the decrypted answer."""

    lock: Operation[Any]
    lock_request: Any
    envelope: Operation[Any]
    envelope_request: Any
    #: the model class of the decrypted answer
    response_type: Any
    compute_units: str

    def parse(self, plaintext: bytes) -> ResponseT:
        """The decrypted answer as `response_type`; an error shows no plaintext."""
        try:
            parsed: ResponseT = self.response_type.model_validate_json(plaintext)
        except ValueError as error:
            errors = getattr(error, "errors", None)
            first: Any = errors()[0] if callable(errors) else {}
            where = ".".join(str(part) for part in first.get("loc", ())) or "body"
            name = self.response_type.__name__
            message = f"The decrypted answer does not match {name} (at {where})"
            raise ResponseValidationError(message, 200, "", httpx.Response(200)) from None
        return parsed


@dataclass(frozen=True)
class _Lock:
    body: Any


@dataclass(frozen=True)
class _Send:
    body: Any


_Step = Union[_Lock, _Send, float]
_Steps = Generator[_Step, Any, bytes]


def call(
    core: SDKCore,
    operation: ConfidentialOperation[ResponseT],
    request: InputModel,
    options: CallOptions,
    require_signature: bool | None = None,
) -> ResponseT:
    """Lock, seal, send, open: the decrypted, verified answer (with `core.returns_raw`,
    a `RawResponse` of the envelope's HTTP answer whose `parse()` returns it)."""
    ensure_available(core.settings.sdk_name)
    started = core.clock.monotonic()
    steps = _attempts(operation, request, core, options, require_signature)
    no_retries = replace(options, retries=None)  # every retry is sealed afresh here
    reply: Any = None
    sent: Any = None  # the last envelope's RawResponse
    try:
        step = next(steps)
        while True:
            try:
                if isinstance(step, _Lock):
                    reply = core.raw(False).call(operation.lock, step.body, options)
                elif isinstance(step, _Send):
                    sent = core.raw().call(operation.envelope, step.body, no_retries)
                    reply = sent.parse()
                else:
                    core.clock.sleep(step)
                    reply = None
            except (APIError, httpx.RequestError) as error:
                step = steps.throw(error)
            else:
                step = steps.send(reply)
    except StopIteration as done:
        return _answer(core, operation, done.value, sent, started)
    finally:
        steps.close()


async def call_async(
    core: SDKCore,
    operation: ConfidentialOperation[ResponseT],
    request: InputModel,
    options: CallOptions,
    require_signature: bool | None = None,
) -> ResponseT:
    ensure_available(core.settings.sdk_name)
    started = core.clock.monotonic()
    steps = _attempts(operation, request, core, options, require_signature)
    no_retries = replace(options, retries=None)
    reply: Any = None
    sent: Any = None
    try:
        step = next(steps)
        while True:
            try:
                if isinstance(step, _Lock):
                    reply = await core.raw(False).call_async(operation.lock, step.body, options)
                elif isinstance(step, _Send):
                    sent = await core.raw().call_async(operation.envelope, step.body, no_retries)
                    reply = sent.parse()
                else:
                    await core.clock.sleep_async(step)
                    reply = None
            except (APIError, httpx.RequestError) as error:
                step = steps.throw(error)
            else:
                step = steps.send(reply)
    except StopIteration as done:
        return _answer(core, operation, done.value, sent, started)
    finally:
        steps.close()


def _answer(
    core: SDKCore,
    operation: ConfidentialOperation[ResponseT],
    plaintext: bytes,
    sent: RawResponse[Any],
    started: float,
) -> ResponseT:
    """The decrypted answer, carrying the envelope's request id; with `core.returns_raw`,
    wrapped in a `RawResponse` of the envelope's HTTP answer."""
    from .raw import RawResponse, with_request_id

    result = with_request_id(operation.parse(plaintext), sent.request_id)
    if not core.returns_raw:
        return result

    elapsed = timedelta(seconds=core.clock.monotonic() - started)
    return cast("ResponseT", RawResponse(sent.http_response, lambda: result, elapsed))


def _attempts(
    operation: ConfidentialOperation[Any],
    request: InputModel,
    core: SDKCore,
    options: CallOptions,
    require_signature: bool | None,
) -> _Steps:
    """The confidential call as I/O-free steps: lock, send (each attempt sealed afresh),
    wait; returns the verified plaintext of the answer."""
    policy = resolve_policy(options.retries, core.retry_config)
    required = core.require_signature if require_signature is None else require_signature
    clock, logger = core.clock, core.logger
    plaintext = request.to_json_bytes()
    units = COMPUTE_UNITS[operation.compute_units](request)
    model: str = getattr(request, "model")  # noqa: B009  # every confidential request names one
    started = clock.monotonic()
    retries_done = 0
    while True:
        try:
            lock = yield _Lock(operation.lock_request.build(model=model, max_num_tokens=units))
        except APIError as error:
            raise ConfidentialLockError(
                f"Could not lock a node for {model!r}: {error.message} "
                f"(status {error.status_code})",
                error.status_code,
            ) from error
        node_key = decode(
            lock.public_key, "The lock's public_key", X25519_KEY_BYTES, ConfidentialNodeKeyError
        )
        sealed = seal_request(plaintext, node_key)
        envelope = operation.envelope_request.build(
            **sealed.fields,
            stack_small_id=lock.stack_small_id,
            model_name=model,
            num_compute_units=units,
        )
        try:
            answer = yield _Send(envelope)
        except APIError as error:
            refused = _refusal(error)
            retryable = refused is not None or (
                policy is not None and policy.should_retry_status(error.status_code)
            )
            delay_ms = _delay(policy, retries_done, started, clock, error) if retryable else None
            if delay_ms is None:
                if refused is not None:
                    raise refused from error
                raise
            reason = f"status {error.status_code}"
        except httpx.RequestError as error:
            retryable = policy is not None and policy.should_retry_error(error)
            delay_ms = _delay(policy, retries_done, started, clock) if retryable else None
            if delay_ms is None:
                raise
            reason = type(error).__name__
        else:
            return open_answer(answer, sealed.key, require_signature=required)
        retries_done += 1
        _log_retry(logger, operation, retries_done, reason, delay_ms)
        yield delay_ms / 1000


def _refusal(error: APIError) -> ConfidentialComputeError | None:
    """The error to raise when a refusal that calls for a new lock is not retried."""
    if error.status_code in RELOCK_STATUSES:
        return ConfidentialLockError(
            f"The proxy refused the lock (status {error.status_code}: expired or too small)",
            error.status_code,
        )
    if _error_code(error.body) == UNKNOWN_NODE_KEY_CODE:
        return ConfidentialNodeKeyError("The node does not know the locked key (it was rotated)")
    return None


def _error_code(body: str) -> object:
    """`error.code` of the proxy's error shape, if the body has it."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _delay(
    policy: RetryPolicy | None,
    retries_done: int,
    started: float,
    clock: Clock,
    error: APIError | None = None,
) -> float | None:
    """Milliseconds to wait before locking again, or None to give up. A refused lock is
    retried even under a policy that does not list its status: nothing was computed."""
    if policy is None:
        return None
    from .retries import retry_after_seconds

    retry_after = None if error is None else retry_after_seconds(error.headers, clock.time())
    elapsed_ms = (clock.monotonic() - started) * 1000
    retry_after_ms = None if retry_after is None else retry_after * 1000
    return policy.delay_ms(retries_done, elapsed_ms, clock.jitter, retry_after_ms)


def _log_retry(
    logger: logging.Logger,
    operation: ConfidentialOperation[Any],
    retries_done: int,
    reason: str,
    delay_ms: float,
) -> None:
    logger.info(
        "Retrying confidential %s (attempt %d, new lock and keys) after %s in %.3f s",
        operation.envelope.path,
        retries_done + 1,
        reason,
        delay_ms / 1000,
    )
