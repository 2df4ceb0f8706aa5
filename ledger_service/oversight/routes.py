"""The oversight context's HTTP routes: budgets (check, action hash, adopt, the "other" limit), the
register of revenue contracts, and objections (note a close, file, correct, reject). Reads are in
statement@1 and the explorer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from ledger_service.api.auth import Caller, authenticate
from ledger_service.api.deps import ERRORS, Accountant, Committee, Writes, _bearer, period_of
from ledger_service.core.errors import Forbidden, Unauthorized
from ledger_service.oversight import commands
from ledger_service.oversight.encoding import BudgetLine


class LineIn(BaseModel):
    bucket: str = Field(
        ..., min_length=1, max_length=32, description='revenue bucket, or "income" for planned income'
    )
    purpose: str = Field(
        ..., min_length=1, max_length=32, description='purpose slug ("contingency", "other" are special)'
    )
    amount: int = Field(..., gt=0, lt=2**53, description="fen")


class BudgetIn(BaseModel):
    year: int = Field(..., ge=2000, le=2200)
    lines: list[LineIn] = Field(..., min_length=1, max_length=64)
    document: str | None = Field(None, description="the budget document's text or its SHA-256 as 0x-hex")


class LimitIn(BaseModel):
    limit_bps: int = Field(..., ge=0, le=10_000, description="basis points of the spending total")


class InstalmentIn(BaseModel):
    due_date: dt.date
    amount: int = Field(..., gt=0, lt=2**53, description="fen")


class ContractIn(BaseModel):
    number: str = Field(..., min_length=1, max_length=32)
    kind: str
    source: str = Field(..., min_length=1, max_length=16)
    counterparty: str = Field(..., min_length=1, description="only its keyed pseudonym is recorded")
    instalments: list[InstalmentIn] = Field(..., min_length=1, max_length=120)
    document: str | None = None


class EndIn(BaseModel):
    end_date: dt.date
    reason: str = Field(..., min_length=1, max_length=32)


class ObjectionIn(BaseModel):
    resident: str = Field(..., min_length=1, description="only their keyed pseudonym is recorded")
    text: str = Field(
        ..., min_length=1, description="the objection and its evidence (only the SHA-256 is recorded)"
    )
    entry_seq: int = Field(0, ge=0, description="the revenue entry objected to (0: the whole statement)")


class CorrectionIn(BaseModel):
    correction_seq: int = Field(
        ..., ge=1, description="the correcting revenue entry, posted after the objection"
    )
    note: str | None = None


class RejectionIn(BaseModel):
    reason: str = Field(..., min_length=1, max_length=32, description="short reason, public on chain")
    reasons: str = Field(..., min_length=1, description="the full written reasons (SHA-256 recorded)")


#: Who may relay a resident's objection: the residents' representative, a committee member or the
#: accountant at the counter (the contract accepts any relayer; the objection names the resident).
OBJECTION_RELAYERS = ("resident_rep", "committee", "accountant")


def _relayer(
    request: Request,
    slug: str,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("this needs an API token: send the header 'Authorization: Bearer <token>'")
    caller = authenticate(request.app.state.svc.db, credentials.credentials)
    if caller.community != slug or caller.role not in OBJECTION_RELAYERS:
        raise Forbidden(
            f"filing an objection in {slug} needs a token of {slug} as "
            f"{', '.join(OBJECTION_RELAYERS)}; this one is {caller.role} of {caller.community}"
        )
    return caller


Relayer = Annotated[Caller, Depends(_relayer)]


def _lines(body: BudgetIn) -> list[BudgetLine]:
    return [BudgetLine(x.bucket, x.purpose, x.amount) for x in body.lines]


def router(writes: Writes) -> APIRouter:
    """The oversight routes, under ``/api/v1``."""
    api = APIRouter()
    svc = writes.svc
    B = "/communities/{slug}/budgets"

    @api.post(
        f"{B}/check",
        responses=ERRORS,
        tags=["writes"],
        summary="Check a draft budget by the contract's rules",
    )
    def check_budget(slug: str, body: BudgetIn, caller: Accountant) -> dict[str, Any]:
        return {
            **commands.check_budget(svc, slug, _lines(body)),
            "action_hash": commands.budget_action_hash(svc, slug, body.year, _lines(body), body.document),
        }

    @api.post(
        B,
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Adopt a budget approved through governance",
    )
    def adopt_budget(slug: str, body: BudgetIn, caller: Accountant) -> dict[str, Any]:
        with writes.writing():
            done = commands.adopt_budget(
                svc, slug, body.year, _lines(body), body.document, signer=caller.address
            )
        return done.to_json()

    @api.post(
        f"{B}/other-limit",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary='Change the limit on a budget\'s "other" share (approved through governance)',
    )
    def set_limit(slug: str, body: LimitIn, caller: Committee) -> dict[str, Any]:
        with writes.writing():
            return commands.set_other_limit(svc, slug, body.limit_bps, signer=caller.address).to_json()

    @api.post(
        "/communities/{slug}/revenue-contracts",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Register a revenue-earning contract with its instalments",
    )
    def register_contract(slug: str, body: ContractIn, caller: Accountant) -> dict[str, Any]:
        instalments = [commands.Instalment(x.due_date, x.amount) for x in body.instalments]
        with writes.writing():
            done = commands.register_contract(
                svc,
                slug,
                body.number,
                body.kind,
                body.source,
                body.counterparty,
                instalments,
                body.document,
                signer=caller.address,
            )
        return done.to_json()

    @api.post(
        "/communities/{slug}/revenue-contracts/{number}/end",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="End a contract early (never retroactively)",
    )
    def end_contract(slug: str, number: str, body: EndIn, caller: Committee) -> dict[str, Any]:
        with writes.writing():
            done = commands.end_contract(svc, slug, number, body.end_date, body.reason, signer=caller.address)
        return done.to_json()

    @api.post(
        "/communities/{slug}/periods/{period}/note-close",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Start a closed period's 15-day objection window",
    )
    def note_close(slug: str, period: str, caller: Accountant) -> dict[str, Any]:
        label = period_of(period).label
        with writes.writing():
            return commands.note_close(svc, slug, label, signer=caller.address).to_json()

    @api.post(
        "/communities/{slug}/periods/{period}/objections",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="File a resident's objection to a closed period (late ones are recorded as late)",
    )
    def file_objection(slug: str, period: str, body: ObjectionIn, caller: Relayer) -> dict[str, Any]:
        label = period_of(period).label
        with writes.writing():
            done = commands.file_objection(
                svc, slug, label, body.resident, body.text, entry_seq=body.entry_seq, signer=caller.address
            )
        return done.to_json()

    @api.post(
        "/communities/{slug}/objections/{objection_id}/correction",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Uphold an objection by naming its correcting revenue entry",
    )
    def correct(slug: str, objection_id: int, body: CorrectionIn, caller: Accountant) -> dict[str, Any]:
        with writes.writing():
            done = commands.answer_with_correction(
                svc, slug, objection_id, body.correction_seq, body.note, signer=caller.address
            )
        return done.to_json()

    @api.post(
        "/communities/{slug}/objections/{objection_id}/rejection",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Reject an objection with reasons (a committee member)",
    )
    def reject(slug: str, objection_id: int, body: RejectionIn, caller: Committee) -> dict[str, Any]:
        with writes.writing():
            done = commands.reject_objection(
                svc, slug, objection_id, body.reason, body.reasons, signer=caller.address
            )
        return done.to_json()

    return api
