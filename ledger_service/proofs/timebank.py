"""Time-bank entries and totals, re-derived for the verifier.

Mirrors ``timebank/handlers.py`` and ``timebank/statement.py`` (``entry_json``, the ``timebank``
section's flows), written again here, pure: an auditor does not run the operator's index code to
check the operator's statement. ``tests/proofs/test_context_bundles.py`` runs both over the same
chain, so a change on one side that the other does not follow fails there.

What the public entry leaves out is left out here too, so a statement that *did* publish it fails:
a health check-up's item and provider (its category only), and the attester of a service record
the beneficiary signed. The beneficiary of a service record is never in an entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger_service.proofs.common import addr, day, hex0x, label, opt_addr, same
from ledger_service.statements.periods import from_day_number

__all__ = ["CONTRACT", "KINDS", "recompute_timebank", "timebank_entry"]

CONTRACT = "TimeBank"
HEALTH_CATEGORY = "health_check"
#: event -> entry kind (without the ``timebank_`` prefix)
_KIND = {
    "ServiceMinted": "minted",
    "Redeemed": "redeemed",
    "Donated": "donated",
    "Granted": "granted",
    "Rewarded": "rewarded",
    "Deducted": "deducted",
    "CatalogItemSet": "catalog_item",
    "ProxySet": "proxy_set",
    "ElderlySet": "elderly_set",
    "FeeTermsSet": "fee_terms",
    "FeeDiscountRedeemed": "fee_discount",
}
KINDS = frozenset(f"timebank_{k}" for k in _KIND.values())


def _fields(event: str, a: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """(amount, optional fields) of one event, ``None`` for what the indexer leaves unset."""
    if event == "ServiceMinted":
        return a["amount"], {
            "holder": addr(a["volunteer"]),
            "actor": None if a["bySignature"] else addr(a["attester"]),  # a signer is not public
            "by_signature": bool(a["bySignature"]),
            "record_ref": int(a["recordRef"]),
            "service_type": label(a["serviceType"]),
            "service_date": from_day_number(a["serviceDate"]).isoformat(),
        }
    if event == "Redeemed":
        category = label(a["category"])
        health = category == HEALTH_CATEGORY  # a health check-up: its category only
        return a["amount"], {
            "holder": addr(a["holder"]),
            "proxy": opt_addr(a["proxy"]),
            "item": None if health else hex0x(a["item"]),
            "category": category,
            "provider": None if health else label(a["provider"]),
            "quantity": int(a["quantity"]),
        }
    if event == "Donated":
        return a["amount"], {"holder": addr(a["holder"]), "proxy": opt_addr(a["proxy"])}
    if event == "Granted":
        return a["amount"], {"holder": addr(a["resident"]), "actor": addr(a["by"])}
    if event in ("Rewarded", "Deducted"):
        return a["amount"], {
            "holder": addr(a["holder"]),
            "reason": label(a["reason"]),
            "actor": addr(a["by"]),
        }
    if event == "CatalogItemSet":
        return a["price"], {
            "item": hex0x(a["item"]),
            "category": label(a["category"]),
            "provider": label(a["provider"]),
            "active": bool(a["active"]),
            "actor": addr(a["by"]),
        }
    if event == "ProxySet":
        return 0, {
            "holder": addr(a["principal"]),
            "proxy": addr(a["proxy"]),
            "active": bool(a["active"]),
            "actor": addr(a["by"]),
        }
    if event == "ElderlySet":
        return 0, {"holder": addr(a["resident"]), "active": bool(a["registered"]), "actor": addr(a["by"])}
    if event == "FeeTermsSet":
        return 0, {
            "fen": int(a["ratePerHour"]),
            "bucket": label(a["bucket"]),
            "cap_per_holder": int(a["capPerHolder"]),
            "cap_total": int(a["capTotal"]),
            "period_months": int(a["periodMonths"]),
            "proposal_id": int(a["proposalId"]),
            "active": a["ratePerHour"] > 0,
            "actor": addr(a["by"]),
        }
    if event == "FeeDiscountRedeemed":
        return a["amount"], {
            "holder": addr(a["holder"]),
            "proxy": opt_addr(a["proxy"]),
            "fen": int(a["fen"]),
            "bucket": label(a["bucket"]),
        }
    raise ValueError(f"{event} is not a time-bank entry event")


def timebank_entry(event: str, a: Mapping[str, Any]) -> dict[str, Any]:
    """The statement entry (without its chain position) the indexer makes from a TimeBank event."""
    amount, fields = _fields(event, a)
    e: dict[str, Any] = {
        "kind": f"timebank_{_KIND[event]}",
        "seq": int(a["seq"] if "seq" in a else a["revenueSeq"]),
        "business_date": day(a),
        "amount": int(amount),
    }
    e.update({k: v for k, v in fields.items() if v is not None})
    return e


def recompute_timebank(statement: Mapping[str, Any], entries: list[Mapping[str, Any]]) -> list[str]:
    """The time-bank minutes of the period against its entries: minted, rewarded, redeemed (a fee
    discount burns minutes too) and deducted. The pool and the number of holders carry balances
    over from earlier periods and are taken as stated."""
    flows = {"minted": 0, "rewarded": 0, "redeemed": 0, "deducted": 0}
    for e in entries:
        kind = str(e["kind"]).removeprefix("timebank_")
        if kind == "fee_discount":
            kind = "redeemed"
        if kind in flows:
            flows[kind] += e["amount"]
    stated = statement.get("timebank")
    if not isinstance(stated, Mapping):
        return (
            [] if not any(flows.values()) else ["the statement has no timebank section but time-bank entries"]
        )
    return [
        f"timebank.{k} is {stated.get(k)!r} but the entries give {v!r}"
        for k, v in flows.items()
        if not same(stated.get(k), v)
    ]
