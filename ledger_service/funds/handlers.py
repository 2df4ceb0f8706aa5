"""Index Funds events into ``funds_entries`` (one row per log). Set-ups without a business date
(fund, earmark, project) are dated by their block in the community's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger_service.communities.handlers import utc_offset
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.funds.encoding import donor_type_name, formula_name, label
from ledger_service.funds.tables import FundEntry, GoodsEntry
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.statements.periods import from_day_number

CONTRACT = "Funds"
_COLUMNS = (
    "fund", "earmark", "project", "receipt", "source", "donor", "donor_type", "formula_kind",
    "formula_rate", "formula_units", "campaign", "rights", "public_name", "fund_kind", "threshold",
    "acceptances", "is_final", "ref", "evidence_hash", "proposal_id", "decision_type", "bucket", "actor",
)  # fmt: skip


def _opt(raw: bytes) -> str | None:
    return None if not any(raw) else label(raw)


def _row(log: Log, batch: Batch, kind: str, amount: int, seq: int, **extra: Any) -> None:
    a = log.args
    community = _hex(a["community"])
    if "businessDate" in a:
        day = from_day_number(a["businessDate"])
    else:
        offset = utc_offset(batch, community)
        day = dt.datetime.fromtimestamp(log.timestamp + offset * 60, dt.UTC).date()
    row: dict[str, Any] = {
        **log.position,
        "community": community,
        "kind": kind,
        "seq": seq,
        "business_date": day,
        "amount": amount,
        **dict.fromkeys(_COLUMNS),
    }
    row.update(extra)
    batch.add(FundEntry, row)


@registry.on(CONTRACT, "FundCreated")
def fund_created(log: Log, batch: Batch) -> None:
    a = log.args
    _row(log, batch, "fund_created", 0, a["seq"], fund=label(a["fund"]), fund_kind=label(a["kind"]),
         threshold=a["ownersThreshold"], actor=a["by"].lower())  # fmt: skip


@registry.on(CONTRACT, "EarmarkOpened")
def earmark_opened(log: Log, batch: Batch) -> None:
    a = log.args
    _row(log, batch, "earmark_opened", 0, a["seq"], fund=label(a["fund"]), earmark=label(a["earmark"]),
         actor=a["by"].lower())  # fmt: skip


@registry.on(CONTRACT, "ProjectOpened")
def project_opened(log: Log, batch: Batch) -> None:
    a = log.args
    _row(log, batch, "project_opened", 0, a["seq"], fund=label(a["fund"]), earmark=label(a["earmark"]),
         project=label(a["project"]), threshold=a["budget"], acceptances=a["acceptancesRequired"],
         actor=a["by"].lower())  # fmt: skip


@registry.on(CONTRACT, "DonationReceived")
def donation_received(log: Log, batch: Batch) -> None:
    a = log.args
    formula = formula_name(a["formulaKind"])
    _row(
        log, batch, "donation", a["amount"], a["seq"],
        fund=label(a["fund"]), earmark=label(a["earmark"]), receipt=label(a["receipt"]),
        source=a["source"], donor=_hex(a["donor"]), donor_type=donor_type_name(a["donorType"]),
        formula_kind=formula, formula_rate=a["formulaRate"] if formula else None,
        formula_units=a["formulaUnits"] if formula else None,
        campaign=_opt(a["campaign"]), rights=_opt(a["rights"]),
        public_name=a["publicName"] or None,
    )  # fmt: skip


@registry.on(CONTRACT, "RevenueReceived")
def revenue_received(log: Log, batch: Batch) -> None:
    a = log.args
    _row(log, batch, "from_revenue", a["amount"], a["revenueSeq"], fund=label(a["fund"]),
         earmark=label(a["earmark"]), bucket=label(a["bucket"]), source=a["source"])  # fmt: skip


@registry.on(CONTRACT, "Disbursed")
def disbursed(log: Log, batch: Batch) -> None:
    a = log.args
    _row(
        log, batch, "disbursement", a["amount"], a["seq"],
        project=label(a["project"]), fund=label(a["fund"]), earmark=label(a["earmark"]),
        is_final=bool(a["isFinal"]), ref=_opt(a["ref"]), evidence_hash=_hex(a["evidenceHash"]),
        proposal_id=str(a["proposalId"]), decision_type=a["decisionType"], actor=a["by"].lower(),
    )  # fmt: skip


@registry.on(CONTRACT, "ProjectAccepted")
def project_accepted(log: Log, batch: Batch) -> None:
    a = log.args
    _row(log, batch, "acceptance", 0, a["seq"], project=label(a["project"]), acceptances=a["acceptances"],
         evidence_hash=_hex(a["evidenceHash"]), actor=a["by"].lower())  # fmt: skip


@registry.on(CONTRACT, "UnspentReturned")
def unspent_returned(log: Log, batch: Batch) -> None:
    a = log.args
    _row(
        log, batch, "returned", a["amount"], a["seq"],
        project=label(a["project"]), fund=label(a["fund"]), earmark=label(a["earmark"]),
        evidence_hash=_hex(a["evidenceHash"]), proposal_id=str(a["proposalId"]), source=a["source"],
        actor=a["by"].lower(),
    )  # fmt: skip


@registry.on(CONTRACT, "DonorRefunded")
def donor_refunded(log: Log, batch: Batch) -> None:
    a = log.args
    _row(
        log, batch, "refund", a["amount"], a["seq"],
        receipt=label(a["receipt"]), fund=label(a["fund"]), earmark=label(a["earmark"]),
        evidence_hash=_hex(a["evidenceHash"]), proposal_id=str(a["proposalId"]), actor=a["by"].lower(),
    )  # fmt: skip


# -- in-kind goods ------------------------------------------------------------------------------------

GOODS = "Goods"
_GOODS_COLUMNS = (
    "unit", "receipt", "donor", "donor_type", "public_name", "request", "counterpart", "purpose",
    "evidence_hash", "proposal_id", "actor",
)  # fmt: skip


def _goods(log: Log, batch: Batch, kind: str, item: bytes, quantity: int, **extra: Any) -> None:
    a = log.args
    community = _hex(a["community"])
    if "businessDate" in a:
        day = from_day_number(a["businessDate"])
    else:
        offset = utc_offset(batch, community)
        day = dt.datetime.fromtimestamp(log.timestamp + offset * 60, dt.UTC).date()
    row: dict[str, Any] = {
        **log.position,
        "community": community,
        "kind": kind,
        "seq": a["seq"],
        "business_date": day,
        "item": label(item),
        "quantity": quantity,
        **dict.fromkeys(_GOODS_COLUMNS),
    }
    row.update(extra)
    batch.add(GoodsEntry, row)


@registry.on(GOODS, "GoodsItemRegistered")
def goods_item_registered(log: Log, batch: Batch) -> None:
    a = log.args
    _goods(log, batch, "item_registered", a["item"], 0, unit=label(a["unit"]), actor=a["by"].lower())


@registry.on(GOODS, "GoodsDonated")
def goods_donated(log: Log, batch: Batch) -> None:
    a = log.args
    _goods(
        log, batch, "donated", a["item"], a["quantity"], receipt=label(a["receipt"]), donor=_hex(a["donor"]),
        donor_type=donor_type_name(a["donorType"]), public_name=a["publicName"] or None,
    )  # fmt: skip


@registry.on(GOODS, "GoodsRequested")
def goods_requested(log: Log, batch: Batch) -> None:
    a = log.args
    _goods(
        log, batch, "requested", a["item"], a["quantity"], request=label(a["request"]),
        counterpart=_hex(a["from"]), actor=a["by"].lower(),
    )  # fmt: skip


@registry.on(GOODS, "GoodsTransferred")
def goods_transferred(log: Log, batch: Batch) -> None:
    a = log.args
    _goods(
        log, batch, "transferred", a["item"], a["quantity"], request=label(a["request"]),
        counterpart=_hex(a["to"]), evidence_hash=_hex(a["evidenceHash"]), actor=a["by"].lower(),
    )  # fmt: skip


@registry.on(GOODS, "GoodsDistributed")
def goods_distributed(log: Log, batch: Batch) -> None:
    a = log.args
    _goods(
        log, batch, "distributed", a["item"], a["quantity"], purpose=label(a["purpose"]),
        evidence_hash=_hex(a["evidenceHash"]), actor=a["by"].lower(),
    )  # fmt: skip


GOODS_HANDLERS = {event: fn for (contract, event), fn in registry.handlers.items() if contract == GOODS}

#: This module's handlers by event name (e.g. for a test's own ``Registry``).
HANDLERS = {event: fn for (contract, event), fn in registry.handlers.items() if contract == CONTRACT}
