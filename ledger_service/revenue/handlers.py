"""Index RevenueLedger events into entries (one per log), bucket movements and policies.

Movement signs are balance effects: an income allocates +part, its reversal −part; a spend moves
−amount, its reversal +amount; a reallocation moves −held out of owners_common and +parts in.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import select

from ledger_service.communities.handlers import utc_offset
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.revenue.encoding import OWNERS_COMMON, from_day_number, read_text, unpack_parts
from ledger_service.revenue.tables import RevenueEntry, RevenueMovement, RevenuePolicy

ZERO32 = b"\0" * 32


def _evidence(b: bytes) -> str | None:
    return None if b == ZERO32 else _hex(b)


def _local_date(timestamp: int, offset_minutes: int) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp + offset_minutes * 60, dt.UTC).date()


def _policy_buckets(batch: Batch, community: str, version: int) -> list[str]:
    """Bucket names of a policy version, in split order (version 0: owners_common alone)."""
    if version == 0:
        return [OWNERS_COMMON]
    key = (community, version)
    policies = batch.memo.setdefault("policies", {})
    if key not in policies:
        raw = batch.conn.execute(
            select(RevenuePolicy.buckets).where(
                RevenuePolicy.community == community, RevenuePolicy.version == version
            )
        ).scalar_one()
        policies[key] = [b for b, _ in json.loads(raw)]
    return list(policies[key])


def _split(batch: Batch, community: str, version: int, words: Any, amount: int) -> dict[str, int]:
    if version == 0:
        return {OWNERS_COMMON: amount}
    buckets = _policy_buckets(batch, community, version)
    parts = unpack_parts(words, len(buckets))
    return dict(zip(buckets, parts, strict=True))


def _entry(
    log: Log, community: str, kind: str, seq: int, day: dt.date, amount: int, **extra: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        **log.position,
        "community": community,
        "kind": kind,
        "seq": seq,
        "business_date": day,
        "amount": amount,
        "source": None,
        "bucket": None,
        "ref": None,
        "evidence_hash": None,
        "policy_version": None,
        "split": None,
        "corrects": None,
        "reverses": None,
        "reason": None,
        "payer_ref": None,
        "sink": None,
        "data_hash": None,
    }
    row.update(extra)
    return row


def _move(log: Log, community: str, day: dt.date, bucket: str, kind: str, amount: int) -> dict[str, Any]:
    return {
        **log.position,
        "community": community,
        "business_date": day,
        "bucket": bucket,
        "kind": kind,
        "amount": amount,
    }


def _split_moves(
    batch: Batch, log: Log, cid: str, day: dt.date, split: dict[str, int], kind: str, sign: int
) -> None:
    """One movement per bucket of a split (``sign`` -1 for a reversal)."""
    for bucket, part in split.items():
        if part:
            batch.add(RevenueMovement, _move(log, cid, day, bucket, kind, sign * part))


@registry.on("RevenueLedger", "PolicyActivated")
def policy_activated(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    buckets = [read_text(b) for b in a["buckets"]]
    pairs = [[b, int(p)] for b, p in zip(buckets, a["bps"], strict=True)]
    activated_on = _local_date(log.timestamp, utc_offset(batch, cid))
    batch.add(
        RevenuePolicy,
        {
            **log.position,
            "community": cid,
            "version": a["version"],
            "seq": a["seq"],
            "effective_date": from_day_number(a["effectiveDate"]),
            "activated_on": activated_on,
            "buckets": json.dumps(pairs),
            "decision_hash": _hex(a["decisionHash"]),
        },
    )
    batch.memo.setdefault("policies", {})[(cid, a["version"])] = buckets
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "policy",
            a["seq"],
            activated_on,
            0,
            policy_version=a["version"],
            split=json.dumps(
                {
                    "effective_date": from_day_number(a["effectiveDate"]).isoformat(),
                    "bps": dict((b, p) for b, p in pairs),
                }
            ),
            evidence_hash=_hex(a["decisionHash"]),
        ),
    )


@registry.on("RevenueLedger", "IncomeRecorded")
def income_recorded(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    day = from_day_number(a["businessDate"])
    split = _split(batch, cid, a["policyVersion"], a["parts"], a["amount"])
    source = read_text(a["source"])
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "income",
            a["seq"],
            day,
            a["amount"],
            source=source,
            ref=read_text(a["ref"]),
            evidence_hash=_evidence(a["evidenceHash"]),
            policy_version=a["policyVersion"],
            split=json.dumps(split),
        ),
    )
    _split_moves(batch, log, cid, day, split, "allocated", 1)
    batch.memo.setdefault("incomes", {})[(cid, a["seq"])] = source


def _spending(log: Log, batch: Batch, kind: str, **extra: Any) -> None:
    """A bucket's money leaving the ledger (a spend, or a transfer to a sink contract)."""
    a = log.args
    cid = _hex(a["community"])
    day = from_day_number(a["businessDate"])
    bucket = read_text(a["bucket"])
    ref = read_text(a["ref"])
    batch.add(
        RevenueEntry, _entry(log, cid, kind, a["seq"], day, a["amount"], bucket=bucket, ref=ref, **extra)
    )
    batch.add(RevenueMovement, _move(log, cid, day, bucket, "spent", -a["amount"]))


