"""The time-bank part of statement@1 and the community statistics behind it.

``timebank``: minutes minted, rewarded, redeemed and deducted inside the period; the pool's
balance and the number of holders (pool excluded) with minutes at the period's end. Entries: one
per TimeBank event dated in the period. What the public statement leaves out: the beneficiary of
a service record and, when they signed it, the attester (people who receive help have no public
trace beyond the chain), and the item and provider of a health check-up (its category only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ledger_service.statements.periods import Period
from ledger_service.statements.sections import Query, SectionResult, section
from ledger_service.timebank.encoding import HEALTH_CATEGORY, POOL, hours, percent, redemption_rate
from ledger_service.timebank.tables import TimebankEntry, TimebankMovement

POOL_ID = POOL.lower()
_FLOWS = ("minted", "rewarded", "redeemed", "deducted")
_OPTIONAL = (
    "holder",
    "proxy",
    "actor",
    "by_signature",
    "record_ref",
    "service_type",
    "item",
    "category",
    "provider",
    "quantity",
    "reason",
    "active",
    "fen",
    "bucket",
    "cap_per_holder",
    "cap_total",
    "period_months",
    "proposal_id",
)


def entry_json(row: Any) -> dict[str, Any]:
    """An entry exactly as it appears in the statement (and as its Merkle leaf is hashed)."""
    e: dict[str, Any] = {
        "kind": f"timebank_{row.kind}",
        "seq": row.seq,
        "business_date": row.business_date.isoformat(),
        "amount": row.amount,
    }
    hide: set[str] = set()
    if row.kind == "redeemed" and row.category == HEALTH_CATEGORY:
        hide = {"item", "provider"}  # a health check-up: its category only
    elif row.kind == "minted" and row.by_signature:
        hide = {"actor"}  # the beneficiary (or their proxy) who signed: not public
    for key in _OPTIONAL:
        value = getattr(row, key)
        if value is not None and key not in hide:
            e[key] = value
    if row.service_date is not None:
        e["service_date"] = row.service_date.isoformat()
    e["tx_hash"] = row.tx_hash
    e["block_number"] = row.block_number
    e["log_index"] = row.log_index
    return e


def _flows(conn: Connection, community: str, as_of_block: int, period: Period) -> dict[str, int]:
    mv = TimebankMovement
    totals = dict.fromkeys(_FLOWS, 0)
    rows = conn.execute(
        select(mv.kind, func.sum(mv.amount))
        .where(
            mv.community == community,
            mv.block_number <= as_of_block,
            mv.business_date >= period.start,
            mv.business_date <= period.end,
            mv.kind.in_(_FLOWS),
        )
        .group_by(mv.kind)
    )
    for kind, total in rows:
        totals[kind] = abs(int(total))
    return totals


def _balances_at_end(conn: Connection, community: str, as_of_block: int, period: Period) -> dict[str, int]:
    mv = TimebankMovement
    rows = conn.execute(
        select(mv.holder, func.sum(mv.amount))
        .where(mv.community == community, mv.block_number <= as_of_block, mv.business_date <= period.end)
        .group_by(mv.holder)
    )
    return {str(h): int(total) for h, total in rows}


@section
def timebank_section(conn: Connection, q: Query) -> SectionResult:
    flows = _flows(conn, q.community, q.as_of_block, q.period)
    balances = _balances_at_end(conn, q.community, q.as_of_block, q.period)
    fields = {
        "timebank": {
            **flows,
            "pool": balances.get(POOL_ID, 0),
            "holders": sum(1 for h, b in balances.items() if h != POOL_ID and b > 0),
        }
    }
    e = TimebankEntry
    rows = conn.execute(
        select(e.__table__)
        .where(
            e.community == q.community,
            e.block_number <= q.as_of_block,
            e.business_date >= q.period.start,
            e.business_date <= q.period.end,
        )
        .order_by(e.block_number, e.log_index)
    ).all()
    flags = []
    if any(b < 0 for b in balances.values()):  # impossible on chain; a broken index shows here
        flags.append("timebank_negative_balance")
    return SectionResult(fields, [entry_json(r) for r in rows], flags)


@dataclass(frozen=True)
class Statistics:
    """Per-community time-bank statistics for a period (TB-7)."""

    minted: int
    rewarded: int
    redeemed: int
    deducted: int
    held: int
    pool: int
    active_volunteers: int
    returning_volunteers: int
    previous_volunteers: int

    @property
    def redemption_rate(self) -> str | None:
        """redeemed ÷ (minted + rewarded), in percent with one decimal (inside the period)."""
        return redemption_rate(self.redeemed, self.minted, self.rewarded)

    @property
    def retention(self) -> str | None:
        """Share of the previous period's volunteers who served again in this one, in percent."""
        return percent(self.returning_volunteers, self.previous_volunteers)

    def to_json(self) -> dict[str, Any]:
        return {
            "minted": self.minted,
            "rewarded": self.rewarded,
            "redeemed": self.redeemed,
            "deducted": self.deducted,
            "held": self.held,
            "pool": self.pool,
            "hours_served": hours(self.minted),
            "active_volunteers": self.active_volunteers,
            "redemption_rate": self.redemption_rate,
            "retention": self.retention,
        }


def _volunteers(conn: Connection, community: str, as_of_block: int, period: Period) -> set[str]:
    e = TimebankEntry
    rows = conn.execute(
        select(e.holder)
        .distinct()
        .where(
            e.community == community,
            e.kind == "minted",
            e.block_number <= as_of_block,
            e.business_date >= period.start,
            e.business_date <= period.end,
        )
    ).scalars()
    return {str(h) for h in rows if h is not None}


def statistics(
    conn: Connection, community: str, period: Period, *, as_of_block: int, previous: Period | None = None
) -> Statistics:
    """Hours, active volunteers, redemption rate and retention of ``community`` in ``period``."""
    flows = _flows(conn, community, as_of_block, period)
    balances = _balances_at_end(conn, community, as_of_block, period)
    now = _volunteers(conn, community, as_of_block, period)
    before = _volunteers(conn, community, as_of_block, previous) if previous else set()
    return Statistics(
        **flows,
        held=sum(balances.values()),
        pool=balances.get(POOL_ID, 0),
        active_volunteers=len(now),
        returning_volunteers=len(now & before),
        previous_volunteers=len(before),
    )


def holder_balances(conn: Connection, community: str, *, as_of_block: int) -> dict[str, dict[str, int]]:
    """Per holder: balance and lifetime minutes by kind (for balance slips; never public for
    people who receive help)."""
    mv = TimebankMovement
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"balance": 0})
    rows = conn.execute(
        select(mv.holder, mv.kind, func.sum(mv.amount))
        .where(and_(mv.community == community, mv.block_number <= as_of_block))
        .group_by(mv.holder, mv.kind)
    )
    for holder, kind, net in rows:
        line = out[str(holder)]
        line["balance"] += int(net)
        line[str(kind)] = abs(int(net))
    return dict(out)
