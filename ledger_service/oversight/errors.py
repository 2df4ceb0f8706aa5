"""Readable messages for the Oversight contract's custom errors, registered with the chain layer's
decoder (``register_messages``) when the write side is imported."""

from __future__ import annotations

from ledger_service.chain.errors import Message, community_name, day, register_messages, text


def _fen(n: int) -> str:
    return f"{n // 100:,}.{n % 100:02d} yuan"


def _bps(n: int) -> str:
    return f"{n // 100}.{n % 100:02d} %"


_BUDGET_REASONS = {
    1: "it must have 1 to 64 lines, each with a bucket, a purpose and an amount",
    2: "every line needs a bucket and a purpose",
    3: "a bucket and purpose may appear only once",
    4: "it has no spending line",
    5: "it may have only one contingency line",
    6: "its year must be between 2000 and 2200",
}
_CONTRACT_REASONS = {
    1: "it needs a contract number and a kind",
    2: "it needs 1 to 120 instalments, each with a due date and an amount",
    3: "instalment due dates must be strictly increasing",
    4: "it needs the income source its payments are posted under",
}

MESSAGES: dict[str, tuple[int, Message]] = {
    "OversightAmountOutOfRange": (
        422,
        lambda a: f"amount {a['amount']:,} fen is out of range (more than 0 and below 2^53)",
    ),
    "OversightInvalidBudget": (
        422,
        lambda a: (
            f"the budget of community {community_name(a['community'])} is malformed: "
            f"{_BUDGET_REASONS.get(a['reason'], 'unknown reason')}"
        ),
    ),
    "OversightOtherShareTooLarge": (
        422,
        lambda a: (
            f"the budget's unexplained 'other' lines ({_fen(a['other'])}) exceed "
            f"{_bps(a['limitBps'])} of its spending total ({_fen(a['total'])}); explain them as lines "
            "with their own purpose"
        ),
    ),
    "OversightContingencyOutOfRange": (
        422,
        lambda a: (
            f"the contingency line ({_fen(a['contingency'])}) must be 10 % to 15 % of the spending "
            f"total ({_fen(a['total'])})"
        ),
    ),
    "OversightNoGovernance": (
        409,
        lambda a: "no governance contract is set, so budgets and limits cannot be approved",
    ),
    "OversightInvalidLimit": (422, lambda a: f"a limit of {_bps(a['limitBps'])} is above 100 %"),
    "OversightInvalidContract": (
        422,
        lambda a: (
            f"the revenue contract of community {community_name(a['community'])} is malformed: "
            f"{_CONTRACT_REASONS.get(a['reason'], 'unknown reason')}"
        ),
    ),
    "OversightContractNumberTaken": (
        409,
        lambda a: (
            f"contract number {text(a['number'])} is already registered as contract "
            f"#{a['contractId']} in community {community_name(a['community'])}"
        ),
    ),
    "OversightUnknownContract": (
        404,
        lambda a: f"community {community_name(a['community'])} has no registered contract #{a['contractId']}",
    ),
    "OversightContractAlreadyEnded": (
        409,
        lambda a: f"contract #{a['contractId']} has already ended",
    ),
    "OversightRetroactiveEnd": (
        422,
        lambda a: (
            f"a contract cannot end on {day(a['endDate'])}, before today ({day(a['today'])}): "
            "instalments already due stay expected"
        ),
    ),
    "OversightPeriodNotClosed": (
        409,
        lambda a: f"that period of community {community_name(a['community'])} is not closed (anchored) yet",
    ),
    "OversightCloseAlreadyNoted": (409, lambda a: "the period's close was already noted"),
    "OversightInvalidObjection": (
        422,
        lambda a: "an objection needs the resident's pseudonymous id and the hash of its text and evidence",
    ),
    "OversightDuplicateObjection": (
        409,
        lambda a: f"this objection was already filed as objection #{a['objectionId']}",
    ),
    "OversightUnknownEntry": (
        404,
        lambda a: f"community {community_name(a['community'])} has no revenue entry #{a['entrySeq']}",
    ),
    "OversightUnknownObjection": (
        404,
        lambda a: f"community {community_name(a['community'])} has no objection #{a['objectionId']}",
    ),
    "OversightAlreadyAnswered": (
        409,
        lambda a: f"objection #{a['objectionId']} has already been answered",
    ),
    "OversightCorrectionNotAfterObjection": (
        422,
        lambda a: (
            f"entry #{a['correctionSeq']} cannot answer objection #{a['objectionId']}: a correction must "
            f"be an entry written after the objection (#{a['firstSeq']} to #{a['nextSeq'] - 1})"
            if a["nextSeq"] > a["firstSeq"]
            else f"entry #{a['correctionSeq']} cannot answer objection #{a['objectionId']}: post the "
            "correcting entry first"
        ),
    ),
    "OversightReasonRequired": (
        422,
        lambda a: (
            f"rejecting objection #{a['objectionId']} needs its reasons (a short text and the full text)"
        ),
    ),
    "OversightMissingRole": (
        403,
        lambda a: (
            f"{a['account']} is neither accountant nor committee member of community "
            f"{community_name(a['community'])}"
        ),
    ),
}

register_messages(MESSAGES)
