"""Request and response bodies of the time bank's HTTP routes. Minutes are integers (60 minutes =
1 credit); holder ids are pseudonymous 0x addresses; signatures are 0x hex (65 bytes from a
wallet, or longer for a contract wallet); unknown fields are refused."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

Minutes = Annotated[StrictInt, Field(gt=0, lt=2**53, description="whole minutes (60 = 1 credit)")]
Holder = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$", description="a pseudonymous holder id")]
Hex = Annotated[str, Field(pattern=r"^0x([0-9a-fA-F]{2})+$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignedBy(Body):
    """Who signs a holder's act: their own wallet's ``signature`` (with its ``deadline``), or, when
    absent, the key the service keeps for the holder or for their registered ``proxy``."""

    proxy: Holder | None = None
    signature: Hex | None = None
    deadline: Annotated[StrictInt | None, Field(gt=0, lt=2**63, description="unix seconds")] = None


class PersonIn(Body):
    role: Annotated[str, Field(description="volunteer, beneficiary, elderly or proxy")]
    name: Annotated[str, Field(min_length=1, max_length=64)]
    phone: str | None = None
    address: str | None = None
    wallet: Holder | None = None
    keep_key: bool = False


class PersonOut(Body):
    holder: str
    person: dict[str, Any]


class RevealIn(Body):
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class RecordIn(Body):
    volunteer: Holder
    beneficiary: Holder
    service_type: Annotated[str, Field(min_length=1, max_length=16, examples=["companionship"])]
    minutes: Annotated[StrictInt, Field(gt=0, le=1_440)]
    service_date: dt.date
    reported_by: str = "coordinator"


class RecordBatchIn(Body):
    records: Annotated[list[RecordIn], Field(min_length=1, max_length=20_000)]
    reported_by: str = "coordinator"
    mint: Annotated[bool, Field(description="attest them as coordinator and mint at once")] = False


class AttestIn(SignedBy):
    pass


class MintIn(Body):
    records: Annotated[list[StrictInt] | None, Field(description="record numbers; absent: all pending")] = (
        None
    )


class DonationIn(SignedBy):
    holder: Holder
    minutes: Minutes


class GrantIn(Body):
    resident: Holder
    minutes: Minutes


class RedemptionIn(SignedBy):
    holder: Holder
    item: Annotated[str, Field(min_length=1, max_length=64, description="the catalog item's code")]
    quantity: Annotated[StrictInt, Field(ge=1, lt=2**32)] = 1


class FeeDiscountIn(SignedBy):
    holder: Holder
    minutes: Minutes
    ref: Annotated[str, Field(min_length=1, max_length=32)]
    business_date: dt.date


class FeeTermsIn(Body):
    bucket: Annotated[str, Field(min_length=1, max_length=32, examples=["welfare"])]
    rate_per_hour: Annotated[StrictInt, Field(ge=0, lt=2**53, description="fen per 60 minutes; 0 withdraws")]
    cap_per_holder: Annotated[StrictInt, Field(ge=0, lt=2**53, description="fen per holder per period")]
    cap_total: Annotated[StrictInt, Field(ge=0, lt=2**53, description="fen per community per period")]
    period_months: Annotated[StrictInt, Field(description="1, 3, 6 or 12")] = 3


class AdjustmentIn(Body):
    holder: Holder
    minutes: Minutes
    reason: Annotated[str, Field(min_length=1, max_length=16, examples=["noise_violation"])]


class ItemIn(Body):
    code: Annotated[str, Field(min_length=1, max_length=64)]
    category: Annotated[str, Field(min_length=1, max_length=16)]
    price: Minutes
    provider: Annotated[str, Field(min_length=1, max_length=32)]
    active: bool = True


class ProxyIn(Body):
    principal: Holder
    proxy: Holder
    active: bool = True


class ElderlyIn(Body):
    resident: Holder
    registered: bool = True
