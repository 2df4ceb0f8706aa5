"""Governance on a real anvil: the committee's own signatures (forged, replayed, expired, other
community / chain / contract), segregation of duties, committee changes mid-proposal, owners'
votes against their decision types, policies and spending only through the process."""

from __future__ import annotations

import datetime as dt

import pytest
from eth_account.signers.local import LocalAccount

from ledger_service.governance.signing import Domain, sign_approval
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, at, b32
from tests.governance.harness import (
    COMMON_PARTS,
    DAY,
    MAINTENANCE_USE,
    ORDINARY,
    RAISE_MAINTENANCE,
    Gov,
    Z,
    member_key,
    tally,
)

D = dt.date
OPEN, USED, FAILED, REJECTED, EXPIRED = 1, 2, 3, 4, 5


@pytest.fixture
def gov(fresh: Ledger) -> Gov:
    return Gov(fresh)


@pytest.fixture
def members(lotus: Community) -> list[LocalAccount]:
    """Three members: the community's committee-role holder (funded, can propose) and two keys that
    only ever sign."""
    return [lotus.people["committee"], member_key("wang"), member_key("li")]


@pytest.fixture
def governed(fresh: Ledger, gov: Gov, lotus: Community, members: list[LocalAccount]) -> Community:
    """lotus-garden with a 60/30/10 policy, 100,000.00 of income, then a 2-of-3 committee and a
    10,000.00 spending threshold."""
    fresh.activate(lotus, ["maintenance", "welfare", "operations"], [6000, 3000, 1000], D(2026, 1, 1))
    fresh.income(lotus, 10_000_000, D(2026, 1, 1))
    gov.set_up(lotus, members, 2, spend_threshold=1_000_000)
    return lotus


def _spend_args(led: Ledger, c: Community, bucket: str, amount: int, ref: str = "PAY") -> tuple:
    return (c.id, led.next_seq(c), b32(bucket), amount, day_number(led.today()), b32(ref), b"\3" * 32)


# -- committee set-up ---------------------------------------------------------------------------------


def test_setUpCommittee_onlyTheAdmin_once(gov: Gov, lotus: Community, members: list[LocalAccount]) -> None:
    gov.rejects(
        "AccessMissingRole", lotus.people["committee"], "Governance", "setUpCommittee",
        lotus.id, [m.address for m in members], 2, 0, b32("maintenance"),
    )  # fmt: skip
    receipt = gov.set_up(lotus, members, 2)
    [event] = gov.events(receipt, "CommitteeSet")
    assert event["epoch"] == 1 and event["threshold"] == 2 and event["proposalId"] == 0
    assert [a.lower() for a in event["members"]] == [m.address.lower() for m in members]
    args = gov.rejects(
        "GovernanceAlreadySetUp", lotus.people["admin"], "Governance", "setUpCommittee",
        lotus.id, [members[0].address], 1, 0, b32("maintenance"),
    )  # fmt: skip
    assert args["community"] == "0x" + lotus.id.hex()


@pytest.mark.parametrize(
    ("size", "threshold", "reason"),
    [(0, 1, 1), (16, 2, 1), (3, 0, 2), (3, 4, 2), (-1, 1, 3)],
)
def test_setUpCommittee_refusesMalformedCommittees(
    gov: Gov, lotus: Community, size: int, threshold: int, reason: int
) -> None:
    addresses = [member_key(f"m{i}").address for i in range(max(size, 0))]
    if size == -1:  # the same member twice
        addresses = [member_key("x").address] * 2
    args = gov.rejects(
        "GovernanceInvalidCommittee", lotus.people["admin"], "Governance", "setUpCommittee",
        lotus.id, addresses, threshold, 0, b32("maintenance"),
    )  # fmt: skip
    assert args["reason"] == reason


# -- signatures ---------------------------------------------------------------------------------------


