"""RevenueLedger behaviour on a real anvil: splits, owners_common, sequence, spending, reversals,
deposits, pauses, closed periods."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger_service.revenue.encoding import Income, day_number, pack_batch, unpack_parts
from tests.contracts.harness import Community, Ledger, at, b16, b32

D = dt.date
Z = b"\0" * 32
MAX = 2**53 - 1


def test_postIncome_splits603010_inTheSameTransaction(fresh: Ledger, lotus: Community) -> None:
    """REQUIREMENTS AS-1: 120,000 yuan of elevator ads -> 72,000 / 36,000 / 12,000."""
    fresh.activate(lotus, ["maintenance", "welfare", "operations"], [6000, 3000, 1000], D(2026, 1, 1))
    fresh.set_time(at(D(2026, 1, 20)))
    receipt = fresh.income(lotus, 12_000_000, D(2026, 1, 15))
    [event] = fresh.logs(receipt, "RevenueLedger", "IncomeRecorded")
    assert event["amount"] == 12_000_000 and event["policyVersion"] == 1
    assert unpack_parts(event["parts"]) == [7_200_000, 3_600_000, 1_200_000, 0, 0, 0, 0, 0]
    assert event["source"].rstrip(b"\0") == b"elevator_ads"
    assert event["businessDate"] == day_number(D(2026, 1, 15))
    assert [fresh.balance(lotus, b) for b in ("maintenance", "welfare", "operations")] == [
        7_200_000,
        3_600_000,
        1_200_000,
    ]
    # one event per income, nothing else emitted by the ledger
    assert len(receipt["logs"]) == 1


def test_postIncome_roundingRemainderGoesToFirstBucket(fresh: Ledger, lotus: Community) -> None:
    fresh.activate(lotus, ["a", "b", "c"], [3333, 3333, 3334], D(2026, 1, 1))
    receipt = fresh.income(lotus, 100, D(2026, 1, 1))
    [event] = fresh.logs(receipt, "RevenueLedger", "IncomeRecorded")
    # floor(33.33)=33, floor(33.33)=33, floor(33.34)=33; the 1 fen left goes to "a"
    assert unpack_parts(event["parts"])[:3] == [34, 33, 33]
    assert sum(unpack_parts(event["parts"])) == 100


def test_postIncome_withoutPolicy_landsInOwnersCommon_whichCannotBeSpent(
    fresh: Ledger, bamboo: Community
) -> None:
    receipt = fresh.income(bamboo, 1_000_000, D(2026, 1, 1), source="stall_rental")
    [event] = fresh.logs(receipt, "RevenueLedger", "IncomeRecorded")
    assert event["policyVersion"] == 0 and unpack_parts(event["parts"])[0] == 1_000_000
    assert fresh.balance(bamboo, "owners_common") == 1_000_000
    fresh.rejects(
        "RevenueOwnersCommonLocked",
        bamboo.people["accountant"],
        "RevenueLedger",
        "spend",
        bamboo.id,
        fresh.next_seq(bamboo),
        b32("owners_common"),
        1,
        day_number(D(2026, 1, 1)),
        Z,
        Z,
    )


def test_firstPolicy_reallocatesHeldIncome_byRecordedEntry(fresh: Ledger, bamboo: Community) -> None:
    """REQUIREMENTS AS-2: 10,000 held in Q1, a 60/40 policy in Q2 splits it 6,000 / 4,000."""
    fresh.set_time(at(D(2026, 2, 10)))
    fresh.income(bamboo, 1_000_000, D(2026, 2, 10), source="stall_rental")
    fresh.set_time(at(D(2026, 4, 15)))
    receipt = fresh.activate(bamboo, ["maintenance", "welfare"], [6000, 4000], D(2026, 4, 15))
    [moved] = fresh.logs(receipt, "RevenueLedger", "HeldReallocated")
    assert moved["amount"] == 1_000_000 and unpack_parts(moved["parts"])[:2] == [600_000, 400_000]
    assert moved["businessDate"] == day_number(D(2026, 4, 15))
    assert fresh.balance(bamboo, "owners_common") == 0
    assert fresh.balance(bamboo, "maintenance") == 600_000 and fresh.balance(bamboo, "welfare") == 400_000


def test_futurePolicy_holdsUntilInForce_thenReallocateHeld(fresh: Ledger, bamboo: Community) -> None:
    fresh.income(bamboo, 500, D(2026, 1, 1))
    fresh.activate(bamboo, ["m"], [10_000], D(2026, 2, 1))
    assert fresh.balance(bamboo, "owners_common") == 500
    fresh.rejects(
        "RevenueNoPolicyInForce",
        bamboo.people["accountant"],
        "RevenueLedger",
        "reallocateHeld",
        bamboo.id,
        fresh.next_seq(bamboo),
    )
    fresh.set_time(at(D(2026, 2, 1)))
    fresh.send(
        bamboo.people["accountant"], "RevenueLedger", "reallocateHeld", bamboo.id, fresh.next_seq(bamboo)
    )
    assert fresh.balance(bamboo, "m") == 500 and fresh.balance(bamboo, "owners_common") == 0
    fresh.rejects(
        "RevenueNothingHeld",
        bamboo.people["accountant"],
        "RevenueLedger",
        "reallocateHeld",
        bamboo.id,
        fresh.next_seq(bamboo),
    )


def test_policyVersions_splitByBusinessDate(fresh: Ledger, lotus: Community) -> None:
    """AS-3's effect: income dated 03-31 splits 60/40, income dated 04-01 splits 60/30/10."""
    fresh.activate(lotus, ["maintenance", "welfare"], [6000, 4000], D(2026, 1, 1))
    fresh.set_time(at(D(2026, 3, 20)))
    fresh.activate(lotus, ["maintenance", "welfare", "operations"], [6000, 3000, 1000], D(2026, 4, 1))
    fresh.set_time(at(D(2026, 4, 2)))
    words = pack_batch(
        [Income("parking", 10_000, D(2026, 3, 31), "A"), Income("parking", 10_000, D(2026, 4, 1), "B")]
    )
    receipt = fresh.send(
        lotus.people["accountant"], "RevenueLedger", "postIncomes", lotus.id, fresh.next_seq(lotus), words
    )
    first, second = fresh.logs(receipt, "RevenueLedger", "IncomeRecorded")
    assert (first["policyVersion"], unpack_parts(first["parts"])[:2]) == (1, [6000, 4000])
    assert (second["policyVersion"], unpack_parts(second["parts"])[:3]) == (2, [6000, 3000, 1000])
    assert fresh.call("RevenueLedger", "policyCount", lotus.id) == (2,)
    eff, buckets, bps = fresh.call("RevenueLedger", "policy", lotus.id, 2)
    assert eff == day_number(D(2026, 4, 1)) and [b.rstrip(b"\0") for b in buckets] == [
        b"maintenance",
        b"welfare",
        b"operations",
    ]
    assert list(bps) == [6000, 3000, 1000]


