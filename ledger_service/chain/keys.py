"""One key per person, kept by the service in encrypted keystores.

Operational keys (accountants, coordinators) live here as standard Web3 Secret Storage (V3) JSON
files, one per address, readable by geth, foundry's ``cast wallet`` or MetaMask imports, so a
person can take their key elsewhere. Committee members keep their own keys: their approvals are
EIP-712 signatures made outside the service.

Layout of the directory (mode 0700, files 0600)::

    0xAbC...123.json      the encrypted key, named by its checksum address
    index.json            {"label": "0xAbC...123"}: role handles only, never names or phone numbers
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import is_hex_address, to_checksum_address
from pydantic import SecretStr

from ledger_service.core.errors import ConfigError, Conflict, InvalidInput, NotFound

#: scrypt cost N. 2**17 takes ~0.4 s and 128 MiB to decrypt on a 2-core machine (2**18, geth's
#: standard, ~0.75 s and 256 MiB; 2**16 ~0.2 s): brute force stays expensive, and since a key is
#: decrypted once per process and then cached, start-up stays quick. Tests pass 2**4.
DEFAULT_SCRYPT_N = 2**17
INDEX_FILE = "index.json"
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


class KeystoreError(ConfigError):
    """A keystore cannot be used as configured (missing, unreadable, wrong password)."""

    code = "keystore_error"


class WrongKeystorePassword(KeystoreError):
    """The keystore password does not open this key (the file's MAC does not match)."""

    code = "keystore_wrong_password"


def _write_private(path: Path, text: str) -> None:
    """Write atomically with mode 0600 from the first byte (no window where others can read it)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class KeyStore:
    """Encrypted V3 keystores under one directory, opened with one password.

    ``scrypt_n`` is the scrypt cost (a power of two, see ``DEFAULT_SCRYPT_N``); it applies to keys
    written from now on, while existing files keep the cost they were written with. Decrypted
    accounts are cached in memory, so only the first use of a key pays for scrypt.
    """

    def __init__(self, directory: Path | str, password: SecretStr | str, *, scrypt_n: int = DEFAULT_SCRYPT_N):
        if scrypt_n < 2 or scrypt_n & (scrypt_n - 1):
            raise InvalidInput(f"scrypt_n must be a power of two, not {scrypt_n}")
        self.directory = Path(directory)
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)
        self.scrypt_n = scrypt_n
        self._cache: dict[str, LocalAccount] = {}
        self._lock = threading.RLock()
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    # -- index ------------------------------------------------------------------------------------

    def _index_path(self) -> Path:
        return self.directory / INDEX_FILE

    def labels(self) -> dict[str, str]:
        """Label → checksum address, for the keys that have a label."""
        path = self._index_path()
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise KeystoreError(f"the keystore index {path} cannot be read: {e}") from e
        return {str(k): to_checksum_address(v) for k, v in data.items()}

    def _save_labels(self, labels: dict[str, str]) -> None:
        _write_private(self._index_path(), json.dumps(labels, indent=2, sort_keys=True) + "\n")

    def addresses(self) -> list[str]:
        """Checksum addresses of every key file in the directory, sorted."""
        found = []
        for p in self.directory.glob("0x*.json"):
            if is_hex_address(p.stem):
                found.append(to_checksum_address(p.stem))
        return sorted(found)

    def _key_path(self, address: str) -> Path:
        return self.directory / f"{to_checksum_address(address)}.json"

    # -- writing ------------------------------------------------------------------------------------

    def create(self, label: str) -> str:
        """Make a new random key under ``label`` and return its address.

        A fresh key per person (never a shared key), so every write on chain names who signed it.
        """
        account: LocalAccount = Account.create()
        return self._store(account, label)

    def import_key(self, private_key: str | bytes, label: str) -> str:
        """Store an existing private key under ``label`` (e.g. moved from another installation).

        Importing the same key under the same label again is a no-op; under another label it is a
        ``Conflict``, since one address has one label.
        """
        try:
            account: LocalAccount = Account.from_key(private_key)
        except (ValueError, TypeError):
            # ``from None``: the original exception may quote the key material.
            raise InvalidInput("that is not a valid secp256k1 private key") from None
        return self._store(account, label)

    def _store(self, account: LocalAccount, label: str) -> str:
        if not _LABEL.match(label):
            raise InvalidInput(
                f"key label {label!r} must be 1-64 letters, digits, '.', '_', ':' or '-' "
                "(a role handle, not a person's name)"
            )
        address = to_checksum_address(account.address)
        with self._lock:
            labels = self.labels()
            if labels.get(label) == address:
                return address
            if label in labels:
                raise Conflict(f"key label {label!r} is already used by {labels[label]}", label=label)
            path = self._key_path(address)
            if path.exists():
                other = next((k for k, v in labels.items() if v == address), None)
                raise Conflict(f"key {address} is already stored (label {other!r})", address=address)
            keystore = Account.encrypt(
                account.key, self._password.get_secret_value(), kdf="scrypt", iterations=self.scrypt_n
            )
            _write_private(path, json.dumps(keystore) + "\n")
            labels[label] = address
            self._save_labels(labels)
            self._cache[address] = account
        return address

    # -- reading ------------------------------------------------------------------------------------

    def resolve(self, address_or_label: str) -> str:
        """The checksum address for a label or an address held in this store."""
        address: str
        if is_hex_address(address_or_label):
            address = to_checksum_address(address_or_label)
        else:
            address = self.labels().get(address_or_label, "")
            if not address:
                raise NotFound(
                    f"no key labelled {address_or_label!r} in {self.directory}", label=address_or_label
                )
        if address not in self._cache and not self._key_path(address).exists():
            raise NotFound(f"no keystore for {address} in {self.directory}", address=address)
        return address

    def account(self, address_or_label: str) -> LocalAccount:
        """The decrypted signer for a label or address; decrypted once, then served from memory.

        Raises ``WrongKeystorePassword`` when the configured password does not open the file.
        """
        address = self.resolve(address_or_label)
        with self._lock:
            cached = self._cache.get(address)
            if cached is not None:
                return cached
            path = self._key_path(address)
            try:
                keystore: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise KeystoreError(f"keystore {path} cannot be read: {e}", address=address) from e
            try:
                key = Account.decrypt(keystore, self._password.get_secret_value())
            except ValueError as e:
                if "MAC mismatch" in str(e):
                    raise WrongKeystorePassword(
                        f"the keystore password does not open the key for {address}; "
                        "check CIVIC_LEDGER_KEYSTORE_PASSWORD",
                        address=address,
                    ) from None
                raise KeystoreError(
                    f"keystore {path} is not a valid V3 keystore: {e}", address=address
                ) from e
            account: LocalAccount = Account.from_key(key)
            if account.address != address:
                raise KeystoreError(f"keystore {path} holds the key of {account.address}, not {address}")
            self._cache[address] = account
            return account

    def __contains__(self, address_or_label: object) -> bool:
        if not isinstance(address_or_label, str):
            return False
        try:
            self.resolve(address_or_label)
        except NotFound:
            return False
        return True
