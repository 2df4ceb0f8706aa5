"""Governance read side (SQL only; no chain, no signer): proposals with their state derived from
their rows, votes with turnout and the rule applied, policy versions with the decision that
enacted each. Used by the statement section, the explorer and the CLI's listings."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger_service.governance.rules import DEFAULT_TYPES, Rule, percent
from ledger_service.governance.tables import (
    GovernanceCommittee,
    GovernanceDecisionType,
    GovernanceOutcome,
    GovernanceProposal,
    GovernanceSettings,
    GovernanceSignature,
    GovernanceVote,
)

BIG_BLOCK = 2**62


def type_names(conn: Connection, community: str, as_of_block: int = BIG_BLOCK) -> dict[int, str]:
    """Decision type id -> name (the statute's and the community's own)."""
    names = {0: "committee", **{i: n for i, (n, _) in DEFAULT_TYPES.items()}}
    rows = conn.execute(
        select(GovernanceDecisionType.decision_type, GovernanceDecisionType.label).where(
            GovernanceDecisionType.community == community, GovernanceDecisionType.block_number <= as_of_block
        )
    )
    names.update({int(t): str(label) for t, label in rows})
    return names


def committee(conn: Connection, community: str, as_of_block: int = BIG_BLOCK) -> dict[str, Any] | None:
    """The committee in force at ``as_of_block`` (None: never set up)."""
    row = conn.execute(
        select(GovernanceCommittee)
        .where(GovernanceCommittee.community == community, GovernanceCommittee.block_number <= as_of_block)
        .order_by(GovernanceCommittee.epoch.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    c = row
    s = conn.execute(
        select(GovernanceSettings)
        .where(GovernanceSettings.community == community, GovernanceSettings.block_number <= as_of_block)
        .order_by(GovernanceSettings.block_number.desc(), GovernanceSettings.log_index.desc())
        .limit(1)
    ).first()
    out: dict[str, Any] = {
        "epoch": c.epoch,
        "members": json.loads(c.members),
        "threshold": c.threshold,
        "set_by_proposal": c.proposal_id or None,
    }
    if s is not None:
        out.update(
            spend_threshold=s.spend_threshold,
            maintenance_bucket=s.maintenance_bucket,
            policy_type=s.policy_type,
            maintenance_policy_type=s.maintenance_policy_type,
        )
    return out


def vote_json(v: Any, names: dict[int, str]) -> dict[str, Any]:
    """A vote as published: counts, turnout and yes shares (tenths of a percent, integers only),
    the rule applied in words, passed or failed. No individual ballot exists here."""
    rule = Rule.from_json(v.rule)
    return {
        "proposal_id": v.proposal_id,
        "decision_type": names.get(v.decision_type, str(v.decision_type)),
        "rule": rule.describe(),
        "total_area": v.total_area,
        "participating_area": v.participating_area,
        "yes_area": v.yes_area,
        "paper_area": v.paper_area,
        "total_units": v.total_units,
        "participating_units": v.participating_units,
        "yes_units": v.yes_units,
        "paper_units": v.paper_units,
        "turnout_area": percent(v.participating_area, v.total_area),
        "turnout_units": percent(v.participating_units, v.total_units),
        "yes_area_share": percent(v.yes_area, v.total_area if rule.pass_of_total else v.participating_area),
        "yes_units_share": percent(
            v.yes_units, v.total_units if rule.pass_of_total else v.participating_units
        ),
        "quorum_met": v.quorum_met,
        "passed": v.passed,
        "ballot_hash": v.ballot_hash,
        "recorded_on": v.recorded_on.isoformat(),
        "tx_hash": v.tx_hash,
        "block_number": v.block_number,
        "log_index": v.log_index,
    }


def proposals(conn: Connection, community: str, as_of_block: int = BIG_BLOCK) -> list[dict[str, Any]]:
    """Every proposal of the community with its state as of ``as_of_block``:
    open / approved (usable) / used / failed (vote) / rejected / expired."""
    names = type_names(conn, community, as_of_block)
    current = committee(conn, community, as_of_block)
    members = set(current["members"]) if current else set()
    threshold = current["threshold"] if current else 0

    def rows(table: Any) -> list[Any]:
        return list(
            conn.execute(
                select(table)
                .where(table.community == community, table.block_number <= as_of_block)
                .order_by(table.block_number, table.log_index)
            )
        )

    signatures: dict[int, list[Any]] = {}
    for s in rows(GovernanceSignature):
        signatures.setdefault(s.proposal_id, []).append(s)
    votes = {v.proposal_id: v for v in rows(GovernanceVote)}
    outcomes: dict[int, list[Any]] = {}
    for o in rows(GovernanceOutcome):
        outcomes.setdefault(o.proposal_id, []).append(o)
    out = []
    for p in rows(GovernanceProposal):
        sigs = signatures.get(p.proposal_id, [])
        approvals = sum(1 for s in sigs if s.approve and s.member in members)
        rejections = sum(1 for s in sigs if not s.approve and s.member in members)
        vote = votes.get(p.proposal_id)
        kinds = {o.kind: o for o in outcomes.get(p.proposal_id, [])}
        if "used" in kinds:
            status = "used"
        elif "rejected" in kinds:
            status = "rejected"
        elif vote is not None and not vote.passed:
            status = "failed"
        elif "expired" in kinds:
            status = "expired"
        elif approvals >= threshold > 0 and (p.decision_type == 0 or vote is not None):
            status = "approved"
        else:
            status = "open"
        used = kinds.get("used")
        enacted = kinds.get("policy_enacted")
        out.append(
            {
                "proposal_id": p.proposal_id,
                "label": p.label,
                "decision_type": names.get(p.decision_type, str(p.decision_type)),
                "needs_owners_vote": p.decision_type != 0,
                "emergency": p.notice_hash is not None,
                "notice_hash": p.notice_hash,
                "proposer": p.proposer,
                "action_hash": p.action_hash,
                "document_hash": p.document_hash,
                "proposed_on": p.proposed_on.isoformat(),
                "deadline": p.deadline,
                "status": status,
                "approvals": approvals,
                "rejections": rejections,
                "threshold": threshold,
                "signatures": [
                    {
                        "member": s.member,
                        "approve": s.approve,
                        "signed_on": s.signed_on.isoformat(),
                        "tx_hash": s.tx_hash,
                    }
                    for s in sigs
                ],
                "vote": vote_json(vote, names) if vote is not None else None,
                "used_on": used.happened_on.isoformat() if used is not None else None,
                "policy_version": enacted.policy_version if enacted is not None else None,
                "tx_hash": p.tx_hash,
                "block_number": p.block_number,
                "log_index": p.log_index,
            }
        )
    return out


def votes(conn: Connection, community: str, as_of_block: int = BIG_BLOCK) -> list[dict[str, Any]]:
    """Every recorded vote, failed ones as well as passed ones, oldest first."""
    names = type_names(conn, community, as_of_block)
    return [
        vote_json(v, names)
        for v in conn.execute(
            select(GovernanceVote)
            .where(GovernanceVote.community == community, GovernanceVote.block_number <= as_of_block)
            .order_by(GovernanceVote.block_number, GovernanceVote.log_index)
        )
    ]


def enactments(conn: Connection, community: str, as_of_block: int = BIG_BLOCK) -> dict[int, dict[str, Any]]:
    """Policy version -> the decision that enacted it (proposal, decision type, vote)."""
    names = type_names(conn, community, as_of_block)
    vote_rows = {
        v.proposal_id: v
        for v in conn.execute(
            select(GovernanceVote).where(
                GovernanceVote.community == community, GovernanceVote.block_number <= as_of_block
            )
        )
    }
    out: dict[int, dict[str, Any]] = {}
    for o in conn.execute(
        select(GovernanceOutcome).where(
            GovernanceOutcome.community == community,
            GovernanceOutcome.kind == "policy_enacted",
            GovernanceOutcome.block_number <= as_of_block,
        )
    ):
        vote = vote_rows.get(o.proposal_id)
        out[int(o.policy_version)] = {
            "proposal_id": o.proposal_id or None,
            "decision_type": names.get(int(o.decision_type or 0), str(o.decision_type)),
            "decision_hash": o.decision_hash,
            "enacted_on": o.happened_on.isoformat(),
            "vote": vote_json(vote, names) if vote is not None else None,
            "tx_hash": o.tx_hash,
        }
    return out