def test_activatePolicy_refusesEffectiveDateBeforeToday(fresh: Ledger, lotus: Community) -> None:
    fresh.set_time(at(D(2026, 3, 1)))
    args = fresh.rejects(
        "RevenueInvalidEffectiveDate",
        lotus.people["committee"],
        "Governance",
        "activatePolicy",
        lotus.id,
        1,
        [b32("m")],
        [10_000],
        day_number(D(2026, 2, 28)),
        Z,
    )
    assert args["earliest"] == day_number(D(2026, 3, 1))


@pytest.mark.parametrize(
    ("buckets", "bps", "reason"),
    [
        ([], [], 1),
        (["a"] * 9, [1000] * 9, 1),
        (["a", "b"], [5000], 1),
        (["a", "b"], [5000, 4999], 2),
        (["a", "b"], [10_000, 0], 3),
        (["a", "a"], [5000, 5000], 4),
        (["owners_common"], [10_000], 4),
    ],
)
def test_activatePolicy_refusesMalformedPolicies(
    fresh: Ledger, lotus: Community, buckets, bps, reason
) -> None:
    args = fresh.rejects(
        "RevenueInvalidPolicy",
        lotus.people["committee"],
        "Governance",
        "activatePolicy",
        lotus.id,
        1,
        [b32(b) for b in buckets],
        bps,
        day_number(D(2026, 1, 1)),
        Z,
    )
    assert args["reason"] == reason


def test_resentSequenceNumber_isRefused(fresh: Ledger, lotus: Community) -> None:
    seq = fresh.next_seq(lotus)
    fresh.send(
        lotus.people["accountant"],
        "RevenueLedger",
        "postIncome",
        lotus.id,
        seq,
        b16("parking"),
        100,
        day_number(D(2026, 1, 1)),
        b32("R1"),
        Z,
    )
    args = fresh.rejects(
        "RevenueWrongSequence",
        lotus.people["accountant"],
        "RevenueLedger",
        "postIncome",
        lotus.id,
        seq,
        b16("parking"),
        100,
        day_number(D(2026, 1, 1)),
        b32("R1"),
        Z,
    )
    assert (args["expected"], args["given"]) == (seq + 1, seq)
    assert fresh.balance(lotus, "owners_common") == 100  # applied exactly once


