"""Index CommunityRoles events: communities and role grants."""

from __future__ import annotations

from ledger_service.chain.errors import ROLE_NAMES
from ledger_service.communities.tables import Community, RoleEvent
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.indexer.registry import Batch, Log, registry


@registry.on("CommunityRoles", "CommunityRegistered")
def community_registered(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    batch.add(
        Community,
        {
            **log.position,
            "id": cid,
            "slug": a["slug"],
            "utc_offset_minutes": a["utcOffsetMinutes"],
            "admin": a["admin"],
        },
    )
    batch.memo.setdefault("offsets", {})[cid] = a["utcOffsetMinutes"]


def _role_event(log: Log, batch: Batch, granted: bool) -> None:
    a = log.args
    batch.add(
        RoleEvent,
        {
            **log.position,
            "community": _hex(a["community"]),
            "role": ROLE_NAMES.get(a["role"], "unknown"),
            "account": a["account"],
            "granted": granted,
            "sender": a["sender"],
        },
    )


@registry.on("CommunityRoles", "CommunityRoleGranted")
def role_granted(log: Log, batch: Batch) -> None:
    _role_event(log, batch, True)


@registry.on("CommunityRoles", "CommunityRoleRevoked")
def role_revoked(log: Log, batch: Batch) -> None:
    _role_event(log, batch, False)


def utc_offset(batch: Batch, community: str) -> int:
    """A community's calendar offset, from this batch or the index (communities register first)."""
    offsets = batch.memo.setdefault("offsets", {})
    if community not in offsets:
        from sqlalchemy import select

        row = batch.conn.execute(
            select(Community.utc_offset_minutes).where(Community.id == community)
        ).scalar_one_or_none()
        offsets[community] = int(row) if row is not None else 0
    return int(offsets[community])
