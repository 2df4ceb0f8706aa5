"""The audit context's HTTP routes: closing a period (its statement fixed and anchored)."""

from __future__ import annotations

from fastapi import APIRouter

from ledger_service.api.deps import ERRORS, Accountant, Writes, period_of
from ledger_service.api.schemas import CloseOut
from ledger_service.audit.commands import close_period


def router(writes: Writes) -> APIRouter:
    """The period-close route, under ``/api/v1``."""
    api = APIRouter()

    @api.post(
        "/communities/{slug}/periods/{period}/close",
        status_code=201,
        response_model=CloseOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Close a period: its statement is fixed and its hash anchored on chain",
    )
    def close(slug: str, period: str, caller: Accountant) -> CloseOut:
        label = period_of(period).label
        with writes.writing():
            closed = close_period(writes.svc, slug, label, signer=caller.address)
        return CloseOut(
            label=closed.label,
            statement_hash=closed.statement_hash,
            entries_root=closed.entries_root,
            tx_hash=closed.tx_hash,
        )

    return api