def test_batch_consumesOneSequenceNumberPerEntry(fresh: Ledger, lotus: Community) -> None:
    fresh.activate(lotus, ["m", "w", "o"], [6000, 3000, 1000], D(2026, 1, 1))
    seq = fresh.next_seq(lotus)
    incomes = [Income("advertising", 1000 + i, D(2026, 1, 1), f"B{i}") for i in range(100)]
    receipt = fresh.send(
        lotus.people["accountant"], "RevenueLedger", "postIncomes", lotus.id, seq, pack_batch(incomes)
    )
    events = fresh.logs(receipt, "RevenueLedger", "IncomeRecorded")
    assert [e["seq"] for e in events] == list(range(seq, seq + 100))
    assert fresh.next_seq(lotus) == seq + 100
    total = sum(i.amount for i in incomes)
    assert fresh.balance(lotus, "m") + fresh.balance(lotus, "w") + fresh.balance(lotus, "o") == total
    fresh.rejects(
        "RevenueMalformedBatch",
        lotus.people["accountant"],
        "RevenueLedger",
        "postIncomes",
        lotus.id,
        fresh.next_seq(lotus),
        [Z, Z],
    )


@pytest.mark.parametrize("amount", [0, 2**53, 2**64 - 1])
def test_amountOutOfRange_isRefused(fresh: Ledger, lotus: Community, amount: int) -> None:
    fresh.rejects(
        "RevenueAmountOutOfRange",
        lotus.people["accountant"],
        "RevenueLedger",
        "postIncome",
        lotus.id,
        1,
        b16("parking"),
        amount,
        day_number(D(2026, 1, 1)),
        Z,
        Z,
    )


def test_largestAmount_isAccepted(fresh: Ledger, lotus: Community) -> None:
    fresh.income(lotus, MAX, D(2026, 1, 1))
    assert fresh.balance(lotus, "owners_common") == MAX


def test_futureDatedIncome_isRefused(fresh: Ledger, lotus: Community) -> None:
    fresh.set_time(at(D(2026, 1, 10), hour=23))  # 23:00 in Shanghai is 15:00 UTC the same day
    fresh.income(lotus, 100, D(2026, 1, 10))
    args = fresh.rejects(
        "RevenueFutureDate",
        lotus.people["accountant"],
        "RevenueLedger",
        "postIncome",
        lotus.id,
        fresh.next_seq(lotus),
        b16("parking"),
        100,
        day_number(D(2026, 1, 11)),
        Z,
        Z,
    )
    assert args["today"] == day_number(D(2026, 1, 10))


def test_spend_neverBelowZero(fresh: Ledger, lotus: Community) -> None:
    fresh.activate(lotus, ["maintenance", "welfare"], [6000, 4000], D(2026, 1, 1))
    fresh.income(lotus, 10_000, D(2026, 1, 1))
    receipt = fresh.spend(lotus, "maintenance", 6000, D(2026, 1, 1))
    [spent] = fresh.logs(receipt, "RevenueLedger", "Spent")
    assert spent["amount"] == 6000 and spent["bucket"].rstrip(b"\0") == b"maintenance"
    args = fresh.rejects(
        "RevenueInsufficientBalance",
        lotus.people["accountant"],
        "RevenueLedger",
        "spend",
        lotus.id,
        fresh.next_seq(lotus),
        b32("maintenance"),
        1,
        day_number(D(2026, 1, 1)),
        Z,
        Z,
    )
    assert (args["balance"], args["amount"]) == (0, 1)
    fresh.rejects(
        "RevenueUnknownBucket",
        lotus.people["accountant"],
        "RevenueLedger",
        "spend",
        lotus.id,
        fresh.next_seq(lotus),
        b32("parks"),
        1,
        day_number(D(2026, 1, 1)),
        Z,
        Z,
    )


