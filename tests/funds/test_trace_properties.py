"""The FIFO trace as pure logic (Hypothesis, many examples): whatever the order of donations,
revenue, returns, payments and refunds the contract would accept, every disbursed fen is assigned
to exactly one source, no source gives more than it had, sources are used oldest first, and each
earmark's balance is inflows − disbursed − refunded ≥ 0."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ledger_service.funds.trace import build_trace, percent

DAY = dt.date(2026, 3, 1)
KINDS = ("donation", "from_revenue", "returned")
MAX = 2**53 - 1


def _row(i: int, kind: str, earmark: str, amount: int, **kw: Any) -> SimpleNamespace:
    base = dict(
        kind=kind, fund="f", earmark=earmark, amount=amount, seq=i, business_date=DAY,
        tx_hash=f"0x{i:064x}", block_number=i, log_index=0, receipt=None, donor=None, donor_type=None,
        public_name=None, campaign=None, bucket=None, project=None, source=None, is_final=False,
        evidence_hash=None,
    )  # fmt: skip
    base.update(kw)
    return SimpleNamespace(**base)


ops = st.lists(
    st.tuples(
        st.sampled_from(("in", "in", "pay", "pay", "refund")),
        st.sampled_from(("a", "b")),
        st.integers(1, 10_000),
        st.sampled_from(KINDS),
        st.integers(0, 50),
    ),
    max_size=40,
)


def _rows(
    plan: list[tuple[str, str, int, str, int]],
) -> tuple[list[SimpleNamespace], dict[str, dict[str, int]]]:
    """Rows the contract would have accepted for ``plan`` (payments and refunds capped at what is
    there), with the totals posted per earmark."""
    rows: list[SimpleNamespace] = []
    posted = {e: {"in": 0, "out": 0} for e in "ab"}
    balance = {"a": 0, "b": 0}
    receipts: list[tuple[str, str, int]] = []  # (receipt, earmark, amount)
    refunded: dict[str, int] = {}
    count = {"a": 0, "b": 0}
    for i, (op, e, amount, kind, pick) in enumerate(plan):
        if op == "in":
            receipt = f"R{i}" if kind == "donation" else None
            rows.append(_row(i, kind, e, amount, receipt=receipt, source=count[e], donor_type="resident"))
            count[e] += 1
            if receipt:
                receipts.append((receipt, e, amount))
            posted[e]["in"] += amount
            balance[e] += amount
        elif op == "pay" and balance[e] > 0:
            fen = min(amount, balance[e])
            rows.append(_row(i, "disbursement", e, fen, project=f"p{e}"))
            posted[e]["out"] += fen
            balance[e] -= fen
        elif op == "refund" and receipts:
            # the contract allows up to the receipt's unspent fen: ask the trace so far
            receipt, re, _ = receipts[pick % len(receipts)]
            src = build_trace(rows).receipts[receipt]
            fen = min(amount, src.unspent)
            if fen > 0:
                rows.append(_row(i, "refund", re, fen, receipt=receipt))
                refunded[receipt] = refunded.get(receipt, 0) + fen
                posted[re]["out"] += fen
                balance[re] -= fen
    return rows, posted


@settings(max_examples=300, deadline=None)
@given(ops)
@example([("in", "a", 1, "donation", 0), ("pay", "a", 1, "donation", 0)])
@example(
    [("in", "a", 10_000, "from_revenue", 0), ("in", "a", 1, "donation", 0), ("pay", "a", 10_000, "x", 0)]
)
@example(
    [
        ("in", "a", 5, "donation", 0),
        ("in", "a", 5, "donation", 0),
        ("refund", "a", 5, "x", 1),
        ("pay", "a", 5, "x", 0),
    ]
)
def test_everyDisbursedFen_belongsToExactlyOneSource_oldestFirst(
    plan: list[tuple[str, str, int, str, int]],
) -> None:
    rows, posted = _rows(plan)
    t = build_trace(rows)
    for p in t.payments:
        assert sum(fen for _, fen in p.paid_by) == p.amount  # every fen of it, once
        idx = [s.index for s, _ in p.paid_by]
        assert idx == sorted(set(idx))  # oldest first, each source once
    for e, line in posted.items():
        earmark = t.earmarks.get(("f", e))
        if earmark is None:
            assert line == {"in": 0, "out": 0}
            continue
        srcs = earmark.sources
        assert sum(s.amount for s in srcs) == line["in"]
        assert sum(s.spent + s.refunded for s in srcs) == line["out"]
        assert earmark.balance == line["in"] - line["out"] >= 0
        for s in srcs:
            assert 0 <= s.unspent <= s.amount and s.spent + s.refunded + s.unspent == s.amount
        # first in, first out: every source before the head is used up; none after it is touched
        assert all(s.unspent == 0 for s in srcs[: earmark.head])
        assert all(s.spent == 0 for s in srcs[earmark.head + 1 :])
    disbursed = sum(p.amount for p in t.payments)
    assert sum(s.spent for e in t.earmarks.values() for s in e.sources) == disbursed


@given(st.integers(0, MAX), st.integers(1, MAX))
@example(98, 100)
@example(2, 3)
@example(1, 3)
def test_percent_isExactToOneDecimal_roundedHalfUp(part: int, whole: int) -> None:
    got = percent(part, whole)
    assert got is not None
    tenths = int(got.replace(".", ""))
    # |tenths/10 - 100*part/whole| <= 0.05, in integers
    assert abs(tenths * whole - 1000 * part) * 2 <= whole
