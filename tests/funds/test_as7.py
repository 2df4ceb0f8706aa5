"""AS-7 end to end on a real service (anvil + SQLite): the chain refuses, the index traces, the
statement reports. Every number below is one this test posted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ledger_service.chain.node import free_port
from ledger_service.core.config import Settings
from ledger_service.core.errors import LedgerError
from ledger_service.funds import commands as funds
from ledger_service.funds.trace import community_trace
from ledger_service.service import LedgerService
from tests.api.helpers import at, set_date
from tests.conftest import make_database_url
from tests.funds.service import YUAN, approve, chain_view, keeper, rep, set_up_community, statement

S = "as7-court"
D = dt.date
DAY = D(2026, 2, 10)
EVIDENCE = b"\x0e" * 32

COMPANY = 500_000 * YUAN
HOUSEHOLD = 1_000 * YUAN
FOUNDATION = 300_000 * YUAN
BANK = 200_000 * YUAN
FIRST, FINAL, KIT = 450_000 * YUAN, 250_000 * YUAN, 180_000 * YUAN


def _pay(
    svc: LedgerService, project: str, earmark: str, amount: int, *, final: bool = False, ref: str
) -> Any:
    cid = svc.community_id(S)
    approve(
        svc,
        S,
        funds.disbursement_action_hash(cid, project, "community", earmark, amount, final, ref, EVIDENCE),
    )
    return funds.disburse(
        svc,
        S,
        project,
        "community",
        earmark,
        amount,
        DAY,
        final=final,
        ref=ref,
        evidence=EVIDENCE,
        signer=keeper(S),
    )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def svc(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    """The story once per engine: SQLite and a real PostgreSQL index give the same answers."""
    home = tmp_path_factory.mktemp("as7")
    urls = make_database_url(request.param, home)
    settings = Settings(
        home=home / "home", node_port=free_port(), env="test", keystore_scrypt_n=2**4, database_url=next(urls)
    )
    service = LedgerService.init(settings, genesis_timestamp=at(D(2026, 1, 1), hour=0))
    try:
        set_date(service, D(2026, 2, 10))
        set_up_community(service, S)
        k = keeper(S)
        funds.create_fund(service, S, "community", "community", 10**15, signer=k)
        for e in ("playground", "canteen", "parking"):
            funds.open_earmark(service, S, "community", e, signer=k)
        company, _ = funds.donor_for(service, S, name="Lotus Bakery Ltd.", phone="021-5555-0101")
        funds.donate(
            service,
            S,
            funds.Donation("community", "CO-0001", company, "company", COMPANY, DAY, earmark="playground"),
            signer=k,
        )
        shares = []
        for i in range(200):
            donor, _ = funds.donor_for(service, S, name=f"Household {i}", phone=f"1380000{i:04d}")
            shares.append(
                funds.Donation(
                    "community",
                    f"HH-{i:04d}",
                    donor,
                    "resident",
                    HOUSEHOLD,
                    DAY,
                    earmark="playground",
                    campaign="playground-2026",
                )
            )
        funds.donate_many(service, S, shares, signer=k)
        foundation, _ = funds.donor_for(
            service, S, name="Sunrise Foundation", phone="021-5555-0202", named_publicly=True
        )
        funds.donate(
            service,
            S,
            funds.Donation(
                "community",
                "FD-0001",
                foundation,
                "charity",
                FOUNDATION,
                DAY,
                earmark="canteen",
                public_name="Sunrise Foundation",
            ),
            signer=k,
        )
        bank, _ = funds.donor_for(service, S, name="Harbour Bank", phone="021-5555-0303")
        funds.donate(
            service,
            S,
            funds.Donation("community", "BK-0001", bank, "bank", BANK, DAY, earmark="canteen"),
            signer=k,
        )
        funds.open_project(
            service,
            S,
            "playground",
            "community",
            "playground",
            budget=700_000 * YUAN,
            acceptances_required=2,
            signer=k,
        )
        funds.open_project(
            service, S, "canteen-kit", "community", "canteen", budget=KIT, acceptances_required=1, signer=k
        )
        funds.open_project(
            service, S, "parking-repaint", "community", "parking", budget=10_000 * YUAN, signer=k
        )
        _pay(service, "playground", "playground", FIRST, ref="PG-1")
        funds.accept_project(service, S, "playground", DAY, b"\x0a" * 32, signer=rep(S, 1))
        funds.accept_project(service, S, "playground", DAY, b"\x0a" * 32, signer=rep(S, 2))
        _pay(service, "playground", "playground", FINAL, final=True, ref="PG-2")
        _pay(service, "canteen-kit", "canteen", KIT, ref="CK-1")
        service.sync()
        yield service
    finally:
        service.close()
        next(urls, None)


def test_AS7_donated_1200000_inFourSourcesAndAPlaygroundCrowdfund(svc: LedgerService) -> None:
    s = statement(svc, S, "2026Q1")
    f = s["funds"]["community"]
    assert f["playground"]["donated"] == COMPANY + 200 * HOUSEHOLD == 700_000 * YUAN
    assert f["canteen"]["donated"] == FOUNDATION + BANK == 500_000 * YUAN
    assert sum(e["donated"] for e in f.values()) == 1_200_000 * YUAN
    assert f["playground"]["disbursed"] == FIRST + FINAL and f["playground"]["closing"] == 0
    assert f["canteen"]["disbursed"] == KIT and f["canteen"]["closing"] == FOUNDATION + BANK - KIT
    assert s["funds_sources"]["community"]["by_donor_type"] == {
        "resident": 200 * HOUSEHOLD, "company": COMPANY, "bank": BANK, "charity": FOUNDATION, "government": 0,
    }  # fmt: skip
    pg = s["funds_projects"]["playground"]
    assert [(p["amount"], p["final"]) for p in pg["payments"]] == [(FIRST, False), (FINAL, True)]
    assert pg["acceptances"] == 2 and pg["final_paid"] is True
    assert s["funds_traceability"]["community"]["rate"] == "100.0"


def test_AS7_aParkingRepaintFromCanteenMoney_isRefused_andChangesNothing(svc: LedgerService) -> None:
    before = statement(svc, S, "2026Q1")
    with pytest.raises(LedgerError) as e:
        funds.disburse(
            svc,
            S,
            "parking-repaint",
            "community",
            "canteen",
            5_000 * YUAN,
            DAY,
            ref="PR-1",
            evidence=EVIDENCE,
            signer=keeper(S),
        )
    assert "cannot pay for another" in e.value.message
    assert statement(svc, S, "2026Q1")["funds"] == before["funds"]


def test_AS7_traces_firstInFirstOut(svc: LedgerService) -> None:
    with svc.db.begin() as conn:
        t = community_trace(conn, svc.community_id(S))
    company = t.receipt("CO-0001")
    assert company is not None
    assert [(u["project"], u["amount"], u["final"]) for u in company["uses"]] == [
        ("playground", FIRST, False),
        ("playground", COMPANY - FIRST, True),
    ]
    assert COMPANY - FIRST == 50_000 * YUAN and company["unspent"] == 0
    for i in range(200):
        hh = t.receipt(f"HH-{i:04d}")
        assert hh is not None
        assert [(u["project"], u["amount"], u["final"]) for u in hh["uses"]] == [
            ("playground", HOUSEHOLD, True)
        ]
        assert hh["unspent"] == 0
    foundation = t.receipt("FD-0001")
    assert foundation is not None
    assert [(u["project"], u["amount"]) for u in foundation["uses"]] == [("canteen-kit", KIT)]
    assert foundation["unspent"] == FOUNDATION - KIT == 120_000 * YUAN
    bank = t.receipt("BK-0001")
    assert bank is not None and bank["uses"] == [] and bank["unspent"] == BANK


def test_AS7_theTrace_agreesWithTheContractsQueueHeadAndBalances(svc: LedgerService) -> None:
    cid = svc.community_id(S)
    with svc.db.begin() as conn:
        t = community_trace(conn, cid)
    for (fund, earmark), e in t.earmarks.items():
        _, balance, sources, head, head_spent = chain_view(
            svc,
            "earmarkInfo",
            bytes.fromhex(cid[2:]),
            fund.encode().ljust(32, b"\0"),
            earmark.encode().ljust(32, b"\0"),
        )
        assert (balance, sources, head, head_spent) == (e.balance, len(e.sources), e.head, e.head_spent)


def test_AS7_explorer_receiptLookup_andFundPagesWithTwins(svc: LedgerService) -> None:
    from fastapi.testclient import TestClient

    from ledger_service.api.app import create_app

    client = TestClient(create_app(svc))
    page = client.get(f"/c/{S}/funds/receipts/FD-0001")
    assert page.status_code == 200 and "canteen-kit" in page.text and "Sunrise Foundation" in page.text
    twin = client.get(f"/c/{S}/funds/receipts/FD-0001.json").json()
    assert [(u["project"], u["amount"]) for u in twin["uses"]] == [("canteen-kit", KIT)]
    assert twin["unspent"] == FOUNDATION - KIT
    funds_json = client.get(f"/c/{S}/funds.json").json()
    sources = [s for e in funds_json["earmarks"] for s in e["sources"]]
    assert len(sources) == 203 and all(s["tx_hash"] and s["block_number"] > 0 for s in sources)
    assert sum(p["amount"] for p in funds_json["payments"]) == FIRST + FINAL + KIT
    csv_lines = client.get(f"/c/{S}/funds.csv").text.lstrip("\ufeff").splitlines()
    assert csv_lines[0].startswith("fund,earmark,source,kind,receipt") and len(csv_lines) == 204
    assert client.get(f"/c/{S}/funds/receipts/NOPE").status_code == 404
    assert client.get(f"/c/{S}/funds?lang=en").status_code == 200
