"""Index TimeBank events into entries (one per log) and holder movements (one per balance change).

Movement signs are balance effects: a mint or reward +amount to the holder; a redemption or
deduction −amount; a donation −amount to the donor and +amount to the pool; a grant −amount to
the pool and +amount to the resident.
"""

from __future__ import annotations

from typing import Any

from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.statements.periods import from_day_number
from ledger_service.timebank.encoding import POOL, ZERO_ADDRESS, label
from ledger_service.timebank.tables import TimebankEntry, TimebankMovement

CONTRACT = "TimeBank"
POOL_ID = POOL.lower()


def _addr(a: str) -> str:
    return a.lower()


def _opt_addr(a: str) -> str | None:
    return None if a.lower() == ZERO_ADDRESS else a.lower()


def _entry(log: Log, kind: str, amount: int, **extra: Any) -> dict[str, Any]:
    a = log.args
    row: dict[str, Any] = {
        **log.position,
        "community": _hex(a["community"]),
        "kind": kind,
        "seq": a["seq"] if "seq" in a else a["revenueSeq"],
        "business_date": from_day_number(a["businessDate"]),
        "amount": amount,
        "holder": None,
        "proxy": None,
        "beneficiary": None,
        "actor": None,
        "by_signature": None,
        "record_ref": None,
        "service_type": None,
        "service_date": None,
        "item": None,
        "category": None,
        "provider": None,
        "quantity": None,
        "reason": None,
        "active": None,
        "fen": None,
        "bucket": None,
        "cap_per_holder": None,
        "cap_total": None,
        "period_months": None,
        "proposal_id": None,
    }
    row.update(extra)
    return row


def _move(batch: Batch, log: Log, holder: str, kind: str, amount: int) -> None:
    batch.add(
        TimebankMovement,
        {
            **log.position,
            "community": _hex(log.args["community"]),
            "business_date": from_day_number(log.args["businessDate"]),
            "holder": holder,
            "kind": kind,
            "amount": amount,
        },
    )


@registry.on(CONTRACT, "ServiceMinted")
def service_minted(log: Log, batch: Batch) -> None:
    a = log.args
    volunteer = _addr(a["volunteer"])
    batch.add(
        TimebankEntry,
        _entry(
            log,
            "minted",
            a["amount"],
            holder=volunteer,
            beneficiary=_addr(a["beneficiary"]),
            actor=_addr(a["attester"]),
            by_signature=bool(a["bySignature"]),
            record_ref=a["recordRef"],
            service_type=label(a["serviceType"]),
            service_date=from_day_number(a["serviceDate"]),
        ),
    )
    _move(batch, log, volunteer, "minted", a["amount"])


@registry.on(CONTRACT, "Redeemed")
def redeemed(log: Log, batch: Batch) -> None:
    a = log.args
    holder = _addr(a["holder"])
    batch.add(
        TimebankEntry,
        _entry(
            log,
            "redeemed",
            a["amount"],
            holder=holder,
            proxy=_opt_addr(a["proxy"]),
            item=_hex(a["item"]),
            category=label(a["category"]),
            provider=label(a["provider"]),
            quantity=a["quantity"],
        ),
    )
    _move(batch, log, holder, "redeemed", -a["amount"])


@registry.on(CONTRACT, "Donated")
def donated(log: Log, batch: Batch) -> None:
    a = log.args
    holder = _addr(a["holder"])
    batch.add(TimebankEntry, _entry(log, "donated", a["amount"], holder=holder, proxy=_opt_addr(a["proxy"])))
    _move(batch, log, holder, "donated", -a["amount"])
    _move(batch, log, POOL_ID, "donated", a["amount"])


@registry.on(CONTRACT, "Granted")
def granted(log: Log, batch: Batch) -> None:
    a = log.args
    resident = _addr(a["resident"])
    batch.add(TimebankEntry, _entry(log, "granted", a["amount"], holder=resident, actor=_addr(a["by"])))
    _move(batch, log, POOL_ID, "granted", -a["amount"])
    _move(batch, log, resident, "granted", a["amount"])


@registry.on(CONTRACT, "Rewarded")
def rewarded(log: Log, batch: Batch) -> None:
    a = log.args
    holder = _addr(a["holder"])
    batch.add(
        TimebankEntry,
        _entry(log, "rewarded", a["amount"], holder=holder, reason=label(a["reason"]), actor=_addr(a["by"])),
    )
    _move(batch, log, holder, "rewarded", a["amount"])


@registry.on(CONTRACT, "Deducted")
def deducted(log: Log, batch: Batch) -> None:
    a = log.args
    holder = _addr(a["holder"])
    batch.add(
        TimebankEntry,
        _entry(log, "deducted", a["amount"], holder=holder, reason=label(a["reason"]), actor=_addr(a["by"])),
    )
    _move(batch, log, holder, "deducted", -a["amount"])


@registry.on(CONTRACT, "CatalogItemSet")
def catalog_item_set(log: Log, batch: Batch) -> None:
    a = log.args
    row = _entry(
        log,
        "catalog_item",
        a["price"],
        item=_hex(a["item"]),
        category=label(a["category"]),
        provider=label(a["provider"]),
        active=bool(a["active"]),
        actor=_addr(a["by"]),
    )
    batch.add(TimebankEntry, row)


@registry.on(CONTRACT, "ProxySet")
def proxy_set(log: Log, batch: Batch) -> None:
    a = log.args
    row = _entry(
        log,
        "proxy_set",
        0,
        holder=_addr(a["principal"]),
        proxy=_addr(a["proxy"]),
        active=bool(a["active"]),
        actor=_addr(a["by"]),
    )
    batch.add(TimebankEntry, row)


@registry.on(CONTRACT, "ElderlySet")
def elderly_set(log: Log, batch: Batch) -> None:
    a = log.args
    row = _entry(
        log, "elderly_set", 0, holder=_addr(a["resident"]), active=bool(a["registered"]), actor=_addr(a["by"])
    )
    batch.add(TimebankEntry, row)


@registry.on(CONTRACT, "FeeTermsSet")
def fee_terms_set(log: Log, batch: Batch) -> None:
    a = log.args
    row = _entry(
        log,
        "fee_terms",
        0,
        fen=a["ratePerHour"],
        bucket=label(a["bucket"]),
        cap_per_holder=a["capPerHolder"],
        cap_total=a["capTotal"],
        period_months=a["periodMonths"],
        proposal_id=a["proposalId"],
        active=a["ratePerHour"] > 0,
        actor=_addr(a["by"]),
    )
    batch.add(TimebankEntry, row)


@registry.on(CONTRACT, "FeeDiscountRedeemed")
def fee_discount_redeemed(log: Log, batch: Batch) -> None:
    """A property-fee discount: minutes burnt (a redemption) and fen paid by the revenue ledger's
    transfer ``revenueSeq`` (which the revenue index shows as spending)."""
    a = log.args
    holder = _addr(a["holder"])
    row = _entry(
        log,
        "fee_discount",
        a["amount"],
        holder=holder,
        proxy=_opt_addr(a["proxy"]),
        fen=a["fen"],
        bucket=label(a["bucket"]),
    )
    batch.add(TimebankEntry, row)
    _move(batch, log, holder, "redeemed", -a["amount"])


#: This module's handlers by event name (e.g. for a test's own ``Registry``).
HANDLERS = {event: fn for (contract, event), fn in registry.handlers.items() if contract == CONTRACT}
