"""What every context's API routes share: the token check per role, one-write-at-a-time with the
index caught up afterwards, the 201/202 answer, and the documented error answers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ledger_service.api.auth import Caller, authenticate
from ledger_service.api.schemas import ErrorOut, WriteOut
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.core.errors import ChainUnavailable, Forbidden, InvalidInput, Unauthorized
from ledger_service.service import LedgerService
from ledger_service.statements.periods import Period, parse_period

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
QUEUED = "queued"

_bearer = HTTPBearer(auto_error=False, description="an API token made with `civic-ledger token create`")

#: What a write route may answer besides its success.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no token, or an unknown or revoked one"},
    403: {"model": ErrorOut, "description": "the token is for another community or role"},
    409: {"model": ErrorOut, "description": "refused: a closed period, a repeated reference, a balance"},
    422: {"model": ErrorOut, "description": "the request is malformed"},
}
_ACTION = {
    "accountant": "posting revenue, spending, reversals, deposits and closing periods",
    "committee": "setting allocation policies",
    "auditor": "attesting closed statements",
}


def require(role: str) -> Callable[..., Caller]:
    """A dependency: the caller's token must be for the path's community and for ``role``."""

    def dependency(
        request: Request,
        slug: str,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Caller:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise Unauthorized("this needs an API token: send the header 'Authorization: Bearer <token>'")
        svc: LedgerService = request.app.state.svc
        caller = authenticate(svc.db, credentials.credentials)
        if caller.community != slug:
            raise Forbidden(
                f"this token is for community {caller.community}, not {slug}; use a token of {slug}",
                token_community=caller.community,
                community=slug,
            )
        if caller.role != role:
            raise Forbidden(
                f"this token acts as {caller.role} of {slug}; "
                f"{_ACTION.get(role, 'this')} needs the {role} role",
                token_role=caller.role,
                required_role=role,
            )
        return caller

    return dependency


Accountant = Annotated[Caller, Depends(require("accountant"))]
Committee = Annotated[Caller, Depends(require("committee"))]
Auditor = Annotated[Caller, Depends(require("auditor"))]


def write_out(entry: JournalEntry) -> WriteOut:
    return WriteOut(
        id=entry.id,
        status=entry.status,
        seq=entry.seq,
        seq_count=entry.seq_count,
        tx_hash=entry.tx_hash,
        block_number=entry.block_number,
    )


def period_of(label: str) -> Period:
    try:
        return parse_period(label)
    except (ValueError, TypeError) as e:
        raise InvalidInput(str(e)) from None


class Writes:
    """One write at a time through the API; afterwards the index catches up with the chain, so a
    client reads its own write at once."""

    def __init__(self, svc: LedgerService) -> None:
        self.svc = svc
        self._lock = threading.Lock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._lock:
            yield
            try:
                self.svc.sync()
            except ChainUnavailable as e:
                log.warning("write journaled but not indexed yet: %s", e.message)

    @staticmethod
    def answer(response: Response, entries: Sequence[JournalEntry]) -> None:
        """201 when every write landed, 202 when one is queued (the chain was unreachable)."""
        response.status_code = 202 if any(e.status == QUEUED for e in entries) else 201
