"""Request bodies of the funds routes. Amounts are integer fen, dates ``YYYY-MM-DD`` (the
community's business dates); unknown fields are refused. A donor is given by pseudonym, or by
personal data the service keeps encrypted and turns into a pseudonym (never put on chain)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StrictInt

from ledger_service.api.schemas import Body, Fen, Text32
from ledger_service.funds.encoding import DONOR_TYPES, FORMULAS, FUND_KINDS

Count = Annotated[StrictInt, Field(ge=0, le=2**53 - 1)]


class FundIn(Body):
    fund: Annotated[Text32, Field(examples=["mutual_aid"])]
    kind: Annotated[str, Field(max_length=16, description=f"e.g. {', '.join(FUND_KINDS)}")]
    owners_threshold: Annotated[Count, Field(description="payments above this many fen need an owners' vote")]


class EarmarkIn(Body):
    earmark: Annotated[Text32, Field(examples=["playground"])]


class ProjectIn(Body):
    project: Text32
    fund: Text32
    earmark: Text32 | None = None
    budget: Count = 0
    acceptances_required: Annotated[StrictInt, Field(ge=1, le=15)] = 1


class DonationIn(Body):
    """One donation. Give ``donor`` (a pseudonym) or ``donor_name`` (+ phone/address, encrypted)."""

    fund: Text32
    earmark: Text32 | None = None
    receipt: Text32
    donor_type: Annotated[str, Field(description=f"one of: {', '.join(DONOR_TYPES)}")]
    amount: Fen
    business_date: dt.date
    donor: Annotated[str | None, Field(description="the donor's pseudonym, 0x + 64 hex digits")] = None
    donor_name: str | None = None
    donor_phone: str | None = None
    donor_address: str | None = None
    named_publicly: Annotated[bool, Field(description="the donor chose to have their name published")] = False
    campaign: Text32 | None = None
    rights: Annotated[str | None, Field(max_length=16)] = None
    formula: Annotated[str | None, Field(description=f"government grants: {', '.join(FORMULAS)}")] = None
    rate: Count = 0
    units: Count = 0


class DonationBatchIn(Body):
    donations: Annotated[list[DonationIn], Field(min_length=1, max_length=10_000)]


class DisbursementIn(Body):
    project: Text32
    fund: Text32
    earmark: Text32 | None = None
    amount: Fen
    business_date: dt.date
    final: bool = False
    ref: Text32
    evidence: str | None = None


class AcceptanceIn(Body):
    project: Text32
    business_date: dt.date
    evidence: str | None = None


class ReturnIn(Body):
    project: Text32
    fund: Text32
    earmark: Text32 | None = None
    amount: Fen
    business_date: dt.date
    evidence: str | None = None


class RefundIn(Body):
    receipt: Text32
    fund: Text32
    earmark: Text32 | None = None
    amount: Fen
    business_date: dt.date
    evidence: str | None = None


class FromRevenueIn(Body):
    bucket: Text32
    amount: Fen
    business_date: dt.date
    fund: Text32
    earmark: Text32 | None = None
    ref: Text32


Quantity = Annotated[StrictInt, Field(gt=0, le=2**53 - 1)]


class GoodsItemIn(Body):
    item: Text32
    unit: Annotated[str, Field(min_length=1, max_length=16, examples=["piece"])]


class GoodsDonationIn(Body):
    item: Text32
    quantity: Quantity
    receipt: Text32
    donor_type: str
    business_date: dt.date
    donor: str | None = None
    donor_name: str | None = None
    donor_phone: str | None = None
    named_publicly: bool = False


class GoodsRequestIn(Body):
    request: Text32
    from_community: Annotated[str, Field(description="the community asked (slug)")]
    item: Text32
    quantity: Quantity
    business_date: dt.date


class GoodsTransferIn(Body):
    requester: Annotated[str, Field(description="the community that asked (slug)")]
    request: Text32
    quantity: Quantity
    business_date: dt.date
    evidence: str | None = None


class GoodsDistributionIn(Body):
    item: Text32
    quantity: Quantity
    purpose: Text32
    business_date: dt.date
    evidence: str | None = None
