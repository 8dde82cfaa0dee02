"""`verify_signature` and `sign` against vectors computed independently of them.

The literal vectors were computed with OpenSSL (`openssl dgst -sha1 -binary` for the
key, `openssl dgst -sha1 -mac HMAC -macopt hexkey:KEY -binary | base64` for the
MAC); the property test recomputes HMAC-SHA1 from its definition (RFC 2104) with
`hashlib.sha1` alone, without the `hmac` module.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pluvo_client.webhooks import sign, verify_signature

# (salt, secret, body, the MAC in standard base64 as OpenSSL prints it)
VECTORS = [
    (
        "salt-1",
        "secret-1",
        b'{"event":"EVENT_CERTIFICATE_ACHIEVED"}',
        "3m75PZOAAIAqFRWoPOciya79iFY=",
    ),
    ("X7fQ", "wh-sec-42", b"hello", "eauyTdly11qEgCQSLpdQl26gK0I="),
    ("", "s", b"", "DO2XGxZ8oC/JLclo/LpQvgWKsAE="),
    (
        "zoutje",
        "geheim-\u00e9",
        b'{"event":"USER_CREATED","sentDate":"2024-05-01T10:00:00.000Z"}',
        "hOglK/m4oQagkkkxGbxRLeBw70k=",
    ),
]
HEX = "84e8252bf9b8a106a092493119bc512de070ef49"  # the last vector, as `openssl -hex`


def urlsafe_unpadded(standard: str) -> str:
    return standard.replace("+", "-").replace("/", "_").rstrip("=")


def hmac_sha1_by_definition(key: bytes, message: bytes) -> bytes:
    """RFC 2104: H((K ^ opad) || H((K ^ ipad) || m)), with a 64-byte block."""
    block = key.ljust(64, b"\0")
    inner = hashlib.sha1(bytes(b ^ 0x36 for b in block) + message).digest()
    return hashlib.sha1(bytes(b ^ 0x5C for b in block) + inner).digest()


@pytest.mark.parametrize(("salt", "secret", "body", "standard"), VECTORS)
def test_sign_gives_the_urlsafe_unpadded_mac_pluvo_sends(
    salt: str, secret: str, body: bytes, standard: str
) -> None:
    assert sign(body, salt, secret) == urlsafe_unpadded(standard)
    assert sign(body, salt, secret, urlsafe=False) == standard


@pytest.mark.parametrize(("salt", "secret", "body", "standard"), VECTORS)
def test_every_encoding_of_the_same_mac_verifies(
    salt: str, secret: str, body: bytes, standard: str
) -> None:
    safe = urlsafe_unpadded(standard)
    for signature in (safe, safe + "=", standard, standard.rstrip("="), f" {safe}\n"):
        assert verify_signature(body, signature, salt, secret), signature


def test_the_hex_digest_verifies_too() -> None:
    salt, secret, body, _ = VECTORS[-1]
    assert verify_signature(body, HEX, salt, secret)
    assert verify_signature(body, HEX.upper(), salt, secret)
    assert not verify_signature(body, HEX[:-1] + "0", salt, secret)


@pytest.mark.parametrize(("salt", "secret", "body", "standard"), VECTORS)
def test_anything_else_fails(salt: str, secret: str, body: bytes, standard: str) -> None:
    safe = urlsafe_unpadded(standard)
    flipped = ("A" if safe[0] != "A" else "B") + safe[1:]
    for signature in (
        "",
        flipped,
        safe[:-1],
        safe + "AA",
        safe[:10] + "*" + safe[10:],  # a stray character that base64 decoding would skip
        safe + "\u00e9",
        base64.b64encode(hashlib.sha1(body).digest()).decode(),  # a plain SHA-1, no key
    ):
        assert not verify_signature(body, signature, salt, secret), signature
    assert not verify_signature(body + b" ", safe, salt, secret)
    assert not verify_signature(body, safe, salt + "x", secret)
    assert not verify_signature(body, safe, salt, secret + "x")
    # The order of the key's parts matters: salt first, then the secret.
    assert salt == "" or not verify_signature(body, safe, secret, salt)


def test_an_empty_secret_is_refused_rather_than_trusted() -> None:
    with pytest.raises(ValueError, match="empty"):
        verify_signature(b"{}", "x", "salt", "")


@settings(max_examples=30)
@given(body=st.binary(max_size=300), salt=st.text(max_size=30), secret=st.text(min_size=1))
def test_sign_matches_hmac_sha1_computed_from_its_definition(
    body: bytes, salt: str, secret: str
) -> None:
    """For any body, salt and secret: sign() is base64url(HMAC-SHA1(SHA1(salt+secret), body))."""
    key = hashlib.sha1(salt.encode() + secret.encode()).digest()
    mac = hmac_sha1_by_definition(key, body)
    assert sign(body, salt, secret) == base64.urlsafe_b64encode(mac).decode().rstrip("=")
    assert verify_signature(body, base64.b64encode(mac).decode(), salt, secret)
