"""A community's year on a real anvil → the real indexer → SQLite and PostgreSQL → statement@1's
oversight sections: budget vs actual with an overrun flag (exact at 115 %), revenue contracts
expected vs received (paid, overdue, missing), objections answered by a linked correcting entry
or a reasoned rejection, a late objection and a late answer; the same after a rebuild."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

import ledger_service.contexts  # noqa: F401  (every context's handlers and sections)
from ledger_service.db.session import Database
from ledger_service.indexer.streamer import Indexer
from ledger_service.indexer.tables import ChainRecord
from ledger_service.oversight.encoding import BudgetLine, encode_lines
from ledger_service.revenue.encoding import day_number
from ledger_service.statements.builder import build_statement
from ledger_service.statements.canonical import canonical_bytes
from ledger_service.statements.periods import Period
from tests.conftest import make_database_url
from tests.contracts.harness import Community, Ledger
from tests.oversight.harness import (
    activate_policy,
    approve,
    at,
    b16,
    b32,
    call,
    close_period,
    event,
    send,
    set_up_committee,
)

D = dt.date
Q1 = Period.quarter(2026, 1)
Q2 = Period.quarter(2026, 2)
BUDGET = [
    BudgetLine("maintenance", "repairs", 400_000),
    BudgetLine("maintenance", "elevator", 100_000),
    BudgetLine("maintenance", "contingency", 100_000),
    BudgetLine("welfare", "vouchers", 300_000),
    BudgetLine("operations", "other", 100_000),
    BudgetLine("income", "elevator_ads", 3_650_000),
]


def _spend(led: Ledger, c: Community, bucket: str, amount: int, when: dt.date, ref: str) -> int:
    seq = led.next_seq(c)
    led.send(
        c.people["accountant"],
        "RevenueLedger",
        "spend",
        c.id,
        seq,
        b32(bucket),
        amount,
        day_number(when),
        b32(ref),
        b"\3" * 32,
    )
    return seq


def _income(
    led: Ledger, c: Community, amount: int, when: dt.date, ref: str, source: str = "elevator_ads"
) -> int:
    seq = led.next_seq(c)
    led.income(c, amount, when, source=source, ref=ref)
    return seq


def _register(
    led: Ledger, c: Community, number: str, kind: str, source: str, dues: list[tuple[dt.date, int]]
) -> None:
    send(
        led,
        c.people["accountant"],
        "registerRevenueContract",
        c.id,
        b32(number),
        b16(kind),
        b16(source),
        b"\x21" * 32,
        [day_number(d) for d, _ in dues],
        [a for _, a in dues],
        b"\x22" * 32,
    )


def _object(led: Ledger, c: Community, who: int, entry: int) -> int:
    r = send(
        led,
        led.outsider,
        "fileObjection",
        c.id,
        day_number(Q1.start),
        day_number(Q1.end),
        bytes([who]) * 32,
        entry,
        bytes([who + 100]) * 32,
    )
    return int(event(led, r, "ObjectionFiled")["objectionId"])


@pytest.fixture(scope="module")
def story(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """The year, played once per module on the shared chain (rolled back afterwards)."""
    led = ledger
    snap = led.w3.provider.make_request("evm_snapshot", [])["result"]
    c = led.communities["lotus-garden"]
    try:
        led.set_time(at(D(2026, 1, 2)))
        activate_policy(
            led, c, ["maintenance", "welfare", "operations"], [6_000, 3_000, 1_000], D(2026, 1, 2)
        )
        members = set_up_committee(led, c)
        arrays = encode_lines(BUDGET)
        action = bytes(call(led, "budgetActionHash", c.id, 2026, *arrays, b"\x66" * 32)[0])
        proposal = approve(led, c, members, action)
        send(led, c.people["accountant"], "adoptBudget", c.id, 2026, *arrays, b"\x66" * 32)
        _register(
            led,
            c,
            "AD-2026-01",
            "ad_space",
            "elevator_ads",
            [(D(2026, 3, 31), 500_000), (D(2026, 6, 30), 500_000)],
        )
        _register(led, c, "PK-2026-02", "shared_parking", "shared_parking", [(D(2026, 3, 15), 80_000)])
        _register(
            led,
            c,
            "ST-2026-03",
            "stall_rental",
            "stall_rental",
            [(D(2026, 2, 28), 30_000), (D(2026, 3, 31), 30_000)],
        )
        led.set_time(at(D(2026, 4, 1)))
        inv9 = _income(led, c, 1_000_000, D(2026, 1, 10), "INV-9")
        _income(led, c, 30_000, D(2026, 2, 27), "ST-2026-03/2026-02", source="stall_rental")
        _income(led, c, 500_000, D(2026, 3, 20), "AD-2026-01/2026Q1")
        # a stall payment posted by mistake and reversed: the contract gets nothing from it
        wrong = _income(led, c, 30_000, D(2026, 3, 25), "ST-2026-03/2026-03", source="stall_rental")
        led.send(
            c.people["accountant"],
            "RevenueLedger",
            "reverseIncome",
            c.id,
            led.next_seq(c),
            wrong,
            30_000,
            day_number(D(2026, 3, 25)),
            day_number(D(2026, 3, 26)),
            b32("bounced transfer"),
        )
        _spend(led, c, "maintenance", 400_000, D(2026, 2, 1), "repairs/PO-1")
        _spend(led, c, "maintenance", 60_001, D(2026, 3, 1), "repairs/PO-2")  # one fen past 115 %
        _spend(led, c, "maintenance", 115_000, D(2026, 3, 2), "elevator/PO-3")  # exactly 115 %: not over
        _spend(led, c, "welfare", 100_000, D(2026, 3, 3), "vouchers/V-1")
        _spend(led, c, "operations", 20_000, D(2026, 3, 4), "cleaning-supplies")  # no purpose: "other"
        q1_block = led.w3.eth.block_number
        led.set_time(at(D(2026, 4, 2)))
        close_period(led, c, Q1.start, Q1.end, "2026Q1")
        # the service notes the close at once: the 15 days of objections count from 2026-04-02
        send(led, c.people["accountant"], "noteClose", c.id, day_number(Q1.start), day_number(Q1.end))
        # Objections: A upheld by a correction, B rejected with reasons, C late, D answered late.
        led.set_time(at(D(2026, 4, 5)))
        a = _object(led, c, 1, inv9)
        b = _object(led, c, 2, 0)
        led.set_time(at(D(2026, 4, 6)))
        correction = _income(led, c, 200_000, D(2026, 4, 6), "INV-9/correction")
        send(led, c.people["accountant"], "answerWithCorrection", c.id, a, correction, b"\x33" * 32)
        send(
            led,
            c.people["committee"],
            "rejectObjection",
            c.id,
            b,
            b32("matches the bank statement"),
            b"\x44" * 32,
        )
        led.set_time(at(D(2026, 4, 18)))  # close day 2026-04-02 + 16
        late = _object(led, c, 3, 0)
        led.set_time(at(D(2026, 4, 26)))  # filed on the 18th: the answer was due by the 25th
        send(led, c.people["committee"], "rejectObjection", c.id, late, b32("out of scope"), b"\x45" * 32)
        d = _object(led, c, 4, 0)  # filed on the 26th, never answered: due by 2026-05-03
        yield {
            "led": led,
            "c": c,
            "cid": "0x" + c.id.hex(),
            "q1_block": q1_block,
            "inv9": inv9,
            "proposal": proposal,
            "a": a,
            "b": b,
            "late": late,
            "d": d,
            "correction": correction,
        }
    finally:
        led.w3.provider.make_request("evm_revert", [snap])
        for account in {
            led.operator,
            led.outsider,
            *(p for x in led.communities.values() for p in x.people.values()),
        }:
            led.sender.resync(account.address)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def indexed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, story: dict[str, Any]
) -> Iterator[tuple[Database, Indexer]]:
    """The story indexed once per database kind (the tests only read it; a rebuild gives it back)."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    urls = make_database_url(request.param, tmp_path)
    db = Database(next(urls))
    db.migrate()
    led = story["led"]
    with db.session() as s:
        s.add(
            ChainRecord(
                chain_id=led.deployment.chain_id,
                manifest=json.dumps(led.deployment.to_json(), sort_keys=True),
            )
        )
    indexer = Indexer(db, led.w3, led.deployment, range_size=5_000)
    indexer.run_once()
    try:
        yield db, indexer
    finally:
        db.dispose()
        for _ in urls:
            pass


