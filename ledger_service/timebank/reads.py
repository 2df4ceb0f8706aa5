"""Read-only views of the time bank over the SQL index (no chain access: the explorer, the slip
and the CLI's reads use these). Volunteers are shown by pseudonym only; people who receive help
(beneficiaries, registered elderly residents, anyone the people registry marks so) have no
public page, and their ids never appear in what these return for the public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger_service.communities.tables import Community
from ledger_service.indexer.tables import IndexerCursor
from ledger_service.people.tables import Person
from ledger_service.statements.periods import Period
from ledger_service.timebank.encoding import HEALTH_CATEGORY, hours
from ledger_service.timebank.statement import Statistics, holder_balances, statistics
from ledger_service.timebank.tables import TimebankEntry

#: Entry kinds shown on a volunteer's page (registrations and catalog changes are not theirs).
_HOLDER_KINDS = ("minted", "redeemed", "donated", "granted", "rewarded", "deducted", "fee_discount")


def community_id(conn: Connection, slug: str) -> str | None:
    return conn.execute(select(Community.id).where(Community.slug == slug)).scalar()


def head_block(conn: Connection) -> int | None:
    return conn.execute(select(func.max(IndexerCursor.block_number))).scalar()


def helped(conn: Connection, cid: str, as_of_block: int) -> set[str]:
    """Ids of people who receive help in a community: every beneficiary of a record, every
    resident ever registered as elderly, and everyone the people registry marks so."""
    e = TimebankEntry
    out = set(
        conn.execute(
            select(e.beneficiary)
            .distinct()
            .where(e.community == cid, e.kind == "minted", e.block_number <= as_of_block)
        ).scalars()
    )
    out |= set(
        conn.execute(
            select(e.holder)
            .distinct()
            .where(e.community == cid, e.kind.in_(("elderly_set", "granted")), e.block_number <= as_of_block)
        ).scalars()
    )
    slug = conn.execute(select(Community.slug).where(Community.id == cid)).scalar()
    out |= set(
        conn.execute(select(Person.pseudonym).where(Person.community == slug, Person.receives_help)).scalars()
    )
    return {str(x).lower() for x in out if x}


@dataclass(frozen=True)
class VolunteerLine:
    holder: str
    balance: int
    minted: int
    redeemed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "holder": self.holder,
            "balance": self.balance,
            "minted": self.minted,
            "redeemed": self.redeemed,
            "hours_served": hours(self.minted),
        }


def volunteers(conn: Connection, cid: str, as_of_block: int) -> list[VolunteerLine]:
    """Every volunteer who has served (minted minutes), by pseudonym, busiest first; never
    anyone who receives help."""
    e = TimebankEntry
    served = set(
        conn.execute(
            select(e.holder)
            .distinct()
            .where(e.community == cid, e.kind == "minted", e.block_number <= as_of_block)
        ).scalars()
    )
    hidden = helped(conn, cid, as_of_block)
    lines = holder_balances(conn, cid, as_of_block=as_of_block)
    out = [
        VolunteerLine(h, lines[h]["balance"], lines[h].get("minted", 0), lines[h].get("redeemed", 0))
        for h in sorted(str(x) for x in served)
        if h not in hidden and h in lines
    ]
    return sorted(out, key=lambda v: (-v.minted, v.holder))


@dataclass(frozen=True)
class VolunteerPage:
    holder: str
    balance: int
    totals: dict[str, int]
    entries: list[dict[str, Any]]
    as_of_block: int


def volunteer_page(conn: Connection, cid: str, holder: str, as_of_block: int) -> VolunteerPage | None:
    """A volunteer's pseudonymous page: balance, lifetime totals and their own acts (no
    beneficiary, and a health check-up by its category only). None for anyone who has not
    served, or who receives help."""
    h = holder.lower()
    if h in helped(conn, cid, as_of_block):
        return None
    e = TimebankEntry
    rows = conn.execute(
        select(e.__table__)
        .where(e.community == cid, e.holder == h, e.kind.in_(_HOLDER_KINDS), e.block_number <= as_of_block)
        .order_by(e.block_number, e.log_index)
    ).all()
    if not any(r.kind == "minted" for r in rows):
        return None
    line = holder_balances(conn, cid, as_of_block=as_of_block).get(h, {"balance": 0})
    entries = []
    for r in rows:
        item: dict[str, Any] = {
            "kind": r.kind,
            "business_date": r.business_date.isoformat(),
            "minutes": r.amount,
            "tx_hash": r.tx_hash,
            "block_number": r.block_number,
            "log_index": r.log_index,
        }
        if r.kind == "minted":
            item["service_type"] = r.service_type
            item["attested_by"] = "beneficiary" if r.by_signature else "coordinator"
        elif r.kind == "redeemed":
            item["category"] = r.category
            if r.category != HEALTH_CATEGORY:
                item["provider"] = r.provider
        elif r.kind in ("rewarded", "deducted"):
            item["reason"] = r.reason
        elif r.kind == "fee_discount":
            item["fen"] = r.fen
        if r.proxy and r.kind in ("redeemed", "donated", "fee_discount"):
            item["proxy"] = r.proxy
        entries.append(item)
    totals = {k: v for k, v in line.items() if k != "balance"}
    return VolunteerPage(h, line["balance"], totals, entries, as_of_block)


def community_statistics(
    conn: Connection, cid: str, period: Period, previous: Period | None, as_of_block: int
) -> Statistics:
    return statistics(conn, cid, period, as_of_block=as_of_block, previous=previous)


def previous_period(period: Period) -> Period:
    """The period of the same kind just before ``period`` (for retention)."""
    start = period.start - dt.timedelta(days=1)
    if period.kind == "month":
        return Period.month(start.year, start.month)
    if period.kind == "quarter":
        return Period.quarter(start.year, (start.month - 1) // 3 + 1)
    return Period.year(start.year)
