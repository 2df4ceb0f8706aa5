"""Request and response bodies of the HTTP API.

Amounts are integers in fen (1 yuan = 100 fen) below 2^53, so they stay exact in JSON; dates are
business dates ``YYYY-MM-DD`` in the community's time zone. Unknown fields are refused, so a typo
("amout") is an error instead of a silently missing value.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from ledger_service.core.errors import InvalidInput
from ledger_service.revenue.encoding import MAX_AMOUNT, SOURCES, check_amount


def _amount(value: int) -> int:
    try:
        return check_amount(value)
    except InvalidInput as e:
        raise ValueError(e.message) from None


#: Integer fen, more than 0 and less than 2^53 (JSON numbers with a fraction are refused).
Fen = Annotated[
    StrictInt,
    AfterValidator(_amount),
    Field(description="amount in fen (1 yuan = 100 fen)", examples=[12_000_000]),
]
Seq = Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT, description="the entry's sequence number")]
Text32 = Annotated[str, Field(min_length=1, max_length=32)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncomeIn(Body):
    """One income: where it came from, how much, its business date and the invoice reference."""

    source: Annotated[str, Field(description=f"one of: {', '.join(SOURCES)}", examples=["elevator_ads"])]
    amount: Fen
    business_date: Annotated[dt.date, Field(examples=["2026-01-15"])]
    ref: Annotated[
        Text32,
        Field(description="invoice or contract number, unique per community", examples=["AD-2026-001"]),
    ]
    evidence: Annotated[
        str | None, Field(description="evidence text, or its SHA-256 as 0x + 64 hex digits")
    ] = None


class IncomeBatchIn(Body):
    incomes: Annotated[list[IncomeIn], Field(min_length=1, max_length=10_000)]


class SpendIn(Body):
    bucket: Annotated[Text32, Field(examples=["maintenance"])]
    amount: Fen
    business_date: dt.date
    ref: Text32
    evidence: str | None = None


class ReversalIn(Body):
    seq: Seq
    reason: Text32
    business_date: Annotated[dt.date, Field(description="the date of the correction (in an open period)")]


class DepositIn(Body):
    amount: Fen
    business_date: dt.date
    payer_ref: Annotated[
        str,
        Field(
            min_length=1, max_length=200, description="who paid (kept off chain; only its hash is recorded)"
        ),
    ]
    ref: Text32
    evidence: str | None = None


class DepositReturnIn(Body):
    amount: Fen
    business_date: dt.date
    ref: Text32
    evidence: str | None = None


class PolicyIn(Body):
    buckets: Annotated[
        dict[str, Annotated[StrictInt, Field(gt=0, le=10_000)]],
        Field(
            min_length=1,
            max_length=8,
            description="bucket → basis points (sum 10,000)",
            examples=[{"maintenance": 6000, "welfare": 3000, "operations": 1000}],
        ),
    ]
    effective_date: dt.date
    decision: Annotated[str | None, Field(description="reference of the decision that approved it")] = None


class WriteOut(BaseModel):
    """A journaled write. ``status``: ``mined`` (on chain), ``queued`` (chain unreachable: kept and
    sent when it returns), ``sent`` (not yet confirmed)."""

    id: int
    status: str
    seq: int | None
    seq_count: int
    tx_hash: str | None
    block_number: int | None


class BatchOut(BaseModel):
    count: int
    writes: list[WriteOut]


class CloseOut(BaseModel):
    label: str
    statement_hash: str
    entries_root: str
    tx_hash: str


class ErrorOut(BaseModel):
    error: str
    message: str
    data: dict[str, Any] = {}


class CommunityOut(BaseModel):
    slug: str
    id: str
    utc_offset_minutes: int
    admin: str