def test_reversals_nameTheOriginal_andCannotBeReversedThemselves(fresh: Ledger, lotus: Community) -> None:
    fresh.activate(lotus, ["m", "w"], [6000, 4000], D(2026, 1, 1))
    fresh.income(lotus, 10_000, D(2026, 1, 1))
    income_seq = fresh.next_seq(lotus) - 1
    acct = lotus.people["accountant"]
    day = day_number(D(2026, 1, 1))
    receipt = fresh.send(
        acct,
        "RevenueLedger",
        "reverseIncome",
        lotus.id,
        fresh.next_seq(lotus),
        income_seq,
        10_000,
        day,
        day,
        b32("duplicate posting"),
    )
    [rev] = fresh.logs(receipt, "RevenueLedger", "IncomeReversed")
    assert rev["originalSeq"] == income_seq and unpack_parts(rev["parts"])[:2] == [6000, 4000]
    assert fresh.balance(lotus, "m") == 0 and fresh.balance(lotus, "w") == 0
    reversal_seq = fresh.next_seq(lotus) - 1
    fresh.rejects(
        "RevenueAlreadyReversed",
        acct,
        "RevenueLedger",
        "reverseIncome",
        lotus.id,
        fresh.next_seq(lotus),
        income_seq,
        10_000,
        day,
        day,
        Z,
    )
    fresh.rejects(
        "RevenueCannotReverseReversal",
        acct,
        "RevenueLedger",
        "reverseIncome",
        lotus.id,
        fresh.next_seq(lotus),
        reversal_seq,
        10_000,
        day,
        day,
        Z,
    )
    fresh.rejects(
        "RevenueUnknownEntry",
        acct,
        "RevenueLedger",
        "reverseIncome",
        lotus.id,
        fresh.next_seq(lotus),
        fresh.next_seq(lotus),
        10_000,
        day,
        day,
        Z,
    )


def test_reverseSpend_returnsTheMoney_onlyForTheRecordedBucketAndAmount(
    fresh: Ledger, lotus: Community
) -> None:
    fresh.activate(lotus, ["m", "w"], [6000, 4000], D(2026, 1, 1))
    fresh.income(lotus, 10_000, D(2026, 1, 1))
    fresh.spend(lotus, "m", 5000, D(2026, 1, 1))
    spend_seq = fresh.next_seq(lotus) - 1
    acct, day = lotus.people["accountant"], day_number(D(2026, 1, 1))
    fresh.rejects(
        "RevenueSpendMismatch",
        acct,
        "RevenueLedger",
        "reverseSpend",
        lotus.id,
        fresh.next_seq(lotus),
        spend_seq,
        b32("m"),
        5001,
        day,
        Z,
    )
    fresh.rejects(
        "RevenueSpendMismatch",
        acct,
        "RevenueLedger",
        "reverseSpend",
        lotus.id,
        fresh.next_seq(lotus),
        spend_seq,
        b32("w"),
        5000,
        day,
        Z,
    )
    fresh.send(
        acct,
        "RevenueLedger",
        "reverseSpend",
        lotus.id,
        fresh.next_seq(lotus),
        spend_seq,
        b32("m"),
        5000,
        day,
        b32("wrong invoice"),
    )
    assert fresh.balance(lotus, "m") == 6000
    fresh.rejects(
        "RevenueAlreadyReversed",
        acct,
        "RevenueLedger",
        "reverseSpend",
        lotus.id,
        fresh.next_seq(lotus),
        spend_seq,
        b32("m"),
        5000,
        day,
        Z,
    )
    # a spend is not an income: reverseIncome on it is refused
    fresh.spend(lotus, "w", 100, D(2026, 1, 1))
    fresh.rejects(
        "RevenueUnknownEntry",
        acct,
        "RevenueLedger",
        "reverseIncome",
        lotus.id,
        fresh.next_seq(lotus),
        fresh.next_seq(lotus) - 1,
        100,
        day,
        day,
        Z,
    )


def test_deposits_areLiabilities_neverAllocated(fresh: Ledger, lotus: Community) -> None:
    fresh.activate(lotus, ["m"], [10_000], D(2026, 1, 1))
    acct, day = lotus.people["accountant"], day_number(D(2026, 1, 1))
    fresh.send(
        acct,
        "RevenueLedger",
        "receiveDeposit",
        lotus.id,
        fresh.next_seq(lotus),
        500_000,
        day,
        b32("payer"),
        b32("DEP-1"),
        Z,
    )
    dep_seq = fresh.next_seq(lotus) - 1
    assert fresh.call("RevenueLedger", "depositsHeld", lotus.id) == (500_000,)
    assert fresh.balance(lotus, "m") == 0 and fresh.balance(lotus, "owners_common") == 0
    fresh.send(
        acct, "RevenueLedger", "returnDeposit", lotus.id, fresh.next_seq(lotus), dep_seq, 200_000, day, Z, Z
    )
    args = fresh.rejects(
        "RevenueDepositInsufficient",
        acct,
        "RevenueLedger",
        "returnDeposit",
        lotus.id,
        fresh.next_seq(lotus),
        dep_seq,
        300_001,
        day,
        Z,
        Z,
    )
    assert args["remaining"] == 300_000
    assert fresh.call("RevenueLedger", "depositsHeld", lotus.id) == (300_000,)


