"""Index Oversight events: budgets and their lines, the "other" limit, revenue contracts with their
instalments and early ends, noted period closes, objections and their answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger_service.communities.handlers import utc_offset
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.oversight import errors as _errors  # noqa: F401  (readable contract errors)
from ledger_service.oversight.tables import (
    OversightAnswer,
    OversightBudget,
    OversightBudgetLine,
    OversightContract,
    OversightContractEnd,
    OversightInstalment,
    OversightLimit,
    OversightObjection,
    OversightPeriodClose,
)
from ledger_service.revenue.encoding import read_text
from ledger_service.statements.periods import from_day_number

CONTRACT = "Oversight"


def _local_date(log: Log, community: str, batch: Batch) -> dt.date:
    offset = utc_offset(batch, community)
    return dt.datetime.fromtimestamp(log.timestamp + offset * 60, dt.UTC).date()


def _row(log: Log, **values: Any) -> dict[str, Any]:
    return {**log.position, "community": _hex(log.args["community"]), **values}


@registry.on(CONTRACT, "BudgetAdopted")
def budget_adopted(log: Log, batch: Batch) -> None:
    a = log.args
    community = _hex(a["community"])
    batch.add(
        OversightBudget,
        _row(
            log,
            year=a["year"],
            version=a["version"],
            total=a["total"],
            other=a["other"],
            contingency=a["contingency"],
            other_limit_bps=a["otherLimitBps"],
            doc_hash=_hex(a["docHash"]),
            proposal_id=a["proposalId"],
            decision_type=a["decisionType"],
            adopted_on=_local_date(log, community, batch),
            actor=a["by"].lower(),
        ),
    )
    for i, (bucket, purpose, amount) in enumerate(
        zip(a["buckets"], a["purposes"], a["amounts"], strict=True)
    ):
        batch.add(
            OversightBudgetLine,
            _row(
                log,
                year=a["year"],
                version=a["version"],
                line_no=i,
                bucket=read_text(bucket),
                purpose=read_text(purpose),
                amount=amount,
            ),
        )


@registry.on(CONTRACT, "OtherLimitSet")
def other_limit_set(log: Log, batch: Batch) -> None:
    a = log.args
    community = _hex(a["community"])
    batch.add(
        OversightLimit,
        _row(
            log,
            limit_bps=a["limitBps"],
            proposal_id=a["proposalId"],
            changed_on=_local_date(log, community, batch),
            actor=a["by"].lower(),
        ),
    )


@registry.on(CONTRACT, "RevenueContractRegistered")
def contract_registered(log: Log, batch: Batch) -> None:
    a = log.args
    community = _hex(a["community"])
    batch.add(
        OversightContract,
        _row(
            log,
            contract_id=a["contractId"],
            number=read_text(a["number"]),
            kind=read_text(a["kind"]),
            source=read_text(a["source"]),
            counterparty=_hex(a["counterparty"]),
            doc_hash=_hex(a["docHash"]),
            registered_on=_local_date(log, community, batch),
            actor=a["by"].lower(),
        ),
    )
    for n, (due, amount) in enumerate(zip(a["dueDates"], a["amounts"], strict=True), start=1):
        batch.add(
            OversightInstalment,
            _row(log, contract_id=a["contractId"], n=n, due_date=from_day_number(due), amount=amount),
        )


@registry.on(CONTRACT, "RevenueContractEnded")
def contract_ended(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        OversightContractEnd,
        _row(
            log,
            contract_id=a["contractId"],
            end_date=from_day_number(a["endDate"]),
            reason=read_text(a["reason"]),
            actor=a["by"].lower(),
        ),
    )


@registry.on(CONTRACT, "PeriodCloseNoted")
def period_close_noted(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        OversightPeriodClose,
        _row(
            log,
            period_key=_hex(a["periodKey"]),
            from_date=from_day_number(a["fromDate"]),
            to_date=from_day_number(a["toDate"]),
            close_day=from_day_number(a["closeDay"]),
        ),
    )


@registry.on(CONTRACT, "ObjectionFiled")
def objection_filed(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        OversightObjection,
        _row(
            log,
            objection_id=a["objectionId"],
            period_key=_hex(a["periodKey"]),
            objector=_hex(a["objector"]),
            entry_seq=a["entrySeq"],
            evidence_hash=_hex(a["evidenceHash"]),
            filed_on=from_day_number(a["filedDay"]),
            late=bool(a["late"]),
            answer_due=from_day_number(a["answerDueDay"]),
            first_correction_seq=a["firstCorrectionSeq"],
            actor=a["by"].lower(),
        ),
    )


def _answer(log: Log, kind: str, **values: Any) -> dict[str, Any]:
    a = log.args
    row = {
        "objection_id": a["objectionId"],
        "kind": kind,
        "correction_seq": None,
        "reason": None,
        "answered_on": from_day_number(a["answeredDay"]),
        "late": bool(a["late"]),
        "actor": a["by"].lower(),
    }
    row.update(values)
    return _row(log, **row)


@registry.on(CONTRACT, "ObjectionCorrected")
def objection_corrected(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        OversightAnswer,
        _answer(log, "correction", correction_seq=a["correctionSeq"], note_hash=_hex(a["noteHash"])),
    )


@registry.on(CONTRACT, "ObjectionRejected")
def objection_rejected(log: Log, batch: Batch) -> None:
    a = log.args
    batch.add(
        OversightAnswer,
        _answer(log, "rejection", reason=read_text(a["reason"]), note_hash=_hex(a["reasonHash"])),
    )
