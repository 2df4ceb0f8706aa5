"""The oversight part of statement@1: budget vs actual, revenue contracts expected vs received,
objections and their answers. Read side only (SQL, no chain imports).

Every figure is derived from events at or below the statement's block, and every date compared
is a business date inside the statement's own year and period, so a rebuilt index reproduces it
byte for byte. The matching rules are in ``ledger_service.oversight.encoding``.

``budget`` (null when no budget of the period's year is adopted): the latest adopted version of
the year; per spending line the annual ``budget``, the year-to-date ``actual`` through the
period's end and ``over`` when 100 * actual > 115 * budget (flag ``budget_overrun:<bucket>/<purpose>``);
spending no line names lands in (bucket, "other"), budget 0 when the budget has no such line.
Planned income lines show ``planned_to_date`` = floor(budget * days elapsed / days in the year),
the year-to-date ``actual`` and the ``shortfall`` (flag ``income_shortfall:<source>``).

``revenue_contracts``: per registered contract, what fell due in the period and up to its end,
what was received in the period and up to its end, the instalments paid first-due first, and a
``status``: ``paid`` (nothing outstanding), ``overdue`` (part of what fell due by the period's end
was not received by then), ``missing`` (something fell due and nothing at all was received) or
``not_due`` (nothing due yet). Overdue and missing contracts are flagged
(``contract_overdue:<number>``, ``contract_missing:<number>``). A provisional statement shows what
will be outstanding at the period's end unless it is received by then.

``objections``: every objection filed up to the period's end that was filed in the period,
answered in it, or still open at its start, with its answer (a correcting entry's sequence number
or a rejection's reasons); flags ``objection_unanswered:<id>`` when its answer was due before the
period's end and none was given by then, ``objection_answered_late:<id>`` when answered after its
due day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from ledger_service.oversight.encoding import INCOME, OTHER, overrun, tag
from ledger_service.oversight.tables import (
    OversightAnswer,
    OversightBudget,
    OversightBudgetLine,
    OversightContract,
    OversightContractEnd,
    OversightInstalment,
    OversightObjection,
    OversightPeriodClose,
)
from ledger_service.revenue.tables import RevenueEntry
from ledger_service.statements.sections import Query, SectionResult, section


@section
def oversight_section(conn: Connection, q: Query) -> SectionResult:
    flags: list[str] = []
    fields = {
        "budget": _budget(conn, q, flags),
        "revenue_contracts": _contracts(conn, q, flags),
        "objections": _objections(conn, q, flags),
    }
    return SectionResult(fields, [], flags)


# -- budget vs actual ------------------------------------------------------------------------------


def _revenue_rows(conn: Connection, q: Query, start: dt.date, end: dt.date) -> list[Any]:
    e = RevenueEntry
    return list(
        conn.execute(
            select(
                e.kind, e.seq, e.business_date, e.bucket, e.source, e.ref, e.amount, e.corrects, e.reverses
            )
            .where(
                e.community == q.community,
                e.block_number <= q.as_of_block,
                e.business_date >= start,
                e.business_date <= end,
                e.kind.in_(("income", "spend", "transfer", "reversal")),
            )
            .order_by(e.block_number, e.log_index)
        )
    )


def _spend_refs(conn: Connection, q: Query, seqs: set[int]) -> dict[int, tuple[str, str]]:
    """(bucket, ref) of the spends and transfers named, wherever they are dated."""
    if not seqs:
        return {}
    e = RevenueEntry
    rows = conn.execute(
        select(e.seq, e.bucket, e.ref).where(
            e.community == q.community,
            e.block_number <= q.as_of_block,
            e.kind.in_(("spend", "transfer")),
            e.seq.in_(sorted(seqs)),
        )
    )
    return {int(s): (str(b), r or "") for s, b, r in rows}


def _budget(conn: Connection, q: Query, flags: list[str]) -> dict[str, Any] | None:
    year = q.period.start.year
    b = OversightBudget
    head = conn.execute(
        select(b.__table__)
        .where(b.community == q.community, b.year == year, b.block_number <= q.as_of_block)
        .order_by(b.version.desc())
        .limit(1)
    ).first()
    if head is None:
        return None
    bl = OversightBudgetLine
    lines = list(
        conn.execute(
            select(bl.bucket, bl.purpose, bl.amount)
            .where(
                bl.community == q.community,
                bl.year == year,
                bl.version == head.version,
                bl.block_hash == head.block_hash,
                bl.log_index == head.log_index,
            )
            .order_by(bl.line_no)
        )
    )
    spend_budget: dict[tuple[str, str], int] = {}
    income_budget: dict[str, int] = {}
    purposes: dict[str, set[str]] = defaultdict(set)
    for bucket, purpose, amount in lines:
        if bucket == INCOME:
            income_budget[purpose] = int(amount)
        else:
            spend_budget[(bucket, purpose)] = int(amount)
            purposes[bucket].add(purpose)

    def line_of(bucket: str, ref: str) -> tuple[str, str]:
        purpose = tag(ref)
        return (bucket, purpose if purpose in purposes.get(bucket, ()) else OTHER)

    start, end = dt.date(year, 1, 1), q.period.end
    rows = _revenue_rows(conn, q, start, end)
    reversed_spends = {int(r.corrects) for r in rows if r.kind == "reversal" and r.reverses == "spend"}
    originals = _spend_refs(conn, q, reversed_spends)
    actual: dict[tuple[str, str], int] = defaultdict(int)
    income_actual: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.kind in ("spend", "transfer"):
            actual[line_of(str(r.bucket), r.ref or "")] += int(r.amount)
        elif r.kind == "reversal" and r.reverses == "spend" and int(r.corrects) in originals:
            bucket, ref = originals[int(r.corrects)]
            actual[line_of(bucket, ref)] -= int(r.amount)
        elif r.kind == "income" and r.source is not None:
            income_actual[str(r.source)] += int(r.amount)
        elif r.kind == "reversal" and r.reverses == "income" and r.source is not None:
            income_actual[str(r.source)] -= int(r.amount)

    out_lines = []
    for key in sorted(set(spend_budget) | {k for k, v in actual.items() if v}):
        budget, spent = spend_budget.get(key, 0), actual.get(key, 0)
        over = overrun(spent, budget)
        if over:
            flags.append(f"budget_overrun:{key[0]}/{key[1]}")
        out_lines.append(
            {
                "bucket": key[0],
                "purpose": key[1],
                "budget": budget,
                "actual": spent,
                "remaining": budget - spent,
                "over": over,
            }
        )
    year_days = (dt.date(year, 12, 31) - start).days + 1
    elapsed = (end - start).days + 1
    income = []
    for source in sorted(set(income_budget) | {s for s, v in income_actual.items() if v}):
        planned = income_budget.get(source, 0)
        to_date = planned * elapsed // year_days
        got = income_actual.get(source, 0)
        shortfall = max(0, to_date - got)
        if shortfall and source in income_budget:
            flags.append(f"income_shortfall:{source}")
        income.append(
            {
                "source": source,
                "budget": planned,
                "planned_to_date": to_date,
                "actual": got,
                "shortfall": shortfall,
            }
        )
    return {
        "year": year,
        "version": head.version,
        "adopted_on": head.adopted_on.isoformat(),
        "proposal_id": head.proposal_id,
        "decision_type": head.decision_type,
        "doc_hash": head.doc_hash,
        "total": head.total,
        "other": head.other,
        "contingency": head.contingency,
        "other_limit_bps": head.other_limit_bps,
        "actual_through": end.isoformat(),
        "lines": out_lines,
        "income": income,
        "tx_hash": head.tx_hash,
        "block_number": head.block_number,
        "log_index": head.log_index,
    }


# -- revenue contracts: expected vs received ---------------------------------------------------------


def _contracts(conn: Connection, q: Query, flags: list[str]) -> list[dict[str, Any]]:
    c, i, ce = OversightContract, OversightInstalment, OversightContractEnd
    visible = and_(c.community == q.community, c.block_number <= q.as_of_block)
    contracts = list(conn.execute(select(c.__table__).where(visible).order_by(c.contract_id)))
    if not contracts:
        return []
    instalments: dict[int, list[Any]] = defaultdict(list)
    for inst in conn.execute(
        select(i.contract_id, i.n, i.due_date, i.amount)
        .where(i.community == q.community, i.block_number <= q.as_of_block)
        .order_by(i.contract_id, i.n)
    ):
        instalments[int(inst.contract_id)].append(inst)
    ends = {
        int(r.contract_id): r.end_date
        for r in conn.execute(
            select(ce.contract_id, ce.end_date).where(
                ce.community == q.community, ce.block_number <= q.as_of_block
            )
        )
    }
    by_number = {row.number: row.contract_id for row in contracts}
    p = q.period
    received_to_date: dict[int, int] = defaultdict(int)
    received_in_period: dict[int, int] = defaultdict(int)
    payments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cid, seq, day, amount in _payments(conn, q, by_number):
        received_to_date[cid] += amount
        if p.start <= day:
            received_in_period[cid] += amount
            payments[cid].append({"seq": seq, "amount": amount})
    out = []
    for row in contracts:
        cid = int(row.contract_id)
        end_date = ends.get(cid)
        due = [x for x in instalments[cid] if end_date is None or x.due_date <= end_date]
        expected_to_date = sum(int(x.amount) for x in due if x.due_date <= p.end)
        expected_in_period = sum(int(x.amount) for x in due if p.start <= x.due_date <= p.end)
        got = received_to_date[cid]
        left = got
        schedule = []
        for x in due:
            paid = left >= int(x.amount)
            left -= int(x.amount) if paid else 0
            if not paid:
                left = 0
            schedule.append(
                {"n": x.n, "due_date": x.due_date.isoformat(), "amount": int(x.amount), "paid": paid}
            )
        outstanding = max(0, expected_to_date - got)
        if expected_to_date == 0:
            status = "not_due"
        elif outstanding == 0:
            status = "paid"
        elif got <= 0:
            status = "missing"
        else:
            status = "overdue"
        if status in ("overdue", "missing"):
            flags.append(f"contract_{status}:{row.number}")
        entry: dict[str, Any] = {
            "contract_id": cid,
            "number": row.number,
            "kind": row.kind,
            "source": row.source,
            "registered_on": row.registered_on.isoformat(),
            "expected_in_period": expected_in_period,
            "received_in_period": received_in_period[cid],
            "expected_to_date": expected_to_date,
            "received_to_date": got,
            "outstanding": outstanding,
            "status": status,
            "payments": payments[cid],
            "instalments": schedule,
            "doc_hash": row.doc_hash,
            "tx_hash": row.tx_hash,
            "block_number": row.block_number,
            "log_index": row.log_index,
        }
        if end_date is not None:
            entry["ended_on"] = end_date.isoformat()
        out.append(entry)
    return out


def _payments(conn: Connection, q: Query, by_number: dict[str, int]) -> list[tuple[int, int, dt.date, int]]:
    """(contract id, seq, business date, amount) of every payment to a registered contract dated up
    to the period's end, in chain order: incomes whose reference is a contract number or starts
    with "number/", and their reversals (negative)."""
    e = RevenueEntry
    like = [e.ref.like(_like_prefix(n) + "/%", escape="\\") for n in by_number]
    visible = and_(
        e.community == q.community, e.block_number <= q.as_of_block, e.business_date <= q.period.end
    )
    incomes = conn.execute(
        select(e.seq, e.business_date, e.ref, e.amount, e.block_number, e.log_index).where(
            visible, e.kind == "income", or_(e.ref.in_(sorted(by_number)), *like)
        )
    ).all()
    found: list[tuple[int, int, int, int, dt.date, int]] = []
    contract_of: dict[int, int] = {}
    for r in incomes:
        cid = by_number.get(tag(r.ref))
        if cid is not None:  # LIKE is a prefilter; the tag rule decides
            contract_of[int(r.seq)] = cid
            found.append((r.block_number, r.log_index, cid, int(r.seq), r.business_date, int(r.amount)))
    if contract_of:
        for rev in conn.execute(
            select(e.seq, e.business_date, e.amount, e.corrects, e.block_number, e.log_index).where(
                visible, e.kind == "reversal", e.reverses == "income", e.corrects.in_(sorted(contract_of))
            )
        ):
            cid = contract_of[int(rev.corrects or 0)]
            found.append(
                (rev.block_number, rev.log_index, cid, int(rev.seq), rev.business_date, -int(rev.amount))
            )
    found.sort()
    return [(cid, seq, day, amount) for _, _, cid, seq, day, amount in found]


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- objections ----------------------------------------------------------------------------------------


def _objections(conn: Connection, q: Query, flags: list[str]) -> list[dict[str, Any]]:
    o, a, pc = OversightObjection, OversightAnswer, OversightPeriodClose
    p = q.period
    filed = list(
        conn.execute(
            select(o.__table__)
            .where(o.community == q.community, o.block_number <= q.as_of_block, o.filed_on <= p.end)
            .order_by(o.objection_id)
        )
    )
    if not filed:
        return []
    answers = {
        int(r.objection_id): r
        for r in conn.execute(
            select(a.__table__).where(
                a.community == q.community, a.block_number <= q.as_of_block, a.answered_on <= p.end
            )
        )
    }
    periods = {
        r.period_key: r
        for r in conn.execute(
            select(pc.__table__).where(pc.community == q.community, pc.block_number <= q.as_of_block)
        )
    }
    out = []
    for row in filed:
        oid = int(row.objection_id)
        ans = answers.get(oid)
        if not (p.start <= row.filed_on or (ans is None) or p.start <= ans.answered_on):
            continue  # filed and answered before this period: in earlier statements
        closed = periods.get(row.period_key)
        item: dict[str, Any] = {
            "objection_id": oid,
            "period": (
                {"from": closed.from_date.isoformat(), "to": closed.to_date.isoformat()}
                if closed is not None
                else {"key": row.period_key}
            ),
            "objector": row.objector,
            "entry_seq": row.entry_seq,
            "evidence_hash": row.evidence_hash,
            "filed_on": row.filed_on.isoformat(),
            "late": row.late,
            "answer_due": row.answer_due.isoformat(),
            "answer": None,
            "tx_hash": row.tx_hash,
            "block_number": row.block_number,
            "log_index": row.log_index,
        }
        if ans is None:
            if row.answer_due < p.end:
                flags.append(f"objection_unanswered:{oid}")
        else:
            answer: dict[str, Any] = {
                "kind": ans.kind,
                "answered_on": ans.answered_on.isoformat(),
                "late": ans.late,
                "note_hash": ans.note_hash,
                "tx_hash": ans.tx_hash,
                "block_number": ans.block_number,
                "log_index": ans.log_index,
            }
            if ans.kind == "correction":
                answer["correction_seq"] = ans.correction_seq
            else:
                answer["reason"] = ans.reason
            item["answer"] = answer
            if ans.late:
                flags.append(f"objection_answered_late:{oid}")
        out.append(item)
    return out
