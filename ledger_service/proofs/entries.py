"""What a statement entry must be, given the chain event it claims to come from; and what a
statement's numbers must be, given its entries.

These are the verifier's independent re-derivations of the indexer (``revenue/handlers.py``,
``revenue/statement.py``; the time bank's in ``proofs/timebank.py``, funds' and goods' in
``proofs/funds.py``) — written again here, pure, so an auditor does not run the operator's
database code to check the operator's statement. ``tests/proofs`` run both over the same chain
data, so a change on one side that the other does not follow fails there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from eth_utils import to_checksum_address

from ledger_service.proofs import funds as _funds
from ledger_service.proofs import timebank as _timebank
from ledger_service.proofs.common import (
    OWNERS_COMMON,
    EntryContext,
    MissingContext,
    block_local_date,
    read_text,
)
from ledger_service.proofs.common import hex0x as _hex
from ledger_service.statements.merkle import entries_root
from ledger_service.statements.periods import from_day_number

__all__ = [
    "BLOCK_DATED",
    "ENTRY_CONTRACTS",
    "OWNERS_COMMON",
    "EntryContext",
    "MissingContext",
    "expected_entry",
    "read_text",
    "recompute_statement",
]

_ZERO32 = b"\0" * 32
_MASK64 = 0xFFFF_FFFF_FFFF_FFFF
#: The contracts whose events are statement entries.
ENTRY_CONTRACTS = ("RevenueLedger", _timebank.CONTRACT, _funds.FUNDS, _funds.GOODS)
#: Entry kinds dated by their block's local date (their events carry no business date): they
#: need the community's registration as context.
BLOCK_DATED = frozenset({"policy"}) | _funds.BLOCK_DATED
_REVENUE_KINDS = frozenset(
    {"policy", "income", "spend", "transfer", "reallocation", "reversal"}
    | {"deposit_received", "deposit_returned"}
)
_OTHER_KINDS = (_timebank.KINDS, _funds.KINDS)


def _evidence(b: bytes) -> str | None:
    return None if b == _ZERO32 else _hex(b)


def _parts(words: Any, count: int) -> list[int]:
    return [(words[i // 4] >> (64 * (i % 4))) & _MASK64 for i in range(count)]


def _split(
    ctx: EntryContext,
    version: int,
    words: Any,
    amount: int,
    given: Mapping[str, Any] | None,
    notes: list[str],
) -> dict[str, int]:
    if version == 0:
        return {OWNERS_COMMON: amount}
    try:
        buckets = ctx.buckets(version)
    except MissingContext:
        if given is None:
            raise
        # Without the policy's log the bucket names cannot be proved, but the amounts can: the
        # entry's parts must be the event's parts, whatever their labels.
        split = given.get("split")
        if not isinstance(split, dict) or not 0 < len(split) <= 8:
            raise
        parts = _parts(words, 8)
        if sorted(split.values()) != sorted(parts[: len(split)]) or any(parts[len(split) :]):
            raise MissingContext(
                f"policy version {version}: the entry's split {sorted(split.values())} is not the event's "
                f"parts {sorted(parts[: len(split)])}"
            ) from None
        notes.append(
            "split amounts match; bucket names not proved here "
            f"(policy {version}'s log is not in this bundle)"
        )
        return dict(split)
    return dict(zip(buckets, _parts(words, len(buckets)), strict=True))


def _day(a: Mapping[str, Any]) -> str:
    return from_day_number(a["businessDate"]).isoformat()


def expected_entry(
    event: str,
    args: Mapping[str, Any],
    ctx: EntryContext,
    *,
    tx_hash: str,
    block_number: int,
    log_index: int,
    timestamp: int,
    given: Mapping[str, Any] | None = None,
    notes: list[str] | None = None,
    contract: str = "RevenueLedger",
) -> dict[str, Any]:
    """The statement entry the indexer makes from one event of ``contract``.

    For the revenue ledger, mirrors ``revenue.handlers`` and ``revenue.statement.entry_json``:
    optional keys appear only when set; ``split`` keeps zero parts; a policy entry is dated by its
    block's local date.

    A fact the bundle does not prove (a policy's bucket names, the community's time zone, a
    reversed income's source) raises :class:`MissingContext` — unless the ``given`` entry is
    passed: then the part that can be checked without it is checked (split amounts; a date within
    ±14 hours of the block; any source) and ``notes`` says what was not proved. Time-bank, funds
    and goods events are mapped by ``proofs/timebank.py`` and ``proofs/funds.py``.
    """
    a = args
    notes = notes if notes is not None else []
    if contract != "RevenueLedger":
        if contract == _timebank.CONTRACT:
            other = _timebank.timebank_entry(event, a)
        else:
            date = _day(a) if "businessDate" in a else block_local_date(ctx, timestamp, given, notes)
            if contract == _funds.FUNDS:
                other = _funds.funds_entry(event, a, date)
            elif contract == _funds.GOODS:
                other = _funds.goods_entry(event, a, date, ctx.community)
            else:
                raise ValueError(f"{contract} events are not statement entries")
        other.update(tx_hash=tx_hash, block_number=block_number, log_index=log_index)
        return other
    e: dict[str, Any] = {"kind": "", "seq": int(a["seq"])}
    if event == "PolicyActivated":
        buckets = [read_text(b) for b in a["buckets"]]
        local = block_local_date(ctx, timestamp, given, notes)
        e.update(kind="policy", business_date=local, amount=0)
        e["evidence_hash"] = _hex(a["decisionHash"])
        e["policy_version"] = int(a["version"])
        e["effective_date"] = from_day_number(a["effectiveDate"]).isoformat()
        e["bps"] = {b: int(p) for b, p in zip(buckets, a["bps"], strict=True)}
    elif event == "IncomeRecorded":
        e.update(kind="income", business_date=_day(a), amount=a["amount"])
        e["source"] = read_text(a["source"])
        e["ref"] = read_text(a["ref"])
        if (ev := _evidence(a["evidenceHash"])) is not None:
            e["evidence_hash"] = ev
        e["policy_version"] = int(a["policyVersion"])
        e["split"] = _split(ctx, a["policyVersion"], a["parts"], a["amount"], given, notes)
    elif event == "Spent":
        e.update(kind="spend", business_date=_day(a), amount=a["amount"])
        e["bucket"] = read_text(a["bucket"])
        e["ref"] = read_text(a["ref"])
        if (ev := _evidence(a["evidenceHash"])) is not None:
            e["evidence_hash"] = ev
    elif event == "TransferredOut":
        e.update(kind="transfer", business_date=_day(a), amount=a["amount"])
        e["bucket"] = read_text(a["bucket"])
        e["ref"] = read_text(a["ref"])
        e["sink"] = to_checksum_address(a["sink"])
        e["data_hash"] = _hex(a["dataHash"])
    elif event == "HeldReallocated":
        e.update(kind="reallocation", business_date=_day(a), amount=a["amount"])
        e["bucket"] = OWNERS_COMMON
        e["policy_version"] = int(a["policyVersion"])
        e["split"] = _split(ctx, a["policyVersion"], a["parts"], a["amount"], given, notes)
    elif event == "IncomeReversed":
        original = int(a["originalSeq"])
        e.update(kind="reversal", business_date=_day(a), amount=a["amount"])
        if original in ctx.income_sources:
            e["source"] = ctx.income_sources[original]
        elif given is not None and isinstance(given.get("source"), str):
            e["source"] = given["source"]
            notes.append(f"source not proved here (income #{original}'s log is not in this bundle)")
        else:
            raise MissingContext(
                f"income #{original} (the IncomeRecorded log it reverses is not in the bundle)"
            )
        e["policy_version"] = int(a["policyVersion"])
        e["corrects"] = original
        e["reverses"] = "income"
        e["reason"] = read_text(a["reason"])
        e["split"] = _split(ctx, a["policyVersion"], a["parts"], a["amount"], given, notes)
    elif event == "SpendReversed":
        e.update(kind="reversal", business_date=_day(a), amount=a["amount"])
        e["bucket"] = read_text(a["bucket"])
        e["corrects"] = int(a["originalSeq"])
        e["reverses"] = "spend"
        e["reason"] = read_text(a["reason"])
    elif event == "DepositReceived":
        e.update(kind="deposit_received", business_date=_day(a), amount=a["amount"])
        e["ref"] = read_text(a["ref"])
        if (ev := _evidence(a["evidenceHash"])) is not None:
            e["evidence_hash"] = ev
        e["payer_ref"] = _hex(a["payerRef"])
    elif event == "DepositReturned":
        e.update(kind="deposit_returned", business_date=_day(a), amount=a["amount"])
        e["ref"] = read_text(a["ref"])
        if (ev := _evidence(a["evidenceHash"])) is not None:
            e["evidence_hash"] = ev
        e["corrects"] = int(a["depositSeq"])
    else:
        raise ValueError(f"{event} is not a ledger entry event")
    e["tx_hash"] = tx_hash
    e["block_number"] = block_number
    e["log_index"] = log_index
    return e


def entry_differences(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Human-readable differences between the entry an event implies and the one given."""
    out = []
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            out.append(f"{key} is missing (the event says {expected[key]!r})")
        elif key not in expected:
            out.append(f"{key}={actual[key]!r} is not in the event")
        elif expected[key] != actual[key] or type(expected[key]) is not type(actual[key]):
            out.append(f"{key}={actual[key]!r} but the event says {expected[key]!r}")
    return out


# -- a statement's numbers from its entries ----------------------------------------------------------


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not an integer")
    return value


def recompute_statement(statement: Mapping[str, Any]) -> list[str]:
    """Everything in the statement's revenue numbers that does not follow from its entries.

    An empty list means: entries are in chain order and inside the period, their Merkle root is
    ``entries_root``, each split adds up to its amount, and income by source, allocations,
    spending, reallocations, every balance line's in-period movements and closing, the amount
    awaiting a decision, deposits received and returned, and the flags that can be decided from
    one period's entries, are exactly what the entries give. Opening balances and deposits held
    carry over from earlier periods and are taken as stated (they are the previous statement's).
    The time-bank, funds and goods parts are checked the same way against their own entries
    (``proofs/timebank.py``, ``proofs/funds.py``).
    """
    problems: list[str] = []
    try:
        entries = list(statement["entries"])
        period = statement["period"]
        start, end = period["from"], period["to"]
    except (KeyError, TypeError) as exc:
        return [f"the statement has no {exc}"]

    # order, dates and root
    positions = [(e.get("block_number"), e.get("log_index")) for e in entries]
    if any(not isinstance(b, int) or not isinstance(i, int) for b, i in positions):
        problems.append("an entry has no integer block_number/log_index")
    elif any(positions[k] >= positions[k + 1] for k in range(len(positions) - 1)):
        problems.append("entries are not in strictly increasing (block, log index) order")
    outside = [e.get("seq") for e in entries if not start <= str(e.get("business_date")) <= end]
    if outside:
        problems.append(f"entries {outside[:5]} are dated outside {start}..{end}")
    try:
        root = entries_root(entries)
    except (ValueError, TypeError) as exc:
        return [*problems, f"entries cannot be canonicalised: {exc}"]
    if root != statement.get("entries_root"):
        problems.append(f"entries_root {statement.get('entries_root')} but the entries give {root}")

    by_source: dict[str, int] = defaultdict(int)
    moves: dict[str, dict[str, int]] = defaultdict(lambda: {"allocated": 0, "reallocated": 0, "spent": 0})
    received = returned = 0
    income_refs: dict[str, int] = defaultdict(int)
    amounts: dict[int, tuple[str, int]] = {}
    others = [e for e in entries if e.get("kind") not in _REVENUE_KINDS]
    try:
        for e in entries:
            kind, amount = e["kind"], _int(e["amount"])
            if kind not in _REVENUE_KINDS:
                if not any(kind in kinds for kinds in _OTHER_KINDS):
                    problems.append(f"entry #{e['seq']} has unknown kind {kind!r}")
                continue
            amounts[_int(e["seq"])] = (kind, amount)
            if e.get("source") is not None:
                by_source[e["source"]] += amount if kind == "income" else -amount
            split = e.get("split")
            if split is not None and sum(_int(v) for v in split.values()) != amount:
                problems.append(
                    f"entry #{e['seq']}: its split adds up to {sum(split.values())}, not {amount}"
                )
            if kind == "income":
                income_refs[e.get("ref")] += 1
                for bucket, part in split.items():
                    if part:
                        moves[bucket]["allocated"] += part
            elif kind in ("spend", "transfer"):  # a transfer to a sink contract is spending too
                moves[e["bucket"]]["spent"] += amount
            elif kind == "reallocation":
                moves[OWNERS_COMMON]["reallocated"] -= amount
                for bucket, part in split.items():
                    if part:
                        moves[bucket]["reallocated"] += part
            elif kind == "reversal" and e.get("reverses") == "income":
                for bucket, part in split.items():
                    if part:
                        moves[bucket]["allocated"] -= part
            elif kind == "reversal" and e.get("reverses") == "spend":
                moves[e["bucket"]]["spent"] -= amount
            elif kind == "deposit_received":
                received += amount
            elif kind == "deposit_returned":
                returned += amount
    except (KeyError, TypeError, AttributeError) as exc:
        return [*problems, f"an entry is malformed: {exc!r}"]
    try:
        problems += _timebank.recompute_timebank(statement, others)
        problems += _funds.recompute_funds(statement, others)
        problems += _funds.recompute_goods(statement, others)
    except (KeyError, TypeError, AttributeError) as exc:
        problems.append(f"a time-bank, funds or goods entry or line is malformed: {exc!r}")

    def check(what: str, stated: Any, computed: Any) -> None:
        if stated != computed:
            problems.append(f"{what} is {stated!r} but the entries give {computed!r}")

    check("income", statement.get("income"), {"total": sum(by_source.values()), "by_source": dict(by_source)})
    balances = statement.get("balances")
    if not isinstance(balances, Mapping) or OWNERS_COMMON not in balances:
        return [*problems, "balances has no owners_common line"]
    for bucket in moves:
        if bucket not in balances:
            problems.append(f"bucket {bucket} moved in the period but has no balance line")
    for bucket, line in balances.items():
        try:
            got = moves.get(bucket, {"allocated": 0, "reallocated": 0, "spent": 0})
            for part in ("allocated", "reallocated", "spent"):
                check(f"balances.{bucket}.{part}", line[part], got[part])
            closing = _int(line["opening"]) + line["allocated"] + line["reallocated"] - line["spent"]
            check(f"balances.{bucket}.closing", line["closing"], closing)
        except (KeyError, TypeError) as exc:
            problems.append(f"balances.{bucket} is malformed: {exc!r}")
    allocated = {b: v["allocated"] for b, v in moves.items() if v["allocated"]}
    spent = {b: v["spent"] for b, v in moves.items() if v["spent"]}
    reallocated = {b: v["reallocated"] for b, v in moves.items() if v["reallocated"]}
    check("allocated", statement.get("allocated"), {"total": sum(allocated.values()), "by_bucket": allocated})
    check("spent", statement.get("spent"), {"total": sum(spent.values()), "by_bucket": spent})
    check("reallocated", statement.get("reallocated"), {"by_bucket": reallocated})
    awaiting = balances[OWNERS_COMMON].get("closing")
    check("awaiting_decision", statement.get("awaiting_decision"), awaiting)
    deposits = statement.get("deposits") or {}
    check("deposits.received", deposits.get("received"), received)
    check("deposits.returned", deposits.get("returned"), returned)

    flags = set(statement.get("flags") or [])
    check("the awaiting_decision flag", "awaiting_decision" in flags, bool(awaiting))
    for ref, count in income_refs.items():
        if count > 1 and f"duplicate_ref:{ref}" not in flags:
            problems.append(f"reference {ref!r} is used by {count} incomes but not flagged")
    for e in entries:
        if e.get("kind") == "reversal" and e.get("reverses") == "income" and e.get("corrects") in amounts:
            original_kind, original_amount = amounts[e["corrects"]]
            mismatch = original_kind != "income" or original_amount != e["amount"]
            check(
                f"the reversal_mismatch:{e['seq']} flag", f"reversal_mismatch:{e['seq']}" in flags, mismatch
            )
    return problems
