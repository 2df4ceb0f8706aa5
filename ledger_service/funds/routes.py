"""The funds' HTTP routes, under ``/api/v1``: fund keepers create funds, earmarks and projects,
record donations and propose payments (each needs an approved proposal on Governance), record
returns and refunds; resident representatives accept projects; accountants move revenue into a
fund. Reads are public: a donor's receipt, traceability, a street office's view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from ledger_service.api.auth import Caller
from ledger_service.api.deps import ERRORS, Accountant, Committee, Writes, period_of, require, write_out
from ledger_service.api.schemas import BatchOut, WriteOut
from ledger_service.funds import commands, reads
from ledger_service.funds.schemas import (
    AcceptanceIn,
    DisbursementIn,
    DonationBatchIn,
    DonationIn,
    EarmarkIn,
    FromRevenueIn,
    FundIn,
    GoodsDistributionIn,
    GoodsDonationIn,
    GoodsItemIn,
    GoodsRequestIn,
    GoodsTransferIn,
    ProjectIn,
    RefundIn,
    ReturnIn,
)
from ledger_service.revenue.encoding import evidence_hash

FundKeeper = Annotated[Caller, Depends(require("fund_keeper"))]
ResidentRep = Annotated[Caller, Depends(require("resident_rep"))]
F = "/communities/{slug}/funds"


def donation_of(svc: Any, slug: str, body: DonationIn) -> commands.Donation:
    """The contract's donation from a request: the donor by pseudonym, or registered (encrypted)
    from their personal data; their name published only if they chose it."""
    public = None
    donor = body.donor
    if donor is None:
        if not body.donor_name:
            from ledger_service.core.errors import InvalidInput

            raise InvalidInput("a donation needs the donor's pseudonym (donor) or their name (donor_name)")
        donor, public = commands.donor_for(
            svc, slug, name=body.donor_name, phone=body.donor_phone, address=body.donor_address,
            named_publicly=body.named_publicly,
        )  # fmt: skip
    return commands.Donation(
        body.fund, body.receipt, donor, body.donor_type, body.amount, body.business_date,
        earmark=body.earmark, formula=body.formula, rate=body.rate, units=body.units,
        campaign=body.campaign, rights=body.rights, public_name=public,
    )  # fmt: skip


def goods_donor(
    svc: Any, slug: str, donor: str | None, name: str | None, phone: str | None, named: bool
) -> tuple[str, str | None]:
    """A goods donor's pseudonym (and public name if chosen), as for money donations."""
    if donor is not None:
        return donor, None
    if not name:
        from ledger_service.core.errors import InvalidInput

        raise InvalidInput("a donation needs the donor's pseudonym (donor) or their name (donor_name)")
    return commands.donor_for(svc, slug, name=name, phone=phone, named_publicly=named)


