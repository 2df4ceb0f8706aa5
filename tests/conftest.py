"""Shared fixtures: one real anvil per test session, and a snapshot per test.

One node for the whole session because anvil's cost grows with the blocks it has made
(TOOLCHAIN.md); each test runs inside ``evm_snapshot``/``evm_revert`` so tests never see each
other's blocks.
"""

from __future__ import annotations

from collections.abc import Iterator

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
