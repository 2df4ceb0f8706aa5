"""TimeBank events on a real anvil → the real indexer with this context's handlers → SQLite → the
``timebank`` section of statement@1: totals, pool, holders, entries (privacy rules included), the
minutes identity, and the same result after a rebuild.

Until the lead wires the context in (``contexts.py``, ``statement_sections.py``, ``db/models.py``,
an Alembic migration), importing its tables, handlers and section would add them to process-wide
lists that every other test's database lacks; the ``context`` fixture therefore imports them, undoes
the global registrations, and hands the test its own registry and tables.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ledger_service.chain.deploy import DeployedContract
from ledger_service.db.base import INDEXED_TABLES, Base
from ledger_service.db.session import Database
from ledger_service.indexer.registry import Registry, registry
from ledger_service.indexer.streamer import Indexer
from ledger_service.statements.canonical import canonical_bytes
from ledger_service.statements.periods import Period, from_day_number
from ledger_service.statements.sections import SECTIONS, Query
from ledger_service.timebank.encoding import POOL
from tests.contracts.harness import Community, Ledger
from tests.contracts.timebank_harness import TimeBankHarness, b16, item_id, person


@pytest.fixture
def context() -> Iterator[types.SimpleNamespace]:
    saved = (list(INDEXED_TABLES), dict(registry.handlers), list(SECTIONS))
    from ledger_service.timebank import handlers, statement, tables

    INDEXED_TABLES[:], SECTIONS[:] = saved[0], saved[2]
    registry.handlers.clear()
    registry.handlers.update(saved[1])
    local = Registry()
    for event, fn in handlers.HANDLERS.items():
        local.on("TimeBank", event)(fn)
    INDEXED_TABLES.extend(["timebank_entries", "timebank_movements"])  # so a rebuild empties them
    try:
        yield types.SimpleNamespace(registry=local, tables=tables, statement=statement)
    finally:
        INDEXED_TABLES[:] = saved[0]


@pytest.fixture
def tb(fresh: Ledger, timebank_address: str) -> TimeBankHarness:
    return TimeBankHarness(fresh, timebank_address)


@pytest.fixture
def db(tmp_path: Path, context: types.SimpleNamespace) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'index.db'}")
    database.migrate()
    t = context.tables
    with database.begin() as conn:  # stands in for the lead's Alembic migration
        Base.metadata.create_all(conn, tables=[t.TimebankEntry.__table__, t.TimebankMovement.__table__])
    yield database
    database.dispose()


def _indexer(tb: TimeBankHarness, db: Database, context: types.SimpleNamespace) -> Indexer:
    dep = tb.ledger.deployment
    timebank = DeployedContract(tb.address, dep.first_block, "0x" + "00" * 32, "0x" + "00" * 32)
    deployment = dataclasses.replace(dep, contracts={**dep.contracts, "TimeBank": timebank})
    return Indexer(db, tb.w3, deployment, context.registry, range_size=2_000)


def _story(tb: TimeBankHarness, c: Community) -> dict[str, Any]:
    """Service, rewards and deductions, a donation, a grant to an elderly resident redeemed by her
    proxy, and a health check-up."""
    v1, v2, ben = person("ix-v1"), person("ix-v2"), person("ix-ben")
    resident, proxy = person("ix-elder").address, person("ix-proxy")
    tb.mint_signed(c, tb.record(1, v1.address, ben.address, 120, "repairs"), ben)
    tb.mint(c, [tb.record(2, v1.address, ben.address, 300), tb.record(3, v2.address, ben.address, 600)])
    tb.coord(c, "reward", v2.address, 60, b16("event_helper"))
    tb.coord(c, "deduct", v1.address, 30, b16("noise_violation"))
    tb.donate(c, v2, 600)
    tb.coord(c, "setElderly", resident, True)
    tb.coord(c, "setProxy", resident, proxy.address, True)
    tb.coord(c, "grant", resident, 600)
    grocery, check = item_id("ix-grocery"), item_id("ix-7f3a")
    tb.set_item(c, grocery, "housekeeping", 60, "neighbourhood-shop")
    tb.set_item(c, check, "health_check", 90, "street-clinic")
    tb.redeem(c, resident, proxy, grocery, 10, 600)
    tb.redeem(c, v1.address, v1, check, 1, 90)
    return {
        "v1": v1.address.lower(),
        "v2": v2.address.lower(),
        "ben": ben.address.lower(),
        "resident": resident.lower(),
        "proxy": proxy.address.lower(),
        "check": check,
    }


def test_section_totalsPoolHoldersAndEntries_andTheSameAfterRebuild(
    tb: TimeBankHarness, lotus: Community, db: Database, context: types.SimpleNamespace
) -> None:
    who = _story(tb, lotus)
    indexer = _indexer(tb, db, context)
    indexer.run_once()
    head = tb.w3.eth.block_number
    today = from_day_number(tb.today())
    query = Query("0x" + lotus.id.hex(), Period.containing(today, "year"), head)
    with db.begin() as conn:
        result = context.statement.timebank_section(conn, query)
        movements = conn.execute(select(func.sum(context.tables.TimebankMovement.amount))).scalar_one()
    t = result.fields["timebank"]
    assert t == {"minted": 1_020, "rewarded": 60, "redeemed": 690, "deducted": 30, "pool": 0, "holders": 2}
    onchain = tb.totals(lotus)
    assert {k: t[k] for k in onchain} == onchain
    # the minutes identity, from the index alone
    assert movements == t["minted"] + t["rewarded"] - t["redeemed"] - t["deducted"] == 360
    assert movements == tb.balance(lotus, who["v1"]) + tb.balance(lotus, who["v2"]) + tb.pool(lotus)

    entries = result.entries
    assert [e["kind"] for e in entries].count("timebank_minted") == 3
    assert len(entries) == 13 and entries == sorted(
        entries, key=lambda e: (e["block_number"], e["log_index"])
    )
    assert all("beneficiary" not in e and who["ben"] not in str(e) for e in entries)
    by_proxy = next(e for e in entries if e["kind"] == "timebank_redeemed" and "proxy" in e)
    assert (by_proxy["holder"], by_proxy["proxy"], by_proxy["amount"]) == (who["resident"], who["proxy"], 600)
    health = next(
        e for e in entries if e.get("category") == "health_check" and e["kind"] == "timebank_redeemed"
    )
    assert "item" not in health and "provider" not in health and health["amount"] == 90
    signed = next(e for e in entries if e["kind"] == "timebank_minted" and e["by_signature"])
    assert signed["record_ref"] == 1 and signed["service_type"] == "repairs" and "actor" not in signed

    with db.begin() as conn:
        stats = context.statement.statistics(conn, query.community, query.period, as_of_block=head)
    assert stats.active_volunteers == 2 and stats.held == 360 and stats.redemption_rate == "63.9"

    indexer.rebuild()
    with db.begin() as conn:
        again = context.statement.timebank_section(conn, query)
    assert canonical_bytes({"f": again.fields, "e": again.entries}) == canonical_bytes(
        {"f": result.fields, "e": result.entries}
    )


def test_section_isEmptyForAnotherCommunityOrAnEarlierBlock(
    tb: TimeBankHarness, lotus: Community, bamboo: Community, db: Database, context: types.SimpleNamespace
) -> None:
    before = tb.w3.eth.block_number
    _story(tb, lotus)
    _indexer(tb, db, context).run_once()
    period = Period.containing(from_day_number(tb.today()), "year")
    empty = {"minted": 0, "rewarded": 0, "redeemed": 0, "deducted": 0, "pool": 0, "holders": 0}
    with db.begin() as conn:
        other = context.statement.timebank_section(conn, Query("0x" + bamboo.id.hex(), period, 10**9))
        earlier = context.statement.timebank_section(conn, Query("0x" + lotus.id.hex(), period, before))
    assert other.fields["timebank"] == empty and other.entries == []
    assert earlier.fields["timebank"] == empty and earlier.entries == []
    assert POOL.lower() not in {e.get("holder") for e in other.entries}
