"""Funds and in-kind goods entries and totals, re-derived for the verifier.

Mirrors ``funds/handlers.py``, ``funds/statement.py`` and ``funds/goods.py`` (``entry_json``, the
period's flows per fund and earmark, sources by donor type, grant formula checks, project
payments, goods stock movements), written again here, pure. What needs history older than the
period (opening balances, traceability, amounts paid to date) is taken as stated, as the revenue
part takes opening balances.

Set-ups without a business date (a fund, an earmark, a project, a goods item) are dated by their
block in the community's calendar, like a revenue policy. A goods transfer is an entry of both
communities: ``goods_transferred`` for the giver and ``goods_received`` (counterpart: the giver)
for the receiver, whose statement proves the giver's log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from ledger_service.proofs.common import addr, hex0x, label, opt_label, same

__all__ = [
    "BLOCK_DATED",
    "DONOR_TYPES",
    "FUNDS",
    "GOODS",
    "KINDS",
    "funds_entry",
    "goods_entry",
    "recompute_funds",
    "recompute_goods",
]

FUNDS, GOODS = "Funds", "Goods"
#: F-3, in the contract's numbering (1..5)
DONOR_TYPES = ("resident", "company", "bank", "charity", "government")
#: F-5, in the contract's numbering (1..2)
FORMULAS = ("per_area", "per_resident")
#: Entry kinds dated by their block's local date (their events carry no business date).
BLOCK_DATED = frozenset(
    {"funds_fund_created", "funds_earmark_opened", "funds_project_opened", "goods_item_registered"}
)


def _donor_type(code: int) -> str:
    return DONOR_TYPES[code - 1] if 1 <= code <= len(DONOR_TYPES) else str(code)


def _formula(code: int) -> str | None:
    return FORMULAS[code - 1] if 1 <= code <= len(FORMULAS) else None


def formula_expected(kind: str, rate: int, units: int) -> int:
    """A grant's amount by its formula: per_area units are 0.01 m² (rounded down), per_resident."""
    return rate * units // 100 if kind == "per_area" else rate * units


# -- entries ---------------------------------------------------------------------------------------------


def _donation(a: Mapping[str, Any]) -> tuple[str, int, dict[str, Any]]:
    formula = _formula(a["formulaKind"])
    return (
        "donation",
        a["amount"],
        {
            "fund": label(a["fund"]),
            "earmark": label(a["earmark"]),
            "receipt": label(a["receipt"]),
            "source": int(a["source"]),
            "donor": hex0x(a["donor"]),
            "donor_type": _donor_type(a["donorType"]),
            "formula_kind": formula,
            "formula_rate": int(a["formulaRate"]) if formula else None,
            "formula_units": int(a["formulaUnits"]) if formula else None,
            "campaign": opt_label(a["campaign"]),
            "rights": opt_label(a["rights"]),
            "public_name": a["publicName"] or None,
        },
    )