def test_sign_membersOwnSignatures_reachMofN_andAreEvents(
    gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    pid = gov.propose(governed, b"\xaa" * 32)
    receipt = gov.relay(gov.sign(governed, pid, members[1]))
    [signed] = gov.events(receipt, "ProposalSigned")
    assert signed["member"].lower() == members[1].address.lower() and signed["approve"] is True
    assert (signed["approvals"], signed["rejections"]) == (1, 0)
    receipt = gov.relay(gov.sign(governed, pid, members[2], approve=False))
    [signed] = gov.events(receipt, "ProposalSigned")
    assert (signed["approvals"], signed["rejections"]) == (1, 1)
    assert gov.status(governed, pid) == (OPEN, 1, 1)
    gov.relay(gov.sign(governed, pid, members[0]))
    assert gov.status(governed, pid) == (OPEN, 2, 1)


def test_sign_forgedSignature_isRefused(gov: Gov, governed: Community, members: list[LocalAccount]) -> None:
    """Somebody else's key signing in a member's name (the service holding no member key cannot
    forge one)."""
    pid = gov.propose(governed, b"\xaa" * 32)
    cid, _, member, approve, expiry, _ = gov.sign(governed, pid, members[1])
    forged = sign_approval(member_key("impostor"), gov.domain, gov.approval(governed, pid, True, expiry))
    args = gov.rejects(
        "GovernanceBadSignature",
        gov.led.outsider,
        "Governance",
        "sign",
        cid,
        pid,
        member,
        approve,
        expiry,
        forged,
    )
    assert args["member"] == members[1].address and args["proposalId"] == pid
    garbage = b"\x11" * 65
    gov.rejects(
        "GovernanceBadSignature",
        gov.led.outsider,
        "Governance",
        "sign",
        cid,
        pid,
        member,
        approve,
        expiry,
        garbage,
    )
    assert gov.status(governed, pid) == (OPEN, 0, 0)


def test_sign_replayedSignature_isRefused_onTheSameAndOnAnotherProposal(
    gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    first = gov.propose(governed, b"\xaa" * 32)
    second = gov.propose(governed, b"\xbb" * 32)
    args = gov.sign(governed, first, members[1])
    gov.relay(args)
    refused = gov.rejects("GovernanceAlreadySigned", gov.led.outsider, "Governance", "sign", *args)
    assert refused["member"] == members[1].address
    replay = (args[0], second, *args[2:])
    gov.rejects("GovernanceBadSignature", gov.led.outsider, "Governance", "sign", *replay)
    # flipping approve/reject under the same signature is another message
    flipped = (args[0], first, args[2], False, *args[4:])
    gov.rejects("GovernanceBadSignature", gov.led.outsider, "Governance", "sign", *flipped)
    assert gov.status(governed, first) == (OPEN, 1, 0) and gov.status(governed, second) == (OPEN, 0, 0)


def test_sign_expiredSignature_isRefused(gov: Gov, governed: Community, members: list[LocalAccount]) -> None:
    pid = gov.propose(governed, b"\xaa" * 32)
    args = gov.sign(governed, pid, members[1], expiry=gov.now() + 3600)
    gov.led.set_time(dt.datetime.fromtimestamp(gov.now() + 2 * 3600, dt.UTC))
    refused = gov.rejects("GovernanceSignatureExpired", gov.led.outsider, "Governance", "sign", *args)
    assert refused["expiry"] == args[4] and refused["nowTime"] > args[4]


def test_sign_otherCommunity_otherChain_otherContract_areRefused(
    fresh: Ledger, gov: Gov, governed: Community, bamboo: Community, members: list[LocalAccount]
) -> None:
    """The same member sits on both committees; a signature for lotus-garden's proposal #1 is no
    approval of bamboo-court's proposal #1, nor one made for another chain or contract."""
    gov.set_up(bamboo, [bamboo.people["committee"], members[1], members[2]], 2)
    lotus_pid = gov.propose(governed, b"\xaa" * 32)
    bamboo_pid = gov.propose(bamboo, b"\xaa" * 32)
    assert lotus_pid == bamboo_pid == 1
    cid, _, member, approve, expiry, sig = gov.sign(governed, lotus_pid, members[1])
    gov.rejects(
        "GovernanceBadSignature",
        fresh.outsider,
        "Governance",
        "sign",
        bamboo.id,
        1,
        member,
        approve,
        expiry,
        sig,
    )
    for domain in (
        Domain(gov.domain.chain_id + 1, gov.domain.verifying_contract),
        Domain(gov.domain.chain_id, fresh.address("RevenueLedger")),
    ):
        args = gov.sign(governed, lotus_pid, members[1], domain=domain)
        gov.rejects("GovernanceBadSignature", fresh.outsider, "Governance", "sign", *args)
    assert gov.status(governed, lotus_pid) == (OPEN, 0, 0) and gov.status(bamboo, bamboo_pid) == (OPEN, 0, 0)
    # the contract's digest is the one the service computes
    a = gov.approval(governed, lotus_pid, True, expiry)
    from ledger_service.governance.signing import approval_digest

    assert bytes(gov.call("approvalDigest", governed.id, lotus_pid, True, expiry)[0]) == approval_digest(
        gov.domain, a
    )


def test_sign_byANonMember_isRefused(gov: Gov, governed: Community) -> None:
    pid = gov.propose(governed, b"\xaa" * 32)
    args = gov.sign(governed, pid, member_key("stranger"))
    refused = gov.rejects("GovernanceNotMember", gov.led.outsider, "Governance", "sign", *args)
    assert refused["account"] == member_key("stranger").address


def test_proposerOfAPayment_cannotApproveIt(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    """V-4: the committee member who proposes a payment is not one of its M approvals."""
    action = gov.spend_action(governed, "welfare", 2_000_000)
    pid = gov.propose(governed, action, who=members[0])
    args = gov.rejects(
        "GovernanceProposerCannotApprove",
        fresh.outsider,
        "Governance",
        "sign",
        *gov.sign(governed, pid, members[0]),
    )
    assert args["member"] == members[0].address
    gov.approve_by(governed, pid, [members[1]])
    gov.rejects(
        "GovernanceNotApproved", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "welfare", 2_000_000),
    )  # fmt: skip
    gov.approve_by(governed, pid, [members[2]])
    fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "welfare", 2_000_000),
    )
    assert fresh.balance(governed, "welfare") == 3_000_000 - 2_000_000


