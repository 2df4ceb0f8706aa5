"""Who paid for what: the first-in, first-out trace of every earmark, recomputed from events.

The rule (the Funds contract keeps the same queue head, so refunds are checked against it):

1. Every earmark keeps its *sources* in the order they arrived on chain (block, then log index):
   donations (one per receipt), money from the revenue policy (one per revenue transfer) and
   unspent money a project returned (one per return). Each is traced as itself; returned money is
   not traced back through the project that returned it.
2. A disbursement from the earmark takes the oldest source's unspent fen first, then the next
   one's, until it is paid in full.
3. A refund takes fen from its own donation's unspent fen only.

So every disbursed fen belongs to exactly one source, anyone can recompute the trace from the
chain's events alone (only their order and amounts matter), and a donor's receipt shows each
payment it funded, what was refunded and what is still unspent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger_service.funds.tables import FundEntry

INFLOWS = ("donation", "from_revenue", "returned")


@dataclass
class Use:
    """Fen of one source used by one disbursement."""

    seq: int
    project: str
    amount: int
    is_final: bool
    business_date: str
    tx_hash: str
    evidence_hash: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "disbursement_seq": self.seq,
            "project": self.project,
            "amount": self.amount,
            "final": self.is_final,
            "business_date": self.business_date,
            "evidence_hash": self.evidence_hash,
            "tx_hash": self.tx_hash,
        }


@dataclass
class Source:
    """One inflow of an earmark and what became of it."""

    index: int
    kind: str  # donation | from_revenue | returned
    fund: str
    earmark: str
    amount: int
    business_date: str
    seq: int
    tx_hash: str
    block_number: int
    log_index: int
    receipt: str | None = None
    donor: str | None = None
    donor_type: str | None = None
    public_name: str | None = None
    campaign: str | None = None
    bucket: str | None = None
    project: str | None = None
    uses: list[Use] = field(default_factory=list)
    refunded: int = 0

    @property
    def spent(self) -> int:
        return sum(u.amount for u in self.uses)

    @property
    def unspent(self) -> int:
        return self.amount - self.spent - self.refunded

    @property
    def label(self) -> str:
        if self.kind == "donation":
            return f"receipt {self.receipt}"
        if self.kind == "from_revenue":
            return f"revenue #{self.seq} ({self.bucket})"
        return f"returned by {self.project}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.index,
            "kind": self.kind,
            "fund": self.fund,
            "earmark": self.earmark,
            "amount": self.amount,
            "business_date": self.business_date,
            "seq": self.seq,
            "tx_hash": self.tx_hash,
            "block_number": self.block_number,
            "log_index": self.log_index,
            "spent": self.spent,
            "refunded": self.refunded,
            "unspent": self.unspent,
            "uses": [u.to_json() for u in self.uses],
        }
        if self.kind == "donation":
            out["receipt"] = self.receipt
            out["donor"] = self.donor
            out["donor_type"] = self.donor_type
            if self.public_name:
                out["public_name"] = self.public_name
            if self.campaign:
                out["campaign"] = self.campaign
        elif self.kind == "from_revenue":
            out["bucket"] = self.bucket
        else:
            out["project"] = self.project
        return out


@dataclass
class Earmark:
    fund: str
    earmark: str
    sources: list[Source] = field(default_factory=list)
    head: int = 0  # the oldest source with unspent fen (as the contract's queue head)

    @property
    def balance(self) -> int:
        return sum(s.unspent for s in self.sources)

    @property
    def head_spent(self) -> int:
        """Fen of the head source already disbursed (the contract's ``headSpent``)."""
        return self.sources[self.head].spent if self.head < len(self.sources) else 0


@dataclass
class Payment:
    """One disbursement and the sources that paid for it."""

    seq: int
    project: str
    fund: str
    earmark: str
    amount: int
    is_final: bool
    business_date: str
    tx_hash: str
    evidence_hash: str | None
    block_number: int = 0
    log_index: int = 0
    paid_by: list[tuple[Source, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "project": self.project,
            "fund": self.fund,
            "earmark": self.earmark,
            "amount": self.amount,
            "final": self.is_final,
            "business_date": self.business_date,
            "evidence_hash": self.evidence_hash,
            "tx_hash": self.tx_hash,
            "block_number": self.block_number,
            "log_index": self.log_index,
            "paid_by": [
                {"source": s.index, "kind": s.kind, "label": s.label, "receipt": s.receipt, "amount": fen}
                for s, fen in self.paid_by
            ],
        }


class TraceError(ValueError):
    """The events contradict the contract's rules (a broken or partial index)."""


@dataclass
class Trace:
    """The FIFO trace of one community's funds."""

    earmarks: dict[tuple[str, str], Earmark] = field(default_factory=dict)
    receipts: dict[str, Source] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)

    def earmark(self, fund: str, earmark: str) -> Earmark:
        key = (fund, earmark)
        if key not in self.earmarks:
            self.earmarks[key] = Earmark(fund, earmark)
        return self.earmarks[key]

    def apply(self, row: Any) -> None:
        """Apply one ``funds_entries`` row (rows must come in chain order)."""
        kind = row.kind
        if kind in INFLOWS:
            e = self.earmark(row.fund, row.earmark)
            if row.source is not None and row.source != len(e.sources):
                raise TraceError(
                    f"earmark {row.fund}/{row.earmark}: source #{row.source} arrived as #{len(e.sources)}"
                )
            src = Source(
                index=len(e.sources),
                kind=kind,
                fund=row.fund,
                earmark=row.earmark,
                amount=row.amount,
                business_date=row.business_date.isoformat(),
                seq=row.seq,
                tx_hash=row.tx_hash,
                block_number=row.block_number,
                log_index=row.log_index,
                receipt=row.receipt,
                donor=row.donor,
                donor_type=row.donor_type,
                public_name=row.public_name,
                campaign=row.campaign,
                bucket=row.bucket,
                project=row.project if kind == "returned" else None,
            )
            e.sources.append(src)
            if kind == "donation":
                self.receipts[row.receipt] = src
        elif kind == "disbursement":
            self._disburse(row)
        elif kind == "refund":
            donation = self.receipts.get(row.receipt)
            if donation is None or donation.unspent < row.amount:
                raise TraceError(f"refund of receipt {row.receipt} exceeds its unspent fen")
            donation.refunded += row.amount

    def _disburse(self, row: Any) -> None:
        e = self.earmark(row.fund, row.earmark)
        pay = Payment(
            seq=row.seq,
            project=row.project,
            fund=row.fund,
            earmark=row.earmark,
            amount=row.amount,
            is_final=bool(row.is_final),
            business_date=row.business_date.isoformat(),
            tx_hash=row.tx_hash,
            evidence_hash=row.evidence_hash,
            block_number=row.block_number,
            log_index=row.log_index,
        )
        left = row.amount
        while left > 0:
            if e.head >= len(e.sources):
                raise TraceError(f"earmark {row.fund}/{row.earmark} pays more than it holds")
            src = e.sources[e.head]
            take = min(left, src.unspent)
            if take > 0:
                src.uses.append(
                    Use(
                        pay.seq,
                        pay.project,
                        take,
                        pay.is_final,
                        pay.business_date,
                        pay.tx_hash,
                        pay.evidence_hash,
                    )
                )
                pay.paid_by.append((src, take))
                left -= take
            if src.unspent == 0:
                e.head += 1
        self.payments.append(pay)

    # -- reading ----------------------------------------------------------------------------------

    def receipt(self, receipt: str) -> dict[str, Any] | None:
        """What a donor sees for a receipt number: each payment it funded and what is unspent."""
        src = self.receipts.get(receipt)
        return None if src is None else src.to_json()

    def traceability(self) -> dict[str, dict[str, Any]]:
        """Per fund: fen disbursed, fen traced to a source, and the rate (one decimal, percent)."""
        out: dict[str, dict[str, Any]] = {}
        for (fund, _), e in sorted(self.earmarks.items()):
            line = out.setdefault(
                fund, {"donated": 0, "from_revenue": 0, "returned": 0, "disbursed": 0, "traced": 0,
                       "refunded": 0, "unspent": 0},
            )  # fmt: skip
            for s in e.sources:
                line["donated" if s.kind == "donation" else s.kind] += s.amount
                line["traced"] += s.spent
                line["refunded"] += s.refunded
                line["unspent"] += s.unspent
        for p in self.payments:
            out.setdefault(p.fund, {"disbursed": 0, "traced": 0})["disbursed"] += p.amount
        for line in out.values():
            line["rate"] = percent(line["traced"], line["disbursed"])
        return out


def percent(part: int, whole: int) -> str | None:
    """``part / whole`` in percent with one decimal, rounded half up, by integer arithmetic."""
    if whole == 0:
        return None
    tenths = (part * 1000 * 2 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


def build_trace(rows: Iterable[Any]) -> Trace:
    """The trace of the given rows (one community's ``funds_entries`` in chain order)."""
    t = Trace()
    for row in rows:
        t.apply(row)
    return t


def community_trace(conn: Connection, community: str, *, as_of_block: int | None = None) -> Trace:
    """The trace of ``community`` (0x id) from the index, as of ``as_of_block`` (default: all)."""
    e = FundEntry
    q = select(e.__table__).where(e.community == community)
    if as_of_block is not None:
        q = q.where(e.block_number <= as_of_block)
    return build_trace(conn.execute(q.order_by(e.block_number, e.log_index)))