_FUNDS: dict[str, Callable[[Mapping[str, Any]], tuple[str, int, dict[str, Any]]]] = {
    "FundCreated": lambda a: (
        "fund_created",
        0,
        {
            "fund": label(a["fund"]),
            "fund_kind": label(a["kind"]),
            "threshold": int(a["ownersThreshold"]),
            "actor": addr(a["by"]),
        },
    ),
    "EarmarkOpened": lambda a: (
        "earmark_opened",
        0,
        {"fund": label(a["fund"]), "earmark": label(a["earmark"]), "actor": addr(a["by"])},
    ),
    "ProjectOpened": lambda a: (
        "project_opened",
        0,
        {
            "fund": label(a["fund"]),
            "earmark": label(a["earmark"]),
            "project": label(a["project"]),
            "threshold": int(a["budget"]),
            "acceptances": int(a["acceptancesRequired"]),
            "actor": addr(a["by"]),
        },
    ),
    "DonationReceived": _donation,
    "RevenueReceived": lambda a: (
        "from_revenue",
        a["amount"],
        {
            "fund": label(a["fund"]),
            "earmark": label(a["earmark"]),
            "bucket": label(a["bucket"]),
            "source": int(a["source"]),
        },
    ),
    "Disbursed": lambda a: (
        "disbursement",
        a["amount"],
        {
            "project": label(a["project"]),
            "fund": label(a["fund"]),
            "earmark": label(a["earmark"]),
            "is_final": bool(a["isFinal"]),
            "ref": opt_label(a["ref"]),
            "evidence_hash": hex0x(a["evidenceHash"]),
            "proposal_id": str(a["proposalId"]),
            "decision_type": int(a["decisionType"]),
            "actor": addr(a["by"]),
        },
    ),
    "ProjectAccepted": lambda a: (
        "acceptance",
        0,
        {
            "project": label(a["project"]),
            "acceptances": int(a["acceptances"]),
            "evidence_hash": hex0x(a["evidenceHash"]),
            "actor": addr(a["by"]),
        },
    ),
    "UnspentReturned": lambda a: (
        "returned",
        a["amount"],
        {
            "project": label(a["project"]),
            "fund": label(a["fund"]),
            "earmark": label(a["earmark"]),
            "evidence_hash": hex0x(a["evidenceHash"]),
            "proposal_id": str(a["proposalId"]),
            "source": int(a["source"]),
            "actor": addr(a["by"]),
        },
    ),
    "DonorRefunded": lambda a: (
        "refund",
        a["amount"],
        {
            "receipt": label(a["receipt"]),
            "fund": label(a["fund"]),
            "earmark": label(a["earmark"]),
            "evidence_hash": hex0x(a["evidenceHash"]),
            "proposal_id": str(a["proposalId"]),
            "actor": addr(a["by"]),
        },
    ),
}