def test_pausedLedger_refusesIncome(fresh: Ledger, lotus: Community, bamboo: Community) -> None:
    receipt = fresh.send(lotus.people["admin"], "RevenueLedger", "setPaused", lotus.id, True)
    assert fresh.logs(receipt, "RevenueLedger", "CommunityPauseSet")[0]["paused"] is True
    fresh.rejects(
        "RevenuePaused",
        lotus.people["accountant"],
        "RevenueLedger",
        "postIncome",
        lotus.id,
        1,
        b16("parking"),
        100,
        day_number(D(2026, 1, 1)),
        Z,
        Z,
    )
    fresh.income(bamboo, 100, D(2026, 1, 1))  # another community is not affected
    fresh.send(lotus.people["admin"], "RevenueLedger", "setPaused", lotus.id, False)
    fresh.income(lotus, 100, D(2026, 1, 1))
    # the operator's global pause stops every community, and is itself an event
    receipt = fresh.send(fresh.operator, "RevenueLedger", "pause")
    assert fresh.logs(receipt, "RevenueLedger", "Paused")
    fresh.rejects(
        "EnforcedPause",
        bamboo.people["accountant"],
        "RevenueLedger",
        "postIncome",
        bamboo.id,
        fresh.next_seq(bamboo),
        b16("parking"),
        100,
        day_number(D(2026, 1, 1)),
        Z,
        Z,
    )


def test_closedPeriod_refusesIncomeDatedInside_andStaleStatementsCannotClose(
    fresh: Ledger, lotus: Community
) -> None:
    fresh.activate(lotus, ["m"], [10_000], D(2026, 1, 1))
    fresh.set_time(at(D(2026, 4, 2)))
    fresh.income(lotus, 100, D(2026, 1, 5))
    acct = lotus.people["accountant"]
    q1 = (
        lotus.id,
        b16("2026Q1"),
        day_number(D(2026, 1, 1)),
        day_number(D(2026, 3, 31)),
        b"\x07" * 32,
        b"\x08" * 32,
        2,
    )
    last = fresh.next_seq(lotus) - 1
    head = fresh.w3.eth.get_block("latest")
    at_head = (head["number"], bytes(head["hash"]))
    fresh.rejects("AuditUnknownBlock", acct, "AuditAnchor", "anchor", *q1, last, at_head[0], b"\x05" * 32)
    fresh.rejects("RevenueStaleStatement", acct, "AuditAnchor", "anchor", *q1, last - 1, *at_head)
    receipt = fresh.send(acct, "AuditAnchor", "anchor", *q1, last, *at_head)
    [anchored] = fresh.logs(receipt, "AuditAnchor", "StatementAnchored")
    assert anchored["statementHash"] == b"\7" * 32
    assert fresh.call("RevenueLedger", "closedThrough", lotus.id) == (day_number(D(2026, 3, 31)),)
    args = fresh.rejects(
        "RevenuePeriodClosed",
        acct,
        "RevenueLedger",
        "postIncome",
        lotus.id,
        fresh.next_seq(lotus),
        b16("parking"),
        100,
        day_number(D(2026, 3, 31)),
        Z,
        Z,
    )
    assert args["closedThrough"] == day_number(D(2026, 3, 31))
    fresh.income(lotus, 100, D(2026, 4, 1))
    fresh.rejects(
        "AuditAlreadyAnchored", acct, "AuditAnchor", "anchor", *q1, fresh.next_seq(lotus) - 1, *at_head
    )
    # the auditor attests the anchored hash, and only that hash
    key = fresh.call("AuditAnchor", "periodKeyOf", lotus.id, q1[2], q1[3])[0]
    auditor = lotus.people["auditor"]
    fresh.rejects("AuditHashMismatch", auditor, "AuditAnchor", "attest", lotus.id, key, b"\x09" * 32, Z)
    fresh.send(auditor, "AuditAnchor", "attest", lotus.id, key, b"\7" * 32, b"\1" * 32)
    fresh.rejects("AuditAlreadyAttested", auditor, "AuditAnchor", "attest", lotus.id, key, b"\7" * 32, Z)


def test_anchor_refusesAPeriodThatHasNotEnded(fresh: Ledger, lotus: Community) -> None:
    fresh.set_time(at(D(2026, 3, 31)))
    fresh.rejects(
        "AuditInvalidPeriod",
        lotus.people["accountant"],
        "AuditAnchor",
        "anchor",
        lotus.id,
        b16("2026Q1"),
        day_number(D(2026, 1, 1)),
        day_number(D(2026, 3, 31)),
        Z,
        Z,
        0,
        0,
        0,
        bytes(fresh.w3.eth.get_block(0)["hash"]),
    )
