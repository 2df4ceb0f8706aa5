"""The streamer against a real anvil and real SQLite / PostgreSQL (the ``database`` fixture runs every
test on both): exactly-once rows, small ranges, the cursor committed with the rows, reorganisations
(``evm_revert`` + new transactions, ``anvil_reorg``, a node whose head fell below the cursor), a range
that changes while it is read, rebuild, and the service loop.

The contexts' real handlers are written elsewhere; these tests register their own small handlers on a
fresh ``Registry`` (into the real ``revenue_entries`` / ``revenue_movements`` tables), because the
streamer must work with any registry.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, update

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.node import AnvilNode, connect, free_port
from ledger_service.chain.sender import Sender
from ledger_service.db.session import Database
from ledger_service.indexer.registry import Batch, Log, Registry
from ledger_service.indexer.streamer import Indexer
from ledger_service.indexer.tables import IndexedBlock, IndexerCursor
from ledger_service.revenue.encoding import (
    Income,
    day_number,
    from_day_number,
    pack_batch,
    read_text,
    unpack_parts,
)
from ledger_service.revenue.tables import RevenueEntry, RevenueMovement
from tests.contracts.harness import SHANGHAI, Community, Ledger, b16, b32, dev_account

D = dt.date
#: The chain's clock starts on 2026-01-01 in Asia/Shanghai, so incomes dated that day are valid.
GENESIS = dt.datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)
BUCKETS = ("maintenance", "welfare", "operations")
BPS = [6000, 3000, 1000]
SLUG = "lotus-garden"


# -- chain -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node() -> Iterator[AnvilNode]:
    """A fresh anvil for this module (anvil slows down as its chain grows; see TOOLCHAIN.md)."""
    n = AnvilNode(timestamp=int(GENESIS.timestamp()), accounts=100)
    n.start()
    yield n
    n.stop()


@pytest.fixture(scope="module")
def deployed(node: AnvilNode) -> Ledger:
    led = Ledger(connect(node.rpc_url), Sender(connect(node.rpc_url), auto_mine=True), dev_account(0))
    c = led.community(SLUG)
    led.activate(c, list(BUCKETS), BPS, D(2026, 1, 1))
    return led


@pytest.fixture
def led(deployed: Ledger) -> Iterator[Ledger]:
    """The deployed ledger; the test's blocks are undone afterwards (evm_snapshot / evm_revert)."""
    snap = rpc(deployed, "evm_snapshot")
    yield deployed
    rpc(deployed, "anvil_dropAllTransactions")
    assert rpc(deployed, "evm_revert", snap) is True
    resync(deployed)


def rpc(led: Ledger, method: str, *params: Any) -> Any:
    response = led.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response["result"]


def resync(led: Ledger) -> None:
    """Nonces the sender cached are stale after the chain went back."""
    for c in led.communities.values():
        for account in c.people.values():
            led.sender.resync(account.address)
    led.sender.resync(led.operator.address)


def lotus(led: Ledger) -> Community:
    return led.communities[SLUG]


def post(led: Ledger, n: int, ref: str, *, per_tx: int = 50, txs_per_block: int = 1) -> list[str]:
    """Post ``n`` incomes with ``postIncomes`` (``per_tx`` per transaction, ``txs_per_block`` per block).

    Gas is given, not estimated, so several batches of one accountant can share a block."""
    c = lotus(led)
    accountant = c.people["accountant"]
    seq = led.next_seq(c)
    incomes = [Income("parking", 1_000 + i, D(2026, 1, 1), f"{ref}-{i}") for i in range(n)]
    pending: list[str] = []
    blocks: list[str] = []

    def mine() -> None:
        receipts = led.sender.wait(pending)
        assert all(r["status"] == "0x1" for r in receipts), receipts
        blocks.extend(r["blockHash"] for r in receipts)
        pending.clear()

    for i in range(0, n, per_tx):
        chunk = incomes[i : i + per_tx]
        data = contract_abi("RevenueLedger").call_data("postIncomes", c.id, seq, pack_batch(chunk))
        signed = led.sender.build_and_sign(
            accountant, led.address("RevenueLedger"), data, gas=200_000 + 15_000 * len(chunk)
        )
        led.sender.send_raw(signed)
        pending.append(signed.hash)
        seq += len(chunk)
        if len(pending) == txs_per_block:
            mine()
    if pending:
        mine()
    return sorted(set(blocks))


