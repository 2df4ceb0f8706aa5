"""REQUIREMENTS AS-1, AS-2 and AS-6 end to end — service, journal, real anvil, indexer, statements —
on SQLite and on a real PostgreSQL, then a rebuild of the index from the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ledger_service.audit.commands import close_period
from ledger_service.chain.node import free_port
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.core.errors import Conflict, ContractRejected
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from ledger_service.statements.store import get_statement
from tests.conftest import make_database_url

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date
A, B, C = "lotus-garden", "bamboo-court", "osmanthus-court"


def at(d: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI).timestamp())


@dataclass
class World:
    svc: LedgerService
    posted: dict[str, int] = field(default_factory=dict)  # what the test itself posted, per community
    q1_closed_bytes: dict[str, bytes] = field(default_factory=dict)

    def set_date(self, d: dt.date) -> None:
        self.svc.w3.provider.make_request("evm_setTime", [at(d)])  # type: ignore[arg-type]
        self.svc.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def income(self, slug: str, source: str, fen: int, d: dt.date, ref: str) -> None:
        revenue.post_income(self.svc, slug, Income(source, fen, d, ref), signer=f"{slug}:accountant")
        self.posted[slug] = self.posted.get(slug, 0) + fen

    def statement(self, slug: str, label: str) -> dict:
        self.svc.sync()
        with self.svc.db.begin() as conn:
            return get_statement(conn, slug, label).statement


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp(request.param)
    urls = make_database_url(request.param, tmp)
    url = next(urls)
    settings = Settings(
        home=tmp / "home", database_url=url, node_port=free_port(), env="test", keystore_scrypt_n=2**4
    )
    svc = LedgerService.init(settings, genesis_timestamp=at(D(2026, 1, 1), hour=0))
    w = World(svc)
    try:
        for slug in (A, B, C):
            add_community(svc, slug)
        revenue.set_policy(
            svc,
            A,
            {"maintenance": 6000, "welfare": 3000, "operations": 1000},
            D(2026, 1, 1),
            signer=f"{A}:committee",
            decision="owners' assembly 2025-12",
        )
        w.set_date(D(2026, 1, 15))
        w.income(A, "elevator_ads", 12_000_000, D(2026, 1, 15), "AD-2026-001")
        w.set_date(D(2026, 2, 10))
        w.income(B, "stall_rental", 1_000_000, D(2026, 2, 10), "STALL-2026-02")
        w.income(C, "shared_parking", 12_000_000, D(2026, 2, 10), "SP-2026-Q1")
        w.income(C, "parking", 4_800_000, D(2026, 2, 10), "PK-2026-Q1")
        w.set_date(D(2026, 3, 10))
        revenue.spend(
            svc,
            A,
            "maintenance",
            3_000_000,
            D(2026, 3, 10),
            "REPAIR-0310",
            signer=f"{A}:accountant",
            evidence="elevator repair invoice",
        )
        w.set_date(D(2026, 4, 2))
        for slug in (A, B, C):
            closed = close_period(svc, slug, "2026Q1", signer=f"{slug}:accountant")
            w.q1_closed_bytes[slug] = closed.statement.body
        w.set_date(D(2026, 4, 15))
        revenue.set_policy(
            svc,
            B,
            {"maintenance": 6000, "welfare": 4000},
            D(2026, 4, 15),
            signer=f"{B}:committee",
            decision="owners' assembly 2026-04",
        )
        svc.sync()
        yield w
    finally:
        svc.close()
        next(urls, None)


def test_AS1_elevatorAds_everyYuanSplit(world: World) -> None:
    s = world.statement(A, "2026Q1")
    assert s["income"] == {"total": world.posted[A], "by_source": {"elevator_ads": 12_000_000}}
    assert s["income"]["total"] == 12_000_000
    assert s["allocated"] == {
        "total": 12_000_000,
        "by_bucket": {"maintenance": 7_200_000, "operations": 1_200_000, "welfare": 3_600_000},
    }
    assert s["spent"] == {"total": 3_000_000, "by_bucket": {"maintenance": 3_000_000}}
    closing = {b: v["closing"] for b, v in s["balances"].items()}
    assert closing == {
        "maintenance": 4_200_000,
        "operations": 1_200_000,
        "owners_common": 0,
        "welfare": 3_600_000,
    }
    assert s["awaiting_decision"] == 0 and s["status"] == "closed"
    for line in s["balances"].values():
        assert line["opening"] + line["allocated"] + line["reallocated"] - line["spent"] == line["closing"]
    assert [e["kind"] for e in s["entries"]] == ["policy", "income", "spend"]


def test_AS2_noPolicy_heldInOwnersCommon_thenReallocatedInQ2(world: World) -> None:
    q1 = world.statement(B, "2026Q1")
    assert q1["income"]["total"] == world.posted[B] == 1_000_000
    assert q1["allocated"]["by_bucket"] == {"owners_common": 1_000_000}
    assert q1["awaiting_decision"] == 1_000_000 and "awaiting_decision" in q1["flags"]
    q2 = world.statement(B, "2026Q2")
    assert q2["status"] == "provisional"
    assert q2["reallocated"]["by_bucket"] == {
        "maintenance": 600_000,
        "owners_common": -1_000_000,
        "welfare": 400_000,
    }
    assert sum(q2["reallocated"]["by_bucket"].values()) == 0
    assert q2["awaiting_decision"] == 0 and q2["income"]["total"] == 0
    assert q2["balances"]["owners_common"]["opening"] == 1_000_000
    assert [e["kind"] for e in q2["entries"]] == ["policy", "reallocation"]
    # Q1's statement is unchanged: the closed bytes are served as anchored
    with world.svc.db.begin() as conn:
        assert get_statement(conn, B, "2026Q1").body == world.q1_closed_bytes[B]


def test_AS2_spendFromOwnersCommon_isRefused_andChangesNothing(world: World) -> None:
    before = world.statement(B, "2026Q2")
    with pytest.raises(ContractRejected) as err:
        revenue.spend(world.svc, B, "owners_common", 100, D(2026, 4, 15), "X-1", signer=f"{B}:accountant")
    assert "owners' common account" in err.value.message
    assert world.statement(B, "2026Q2") == before


def test_AS6_sharedParking_totalEqualsWhatTheTestPosted(world: World) -> None:
    s = world.statement(C, "2026Q1")
    assert s["income"]["by_source"] == {"parking": 4_800_000, "shared_parking": 12_000_000}
    assert s["income"]["total"] == world.posted[C] == 16_800_000
    assert s["allocated"]["total"] == s["income"]["total"]


def test_closedPeriod_refusesIncomeDatedInside(world: World) -> None:
    before = world.statement(A, "2026Q1")
    with pytest.raises(ContractRejected) as err:
        world.income(A, "parking", 100, D(2026, 3, 31), "LATE-1")
    assert "closed period" in err.value.message
    assert world.statement(A, "2026Q1") == before


def test_repeatedInvoiceReference_isRefusedNamingIt(world: World) -> None:
    with pytest.raises(Conflict) as err:
        revenue.post_income(
            world.svc, A, Income("elevator_ads", 100, D(2026, 4, 15), "AD-2026-001"), signer=f"{A}:accountant"
        )
    assert "AD-2026-001" in err.value.message


def test_rebuild_reproducesClosedStatementsByteForByte_andOpenOnesAsOfTheSameBlock(world: World) -> None:
    svc = world.svc
    svc.sync()
    block, _ = svc.head()
    with svc.db.begin() as conn:
        open_before = {slug: get_statement(conn, slug, "2026Q2").body for slug in (A, B, C)}
    svc.indexer.rebuild()
    assert svc.head()[0] == block
    with svc.db.begin() as conn:
        for slug in (A, B, C):
            closed = get_statement(conn, slug, "2026Q1")
            assert closed.closed and closed.body == world.q1_closed_bytes[slug]
            assert get_statement(conn, slug, "2026Q2").body == open_before[slug]