def test_rejections_thatMakeApprovalImpossible_closeTheProposal(
    gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    pid = gov.propose(governed, b"\xaa" * 32)
    gov.relay(gov.sign(governed, pid, members[1], approve=False))
    assert gov.status(governed, pid)[0] == OPEN  # 2 of 3 can still approve
    receipt = gov.relay(gov.sign(governed, pid, members[2], approve=False))
    assert gov.events(receipt, "ProposalRejected") == [{"community": governed.id, "proposalId": pid}]
    assert gov.status(governed, pid)[0] == REJECTED
    gov.rejects(
        "GovernanceProposalClosed",
        gov.led.outsider,
        "Governance",
        "sign",
        *gov.sign(governed, pid, members[0]),
    )


def test_expire_afterTheDeadline_isAnEvent_andEndsTheProposal(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    pid = gov.propose(governed, b"\xaa" * 32, lifetime=2 * DAY)
    gov.rejects("GovernanceNotExpired", fresh.outsider, "Governance", "expire", governed.id, pid)
    fresh.set_time(dt.datetime.fromtimestamp(gov.now() + 3 * DAY, dt.UTC))
    gov.rejects(
        "GovernanceProposalExpired",
        fresh.outsider,
        "Governance",
        "sign",
        *gov.sign(governed, pid, members[1]),
    )
    receipt = gov.send(fresh.outsider, "Governance", "expire", governed.id, pid)
    [event] = gov.events(receipt, "ProposalExpired")
    assert event["proposalId"] == pid
    assert gov.status(governed, pid)[0] == EXPIRED


def test_propose_resentProposalNumber_isRefused(gov: Gov, governed: Community) -> None:
    pid = gov.propose(governed, b"\xaa" * 32)
    args = gov.rejects(
        "GovernanceWrongProposalId", governed.people["accountant"], "Governance", "propose",
        governed.id, pid, 0, b"\xbb" * 32, Z, Z, gov.now() + DAY, Z,
    )  # fmt: skip
    assert (args["expected"], args["given"]) == (pid + 1, pid)
    dup = gov.rejects(
        "GovernanceDuplicateAction", governed.people["accountant"], "Governance", "propose",
        governed.id, pid + 1, 0, b"\xaa" * 32, Z, Z, gov.now() + DAY, Z,
    )  # fmt: skip
    assert dup["proposalId"] == pid
    gov.rejects(
        "GovernanceNotOfficer", gov.led.outsider, "Governance", "propose",
        governed.id, pid + 1, 0, b"\xbb" * 32, Z, Z, gov.now() + DAY, Z,
    )  # fmt: skip


# -- committee change mid-proposal --------------------------------------------------------------------


def test_committeeChange_midProposal_approvalsOfRemovedMembersNoLongerCount(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    """A payment has 2 of 3 approvals (wang, li); before it is paid, the committee replaces li with
    zhao. Only wang's approval still counts, so the payment waits for zhao's."""
    payment = gov.spend_action(governed, "welfare", 2_000_000)
    pid = gov.propose(governed, payment)
    gov.approve_by(governed, pid, [members[1], members[2]])
    assert gov.status(governed, pid) == (OPEN, 2, 0)

    zhao = member_key("zhao")
    new = [members[0].address, members[1].address, zhao.address]
    change = gov.propose(governed, bytes(gov.call("committeeActionHash", governed.id, new, 2)[0]))
    gov.approve_by(governed, change, [members[0], members[1]])
    receipt = gov.send(governed.people["admin"], "Governance", "changeCommittee", governed.id, change, new, 2)
    [event] = gov.events(receipt, "CommitteeSet")
    assert event["epoch"] == 2 and event["proposalId"] == change
    assert gov.call("isMember", governed.id, members[2].address)[0] is False

    assert gov.status(governed, pid) == (OPEN, 1, 0)
    args = gov.rejects(
        "GovernanceNotApproved", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "welfare", 2_000_000),
    )  # fmt: skip
    assert (args["approvals"], args["required"]) == (1, 2)
    # the removed member's new signatures are refused too
    gov.rejects(
        "GovernanceNotMember",
        fresh.outsider,
        "Governance",
        "sign",
        *gov.sign(governed, pid, members[2]),
    )
    gov.approve_by(governed, pid, [zhao])
    fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "welfare", 2_000_000),
    )
    assert gov.status(governed, pid)[0] == USED