def empty_blocks(led: Ledger, n: int) -> None:
    for _ in range(n):
        rpc(led, "evm_mine")


def head(led: Ledger) -> tuple[int, str]:
    raw = rpc(led, "eth_getBlockByNumber", "latest", False)
    return int(raw["number"], 16), raw["hash"]


def node_hash(led: Ledger, number: int) -> str | None:
    raw = rpc(led, "eth_getBlockByNumber", hex(number), False)
    return raw["hash"] if raw else None


# -- handlers and tables -----------------------------------------------------------------------------


class Recorder:
    """What the test handlers saw, and an optional fault to inject."""

    def __init__(self, fail_after: int | None = None, fail_in_hook: bool = False) -> None:
        self.fail_after = fail_after
        self.fail_in_hook = fail_in_hook
        self.calls: list[tuple[int, int, int]] = []  # (block, log index, seq)
        self.timestamps: dict[int, int] = {}
        self.hook_calls: list[int] = []


def income_registry(rec: Recorder | None = None) -> Registry:
    """IncomeRecorded -> one revenue_entries row and one revenue_movements row per bucket (4 rows)."""
    rec = rec or Recorder()
    reg = Registry()

    @reg.on("RevenueLedger", "IncomeRecorded")
    def on_income(log: Log, batch: Batch) -> None:
        if rec.fail_after is not None and len(rec.calls) >= rec.fail_after:
            raise RuntimeError("handler crashed")
        a = log.args
        rec.calls.append((log.block_number, log.log_index, a["seq"]))
        rec.timestamps[log.block_number] = log.timestamp
        pos = log.position
        community = "0x" + a["community"].hex()
        date = from_day_number(a["businessDate"])
        batch.add(RevenueEntry, {
            **pos, "community": community, "kind": "income", "seq": a["seq"], "business_date": date,
            "amount": a["amount"], "source": read_text(a["source"]), "ref": read_text(a["ref"]),
            "evidence_hash": "0x" + a["evidenceHash"].hex(), "policy_version": a["policyVersion"],
        })  # fmt: skip
        for bucket, part in zip(BUCKETS, unpack_parts(a["parts"]), strict=False):
            batch.add(RevenueMovement, {
                **pos, "community": community, "business_date": date, "bucket": bucket, "kind": "allocated",
                "amount": part,
            })  # fmt: skip

    @reg.after
    def after(batch: Batch, to_block: int) -> None:
        rec.hook_calls.append(to_block)
        if rec.fail_in_hook:
            raise RuntimeError("hook crashed")

    return reg


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every indexed row minus its surrogate id, in a stable order."""
    out = {}
    with db.engine.connect() as conn:
        for model in (RevenueEntry, RevenueMovement):
            t = model.__table__
            cols = [c for c in t.c if c.name != "id"]
            out[model.__tablename__] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return out


def refs(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return sorted(str(r) for (r,) in conn.execute(select(RevenueEntry.ref)))


def count(db: Database, model: Any) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def indexer(led: Ledger, db: Database, rec: Recorder | None = None, **kw: Any) -> Indexer:
    return Indexer(db, led.w3, led.deployment, income_registry(rec), **kw)


def assert_consistent(led: Ledger, db: Database, idx: Indexer) -> None:
    """Cursor at the head, every stored header still on the node, every row in a stored block."""
    assert idx.cursor() == head(led)
    with db.engine.connect() as conn:
        stored = dict(conn.execute(select(IndexedBlock.number, IndexedBlock.hash)).all())
        row_blocks = set(conn.execute(select(RevenueEntry.block_number, RevenueEntry.block_hash)).all())
    assert all(node_hash(led, n) == h for n, h in stored.items())
    assert all(stored.get(n) == h for n, h in row_blocks)


# -- tests -------------------------------------------------------------------------------------------


def test_indexes_every_income_exactly_once(led: Ledger, database: Database) -> None:
    post(led, 80, "A", per_tx=40)
    empty_blocks(led, 2)
    post(led, 1, "S")
    post(led, 1, "T")
    rec = Recorder()
    idx = indexer(led, database, rec)

    assert idx.run_once() == 82
    seqs = [s for _, _, s in rec.calls]
    assert rec.calls == sorted(rec.calls) and seqs == list(range(seqs[0], seqs[0] + 82))
    assert seqs[-1] == led.next_seq(lotus(led)) - 1
    for block, ts in rec.timestamps.items():
        assert ts == int(rpc(led, "eth_getBlockByNumber", hex(block), False)["timestamp"], 16)
    assert count(database, RevenueEntry) == 82 and count(database, RevenueMovement) == 3 * 82
    with database.engine.connect() as conn:
        by_entry = conn.execute(
            select(
                RevenueMovement.block_hash, RevenueMovement.log_index, func.sum(RevenueMovement.amount)
            ).group_by(RevenueMovement.block_hash, RevenueMovement.log_index)
        ).all()
        amounts = dict(
            ((h, i), a)
            for h, i, a in conn.execute(
                select(RevenueEntry.block_hash, RevenueEntry.log_index, RevenueEntry.amount)
            )
        )
    assert {(h, i): a for h, i, a in by_entry} == amounts  # the split adds up to each income
    assert_consistent(led, database, idx)
    assert rec.hook_calls == [head(led)[0]]
    before = dump(database)

    # Nothing new: nothing done.
    assert idx.run_once() == 0 and dump(database) == before

    # A range delivered again (cursor moved back, as after a crash between commit and ack): same rows.
    first = led.deployment.first_block
    with database.begin() as conn:
        conn.execute(update(IndexerCursor).values(block_number=first, block_hash=node_hash(led, first)))
    assert idx.run_once() == 82
    assert dump(database) == before
    assert_consistent(led, database, idx)


def test_a_large_batch_is_stored_once_and_again_identically(
    led: Ledger, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``_COPY_FROM`` rows of a table in one flush, PostgreSQL takes them by COPY into a
    staging table and one INSERT ... ON CONFLICT DO NOTHING: the rows and their idempotent
    re-delivery must be exactly those of the row-by-row path."""
    from ledger_service.indexer import registry as reg

    post(led, 2 * reg._COPY_FROM + 10, "L", per_tx=reg._COPY_FROM + 5)
    idx = indexer(led, database)
    assert idx.run_once() == 2 * reg._COPY_FROM + 10
    bulk = dump(database)
    assert count(database, RevenueEntry) == 2 * reg._COPY_FROM + 10
    first = led.deployment.first_block
    with database.begin() as conn:  # delivered again, as after a crash between commit and ack
        conn.execute(update(IndexerCursor).values(block_number=first, block_hash=node_hash(led, first)))
    assert idx.run_once() == 2 * reg._COPY_FROM + 10
    assert dump(database) == bulk
    n = 2 * reg._COPY_FROM + 10
    monkeypatch.setattr(reg, "_COPY_FROM", 10**9)  # the row-by-row path everywhere
    assert Indexer(database, led.w3, led.deployment, income_registry(), range_size=1).rebuild() == n
    assert dump(database) == bulk
    assert_consistent(led, database, idx)


