"""The governance part of statement@1: ``governance``, present once a community has set up its
committee or has decisions dated in the period.

- ``committee``: members (their own addresses; not personal data), M, spending threshold;
- ``decisions``: proposals published in the period, each with its state;
- ``votes``: owners' votes recorded in the period, failed ones like passed ones, with turnout,
  yes shares and the rule applied (individual ballots are never published);
- ``policies``: policy versions enacted in the period with the decision that enacted each;
- ``emergency_uses``: maintenance-fund spending by the emergency procedure (art. 281) in the
  period, with its public notice's hash, reported here as the law requires (and flagged).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger_service.governance import queries
from ledger_service.statements.sections import Query, SectionResult, section


def _in(period: Any, day: str | None) -> bool:
    return day is not None and period.start <= dt.date.fromisoformat(day) <= period.end


@section
def governance_section(conn: Any, q: Query) -> SectionResult:
    current = queries.committee(conn, q.community, q.as_of_block)
    proposals = queries.proposals(conn, q.community, q.as_of_block)
    decided = [p for p in proposals if _in(q.period, p["proposed_on"])]
    votes = [v for v in queries.votes(conn, q.community, q.as_of_block) if _in(q.period, v["recorded_on"])]
    enacted = {
        version: e
        for version, e in queries.enactments(conn, q.community, q.as_of_block).items()
        if _in(q.period, e["enacted_on"])
    }
    if current is None and not decided and not votes:
        return SectionResult()
    emergencies = [
        {
            "proposal_id": p["proposal_id"],
            "notice_hash": p["notice_hash"],
            "action_hash": p["action_hash"],
            "used_on": p["used_on"],
        }
        for p in proposals
        if p["emergency"] and _in(q.period, p["used_on"])
    ]
    fields: dict[str, Any] = {
        "governance": {
            "committee": current,
            "decisions": [
                {
                    k: p[k]
                    for k in ("proposal_id", "label", "decision_type", "status", "approvals", "proposed_on")
                }
                for p in decided
            ],
            "votes": [
                {k: v for k, v in vote.items() if k not in ("tx_hash", "block_number", "log_index")}
                for vote in votes
            ],
            "policies": [
                {"version": version, **{k: v for k, v in e.items() if k not in ("vote", "tx_hash")}}
                for version, e in sorted(enacted.items())
            ],
            "emergency_uses": emergencies,
        }
    }
    flags = ["emergency_maintenance_use"] if emergencies else []
    return SectionResult(fields, [], flags)
