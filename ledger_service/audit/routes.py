"""The audit context's HTTP routes: closing a period (its statement fixed and anchored), the
auditor's attestation, and the proof bundles and trust root an auditor takes away."""

from __future__ import annotations

import gzip
from typing import Any

from fastapi import APIRouter, Body, Response
from fastapi.responses import JSONResponse

from ledger_service.api.deps import ERRORS, Accountant, Auditor, Writes, period_of
from ledger_service.api.schemas import CloseOut, ErrorOut
from ledger_service.audit.commands import close_period
from ledger_service.audit.export import attest_period
from ledger_service.proofs.bundle import bundle_bytes, entry_bundle, statement_bundle
from ledger_service.proofs.trust_root import trust_root, trust_root_hash

DOWNLOAD: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "no such community, closed period or entry"}
}


def _download(data: dict[str, Any], name: str) -> JSONResponse:
    return JSONResponse(data, headers={"Content-Disposition": f'attachment; filename="{name}"'})


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

    @api.post(
        "/communities/{slug}/periods/{period}/attest",
        responses=ERRORS,
        tags=["writes"],
        summary="An auditor attests a closed statement on chain (the opinion's SHA-256 is recorded)",
    )
    def attest(
        slug: str, period: str, caller: Auditor, opinion: str = Body(..., embed=True, min_length=1)
    ) -> dict[str, Any]:
        label = period_of(period).label
        with writes.writing():
            return attest_period(writes.svc, slug, label, signer=caller.address, opinion=opinion)

    @api.get("/trust-root.json", tags=["proofs"], summary="This deployment's trust root (for the verifier)")
    def get_trust_root() -> JSONResponse:
        root = trust_root(writes.svc.deployment, writes.svc.settings.validators)
        return JSONResponse(root, headers={"X-Trust-Root-Sha256": trust_root_hash(root)})

    @api.get(
        "/communities/{slug}/periods/{period}/bundle.json",
        tags=["proofs"],
        responses=DOWNLOAD,
        summary="Proof bundle of a closed statement: every entry, its receipts, headers and the anchor",
    )
    def get_statement_bundle(slug: str, period: str) -> JSONResponse:
        label = period_of(period).label
        bundle = statement_bundle(writes.svc, slug, label, validators=writes.svc.settings.validators)
        return _download(bundle, f"{slug}-{label}-bundle.json")

    @api.get(
        "/communities/{slug}/periods/{period}/entries/{index}/bundle.json",
        tags=["proofs"],
        responses=DOWNLOAD,
        summary="Proof bundle of one entry of a closed statement (its position in `entries`)",
    )
    def get_entry_bundle(slug: str, period: str, index: int) -> JSONResponse:
        label = period_of(period).label
        bundle = entry_bundle(writes.svc, slug, label, index, validators=writes.svc.settings.validators)
        return _download(bundle, f"{slug}-{label}-entry-{index}-bundle.json")

    @api.get(
        "/communities/{slug}/periods/{period}/entries/{index}/bundle.json.gz",
        tags=["proofs"],
        responses={200: {"content": {"application/gzip": {}}}, 404: {"model": ErrorOut}},
        summary="The same entry bundle as a gzip file (what the explorer offers: an entry inside a "
        "batch carries its whole batch's receipt, ~80 kB as JSON, ~4 kB compressed)",
    )
    def get_entry_bundle_gz(slug: str, period: str, index: int) -> Response:
        label = period_of(period).label
        bundle = entry_bundle(writes.svc, slug, label, index, validators=writes.svc.settings.validators)
        return Response(
            gzip.compress(bundle_bytes(bundle), 9, mtime=0),
            media_type="application/gzip",
            headers={
                "Content-Disposition": f'attachment; filename="{slug}-{label}-entry-{index}-bundle.json.gz"'
            },
        )

    return api
