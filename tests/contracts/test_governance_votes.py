"""Owners' votes against their decision types (PRC Civil Code art. 278), at and around every
threshold: property tests over the whole input space (the expected result computed here with
integer arithmetic), exact boundaries recorded on chain, and a community's own rule (2/3 of all
households consent for an old-estate renovation) deciding whether a payment may land."""

from __future__ import annotations

import datetime as dt

import pytest
from eth_account.signers.local import LocalAccount
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger_service.chain.abi import contract_abi
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, b32
from tests.governance.harness import (
    COMMON_PARTS,
    MAINTENANCE_USE,
    ORDINARY,
    RAISE_MAINTENANCE,
    REBUILD,
    Gov,
    Z,
    member_key,
    tally,
)

D = dt.date
MAX = 2**53 - 1
MAX_UNITS = 2**32 - 1

#: The statute's rules as (quorum num, den, pass num, den, inclusive, of total, area, heads).
STATUTE = {
    ORDINARY: (2, 3, 1, 2, False, False, True, True),
    MAINTENANCE_USE: (2, 3, 1, 2, False, False, True, True),
    RAISE_MAINTENANCE: (2, 3, 3, 4, True, False, True, True),
    REBUILD: (2, 3, 3, 4, True, False, True, True),
    COMMON_PARTS: (2, 3, 3, 4, True, False, True, True),
}
#: "2/3 of all households consent" (no quorum; units only; at least 2/3 of the total).
RENOVATION = (0, 0, 2, 3, True, True, False, True)


def expected(rule: tuple, t: tuple) -> tuple[bool, bool]:
    """(quorum met, passed), computed here with integer cross-multiplication only."""
    qn, qd, pn, pd, inclusive, of_total, area, heads = rule
    total_area, part_area, yes_area, _, total_units, part_units, yes_units, _ = t
    measures = ([(total_area, part_area, yes_area)] if area else []) + (
        [(total_units, part_units, yes_units)] if heads else []
    )
    quorum = all(qd == 0 or part * qd >= qn * total for total, part, _ in measures)
    yes_ok = all(
        (yes * pd >= pn * (total if of_total else part))
        if inclusive
        else (yes * pd > pn * (total if of_total else part))
        for total, part, yes in measures
    )
    return quorum, quorum and yes_ok


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# -- the rules themselves ---------------------------------------------------------------------------------


def test_ruleOf_theStatutoryTypes_areFixed_andUnknownTypesRefused(ledger: Ledger) -> None:
    gov = Gov(ledger)
    cid = ledger.communities["lotus-garden"].id
    for decision_type, rule in STATUTE.items():
        assert tuple(gov.call("ruleOf", cid, decision_type)[0]) == rule
    selector = contract_abi("Governance").errors["GovernanceUnknownDecisionType"].selector.hex()
    for unknown in (0, 6, 15, 16, 255):
        with pytest.raises(Exception, match=f"0x{selector}"):
            gov.call("ruleOf", cid, unknown)


# -- property tests over the input space (eth_call of the contract's own check) ---------------------------


@st.composite
def tallies(
    draw: st.DrawFn, max_total: int, fractions: tuple[tuple[int, int], ...]
) -> tuple[int, int, int, int]:
    """(total, participating, yes, paper) with participating and yes drawn anywhere, or within 2 of
    a threshold (quorum of the total, pass of the participating or of the total)."""
    total = draw(st.integers(1, max_total))

    def near(of: int) -> int:
        num, den = draw(st.sampled_from(fractions))
        centre = ceil_div(num * of, den) if draw(st.booleans()) else (num * of) // den
        return centre + draw(st.integers(-2, 2))

    part = draw(st.one_of(st.integers(0, total), st.builds(lambda: near(total))))
    part = min(max(part, 0), total)
    yes = draw(st.one_of(st.integers(0, part), st.builds(lambda: near(part)), st.builds(lambda: near(total))))
    yes = min(max(yes, 0), part)
    paper = draw(st.integers(0, part))
    return total, part, yes, paper