def _statement(
    db: Database, story: dict[str, Any], period: Period, block: int | None = None
) -> dict[str, Any]:
    led = story["led"]
    block = block if block is not None else led.w3.eth.block_number
    with db.begin() as conn:
        built = build_statement(conn, "lotus-garden", period, as_of_block=block, as_of_hash="0x" + "00" * 32)
    return built.statement


def test_budgetVsActual_flagsALineMoreThan15PercentOver_exactlyAtTheBoundary(
    indexed: tuple[Database, Indexer], story: dict[str, Any]
) -> None:
    s = _statement(indexed[0], story, Q1, story["q1_block"])
    budget = s["budget"]
    assert (budget["year"], budget["version"], budget["proposal_id"]) == (2026, 1, story["proposal"])
    assert (budget["total"], budget["other"], budget["contingency"]) == (1_000_000, 100_000, 100_000)
    lines = {(x["bucket"], x["purpose"]): x for x in budget["lines"]}
    assert lines[("maintenance", "repairs")] == {
        "bucket": "maintenance",
        "purpose": "repairs",
        "budget": 400_000,
        "actual": 460_001,
        "remaining": -60_001,
        "over": True,
    }
    assert (lines[("maintenance", "elevator")]["actual"], lines[("maintenance", "elevator")]["over"]) == (
        115_000,
        False,
    )
    assert (lines[("welfare", "vouchers")]["actual"], lines[("welfare", "vouchers")]["over"]) == (
        100_000,
        False,
    )
    # spending that names no budgeted purpose counts against the bucket's "other" line
    assert (lines[("operations", "other")]["actual"], lines[("operations", "other")]["over"]) == (
        20_000,
        False,
    )
    assert lines[("maintenance", "contingency")]["actual"] == 0
    assert "budget_overrun:maintenance/repairs" in s["flags"]
    assert not [
        f for f in s["flags"] if f.startswith("budget_overrun:") and f != "budget_overrun:maintenance/repairs"
    ]
    # planned income: a year's 3,650,000 fen is 10,000 a day; Q1 has 90 days
    [ads] = [x for x in budget["income"] if x["source"] == "elevator_ads"]
    assert (ads["planned_to_date"], ads["actual"]) == (900_000, 1_500_000)
    assert ads["shortfall"] == 0


