"""Shared fixtures: one real anvil per test session, and a snapshot per test.

One node for the whole session because anvil's cost grows with the blocks it has made
(TOOLCHAIN.md); each test runs inside ``evm_snapshot``/``evm_revert`` so tests never see each
other's blocks.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import RPCEndpoint

from ledger_service.chain.node import DEV_MNEMONIC, AnvilNode, connect


@pytest.fixture(scope="session")
def anvil() -> Iterator[AnvilNode]:
    """A real anvil on a free port, ``--no-mining`` (the sender mines), in memory."""
    node = AnvilNode()
    node.start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def w3(anvil: AnvilNode) -> Web3:
    return connect(anvil.rpc_url)


@pytest.fixture(scope="session")
def dev_accounts() -> list[LocalAccount]:
    """anvil's ten funded dev accounts (public keys: for tests only)."""
    Account.enable_unaudited_hdwallet_features()
    return [Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}") for i in range(10)]


@pytest.fixture
def chain_snapshot(w3: Web3) -> Iterator[str]:
    """Undo the test's chain changes afterwards; yields the snapshot id.

    ``evm_revert`` does not empty anvil's transaction pool, so leftovers are dropped first.
    Nonces cached by a ``Sender`` are stale after the revert: make a new sender per test.
    """
    snapshot = w3.provider.make_request(RPCEndpoint("evm_snapshot"), [])["result"]
    yield snapshot
    w3.provider.make_request(RPCEndpoint("anvil_dropAllTransactions"), [])
    assert w3.provider.make_request(RPCEndpoint("evm_revert"), [snapshot])["result"] is True


# -- databases: every behaviour suite runs on SQLite and on a real PostgreSQL -------------------------

#: Admin connections tried for creating and dropping per-test databases (trust auth on these machines).
POSTGRES_URLS = tuple(
    u
    for u in (
        os.environ.get("CIVIC_LEDGER_TEST_POSTGRES"),
        "postgresql://postgres@127.0.0.1:5432/postgres",
        "postgresql://postgres@127.0.0.1:5432/test",
        "postgresql://root@127.0.0.1:5432/test",
    )
    if u
)


def postgres_admin_url() -> str:
    """A reachable admin URL; skips the test when none answers, unless
    CIVIC_LEDGER_REQUIRE_POSTGRES is set (CI), where that is a failure."""
    import psycopg

    errors = []
    for url in POSTGRES_URLS:
        try:
            with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
                conn.execute("SELECT 1")
            return url
        except psycopg.Error as e:
            errors.append(f"{url}: {str(e).strip()}")
    message = f"PostgreSQL is not reachable ({'; '.join(errors)})"
    if os.environ.get("CIVIC_LEDGER_REQUIRE_POSTGRES"):
        pytest.fail(message + " and CIVIC_LEDGER_REQUIRE_POSTGRES is set")
    pytest.skip(message)


def make_database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of ``kind`` ("sqlite" or "postgresql") for one test or module.

    PostgreSQL gets its own database per use, dropped afterwards, so runs never see each other's
    rows.
    """
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        return
    import psycopg

    admin = postgres_admin_url()
    name = f"civic_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
