"""Build ``civic-ledger/statement@1`` from SQL only.

The same inputs (community, period, as-of block and its hash, status) always give the same
statement, byte for byte in canonical JSON: that is what lets a rebuilt index reproduce closed
statements exactly and an auditor recompute one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger_service.communities.tables import Community
from ledger_service.core.errors import NotFound
from ledger_service.indexer.tables import ChainRecord
from ledger_service.statements.canonical import canonical_bytes, sha256_hex
from ledger_service.statements.merkle import entries_root
from ledger_service.statements.periods import Period
from ledger_service.statements.sections import SECTIONS, Query


def _register_sections() -> None:
    import ledger_service.statement_sections  # noqa: F401  (imported late: sections import this package)


FORMAT = "civic-ledger/statement@1"

#: Keys a statement always has, with their empty values, so a context that is not deployed yet
#: (funds, time bank) still yields a complete statement@1.
DEFAULTS: dict[str, Any] = {
    "income": {"total": 0, "by_source": {}},
    "allocated": {"total": 0, "by_bucket": {}},
    "awaiting_decision": 0,
    "spent": {"total": 0, "by_bucket": {}},
    "reallocated": {"by_bucket": {}},
    "balances": {},
    "deposits": {"held": 0, "received": 0, "returned": 0},
    "funds": {},
    "timebank": {"minted": 0, "rewarded": 0, "redeemed": 0, "deducted": 0, "pool": 0, "holders": 0},
}


@dataclass(frozen=True)
class BuiltStatement:
    statement: dict[str, Any]
    body: bytes  # RFC 8785 canonical JSON
    hash: str  # SHA-256 hex of body

    @property
    def entries_root(self) -> str:
        return str(self.statement["entries_root"])


def community_by_slug(conn: Connection, slug: str) -> Any:
    """The community's row (id, slug, utc_offset_minutes, ...), or ``NotFound``."""
    row = conn.execute(select(Community.__table__).where(Community.slug == slug)).first()
    if row is None:
        raise NotFound(f"there is no community '{slug}'")
    return row


def chain_manifest(conn: Connection) -> dict[str, Any]:
    row = conn.execute(select(ChainRecord.manifest)).first()
    if row is None:
        raise NotFound("this index has no chain record yet; start the service once")
    return json.loads(row[0])  # type: ignore[no-any-return]


def build_statement(
    conn: Connection,
    slug: str,
    period: Period,
    *,
    as_of_block: int,
    as_of_hash: str,
    status: str = "provisional",
) -> BuiltStatement:
    """The statement of ``slug`` for ``period`` as of ``as_of_block`` (entries in blocks above it
    are left out), with ``status`` "provisional" or "closed"."""
    if status not in ("provisional", "closed"):
        raise ValueError(f"unknown statement status {status!r}")
    _register_sections()
    community = community_by_slug(conn, slug)
    manifest = chain_manifest(conn)
    query = Query(community.id, period, as_of_block)
    body: dict[str, Any] = {k: json.loads(json.dumps(v)) for k, v in DEFAULTS.items()}
    entries: list[dict[str, Any]] = []
    flags: list[str] = []
    for section in SECTIONS:
        result = section(conn, query)
        body.update(result.fields)
        entries.extend(result.entries)
        flags.extend(result.flags)
    entries.sort(key=lambda e: (e["block_number"], e["log_index"]))
    statement: dict[str, Any] = {
        "format": FORMAT,
        "community": slug,
        "period": period.to_dict(),
        "status": status,
        "currency": "CNY",
        **body,
        "flags": sorted(set(flags)),
        "entries": entries,
        "entries_root": entries_root(entries),
        "chain": {
            "chain_id": manifest["chain_id"],
            "contracts": {name: c["address"] for name, c in sorted(manifest["contracts"].items())},
            "from_block": min(c["block_number"] for c in manifest["contracts"].values()),
            "to_block": as_of_block,
            "to_block_hash": as_of_hash,
        },
    }
    raw = canonical_bytes(statement)
    return BuiltStatement(statement, raw, sha256_hex(raw))
