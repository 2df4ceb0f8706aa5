"""Oversight contract: the revenue-contract register, objections and their deadlines, and the
budget rules (the "other" share and the contingency line), on a real anvil."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger_service.oversight.encoding import (
    BudgetLine,
    contingency_allowed,
    encode_lines,
    other_share_allowed,
)
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger
from tests.oversight.harness import (
    approve,
    at,
    b16,
    b32,
    call,
    close_period,
    event,
    rejects,
    send,
    set_up_committee,
)

D = dt.date
Z = b"\0" * 32
EVIDENCE = b"\x11" * 32


def _register(
    led: Ledger, c: Community, number: str, dues: list[dt.date], amounts: list[int], who: str = "accountant"
) -> dict:
    return send(
        led,
        c.people[who],
        "registerRevenueContract",
        c.id,
        b32(number),
        b16("ad_space"),
        b16("elevator_ads"),
        b"\x21" * 32,
        [day_number(d) for d in dues],
        amounts,
        b"\x22" * 32,
    )


# -- the register of revenue contracts ---------------------------------------------------------------


def test_registerRevenueContract_numbersContracts_andRefusesATakenNumber(
    fresh: Ledger, lotus: Community, bamboo: Community
) -> None:
    fresh.set_time(at(D(2026, 1, 10)))
    r = _register(fresh, lotus, "AD-2026-01", [D(2026, 3, 31), D(2026, 6, 30)], [3_000_000, 3_000_000])
    ev = event(fresh, r, "RevenueContractRegistered")
    assert (ev["contractId"], ev["number"], list(ev["amounts"])) == (
        1,
        b32("AD-2026-01"),
        [3_000_000, 3_000_000],
    )
    assert list(ev["dueDates"]) == [day_number(D(2026, 3, 31)), day_number(D(2026, 6, 30))]
    assert call(fresh, "contractIdOf", lotus.id, b32("AD-2026-01")) == (1,)
    # the committee may register too; numbers are per community
    r2 = _register(fresh, lotus, "PK-7", [D(2026, 2, 1)], [50_000], who="committee")
    assert event(fresh, r2, "RevenueContractRegistered")["contractId"] == 2
    assert (
        event(
            fresh, _register(fresh, bamboo, "AD-2026-01", [D(2026, 2, 1)], [1]), "RevenueContractRegistered"
        )["contractId"]
        == 1
    )
    args = rejects(
        fresh,
        "OversightContractNumberTaken",
        lotus.people["accountant"],
        "registerRevenueContract",
        lotus.id,
        b32("AD-2026-01"),
        b16("ad_space"),
        b16("elevator_ads"),
        Z,
        [day_number(D(2026, 9, 1))],
        [1],
        Z,
    )
    assert args["contractId"] == 1


@pytest.mark.parametrize(
    ("number", "dues", "amounts", "error", "reason"),
    [
        ("", [D(2026, 2, 1)], [1], "OversightInvalidContract", 1),
        ("X-1", [], [], "OversightInvalidContract", 2),
        ("X-1", [D(2026, 2, 1)], [1, 2], "OversightInvalidContract", 2),
        ("X-1", [D(2026, 2, 1), D(2026, 2, 1)], [1, 2], "OversightInvalidContract", 3),
        ("X-1", [D(2026, 2, 1)], [0], "OversightAmountOutOfRange", None),
        ("X-1", [D(2026, 2, 1)], [2**53], "OversightAmountOutOfRange", None),
    ],
)
def test_registerRevenueContract_refusesMalformedSchedules(
    fresh: Ledger,
    lotus: Community,
    number: str,
    dues: list[dt.date],
    amounts: list[int],
    error: str,
    reason: int | None,
) -> None:
    args = rejects(
        fresh,
        error,
        lotus.people["accountant"],
        "registerRevenueContract",
        lotus.id,
        b32(number),
        b16("ad_space"),
        b16("elevator_ads"),
        Z,
        [day_number(d) for d in dues],
        amounts,
        Z,
    )
    if reason is not None:
        assert args["reason"] == reason


def test_registerRevenueContract_needsAccountantOrCommittee(
    fresh: Ledger, lotus: Community, bamboo: Community
) -> None:
    for who in (fresh.outsider, lotus.people["coordinator"], bamboo.people["accountant"]):
        args = rejects(
            fresh,
            "OversightMissingRole",
            who,
            "registerRevenueContract",
            lotus.id,
            b32("X-1"),
            b16("ad_space"),
            b16("parking"),
            Z,
            [day_number(D(2026, 2, 1))],
            [1],
            Z,
        )
        assert args["account"] == who.address


def test_endRevenueContract_committeeOnly_neverRetroactive_once(fresh: Ledger, lotus: Community) -> None:
    fresh.set_time(at(D(2026, 5, 10)))
    _register(fresh, lotus, "ST-1", [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30)], [100, 100, 100])
    committee = lotus.people["committee"]
    rejects(
        fresh,
        "AccessMissingRole",
        lotus.people["accountant"],
        "endRevenueContract",
        lotus.id,
        1,
        day_number(D(2026, 6, 1)),
        b32("moved"),
    )
    args = rejects(
        fresh,
        "OversightRetroactiveEnd",
        committee,
        "endRevenueContract",
        lotus.id,
        1,
        day_number(D(2026, 5, 9)),
        b32("moved"),
    )
    assert args["today"] == day_number(D(2026, 5, 10))
    rejects(
        fresh,
        "OversightUnknownContract",
        committee,
        "endRevenueContract",
        lotus.id,
        2,
        day_number(D(2026, 6, 1)),
        b32("x"),
    )
    ev = event(
        fresh,
        send(fresh, committee, "endRevenueContract", lotus.id, 1, day_number(D(2026, 5, 10)), b32("moved")),
        "RevenueContractEnded",
    )
    assert (ev["contractId"], ev["endDate"]) == (1, day_number(D(2026, 5, 10)))
    rejects(
        fresh,
        "OversightContractAlreadyEnded",
        committee,
        "endRevenueContract",
        lotus.id,
        1,
        day_number(D(2026, 6, 1)),
        b32("x"),
    )


# -- objections ----------------------------------------------------------------------------------------


def _q1_closed(led: Ledger, c: Community, close_on: dt.date) -> bytes:
    led.set_time(at(D(2026, 2, 1)))
    led.income(c, 100_000, D(2026, 1, 5), ref="AD-1")
    led.set_time(at(close_on, 9))
    return close_period(led, c, D(2026, 1, 1), D(2026, 3, 31), "2026Q1")


def _file(led: Ledger, c: Community, objector: bytes, entry: int = 0, evidence: bytes = EVIDENCE) -> dict:
    r = send(
        led,
        led.outsider,
        "fileObjection",
        c.id,
        day_number(D(2026, 1, 1)),
        day_number(D(2026, 3, 31)),
        objector,
        entry,
        evidence,
    )
    return event(led, r, "ObjectionFiled")


def test_fileObjection_refusesAPeriodNotClosed_anUnknownEntry_andADuplicate(
    fresh: Ledger, lotus: Community
) -> None:
    fresh.set_time(at(D(2026, 4, 2)))
    q1 = (day_number(D(2026, 1, 1)), day_number(D(2026, 3, 31)))
    rejects(
        fresh,
        "OversightPeriodNotClosed",
        fresh.outsider,
        "fileObjection",
        lotus.id,
        *q1,
        b"\x01" * 32,
        0,
        EVIDENCE,
    )
    rejects(fresh, "OversightPeriodNotClosed", fresh.outsider, "noteClose", lotus.id, *q1)
    _q1_closed(fresh, lotus, D(2026, 4, 2))
    rejects(
        fresh, "OversightInvalidObjection", fresh.outsider, "fileObjection", lotus.id, *q1, Z, 0, EVIDENCE
    )
    rejects(
        fresh, "OversightInvalidObjection", fresh.outsider, "fileObjection", lotus.id, *q1, b"\x01" * 32, 0, Z
    )
    next_seq = fresh.next_seq(lotus)
    rejects(
        fresh,
        "OversightUnknownEntry",
        fresh.outsider,
        "fileObjection",
        lotus.id,
        *q1,
        b"\x01" * 32,
        next_seq,
        EVIDENCE,
    )
    first = _file(fresh, lotus, b"\x01" * 32, entry=next_seq - 1)
    args = rejects(
        fresh,
        "OversightDuplicateObjection",
        fresh.outsider,
        "fileObjection",
        lotus.id,
        *q1,
        b"\x01" * 32,
        0,
        EVIDENCE,
    )
    assert args["objectionId"] == first["objectionId"] == 1
    # the first objection noted the close; noting it again is refused
    rejects(fresh, "OversightCloseAlreadyNoted", fresh.outsider, "noteClose", lotus.id, *q1)


def test_objectionWindow_is15DaysFromTheNotedClose_inLocalDays(fresh: Ledger, lotus: Community) -> None:
    key = _q1_closed(fresh, lotus, D(2026, 4, 2))
    r = send(
        fresh,
        lotus.people["accountant"],
        "noteClose",
        lotus.id,
        day_number(D(2026, 1, 1)),
        day_number(D(2026, 3, 31)),
    )
    noted = event(fresh, r, "PeriodCloseNoted")
    assert (noted["periodKey"], noted["closeDay"]) == (key, day_number(D(2026, 4, 2)))
    fresh.set_time(at(D(2026, 4, 17), 23))  # close day + 15, late evening: still on time
    on_time = _file(fresh, lotus, b"\x01" * 32)
    assert (on_time["late"], on_time["filedDay"]) == (False, day_number(D(2026, 4, 17)))
    assert on_time["answerDueDay"] == day_number(D(2026, 4, 24))
    fresh.set_time(at(D(2026, 4, 18), 0))  # just past local midnight: late, and recorded as such
    late = _file(fresh, lotus, b"\x02" * 32)
    assert late["late"] is True
    assert call(fresh, "objection", lotus.id, late["objectionId"]) == (
        key,
        day_number(D(2026, 4, 18)),
        True,
        False,
    )


def test_objection_answeredByALinkedCorrection_writtenAfterIt(fresh: Ledger, lotus: Community) -> None:
    _q1_closed(fresh, lotus, D(2026, 4, 2))
    fresh.set_time(at(D(2026, 4, 5)))
    filed = _file(fresh, lotus, b"\x01" * 32, entry=1)
    first = filed["firstCorrectionSeq"]
    assert first == fresh.next_seq(lotus)
    acct = lotus.people["accountant"]
    oid = filed["objectionId"]
    # an entry from before the objection (the original) or one not yet written cannot answer it
    args = rejects(
        fresh, "OversightCorrectionNotAfterObjection", acct, "answerWithCorrection", lotus.id, oid, 1, Z
    )
    assert (args["firstSeq"], args["nextSeq"]) == (first, first)
    rejects(
        fresh, "OversightCorrectionNotAfterObjection", acct, "answerWithCorrection", lotus.id, oid, first, Z
    )
    # the missing income is posted in the open period, and named as the answer
    fresh.income(lotus, 20_000, D(2026, 4, 5), ref="AD-1/late")
    r = send(fresh, acct, "answerWithCorrection", lotus.id, oid, first, b"\x33" * 32)
    ev = event(fresh, r, "ObjectionCorrected")
    assert (ev["correctionSeq"], ev["late"], ev["answeredDay"]) == (first, False, day_number(D(2026, 4, 5)))
    rejects(fresh, "OversightAlreadyAnswered", acct, "answerWithCorrection", lotus.id, oid, first, Z)
    rejects(
        fresh,
        "OversightAlreadyAnswered",
        lotus.people["committee"],
        "rejectObjection",
        lotus.id,
        oid,
        b32("x"),
        b"\x01" * 32,
    )
    rejects(fresh, "OversightUnknownObjection", acct, "answerWithCorrection", lotus.id, 9, first, Z)
    rejects(fresh, "OversightMissingRole", fresh.outsider, "answerWithCorrection", lotus.id, oid, first, Z)


def test_objection_rejectedWithReasons_byTheCommittee_lateAnswersRecordedAsLate(
    fresh: Ledger, lotus: Community
) -> None:
    _q1_closed(fresh, lotus, D(2026, 4, 2))
    fresh.set_time(at(D(2026, 4, 3)))
    a = _file(fresh, lotus, b"\x01" * 32)["objectionId"]
    b = _file(fresh, lotus, b"\x02" * 32)["objectionId"]
    committee = lotus.people["committee"]
    rejects(
        fresh,
        "AccessMissingRole",
        lotus.people["accountant"],
        "rejectObjection",
        lotus.id,
        a,
        b32("no"),
        b"\x01" * 32,
    )
    rejects(fresh, "OversightReasonRequired", committee, "rejectObjection", lotus.id, a, Z, b"\x01" * 32)
    rejects(fresh, "OversightReasonRequired", committee, "rejectObjection", lotus.id, a, b32("no"), Z)
    fresh.set_time(at(D(2026, 4, 10), 23))  # filed on the 3rd: due through the 10th
    on_time = event(
        fresh,
        send(fresh, committee, "rejectObjection", lotus.id, a, b32("invoice matches"), b"\x44" * 32),
        "ObjectionRejected",
    )
    assert (on_time["reason"], on_time["reasonHash"], on_time["late"]) == (
        b32("invoice matches"),
        b"\x44" * 32,
        False,
    )
    fresh.set_time(at(D(2026, 4, 11), 1))
    late = event(
        fresh,
        send(fresh, committee, "rejectObjection", lotus.id, b, b32("invoice matches"), b"\x44" * 32),
        "ObjectionRejected",
    )
    assert (late["late"], late["answeredDay"]) == (True, day_number(D(2026, 4, 11)))


# -- budgets -------------------------------------------------------------------------------------------


def _arrays(lines: list[tuple[str, str, int]]) -> tuple[list[bytes], list[bytes], list[int]]:
    return encode_lines([BudgetLine(*line) for line in lines])


def test_checkBudget_otherShare_atAndAroundTheDefaultLimit(fresh: Ledger, lotus: Community) -> None:
    # 10 % of 1,000,000 is exactly 100,000: accepted; one fen more is refused
    at_limit = _arrays([("maintenance", "repairs", 900_000), ("maintenance", "other", 100_000)])
    assert call(fresh, "checkBudget", lotus.id, *at_limit) == (1_000_000, 100_000, 0, 1_000)
    over = _arrays([("maintenance", "repairs", 900_000), ("maintenance", "other", 100_001)])
    args = rejects(fresh, "OversightOtherShareTooLarge", None, "checkBudget", lotus.id, *over)
    assert (args["other"], args["total"], args["limitBps"]) == (100_001, 1_000_001, 1_000)
    # "other" lines of several buckets add up; income lines are not spending
    split = _arrays(
        [
            ("maintenance", "repairs", 800_000),
            ("maintenance", "other", 60_000),
            ("welfare", "other", 40_000),
            ("welfare", "vouchers", 100_000),
            ("income", "elevator_ads", 5_000_000),
        ]
    )
    assert call(fresh, "checkBudget", lotus.id, *split)[:2] == (1_000_000, 100_000)
    split_over = _arrays(
        [
            ("maintenance", "repairs", 800_000),
            ("maintenance", "other", 60_000),
            ("welfare", "other", 40_001),
            ("welfare", "vouchers", 99_999),
        ]
    )
    rejects(fresh, "OversightOtherShareTooLarge", None, "checkBudget", lotus.id, *split_over)
    # the plans' bad case: 30 % unexplained
    rejects(
        fresh,
        "OversightOtherShareTooLarge",
        None,
        "checkBudget",
        lotus.id,
        *_arrays([("operations", "staff", 70), ("operations", "other", 30)]),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(explained=st.integers(1, 10**9), other=st.integers(1, 10**9))
@example(explained=9, other=1)
@example(explained=899_999, other=100_000)
@example(explained=900_000, other=100_000)
def test_checkBudget_otherShare_matchesTheIntegerRule(ledger: Ledger, explained: int, other: int) -> None:
    c = ledger.communities["lotus-garden"]
    arrays = _arrays([("maintenance", "works", explained), ("maintenance", "other", other)])
    total = explained + other
    if other_share_allowed(other, total, 1_000):
        assert call(ledger, "checkBudget", c.id, *arrays) == (total, other, 0, 1_000)
    else:
        rejects(ledger, "OversightOtherShareTooLarge", None, "checkBudget", c.id, *arrays)


@pytest.mark.parametrize("contingency", [99_999, 100_000, 150_000, 150_001])
def test_checkBudget_contingencyLine_10to15PercentOfTheTotal(
    fresh: Ledger, lotus: Community, contingency: int
) -> None:
    lines = [("maintenance", "repairs", 1_000_000 - contingency), ("maintenance", "contingency", contingency)]
    if contingency_allowed(contingency, 1_000_000):
        assert call(fresh, "checkBudget", lotus.id, *_arrays(lines))[2] == contingency
    else:
        args = rejects(
            fresh, "OversightContingencyOutOfRange", None, "checkBudget", lotus.id, *_arrays(lines)
        )
        assert (args["contingency"], args["total"]) == (contingency, 1_000_000)
    assert contingency_allowed(contingency, 1_000_000) is (contingency in (100_000, 150_000))


def test_checkBudget_refusesMalformedBudgets(fresh: Ledger, lotus: Community) -> None:
    b, p, a = _arrays([("maintenance", "repairs", 10)])
    assert rejects(fresh, "OversightInvalidBudget", None, "checkBudget", lotus.id, [], [], [])["reason"] == 1
    assert (
        rejects(fresh, "OversightInvalidBudget", None, "checkBudget", lotus.id, b, p, [10, 1])["reason"] == 1
    )
    assert rejects(fresh, "OversightInvalidBudget", None, "checkBudget", lotus.id, [Z], p, a)["reason"] == 2
    assert (
        rejects(fresh, "OversightInvalidBudget", None, "checkBudget", lotus.id, b * 2, p * 2, a * 2)["reason"]
        == 3
    )
    income_only = _arrays([("income", "parking", 10)])
    assert (
        rejects(fresh, "OversightInvalidBudget", None, "checkBudget", lotus.id, *income_only)["reason"] == 4
    )
    rejects(fresh, "OversightAmountOutOfRange", None, "checkBudget", lotus.id, b, p, [0])


def _hash(led: Ledger, c: Community, year: int, arrays: tuple, doc: bytes = b"\x66" * 32) -> bytes:
    return bytes(call(led, "budgetActionHash", c.id, year, *arrays, doc)[0])


def test_adoptBudget_onlyWithAnApprovedProposal_forExactlyItsContent(fresh: Ledger, lotus: Community) -> None:
    fresh.set_time(at(D(2026, 1, 5)))
    members = set_up_committee(fresh, lotus)
    arrays = _arrays(
        [
            ("maintenance", "repairs", 900_000),
            ("maintenance", "contingency", 100_000),
            ("income", "elevator_ads", 1_200_000),
        ]
    )
    acct = lotus.people["accountant"]
    rejects(fresh, "GovernanceApprovalRequired", acct, "adoptBudget", lotus.id, 2026, *arrays, b"\x66" * 32)
    # approved for another year's budget, or other amounts: still no approval for this one
    pid = approve(fresh, lotus, members, _hash(fresh, lotus, 2027, arrays))
    rejects(fresh, "GovernanceApprovalRequired", acct, "adoptBudget", lotus.id, 2026, *arrays, b"\x66" * 32)
    pid = approve(fresh, lotus, members, _hash(fresh, lotus, 2026, arrays))
    rejects(
        fresh, "OversightMissingRole", fresh.outsider, "adoptBudget", lotus.id, 2026, *arrays, b"\x66" * 32
    )
    ev = event(
        fresh, send(fresh, acct, "adoptBudget", lotus.id, 2026, *arrays, b"\x66" * 32), "BudgetAdopted"
    )
    assert (ev["year"], ev["version"], ev["proposalId"], ev["decisionType"]) == (2026, 1, pid, 0)
    assert (ev["total"], ev["other"], ev["contingency"], ev["otherLimitBps"]) == (
        1_000_000,
        0,
        100_000,
        1_000,
    )
    assert list(ev["amounts"]) == [900_000, 100_000, 1_200_000]
    # the approval is used once
    rejects(fresh, "GovernanceProposalClosed", acct, "adoptBudget", lotus.id, 2026, *arrays, b"\x66" * 32)
    # an amendment is a new approved version
    amended = _arrays([("maintenance", "repairs", 880_000), ("maintenance", "contingency", 120_000)])
    approve(fresh, lotus, members, _hash(fresh, lotus, 2026, amended))
    assert (
        event(
            fresh, send(fresh, acct, "adoptBudget", lotus.id, 2026, *amended, b"\x66" * 32), "BudgetAdopted"
        )["version"]
        == 2
    )
    assert call(fresh, "budgetVersion", lotus.id, 2026) == (2,)


def test_adoptBudget_tooMuchOther_isRefusedEvenWhenApproved_atAndAroundTheLimit(
    fresh: Ledger, lotus: Community
) -> None:
    fresh.set_time(at(D(2026, 1, 5)))
    members = set_up_committee(fresh, lotus)
    acct = lotus.people["accountant"]
    over = _arrays([("operations", "staff", 899_999), ("operations", "other", 100_001)])
    approve(fresh, lotus, members, _hash(fresh, lotus, 2026, over))
    args = rejects(
        fresh, "OversightOtherShareTooLarge", acct, "adoptBudget", lotus.id, 2026, *over, b"\x66" * 32
    )
    assert (args["other"], args["total"], args["limitBps"]) == (100_001, 1_000_000, 1_000)
    at_limit = _arrays([("operations", "staff", 900_000), ("operations", "other", 100_000)])
    approve(fresh, lotus, members, _hash(fresh, lotus, 2026, at_limit))
    assert (
        event(
            fresh, send(fresh, acct, "adoptBudget", lotus.id, 2026, *at_limit, b"\x66" * 32), "BudgetAdopted"
        )["other"]
        == 100_000
    )
    # the limit itself changes only through the process; then 12 % passes and 12 % + 1 fen does not
    committee = lotus.people["committee"]
    rejects(fresh, "GovernanceApprovalRequired", committee, "setOtherLimit", lotus.id, 1_200)
    approve(fresh, lotus, members, bytes(call(fresh, "otherLimitActionHash", lotus.id, 1_200)[0]))
    rejects(fresh, "AccessMissingRole", acct, "setOtherLimit", lotus.id, 1_200)
    assert (
        event(fresh, send(fresh, committee, "setOtherLimit", lotus.id, 1_200), "OtherLimitSet")["limitBps"]
        == 1_200
    )
    assert call(fresh, "otherLimitOf", lotus.id) == (1_200,)
    assert (
        call(
            fresh,
            "checkBudget",
            lotus.id,
            *_arrays([("operations", "staff", 880_000), ("operations", "other", 120_000)]),
        )[3]
        == 1_200
    )
    rejects(
        fresh,
        "OversightOtherShareTooLarge",
        None,
        "checkBudget",
        lotus.id,
        *_arrays([("operations", "staff", 879_999), ("operations", "other", 120_001)]),
    )
    rejects(fresh, "OversightInvalidLimit", committee, "setOtherLimit", lotus.id, 10_001)


def test_adoptBudget_withoutGovernance_isRefused(fresh: Ledger, lotus: Community) -> None:
    send(fresh, fresh.operator, "setGovernance", "0x" + "00" * 20)
    arrays = _arrays([("maintenance", "repairs", 900_000), ("maintenance", "contingency", 100_000)])
    rejects(
        fresh, "OversightNoGovernance", lotus.people["accountant"], "adoptBudget", lotus.id, 2026, *arrays, Z
    )
    rejects(fresh, "OversightNoGovernance", lotus.people["committee"], "setOtherLimit", lotus.id, 1_500)
    rejects(fresh, "OwnableUnauthorizedAccount", fresh.outsider, "setGovernance", fresh.outsider.address)
    assert call(fresh, "otherLimitOf", lotus.id) == (1_000,)
