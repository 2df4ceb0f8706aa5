"""Encrypted keystores: one key per person, V3 files, a label index without personal data."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from eth_account import Account
from pydantic import SecretStr

from ledger_service.chain.keys import KeyStore, WrongKeystorePassword
from ledger_service.core.errors import Conflict, InvalidInput, LedgerError, NotFound

FAST = 2**4  # scrypt cost for tests only


def test_create_and_load_again(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", SecretStr("correct horse"), scrypt_n=FAST)
    alice = store.create("accountant-1")
    bob = store.create("coordinator-1")
    assert alice != bob
    assert store.addresses() == sorted([alice, bob])
    assert store.labels() == {"accountant-1": alice, "coordinator-1": bob}

    key_file = tmp_path / "keys" / f"{alice}.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys" / "index.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700

    # A new process: nothing cached, the password opens the files.
    again = KeyStore(tmp_path / "keys", "correct horse", scrypt_n=FAST)
    account = again.account("accountant-1")
    assert account.address == alice
    assert again.account(alice.lower()) is account  # cached after the first decrypt
    assert again.account("coordinator-1").address == bob
    assert "accountant-1" in again and alice in again and "nobody" not in again


def test_files_are_standard_v3_keystores(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, "pw", scrypt_n=FAST)
    address = store.create("auditor-1")
    keystore = json.loads((tmp_path / f"{address}.json").read_text())
    assert keystore["version"] == 3 and keystore["crypto"]["kdf"] == "scrypt"
    assert keystore["crypto"]["kdfparams"]["n"] == FAST
    assert Account.from_key(Account.decrypt(keystore, "pw")).address == address
    assert "auditor-1" not in json.dumps(keystore)  # labels live in the index only


def test_wrong_password_is_a_clear_error(tmp_path: Path) -> None:
    address = KeyStore(tmp_path, "right", scrypt_n=FAST).create("accountant-1")
    with pytest.raises(WrongKeystorePassword, match="password does not open") as info:
        KeyStore(tmp_path, "wrong", scrypt_n=FAST).account("accountant-1")
    assert isinstance(info.value, LedgerError)
    assert info.value.data["address"] == address


def test_import_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, "pw", scrypt_n=FAST)
    key = Account.create()
    assert store.import_key(key.key.to_0x_hex(), "coordinator-2") == key.address
    assert store.import_key(key.key, "coordinator-2") == key.address  # same label: no-op
    with pytest.raises(Conflict):
        store.import_key(key.key, "coordinator-3")  # one address, one label
    with pytest.raises(Conflict):
        store.create("coordinator-2")  # label taken
    assert KeyStore(tmp_path, "pw").account("coordinator-2").key == key.key


def test_refusals(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, "pw", scrypt_n=FAST)
    with pytest.raises(InvalidInput):
        store.create("Zhang San")  # labels are role handles, not names
    with pytest.raises(InvalidInput):
        store.import_key("0x1234", "x")
    with pytest.raises(NotFound):
        store.account("nobody")
    with pytest.raises(NotFound):
        store.account("0x000000000000000000000000000000000000dEaD")
    with pytest.raises(InvalidInput):
        KeyStore(tmp_path, "pw", scrypt_n=1000)
