"""The revenue part of statement@1: income, allocations, spending, reallocations, balances,
deposits, the awaiting-decision flag, and one entry per revenue event.

It reconciles by construction: income and allocations come from the same events (an income's
split sums to its amount), and every balance line is opening + allocated + reallocated − spent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ledger_service.revenue.encoding import OWNERS_COMMON
from ledger_service.revenue.tables import RevenueEntry, RevenueMovement
from ledger_service.statements.sections import Query, SectionResult, section

_OPTIONAL = (
    "source",
    "bucket",
    "ref",
    "evidence_hash",
    "policy_version",
    "corrects",
    "reverses",
    "reason",
    "payer_ref",
    "sink",
    "data_hash",
)


def entry_json(row: Any) -> dict[str, Any]:
    """An entry exactly as it appears in the statement (and as its Merkle leaf is hashed)."""
    e: dict[str, Any] = {
        "kind": row.kind,
        "seq": row.seq,
        "business_date": row.business_date.isoformat(),
        "amount": row.amount,
    }
    for key in _OPTIONAL:
        value = getattr(row, key)
        if value is not None:
            e[key] = value
    if row.split is not None:
        data = json.loads(row.split)
        if row.kind == "policy":
            e["effective_date"] = data["effective_date"]
            e["bps"] = data["bps"]
        else:
            e["split"] = data
    e["tx_hash"] = row.tx_hash
    e["block_number"] = row.block_number
    e["log_index"] = row.log_index
    return e


@section
def revenue_section(conn: Connection, q: Query) -> SectionResult:
    p = q.period
    visible = and_(RevenueEntry.community == q.community, RevenueEntry.block_number <= q.as_of_block)
    in_period = and_(visible, RevenueEntry.business_date >= p.start, RevenueEntry.business_date <= p.end)

    # income by source, net of income reversals
    by_source: dict[str, int] = defaultdict(int)
    rows = conn.execute(
        select(RevenueEntry.kind, RevenueEntry.source, func.sum(RevenueEntry.amount))
        .where(in_period, RevenueEntry.source.is_not(None))
        .group_by(RevenueEntry.kind, RevenueEntry.source)
    )
    for kind, source, total in rows:
        by_source[str(source)] += int(total) if kind == "income" else -int(total)

    # bucket movements: before the period (opening) and inside it, by kind
    mv = RevenueMovement
    balances: dict[str, dict[str, int]] = {}

    def line(bucket: str) -> dict[str, int]:
        return balances.setdefault(
            bucket, {"opening": 0, "allocated": 0, "reallocated": 0, "spent": 0, "closing": 0}
        )

    line(OWNERS_COMMON)
    before = (mv.business_date < p.start).label("before")
    moves = conn.execute(
        select(mv.bucket, mv.kind, before, func.sum(mv.amount))
        .where(mv.community == q.community, mv.block_number <= q.as_of_block, mv.business_date <= p.end)
        .group_by(mv.bucket, mv.kind, before)
    )
    for bucket, kind, is_before, total in moves:
        b = line(bucket)
        if is_before:
            b["opening"] += int(total)
        elif kind == "spent":
            b["spent"] -= int(total)
        else:
            b[kind] += int(total)
    for b in balances.values():
        b["closing"] = b["opening"] + b["allocated"] + b["reallocated"] - b["spent"]
    balances = dict(sorted(balances.items()))

    # deposits: liabilities, never income
    dep = {k: 0 for k in ("received", "returned")}
    held = 0
    in_p = (RevenueEntry.business_date >= p.start).label("in_period")
    deposits = conn.execute(
        select(RevenueEntry.kind, in_p, func.sum(RevenueEntry.amount))
        .where(
            visible,
            RevenueEntry.business_date <= p.end,
            RevenueEntry.kind.in_(("deposit_received", "deposit_returned")),
        )
        .group_by(RevenueEntry.kind, in_p)
    )
    for kind, within, total in deposits:
        sign = 1 if kind == "deposit_received" else -1
        held += sign * int(total)
        if within:
            dep["received" if sign > 0 else "returned"] += int(total)

    entries_rows = conn.execute(
        select(RevenueEntry.__table__)
        .where(in_period)
        .order_by(RevenueEntry.block_number, RevenueEntry.log_index)
    ).all()
    entries = [entry_json(r) for r in entries_rows]

    flags = _flags(conn, q, entries_rows, balances[OWNERS_COMMON]["closing"])
    allocated = {k: v["allocated"] for k, v in balances.items() if v["allocated"]}
    spent = {k: v["spent"] for k, v in balances.items() if v["spent"]}
    reallocated = {k: v["reallocated"] for k, v in balances.items() if v["reallocated"]}
    fields = {
        "income": {"total": sum(by_source.values()), "by_source": dict(sorted(by_source.items()))},
        "allocated": {"total": sum(allocated.values()), "by_bucket": allocated},
        "awaiting_decision": balances[OWNERS_COMMON]["closing"],
        "spent": {"total": sum(spent.values()), "by_bucket": spent},
        "reallocated": {"by_bucket": reallocated},
        "balances": balances,
        "deposits": {"held": held, **dep},
    }
    return SectionResult(fields, entries, flags)


def _flags(conn: Connection, q: Query, rows: Any, awaiting: int) -> list[str]:
    """Public warnings: money awaiting a decision, a reference used twice, a reversal whose
    restated amount differs from the income it names."""
    flags = []
    if awaiting:
        flags.append("awaiting_decision")
    refs = {r.ref for r in rows if r.kind == "income" and r.ref}
    if refs:
        dupes = conn.execute(
            select(RevenueEntry.ref)
            .where(
                RevenueEntry.community == q.community,
                RevenueEntry.block_number <= q.as_of_block,
                RevenueEntry.kind == "income",
                RevenueEntry.ref.in_(refs),
            )
            .group_by(RevenueEntry.ref)
            .having(func.count() > 1)
        ).scalars()
        flags.extend(f"duplicate_ref:{ref}" for ref in dupes)
    reversals = [r for r in rows if r.kind == "reversal" and r.reverses == "income"]
    if reversals:
        originals = dict(
            conn.execute(
                select(RevenueEntry.seq, RevenueEntry.amount).where(
                    RevenueEntry.community == q.community,
                    RevenueEntry.kind == "income",
                    RevenueEntry.seq.in_([r.corrects for r in reversals]),
                )
            ).all()
        )
        flags.extend(f"reversal_mismatch:{r.seq}" for r in reversals if originals.get(r.corrects) != r.amount)
    return flags
