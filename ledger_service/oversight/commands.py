"""Oversight writes: budgets, the revenue-contract register, objections and their answers.

Each is applied at most once by the contract itself (a budget approval is used once, a contract
number is registered once, an objection is filed once per objector, period and evidence, and
answered once), so they are unsequenced writes (``chain.direct``): simulate, sign, send, wait.
Every rule that matters (the "other" share, the contingency range, roles, deadlines, which entry
may answer an objection) is checked by the Oversight contract; nothing here reads display tables
to decide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.direct import transact
from ledger_service.chain.errors import decode_revert
from ledger_service.chain.sender import revert_data
from ledger_service.core.errors import InvalidInput, TransactionFailed
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.core.pseudonyms import pseudonym
from ledger_service.oversight import errors as _errors  # noqa: F401  (readable contract errors)
from ledger_service.oversight.encoding import CONTRACT_KINDS, BudgetLine, encode_lines
from ledger_service.revenue.encoding import check_amount, evidence_hash, fixed_text
from ledger_service.statements.periods import day_number, parse_period

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

CONTRACT = "Oversight"
ZERO32 = b"\0" * 32


@dataclass(frozen=True)
class Done:
    """What a write returns: the transaction and the decoded Oversight event."""

    tx_hash: str
    block_number: int
    event: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "tx_hash": self.tx_hash,
            "block_number": self.block_number,
            **{k: (_hex(v) if isinstance(v, bytes) else v) for k, v in self.event.items()},
        }


def _refusal(data: bytes) -> Exception:
    decoded = decode_revert(data)
    if decoded is not None:
        return decoded
    return TransactionFailed(
        f"the transaction was reverted ({'0x' + data.hex() if data else 'no reason given'})"
    )


def _cid(svc: LedgerService, slug: str) -> bytes:
    return bytes.fromhex(svc.community_id(slug)[2:])


def _send(svc: LedgerService, signer: str, function: str, *args: Any) -> dict[str, Any]:
    """Simulate, sign, send, wait; refusals become the contract's readable error."""
    return transact(
        svc.sender, svc.account(signer), CONTRACT, svc.deployment.address(CONTRACT), function, *args
    )


def _done(svc: LedgerService, receipt: dict[str, Any], event: str) -> Done:
    abi = contract_abi(CONTRACT).event(event)
    address = svc.deployment.address(CONTRACT).lower()
    for log in receipt["logs"]:
        topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
        if topics and topics[0] == abi.topic and log["address"].lower() == address:
            decoded = abi.decode(topics[1:], bytes.fromhex(log["data"][2:]))
            return Done(receipt["transactionHash"], int(receipt["blockNumber"], 16), dict(decoded))
    raise TransactionFailed(f"the transaction {receipt['transactionHash']} carries no {event} event")


def call(svc: LedgerService, function: str, *args: Any) -> tuple[Any, ...]:
    """A read of the Oversight contract (``eth_call``); refusals become readable errors."""
    abi = contract_abi(CONTRACT)
    try:
        raw = svc.sender.w3.eth.call(
            {"to": svc.deployment.address(CONTRACT), "data": abi.call_data(function, *args)}  # type: ignore[typeddict-item]
        )
    except Exception as e:
        data = revert_data(e)
        if data is None:
            raise
        raise _refusal(data) from None
    return abi.functions[function].decode_output(bytes(raw))


def document_hash(document: str | bytes | None, what: str, *, required: bool = False) -> bytes:
    """The 32 bytes recorded for a document: a given 0x SHA-256 as is, else the SHA-256 of the
    text or bytes (zero when there is none, unless ``required``)."""
    if isinstance(document, str) and document.startswith("0x") and len(document) == 66:
        return bytes.fromhex(document[2:])
    h = evidence_hash(document)
    if required and h == ZERO32:
        raise InvalidInput(f"{what} is required")
    return h


def _year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2200:
        raise InvalidInput(f"budget year {year!r} must be between 2000 and 2200")
    return year


# -- budgets ----------------------------------------------------------------------------------------


def check_budget(svc: LedgerService, slug: str, lines: list[BudgetLine]) -> dict[str, int]:
    """The contract's verdict on a draft budget (spending total, "other", contingency, limit), or
    its readable refusal. Nothing is written."""
    total, other, contingency, limit = call(svc, "checkBudget", _cid(svc, slug), *encode_lines(lines))
    return {"total": total, "other": other, "contingency": contingency, "other_limit_bps": limit}


def budget_action_hash(
    svc: LedgerService, slug: str, year: int, lines: list[BudgetLine], document: str | None
) -> str:
    """The action hash a governance proposal must name to approve exactly this budget."""
    (h,) = call(
        svc,
        "budgetActionHash",
        _cid(svc, slug),
        _year(year),
        *encode_lines(lines),
        document_hash(document, "the budget document"),
    )
    return _hex(h)


def adopt_budget(
    svc: LedgerService, slug: str, year: int, lines: list[BudgetLine], document: str | None, *, signer: str
) -> Done:
    """Adopt an approved budget (an accountant or committee member relays it)."""
    receipt = _send(
        svc,
        signer,
        "adoptBudget",
        _cid(svc, slug),
        _year(year),
        *encode_lines(lines),
        document_hash(document, "the budget document"),
    )
    return _done(svc, receipt, "BudgetAdopted")


def other_limit_action_hash(svc: LedgerService, slug: str, limit_bps: int) -> str:
    (h,) = call(svc, "otherLimitActionHash", _cid(svc, slug), _limit(limit_bps))
    return _hex(h)


