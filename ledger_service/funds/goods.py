"""In-kind goods (F-7): where every donated unit went, and the ``goods`` part of statement@1.

Rule (the same first-in, first-out as money): a community's stock of an item is a queue of lots in
the order they arrived — donations, and lots received from another community (each keeping the
receipt it was donated under). A transfer or a distribution takes the oldest lots first. So a
donor's receipt shows, unit by unit, which community handed its goods out for which purpose, and
what is still in stock where. Computed from ``goods_entries`` of every community in chain order
(transfers cross communities).

``goods`` in a statement: ``{item: {unit, opening, donated, received, transferred, distributed,
closing}}`` for the community and period; entries: one per Goods event of the community dated in
the period (a transfer also appears in the receiving community's statement, as ``received``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from ledger_service.funds.tables import GoodsEntry
from ledger_service.statements.sections import Query, SectionResult, section

FLOWS = ("opening", "donated", "received", "transferred", "distributed", "closing")
_OPTIONAL = ("unit", "receipt", "donor", "donor_type", "public_name", "request", "counterpart", "purpose",
             "evidence_hash", "actor")  # fmt: skip


@dataclass
class Lot:
    origin: str  # community id the goods were donated in
    receipt: str
    quantity: int


@dataclass
class GoodsDonation:
    """One goods receipt and where its units went."""

    community: str
    receipt: str
    item: str
    quantity: int
    business_date: str
    donor: str | None
    donor_type: str | None
    public_name: str | None
    tx_hash: str
    moves: list[dict[str, Any]] = field(default_factory=list)
    in_stock: dict[str, int] = field(default_factory=dict)

    def to_json(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        n = names or {}
        out: dict[str, Any] = {
            "community": n.get(self.community, self.community),
            "receipt": self.receipt,
            "item": self.item,
            "quantity": self.quantity,
            "business_date": self.business_date,
            "donor": self.donor,
            "donor_type": self.donor_type,
            "tx_hash": self.tx_hash,
            "moves": [
                {**m, "community": n.get(m["community"], m["community"]),
                 **({"to": n.get(m["to"], m["to"])} if "to" in m else {})}
                for m in self.moves
            ],
            "in_stock": {n.get(c, c): q for c, q in sorted(self.in_stock.items()) if q},
        }  # fmt: skip
        if self.public_name:
            out["public_name"] = self.public_name
        return out


class GoodsTrace:
    def __init__(self) -> None:
        self.stock: dict[tuple[str, str], deque[Lot]] = {}
        self.donations: dict[tuple[str, str], GoodsDonation] = {}

    def _queue(self, community: str, item: str) -> deque[Lot]:
        return self.stock.setdefault((community, item), deque())

    def _take(self, community: str, item: str, quantity: int) -> list[Lot]:
        q = self._queue(community, item)
        taken: list[Lot] = []
        left = quantity
        while left > 0:
            if not q:
                raise ValueError(f"{community} hands out more {item} than it holds")
            lot = q[0]
            n = min(left, lot.quantity)
            taken.append(Lot(lot.origin, lot.receipt, n))
            lot.quantity -= n
            left -= n
            if lot.quantity == 0:
                q.popleft()
        return taken

    def apply(self, row: Any) -> None:
        if row.kind == "donated":
            self._queue(row.community, row.item).append(Lot(row.community, row.receipt, row.quantity))
            self.donations[(row.community, row.receipt)] = GoodsDonation(
                row.community, row.receipt, row.item, row.quantity, row.business_date.isoformat(), row.donor,
                row.donor_type, row.public_name, row.tx_hash,
            )  # fmt: skip
        elif row.kind in ("transferred", "distributed"):
            for lot in self._take(row.community, row.item, row.quantity):
                d = self.donations[(lot.origin, lot.receipt)]
                move: dict[str, Any] = {
                    "kind": row.kind,
                    "community": row.community,
                    "quantity": lot.quantity,
                    "business_date": row.business_date.isoformat(),
                    "tx_hash": row.tx_hash,
                }
                if row.kind == "transferred":
                    move["to"] = row.counterpart
                    self._queue(row.counterpart, row.item).append(Lot(lot.origin, lot.receipt, lot.quantity))
                else:
                    move["purpose"] = row.purpose
                d.moves.append(move)

    def finish(self) -> GoodsTrace:
        for (community, _), q in self.stock.items():
            for lot in q:
                d = self.donations[(lot.origin, lot.receipt)]
                d.in_stock[community] = d.in_stock.get(community, 0) + lot.quantity
        return self


def goods_trace(conn: Connection, *, as_of_block: int | None = None) -> GoodsTrace:
    """The goods trace of every community, from the index."""
    g = GoodsEntry
    q = select(g.__table__)
    if as_of_block is not None:
        q = q.where(g.block_number <= as_of_block)
    t = GoodsTrace()
    for row in conn.execute(q.order_by(g.block_number, g.log_index)):
        t.apply(row)
    return t.finish()


def entry_json(row: Any, community: str) -> dict[str, Any]:
    """A goods entry as it appears in ``community``'s statement."""
    kind = row.kind
    if kind == "transferred" and row.community != community:
        kind = "received"
    e: dict[str, Any] = {
        "kind": f"goods_{kind}",
        "seq": row.seq,
        "business_date": row.business_date.isoformat(),
        "amount": 0,
        "item": row.item,
        "quantity": row.quantity,
    }
    for key in _OPTIONAL:
        value = getattr(row, key)
        if value is not None:
            e[key] = value
    if kind == "received":
        e["counterpart"] = row.community  # who gave
    e["tx_hash"] = row.tx_hash
    e["block_number"] = row.block_number
    e["log_index"] = row.log_index
    return e


