"""Funds disbursements, returns and refunds on a real anvil with the real Governance contract's
approvals: exactly the approved action, owners' votes above the fund's threshold, acceptance
before the final payment, the FIFO queue head the contract keeps (AS-7), refunds only from a
donation's unspent fen, returns as new sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ledger_service.core.errors import ContractRejected
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, b32
from tests.funds.harness import BANK, CHARITY, COMPANY, RESIDENT, Approvals, FundsHarness, Gift

D = dt.date
YUAN = 100
EVIDENCE = b"\x0e" * 32


@pytest.fixture
def funds(fresh: Ledger) -> FundsHarness:
    h = FundsHarness(fresh)
    for c in fresh.communities.values():
        h.staff(c)
    return h


@pytest.fixture
def gov(fresh: Ledger) -> Approvals:
    return Approvals(fresh)


def _gift(
    led: Ledger, receipt: str, amount: int, donor_type: int, earmark: str, donor: bytes = b"\xaa" * 32
) -> Gift:
    return Gift("community", earmark, receipt, donor, amount, led.today(), donor_type)


def pay(
    funds: FundsHarness,
    gov: Approvals,
    c: Community,
    project: str,
    earmark: str,
    amount: int,
    *,
    final: bool = False,
    decision_type: int = 0,
    approve: bool = True,
    ref: str = "INV",
) -> dict[str, Any]:
    """Approve exactly this payment on Governance, then make it as the fund keeper."""
    if approve:
        h = funds.disbursement_hash(c, project, "community", earmark, amount, final, b32(ref), EVIDENCE)
        gov.approve(c, h, decision_type)
    today = day_number(funds.ledger.today())
    return funds.send(
        c.people["fund_keeper"],
        "disburse",
        c.id,
        funds.seq(c),
        b32(project),
        b32("community"),
        b32(earmark),
        amount,
        final,
        today,
        b32(ref),
        EVIDENCE,
        gas=8_000_000,
    )


def test_AS7_earmarks_paymentsAndTheQueueHead(
    funds: FundsHarness, gov: Approvals, fresh: Ledger, lotus: Community
) -> None:
    """AS-7: 1,200,000 donated; playground 450,000 then the final 250,000 after acceptance;
    canteen equipment 180,000; a parking repaint from canteen money is refused."""
    funds.create_fund(lotus, "community")
    for e in ("playground", "canteen", "parking"):
        funds.open_earmark(lotus, "community", e)
    funds.donate(lotus, _gift(fresh, "CO-1", 500_000 * YUAN, COMPANY, "playground"))
    households = [
        Gift(
            "community",
            "playground",
            f"HH-{i:03d}",
            bytes([i % 250 + 1, i // 250 + 1]) * 16,
            1_000 * YUAN,
            fresh.today(),
            RESIDENT,
            campaign="playground",
        )
        for i in range(200)
    ]
    funds.donate_batch(lotus, households[:100])
    funds.donate_batch(lotus, households[100:])
    funds.donate(lotus, _gift(fresh, "FD-1", 300_000 * YUAN, CHARITY, "canteen"))
    funds.donate(lotus, _gift(fresh, "BK-1", 200_000 * YUAN, BANK, "canteen"))
    donated = 500_000 + 200 * 1_000 + 300_000 + 200_000
    assert donated == 1_200_000
    funds.open_project(lotus, "playground", "community", "playground", 700_000 * YUAN, reps=2)
    funds.open_project(lotus, "canteen-kit", "community", "canteen", 180_000 * YUAN, reps=1)
    funds.open_project(lotus, "parking-repaint", "community", "parking", 10_000 * YUAN, reps=1)

    r = pay(funds, gov, lotus, "playground", "playground", 450_000 * YUAN)
    [ev] = funds.logs(r, "Disbursed")
    assert ev["amount"] == 450_000 * YUAN and ev["isFinal"] is False and ev["proposalId"] > 0
    pg = funds.earmark(lotus, "community", "playground")
    assert (pg["balance"], pg["head"], pg["head_spent"]) == (250_000 * YUAN, 0, 450_000 * YUAN)

    with pytest.raises(ContractRejected) as refused:
        pay(funds, gov, lotus, "playground", "playground", 250_000 * YUAN, final=True, approve=False)
    assert refused.value.error_name == "FundsNotAccepted"
    funds.accept(lotus, "rep1", "playground", fresh.today())
    funds.accept(lotus, "rep2", "playground", fresh.today())
    pay(funds, gov, lotus, "playground", "playground", 250_000 * YUAN, final=True)
    pg = funds.earmark(lotus, "community", "playground")
    assert (pg["balance"], pg["sources"], pg["head"], pg["head_spent"]) == (0, 201, 201, 0)
    assert funds.project(lotus, "playground")["closed"] is True
    funds.rejects(
        "FundsProjectClosed",
        lotus.people["fund_keeper"],
        "disburse",
        lotus.id,
        funds.seq(lotus),
        b32("playground"),
        b32("community"),
        b32("playground"),
        1,
        False,
        day_number(fresh.today()),
        b32("X"),
        EVIDENCE,
    )

    pay(funds, gov, lotus, "canteen-kit", "canteen", 180_000 * YUAN)
    ct = funds.earmark(lotus, "community", "canteen")
    assert (ct["balance"], ct["head"], ct["head_spent"]) == (320_000 * YUAN, 0, 180_000 * YUAN)

    err = funds.rejects(
        "FundsWrongPurpose",
        lotus.people["fund_keeper"],
        "disburse",
        lotus.id,
        funds.seq(lotus),
        b32("parking-repaint"),
        b32("community"),
        b32("canteen"),
        5_000 * YUAN,
        False,
        day_number(fresh.today()),
        b32("INV"),
        EVIDENCE,
    )
    assert err["project"] == "0x" + b32("parking-repaint").hex()
    assert funds.earmark(lotus, "community", "canteen")["balance"] == 320_000 * YUAN


def test_aPayment_needsAnApprovalForExactlyIt(
    funds: FundsHarness, gov: Approvals, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    funds.donate(lotus, _gift(fresh, "R-1", 10_000, RESIDENT, ""))
    funds.open_project(lotus, "p", "community", "general")
    with pytest.raises(ContractRejected) as e:
        pay(funds, gov, lotus, "p", "general", 1_000, approve=False)
    assert e.value.error_name == "GovernanceApprovalRequired"
    # an approval for 1,000 does not pay 1,001
    gov.approve(
        lotus, funds.disbursement_hash(lotus, "p", "community", "general", 1_000, False, b32("INV"), EVIDENCE)
    )
    with pytest.raises(ContractRejected) as e:
        pay(funds, gov, lotus, "p", "general", 1_001, approve=False)
    assert e.value.error_name == "GovernanceApprovalRequired"
    pay(funds, gov, lotus, "p", "general", 1_000, approve=False)
    # used once
    with pytest.raises(ContractRejected):
        pay(funds, gov, lotus, "p", "general", 1_000, approve=False)
    assert funds.earmark(lotus, "community", "general")["balance"] == 9_000


def test_aboveTheFundsThreshold_onlyAnOwnersVoteApproves(
    funds: FundsHarness, gov: Approvals, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community", threshold=100_000)
    funds.donate(lotus, _gift(fresh, "R-1", 1_000_000, COMPANY, ""))
    funds.open_project(lotus, "p", "community", "general")
    with pytest.raises(ContractRejected) as e:
        pay(funds, gov, lotus, "p", "general", 200_000)
    assert e.value.error_name == "FundsNeedsOwnersVote" and e.value.error_args["threshold"] == 100_000
    r = pay(funds, gov, lotus, "p", "general", 200_000, decision_type=1, ref="INV-2")
    assert funds.logs(r, "Disbursed")[0]["decisionType"] == 1
    pay(funds, gov, lotus, "p", "general", 100_000, ref="INV-3")  # at the threshold: the committee's
    assert funds.earmark(lotus, "community", "general")["balance"] == 700_000


def test_anEarmark_neverGoesBelowZero(
    funds: FundsHarness, gov: Approvals, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    funds.donate(lotus, _gift(fresh, "R-1", 5_000, RESIDENT, ""))
    funds.open_project(lotus, "p", "community", "general")
    with pytest.raises(ContractRejected) as e:
        pay(funds, gov, lotus, "p", "general", 5_001)
    assert e.value.error_name == "FundsInsufficientBalance"
    assert (e.value.error_args["balance"], e.value.error_args["amount"]) == (5_000, 5_001)


def _refund(
    funds: FundsHarness,
    gov: Approvals,
    c: Community,
    receipt: str,
    earmark: str,
    amount: int,
    approve: bool = True,
) -> dict:
    if approve:
        h = bytes(funds.call("refundActionHash", c.id, b32(receipt), amount, EVIDENCE)[0])
        gov.approve(c, h)
    return funds.send(
        c.people["fund_keeper"],
        "refund",
        c.id,
        funds.seq(c),
        b32(receipt),
        b32("community"),
        b32(earmark),
        amount,
        day_number(funds.ledger.today()),
        EVIDENCE,
    )


def test_aRefund_comesOnlyFromItsDonationsUnspentFen(
    funds: FundsHarness, gov: Approvals, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    funds.open_earmark(lotus, "community", "canteen")
    funds.donate(lotus, _gift(fresh, "FD-1", 300_000, CHARITY, "canteen"))
    funds.donate(lotus, _gift(fresh, "BK-1", 200_000, BANK, "canteen"))
    funds.open_project(lotus, "kit", "community", "canteen")
    pay(funds, gov, lotus, "kit", "canteen", 180_000)
    with pytest.raises(ContractRejected) as e:
        _refund(funds, gov, lotus, "FD-1", "canteen", 120_001, approve=False)
    assert e.value.error_name == "FundsRefundTooLarge" and e.value.error_args["unspent"] == 120_000
    with pytest.raises(ContractRejected) as e:
        _refund(funds, gov, lotus, "FD-1", "general", 1, approve=False)
    assert e.value.error_name == "FundsUnknownReceipt"
    r = _refund(funds, gov, lotus, "BK-1", "canteen", 200_000)
    assert funds.logs(r, "DonorRefunded")[0]["amount"] == 200_000
    assert funds.source(lotus, "community", "canteen", 1) == (200_000, 200_000, 1)
    assert funds.earmark(lotus, "community", "canteen")["balance"] == 120_000
    # the next payment skips the refunded source entirely
    pay(funds, gov, lotus, "kit", "canteen", 120_000, ref="INV-2")
    e2 = funds.earmark(lotus, "community", "canteen")
    # the head stops at the next source (refunded in full: nothing of it is left to pay)
    assert (e2["balance"], e2["head"], e2["head_spent"]) == (0, 1, 0)


def test_returnedMoney_isANewSource_andReassignmentNeedsADecision(
    funds: FundsHarness, gov: Approvals, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    for e in ("playground", "canteen"):
        funds.open_earmark(lotus, "community", e)
    funds.donate(lotus, _gift(fresh, "CO-1", 100_000, COMPANY, "playground"))
    funds.open_project(lotus, "pg", "community", "playground")
    pay(funds, gov, lotus, "pg", "playground", 60_000)
    keeper = lotus.people["fund_keeper"]
    today = day_number(fresh.today())
    err = funds.rejects(
        "FundsReturnTooLarge",
        keeper,
        "returnUnspent",
        lotus.id,
        funds.seq(lotus),
        b32("pg"),
        b32("community"),
        b32("playground"),
        60_001,
        today,
        EVIDENCE,
    )
    assert err["returnable"] == 60_000
    r = funds.send(
        keeper,
        "returnUnspent",
        lotus.id,
        funds.seq(lotus),
        b32("pg"),
        b32("community"),
        b32("playground"),
        5_000,
        today,
        EVIDENCE,
    )
    [ev] = funds.logs(r, "UnspentReturned")
    assert (ev["amount"], ev["source"], ev["proposalId"]) == (5_000, 1, 0)
    assert funds.source(lotus, "community", "playground", 1) == (5_000, 0, 3)
    assert funds.earmark(lotus, "community", "playground")["balance"] == 45_000
    # to another earmark: only by decision
    with pytest.raises(ContractRejected) as e:
        funds.send(
            keeper,
            "returnUnspent",
            lotus.id,
            funds.seq(lotus),
            b32("pg"),
            b32("community"),
            b32("canteen"),
            5_000,
            today,
            EVIDENCE,
        )
    assert e.value.error_name == "GovernanceApprovalRequired"
    gov.approve(
        lotus,
        bytes(
            funds.call(
                "returnActionHash", lotus.id, b32("pg"), b32("community"), b32("canteen"), 5_000, EVIDENCE
            )[0]
        ),
    )
    r = funds.send(
        keeper,
        "returnUnspent",
        lotus.id,
        funds.seq(lotus),
        b32("pg"),
        b32("community"),
        b32("canteen"),
        5_000,
        today,
        EVIDENCE,
    )
    assert funds.logs(r, "UnspentReturned")[0]["proposalId"] > 0
    assert funds.earmark(lotus, "community", "canteen")["balance"] == 5_000
    assert funds.project(lotus, "pg")["returned"] == 10_000