FRACTIONS = ((2, 3), (1, 2), (3, 4))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    decision_type=st.sampled_from(sorted(STATUTE)),
    area=tallies(MAX, FRACTIONS),
    units=tallies(MAX_UNITS, FRACTIONS),
)
@example(
    decision_type=ORDINARY, area=(3, 2, 2, 0), units=(3, 2, 1, 0)
)  # 2/3 turnout exactly; 1 of 2 is no majority
@example(decision_type=ORDINARY, area=(3, 2, 2, 0), units=(3, 2, 2, 0))
@example(decision_type=ORDINARY, area=(2_700_000, 1_799_999, 1_799_999, 0), units=(300, 200, 200, 0))
@example(decision_type=RAISE_MAINTENANCE, area=(2_700_000, 2_160_000, 1_750_000, 0), units=(300, 240, 190, 0))
@example(decision_type=RAISE_MAINTENANCE, area=(2_700_000, 2_160_000, 1_620_000, 0), units=(300, 240, 180, 0))
@example(decision_type=RAISE_MAINTENANCE, area=(2_700_000, 2_160_000, 1_619_999, 0), units=(300, 240, 180, 0))
@example(decision_type=REBUILD, area=(MAX, MAX, MAX, MAX), units=(MAX_UNITS, MAX_UNITS, MAX_UNITS, 0))
@example(decision_type=COMMON_PARTS, area=(1, 0, 0, 0), units=(1, 0, 0, 0))
def test_evaluate_statutoryTypes_matchIntegerArithmetic_everywhere(
    ledger: Ledger, decision_type: int, area: tuple, units: tuple
) -> None:
    gov = Gov(ledger)
    t = tally(area[0], area[1], area[2], units[0], units[1], units[2], area[3], units[3])
    rule = STATUTE[decision_type]
    assert tuple(gov.call("evaluate", rule, t)) == expected(rule, t)


@st.composite
def rules(draw: st.DrawFn) -> tuple:
    qd = draw(st.integers(0, 255))
    qn = 0 if qd == 0 else draw(st.integers(0, qd))
    pd = draw(st.integers(1, 255))
    pn = draw(st.integers(0, pd))
    area, heads = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
    return (qn, qd, pn, pd, draw(st.booleans()), draw(st.booleans()), area, heads)


@settings(max_examples=200, deadline=None)
@given(rule=rules(), area=tallies(MAX, FRACTIONS), units=tallies(MAX_UNITS, FRACTIONS))
@example(rule=RENOVATION, area=(1, 0, 0, 0), units=(200, 180, 133, 0))
@example(rule=RENOVATION, area=(1, 0, 0, 0), units=(200, 180, 134, 0))
def test_evaluate_configurableRules_matchIntegerArithmetic_everywhere(
    ledger: Ledger, rule: tuple, area: tuple, units: tuple
) -> None:
    gov = Gov(ledger)
    t = tally(area[0], area[1], area[2], units[0], units[1], units[2], area[3], units[3])
    assert tuple(gov.call("evaluate", rule, t)) == expected(rule, t)


# -- exact boundaries, recorded on chain --------------------------------------------------------------


@pytest.fixture
def governed(fresh: Ledger, lotus: Community) -> Community:
    Gov(fresh).set_up(lotus, [lotus.people["committee"], member_key("wang"), member_key("li")], 2)
    return lotus


def _boundary_cases(decision_type: int) -> list[tuple[str, tuple[int, ...], bool, bool]]:
    """(what, tally, quorum met, passed) just above, at and just below each threshold of the type, on
    totals that 3 and 4 do not divide. Thresholds computed here: turnout 3*p >= 2*t; majority
    2*y > p; special 4*y >= 3*p."""
    area, units = 2_700_001, 301
    qa, qu = ceil_div(2 * area, 3), ceil_div(2 * units, 3)
    special = STATUTE[decision_type][2:4] == (3, 4)

    def min_yes(p: int) -> int:
        return ceil_div(3 * p, 4) if special else p // 2 + 1

    full = dict(ta=area, pa=area, ya=area, tu=units, pu=units, yu=units)
    cases = []
    for what, change, quorum_ok, pass_ok in [
        ("area turnout just above 2/3", dict(pa=qa + 1, ya=qa + 1), True, True),
        ("area turnout at 2/3", dict(pa=qa, ya=qa), True, True),
        ("area turnout below 2/3", dict(pa=qa - 1, ya=qa - 1), False, False),
        ("unit turnout just above 2/3", dict(pu=qu + 1, yu=qu + 1), True, True),
        ("unit turnout at 2/3", dict(pu=qu, yu=qu), True, True),
        ("unit turnout below 2/3", dict(pu=qu - 1, yu=qu - 1), False, False),
        ("area yes just above threshold", dict(ya=min_yes(area) + 1), True, True),
        ("area yes at threshold", dict(ya=min_yes(area)), True, True),
        ("area yes below threshold", dict(ya=min_yes(area) - 1), True, False),
        ("unit yes just above threshold", dict(yu=min_yes(units) + 1), True, True),
        ("unit yes at threshold", dict(yu=min_yes(units)), True, True),
        ("unit yes below threshold", dict(yu=min_yes(units) - 1), True, False),
    ]:
        v = {**full, **change}
        cases.append((what, tally(v["ta"], v["pa"], v["ya"], v["tu"], v["pu"], v["yu"]), quorum_ok, pass_ok))
    return cases