def test_committeeChange_withoutItsOwnApproval_isRefused(
    gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    new = [members[0].address]
    pid = gov.propose(governed, bytes(gov.call("committeeActionHash", governed.id, new, 1)[0]))
    gov.approve_by(governed, pid, [members[1]])
    gov.rejects(
        "GovernanceNotApproved",
        governed.people["admin"],
        "Governance",
        "changeCommittee",
        governed.id,
        pid,
        new,
        1,
    )
    # approved for one committee, used for another: refused
    gov.approve_by(governed, pid, [members[2]])
    other = [members[1].address]
    gov.rejects(
        "GovernanceWrongAction",
        governed.people["admin"],
        "Governance",
        "changeCommittee",
        governed.id,
        pid,
        other,
        1,
    )


# -- spending -----------------------------------------------------------------------------------------


def test_spend_atTheThreshold_needsNothing_aboveItNeedsAnApprovedProposal(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "welfare", 1_000_000),
    )
    args = gov.rejects(
        "GovernanceApprovalRequired", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "welfare", 1_000_001),
    )  # fmt: skip
    assert (args["amount"], args["threshold"]) == (1_000_001, 1_000_000)
    pid = gov.propose(governed, gov.spend_action(governed, "welfare", 1_000_001))
    gov.approve_by(governed, pid, members[1:])
    # an approval names exactly one action: another amount or reference is not approved
    gov.rejects(
        "GovernanceApprovalRequired", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "welfare", 1_000_002),
    )  # fmt: skip
    receipt = fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "welfare", 1_000_001),
    )
    [used] = gov.events(receipt, "ApprovalUsed")
    assert used["proposalId"] == pid and used["by"].lower() == fresh.address("RevenueLedger").lower()
    # used once: the same payment again is refused
    args = gov.rejects(
        "GovernanceProposalClosed", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "welfare", 1_000_001),
    )  # fmt: skip
    assert args["status"] == USED


def test_spend_fromMaintenance_needsTheOwnersDecision_evenBelowTheThreshold(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    """art. 278(5): using the maintenance fund is the owners' decision; committee approval alone
    is not enough."""
    gov.rejects(
        "GovernanceApprovalRequired", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "maintenance", 100),
    )  # fmt: skip
    committee_only = gov.propose(governed, gov.spend_action(governed, "maintenance", 100))
    gov.approve_by(governed, committee_only, members[1:])
    gov.rejects(
        "GovernanceMaintenanceNeedsOwners", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "maintenance", 100),
    )  # fmt: skip
    owners = gov.propose(
        governed, gov.spend_action(governed, "maintenance", 100, ref="PAY-2"), MAINTENANCE_USE
    )
    gov.approve_by(governed, owners, members[1:])
    args = gov.rejects(
        "GovernanceVoteRequired", governed.people["accountant"], "RevenueLedger", "spend",
        *_spend_args(fresh, governed, "maintenance", 100, ref="PAY-2"),
    )  # fmt: skip
    assert args["decisionType"] == MAINTENANCE_USE
    vote = gov.vote(governed, owners, tally(27_000_00, 21_600_00, 12_000_00, 300, 240, 130))
    assert vote["passed"] is True
    fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "maintenance", 100, ref="PAY-2"),
    )
    assert fresh.balance(governed, "maintenance") == 6_000_000 - 100


