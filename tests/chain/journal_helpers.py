"""Helpers for the journal tests: revenue writes as ``Write``s, journal rows, raw sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from sqlalchemy import select
from web3 import Web3

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.journal import Journal, Write
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.chain.node import connect, free_port
from ledger_service.chain.sender import Sender
from ledger_service.db.session import Database
from ledger_service.revenue.encoding import Income, day_number, pack_batch
from tests.contracts.harness import Community, Ledger, b16, b32

REVENUE = "RevenueLedger"
EVIDENCE = b"\2" * 32


class Crash(BaseException):
    """Stands for the process dying at a chosen point (not an ``Exception``: nothing catches it)."""


def income(c: Community, amount: int, day: dt.date, *, ref: str = "INV", signer: str | None = None,
           client_key: str | None = None) -> Write:  # fmt: skip
    return Write.of(
        REVENUE, c.id, "postIncome", b16("parking"), amount, day_number(day), b32(ref), EVIDENCE,
        signer=signer or c.people["accountant"].address, client_key=client_key,
    )  # fmt: skip


def spend(c: Community, bucket: str, amount: int, day: dt.date, *, ref: str = "PAY") -> Write:
    return Write.of(
        REVENUE, c.id, "spend", b32(bucket), amount, day_number(day), b32(ref), b"\3" * 32,
        signer=c.people["accountant"].address,
    )  # fmt: skip


def batch(c: Community, amounts: list[int], day: dt.date) -> Write:
    incomes = [Income("parking", a, day, f"B-{i}") for i, a in enumerate(amounts)]
    return Write.of(
        REVENUE, c.id, "postIncomes", pack_batch(incomes),
        signer=c.people["accountant"].address, seq_count=len(amounts),
    )  # fmt: skip


def make_db(path: str) -> Database:
    db = Database(f"sqlite:///{path}")
    db.migrate()
    return db


def rows(db: Database) -> list[JournalEntry]:
    with db.session() as s:
        return list(s.scalars(select(JournalEntry).order_by(JournalEntry.id)))


def set_row(db: Database, entry_id: int, **values: object) -> None:
    with db.session() as s:
        row = s.get(JournalEntry, entry_id)
        assert row is not None
        for k, v in values.items():
            setattr(row, k, v)


def hash_of(raw: bytes) -> str:
    return "0x" + keccak(raw).hex()


class Keys:
    """``keys`` for a Journal: the accounts of a Ledger harness, by address."""

    def __init__(self, *accounts: LocalAccount) -> None:
        self.accounts = {to_checksum_address(a.address): a for a in accounts}

    def add(self, account: LocalAccount) -> None:
        self.accounts[to_checksum_address(account.address)] = account

    def __call__(self, address: str) -> LocalAccount:
        return self.accounts[to_checksum_address(address)]


def ledger_keys(ledger: Ledger) -> Keys:
    return Keys(*(p for c in ledger.communities.values() for p in c.people.values()))


def journal_for(ledger: Ledger, db: Database, keys: Keys, rpc_url: str | None = None) -> Journal:
    """A Journal with its own Sender (as a freshly started service would have)."""
    w3 = ledger.w3 if rpc_url is None else connect(rpc_url)
    return Journal(db, Sender(w3, auto_mine=True), ledger.deployment, keys, receipt_timeout=15.0)


def dead_journal(ledger: Ledger, db: Database, keys: Keys) -> Journal:
    """A Journal whose node does not answer (nothing listens on the port)."""
    # retries=1, not 0: with 0, web3's HTTPProvider returns None instead of raising.
    w3 = connect(f"http://127.0.0.1:{free_port()}", timeout=2.0, retries=1)
    return Journal(db, Sender(w3, auto_mine=True), ledger.deployment, keys, receipt_timeout=2.0)


def send_with_tip(w3: Web3, account: LocalAccount, to: str, data: bytes, tip_gwei: int) -> str:
    """Send a transaction paying ``tip_gwei``: anvil (``--order fees``) mines it first in the block."""
    tip = tip_gwei * 10**9
    base = int(w3.eth.get_block("latest")["baseFeePerGas"])
    tx: dict[str, Any] = {
        "type": 2,
        "chainId": w3.eth.chain_id,
        "nonce": w3.eth.get_transaction_count(account.address, "pending"),
        "to": to,
        "data": data,
        "gas": 200_000,
        "value": 0,
        "maxPriorityFeePerGas": tip,
        "maxFeePerGas": tip + 2 * base,
    }
    signed = account.sign_transaction(tx)  # type: ignore[arg-type]
    return w3.eth.send_raw_transaction(signed.raw_transaction).to_0x_hex()


def call_data(contract: str, fn: str, *args: object) -> bytes:
    return contract_abi(contract).call_data(fn, *args)


@contextmanager
def snapshot(w3: Web3) -> Iterator[None]:
    snap = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    try:
        yield
    finally:
        w3.provider.make_request("anvil_dropAllTransactions", [])  # type: ignore[arg-type]
        w3.provider.make_request("evm_revert", [snap])  # type: ignore[arg-type]
