"""The write journal on a real anvil and a real SQLite: exactly once, whatever crashes when."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ledger_service.chain.journal import Journal, Write, decode_args, encode_args
from ledger_service.chain.node import AnvilNode, connect
from ledger_service.chain.sender import Sender, SignedTx
from ledger_service.core.errors import ChainUnavailable, ContractRejected, InvalidInput
from ledger_service.db.session import Database
from tests.chain.journal_helpers import (
    Crash,
    Keys,
    batch,
    call_data,
    dead_journal,
    hash_of,
    income,
    journal_for,
    ledger_keys,
    make_db,
    rows,
    send_with_tip,
    set_row,
    snapshot,
    spend,
)
from tests.contracts.harness import SHANGHAI, Community, Ledger, b32, dev_account, role_id

GENESIS = dt.datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)
DAY = GENESIS.date()


def _setup(ledger: Ledger) -> Community:
    c = ledger.community("lotus-garden")
    ledger.activate(c, ["maint", "welfare"], [6000, 4000], DAY)
    return c


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    node = AnvilNode(timestamp=int(GENESIS.timestamp()), accounts=40)
    node.start()
    w3 = connect(node.rpc_url)
    led = Ledger(w3, Sender(w3, auto_mine=True), dev_account(0))
    _setup(led)
    yield led
    node.stop()


@dataclass
class Env:
    ledger: Ledger
    c: Community
    db: Database
    db_path: Path
    keys: Keys
    journal: Journal

    def next_seq(self) -> int:
        return self.ledger.next_seq(self.c)

    def maint(self) -> int:
        return self.ledger.balance(self.c, "maint")

    def restarted(self) -> Journal:
        """A new service process: a new Database, Sender and Journal on the same files."""
        return journal_for(self.ledger, Database(self.db.url), self.keys)


@pytest.fixture
def env(ledger: Ledger, tmp_path: Path) -> Iterator[Env]:
    with snapshot(ledger.w3):
        db_path = tmp_path / "ledger.db"
        db = make_db(str(db_path))
        keys = ledger_keys(ledger)
        yield Env(
            ledger, ledger.communities["lotus-garden"], db, db_path, keys, journal_for(ledger, db, keys)
        )
        db.dispose()
    for c in ledger.communities.values():
        for p in c.people.values():
            ledger.sender.resync(p.address)
    ledger.sender.resync(ledger.operator.address)


def test_args_codec_round_trips_bytes_as_hex() -> None:
    types = ["bytes16", "uint64", "bytes32[]", "(uint8,bytes4)"]
    values: list[Any] = [b"parking".ljust(16, b"\0"), 5, [b"\1" * 32, b"\2" * 32], (7, b"\xaa\xbb\xcc\xdd")]
    encoded = encode_args(types, values)
    assert encoded[0] == "0x" + b"parking".ljust(16, b"\0").hex() and encoded[2][1] == "0x" + "02" * 32
    assert decode_args(types, encoded) == [values[0], 5, values[2], (7, values[3][1])]
    with pytest.raises(InvalidInput):
        encode_args(["bytes32"], [b"short"])
    with pytest.raises(InvalidInput):
        Write.of("RevenueLedger", b"\0" * 32, "nextSeq", signer=dev_account(1).address)


def test_submit_lands_once_and_is_journaled(env: Env) -> None:
    seq0, maint0 = env.next_seq(), env.maint()
    entry = env.journal.submit(income(env.c, 1000, DAY))
    assert entry.status == "mined" and entry.seq == seq0 and entry.block_number is not None
    assert entry.raw_tx is not None and hash_of(entry.raw_tx) == entry.tx_hash
    assert env.next_seq() == seq0 + 1 and env.maint() == maint0 + 600
    assert env.journal.next_seq("RevenueLedger", env.c.id) == seq0 + 1
    assert env.journal.pending_count() == 0
    assert env.journal.status(entry.id).status == "mined"
    assert Write.of("RevenueLedger", env.c.id, "postIncome", *income(env.c, 1, DAY).call_args(),
                    signer=entry.signer).args == income(env.c, 1, DAY).args  # fmt: skip


def test_rejected_write_changes_nothing(env: Env) -> None:
    signer = env.c.people["accountant"].address
    seq0, nonce0 = env.next_seq(), env.ledger.w3.eth.get_transaction_count(signer, "pending")
    with pytest.raises(ContractRejected) as zero:
        env.journal.submit(income(env.c, 0, DAY))
    assert zero.value.error_name == "RevenueAmountOutOfRange" and "out of range" in zero.value.message
    with pytest.raises(ContractRejected) as overdraw:
        env.journal.submit(spend(env.c, "welfare", 1, DAY))
    assert overdraw.value.error_name == "RevenueInsufficientBalance"
    assert rows(env.db) == [] and env.journal.pending_count() == 0
    assert env.next_seq() == seq0
    # No nonce was consumed: the next write goes out with the nonce and number it would have had.
    entry = env.journal.submit(income(env.c, 10, DAY))
    assert (entry.seq, entry.nonce) == (seq0, nonce0)


def test_client_key_makes_a_resubmit_return_the_same_entry(env: Env) -> None:
    seq0, maint0 = env.next_seq(), env.maint()
    first = env.journal.submit(income(env.c, 1000, DAY, client_key="import.csv:1"))
    again = env.journal.submit(income(env.c, 1000, DAY, client_key="import.csv:1"))
    assert again.id == first.id and again.status == "mined"
    assert len(rows(env.db)) == 1 and env.next_seq() == seq0 + 1 and env.maint() == maint0 + 600


def test_crash_between_journal_and_send_is_finished_by_recover(env: Env, monkeypatch) -> None:
    seq0, maint0 = env.next_seq(), env.maint()

    def crash(signed: SignedTx) -> str:
        raise Crash("killed after the journal commit, before the send")

    monkeypatch.setattr(env.journal.sender, "send_raw", crash)
    with pytest.raises(Crash):
        env.journal.submit(income(env.c, 1000, DAY))
    [row] = rows(env.db)
    assert row.status == "signed" and row.raw_tx and row.seq == seq0
    assert env.next_seq() == seq0  # nothing reached the chain

    report = env.restarted().recover()
    [row_after] = rows(env.db)
    assert report.resent == [row.id]
    assert row_after.status == "mined" and row_after.tx_hash == row.tx_hash  # the same bytes
    assert env.next_seq() == seq0 + 1 and env.maint() == maint0 + 600
    env.restarted().recover()  # a second recovery changes nothing
    assert env.next_seq() == seq0 + 1 and env.maint() == maint0 + 600


def test_crash_between_send_and_receipt_is_reconciled_not_reapplied(env: Env, monkeypatch) -> None:
    seq0, maint0 = env.next_seq(), env.maint()

    def crash(*args: object, **kwargs: object) -> list[dict]:
        raise Crash("killed while waiting for the receipt")

    monkeypatch.setattr(env.journal.sender, "wait", crash)
    with pytest.raises(Crash):
        env.journal.submit(income(env.c, 1000, DAY))
    [row] = rows(env.db)
    assert row.status == "sent"
    env.ledger.sender.mine()  # the transaction lands while the service is down
    assert env.next_seq() == seq0 + 1

    report = env.restarted().recover()
    [row_after] = rows(env.db)
    assert report.confirmed == [row.id] and report.resent == [] and report.resigned == []
    assert row_after.status == "mined" and row_after.block_number is not None
    assert env.next_seq() == seq0 + 1 and env.maint() == maint0 + 600  # counted once


def test_resending_a_mined_raw_transaction_is_harmless(env: Env) -> None:
    entry = env.journal.submit(income(env.c, 1000, DAY))
    seq1, maint1 = env.next_seq(), env.maint()
    assert entry.raw_tx is not None and entry.tx_hash is not None and entry.nonce is not None
    signed = SignedTx(raw=entry.raw_tx, hash=entry.tx_hash, nonce=entry.nonce, sender=entry.signer)
    assert env.journal.sender.send_raw(signed) == entry.tx_hash
    env.ledger.sender.mine()
    set_row(env.db, entry.id, status="sent")  # as if the process died before recording the receipt
    report = env.restarted().recover()
    assert report.confirmed == [entry.id]
    after = env.journal.status(entry.id)
    assert (after.status, after.block_number, after.tx_hash) == ("mined", entry.block_number, entry.tx_hash)
    assert env.next_seq() == seq1 and env.maint() == maint1


def test_writes_accepted_while_the_node_is_unreachable_land_once_when_it_returns(env: Env) -> None:
    env.journal.submit(income(env.c, 1000, DAY))
    seq1, maint1 = env.next_seq(), env.maint()
    offline = dead_journal(env.ledger, env.db, env.keys)
    a = offline.submit(income(env.c, 500, DAY, ref="A", client_key="k-a"))
    b = offline.submit(income(env.c, 300, DAY, ref="B"))
    again = offline.submit(income(env.c, 500, DAY, ref="A", client_key="k-a"))
    assert (a.status, b.status, again.id) == ("queued", "queued", a.id)
    assert (a.seq, b.seq) == (seq1, seq1 + 1) and a.raw_tx is None
    assert offline.pending_count() == 2 and env.next_seq() == seq1

    report = env.restarted().recover()
    assert sorted(report.drained) == [a.id, b.id]
    done = {r.id: r for r in rows(env.db)}
    assert (done[a.id].status, done[a.id].seq, done[b.id].status, done[b.id].seq) == (
        "mined", seq1, "mined", seq1 + 1,
    )  # fmt: skip
    assert env.next_seq() == seq1 + 2 and env.maint() == maint1 + 480
    # The same client key once the node is back: still the one entry, applied once.
    assert env.journal.submit(income(env.c, 500, DAY, ref="A", client_key="k-a")).id == a.id
    assert env.next_seq() == seq1 + 2 and env.journal.pending_count() == 0


def test_a_queued_write_that_now_fails_is_marked_and_the_later_ones_renumbered(env: Env) -> None:
    env.journal.submit(income(env.c, 1000, DAY))  # maint 600
    seq1, maint1 = env.next_seq(), env.maint()
    offline = dead_journal(env.ledger, env.db, env.keys)
    queued = [offline.submit(spend(env.c, "maint", amount, DAY)) for amount in (200, 500, 300)]
    assert [q.seq for q in queued] == [seq1, seq1 + 1, seq1 + 2]

    done = {e.id: e for e in env.journal.drain()}
    first, overdraw, third = (done[q.id] for q in queued)
    assert (first.status, first.seq) == ("mined", seq1)
    assert overdraw.status == "failed"
    assert overdraw.error is not None and "holds" in overdraw.error and "less than 5.00" in overdraw.error
    assert (third.status, third.seq) == ("mined", seq1 + 1)  # renumbered: seqs stay consecutive
    assert env.next_seq() == seq1 + 2 and env.maint() == maint1 - 500


def test_writes_signed_after_one_that_fails_on_chain_are_signed_again(env: Env) -> None:
    ledger, c = env.ledger, env.c
    second = dev_account(39)  # a second accountant, so the two writes have different signers
    ledger.send(c.people["admin"], "CommunityRoles", "grantRole", c.id, role_id("accountant"), second.address)
    env.keys.add(second)
    seq0, maint0 = env.next_seq(), env.maint()
    a = env.journal.submit(income(c, 1000, DAY, ref="A"), wait=False)
    b = env.journal.submit(income(c, 500, DAY, ref="B", signer=second.address), wait=False)
    assert (a.seq, b.seq, a.status, b.status) == (seq0, seq0 + 1, "sent", "sent")
    # The admin revokes A's signer; paying a higher tip, the revocation is mined before A and B.
    revoke = call_data("CommunityRoles", "revokeRole", c.id, role_id("accountant"), a.signer)
    send_with_tip(ledger.w3, c.people["admin"], ledger.address("CommunityRoles"), revoke, tip_gwei=50)

    a_done, b_done = env.journal.wait([a.id, b.id])
    assert a_done.status == "failed" and a_done.error is not None and "is not accountant" in a_done.error
    assert b_done.status == "mined" and b_done.seq == seq0 and b_done.tx_hash != b.tx_hash
    assert env.next_seq() == seq0 + 1 and env.maint() == maint0 + 300
    ledger.sender.resync(c.people["admin"].address)  # the revocation went around this sender
    ledger.send(c.people["admin"], "CommunityRoles", "grantRole", c.id, role_id("accountant"), a.signer)


def test_concurrent_submits_to_one_stream_get_consecutive_numbers(env: Env) -> None:
    seq0, maint0 = env.next_seq(), env.maint()
    results: list[int] = []
    errors: list[BaseException] = []

    def post(i: int) -> None:
        try:
            results.append(env.journal.submit(income(env.c, 100, DAY, ref=f"T{i}")).seq or 0)
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(seq0, seq0 + 6))
    assert env.next_seq() == seq0 + 6 and env.maint() == maint0 + 360


def test_kill_9_of_the_node_after_a_batch_is_recovered_by_resending(tmp_path: Path) -> None:
    data_dir = tmp_path / "chain"
    node = AnvilNode(timestamp=int(GENESIS.timestamp()), accounts=40, data_dir=data_dir, state_interval=3600)
    node.start()
    try:
        w3 = connect(node.rpc_url)
        led = Ledger(w3, Sender(w3, auto_mine=True), dev_account(0))
        c = _setup(led)
        node.stop()  # a clean stop writes the state: set-up survives, the batch below will not
        node.start()
        db = make_db(str(tmp_path / "ledger.db"))
        keys = ledger_keys(led)
        seq0 = led.next_seq(c)
        entry = journal_for(led, db, keys, node.rpc_url).submit(batch(c, [1000, 2000, 3000], DAY))
        assert entry.status == "mined" and entry.seq_count == 3
        assert led.next_seq(c) == seq0 + 3 and led.balance(c, "maint") == 3600
    finally:
        node.kill()

    node2 = AnvilNode(timestamp=int(GENESIS.timestamp()), accounts=40, data_dir=data_dir, state_interval=3600)
    node2.start()
    try:
        w3b = connect(node2.rpc_url)
        led.w3 = w3b
        assert led.next_seq(c) == seq0  # the node came back without the batch
        journal = journal_for(led, Database(db.url), keys, node2.rpc_url)
        report = journal.recover()
        assert report.lost == [entry.id] and report.resent == [entry.id]
        after = journal.status(entry.id)
        assert after.status == "mined" and after.tx_hash == entry.tx_hash and after.block_number is not None
        assert led.next_seq(c) == seq0 + 3
        assert led.balance(c, "maint") == 3600 and led.balance(c, "welfare") == 2400
        journal.recover()  # nothing left to do: applied exactly once
        assert led.next_seq(c) == seq0 + 3 and led.balance(c, "maint") == 3600
        assert journal.submit(income(c, 100, DAY)).seq == seq0 + 3
    finally:
        node2.stop()


def test_refused_reason_is_readable(env: Env) -> None:
    with pytest.raises(ContractRejected) as e:
        env.journal.submit(spend(env.c, "nope", 1, DAY))
    assert "has no bucket 'nope'" in e.value.message
    assert b32("nope")  # the bucket slug travels as bytes32


def test_a_write_journaled_but_not_sent_goes_out_before_the_next_one(env: Env, monkeypatch) -> None:
    seq0, maint0 = env.next_seq(), env.maint()
    real_send = env.journal.sender.send_raw

    def node_gone(signed: SignedTx) -> str:
        raise ChainUnavailable("the node went away between the journal commit and the send")

    monkeypatch.setattr(env.journal.sender, "send_raw", node_gone)
    first = env.journal.submit(income(env.c, 1000, DAY, ref="FIRST"))
    assert first.status == "signed" and first.seq == seq0  # accepted and journaled, not sent
    monkeypatch.setattr(env.journal.sender, "send_raw", real_send)

    second = env.journal.submit(income(env.c, 500, DAY, ref="SECOND"))
    assert (second.status, second.seq) == ("mined", seq0 + 1)
    assert env.journal.status(first.id).status == "mined"  # sent first, as the same bytes
    assert env.journal.status(first.id).tx_hash == first.tx_hash
    assert env.next_seq() == seq0 + 2 and env.maint() == maint0 + 900