def test_spend_fromMaintenance_byTheEmergencyProcedure_needsANoticeAndTheCommittee(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    """art. 281: in an emergency (a burst pipe) the committee approves and a public notice is posted."""
    gov.rejects(
        "GovernanceInvalidEmergency", governed.people["accountant"], "Governance", "propose",
        governed.id, 1, MAINTENANCE_USE, b"\xaa" * 32, Z, b"\x0e" * 32, gov.now() + DAY, Z,
    )  # fmt: skip
    action = gov.spend_action(governed, "maintenance", 3_000_000, ref="PIPE")
    pid = gov.propose(governed, action, notice=b"\x0e" * 32)
    gov.approve_by(governed, pid, members[1:])
    receipt = fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "maintenance", 3_000_000, ref="PIPE"),
    )
    [used] = gov.events(receipt, "ApprovalUsed")
    assert used["emergency"] is True and used["decisionType"] == 0


def test_spend_ofACommunityWithoutCommittee_isAsBeforeGovernance(
    fresh: Ledger, gov: Gov, bamboo: Community
) -> None:
    fresh.activate(bamboo, ["maintenance", "welfare"], [6000, 4000], D(2026, 1, 1))
    fresh.income(bamboo, 10_000_000, D(2026, 1, 1))
    fresh.spend(bamboo, "maintenance", 5_000_000, D(2026, 1, 1))
    assert fresh.balance(bamboo, "maintenance") == 1_000_000