def router(writes: Writes) -> APIRouter:
    """The funds routes."""
    api = APIRouter()
    svc = writes.svc

    def one(response: Response, entry: Any) -> WriteOut:
        writes.answer(response, [entry])
        return write_out(entry)

    def post(path: str, summary: str) -> Any:
        return api.post(
            f"{F}{path}",
            status_code=201,
            response_model=WriteOut,
            responses=ERRORS,
            tags=["funds"],
            summary=summary,
        )

    @post("", "Create a fund (with its general earmark)")
    def create_fund(slug: str, body: FundIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.create_fund(
                svc, slug, body.fund, body.kind, body.owners_threshold, signer=caller.address
            )
        return one(response, e)

    @post("/{fund}/earmarks", "Open an earmark (a purpose) in a fund")
    def open_earmark(
        slug: str, fund: str, body: EarmarkIn, caller: FundKeeper, response: Response
    ) -> WriteOut:
        with writes.writing():
            e = commands.open_earmark(svc, slug, fund, body.earmark, signer=caller.address)
        return one(response, e)

    @post("/projects", "Register a project paid from one earmark")
    def open_project(slug: str, body: ProjectIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.open_project(
                svc, slug, body.project, body.fund, body.earmark, budget=body.budget,
                acceptances_required=body.acceptances_required, signer=caller.address,
            )  # fmt: skip
        return one(response, e)

    @post("/donations", "Record a donation (the donor pseudonymous unless they chose to be named)")
    def donate(slug: str, body: DonationIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.donate(svc, slug, donation_of(svc, slug, body), signer=caller.address)
        return one(response, e)

    @api.post(
        f"{F}/donations/batch", status_code=201, response_model=BatchOut, responses=ERRORS, tags=["funds"],
        summary="Record many donations (a crowdfunding campaign's shares)",
    )  # fmt: skip
    def donate_many(slug: str, body: DonationBatchIn, caller: FundKeeper, response: Response) -> BatchOut:
        with writes.writing():
            donations = [donation_of(svc, slug, d) for d in body.donations]
            entries = commands.donate_many(svc, slug, donations, signer=caller.address)
        writes.answer(response, entries)
        return BatchOut(count=len(donations), writes=[write_out(e) for e in entries])

    @post("/disbursements", "Pay a project from its earmark (needs an approved proposal for exactly it)")
    def disburse(slug: str, body: DisbursementIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.disburse(
                svc, slug, body.project, body.fund, body.earmark, body.amount, body.business_date,
                final=body.final, ref=body.ref, evidence=evidence_hash(body.evidence), signer=caller.address,
            )  # fmt: skip
        return one(response, e)

    @post("/acceptances", "A resident representative accepts a finished project")
    def accept(slug: str, body: AcceptanceIn, caller: ResidentRep, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.accept_project(
                svc,
                slug,
                body.project,
                body.business_date,
                evidence_hash(body.evidence),
                signer=caller.address,
            )
        return one(response, e)

    @post("/returns", "Record unspent money a project gives back")
    def return_unspent(slug: str, body: ReturnIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.return_unspent(
                svc, slug, body.project, body.fund, body.earmark, body.amount, body.business_date,
                evidence_hash(body.evidence), signer=caller.address,
            )  # fmt: skip
        return one(response, e)

    @post("/refunds", "Refund a donor from their donation's unspent money (needs an approved proposal)")
    def refund(slug: str, body: RefundIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.refund(
                svc, slug, body.receipt, body.fund, body.earmark, body.amount, body.business_date,
                evidence_hash(body.evidence), signer=caller.address,
            )  # fmt: skip
        return one(response, e)

    @post("/from-revenue", "Move money from a revenue bucket into a fund (the accountant)")
    def from_revenue(slug: str, body: FromRevenueIn, caller: Accountant, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.from_revenue(
                svc, slug, body.bucket, body.amount, body.business_date, body.fund, body.earmark, body.ref,
                signer=caller.address,
            )  # fmt: skip
        return one(response, e)

    # -- goods ----------------------------------------------------------------------------------

    @post("/goods/items", "Register an item and its unit")
    def goods_item(slug: str, body: GoodsItemIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.register_item(svc, slug, body.item, body.unit, signer=caller.address)
        return one(response, e)

    @post("/goods/donations", "Record donated goods")
    def goods_donation(slug: str, body: GoodsDonationIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            who, public = goods_donor(
                svc, slug, body.donor, body.donor_name, body.donor_phone, body.named_publicly
            )
            e = commands.donate_goods(
                svc,
                slug,
                body.receipt,
                body.item,
                body.quantity,
                who,
                body.donor_type,
                body.business_date,
                public_name=public,
                signer=caller.address,
            )
        return one(response, e)

    @post("/goods/requests", "Ask another community for goods")
    def goods_request(slug: str, body: GoodsRequestIn, caller: FundKeeper, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.request_goods(
                svc,
                slug,
                body.request,
                body.from_community,
                body.item,
                body.quantity,
                body.business_date,
                signer=caller.address,
            )
        return one(response, e)

    @post("/goods/transfers", "Approve and make a transfer against a request (a committee member)")
    def goods_transfer(slug: str, body: GoodsTransferIn, caller: Committee, response: Response) -> WriteOut:
        with writes.writing():
            e = commands.transfer_goods(
                svc,
                slug,
                body.requester,
                body.request,
                body.quantity,
                body.business_date,
                evidence_hash(body.evidence),
                signer=caller.address,
            )
        return one(response, e)

    @post("/goods/distributions", "Hand goods out for a purpose")
    def goods_distribute(
        slug: str, body: GoodsDistributionIn, caller: FundKeeper, response: Response
    ) -> WriteOut:
        with writes.writing():
            e = commands.distribute(
                svc,
                slug,
                body.item,
                body.quantity,
                body.purpose,
                body.business_date,
                evidence_hash(body.evidence),
                signer=caller.address,
            )
        return one(response, e)

    @api.get(f"{F}/goods/receipts/{{receipt}}", tags=["funds"], summary="Where donated goods went")
    def goods_receipt(slug: str, receipt: str) -> dict[str, Any]:
        with svc.db.begin() as conn:
            return reads.goods_receipt_view(conn, slug, receipt)

    # -- reads ----------------------------------------------------------------------------------

    @api.get(f"{F}/receipts/{{receipt}}", tags=["funds"], summary="A donor's receipt: where the money went")
    def receipt(slug: str, receipt: str) -> dict[str, Any]:
        with svc.db.begin() as conn:
            return reads.receipt_view(conn, slug, receipt)

    @api.get(
        f"{F}/traceability", tags=["funds"], summary="Per fund: money disbursed and traced to its source"
    )
    def traceability(slug: str) -> dict[str, Any]:
        with svc.db.begin() as conn:
            return reads.traceability(conn, slug)

    @api.get(
        "/street/funds/{period}", tags=["funds"], summary="A street office's view of its communities' funds"
    )
    def street(period: str, communities: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        p = period_of(period)
        slugs = [s for s in communities.split(",") if s] if communities else None
        with svc.db.begin() as conn:
            return reads.street_view(conn, p, slugs)

    return api
