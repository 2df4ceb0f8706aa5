"""Governance's HTTP routes: proposals (payments by the accountant, policies and committee changes
by the committee), members' signatures relayed, owners' vote tallies, policy enactment; and the
public reads (proposals with their votes, the EIP-712 request a member's wallet signs)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import Field, StrictBool, StrictInt

from ledger_service.api.deps import ERRORS, Accountant, Committee, Writes, write_out
from ledger_service.api.schemas import Body, Fen, Text32, WriteOut
from ledger_service.core.errors import InvalidInput
from ledger_service.governance import commands as gov
from ledger_service.governance import queries
from ledger_service.governance.signing import Approval

Count = Annotated[StrictInt, Field(ge=0, lt=2**53)]


class SpendProposalIn(Body):
    bucket: Text32
    amount: Fen
    ref: Text32
    evidence: str | None = None
    decision_type: Annotated[StrictInt, Field(ge=0, le=255, description="0: committee approval only")] = 0
    notice: Annotated[str | None, Field(description="emergency procedure (art. 281): the public notice")] = (
        None
    )


class PolicyProposalIn(Body):
    buckets: dict[str, Annotated[StrictInt, Field(gt=0, le=10_000)]]
    effective_date: dt.date
    document: str | None = None


class CommitteeProposalIn(Body):
    members: Annotated[list[str], Field(min_length=1, max_length=15)]
    approvals: Annotated[StrictInt, Field(ge=1, le=15)]


class SignatureIn(Body):
    member: str
    approve: StrictBool
    expiry: Annotated[StrictInt, Field(gt=0, lt=2**64)]
    signature: Annotated[str, Field(description="the member's EIP-712 signature, 0x + 130 hex digits")]


class VoteIn(Body):
    total_area: Count
    participating_area: Count
    yes_area: Count
    total_units: Count
    participating_units: Count
    yes_units: Count
    paper_area: Count = 0
    paper_units: Count = 0
    ballot_record: Annotated[
        str, Field(min_length=1, description="the ballot record's text or SHA-256 (0x…)")
    ]


class EnactIn(Body):
    buckets: dict[str, Annotated[StrictInt, Field(gt=0, le=10_000)]]
    effective_date: dt.date


def router(writes: Writes) -> APIRouter:
    """The governance routes, under ``/api/v1``."""
    api = APIRouter()
    svc = writes.svc

    @api.post(
        "/communities/{slug}/proposals/spend",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Propose a payment (exactly this bucket, amount, reference and evidence)",
    )
    def propose_spend(slug: str, body: SpendProposalIn, caller: Accountant) -> dict[str, Any]:
        with writes.writing():
            pid = gov.propose_spend(
                svc,
                slug,
                body.bucket,
                body.amount,
                body.ref,
                evidence=body.evidence,
                decision_type=body.decision_type,
                notice=body.notice,
                signer=caller.address,
            )
        return {"proposal_id": pid, "decision_type": body.decision_type}

    @api.post(
        "/communities/{slug}/proposals/policy",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Propose an allocation policy (it needs the owners' vote and the committee)",
    )
    def propose_policy(slug: str, body: PolicyProposalIn, caller: Committee) -> dict[str, Any]:
        with writes.writing():
            pid, dtype = gov.propose_policy(
                svc,
                slug,
                dict(body.buckets),
                body.effective_date,
                document=body.document,
                signer=caller.address,
            )
        return {"proposal_id": pid, "decision_type": dtype}

    @api.post(
        "/communities/{slug}/proposals/committee",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Propose a new committee (members, approvals needed)",
    )
    def propose_committee(slug: str, body: CommitteeProposalIn, caller: Committee) -> dict[str, Any]:
        with writes.writing():
            pid = gov.propose_committee(svc, slug, body.members, body.approvals, signer=caller.address)
        return {"proposal_id": pid}

    @api.get(
        "/communities/{slug}/proposals/{proposal_id}/approval-request",
        tags=["reads"],
        summary="The EIP-712 typed data a member's wallet signs (eth_signTypedData_v4)",
    )
    def approval_request(
        slug: str, proposal_id: int, approve: bool = True, valid_days: int = 7
    ) -> dict[str, Any]:
        a = gov.approval_request(svc, slug, proposal_id, approve=approve, valid_days=valid_days)
        return gov.typed_data(svc, a)

    @api.post(
        "/communities/{slug}/proposals/{proposal_id}/signatures",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Relay a member's own signed approval or rejection",
    )
    def sign(slug: str, proposal_id: int, body: SignatureIn, caller: Committee) -> dict[str, Any]:
        try:
            signature = bytes.fromhex(body.signature.removeprefix("0x"))
        except ValueError:
            raise InvalidInput("the signature must be 0x and hex digits") from None
        with writes.writing():
            current = gov.approval_request(svc, slug, proposal_id, approve=body.approve)
            approval = Approval(
                current.community,
                proposal_id,
                current.action_hash,
                current.document_hash,
                body.approve,
                body.expiry,
            )
            receipt = gov.relay_signature(svc, slug, approval, body.member, signature)
        state = gov.proposal(svc, slug, proposal_id)
        return {
            "tx_hash": receipt["transactionHash"],
            **{k: state[k] for k in ("status", "approvals", "rejections")},
        }

    @api.post(
        "/communities/{slug}/proposals/{proposal_id}/vote",
        status_code=201,
        responses=ERRORS,
        tags=["writes"],
        summary="Record the owners' counted vote (checked against the decision type)",
    )
    def vote(slug: str, proposal_id: int, body: VoteIn, caller: Committee) -> dict[str, Any]:
        t = gov.Tally(
            body.total_area,
            body.participating_area,
            body.yes_area,
            body.total_units,
            body.participating_units,
            body.yes_units,
            body.paper_area,
            body.paper_units,
        )
        with writes.writing():
            result = gov.record_vote(svc, slug, proposal_id, t, body.ballot_record, signer=caller.address)
        return {"quorum_met": result["quorum_met"], "passed": result["passed"]}

    @api.post(
        "/communities/{slug}/proposals/{proposal_id}/enact",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Activate an approved policy",
    )
    def enact(slug: str, proposal_id: int, body: EnactIn, caller: Committee, response: Response) -> WriteOut:
        with writes.writing():
            entry = gov.enact_policy(
                svc, slug, proposal_id, dict(body.buckets), body.effective_date, signer=caller.address
            )
        writes.answer(response, [entry])
        return write_out(entry)

    @api.get(
        "/communities/{slug}/proposals",
        tags=["reads"],
        summary="Every proposal with its state, approvals and owners' vote (failed votes too)",
    )
    def list_proposals(slug: str) -> list[dict[str, Any]]:
        cid = svc.community_id(slug)
        with svc.db.engine.connect() as conn:
            return queries.proposals(conn, cid)

    return api
