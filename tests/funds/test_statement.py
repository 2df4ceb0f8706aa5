"""A quarter of a public-welfare fund on a real service: 15 projects, donors of every type, a
revenue policy feeding it, government grants checked against their formula; the next quarter's
returned money and a refund. The statement (A-3 雙公開) lists every source by donor type and every
project's payments — compared with what this test posted, not with the statement's own sums."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from ledger_service.funds import commands as funds
from ledger_service.funds.encoding import DONOR_TYPES
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, set_date
from tests.funds.service import YUAN, approve, keeper, rep, set_up_community, statement

S = "fifteen-lane"
D = dt.date
Q1_DAY, Q2_DAY = D(2026, 3, 20), D(2026, 4, 20)
EARMARKS = ("elderly", "youth", "greening", "safety", "culture")
EVIDENCE = b"\x0e" * 32
INCOME, MUTUAL_AID_BPS = 120_000 * YUAN, 1800
FROM_REVENUE = INCOME * MUTUAL_AID_BPS // 10_000
RESIDENTS, PER_RESIDENT = 500, 20 * YUAN
AREA, PER_M2 = 2_700_000, 50  # 27,000.00 m² in 0.01 m²; 0.50 yuan per m²


def _amount(e: int, donor_type: str) -> int:
    if donor_type == "government":
        return PER_RESIDENT * RESIDENTS  # matches its formula
    return (e + 1) * 10_000 * YUAN + (DONOR_TYPES.index(donor_type) + 1) * 1_000 * YUAN


def _pay(
    svc: LedgerService, project: str, earmark: str, amount: int, *, final: bool, ref: str, when: D
) -> None:
    cid = svc.community_id(S)
    approve(
        svc,
        S,
        funds.disbursement_action_hash(cid, project, "public_welfare", earmark, amount, final, ref, EVIDENCE),
    )
    funds.disburse(
        svc, S, project, "public_welfare", earmark, amount, when, final=final, ref=ref, evidence=EVIDENCE,
        signer=keeper(S),
    )  # fmt: skip


@pytest.fixture(scope="module")
def posted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LedgerService, dict[str, Any]]]:
    """The quarter as posted: what this test wrote, kept beside the service to compare with."""
    svc = new_service(tmp_path_factory.mktemp("fifteen") / "home")
    log: dict[str, Any] = {
        "by_type": defaultdict(int),
        "payments": defaultdict(list),
        "donated": defaultdict(int),
    }
    try:
        set_up_community(
            svc, S, reps=1, policy={"maintenance": 10_000 - MUTUAL_AID_BPS, "mutual_aid": MUTUAL_AID_BPS}
        )
        k = keeper(S)
        set_date(svc, Q1_DAY)
        funds.create_fund(svc, S, "public_welfare", "public_welfare", 10**15, signer=k)
        funds.create_fund(svc, S, "grants", "grant", 10**15, signer=k)
        for e in EARMARKS:
            funds.open_earmark(svc, S, "public_welfare", e, signer=k)
        n = 0
        for i, e in enumerate(EARMARKS):
            for t in DONOR_TYPES:
                n += 1
                donor, _ = funds.donor_for(svc, S, name=f"{t} donor {i}", phone=f"139{n:08d}")
                amount = _amount(i, t)
                formula = (
                    {"formula": "per_resident", "rate": PER_RESIDENT, "units": RESIDENTS}
                    if t == "government"
                    else {}
                )
                funds.donate(
                    svc,
                    S,
                    funds.Donation(
                        "public_welfare", f"R-{n:03d}", donor, t, amount, Q1_DAY, earmark=e, **formula
                    ),
                    signer=k,
                )  # type: ignore[arg-type]
                log["by_type"][t] += amount
                log["donated"][e] += amount
        gov, _ = funds.donor_for(svc, S, name="District Civil Affairs Bureau", phone="021-6000-0000")
        funds.donate(
            svc,
            S,
            funds.Donation(
                "grants",
                "GR-001",
                gov,
                "government",
                13_000 * YUAN,
                Q1_DAY,
                formula="per_area",
                rate=PER_M2,
                units=AREA,
            ),
            signer=k,
        )
        # the revenue policy feeds the fund: 18 % of 120,000 of elevator ads, transferred by the accountant
        acct = f"{S}:accountant"
        revenue.post_income(svc, S, Income("elevator_ads", INCOME, D(2026, 2, 1), "ADS-2026"), signer=acct)
        funds.from_revenue(
            svc,
            S,
            "mutual_aid",
            FROM_REVENUE,
            D(2026, 2, 2),
            "public_welfare",
            "elderly",
            "TR-1",
            signer=acct,
        )
        for p in range(15):
            e = EARMARKS[p // 3]
            name = f"p{p + 1:02d}"
            funds.open_project(
                svc, S, name, "public_welfare", e, budget=20_000 * YUAN, acceptances_required=1, signer=k
            )
            first = (p + 1) * 1_000 * YUAN
            _pay(svc, name, e, first, final=False, ref=f"{name}-1", when=Q1_DAY)
            log["payments"][name].append((first, False))
            if p % 3 == 0:
                funds.accept_project(svc, S, name, Q1_DAY, b"\x0a" * 32, signer=rep(S))
                _pay(svc, name, e, 500 * YUAN, final=True, ref=f"{name}-2", when=Q1_DAY)
                log["payments"][name].append((500 * YUAN, True))
        # the next quarter: p01 gives 300 back to its earmark; the youth bank donor is refunded 2,000
        set_date(svc, Q2_DAY)
        funds.return_unspent(
            svc, S, "p01", "public_welfare", "elderly", 300 * YUAN, Q2_DAY, EVIDENCE, signer=k
        )
        cid = svc.community_id(S)
        approve(svc, S, funds.refund_action_hash(cid, "R-008", 2_000 * YUAN, EVIDENCE))
        funds.refund(svc, S, "R-008", "public_welfare", "youth", 2_000 * YUAN, Q2_DAY, EVIDENCE, signer=k)
        svc.sync()
        yield svc, log
    finally:
        svc.close()


def test_theQuarter_listsEverySourceByDonorType(posted: tuple[LedgerService, dict[str, Any]]) -> None:
    svc, log = posted
    s = statement(svc, S, "2026Q1")
    src = s["funds_sources"]["public_welfare"]
    assert src["by_donor_type"] == dict(log["by_type"])
    assert set(src["by_donor_type"]) == set(DONOR_TYPES)
    assert src["from_revenue"] == FROM_REVENUE == 21_600 * YUAN
    assert src["total"] == sum(log["by_type"].values()) + FROM_REVENUE
    for e in EARMARKS:
        assert s["funds"]["public_welfare"][e]["donated"] == log["donated"][e]


def test_theQuarter_listsEveryProjectsPayments(posted: tuple[LedgerService, dict[str, Any]]) -> None:
    svc, log = posted
    projects = statement(svc, S, "2026Q1")["funds_projects"]
    assert len(projects) == 15
    for name, payments in log["payments"].items():
        assert [(p["amount"], p["final"]) for p in projects[name]["payments"]] == payments
        assert projects[name]["paid"] == sum(a for a, _ in payments)
        assert all(
            p["evidence_hash"] == "0x" + EVIDENCE.hex() and p["tx_hash"] for p in projects[name]["payments"]
        )


def test_everyEarmark_reconciles_andTheNextQuarterOpensWhereThisOneClosed(
    posted: tuple[LedgerService, dict[str, Any]],
) -> None:
    svc, log = posted
    q1, q2 = statement(svc, S, "2026Q1"), statement(svc, S, "2026Q2")
    for fund, earmarks in q1["funds"].items():
        for e, f in earmarks.items():
            ins = f["opening"] + f["from_revenue"] + f["donated"] + f["returned"]
            assert f["closing"] == ins - f["disbursed"] - f["refunded"] >= 0
            assert q2["funds"][fund][e]["opening"] == f["closing"]
    paid = {e: 0 for e in EARMARKS}
    for name, payments in log["payments"].items():
        paid[EARMARKS[(int(name[1:]) - 1) // 3]] += sum(a for a, _ in payments)
    for e in EARMARKS:
        extra = FROM_REVENUE if e == "elderly" else 0
        assert q1["funds"]["public_welfare"][e]["closing"] == log["donated"][e] + extra - paid[e]
    assert q2["funds"]["public_welfare"]["elderly"]["returned"] == 300 * YUAN
    assert q2["funds"]["public_welfare"]["youth"]["refunded"] == 2_000 * YUAN
    assert q2["funds_sources"]["public_welfare"]["returned"] == 300 * YUAN


def test_grants_areCheckedAgainstTheirFormula(posted: tuple[LedgerService, dict[str, Any]]) -> None:
    svc, _ = posted
    s = statement(svc, S, "2026Q1")
    checks = {g["receipt"]: g for g in s["funds_grants"]}
    assert len(checks) == 6
    assert all(checks[f"R-{5 * i + 5:03d}"]["matches"] for i in range(5))
    bad = checks["GR-001"]
    assert (bad["expected"], bad["posted"], bad["matches"]) == (PER_M2 * AREA // 100, 13_000 * YUAN, False)
    assert "funds_grant_formula_mismatch" in s["flags"]


def test_everyDisbursedFen_isTraced(posted: tuple[LedgerService, dict[str, Any]]) -> None:
    svc, log = posted
    t = statement(svc, S, "2026Q2")["funds_traceability"]["public_welfare"]
    assert t["disbursed"] == sum(a for ps in log["payments"].values() for a, _ in ps)
    assert t["traced"] == t["disbursed"] and t["rate"] == "100.0"


def test_moneyFromRevenue_intoAnUnknownEarmark_isRefusedInWords(
    posted: tuple[LedgerService, dict[str, Any]],
) -> None:
    from ledger_service.core.errors import LedgerError

    svc, _ = posted
    revenue.post_income(svc, S, Income("elevator_ads", 10_000, Q2_DAY, "ADS-Q2"), signer=f"{S}:accountant")
    before = statement(svc, S, "2026Q2")["funds"]
    with pytest.raises(LedgerError) as e:
        funds.from_revenue(
            svc, S, "mutual_aid", 1_000, Q2_DAY, "public_welfare", "nope", "TR-9", signer=f"{S}:accountant"
        )
    assert e.value.message == f"fund 'public_welfare' of community {S} has no earmark 'nope'"
    assert statement(svc, S, "2026Q2")["funds"] == before
