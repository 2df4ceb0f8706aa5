"""Readable messages for the Funds and Goods contracts' custom errors, registered with the chain
layer's decoder (``register_messages``) when the funds package's write side is imported."""

from __future__ import annotations

from ledger_service.chain.errors import MESSAGES as _ALL
from ledger_service.chain.errors import Message, community_name, day, register_messages, text


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, e.g. 123456 -> '1,234.56 yuan' (integer arithmetic)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d} yuan"


def _c(a: dict) -> str:  # type: ignore[type-arg]
    return community_name(a["community"])


def _date_message(a: dict) -> str:  # type: ignore[type-arg]
    when = day(a["businessDate"])
    if a["businessDate"] > a["today"]:
        return f"{when} is in the future for community {_c(a)} (today is {day(a['today'])})"
    return f"{when} is inside a closed period of community {_c(a)} (closed through {day(a['closedThrough'])})"


MESSAGES: dict[str, tuple[int, Message]] = {
    "FundsWrongSequence": (
        409,
        lambda a: f"the funds of community {_c(a)} expect write #{a['expected']}, this one is #{a['given']}",
    ),
    "FundsAmountOutOfRange": (
        422,
        lambda a: f"{a['amount']:,} fen is out of range (1 fen up to 2^53 fen)",
    ),
    "FundsBadDate": (422, _date_message),
    "FundsFundExists": (
        409,
        lambda a: f"community {_c(a)} already has a fund '{text(a['fund'])}' (or the name is empty)",
    ),
    "FundsUnknownFund": (404, lambda a: f"community {_c(a)} has no fund '{text(a['fund'])}'"),
    "FundsEarmarkExists": (
        409,
        lambda a: (
            f"fund '{text(a['fund'])}' already has an earmark '{text(a['earmark'])}' (or the name is empty)"
        ),
    ),
    "FundsUnknownEarmark": (
        404,
        lambda a: f"fund '{text(a['fund'])}' of community {_c(a)} has no earmark '{text(a['earmark'])}'",
    ),
    "FundsInvalidProject": (
        422,
        lambda a: (
            f"project '{text(a['project'])}' is already registered, has no name, or does not ask for "
            "1 to 15 resident representatives' acceptances"
        ),
    ),
    "FundsUnknownProject": (404, lambda a: f"community {_c(a)} has no project '{text(a['project'])}'"),
    "FundsReceiptUsed": (
        409,
        lambda a: f"receipt number '{text(a['receipt'])}' is already used in community {_c(a)} (or is empty)",
    ),
    "FundsUnknownReceipt": (
        404,
        lambda a: (
            f"community {_c(a)} has no donation with receipt number '{text(a['receipt'])}' in that earmark"
        ),
    ),
    "FundsInvalidDonor": (
        422,
        lambda a: (
            f"donation '{text(a['receipt'])}' needs a donor id and a donor type (resident, company, bank, "
            "charity, government); only a government grant carries a formula, with its rate and units "
            "(and what they give below 2^53 fen)"
        ),
    ),
    "FundsInvalidPublicName": (
        422,
        lambda a: f"the public name of donation '{text(a['receipt'])}' is longer than 64 bytes",
    ),
    "FundsInsufficientBalance": (
        409,
        lambda a: (
            f"earmark '{text(a['earmark'])}' of fund '{text(a['fund'])}' holds {yuan(a['balance'])}, "
            f"less than {yuan(a['amount'])}"
        ),
    ),
    "FundsWrongPurpose": (
        409,
        lambda a: (
            f"project '{text(a['project'])}' is not paid from earmark '{text(a['earmark'])}' of fund "
            f"'{text(a['fund'])}': money given for one purpose cannot pay for another"
        ),
    ),
    "FundsProjectClosed": (
        409,
        lambda a: f"project '{text(a['project'])}' has had its final payment; it takes no more payments",
    ),
    "FundsNotAccepted": (
        409,
        lambda a: (
            f"the final payment of project '{text(a['project'])}' needs {a['required']} resident "
            f"representatives' acceptances; it has {a['acceptances']}"
        ),
    ),
    "FundsAlreadyAccepted": (
        409,
        lambda a: f"{a['rep']} has already accepted project '{text(a['project'])}'",
    ),
    "FundsNeedsOwnersVote": (
        403,
        lambda a: (
            f"{yuan(a['amount'])} is above the {yuan(a['threshold'])} threshold of fund '{text(a['fund'])}': "
            "it needs a proposal that passed an owners' vote"
        ),
    ),
    "FundsNoGovernance": (
        503,
        lambda a: "no governance contract is set for the funds, so no payment can be approved",
    ),
    "FundsReturnTooLarge": (
        409,
        lambda a: (
            f"project '{text(a['project'])}' can return at most {yuan(a['returnable'])} "
            f"(paid and not yet returned), not {yuan(a['amount'])}"
        ),
    ),
    "FundsRefundTooLarge": (
        409,
        lambda a: (
            f"donation '{text(a['receipt'])}' has {yuan(a['unspent'])} unspent; "
            f"{yuan(a['amount'])} cannot be refunded from it"
        ),
    ),
    "FundsOnlyRevenueLedger": (
        403,
        lambda a: f"{a['caller']} is not the revenue ledger; money from revenue comes only by its transfer",
    ),
    "FundsMalformedBatch": (422, lambda a: f"a batch holds 1 to 256 donations, got {a['size']:,}"),
    # in-kind goods
    "GoodsWrongSequence": (
        409,
        lambda a: f"the goods ledger of {_c(a)} expects write #{a['expected']}, this one is #{a['given']}",
    ),
    "GoodsQuantityOutOfRange": (
        422,
        lambda a: f"a quantity of {a['quantity']:,} is out of range (1 to 2^53)",
    ),
    "GoodsFutureDate": (
        422,
        lambda a: (
            f"{day(a['businessDate'])} is in the future for community {_c(a)} (today is {day(a['today'])})"
        ),
    ),
    "GoodsPeriodClosed": (
        422,
        lambda a: (
            f"{day(a['businessDate'])} is inside a closed period of community {_c(a)} "
            f"(closed through {day(a['closedThrough'])}); date it after that day"
        ),
    ),
    "GoodsInvalidItem": (
        409,
        lambda a: f"item '{text(a['item'])}' is already registered in {_c(a)}, or it has no name or unit",
    ),
    "GoodsUnknownItem": (404, lambda a: f"community {_c(a)} has no item '{text(a['item'])}'"),
    "GoodsReceiptUsed": (
        409,
        lambda a: f"goods receipt '{text(a['receipt'])}' is already used in community {_c(a)} (or is empty)",
    ),
    "GoodsInvalidDonor": (
        422,
        lambda a: (
            f"goods donation '{text(a['receipt'])}' needs a donor id and a donor type; "
            "a public name is at most 64 bytes"
        ),
    ),
    "GoodsInsufficientStock": (
        409,
        lambda a: (
            f"community {_c(a)} holds {a['stock']:,} of '{text(a['item'])}', fewer than {a['quantity']:,}"
        ),
    ),
    "GoodsInvalidRequest": (
        409,
        lambda a: f"request '{text(a['request'])}' is already used, has no id, or asks its own community",
    ),
    "GoodsRequestMismatch": (
        409,
        lambda a: (
            f"request '{text(a['request'])}' of {community_name(a['requester'])} is not addressed to this "
            f"community or still asks for only {a['outstanding']:,}, not {a['quantity']:,}"
        ),
    ),
    "GoodsMissingPurpose": (422, lambda a: "a distribution needs a purpose (a programme, never a person)"),
}


def register() -> None:
    """Add the messages (idempotent)."""
    if not all(k in _ALL for k in MESSAGES):
        register_messages(MESSAGES)


register()