def goods_rows(conn: Connection, community: str, as_of_block: int) -> list[Any]:
    """Goods events of ``community`` and transfers it received, in chain order."""
    g = GoodsEntry
    return list(
        conn.execute(
            select(g.__table__)
            .where(
                g.block_number <= as_of_block,
                or_(g.community == community, (g.kind == "transferred") & (g.counterpart == community)),
            )
            .order_by(g.block_number, g.log_index)
        )
    )


def goods_flows(rows: Iterable[Any], community: str, start: Any, end: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.business_date > end:
            continue
        line = out.setdefault(r.item, {"unit": None, **dict.fromkeys(FLOWS, 0)})
        if r.kind == "item_registered" and r.community == community:
            line["unit"] = r.unit
            continue
        if r.kind == "requested":
            continue
        if r.kind == "transferred":
            flow, sign = ("received", 1) if r.counterpart == community else ("transferred", -1)
        elif r.kind == "donated":
            flow, sign = "donated", 1
        else:
            flow, sign = "distributed", -1
        if r.business_date < start:
            line["opening"] += sign * r.quantity
        else:
            line[flow] += r.quantity
    for line in out.values():
        line["closing"] = (
            line["opening"] + line["donated"] + line["received"] - line["transferred"] - line["distributed"]
        )
    return out


@section
def goods_section(conn: Connection, q: Query) -> SectionResult:
    rows = goods_rows(conn, q.community, q.as_of_block)
    if not rows:
        return SectionResult()
    flows = goods_flows(rows, q.community, q.period.start, q.period.end)
    missing = [item for item, line in flows.items() if line["unit"] is None]
    if missing:  # received items keep the giver's unit
        g = GoodsEntry
        units = conn.execute(
            select(g.item, g.unit).where(
                g.kind == "item_registered", g.item.in_(missing), g.block_number <= q.as_of_block
            )
        )
        for item, unit in units:
            if flows[item]["unit"] is None:
                flows[item]["unit"] = unit
    entries = [entry_json(r, q.community) for r in rows if q.period.start <= r.business_date <= q.period.end]
    flags = ["goods_negative_stock"] if any(v["closing"] < 0 for v in flows.values()) else []
    return SectionResult({"goods": flows}, entries, flags)