@pytest.mark.parametrize("range_size", [1, 2, 3])
def test_small_ranges_give_the_same_rows(led: Ledger, database: Database, range_size: int) -> None:
    post(led, 30, "A", per_tx=10)
    empty_blocks(led, 3)
    post(led, 20, "B", per_tx=5, txs_per_block=2)
    empty_blocks(led, 1)
    seen: list[tuple[int, int]] = []
    idx = Indexer(
        database,
        led.w3,
        led.deployment,
        income_registry(),
        range_size=range_size,
        progress=lambda done, target: seen.append((done, target)),
    )
    assert idx.run_once() == 50
    small = dump(database)
    top = head(led)[0]
    dones = [d for d, _ in seen]
    assert dones[-1] == top and all(t == top for _, t in seen)
    assert all(0 < b - a <= range_size for a, b in zip(dones, dones[1:], strict=False))
    assert_consistent(led, database, idx)

    assert Indexer(database, led.w3, led.deployment, income_registry()).rebuild() == 50
    assert dump(database) == small


@pytest.mark.parametrize("where", ["handler", "after_batch hook"])
def test_a_crash_mid_range_moves_neither_rows_nor_cursor(led: Ledger, database: Database, where: str) -> None:
    post(led, 10, "A")
    indexer(led, database).run_once()
    before, cursor = dump(database), indexer(led, database).cursor()
    with database.engine.connect() as conn:
        blocks_before = conn.execute(select(IndexedBlock.number, IndexedBlock.hash)).all()
    post(led, 30, "B", per_tx=10)

    faulty = Recorder(fail_after=15) if where == "handler" else Recorder(fail_in_hook=True)
    with pytest.raises(RuntimeError, match="crashed") as crash:
        indexer(led, database, faulty).run_once()
    if where == "handler":
        assert any("IncomeRecorded at block" in note for note in crash.value.__notes__)
    assert dump(database) == before
    assert indexer(led, database).cursor() == cursor
    with database.engine.connect() as conn:
        assert conn.execute(select(IndexedBlock.number, IndexedBlock.hash)).all() == blocks_before

    idx = indexer(led, database)
    assert idx.run_once() == 30
    assert count(database, RevenueEntry) == 40
    assert_consistent(led, database, idx)


