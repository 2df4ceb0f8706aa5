"""The funds part of statement@1 (F-1..F-8, A-3 雙公開).

``funds``: per fund and earmark, opening + from_revenue + donated + returned − disbursed − refunded
== closing (``refunded`` is a key this section adds). Further keys, where the money came from and
where it went:

- ``funds_sources``: per fund, inflows of the period by donor type, from revenue and returned;
- ``funds_projects``: per project, its earmark, acceptances and every payment of the period;
- ``funds_traceability``: per fund, as of the statement's block, fen disbursed, fen traced to a
  source (first in, first out, ``ledger_service.funds.trace``) and the rate;
- ``funds_grants``: government grants of the period with a formula, and whether the posted
  amount matches it (flag ``funds_grant_formula_mismatch`` when one does not).

Entries: one per Funds event dated in the period. Donors appear by pseudonym; a name only when
the donor chose to be named.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger_service.funds import goods as _goods  # noqa: F401  (registers the goods section)
from ledger_service.funds.encoding import DONOR_TYPES, formula_expected
from ledger_service.funds.tables import FundEntry
from ledger_service.funds.trace import TraceError, build_trace
from ledger_service.statements.periods import Period
from ledger_service.statements.sections import Query, SectionResult, section

FLOWS = ("opening", "from_revenue", "donated", "returned", "disbursed", "refunded", "closing")
_OPTIONAL = (
    "fund", "earmark", "project", "receipt", "source", "donor", "donor_type", "formula_kind",
    "formula_rate", "formula_units", "campaign", "rights", "public_name", "fund_kind", "threshold",
    "acceptances", "is_final", "ref", "evidence_hash", "proposal_id", "decision_type", "bucket", "actor",
)  # fmt: skip
_FLOW_OF = {"donation": "donated", "from_revenue": "from_revenue", "returned": "returned",
            "disbursement": "disbursed", "refund": "refunded"}  # fmt: skip
_SIGN = {"donated": 1, "from_revenue": 1, "returned": 1, "disbursed": -1, "refunded": -1}


def entry_json(row: Any) -> dict[str, Any]:
    """An entry exactly as it appears in the statement (and as its Merkle leaf is hashed)."""
    e: dict[str, Any] = {
        "kind": f"funds_{row.kind}",
        "seq": row.seq,
        "business_date": row.business_date.isoformat(),
        "amount": row.amount,
    }
    for key in _OPTIONAL:
        value = getattr(row, key)
        if value is not None:
            e[key] = value
    e["tx_hash"] = row.tx_hash
    e["block_number"] = row.block_number
    e["log_index"] = row.log_index
    return e


def rows_as_of(conn: Connection, community: str, as_of_block: int) -> list[Any]:
    e = FundEntry
    return list(
        conn.execute(
            select(e.__table__)
            .where(e.community == community, e.block_number <= as_of_block)
            .order_by(e.block_number, e.log_index)
        )
    )


def _in(row: Any, period: Period) -> bool:
    return bool(period.start <= row.business_date <= period.end)


def earmark_flows(rows: Iterable[Any], period: Period) -> dict[str, dict[str, dict[str, int]]]:
    """``{fund: {earmark: {opening, from_revenue, donated, returned, disbursed, refunded, closing}}}``
    for every earmark opened by the period's end."""
    out: dict[str, dict[str, dict[str, int]]] = {}

    def line(fund: str, earmark: str) -> dict[str, int]:
        return out.setdefault(fund, {}).setdefault(earmark, dict.fromkeys(FLOWS, 0))

    for r in rows:
        if r.business_date > period.end:
            continue
        if r.kind == "fund_created":
            line(r.fund, "general")
        elif r.kind == "earmark_opened":
            line(r.fund, r.earmark)
        elif r.kind in _FLOW_OF:
            flow = _FLOW_OF[r.kind]
            ln = line(r.fund, r.earmark)
            if r.business_date < period.start:
                ln["opening"] += _SIGN[flow] * r.amount
            else:
                ln[flow] += r.amount
    for earmarks in out.values():
        for ln in earmarks.values():
            ln["closing"] = (
                ln["opening"]
                + ln["from_revenue"]
                + ln["donated"]
                + ln["returned"]
                - ln["disbursed"]
                - ln["refunded"]
            )
    return out


