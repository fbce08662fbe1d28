"""The confidential primitives agree with the node's, byte for byte, on a known-answer vector.

The vector uses RFC 7748 §6.1's X25519 keys (client = Alice, node = Bob) with a fixed salt
and nonce; the expected values were computed independently (cryptography 48 and a
hand-written HKDF) and are copied here, so the test needs nothing outside the project.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from atoma_sdk._runtime import confidential as c
from atoma_sdk.models import (
    ConfidentialComputeResponse,
    ConfidentialDecryptionError,
    ConfidentialHashMismatchError,
    ConfidentialMissingHashError,
    ConfidentialNodeKeyError,
    ConfidentialSignatureError,
)

CLIENT_PRIVATE = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
CLIENT_PUBLIC = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
NODE_PRIVATE = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
NODE_PUBLIC = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
SHARED_SECRET = bytes.fromhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
SALT = bytes(range(16))
NONCE = bytes(range(12))
AES_KEY = bytes.fromhex("193a1658e238ccf07108d772c923f3336a66f156195421b9b3f7cef441f13af7")
PLAINTEXT = (
    b'{"model":"black-forest-labs/FLUX.1-schnell","prompt":"A cute baby sea otter",'
    b'"n":1,"size":"1024x1024"}'
)
CIPHERTEXT = (
    "QG/7ItBGucsS71CUOUQ2nBg07sDPdd7NE+k1caHzZgWCRRF2JfPRu9R6lTl8JWDaDNHyRTQ/2upGf4/CZCzDQbdx"
    "+fTgF0B0dAS17geThYYgbZRw2XNyOPlfq4T9aYI/UQz0JvIIl/aSDu5svaYGvU1mG9Vn/g=="
)
PLAINTEXT_HASH = "bGfj+TD13HMELcXW4s5Vf5WC47vr1+oB7Y41g5mpodU="
ANSWER_PLAINTEXT = b'{"created":1677649420,"data":[{"url":"https://example.com/image.png"}]}'
ANSWER_NONCE = "////////////////"
ANSWER_CIPHERTEXT = (
    "tqns59O4GUMfHKRZSko71y9yXpEjhJ+IYH/Zz1zw/p5hRycFADD4FWUUOBrPTUIr4aUa13bFEC28FHCC1Cr72G"
    "wmIzut2+K7Jty0SUDMi70EJLXOIBv5"
)
RESPONSE_HASH = "cr+gfTxob8oeIISjACzy2q/Rq8+iGtycXao1/okrWxQ="


def answer(**fields: object) -> ConfidentialComputeResponse:
    values: dict[str, object] = {
        "ciphertext": ANSWER_CIPHERTEXT,
        "nonce": ANSWER_NONCE,
        "response_hash": RESPONSE_HASH,
    }
    values.update(fields)
    return ConfidentialComputeResponse.model_validate(values)


def test_blake2b_256_is_the_32_byte_digest_not_a_truncated_512() -> None:
    expected = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
    assert c.blake2b_256(b"abc").hex() == expected
    assert hashlib.blake2b(b"abc").digest()[:32].hex() != expected


def test_key_exchange_and_derivation_match_the_vector() -> None:
    node_public = base64.b64decode(NODE_PUBLIC)
    assert c.exchange(CLIENT_PRIVATE, node_public) == SHARED_SECRET
    assert c.exchange(NODE_PRIVATE, base64.b64decode(CLIENT_PUBLIC)) == SHARED_SECRET
    assert c.derive_key(SHARED_SECRET, SALT) == AES_KEY


def test_sealed_request_matches_the_vector_byte_for_byte() -> None:
    sealed = c.seal_request(
        PLAINTEXT,
        base64.b64decode(NODE_PUBLIC),
        client_private_key=CLIENT_PRIVATE,
        salt=SALT,
        nonce=NONCE,
    )
    assert sealed.key == AES_KEY
    assert sealed.fields == {
        "ciphertext": CIPHERTEXT,
        "nonce": "AAECAwQFBgcICQoL",
        "salt": "AAECAwQFBgcICQoLDA0ODw==",
        "client_dh_public_key": CLIENT_PUBLIC,
        "node_dh_public_key": NODE_PUBLIC,
        "plaintext_body_hash": PLAINTEXT_HASH,
    }


def test_the_vectors_answer_opens_to_its_plaintext() -> None:
    assert c.open_answer(answer(), AES_KEY) == ANSWER_PLAINTEXT
    assert c.encode(c.blake2b_256(ANSWER_PLAINTEXT)) == RESPONSE_HASH


def test_sealed_repr_shows_no_secret() -> None:
    sealed = c.seal_request(PLAINTEXT, base64.b64decode(NODE_PUBLIC))
    assert repr(sealed) == "Sealed()"


def test_a_missing_hash_is_an_error_not_a_skipped_check() -> None:
    with pytest.raises(ConfidentialMissingHashError):
        c.open_answer(answer(response_hash=None), AES_KEY)


def test_a_wrong_hash_is_a_mismatch() -> None:
    wrong = c.encode(c.blake2b_256(b"something else"))
    with pytest.raises(ConfidentialHashMismatchError):
        c.open_answer(answer(response_hash=wrong), AES_KEY)


@pytest.mark.parametrize("flip", [0, 40, -1])  # a ciphertext byte, and the tag's last byte
def test_a_tampered_ciphertext_does_not_decrypt(flip: int) -> None:
    raw = bytearray(base64.b64decode(ANSWER_CIPHERTEXT))
    raw[flip] ^= 1
    with pytest.raises(ConfidentialDecryptionError):
        c.open_answer(answer(ciphertext=c.encode(bytes(raw))), AES_KEY)


def test_another_requests_key_does_not_open_the_answer() -> None:
    with pytest.raises(ConfidentialDecryptionError):
        c.open_answer(answer(), c.derive_key(SHARED_SECRET, bytes(16)))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("QR==", "not canonical"),  # decodes like "QQ==", with stray bits
        ("QQ", "not standard padded"),
        ("Q Q==", "not standard padded"),
        ("QQ-_", "not standard padded"),  # URL-safe alphabet
        ("QUFB", "must be 12 bytes"),
    ],
)
def test_base64_is_strict_and_canonical(text: str, problem: str) -> None:
    with pytest.raises(ConfidentialDecryptionError, match=problem) as raised:
        c.decode(text, "The answer's nonce", 12)
    assert text not in str(raised.value)


def test_a_non_canonical_response_hash_is_refused() -> None:
    stray_bits = RESPONSE_HASH[:-2] + "R="  # "Q=" with one of the two unused bits set
    assert base64.b64decode(stray_bits) == base64.b64decode(RESPONSE_HASH)
    with pytest.raises(ConfidentialDecryptionError, match="response_hash is not canonical"):
        c.open_answer(answer(response_hash=stray_bits), AES_KEY)


def test_a_low_order_node_key_is_refused() -> None:
    with pytest.raises(ConfidentialNodeKeyError):
        c.seal_request(PLAINTEXT, bytes(32))


def sui_signature(key: Ed25519PrivateKey, message: bytes, flag: int = 0) -> str:
    public = key.public_key().public_bytes_raw()
    return c.encode(bytes([flag]) + key.sign(message) + public)


def test_a_valid_signature_over_the_hash_is_accepted() -> None:
    key = Ed25519PrivateKey.generate()
    signature = sui_signature(key, base64.b64decode(RESPONSE_HASH))
    assert c.open_answer(answer(signature=signature), AES_KEY, require_signature=True)
    assert c.sign_sui_ed25519(key.private_bytes_raw(), b"m") == sui_signature(key, b"m")


@pytest.mark.parametrize(
    ("signature", "problem"),
    [
        (sui_signature(Ed25519PrivateKey.generate(), b"not the hash"), "does not verify"),
        (sui_signature(Ed25519PrivateKey.generate(), b"", flag=1), "not Ed25519"),
        (c.encode(bytes(96)), "must be 97 bytes"),
    ],
)
def test_a_bad_signature_is_refused(signature: str, problem: str) -> None:
    with pytest.raises(ConfidentialSignatureError, match=problem):
        c.open_answer(answer(signature=signature), AES_KEY)


def test_a_required_signature_must_be_there() -> None:
    with pytest.raises(ConfidentialSignatureError, match="not signed"):
        c.open_answer(answer(), AES_KEY, require_signature=True)


def test_secrets_are_never_reused_across_10_000_requests() -> None:
    node_public = base64.b64decode(NODE_PUBLIC)
    seen: dict[str, set[str]] = {"client_dh_public_key": set(), "salt": set(), "nonce": set()}
    keys = set()
    for _ in range(10_000):
        sealed = c.seal_request(PLAINTEXT, node_public)
        keys.add(sealed.key)
        for name, values in seen.items():
            values.add(sealed.fields[name])
    assert len(keys) == 10_000
    assert {name: len(values) for name, values in seen.items()} == dict.fromkeys(seen, 10_000)


@pytest.mark.parametrize(
    ("n", "size", "units"),
    [(1, "1024x1024", 1_048_576), (3, "256x512", 393_216), (None, None, 1_048_576)],
)
def test_compute_units_are_n_times_the_pixels(n: int | None, size: str | None, units: int) -> None:
    from atoma_sdk.models import CreateImageRequest

    fields = {"model": "m", "prompt": "p", "n": n, "size": size}
    request = CreateImageRequest.build(**{k: v for k, v in fields.items() if v is not None})
    assert c.image_pixels(request) == units