def test_revenueContracts_expectedVsReceived_overdueAndMissingFlagged_paidNot(
    indexed: tuple[Database, Indexer], story: dict[str, Any]
) -> None:
    s = _statement(indexed[0], story, Q1, story["q1_block"])
    by_number = {x["number"]: x for x in s["revenue_contracts"]}
    ad, pk, st = by_number["AD-2026-01"], by_number["PK-2026-02"], by_number["ST-2026-03"]
    assert (ad["expected_in_period"], ad["received_in_period"], ad["outstanding"], ad["status"]) == (
        500_000,
        500_000,
        0,
        "paid",
    )
    assert [i["paid"] for i in ad["instalments"]] == [True, False]  # the June instalment is not due yet
    assert (pk["expected_to_date"], pk["received_to_date"], pk["status"]) == (80_000, 0, "missing")
    assert (st["expected_to_date"], st["received_to_date"], st["outstanding"], st["status"]) == (
        60_000,
        30_000,
        30_000,
        "overdue",
    )
    assert [p["amount"] for p in st["payments"]] == [30_000, 30_000, -30_000]
    assert "contract_missing:PK-2026-02" in s["flags"]
    assert "contract_overdue:ST-2026-03" in s["flags"]
    assert not [f for f in s["flags"] if "AD-2026-01" in f]
    # Q2: the June instalment is due and unpaid, so the ad lease is now overdue
    q2 = {x["number"]: x for x in _statement(indexed[0], story, Q2)["revenue_contracts"]}
    assert (q2["AD-2026-01"]["expected_in_period"], q2["AD-2026-01"]["received_in_period"]) == (500_000, 0)
    assert q2["AD-2026-01"]["status"] == "overdue"