def sources_by_donor_type(rows: Iterable[Any], period: Period) -> dict[str, dict[str, Any]]:
    """Where the period's money came from, per fund: donations by donor type, from revenue, returned."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.kind not in ("donation", "from_revenue", "returned") or not _in(r, period):
            continue
        line = out.setdefault(
            r.fund,
            {"by_donor_type": dict.fromkeys(DONOR_TYPES, 0), "from_revenue": 0, "returned": 0, "total": 0},
        )
        if r.kind == "donation":
            line["by_donor_type"][r.donor_type] = line["by_donor_type"].get(r.donor_type, 0) + r.amount
        else:
            line[r.kind] += r.amount
        line["total"] += r.amount
    return out


def projects(rows: Iterable[Any], period: Period) -> dict[str, dict[str, Any]]:
    """Every project opened by the period's end, with every payment and return of the period; and
    a project opened after the period's end that a payment dated inside it pays (the chain takes a
    payment dated back to an open period)."""
    rows = list(rows)
    paid_in_period = {r.project for r in rows if r.kind == "disbursement" and _in(r, period)}
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.business_date > period.end and not (r.kind == "project_opened" and r.project in paid_in_period):
            continue
        if r.kind == "project_opened":
            out[r.project] = {
                "fund": r.fund,
                "earmark": r.earmark,
                "budget": r.threshold,
                "acceptances_required": r.acceptances,
                "acceptances": 0,
                "paid_to_date": 0,
                "returned_to_date": 0,
                "final_paid": False,
                "paid": 0,
                "payments": [],
            }
            continue
        p = out.get(r.project) if r.project else None
        if p is None:
            continue
        if r.kind == "acceptance":
            p["acceptances"] = r.acceptances
        elif r.kind == "disbursement":
            p["paid_to_date"] += r.amount
            p["final_paid"] = p["final_paid"] or bool(r.is_final)
            if _in(r, period):
                p["paid"] += r.amount
                p["payments"].append(
                    {
                        "seq": r.seq,
                        "business_date": r.business_date.isoformat(),
                        "amount": r.amount,
                        "final": bool(r.is_final),
                        "ref": r.ref,
                        "evidence_hash": r.evidence_hash,
                        "proposal_id": r.proposal_id,
                        "tx_hash": r.tx_hash,
                    }
                )
        elif r.kind == "returned":
            p["returned_to_date"] += r.amount
    return out


def grant_checks(rows: Iterable[Any], period: Period) -> list[dict[str, Any]]:
    """F-5: each grant of the period that carries a formula, against the amount posted."""
    out = []
    for r in rows:
        if r.kind == "donation" and r.formula_kind and _in(r, period):
            expected = formula_expected(r.formula_kind, r.formula_rate, r.formula_units)
            out.append(
                {
                    "receipt": r.receipt,
                    "fund": r.fund,
                    "earmark": r.earmark,
                    "formula": r.formula_kind,
                    "rate": r.formula_rate,
                    "units": r.formula_units,
                    "expected": expected,
                    "posted": r.amount,
                    "matches": expected == r.amount,
                }
            )
    return out


@section
def funds_section(conn: Connection, q: Query) -> SectionResult:
    rows = rows_as_of(conn, q.community, q.as_of_block)
    flags: list[str] = []
    try:
        trace = build_trace(rows)
        traceability = trace.traceability()
    except TraceError:  # impossible on chain; a broken index shows here
        traceability = {}
        flags.append("funds_trace_broken")
    grants = grant_checks(rows, q.period)
    if any(not g["matches"] for g in grants):
        flags.append("funds_grant_formula_mismatch")
    flows = earmark_flows(rows, q.period)
    if any(ln["closing"] < 0 for e in flows.values() for ln in e.values()):
        flags.append("funds_negative_balance")
    fields: dict[str, Any] = {"funds": flows}
    if rows:
        fields.update(
            {
                "funds_sources": sources_by_donor_type(rows, q.period),
                "funds_projects": projects(rows, q.period),
                "funds_traceability": traceability,
                "funds_grants": grants,
            }
        )
    entries = [entry_json(r) for r in rows if _in(r, q.period)]
    return SectionResult(fields, entries, flags)
