"""Revenue's HTTP routes: accountants post, spend, reverse and hold deposits; the committee sets
allocation policies. Each write goes through the revenue commands and the journal."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ledger_service.api.deps import ERRORS, Accountant, Committee, Writes, write_out
from ledger_service.api.schemas import (
    BatchOut,
    DepositIn,
    DepositReturnIn,
    IncomeBatchIn,
    IncomeIn,
    PolicyIn,
    ReversalIn,
    SpendIn,
    WriteOut,
)
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income, evidence_hash


def _income(body: IncomeIn) -> Income:
    return Income(body.source, body.amount, body.business_date, body.ref, evidence_hash(body.evidence))


def router(writes: Writes) -> APIRouter:
    """The revenue write routes, under ``/api/v1``."""
    api = APIRouter()

    @api.post(
        "/communities/{slug}/incomes",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Post one income (split by the policy in force)",
    )
    def post_income(slug: str, body: IncomeIn, caller: Accountant, response: Response) -> WriteOut:
        with writes.writing():
            entry = revenue.post_income(writes.svc, slug, _income(body), signer=caller.address)
        writes.answer(response, [entry])
        return write_out(entry)

    @api.post(
        "/communities/{slug}/incomes/batch",
        status_code=201,
        response_model=BatchOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Post many incomes: all are checked first, then sent in batches",
    )
    def post_incomes(slug: str, body: IncomeBatchIn, caller: Accountant, response: Response) -> BatchOut:
        with writes.writing():
            entries = revenue.post_incomes(
                writes.svc, slug, [_income(i) for i in body.incomes], signer=caller.address
            )
        writes.answer(response, entries)
        return BatchOut(count=len(body.incomes), writes=[write_out(e) for e in entries])

    @api.post(
        "/communities/{slug}/spends",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Spend from a bucket (never more than its balance)",
    )
    def spend(slug: str, body: SpendIn, caller: Accountant, response: Response) -> WriteOut:
        with writes.writing():
            entry = revenue.spend(
                writes.svc,
                slug,
                body.bucket,
                body.amount,
                body.business_date,
                body.ref,
                signer=caller.address,
                evidence=body.evidence,
            )
        writes.answer(response, [entry])
        return write_out(entry)

    @api.post(
        "/communities/{slug}/reversals",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Reverse an income or a spend by its sequence number, with a reason",
    )
    def reverse(slug: str, body: ReversalIn, caller: Accountant, response: Response) -> WriteOut:
        with writes.writing():
            entry = revenue.reverse(
                writes.svc, slug, body.seq, body.reason, body.business_date, signer=caller.address
            )
        writes.answer(response, [entry])
        return write_out(entry)

    @api.post(
        "/communities/{slug}/deposits",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Receive a deposit (a liability: never income, never allocated)",
    )
    def receive_deposit(slug: str, body: DepositIn, caller: Accountant, response: Response) -> WriteOut:
        with writes.writing():
            entry = revenue.receive_deposit(
                writes.svc,
                slug,
                body.amount,
                body.business_date,
                body.payer_ref,
                body.ref,
                signer=caller.address,
                evidence=body.evidence,
            )
        writes.answer(response, [entry])
        return write_out(entry)

    @api.post(
        "/communities/{slug}/deposits/{deposit_seq}/returns",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Return (part of) a deposit to its payer",
    )
    def return_deposit(
        slug: str, deposit_seq: int, body: DepositReturnIn, caller: Accountant, response: Response
    ) -> WriteOut:
        with writes.writing():
            entry = revenue.return_deposit(
                writes.svc,
                slug,
                deposit_seq,
                body.amount,
                body.business_date,
                body.ref,
                signer=caller.address,
                evidence=body.evidence,
            )
        writes.answer(response, [entry])
        return write_out(entry)

    @api.post(
        "/communities/{slug}/policies",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Activate an allocation policy (committee)",
    )
    def set_policy(slug: str, body: PolicyIn, caller: Committee, response: Response) -> WriteOut:
        with writes.writing():
            entry = revenue.set_policy(
                writes.svc,
                slug,
                dict(body.buckets),
                body.effective_date,
                signer=caller.address,
                decision=body.decision,
            )
        writes.answer(response, [entry])
        return write_out(entry)

    return api