def test_objections_answeredByLinkedCorrectionOrReasonedRejection_lateOnesRecordedAsLate(
    indexed: tuple[Database, Indexer], story: dict[str, Any]
) -> None:
    s = _statement(indexed[0], story, Q2)
    objections = {o["objection_id"]: o for o in s["objections"]}
    a, b, late, d = (objections[story[k]] for k in ("a", "b", "late", "d"))
    assert a["entry_seq"] == story["inv9"]
    assert a["answer"]["kind"] == "correction"
    assert a["answer"]["correction_seq"] == story["correction"]
    assert (a["late"], a["answer"]["late"], a["period"]) == (
        False,
        False,
        {"from": "2026-01-01", "to": "2026-03-31"},
    )
    # the correcting entry is in the later period, and the original stays in the closed one
    [fix] = [e for e in s["entries"] if e.get("seq") == story["correction"]]
    assert (fix["kind"], fix["business_date"], fix["amount"]) == ("income", "2026-04-06", 200_000)
    q1 = _statement(indexed[0], story, Q1, story["q1_block"])
    assert [e["amount"] for e in q1["entries"] if e.get("seq") == story["inv9"]] == [1_000_000]
    assert (b["answer"]["kind"], b["answer"]["reason"], b["answer"]["late"]) == (
        "rejection",
        "matches the bank statement",
        False,
    )
    assert (late["late"], late["filed_on"]) == (True, "2026-04-18")
    assert (late["answer"]["late"], late["answer"]["answered_on"]) == (True, "2026-04-26")
    assert f"objection_answered_late:{story['late']}" in s["flags"]
    assert (d["answer"], d["answer_due"]) == (None, "2026-05-03")
    # still open past its due day by the period's end: flagged as unanswered
    assert f"objection_unanswered:{story['d']}" in s["flags"]
    # objections are public by pseudonym only
    assert d["objector"] == "0x" + "04" * 32


def test_sections_areTheSameAfterARebuild(indexed: tuple[Database, Indexer], story: dict[str, Any]) -> None:
    db, indexer = indexed
    head = story["led"].w3.eth.block_number
    before = [canonical_bytes(_statement(db, story, p, head)) for p in (Q1, Q2)]
    indexer.rebuild()
    assert [canonical_bytes(_statement(db, story, p, head)) for p in (Q1, Q2)] == before


def test_explorerPage_showsOverrunsOverdueContractsAndAnswers(
    indexed: tuple[Database, Indexer], story: dict[str, Any]
) -> None:
    from fastapi.testclient import TestClient

    from explorer.app import create_explorer

    client = TestClient(create_explorer(indexed[0].url))
    page = client.get("/c/lotus-garden/2026Q1/oversight?lang=en")
    assert page.status_code == 200, page.text
    html = page.text
    assert "More than 15 % over" in html and html.count("More than 15 % over") == 1  # repairs only
    assert "AD-2026-01" in html and '<strong class="flag">Missing</strong>' in html
    assert '<strong class="flag">Overdue</strong>' in html
    assert "逾期" in client.get("/c/lotus-garden/2026Q1/oversight").text
    twin = client.get("/c/lotus-garden/2026Q2/oversight.json").json()
    assert f"objection_answered_late:{story['late']}" in twin["flags"]
    answers = {o["objection_id"]: o["answer"] for o in twin["objections"]}
    assert answers[story["a"]]["correction_seq"] == story["correction"]
    q2 = client.get("/c/lotus-garden/2026Q2/oversight?lang=en").text
    assert f"Corrected by entry #{story['correction']}" in q2 and "Rejected: matches the bank statement" in q2
    assert client.get("/c/nowhere/2026Q1/oversight").status_code == 404
