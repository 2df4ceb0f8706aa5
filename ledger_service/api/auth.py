"""API tokens: one per (person's signing key, community, role), shown once, stored only as SHA-256.

A token authorises writes for exactly one community and one role; the write is signed with the key
the token is bound to, so the chain records who did it, and the contract checks the role again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ledger_service.api.tables import ApiToken
from ledger_service.communities.commands import ROLES
from ledger_service.core.errors import InvalidInput, NotFound, Unauthorized
from ledger_service.db.session import Database

if TYPE_CHECKING:
    from ledger_service.service import LedgerService


@dataclass(frozen=True)
class Caller:
    """Who a valid token speaks for."""

    token_id: int
    address: str
    community: str
    role: str
    label: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _db(target: LedgerService | Database) -> Database:
    return target if isinstance(target, Database) else target.db


def create_token(svc: LedgerService | Database, slug: str, role: str, address: str, label: str) -> str:
    """Make a token for ``address`` acting as ``role`` in community ``slug``; return it (once).

    Only its SHA-256 is stored: a leaked database does not leak working tokens. ``svc`` may be the
    service or just its database (the CLI makes tokens for a running service that way).
    """
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}'; use one of: {', '.join(ROLES)}")
    if not slug:
        raise InvalidInput("a token needs a community")
    token = secrets.token_urlsafe(32)
    with _db(svc).session() as s:
        s.add(
            ApiToken(
                token_hash=token_hash(token), address=address, community=slug, role=role, label=label[:64]
            )
        )
    return token


def revoke_token(svc: LedgerService | Database, token_or_id: str | int) -> None:
    """Revoke a token, given the token itself or its id; it stops working at once."""
    with _db(svc).session() as s:
        if isinstance(token_or_id, int):
            row = s.get(ApiToken, token_or_id)
        else:
            row = s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token_or_id))).first()
        if row is None:
            raise NotFound("there is no such token")
        if row.revoked_at is None:
            row.revoked_at = dt.datetime.now(dt.UTC)


def authenticate(db: Database, token: str) -> Caller:
    """The caller a token speaks for, or ``Unauthorized``."""
    with db.session() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
        if row is None:
            raise Unauthorized("this token is not known; ask the administrator for a new one")
        if row.revoked_at is not None:
            raise Unauthorized("this token was revoked; ask the administrator for a new one")
        return Caller(row.id, row.address, row.community, row.role, row.label)
