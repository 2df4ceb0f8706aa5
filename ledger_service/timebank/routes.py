"""The time bank's HTTP routes: coordinators record and attest service, register people,
proxies, elderly residents and catalog items, relay signed donations and redemptions, grant from
the pool and reward or deduct; the committee sets the owners' fee-discount terms; an accountant
pays fee discounts from revenue. Reads: statistics and a volunteer's balance (people who receive
help have none that is public)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from ledger_service.api.auth import Caller
from ledger_service.api.deps import ERRORS, Accountant, Committee, Writes, period_of, require, write_out
from ledger_service.api.schemas import BatchOut, WriteOut
from ledger_service.core.errors import NotFound
from ledger_service.timebank import commands
from ledger_service.timebank import operations as ops
from ledger_service.timebank.schemas import (
    AdjustmentIn,
    AttestIn,
    DonationIn,
    ElderlyIn,
    FeeDiscountIn,
    FeeTermsIn,
    GrantIn,
    ItemIn,
    MintIn,
    PersonIn,
    PersonOut,
    ProxyIn,
    RecordBatchIn,
    RecordIn,
    RedemptionIn,
    RevealIn,
)

Coordinator = Annotated[Caller, Depends(require("coordinator"))]
TB = "/communities/{slug}/timebank"


def _sig(hex_text: str | None) -> bytes | None:
    return None if hex_text is None else bytes.fromhex(hex_text[2:])


def router(writes: Writes) -> APIRouter:
    """The time-bank routes, under ``/api/v1``."""
    api = APIRouter()
    svc = writes.svc

    def one(response: Response, entry: Any) -> WriteOut:
        writes.answer(response, [entry])
        return write_out(entry)

    # -- people ---------------------------------------------------------------------------------

    @api.post(
        f"{TB}/people",
        status_code=201,
        response_model=PersonOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Register a person (personal data encrypted; the holder id is a pseudonym)",
    )
    def add_person(slug: str, body: PersonIn, caller: Coordinator) -> PersonOut:
        done = ops.add_person(
            svc, slug, body.role, name=body.name, phone=body.phone, address=body.address,
            wallet=body.wallet, keep_key=body.keep_key,
        )  # fmt: skip
        return PersonOut(holder=done.holder, person=done.person.to_json())

    @api.get(
        f"{TB}/people/{{holder}}",
        responses=ERRORS,
        tags=["time bank"],
        summary="A person, masked (coordinators)",
    )
    def show_person(slug: str, holder: str, caller: Coordinator) -> dict[str, Any]:
        return ops.people(svc).masked(holder).to_json()

    @api.post(
        f"{TB}/people/{{holder}}/reveal",
        responses=ERRORS,
        tags=["time bank"],
        summary="A person's data in clear, with a logged reason (coordinators)",
    )
    def reveal_person(slug: str, holder: str, body: RevealIn, caller: Coordinator) -> dict[str, Any]:
        return (
            ops.people(svc).reveal(holder, by=caller.address, role=caller.role, reason=body.reason).to_json()
        )

    @api.post(
        f"{TB}/people/{{holder}}/erasure",
        responses=ERRORS,
        tags=["time bank"],
        summary="Erase a person's personal data; their pseudonym and records stay",
    )
    def erase_person(slug: str, holder: str, body: RevealIn, caller: Coordinator) -> dict[str, Any]:
        return ops.erase_person(
            svc, holder, by=caller.address, role=caller.role, reason=body.reason
        ).to_json()

    # -- service records ------------------------------------------------------------------------

    @api.post(
        f"{TB}/records",
        status_code=201,
        responses=ERRORS,
        tags=["time bank"],
        summary="Write a service record down (numbered; it mints only once attested)",
    )
    def record(slug: str, body: RecordIn, caller: Coordinator) -> dict[str, Any]:
        with writes.writing():
            return ops.record_service(
                svc, slug, body.volunteer, body.beneficiary, body.service_type, body.minutes,
                body.service_date, reported_by=body.reported_by,
            )  # fmt: skip

    @api.post(
        f"{TB}/records/batch",
        status_code=201,
        responses=ERRORS,
        tags=["time bank"],
        summary="Write many records down (all checked first); with mint, attest and mint them in batches",
    )
    def record_batch(
        slug: str, body: RecordBatchIn, caller: Coordinator, response: Response
    ) -> dict[str, Any]:
        rows = [
            ops.RecordIn(r.volunteer, r.beneficiary, r.service_type, r.minutes, r.service_date)
            for r in body.records
        ]
        with writes.writing():
            refs = ops.record_many(svc, slug, rows, reported_by=body.reported_by)
            entries = ops.mint_pending(svc, slug, refs, signer=caller.address) if body.mint else []
        if entries:
            writes.answer(response, entries)
        return {"record_refs": refs, "writes": [write_out(e).model_dump() for e in entries]}

    @api.get(
        f"{TB}/records/{{record_ref}}/typed-data",
        responses=ERRORS,
        tags=["time bank"],
        summary="What the beneficiary's wallet signs (EIP-712)",
    )
    def typed_data(slug: str, record_ref: int, caller: Coordinator) -> dict[str, Any]:
        return ops.record_typed_data(svc, slug, record_ref)

    @api.post(
        f"{TB}/records/{{record_ref}}/attestations",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Mint a record attested by its beneficiary's signature",
    )
    def attest(
        slug: str, record_ref: int, body: AttestIn, caller: Coordinator, response: Response
    ) -> WriteOut:
        with writes.writing():
            entry = ops.attest(
                svc, slug, record_ref, signature=_sig(body.signature), proxy=body.proxy, signer=caller.address
            )
        return one(response, entry)

    @api.post(
        f"{TB}/mints",
        status_code=201,
        response_model=BatchOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Attest pending records as coordinator and mint them in batches",
    )
    def mint(slug: str, body: MintIn, caller: Coordinator, response: Response) -> BatchOut:
        with writes.writing():
            entries = ops.mint_pending(svc, slug, body.records, signer=caller.address)
        writes.answer(response, entries)
        return BatchOut(count=sum(e.seq_count for e in entries), writes=[write_out(e) for e in entries])

    # -- movements ------------------------------------------------------------------------------

    @api.post(
        f"{TB}/donations",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="A holder gives minutes to the community pool",
    )
    def donate(slug: str, body: DonationIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = ops.donate(
                svc, slug, body.holder, body.minutes, proxy=body.proxy, signature=_sig(body.signature),
                deadline=body.deadline, signer=caller.address,
            )  # fmt: skip
        return one(response, entry)

    @api.post(
        f"{TB}/grants",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Grant minutes from the pool to a registered elderly resident",
    )
    def grant(slug: str, body: GrantIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = commands.grant(svc, slug, body.resident, body.minutes, signer=caller.address)
        return one(response, entry)

    @api.post(
        f"{TB}/redemptions",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Redeem a catalog item with a holder's minutes",
    )
    def redeem(slug: str, body: RedemptionIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = ops.redeem(
                svc, slug, body.holder, body.item, body.quantity, proxy=body.proxy,
                signature=_sig(body.signature), deadline=body.deadline, signer=caller.address,
            )  # fmt: skip
        return one(response, entry)

    @api.post(
        f"{TB}/rewards",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Reward a holder with minutes, with a reason code",
    )
    def reward(slug: str, body: AdjustmentIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = commands.reward(svc, slug, body.holder, body.minutes, body.reason, signer=caller.address)
        return one(response, entry)

    @api.post(
        f"{TB}/deductions",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Deduct minutes from a holder, with a reason code",
    )
    def deduct(slug: str, body: AdjustmentIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = commands.deduct(svc, slug, body.holder, body.minutes, body.reason, signer=caller.address)
        return one(response, entry)

    # -- registrations --------------------------------------------------------------------------

    @api.post(
        f"{TB}/catalog",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Create, reprice or withdraw a catalog item",
    )
    def item(slug: str, body: ItemIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = ops.set_item(
                svc, slug, body.code, body.category, body.price, body.provider, active=body.active,
                signer=caller.address,
            )  # fmt: skip
        return one(response, entry)

    @api.post(
        f"{TB}/proxies",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Register (or remove) a proxy for a resident",
    )
    def proxy(slug: str, body: ProxyIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = commands.set_proxy(
                svc, slug, body.principal, body.proxy, active=body.active, signer=caller.address
            )
        return one(response, entry)

    @api.post(
        f"{TB}/elderly",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Register (or remove) an elderly resident the pool grants to",
    )
    def elderly(slug: str, body: ElderlyIn, caller: Coordinator, response: Response) -> WriteOut:
        with writes.writing():
            entry = commands.set_elderly(
                svc, slug, body.resident, registered=body.registered, signer=caller.address
            )
        return one(response, entry)

    # -- property-fee discounts -----------------------------------------------------------------

    @api.post(
        f"{TB}/fee-terms",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["time bank"],
        summary="Set the owners' approved fee-discount terms (committee)",
    )
    def fee_terms(slug: str, body: FeeTermsIn, caller: Committee, response: Response) -> WriteOut:
        with writes.writing():
            entry = commands.set_fee_terms(
                svc, slug, body.bucket, body.rate_per_hour, body.cap_per_holder, body.cap_total,
                body.period_months, signer=caller.address,
            )  # fmt: skip
        return one(response, entry)

    @api.post(
        f"{TB}/fee-discounts",
        status_code=201,
        responses=ERRORS,
        tags=["time bank"],
        summary="Pay a property-fee discount for a holder's minutes from revenue (accountant)",
    )
    def fee_discount(
        slug: str, body: FeeDiscountIn, caller: Accountant, response: Response
    ) -> dict[str, Any]:
        with writes.writing():
            entry, fen = ops.fee_discount(
                svc, slug, body.holder, body.minutes, body.ref, body.business_date, proxy=body.proxy,
                signature=_sig(body.signature), deadline=body.deadline, signer=caller.address,
            )  # fmt: skip
        return {**one(response, entry).model_dump(), "fen": fen}

    # -- reads ----------------------------------------------------------------------------------

    @api.get(f"{TB}/stats", tags=["reads"], summary="Hours, active volunteers, redemption rate, retention")
    def stats(slug: str, period: Annotated[str, Query(examples=["2026"])]) -> dict[str, Any]:
        p = period_of(period)
        return {"community": slug, "period": p.label, **ops.stats(svc, slug, p).to_json()}

    @api.get(f"{TB}/holders/{{holder}}", tags=["reads"], summary="A volunteer's balance (pseudonymous)")
    def holder_balance(slug: str, holder: str) -> dict[str, Any]:
        if ops.people(svc).receives_help([holder.lower()]):
            raise NotFound("people who receive help have no public page")
        b = ops.balance(svc, slug, holder)
        return {"holder": b.holder, "balance": b.balance, **b.by_kind, "as_of_block": b.as_of_block}

    return api
