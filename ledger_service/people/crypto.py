"""Envelope encryption of personal data: one random key per person, wrapped under a key derived
from the service's data key; each field is AES-256-GCM under the person's key, bound (as
associated data) to the person's pseudonym and the field's name, so a ciphertext copied to
another row or field does not decrypt.

Erasing a person destroys their wrapped key (and the ciphertexts): nothing can decrypt what a
backup still holds of their fields without it (crypto-shredding).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ledger_service.core.errors import ConfigError

_NONCE = 12
_INFO = b"civic-ledger/people@1/key-wrapping"


class Envelope:
    """Wraps per-person keys and encrypts their fields; built once from the data key."""

    def __init__(self, data_key: str) -> None:
        kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(data_key.encode())
        self._kek = AESGCM(kek)

    def new_key(self, pseudonym: str) -> tuple[bytes, bytes]:
        """A fresh person key and its wrapped form (what is stored)."""
        key = AESGCM.generate_key(bit_length=256)
        return key, self._seal(self._kek, key, f"key|{pseudonym}")

    def unwrap(self, wrapped: bytes, pseudonym: str) -> bytes:
        return self._open(self._kek, wrapped, f"key|{pseudonym}")

    def encrypt(self, key: bytes, pseudonym: str, field: str, value: str) -> bytes:
        return self._seal(AESGCM(key), value.encode("utf-8"), f"{field}|{pseudonym}")

    def decrypt(self, key: bytes, pseudonym: str, field: str, blob: bytes) -> str:
        return self._open(AESGCM(key), blob, f"{field}|{pseudonym}").decode("utf-8")

    @staticmethod
    def _seal(aead: AESGCM, plain: bytes, aad: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + aead.encrypt(nonce, plain, aad.encode())

    @staticmethod
    def _open(aead: AESGCM, blob: bytes, aad: str) -> bytes:
        try:
            return aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad.encode())
        except InvalidTag:
            raise ConfigError(
                "personal data cannot be decrypted: the data key differs from the one it was stored with"
            ) from None