def set_other_limit(svc: LedgerService, slug: str, limit_bps: int, *, signer: str) -> Done:
    """Change the community's limit on a budget's "other" share (approved by governance)."""
    return _done(
        svc, _send(svc, signer, "setOtherLimit", _cid(svc, slug), _limit(limit_bps)), "OtherLimitSet"
    )


def _limit(limit_bps: int) -> int:
    if isinstance(limit_bps, bool) or not isinstance(limit_bps, int) or not 0 <= limit_bps <= 10_000:
        raise InvalidInput(f"the limit {limit_bps!r} must be 0 to 10,000 basis points (0 % to 100 %)")
    return limit_bps


# -- revenue contracts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    due_date: dt.date
    amount: int


def register_contract(
    svc: LedgerService,
    slug: str,
    number: str,
    kind: str,
    source: str,
    counterparty: str,
    instalments: list[Instalment],
    document: str | None,
    *,
    signer: str,
) -> Done:
    """Register a revenue-earning contract with its instalments. The counterparty is written on
    chain only as a keyed pseudonym."""
    if kind not in CONTRACT_KINDS:
        raise InvalidInput(f"unknown contract kind '{kind}'; use one of: {', '.join(CONTRACT_KINDS)}")
    if "/" in number:
        raise InvalidInput(
            f"contract number '{number}' must not contain '/' (it separates a payment's own reference)"
        )
    if not instalments:
        raise InvalidInput("a contract needs at least one instalment (due date and amount)")
    dues = [x.due_date for x in instalments]
    if any(b <= a for a, b in zip(dues, dues[1:], strict=False)):
        raise InvalidInput("instalment due dates must be strictly increasing")
    if not counterparty.strip():
        raise InvalidInput("the counterparty is required (its pseudonym is recorded)")
    party = pseudonym(svc.settings.data_key.get_secret_value(), slug, "counterparty", counterparty)
    receipt = _send(
        svc,
        signer,
        "registerRevenueContract",
        _cid(svc, slug),
        fixed_text(number, 32, "contract number"),
        fixed_text(kind, 16, "contract kind"),
        fixed_text(source, 16, "income source"),
        party,
        [day_number(x.due_date) for x in instalments],
        [check_amount(x.amount) for x in instalments],
        document_hash(document, "the contract document"),
    )
    return _done(svc, receipt, "RevenueContractRegistered")


def contract_id(svc: LedgerService, slug: str, number: str) -> int:
    (cid,) = call(svc, "contractIdOf", _cid(svc, slug), fixed_text(number, 32, "contract number"))
    if cid == 0:
        raise InvalidInput(f"no contract number '{number}' is registered in {slug}")
    return int(cid)


def end_contract(
    svc: LedgerService, slug: str, number: str, end_date: dt.date, reason: str, *, signer: str
) -> Done:
    """End a contract early (a committee member): instalments due after ``end_date`` are no longer
    expected."""
    receipt = _send(
        svc,
        signer,
        "endRevenueContract",
        _cid(svc, slug),
        contract_id(svc, slug, number),
        day_number(end_date),
        fixed_text(reason, 32, "reason"),
    )
    return _done(svc, receipt, "RevenueContractEnded")


# -- objections -----------------------------------------------------------------------------------------


def _period_days(label: str) -> tuple[int, int]:
    p = parse_period(label)
    return day_number(p.start), day_number(p.end)


def note_close(svc: LedgerService, slug: str, period: str, *, signer: str) -> Done:
    """Note a closed period's close here (its 15 days count from the day it was anchored)."""
    return _done(
        svc, _send(svc, signer, "noteClose", _cid(svc, slug), *_period_days(period)), "PeriodCloseNoted"
    )


def file_objection(
    svc: LedgerService,
    slug: str,
    period: str,
    resident: str,
    evidence: str | bytes,
    *,
    entry_seq: int = 0,
    signer: str,
) -> Done:
    """File a resident's objection to a closed period. The resident is written on chain only as a
    keyed pseudonym; the objection's text and evidence only as their SHA-256."""
    if not resident.strip():
        raise InvalidInput("the resident is required (only their pseudonym is recorded)")
    if isinstance(entry_seq, bool) or not isinstance(entry_seq, int) or entry_seq < 0:
        raise InvalidInput(f"entry {entry_seq!r} must be a revenue entry number (0: the whole statement)")
    objector = pseudonym(svc.settings.data_key.get_secret_value(), slug, "resident", resident)
    receipt = _send(
        svc,
        signer,
        "fileObjection",
        _cid(svc, slug),
        *_period_days(period),
        objector,
        entry_seq,
        document_hash(evidence, "the objection's text or evidence", required=True),
    )
    return _done(svc, receipt, "ObjectionFiled")


def answer_with_correction(
    svc: LedgerService, slug: str, objection_id: int, correction_seq: int, note: str | None, *, signer: str
) -> Done:
    """Uphold an objection: name the correcting revenue entry (posted after the objection)."""
    receipt = _send(
        svc,
        signer,
        "answerWithCorrection",
        _cid(svc, slug),
        objection_id,
        correction_seq,
        document_hash(note, "the answer"),
    )
    return _done(svc, receipt, "ObjectionCorrected")


def reject_objection(
    svc: LedgerService, slug: str, objection_id: int, reason: str, full_reasons: str, *, signer: str
) -> Done:
    """Reject an objection with reasons (a committee member): a short text on chain and the
    full text's SHA-256."""
    receipt = _send(
        svc,
        signer,
        "rejectObjection",
        _cid(svc, slug),
        objection_id,
        fixed_text(reason, 32, "reason"),
        document_hash(full_reasons, "the full reasons", required=True),
    )
    return _done(svc, receipt, "ObjectionRejected")
