"""Readable messages for the Governance contract's custom errors, registered with the chain
layer's decoder when the context is imported."""

from __future__ import annotations

from ledger_service.chain.errors import Message, community_name, register_messages

_COMMITTEE_REASONS = {
    1: "a committee has 1 to 15 members",
    2: "the number of approvals needed must be between 1 and the number of members",
    3: "a member is the zero address or is listed twice",
}
_TALLY_REASONS = {
    1: "a total the rule counts (floor area or units) is 0",
    2: "more owners participated than there are",
    3: "more yes than participating owners",
    4: "more paper ballots than participating owners",
}
_RULE_REASONS = {
    1: "each fraction must be between 0 and 1 with a denominator above 0",
    2: "a rule counts floor area, units, or both",
    3: "a community's own decision types are numbered 16 to 255",
}
_STATUS = {
    2: "already used",
    3: "closed: the owners' vote failed",
    4: "rejected by the committee",
    5: "expired",
}


def _c(a: dict) -> str:  # type: ignore[type-arg]
    return str(community_name(a["community"]))


MESSAGES: dict[str, tuple[int, Message]] = {
    "GovernanceAlreadySetUp": (
        409,
        lambda a: f"community {_c(a)} already has its committee; changes need an approved proposal",
    ),
    "GovernanceNoCommittee": (
        409,
        lambda a: (
            f"community {_c(a)} has no committee yet; its admin sets it up first "
            "(`governance committee-setup`)"
        ),
    ),
    "GovernanceUseProposal": (
        409,
        lambda a: (
            f"community {_c(a)} has a committee: a policy needs a proposal, the owners' vote and the "
            "committee's approval (`proposal policy`)"
        ),
    ),
    "GovernanceInvalidCommittee": (
        422,
        lambda a: f"the committee is not valid: {_COMMITTEE_REASONS.get(a['reason'], 'unknown reason')}",
    ),
    "GovernanceNotOfficer": (
        403,
        lambda a: f"{a['account']} holds no role in community {_c(a)} that may do this",
    ),
    "GovernanceWrongProposalId": (
        409,
        lambda a: f"community {_c(a)}'s next proposal is #{a['expected']}, this one is #{a['given']}",
    ),
    "GovernanceUnknownProposal": (404, lambda a: f"community {_c(a)} has no proposal #{a['proposalId']}"),
    "GovernanceUnknownDecisionType": (
        404,
        lambda a: f"community {_c(a)} has no decision type {a['decisionType']}",
    ),
    "GovernanceInvalidDeadline": (
        422,
        lambda a: "a proposal's deadline must be in the future and within a year",
    ),
    "GovernanceDuplicateAction": (
        409,
        lambda a: f"proposal #{a['proposalId']} of community {_c(a)} is already open for exactly this action",
    ),
    "GovernanceInvalidEmergency": (
        422,
        lambda a: "the emergency procedure (art. 281) needs a public notice and no owners' vote",
    ),
    "GovernanceNotMember": (
        403,
        lambda a: f"{a['account']} is not a member of the current committee of community {_c(a)}",
    ),
    "GovernanceBadSignature": (
        403,
        lambda a: (
            f"the signature is not {a['member']}'s approval of proposal #{a['proposalId']} of community "
            f"{_c(a)} (forged, or made for another proposal, community, chain or contract)"
        ),
    ),
    "GovernanceSignatureExpired": (409, lambda a: "the signature has expired; ask the member to sign again"),
    "GovernanceAlreadySigned": (
        409,
        lambda a: f"{a['member']} already signed proposal #{a['proposalId']}",
    ),
    "GovernanceProposerCannotApprove": (
        403,
        lambda a: f"{a['member']} proposed #{a['proposalId']} and cannot approve it; other members must",
    ),
    "GovernanceProposalClosed": (
        409,
        lambda a: f"proposal #{a['proposalId']} of community {_c(a)} is {_STATUS.get(a['status'], 'closed')}",
    ),
    "GovernanceProposalExpired": (
        409,
        lambda a: f"proposal #{a['proposalId']} of community {_c(a)} has expired",
    ),
    "GovernanceNotExpired": (409, lambda a: f"proposal #{a['proposalId']} has not reached its deadline yet"),
    "GovernanceNotApproved": (
        409,
        lambda a: (
            f"proposal #{a['proposalId']} of community {_c(a)} has {a['approvals']} approval(s) by current "
            f"committee members; it needs {a['required']}"
        ),
    ),
    "GovernanceVoteRequired": (
        409,
        lambda a: f"proposal #{a['proposalId']} of community {_c(a)} needs the owners' vote first",
    ),
    "GovernanceNoVoteNeeded": (
        409,
        lambda a: f"proposal #{a['proposalId']} is decided by the committee alone; there is no owners' vote",
    ),
    "GovernanceVoteAlreadyRecorded": (
        409,
        lambda a: f"the owners' vote on proposal #{a['proposalId']} was already recorded",
    ),
    "GovernanceInvalidTally": (
        422,
        lambda a: f"the tally is inconsistent: {_TALLY_REASONS.get(a['reason'], 'unknown reason')}",
    ),
    "GovernanceInvalidRule": (
        422,
        lambda a: f"the decision rule is not valid: {_RULE_REASONS.get(a['reason'], 'unknown reason')}",
    ),
    "GovernanceDecisionTypeExists": (
        409,
        lambda a: f"community {_c(a)} already defined decision type {a['decisionType']}",
    ),
    "GovernanceApprovalRequired": (
        403,
        lambda a: (
            f"this payment of community {_c(a)} needs an approved proposal for exactly this action "
            "(bucket, amount, reference and evidence)"
        ),
    ),
    "GovernanceMaintenanceNeedsOwners": (
        403,
        lambda a: (
            f"proposal #{a['proposalId']} does not allow using the maintenance fund: that needs the owners' "
            "vote (maintenance_use, art. 278) or the emergency procedure (art. 281)"
        ),
    ),
    "GovernanceWrongAction": (
        409,
        lambda a: f"proposal #{a['proposalId']} approved another action, not this one",
    ),
    "GovernanceWrongDecisionType": (
        409,
        lambda a: (
            f"proposal #{a['proposalId']} was put to decision type {a['given']}, "
            f"but this needs type {a['required']}"
        ),
    ),
    "GovernanceOnlyRevenue": (403, lambda a: "only the revenue ledger asks governance to authorise spending"),
    "GovernanceNotLinked": (403, lambda a: f"{a['caller']} is not a contract linked to governance"),
}

register_messages(MESSAGES)
__all__ = ["MESSAGES"]