@registry.on("RevenueLedger", "Spent")
def spent(log: Log, batch: Batch) -> None:
    _spending(log, batch, "spend", evidence_hash=_evidence(log.args["evidenceHash"]))


@registry.on("RevenueLedger", "TransferredOut")
def transferred_out(log: Log, batch: Batch) -> None:
    """Money sent to a sink contract (a fund, a time-bank fee discount): spending of its bucket."""
    a = log.args
    _spending(log, batch, "transfer", sink=to_checksum_address(a["sink"]), data_hash=_hex(a["dataHash"]))


@registry.on("RevenueLedger", "HeldReallocated")
def held_reallocated(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    day = from_day_number(a["businessDate"])
    split = _split(batch, cid, a["policyVersion"], a["parts"], a["amount"])
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "reallocation",
            a["seq"],
            day,
            a["amount"],
            bucket=OWNERS_COMMON,
            policy_version=a["policyVersion"],
            split=json.dumps(split),
        ),
    )
    batch.add(RevenueMovement, _move(log, cid, day, OWNERS_COMMON, "reallocated", -a["amount"]))
    _split_moves(batch, log, cid, day, split, "reallocated", 1)


def _income_source(batch: Batch, community: str, seq: int) -> str | None:
    known = batch.memo.setdefault("incomes", {})
    if (community, seq) in known:
        return str(known[(community, seq)])
    return batch.conn.execute(
        select(RevenueEntry.source).where(
            RevenueEntry.community == community, RevenueEntry.seq == seq, RevenueEntry.kind == "income"
        )
    ).scalar_one_or_none()


@registry.on("RevenueLedger", "IncomeReversed")
def income_reversed(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    day = from_day_number(a["businessDate"])
    split = _split(batch, cid, a["policyVersion"], a["parts"], a["amount"])
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "reversal",
            a["seq"],
            day,
            a["amount"],
            reverses="income",
            corrects=a["originalSeq"],
            source=_income_source(batch, cid, a["originalSeq"]),
            policy_version=a["policyVersion"],
            split=json.dumps(split),
            reason=read_text(a["reason"]),
        ),
    )
    _split_moves(batch, log, cid, day, split, "allocated", -1)


@registry.on("RevenueLedger", "SpendReversed")
def spend_reversed(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    day = from_day_number(a["businessDate"])
    bucket = read_text(a["bucket"])
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "reversal",
            a["seq"],
            day,
            a["amount"],
            reverses="spend",
            corrects=a["originalSeq"],
            bucket=bucket,
            reason=read_text(a["reason"]),
        ),
    )
    batch.add(RevenueMovement, _move(log, cid, day, bucket, "spent", a["amount"]))


@registry.on("RevenueLedger", "DepositReceived")
def deposit_received(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "deposit_received",
            a["seq"],
            from_day_number(a["businessDate"]),
            a["amount"],
            ref=read_text(a["ref"]),
            evidence_hash=_evidence(a["evidenceHash"]),
            payer_ref=_hex(a["payerRef"]),
        ),
    )


@registry.on("RevenueLedger", "DepositReturned")
def deposit_returned(log: Log, batch: Batch) -> None:
    a = log.args
    cid = _hex(a["community"])
    batch.add(
        RevenueEntry,
        _entry(
            log,
            cid,
            "deposit_returned",
            a["seq"],
            from_day_number(a["businessDate"]),
            a["amount"],
            corrects=a["depositSeq"],
            ref=read_text(a["ref"]),
            evidence_hash=_evidence(a["evidenceHash"]),
        ),
    )