@pytest.mark.parametrize("decision_type", sorted(STATUTE))
def test_recordVote_atAndJustBelowEveryThreshold(
    fresh: Ledger, governed: Community, decision_type: int
) -> None:
    gov = Gov(fresh)
    for i, (what, t, quorum_ok, pass_ok) in enumerate(_boundary_cases(decision_type)):
        pid = gov.propose(governed, bytes([decision_type, i]) + b"\0" * 30, decision_type)
        event = gov.vote(governed, pid, t)
        assert (event["quorumMet"], event["passed"]) == (quorum_ok, pass_ok), what
        assert (event["quorumMet"], event["passed"]) == expected(STATUTE[decision_type], t), what
        assert gov.status(governed, pid)[0] == (1 if pass_ok else 3), what


# -- a community's own rule: renovation by 2/3 of all households ----------------------------------


def test_renovation_twoThirdsOfAllHouseholds_133Fails_134Passes_andThePaymentLandsOnlyAfter(
    fresh: Ledger, lotus: Community
) -> None:
    """200 households; the old-estate renovation needs at least 2/3 of all of them to consent
    (3 * yes >= 2 * 200, so 134). A vote with 133 yes fails and the payment is refused; a new vote
    with 134 passes, the committee approves, and the payment lands."""
    gov = Gov(fresh)
    members: list[LocalAccount] = [lotus.people["committee"], member_key("wang"), member_key("li")]
    fresh.activate(lotus, ["maintenance", "welfare", "operations"], [6000, 3000, 1000], D(2026, 1, 1))
    fresh.income(lotus, 50_000_000, D(2026, 1, 1))
    gov.set_up(lotus, members, 2, spend_threshold=1_000_000)

    renovation = 16
    define = gov.propose(
        lotus,
        bytes(
            gov.call("decisionTypeActionHash", lotus.id, renovation, b32("renovation_2_3_all"), RENOVATION)[0]
        ),
    )
    gov.approve_by(lotus, define, members[1:])
    gov.send(
        lotus.people["admin"],
        "Governance",
        "defineDecisionType",
        lotus.id,
        define,
        renovation,
        b32("renovation_2_3_all"),
        RENOVATION,
    )
    assert tuple(gov.call("ruleOf", lotus.id, renovation)[0]) == RENOVATION

    amount = 8_000_000  # 80,000.00 from welfare for the renovation contractor
    pay = (lotus.id, 0, b32("welfare"), amount, day_number(fresh.today()), b32("RENO-1"), b"\3" * 32)

    def pay_args() -> tuple:
        return (pay[0], fresh.next_seq(lotus), *pay[2:])

    action = gov.spend_action(lotus, "welfare", amount, ref="RENO-1")
    first = gov.propose(lotus, action, renovation)
    gov.approve_by(lotus, first, members[1:])
    failed = gov.vote(lotus, first, tally(0, 0, 0, 200, 180, 133))
    assert (failed["quorumMet"], failed["passed"]) == (True, False)
    assert 3 * 133 < 2 * 200
    args = gov.rejects(
        "GovernanceProposalClosed", lotus.people["accountant"], "RevenueLedger", "spend", *pay_args()
    )
    assert args["status"] == 3
    assert fresh.balance(lotus, "welfare") == 15_000_000

    second = gov.propose(lotus, action, renovation)
    passed = gov.vote(lotus, second, tally(0, 0, 0, 200, 180, 134))
    assert passed["passed"] is True and 3 * 134 >= 2 * 200
    gov.rejects("GovernanceNotApproved", lotus.people["accountant"], "RevenueLedger", "spend", *pay_args())
    gov.approve_by(lotus, second, members[1:])
    receipt = fresh.send(lotus.people["accountant"], "RevenueLedger", "spend", *pay_args())
    [spent] = fresh.logs(receipt, "RevenueLedger", "Spent")
    assert spent["amount"] == amount
    assert fresh.balance(lotus, "welfare") == 15_000_000 - amount


def test_defineDecisionType_refusesBadRules_andRedefinition(fresh: Ledger, governed: Community) -> None:
    gov = Gov(fresh)
    admin = governed.people["admin"]
    for rule, reason in [
        ((0, 0, 1, 0, True, True, False, True), 1),
        ((0, 0, 3, 2, True, True, False, True), 1),
        ((3, 2, 1, 2, True, True, False, True), 1),
        ((0, 0, 1, 2, True, True, False, False), 2),
    ]:
        args = gov.rejects(
            "GovernanceInvalidRule", admin, "Governance", "defineDecisionType", governed.id, 1, 16, Z, rule
        )
        assert args["reason"] == reason
    args = gov.rejects(
        "GovernanceInvalidRule", admin, "Governance", "defineDecisionType", governed.id, 1, 5, Z, RENOVATION
    )
    assert args["reason"] == 3