def test_reorg_after_evm_revert_replaces_orphaned_rows(
    led: Ledger, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    post(led, 5, "kept")
    idx = indexer(led, database, range_size=4)
    idx.run_once()
    snap = rpc(led, "evm_snapshot")
    post(led, 6, "orphan", per_tx=2)
    empty_blocks(led, 2)
    idx.run_once()
    old_cursor = idx.cursor()
    assert old_cursor is not None
    assert sum(r.startswith("orphan") for r in refs(database)) == 6

    # Another history from the snapshot on: different transactions, and a longer chain.
    rpc(led, "anvil_dropAllTransactions")
    assert rpc(led, "evm_revert", snap) is True
    resync(led)
    rpc(led, "evm_setTime", int(GENESIS.timestamp()) + 3600)
    post(led, 4, "new", per_tx=1)
    empty_blocks(led, 3)
    assert head(led)[0] > old_cursor[0] and node_hash(led, old_cursor[0]) != old_cursor[1]

    with caplog.at_level(logging.WARNING, logger="ledger_service.indexer.streamer"):
        assert idx.run_once() == 4
    assert "reorganisation" in caplog.text
    assert sorted(refs(database)) == sorted([f"kept-{i}" for i in range(5)] + [f"new-{i}" for i in range(4)])
    assert count(database, RevenueMovement) == 3 * 9
    assert_consistent(led, database, idx)


def test_anvil_reorg_at_the_same_height_is_followed(
    led: Ledger, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    c = lotus(led)
    post(led, 5, "kept")
    idx = indexer(led, database)
    idx.run_once()
    seq = led.next_seq(c)
    post(led, 3, "orphan")
    empty_blocks(led, 1)
    idx.run_once()
    height = head(led)[0]

    # anvil 1.7.1: anvil_reorg [depth, [[tx, block offset], ...]] re-mines the last `depth` blocks;
    # the orphaned transactions are gone, the given ones land in the new blocks.
    call = contract_abi("RevenueLedger").call_data(
        "postIncome", c.id, seq, b16("parking"), 777, day_number(D(2026, 1, 1)), b32("reorg-0"), b"\4" * 32
    )
    tx = {
        "from": c.people["accountant"].address,
        "to": led.address("RevenueLedger"),
        "data": "0x" + call.hex(),
        "gas": hex(300_000),
    }
    rpc(led, "anvil_reorg", 2, [[tx, 1]])
    resync(led)
    assert head(led)[0] == height  # same height: only the hashes tell

    with caplog.at_level(logging.WARNING, logger="ledger_service.indexer.streamer"):
        assert idx.run_once() == 1
    assert "reorganisation" in caplog.text
    assert refs(database) == sorted([f"kept-{i}" for i in range(5)] + ["reorg-0"])
    assert_consistent(led, database, idx)

    # And an empty reorg of the same depth takes the re-mined income away again.
    rpc(led, "anvil_reorg", 2, [])
    idx.run_once()
    assert refs(database) == sorted(f"kept-{i}" for i in range(5))
    assert_consistent(led, database, idx)


def test_node_head_below_the_cursor_rolls_back(
    led: Ledger, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    post(led, 5, "kept")
    snap = rpc(led, "evm_snapshot")
    post(led, 6, "lost", per_tx=3)
    empty_blocks(led, 2)
    idx = indexer(led, database, range_size=3)
    idx.run_once()
    assert count(database, RevenueEntry) == 11

    # A node restarted without its last blocks: same chain, shorter, nothing new.
    rpc(led, "anvil_dropAllTransactions")
    assert rpc(led, "evm_revert", snap) is True
    resync(led)
    cursor = idx.cursor()
    assert cursor is not None and head(led)[0] < cursor[0]

    with caplog.at_level(logging.WARNING, logger="ledger_service.indexer.streamer"):
        assert idx.run_once() == 0
    assert "below the cursor" in caplog.text
    assert refs(database) == sorted(f"kept-{i}" for i in range(5))
    assert_consistent(led, database, idx)

    # Indexing goes on from there.
    post(led, 2, "after")
    assert idx.run_once() == 2 and count(database, RevenueEntry) == 7


def test_a_range_that_changes_while_it_is_read_is_read_again(led: Ledger, database: Database) -> None:
    post(led, 5, "kept")
    idx = indexer(led, database)
    idx.run_once()
    post(led, 3, "orphan")
    empty_blocks(led, 1)
    real_get_logs = idx._get_logs
    moved: list[bool] = []

    def get_logs_then_reorg(start: int, end: int) -> list[dict[str, Any]]:
        logs = real_get_logs(start, end)
        if not moved:  # the chain reorganises right after the logs were read
            moved.append(True)
            rpc(led, "anvil_reorg", 2, [])
        return logs

    idx._get_logs = get_logs_then_reorg  # type: ignore[method-assign]
    assert idx.run_once() == 0
    assert moved and refs(database) == sorted(f"kept-{i}" for i in range(5))
    assert_consistent(led, database, idx)


def test_rebuild_reproduces_the_tables(led: Ledger, database: Database) -> None:
    post(led, 40, "A", per_tx=10, txs_per_block=2)
    empty_blocks(led, 2)
    post(led, 7, "B", per_tx=1, txs_per_block=3)
    idx = indexer(led, database, range_size=3)
    assert idx.run_once() == 47
    before, cursor = dump(database), idx.cursor()

    assert indexer(led, database).rebuild() == 47
    assert dump(database) == before
    assert idx.cursor() == cursor
    assert_consistent(led, database, idx)


def test_run_forever_follows_the_chain(led: Ledger, node: AnvilNode, database: Database) -> None:
    idx = Indexer(database, node.rpc_url, led.deployment, income_registry())
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop() -> None:
        try:
            idx.run_forever(stop, poll_interval=0.05)
        except BaseException as e:  # surfaced in the test thread
            errors.append(e)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        post(led, 10, "A")
        post(led, 10, "B")
        deadline = time.monotonic() + 15
        while count(database, RevenueEntry) < 20 and time.monotonic() < deadline and not errors:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not errors and not thread.is_alive()
    assert count(database, RevenueEntry) == 20


def test_run_forever_waits_for_a_node_that_is_down(
    led: Ledger, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    dead = connect(f"http://127.0.0.1:{free_port()}", timeout=1, retries=1)
    idx = Indexer(database, dead, led.deployment, income_registry())
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop() -> None:
        try:
            idx.run_forever(stop, poll_interval=0.05)
        except BaseException as e:
            errors.append(e)

    with caplog.at_level(logging.WARNING, logger="ledger_service.indexer.streamer"):
        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        time.sleep(0.5)
        stop.set()
        thread.join(10)
    assert not errors and not thread.is_alive()
    assert "does not answer" in caplog.text and "retrying" in caplog.text
    assert idx.cursor() is None


def test_routes_are_per_contract_address(led: Ledger, database: Database) -> None:
    """Two contracts may emit the same signature; only the registered contract's logs are handled."""
    idx = indexer(led, database)
    topic = "0x" + contract_abi("RevenueLedger").event("IncomeRecorded").topic.hex()
    assert set(idx.routes) == {(led.address("RevenueLedger").lower(), topic)}
    assert idx.addresses == [led.address("RevenueLedger").lower()]


def test_throughput(led: Ledger, database: Database, record_property: Any) -> None:
    """One measurement, not asserted: events per second into the database, handlers included."""
    n = 4000
    post(led, n, "P", per_tx=250, txs_per_block=4)
    idx = indexer(led, database)
    started = time.perf_counter()
    assert idx.run_once() == n
    elapsed = time.perf_counter() - started
    rate = n / elapsed
    record_property("events_per_second", round(rate))
    logging.getLogger(__name__).warning(
        "indexed %d IncomeRecorded events (%d rows) into %s in %.2f s: %.0f events/s",
        n,
        4 * n,
        database.engine.dialect.name,
        elapsed,
        rate,
    )
    assert count(database, RevenueEntry) == n
