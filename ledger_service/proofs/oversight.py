"""Residents' objections in a statement, re-derived from their logs for the verifier (A-5).

A statement's ``objections`` lists every objection filed by the period's end that is still open at
its start or was filed or answered inside it: who objected (a keyed pseudonym), to which closed
period and entry, when, whether late, when the answer is due, and the answer given by the period's
end (a correcting entry or a reasoned rejection), each located by its transaction, block and log.
A statement bundle carries, per published objection, its ``ObjectionFiled`` log, the answer's log
when one is published, and the ``PeriodCloseNoted`` log that dates the objected period; the
verifier rebuilds each item and the flags it decides (``objection_unanswered:<id>``,
``objection_answered_late:<id>``).

Mirrors ``oversight/handlers.py`` and ``oversight/statement._objections``, written again here, pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger_service.proofs.common import hex0x, read_text
from ledger_service.statements.periods import from_day_number

__all__ = ["CONTRACT", "Located", "objection_flags", "objection_json"]

CONTRACT = "Oversight"

#: (event name, decoded args, tx hash, block number, block-level log index) of a proved log
Located = tuple[str, Mapping[str, Any], str, int, int]


def _day(n: int) -> str:
    return from_day_number(n).isoformat()


def objection_json(filed: Located, answer: Located | None, period: Located | None) -> dict[str, Any]:
    """A published objection rebuilt from its logs (``period`` the ``PeriodCloseNoted`` of the
    objected period, ``None`` when the bundle shows none: the item then names the period's key)."""
    _, a, tx_hash, block, log_index = filed
    item: dict[str, Any] = {
        "objection_id": int(a["objectionId"]),
        "period": (
            {"from": _day(period[1]["fromDate"]), "to": _day(period[1]["toDate"])}
            if period is not None
            else {"key": hex0x(a["periodKey"])}
        ),
        "objector": hex0x(a["objector"]),
        "entry_seq": int(a["entrySeq"]),
        "evidence_hash": hex0x(a["evidenceHash"]),
        "filed_on": _day(a["filedDay"]),
        "late": bool(a["late"]),
        "answer_due": _day(a["answerDueDay"]),
        "answer": None,
        "tx_hash": tx_hash,
        "block_number": block,
        "log_index": log_index,
    }
    if answer is not None:
        name, b, answer_tx, answer_block, answer_log = answer
        reply: dict[str, Any] = {
            "kind": "correction" if name == "ObjectionCorrected" else "rejection",
            "answered_on": _day(b["answeredDay"]),
            "late": bool(b["late"]),
            "note_hash": hex0x(b["noteHash"] if name == "ObjectionCorrected" else b["reasonHash"]),
            "tx_hash": answer_tx,
            "block_number": answer_block,
            "log_index": answer_log,
        }
        if name == "ObjectionCorrected":
            reply["correction_seq"] = int(b["correctionSeq"])
        else:
            reply["reason"] = read_text(b["reason"])
        item["answer"] = reply
    return item


def objection_flags(item: Mapping[str, Any], period_end: str) -> set[str]:
    """The flags one published objection decides: unanswered past its due day, answered late."""
    oid, answer = item["objection_id"], item["answer"]
    if answer is None:
        return {f"objection_unanswered:{oid}"} if item["answer_due"] < period_end else set()
    return {f"objection_answered_late:{oid}"} if answer["late"] else set()