def test_authorizeSpend_andConsumeApproval_onlyFromTheLedgerAndLinkedContracts(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    gov.rejects("GovernanceOnlyRevenue", fresh.outsider, "Governance", "authorizeSpend", governed.id, Z, 1, Z)
    gov.rejects(
        "GovernanceNotLinked", fresh.outsider, "Governance", "consumeApproval", governed.id, b"\xaa" * 32
    )
    gov.rejects(
        "OwnableUnauthorizedAccount", fresh.outsider, "Governance", "setLinked", fresh.outsider.address, True
    )
    gov.send(fresh.operator, "Governance", "setLinked", fresh.outsider.address, True)
    pid = gov.propose(governed, b"\xaa" * 32)
    gov.rejects(
        "GovernanceNotApproved", fresh.outsider, "Governance", "consumeApproval", governed.id, b"\xaa" * 32
    )
    gov.approve_by(governed, pid, members[1:])
    receipt = gov.send(fresh.outsider, "Governance", "consumeApproval", governed.id, b"\xaa" * 32)
    [used] = gov.events(receipt, "ApprovalUsed")
    assert used["proposalId"] == pid and used["by"].lower() == fresh.outsider.address.lower()
    gov.rejects(
        "GovernanceProposalClosed", fresh.outsider, "Governance", "consumeApproval", governed.id, b"\xaa" * 32
    )


# -- policies -----------------------------------------------------------------------------------------


def test_policy_onlyAfterItsVoteAndCommitteeApproval(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    buckets, bps = ["maintenance", "welfare"], [5000, 5000]
    effective = day_number(D(2026, 2, 1))
    legacy = gov.rejects(
        "GovernanceUseProposal", governed.people["committee"], "Governance", "activatePolicy",
        governed.id, fresh.next_seq(governed), [b32(b) for b in buckets], bps, effective, Z,
    )  # fmt: skip
    assert legacy["community"] == "0x" + governed.id.hex()
    gov.rejects(
        "RevenueOnlyGovernance", governed.people["committee"], "RevenueLedger", "activatePolicy",
        governed.id, fresh.next_seq(governed), [b32(b) for b in buckets], bps, effective, Z,
    )  # fmt: skip
    action = gov.policy_action(governed, buckets, bps, effective)
    enact = (governed.id, 0, 0, [b32(b) for b in buckets], bps, effective)

    def enact_args(pid: int) -> tuple:
        return (governed.id, fresh.next_seq(governed), pid, *enact[3:])

    wrong = gov.propose(governed, action, ORDINARY)  # feeds maintenance: needs the 3/4 type
    args = gov.rejects(
        "GovernanceWrongDecisionType",
        governed.people["accountant"],
        "Governance",
        "enactPolicy",
        *enact_args(wrong),
    )
    assert (args["required"], args["given"]) == (RAISE_MAINTENANCE, ORDINARY)
    effective = day_number(D(2026, 2, 2))
    action = gov.policy_action(governed, buckets, bps, effective)
    enact = (governed.id, 0, 0, [b32(b) for b in buckets], bps, effective)
    pid = gov.propose(governed, action, RAISE_MAINTENANCE)
    gov.rejects(
        "GovernanceNotApproved", governed.people["accountant"], "Governance", "enactPolicy", *enact_args(pid)
    )
    gov.approve_by(governed, pid, members[1:])
    gov.rejects(
        "GovernanceVoteRequired", governed.people["accountant"], "Governance", "enactPolicy", *enact_args(pid)
    )
    gov.vote(governed, pid, tally(27_000_00, 21_600_00, 17_500_00, 300, 240, 190))
    gov.rejects("GovernanceNotOfficer", fresh.outsider, "Governance", "enactPolicy", *enact_args(pid))
    receipt = gov.send(governed.people["accountant"], "Governance", "enactPolicy", *enact_args(pid))
    [enacted] = gov.events(receipt, "PolicyEnacted")
    assert (enacted["proposalId"], enacted["policyVersion"], enacted["decisionType"]) == (
        pid,
        2,
        RAISE_MAINTENANCE,
    )
    [activated] = fresh.logs(receipt, "RevenueLedger", "PolicyActivated")
    assert activated["version"] == 2 and activated["effectiveDate"] == effective
    assert activated["decisionHash"] == b"\x0d" * 32


def test_policy_effectiveBeforeToday_isRefusedByTheLedger_evenWhenApproved(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    fresh.set_time(at(D(2026, 3, 10)))
    effective = day_number(D(2026, 3, 1))
    buckets, bps = [b32("welfare")], [10_000]
    pid = gov.propose(
        governed, bytes(gov.call("policyActionHash", governed.id, buckets, bps, effective)[0]), ORDINARY
    )
    gov.approve_by(governed, pid, members[1:])
    gov.vote(governed, pid, tally(27_000_00, 21_600_00, 12_000_00, 300, 240, 130))
    args = gov.rejects(
        "RevenueInvalidEffectiveDate", governed.people["accountant"], "Governance", "enactPolicy",
        governed.id, fresh.next_seq(governed), pid, buckets, bps, effective,
    )  # fmt: skip
    assert args["earliest"] == day_number(D(2026, 3, 10))


# -- votes --------------------------------------------------------------------------------------------


def test_recordVote_failedVotesAreRecordedToo_andCloseTheProposal(
    gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    pid = gov.propose(governed, b"\xaa" * 32, COMMON_PARTS)
    event = gov.vote(governed, pid, tally(27_000_00, 21_600_00, 16_000_00, 300, 240, 190, 3_000_00, 40))
    assert event["passed"] is False and event["quorumMet"] is True
    assert tuple(event["tally"]) == tally(27_000_00, 21_600_00, 16_000_00, 300, 240, 190, 3_000_00, 40)
    assert tuple(event["rule"]) == (2, 3, 3, 4, True, False, True, True)
    assert gov.status(governed, pid)[0] == FAILED
    gov.rejects(
        "GovernanceProposalClosed",
        gov.led.outsider,
        "Governance",
        "sign",
        *gov.sign(governed, pid, members[1]),
    )


def test_recordVote_byTheCommitteeRoleOnly_once_andOnlyForVotedDecisions(
    gov: Gov, governed: Community
) -> None:
    t = tally(100, 100, 100, 3, 3, 3)
    committee_only = gov.propose(governed, b"\xaa" * 32)
    gov.rejects(
        "GovernanceNoVoteNeeded",
        governed.people["committee"],
        "Governance",
        "recordVote",
        governed.id,
        committee_only,
        t,
        Z,
    )
    pid = gov.propose(governed, b"\xbb" * 32, ORDINARY)
    gov.rejects(
        "AccessMissingRole", governed.people["accountant"], "Governance", "recordVote", governed.id, pid, t, Z
    )
    gov.vote(governed, pid, t)
    gov.rejects(
        "GovernanceVoteAlreadyRecorded",
        governed.people["committee"],
        "Governance",
        "recordVote",
        governed.id,
        pid,
        t,
        Z,
    )


@pytest.mark.parametrize(
    ("t", "reason"),
    [
        (tally(0, 0, 0, 3, 2, 2), 1),
        (tally(100, 101, 50, 3, 2, 2), 2),
        (tally(100, 90, 50, 3, 4, 2), 2),
        (tally(100, 90, 91, 3, 2, 2), 3),
        (tally(100, 90, 50, 3, 2, 3), 3),
        (tally(100, 90, 50, 3, 2, 2, 91, 0), 4),
    ],
)
def test_recordVote_refusesInconsistentTallies(gov: Gov, governed: Community, t: tuple, reason: int) -> None:
    pid = gov.propose(governed, b"\xaa" * 32, ORDINARY)
    args = gov.rejects(
        "GovernanceInvalidTally",
        governed.people["committee"],
        "Governance",
        "recordVote",
        governed.id,
        pid,
        t,
        Z,
    )
    assert args["reason"] == reason
    assert gov.status(governed, pid)[0] == OPEN


def test_changeSettings_byApprovedProposal_letsTheCommunityDecideMaintenancePoliciesByMajority(
    fresh: Ledger, gov: Gov, governed: Community, members: list[LocalAccount]
) -> None:
    """V-2: a policy feeding the maintenance fund counts as raising it (3/4) "unless the community
    configures otherwise" — which is itself a decision the committee approves."""
    new = (governed.id, 2_000_000, b32("maintenance"), ORDINARY, ORDINARY)
    action = bytes(gov.call("settingsActionHash", *new)[0])
    pid = gov.propose(governed, action)
    gov.rejects(
        "GovernanceNotApproved",
        governed.people["admin"],
        "Governance",
        "changeSettings",
        governed.id,
        pid,
        *new[1:],
    )
    gov.approve_by(governed, pid, members[1:])
    receipt = gov.send(governed.people["admin"], "Governance", "changeSettings", governed.id, pid, *new[1:])
    [event] = gov.events(receipt, "SettingsSet")
    assert (event["spendThreshold"], event["maintenancePolicyType"], event["proposalId"]) == (
        2_000_000,
        ORDINARY,
        pid,
    )
    assert tuple(gov.call("settings", governed.id)) == (2_000_000, b32("maintenance"), ORDINARY, ORDINARY)
    # the new threshold: 2,000,000 fen is now within it
    fresh.send(
        governed.people["accountant"],
        "RevenueLedger",
        "spend",
        *_spend_args(fresh, governed, "welfare", 2_000_000),
    )
    # a maintenance-feeding policy is now an ordinary (majority) decision
    buckets, bps, effective = ["maintenance", "welfare"], [5000, 5000], day_number(D(2026, 2, 1))
    policy = gov.propose(governed, gov.policy_action(governed, buckets, bps, effective), ORDINARY)
    gov.approve_by(governed, policy, members[1:])
    gov.vote(governed, policy, tally(27_000_00, 21_600_00, 12_000_00, 300, 240, 130))
    receipt = gov.send(
        governed.people["accountant"], "Governance", "enactPolicy",
        governed.id, fresh.next_seq(governed), policy, [b32(b) for b in buckets], bps, effective,
    )  # fmt: skip
    [enacted] = gov.events(receipt, "PolicyEnacted")
    assert enacted["decisionType"] == ORDINARY


def test_propose_deadlineInThePastOrBeyondAYear_isRefused(gov: Gov, governed: Community) -> None:
    now = gov.now()
    for deadline in (now - 1, now + 367 * DAY):
        args = gov.rejects(
            "GovernanceInvalidDeadline", governed.people["accountant"], "Governance", "propose",
            governed.id, 1, 0, b"\xaa" * 32, Z, Z, deadline, Z,
        )  # fmt: skip
        assert args["deadline"] == deadline
