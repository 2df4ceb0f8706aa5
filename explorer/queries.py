"""What the explorer reads besides statements: the communities, the newest indexed block, and which
period a community's page should open on. SQL only, through a read-only connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger_service.communities.tables import Community
from ledger_service.indexer.tables import IndexedBlock, IndexerCursor
from ledger_service.revenue.tables import RevenueEntry
from ledger_service.statements.builder import community_by_slug
from ledger_service.statements.periods import Period


@dataclass(frozen=True)
class Head:
    """The newest block the index has fully read."""

    chain_id: int
    block_number: int
    block_hash: str
    timestamp: int | None  # seconds, UTC; None if the header was not kept

    def to_json(self) -> dict[str, Any]:
        return {"chain_id": self.chain_id, "block_number": self.block_number, "block_hash": self.block_hash,
                "timestamp": self.timestamp}


def head(conn: Connection) -> Head | None:
    """The index's cursor with its block time, or ``None`` before anything is indexed."""
    row = conn.execute(
        select(IndexerCursor.chain_id, IndexerCursor.block_number, IndexerCursor.block_hash,
               IndexedBlock.timestamp)
        .outerjoin(IndexedBlock, (IndexedBlock.chain_id == IndexerCursor.chain_id)
                   & (IndexedBlock.number == IndexerCursor.block_number))
        .order_by(IndexerCursor.block_number.desc())
    ).first()
    if row is None:
        return None
    return Head(int(row[0]), int(row[1]), str(row[2]), None if row[3] is None else int(row[3]))


@dataclass(frozen=True)
class CommunityRow:
    slug: str
    utc_offset_minutes: int
    latest_entry_date: dt.date | None


def communities(conn: Connection, as_of_block: int | None) -> list[CommunityRow]:
    """Every registered community, by slug, with the business date of its newest entry."""
    latest = (
        select(RevenueEntry.community, func.max(RevenueEntry.business_date).label("latest"))
        .where(RevenueEntry.block_number <= (as_of_block if as_of_block is not None else -1))
        .group_by(RevenueEntry.community)
        .subquery()
    )
    rows = conn.execute(
        select(Community.slug, Community.utc_offset_minutes, latest.c.latest)
        .outerjoin(latest, latest.c.community == Community.id)
        .order_by(Community.slug)
    )
    return [CommunityRow(str(slug), int(offset), _as_date(d)) for slug, offset, d in rows]


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))  # SQLite's MAX() over a DATE column returns text


def today(offset_minutes: int, at: Head | None) -> dt.date:
    """Today in a community's calendar, by the chain's clock when we know it (the contracts use it
    too), else by this machine's clock."""
    if at is not None and at.timestamp is not None:
        now = dt.datetime.fromtimestamp(at.timestamp, dt.UTC)
    else:
        now = dt.datetime.now(dt.UTC)
    return (now + dt.timedelta(minutes=offset_minutes)).date()


def current_period(row: CommunityRow, at: Head | None) -> Period:
    """The quarter a community's page opens on: the newest one with entries, else the current one."""
    d = row.latest_entry_date or today(row.utc_offset_minutes, at)
    return Period.containing(d, "quarter")


def community_row(conn: Connection, slug: str, as_of_block: int | None) -> CommunityRow:
    """One community (``NotFound`` if the slug is unknown) with the date of its newest entry."""
    c = community_by_slug(conn, slug)
    latest = None
    if as_of_block is not None:
        latest = conn.execute(
            select(func.max(RevenueEntry.business_date))
            .where(RevenueEntry.community == c.id, RevenueEntry.block_number <= as_of_block)
        ).scalar()
    return CommunityRow(c.slug, c.utc_offset_minutes, _as_date(latest))