def _entry(kind: str, seq: int, date: str, amount: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    e: dict[str, Any] = {"kind": kind, "seq": int(seq), "business_date": date, "amount": int(amount)}
    e.update({k: v for k, v in fields.items() if v is not None})
    return e


def funds_entry(event: str, a: Mapping[str, Any], date: str) -> dict[str, Any]:
    """The statement entry (without its chain position) the indexer makes from a Funds event;
    ``date`` is the event's business date, or its block's local date for a set-up."""
    if event not in _FUNDS:
        raise ValueError(f"{event} is not a funds entry event")
    kind, amount, fields = _FUNDS[event](a)
    return _entry(f"funds_{kind}", a["seq"] if "seq" in a else a["revenueSeq"], date, amount, fields)


_GOODS: dict[str, Callable[[Mapping[str, Any]], tuple[str, dict[str, Any]]]] = {
    "GoodsItemRegistered": lambda a: ("item_registered", {"unit": label(a["unit"]), "actor": addr(a["by"])}),
    "GoodsDonated": lambda a: (
        "donated",
        {
            "receipt": label(a["receipt"]),
            "donor": hex0x(a["donor"]),
            "donor_type": _donor_type(a["donorType"]),
            "public_name": a["publicName"] or None,
        },
    ),
    "GoodsRequested": lambda a: (
        "requested",
        {"request": label(a["request"]), "counterpart": hex0x(a["from"]), "actor": addr(a["by"])},
    ),
    "GoodsTransferred": lambda a: (
        "transferred",
        {
            "request": label(a["request"]),
            "counterpart": hex0x(a["to"]),
            "evidence_hash": hex0x(a["evidenceHash"]),
            "actor": addr(a["by"]),
        },
    ),
    "GoodsDistributed": lambda a: (
        "distributed",
        {"purpose": label(a["purpose"]), "evidence_hash": hex0x(a["evidenceHash"]), "actor": addr(a["by"])},
    ),
}


#: Every entry kind this module makes.
KINDS = frozenset(
    {
        f"funds_{k}"
        for k in (
            "fund_created",
            "earmark_opened",
            "project_opened",
            "donation",
            "from_revenue",
            "disbursement",
            "acceptance",
            "returned",
            "refund",
        )
    }
    | {
        f"goods_{k}"
        for k in ("item_registered", "donated", "requested", "transferred", "received", "distributed")
    }
)


def goods_entry(event: str, a: Mapping[str, Any], date: str, community: bytes) -> dict[str, Any]:
    """The entry of a Goods event as it appears in ``community``'s statement: a transfer to
    ``community`` from another is ``goods_received``, its counterpart the giver."""
    if event not in _GOODS:
        raise ValueError(f"{event} is not a goods entry event")
    kind, fields = _GOODS[event](a)
    quantity = int(a["quantity"]) if "quantity" in a else 0
    if kind == "transferred" and a["community"] != community:
        kind = "received"
        fields["counterpart"] = hex0x(a["community"])
    return _entry(
        f"goods_{kind}", a["seq"], date, 0, {"item": label(a["item"]), "quantity": quantity, **fields}
    )


# -- totals ----------------------------------------------------------------------------------------------

_FLOW_OF = {
    "funds_donation": "donated",
    "funds_from_revenue": "from_revenue",
    "funds_returned": "returned",
    "funds_disbursement": "disbursed",
    "funds_refund": "refunded",
}
_INFLOWS = ("from_revenue", "donated", "returned")
_OUTFLOWS = ("disbursed", "refunded")


def _check(problems: list[str], what: str, stated: Any, computed: Any) -> None:
    if not same(stated, computed):
        problems.append(f"{what} is {stated!r} but the entries give {computed!r}")


def recompute_funds(statement: Mapping[str, Any], entries: list[Mapping[str, Any]]) -> list[str]:
    """The funds part against the period's funds entries: every earmark's inflows and outflows
    and its closing (opening taken as stated), sources by donor type, grants against their
    formula, each project's payments of the period, and the flags these decide."""
    problems: list[str] = []
    funds = [e for e in entries if str(e["kind"]).startswith("funds_")]
    lines = statement.get("funds") or {}
    if not isinstance(lines, Mapping):
        return ["funds is not an object"]
    moved: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_INFLOWS + _OUTFLOWS, 0))
    for e in funds:
        if e["kind"] in _FLOW_OF:
            moved[(e["fund"], e["earmark"])][_FLOW_OF[e["kind"]]] += e["amount"]
        elif e["kind"] in ("funds_fund_created", "funds_earmark_opened"):
            key = (e["fund"], e.get("earmark", "general"))
            if key[1] not in (lines.get(key[0]) or {}):
                problems.append(f"funds.{key[0]}.{key[1]} was opened in the period but has no line")
    negative = False
    for fund, earmark in moved:
        if earmark not in (lines.get(fund) or {}):
            problems.append(f"funds.{fund}.{earmark} moved in the period but has no line")
    for fund, earmarks in lines.items():
        for earmark, line in earmarks.items():
            got = moved.get((fund, earmark), dict.fromkeys(_INFLOWS + _OUTFLOWS, 0))
            for flow, value in got.items():
                _check(problems, f"funds.{fund}.{earmark}.{flow}", line.get(flow), value)
            closing = line["opening"] + sum(got[f] for f in _INFLOWS) - sum(got[f] for f in _OUTFLOWS)
            _check(problems, f"funds.{fund}.{earmark}.closing", line.get("closing"), closing)
            negative = negative or closing < 0
    flags = set(statement.get("flags") or [])
    _check(problems, "the funds_negative_balance flag", "funds_negative_balance" in flags, negative)

    # With any funds entry the community has funds rows, and the statement carries every part.
    parts = ("funds_sources", "funds_grants", "funds_projects", "funds_traceability")
    if funds and any(k not in statement for k in parts):
        missing = ", ".join(k for k in parts if k not in statement)
        problems.append(f"the statement has funds entries but no {missing}")
    if "funds_sources" in statement:
        sources: dict[str, dict[str, Any]] = {}
        for e in funds:
            if e["kind"] not in ("funds_donation", "funds_from_revenue", "funds_returned"):
                continue
            line = sources.setdefault(
                e["fund"],
                {
                    "by_donor_type": dict.fromkeys(DONOR_TYPES, 0),
                    "from_revenue": 0,
                    "returned": 0,
                    "total": 0,
                },
            )
            if e["kind"] == "funds_donation":
                line["by_donor_type"][e["donor_type"]] = (
                    line["by_donor_type"].get(e["donor_type"], 0) + e["amount"]
                )
            else:
                line[e["kind"].removeprefix("funds_")] += e["amount"]
            line["total"] += e["amount"]
        _check(problems, "funds_sources", statement["funds_sources"], sources)

    if "funds_grants" in statement:
        grants = []
        for e in funds:
            if e["kind"] == "funds_donation" and e.get("formula_kind"):
                expected = formula_expected(e["formula_kind"], e["formula_rate"], e["formula_units"])
                grants.append(
                    {
                        "receipt": e["receipt"],
                        "fund": e["fund"],
                        "earmark": e["earmark"],
                        "formula": e["formula_kind"],
                        "rate": e["formula_rate"],
                        "units": e["formula_units"],
                        "expected": expected,
                        "posted": e["amount"],
                        "matches": expected == e["amount"],
                    }
                )
        _check(problems, "funds_grants", statement["funds_grants"], grants)
        mismatch = any(not g["matches"] for g in grants)
        _check(
            problems,
            "the funds_grant_formula_mismatch flag",
            "funds_grant_formula_mismatch" in flags,
            mismatch,
        )

    projects = statement.get("funds_projects") or {}
    payments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in funds:
        if e["kind"] == "funds_disbursement":
            payments[e["project"]].append(
                {
                    "seq": e["seq"],
                    "business_date": e["business_date"],
                    "amount": e["amount"],
                    "final": e["is_final"],
                    "ref": e.get("ref"),
                    "evidence_hash": e.get("evidence_hash"),
                    "proposal_id": e.get("proposal_id"),
                    "tx_hash": e["tx_hash"],
                }
            )
    for project in payments:
        if project not in projects:
            problems.append(f"project {project} was paid in the period but is not in funds_projects")
    for e in funds:
        if e["kind"] == "funds_project_opened":
            opened = {"fund": e["fund"], "earmark": e["earmark"], "budget": e["threshold"],
                      "acceptances_required": e["acceptances"]}  # fmt: skip
            line = projects.get(e["project"])
            if not isinstance(line, Mapping):
                problems.append(f"project {e['project']} was opened in the period but is not listed")
                continue
            for name, value in opened.items():
                _check(problems, f"funds_projects.{e['project']}.{name}", line.get(name), value)
    for project, p in projects.items():
        paid = payments.get(project, [])
        _check(problems, f"funds_projects.{project}.payments", p.get("payments"), paid)
        _check(problems, f"funds_projects.{project}.paid", p.get("paid"), sum(x["amount"] for x in paid))
    return problems


