"""What anyone may read about funds (SQL only): a donor's receipt, traceability per fund, a
street office's view over its communities. Donors appear by pseudonym; a name only when the
donor chose to publish it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger_service.communities.tables import Community
from ledger_service.core.errors import NotFound
from ledger_service.funds.statement import FLOWS, earmark_flows, rows_as_of, sources_by_donor_type
from ledger_service.funds.trace import community_trace, percent
from ledger_service.statements.builder import community_by_slug
from ledger_service.statements.periods import Period


def _head(conn: Connection) -> int:
    from ledger_service.indexer.tables import IndexerCursor

    block = conn.execute(select(IndexerCursor.block_number)).scalar()
    return int(block) if block is not None else 0


def receipt_view(conn: Connection, slug: str, receipt: str) -> dict[str, Any]:
    """A donor's view of their receipt: the donation, each payment it funded (project, amount,
    date, evidence, transaction), what was refunded and what is unspent."""
    community = community_by_slug(conn, slug)
    t = community_trace(conn, community.id)
    found = t.receipt(receipt)
    if found is None:
        raise NotFound(f"community {slug} has no donation with receipt number '{receipt}'")
    return {"community": slug, "as_of_block": _head(conn), **found}


def traceability(conn: Connection, slug: str) -> dict[str, Any]:
    community = community_by_slug(conn, slug)
    return {
        "community": slug,
        "as_of_block": _head(conn),
        "funds": community_trace(conn, community.id).traceability(),
    }


def street_view(conn: Connection, period: Period, slugs: Sequence[str] | None = None) -> dict[str, Any]:
    """A street office's view: per community and in total, the period's funds flows (summed over
    funds and earmarks), inflows by donor type and the traceability rate."""
    q = select(Community.slug, Community.id).order_by(Community.slug)
    rows = conn.execute(q).all()
    wanted = set(slugs) if slugs else None
    as_of = _head(conn)
    out: dict[str, Any] = {}
    total = dict.fromkeys(FLOWS, 0)
    by_type: dict[str, int] = {}
    disbursed = traced = 0
    for slug, cid in rows:
        if wanted is not None and slug not in wanted:
            continue
        entries = rows_as_of(conn, cid, as_of)
        if not entries:
            continue
        flows = earmark_flows(entries, period)
        line = dict.fromkeys(FLOWS, 0)
        for earmarks in flows.values():
            for f in earmarks.values():
                for k in FLOWS:
                    line[k] += f[k]
        types: dict[str, int] = {}
        for src in sources_by_donor_type(entries, period).values():
            for t, amount in src["by_donor_type"].items():
                types[t] = types.get(t, 0) + amount
        tr = community_trace(conn, cid, as_of_block=as_of).traceability()
        d = sum(v["disbursed"] for v in tr.values())
        tt = sum(v["traced"] for v in tr.values())
        out[slug] = {**line, "by_donor_type": types, "funds": len(flows), "traceability": percent(tt, d)}
        for k in FLOWS:
            total[k] += line[k]
        for t, amount in types.items():
            by_type[t] = by_type.get(t, 0) + amount
        disbursed, traced = disbursed + d, traced + tt
    if wanted is not None and (missing := wanted - set(out)) and missing - {s for s, _ in rows}:
        raise NotFound(f"there is no community '{sorted(missing - {s for s, _ in rows})[0]}'")
    return {
        "period": period.to_dict(),
        "as_of_block": as_of,
        "communities": out,
        "total": {**total, "by_donor_type": by_type, "traceability": percent(traced, disbursed)},
    }


def community_names(conn: Connection) -> dict[str, str]:
    """Community id -> slug."""
    return {str(cid): str(slug) for slug, cid in conn.execute(select(Community.slug, Community.id))}


def goods_receipt_view(conn: Connection, slug: str, receipt: str) -> dict[str, Any]:
    """A goods donor's view: where each unit of their donation went (handed out by which community
    for which purpose, transferred where) and what is still in stock."""
    from ledger_service.funds.goods import goods_trace

    community = community_by_slug(conn, slug)
    t = goods_trace(conn)
    d = t.donations.get((community.id, receipt))
    if d is None:
        raise NotFound(f"community {slug} has no goods donation with receipt number '{receipt}'")
    return {"as_of_block": _head(conn), **d.to_json(community_names(conn))}
