"""The mock's confidential compute: the proxy's node locks and the node's enclave.

`POST /v1/nodes/lock` hands out the node's X25519 key and a stack with the units asked
for, valid `LOCK_SECONDS`; `POST /v1/confidential/images/generations` checks the lock
like the proxy (425 when it is missing, expired or too small), then decrypts like the
node (strict base64, its current key, the plaintext hash, the model), generates the
images as the plain endpoint does, and answers encrypted, hashed and signed with an
Ed25519 key of its own (`signing_public_key`). `fail_next` breaks what it says.

`cryptography` is needed only once a confidential route is called.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

import pydantic

from .._runtime import confidential as crypto
from .._runtime.errors import ConfidentialComputeError, ConfidentialDependencyError
from ..models import (
    ConfidentialComputeRequest,
    ConfidentialComputeResponse,
    CreateImageRequest,
    NodesCreateLockRequest,
)

if TYPE_CHECKING:
    from .api import MockResponse

__all__ = ["CONFIDENTIAL_PATH", "LOCK_PATH", "MockNode", "NodeFault"]

LOCK_PATH = "/v1/nodes/lock"
CONFIDENTIAL_PATH = "/v1/confidential/images/generations"
#: How long a lock lives (the proxy's default when the request names no `timeout`).
LOCK_SECONDS = 5.0
#: Units a lock grants when `max_num_tokens` is not sent (the proxy's default).
DEFAULT_LOCK_UNITS = 8192
#: Units the proxy assumes for a request without `num_compute_units`.
DEFAULT_REQUEST_UNITS = 1_048_576

NodeFault = Literal[
    "tampered-ciphertext",  # one bit of the answer's ciphertext flipped
    "wrong-hash",  # response_hash of other bytes
    "missing-hash",  # no response_hash
    "non-canonical-base64",  # response_hash with a stray bit in its padding
    "bad-signature",  # a signature over other bytes
    "unsigned",  # no signature
    "rotated-key",  # the node's key changes right after the lock hands it out
    "expired-lock",  # the lock is handed out already expired
    "small-lock",  # the lock grants one unit less than asked for
]
LOCK_FAULTS = frozenset({"rotated-key", "expired-lock", "small-lock"})


@dataclass
class _Lock:
    units: int
    expires: float


class MockNode:
    """One confidential node behind the mock proxy (thread-safe)."""

    def __init__(self) -> None:
        self._private_key = os.urandom(crypto.X25519_KEY_BYTES)
        self._signing_key = os.urandom(crypto.ED25519_PUBLIC_KEY_BYTES)
        self._locks: dict[int, _Lock] = {}
        self._next_stack = 1
        self._lock_faults: deque[str] = deque()
        self._answer_faults: deque[str] = deque()
        self._mutex = threading.Lock()
        #: The decrypted requests, in order, so tests can check what was sealed.
        self.plaintexts: list[bytes] = []

    @property
    def public_key(self) -> bytes:
        """The node's current X25519 public key."""
        return crypto.public_key_of(self._private_key)

    @property
    def signing_public_key(self) -> bytes:
        """The Ed25519 key the node signs its answers with."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        signer = Ed25519PrivateKey.from_private_bytes(self._signing_key)
        return signer.public_key().public_bytes_raw()

    def fail_next(self, fault: NodeFault, count: int = 1) -> None:
        """Break the next `count` locks (lock faults) or answers (the others)."""
        if fault not in get_args(NodeFault):
            raise ValueError(f"unknown fault {fault!r}; one of {get_args(NodeFault)}")
        with self._mutex:
            queue = self._lock_faults if fault in LOCK_FAULTS else self._answer_faults
            queue.extend([fault] * count)

    def reset(self) -> None:
        """Forget locks, pending faults and recorded plaintexts (the keys stay)."""
        with self._mutex:
            self._locks.clear()
            self._lock_faults.clear()
            self._answer_faults.clear()
            self.plaintexts.clear()

    # -- the proxy's lock ----------------------------------------------------------------

    def lock(self, body: bytes) -> MockResponse:
        try:
            crypto.ensure_available("atoma-sdk")
            request = NodesCreateLockRequest.model_validate_json(body)
        except ConfidentialDependencyError as error:
            return _error(501, "UNAVAILABLE", str(error))
        except pydantic.ValidationError:
            return _error(400, "INVALID_BODY", "The body is not a NodesCreateLockRequest")
        units = request.max_num_tokens if isinstance(request.max_num_tokens, int) else None
        units = DEFAULT_LOCK_UNITS if units is None else units
        public_key = self.public_key
        with self._mutex:
            fault = self._lock_faults.popleft() if self._lock_faults else None
            if fault == "small-lock":
                units = max(units - 1, 0)
            expires = time.monotonic() + (0.0 if fault == "expired-lock" else LOCK_SECONDS)
            if fault == "rotated-key":
                self._private_key = os.urandom(crypto.X25519_KEY_BYTES)
            stack = self._next_stack
            self._next_stack += 1
            self._locks[stack] = _Lock(units, expires)
        answer = {
            "public_key": crypto.encode(public_key),
            "node_small_id": 1,
            "stack_small_id": stack,
        }
        return _json(200, answer)

    # -- the node ------------------------------------------------------------------------

    def generate(self, body: bytes, images: Callable[[bytes], MockResponse]) -> MockResponse:
        """Answer a sealed request; `images` answers its plaintext (the plain endpoint)."""
        try:
            crypto.ensure_available("atoma-sdk")
            envelope = ConfidentialComputeRequest.model_validate_json(body)
        except ConfidentialDependencyError as error:
            return _error(501, "UNAVAILABLE", str(error))
        except pydantic.ValidationError:
            return _error(400, "INVALID_BODY", "The body is not a ConfidentialComputeRequest")
        refused = self._take_lock(envelope)
        if refused is not None:
            return refused
        try:
            key, plaintext = self._open(envelope)
        except _Refused as refusal:
            return refusal.response
        with self._mutex:
            self.plaintexts.append(plaintext)
        answer = images(plaintext)
        if answer.status != 200:  # as the node reports it: no detail of the plaintext
            if answer.status in (0, 401, 429) or answer.status >= 500:
                return answer  # drops, auth and injected faults pass through unchanged
            return _error(answer.status, "INVALID_BODY", "The node refused the request")
        return self._seal_answer(key, answer.body)

    def _take_lock(self, envelope: ConfidentialComputeRequest) -> MockResponse | None:
        units = envelope.num_compute_units
        needed = units if isinstance(units, int) else DEFAULT_REQUEST_UNITS
        with self._mutex:
            lock = self._locks.pop(envelope.stack_small_id, None)
        if lock is None or lock.expires <= time.monotonic():
            return _error(425, "LOCK_EXPIRED", "No live lock on this stack: lock again")
        if lock.units < needed:
            message = f"The lock holds {lock.units} units; the request needs {needed}"
            return _error(425, "LOCK_TOO_SMALL", message)
        return None

    def _open(self, envelope: ConfidentialComputeRequest) -> tuple[bytes, bytes]:
        """The key and plaintext of a sealed request, checked as the node checks them."""
        try:
            salt = crypto.decode(envelope.salt, "salt", crypto.SALT_BYTES)
            nonce = crypto.decode(envelope.nonce, "nonce", crypto.NONCE_BYTES)
            client_key = crypto.decode(
                envelope.client_dh_public_key, "client_dh_public_key", crypto.X25519_KEY_BYTES
            )
            node_key = crypto.decode(
                envelope.node_dh_public_key, "node_dh_public_key", crypto.X25519_KEY_BYTES
            )
            expected = crypto.decode(
                envelope.plaintext_body_hash, "plaintext_body_hash", crypto.HASH_BYTES
            )
            ciphertext = crypto.decode(envelope.ciphertext, "ciphertext")
        except ConfidentialComputeError as error:
            raise _Refused(_error(400, "INVALID_BODY", str(error))) from None
        with self._mutex:
            private_key = self._private_key
        if node_key != crypto.public_key_of(private_key):
            message = "node_dh_public_key is not this node's current key"
            raise _Refused(_error(400, crypto.UNKNOWN_NODE_KEY_CODE, message))
        try:
            key = crypto.derive_key(crypto.exchange(private_key, client_key), salt)
            plaintext = crypto.decrypt(key, nonce, ciphertext)
        except ConfidentialComputeError:
            message = "Failed to decrypt the confidential compute request"
            raise _Refused(_error(500, "DECRYPTION_FAILED", message)) from None
        if crypto.blake2b_256(plaintext) != expected:
            raise _Refused(_error(400, "INVALID_BODY", "Plaintext body hash does not match"))
        try:
            model = CreateImageRequest.model_validate_json(plaintext).model
        except pydantic.ValidationError:
            model = None
        if model != envelope.model_dump(by_alias=True)["model_name"]:
            raise _Refused(_error(400, "INVALID_BODY", "model_name does not match the request"))
        return key, plaintext

    def _seal_answer(self, key: bytes, plaintext: bytes) -> MockResponse:
        with self._mutex:
            fault = self._answer_faults.popleft() if self._answer_faults else None
        nonce = os.urandom(crypto.NONCE_BYTES)
        ciphertext = crypto.encrypt(key, nonce, plaintext)
        digest = crypto.blake2b_256(plaintext)
        response_hash: str | None = crypto.encode(digest)
        signed = crypto.blake2b_256(b"something else") if fault == "bad-signature" else digest
        signature: str | None = crypto.sign_sui_ed25519(self._signing_key, signed)
        if fault == "tampered-ciphertext":
            ciphertext = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
        elif fault == "wrong-hash":
            response_hash = crypto.encode(crypto.blake2b_256(plaintext + b" "))
        elif fault == "missing-hash":
            response_hash = None
        elif fault == "non-canonical-base64":
            response_hash = _stray_bit(crypto.encode(digest))
        elif fault == "unsigned":
            signature = None
        payload: dict[str, Any] = {
            "ciphertext": crypto.encode(ciphertext),
            "nonce": crypto.encode(nonce),
            "response_hash": response_hash,
            "signature": signature,
        }
        ConfidentialComputeResponse.model_validate(payload)  # never off-spec
        return _json(200, payload)


class _Refused(Exception):
    """A request the node turns down, with its answer."""

    def __init__(self, response: MockResponse) -> None:
        super().__init__(response.status)
        self.response = response


def _stray_bit(text: str) -> str:
    """`text` (base64 ending in one `=`) with an unused bit of its last symbol set: it
    decodes to the same bytes, but is not the canonical encoding."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet[alphabet.index(text[-2]) ^ 1]
    changed = text[:-2] + last + "="
    assert base64.b64decode(changed) == base64.b64decode(text)
    return changed


def _json(status: int, payload: object) -> MockResponse:
    from .api import MockResponse

    body = json.dumps(payload, separators=(",", ":")).encode()
    return MockResponse(status, {"Content-Type": "application/json"}, body)


def _error(status: int, code: str, message: str) -> MockResponse:
    """The proxy's error shape."""
    return _json(status, {"error": {"code": code, "message": message}})