_GOODS_FLOWS = ("donated", "received", "transferred", "distributed")
_GOODS_FLOW = {
    "goods_donated": ("donated", 1),
    "goods_received": ("received", 1),
    "goods_transferred": ("transferred", -1),
    "goods_distributed": ("distributed", -1),
}


def recompute_goods(statement: Mapping[str, Any], entries: list[Mapping[str, Any]]) -> list[str]:
    """The goods part against the period's goods entries: per item, units donated, received,
    transferred and distributed, and the closing stock (opening taken as stated)."""
    problems: list[str] = []
    goods = [e for e in entries if e["kind"] in _GOODS_FLOW]
    stated = statement.get("goods")
    if stated is None:
        any_goods = any(str(e["kind"]).startswith("goods_") for e in entries)
        return ["the statement has goods entries but no goods section"] if any_goods else []
    moved: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_GOODS_FLOWS, 0))
    for e in goods:
        moved[e["item"]][_GOODS_FLOW[e["kind"]][0]] += e["quantity"]
    for item in moved:
        if item not in stated:
            problems.append(f"goods.{item} moved in the period but has no line")
    negative = False
    for item, line in stated.items():
        got = moved.get(item, dict.fromkeys(_GOODS_FLOWS, 0))
        for flow, value in got.items():
            _check(problems, f"goods.{item}.{flow}", line.get(flow), value)
        closing = line["opening"] + got["donated"] + got["received"] - got["transferred"] - got["distributed"]
        _check(problems, f"goods.{item}.closing", line.get("closing"), closing)
        negative = negative or closing < 0
    for e in entries:
        if e["kind"] == "goods_item_registered":
            line = stated.get(e["item"])
            if not isinstance(line, Mapping):
                problems.append(f"goods.{e['item']} was registered in the period but has no line")
            else:
                _check(problems, f"goods.{e['item']}.unit", line.get("unit"), e["unit"])
    flags = set(statement.get("flags") or [])
    _check(problems, "the goods_negative_stock flag", "goods_negative_stock" in flags, negative)
    return problems
