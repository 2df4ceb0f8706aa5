"""Index Governance events: one row per event, nothing updated in place (a proposal's state is
derived from its rows by ``ledger_service.governance.queries``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ledger_service.communities.handlers import utc_offset
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.governance.rules import Rule
from ledger_service.governance.tables import (
    GovernanceCommittee,
    GovernanceDecisionType,
    GovernanceOutcome,
    GovernanceProposal,
    GovernanceSettings,
    GovernanceSignature,
    GovernanceVote,
)
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.revenue.encoding import read_text

CONTRACT = "Governance"
ZERO32 = b"\0" * 32


def _cid(log: Log) -> str:
    return _hex(log.args["community"])


def _local_date(batch: Batch, log: Log) -> dt.date:
    """The event's date in its community's calendar."""
    offset = utc_offset(batch, _cid(log))
    return dt.datetime.fromtimestamp(log.timestamp + offset * 60, dt.UTC).date()


def _addr(a: str) -> str:
    return a.lower()


@registry.on(CONTRACT, "CommitteeSet")
def committee_set(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        GovernanceCommittee,
        {
            **log.position,
            "community": _cid(log),
            "epoch": a["epoch"],
            "members": json.dumps([_addr(m) for m in a["members"]]),
            "threshold": a["threshold"],
            "proposal_id": a["proposalId"],
            "set_on": _local_date(batch, log),
        },
    )


@registry.on(CONTRACT, "SettingsSet")
def settings_set(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        GovernanceSettings,
        {
            **log.position,
            "community": _cid(log),
            "spend_threshold": a["spendThreshold"],
            "maintenance_bucket": read_text(a["maintenanceBucket"]),
            "policy_type": a["policyType"],
            "maintenance_policy_type": a["maintenancePolicyType"],
            "proposal_id": a["proposalId"],
        },
    )


@registry.on(CONTRACT, "DecisionTypeDefined")
def decision_type_defined(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        GovernanceDecisionType,
        {
            **log.position,
            "community": _cid(log),
            "decision_type": a["decisionType"],
            "label": read_text(a["label"]),
            "rule": Rule.from_abi(a["rule"]).to_json(),
            "proposal_id": a["proposalId"],
        },
    )


@registry.on(CONTRACT, "ProposalCreated")
def proposal_created(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        GovernanceProposal,
        {
            **log.position,
            "community": _cid(log),
            "proposal_id": a["proposalId"],
            "proposer": _addr(a["proposer"]),
            "decision_type": a["decisionType"],
            "action_hash": _hex(a["actionHash"]),
            "document_hash": _hex(a["documentHash"]),
            "notice_hash": None if a["noticeHash"] == ZERO32 else _hex(a["noticeHash"]),
            "deadline": a["deadline"],
            "label": read_text(a["label"]),
            "proposed_on": _local_date(batch, log),
        },
    )


@registry.on(CONTRACT, "ProposalSigned")
def proposal_signed(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        GovernanceSignature,
        {
            **log.position,
            "community": _cid(log),
            "proposal_id": a["proposalId"],
            "member": _addr(a["member"]),
            "approve": bool(a["approve"]),
            "approvals": a["approvals"],
            "rejections": a["rejections"],
            "signed_on": _local_date(batch, log),
        },
    )


@registry.on(CONTRACT, "VoteRecorded")
def vote_recorded(log: Log, batch: Batch) -> None:
    a = log.args
    t = a["tally"]
    batch.add(
        GovernanceVote,
        {
            **log.position,
            "community": _cid(log),
            "proposal_id": a["proposalId"],
            "decision_type": a["decisionType"],
            "rule": Rule.from_abi(a["rule"]).to_json(),
            "total_area": t[0],
            "participating_area": t[1],
            "yes_area": t[2],
            "paper_area": t[3],
            "total_units": t[4],
            "participating_units": t[5],
            "yes_units": t[6],
            "paper_units": t[7],
            "ballot_hash": _hex(a["ballotHash"]),
            "quorum_met": bool(a["quorumMet"]),
            "passed": bool(a["passed"]),
            "recorder": _addr(a["recorder"]),
            "recorded_on": _local_date(batch, log),
        },
    )


def _outcome(batch: Batch, log: Log, kind: str, **extra: Any) -> None:
    row: dict[str, Any] = {
        **log.position,
        "community": _cid(log),
        "proposal_id": log.args["proposalId"],
        "kind": kind,
        "action_hash": None,
        "decision_type": None,
        "emergency": None,
        "actor": None,
        "policy_version": None,
        "decision_hash": None,
        "happened_on": _local_date(batch, log),
    }
    row.update(extra)
    batch.add(GovernanceOutcome, row)


@registry.on(CONTRACT, "ProposalRejected")
def proposal_rejected(log: Log, batch: Batch) -> None:
    _outcome(batch, log, "rejected")


@registry.on(CONTRACT, "ProposalExpired")
def proposal_expired(log: Log, batch: Batch) -> None:
    _outcome(batch, log, "expired")


@registry.on(CONTRACT, "ApprovalUsed")
def approval_used(log: Log, batch: Batch) -> None:
    a = log.args
    _outcome(
        batch,
        log,
        "used",
        action_hash=_hex(a["actionHash"]),
        decision_type=a["decisionType"],
        emergency=bool(a["emergency"]),
        actor=_addr(a["by"]),
    )


@registry.on(CONTRACT, "PolicyEnacted")
def policy_enacted(log: Log, batch: Batch) -> None:
    a = log.args
    _outcome(
        batch,
        log,
        "policy_enacted",
        decision_type=a["decisionType"],
        policy_version=a["policyVersion"],
        decision_hash=_hex(a["decisionHash"]),
    )
