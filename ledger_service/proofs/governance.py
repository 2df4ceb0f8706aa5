"""Owners' votes in a statement, re-derived from their ``VoteRecorded`` logs for the verifier.

A statement's ``governance.votes`` lists the owners' votes recorded in the period (failed ones
too): tallies, the ballot record's hash, quorum and outcome as the contract decided them, turnout
and yes shares in tenths of a percent, the rule in words and the decision type's name. A statement
bundle carries each vote's log (``context.votes``, in the statement's order) and, for a
community's own decision types, the log that defined the type (``context.decision_types``); the
verifier rebuilds each published vote from them and compares it field by field, so a tally the
operator published but the chain did not record fails.

Mirrors ``governance/queries.vote_json`` and ``governance/rules`` (``Rule.describe``,
``percent``), written again here, pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger_service.proofs.common import MissingContext, hex0x

__all__ = ["CONTRACT", "STATUTORY_TYPES", "describe_rule", "percent", "vote_json"]

CONTRACT = "Governance"
#: Decision type -> name: committee-only (0) and the statute's (PRC Civil Code art. 278).
STATUTORY_TYPES = {
    0: "committee",
    1: "ordinary",
    2: "maintenance_use",
    3: "raise_maintenance",
    4: "rebuild",
    5: "common_parts",
}


def percent(part: int, whole: int) -> str:
    """part/whole in percent with one decimal, rounded half up, integers only ("79.2 %")."""
    p = 0 if whole <= 0 else (2000 * part + whole) // (2 * whole)
    return f"{p // 10}.{p % 10} %"


def describe_rule(rule: Any) -> str:
    """The rule tuple ``(quorumNum, quorumDen, passNum, passDen, passInclusive, passOfTotal,
    area, heads)`` in words, as the statement prints it."""
    quorum_num, quorum_den, pass_num, pass_den, inclusive, of_total, area, heads = rule
    measures = " and ".join(m for m, on in (("area", area), ("units", heads)) if on)
    base = "all" if of_total else "participating"
    word = "at least" if inclusive else "more than"
    parts = []
    if quorum_den:
        parts.append(f"turnout at least {quorum_num}/{quorum_den} of {measures}")
    parts.append(f"yes {word} {pass_num}/{pass_den} of {base} {measures}")
    return "; ".join(parts)


def vote_json(a: Mapping[str, Any], names: Mapping[int, str], recorded_on: str) -> dict[str, Any]:
    """A ``VoteRecorded`` event as the statement publishes it (without its chain position);
    ``names`` the community's own decision types proved in the bundle."""
    decision_type = int(a["decisionType"])
    name = STATUTORY_TYPES.get(decision_type) or names.get(decision_type)
    if name is None:
        raise MissingContext(
            f"decision type {decision_type} (its DecisionTypeDefined log is not in the bundle)"
        )
    rule = tuple(a["rule"])
    total_area, part_area, yes_area, paper_area, total_units, part_units, yes_units, paper_units = (
        int(v) for v in a["tally"]
    )
    of_total = bool(rule[5])
    return {
        "proposal_id": int(a["proposalId"]),
        "decision_type": name,
        "rule": describe_rule(rule),
        "total_area": total_area,
        "participating_area": part_area,
        "yes_area": yes_area,
        "paper_area": paper_area,
        "total_units": total_units,
        "participating_units": part_units,
        "yes_units": yes_units,
        "paper_units": paper_units,
        "turnout_area": percent(part_area, total_area),
        "turnout_units": percent(part_units, total_units),
        "yes_area_share": percent(yes_area, total_area if of_total else part_area),
        "yes_units_share": percent(yes_units, total_units if of_total else part_units),
        "quorum_met": bool(a["quorumMet"]),
        "passed": bool(a["passed"]),
        "ballot_hash": hex0x(a["ballotHash"]),
        "recorded_on": recorded_on,
    }
