"""Readable messages for the TimeBank contract's custom errors, registered with the chain layer's
decoder (``register_messages``) when the write side is imported."""

from __future__ import annotations

from ledger_service.chain.errors import MESSAGES as _ALL
from ledger_service.chain.errors import Message, community_name, day, register_messages, text
from ledger_service.timebank.encoding import hours


def _h(minutes: int) -> str:
    """Minutes with their hours, e.g. '640 minutes (10.7 h)'."""
    return f"{minutes:,} minutes ({hours(minutes)} h)"


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d} yuan"


MESSAGES: dict[str, tuple[int, Message]] = {
    "TimeBankWrongSequence": (
        409,
        lambda a: (
            f"the time bank of community {community_name(a['community'])} expects write #{a['expected']}, "
            f"this one is #{a['given']}"
        ),
    ),
    "TimeBankPaused": (
        423,
        lambda a: f"the time bank of community {community_name(a['community'])} is paused",
    ),
    "TimeBankAmountOutOfRange": (
        422,
        lambda a: f"{a['amount']:,} minutes is out of range (1 to {a['max']:,} minutes)",
    ),
    "TimeBankSupplyOverflow": (
        409,
        lambda a: f"community {community_name(a['community'])} would issue 2^53 minutes or more",
    ),
    "TimeBankRecordRefOutOfRange": (
        422,
        lambda a: f"record number {a['recordRef']:,} is out of range (record numbers are below 2^53)",
    ),
    "TimeBankRecordUsed": (
        409,
        lambda a: f"service record #{a['recordRef']} has already been credited; a record mints once",
    ),
    "TimeBankSelfAttestation": (
        422,
        lambda a: (
            f"service record #{a['recordRef']} would be attested by its own volunteer; "
            "the beneficiary or a coordinator must confirm it"
        ),
    ),
    "TimeBankUnauthorizedSigner": (
        403,
        lambda a: (
            f"the signature is by {a['signer']}, who is neither {a['holder']} nor a registered proxy for them"
            if int(a["signer"], 16)
            else f"the signature is not valid for {a['holder']}"
        ),
    ),
    "TimeBankWrongNonce": (
        409,
        lambda a: (
            f"this signed request was already used or is out of order (expected #{a['expected']}, "
            f"got #{a['given']}); ask for a new signature"
        ),
    ),
    "TimeBankSignatureExpired": (409, lambda a: "the signed request has expired; ask for a new signature"),
    "TimeBankFutureDate": (
        422,
        lambda a: (
            f"{day(a['serviceDate'])} is in the future for community {community_name(a['community'])} "
            f"(today is {day(a['today'])})"
        ),
    ),
    "TimeBankInsufficientBalance": (
        409,
        lambda a: f"{a['holder']} holds {_h(a['balance'])}, less than {_h(a['amount'])}",
    ),
    "TimeBankInvalidHolder": (
        422,
        lambda a: (
            f"{a['holder']} cannot hold minutes here (the zero id, or the pool outside donations and grants)"
        ),
    ),
    "TimeBankUnknownItem": (
        404,
        lambda a: f"the catalog of {community_name(a['community'])} has no such item, or it was withdrawn",
    ),
    "TimeBankPriceMismatch": (
        409,
        lambda a: (
            f"the item now costs {_h(a['expected'])} for that quantity, not the {_h(a['given'])} signed; "
            "ask for a new signature"
        ),
    ),
    "TimeBankInvalidItem": (
        422,
        lambda a: "a catalog item needs an id, a category, a provider and a price of at least 1 minute",
    ),
    "TimeBankNotElderly": (
        409,
        lambda a: f"{a['resident']} is not a registered elderly resident; the pool grants only to them",
    ),
    "TimeBankMissingCode": (422, lambda a: "a reason code (or service type) is required"),
    "TimeBankMalformedBatch": (
        422,
        lambda a: f"a batch holds 1 to 1,024 service records, got {a['records']:,}",
    ),
    "TimeBankNoFeeTerms": (
        409,
        lambda a: f"community {community_name(a['community'])} has no approved fee-discount terms",
    ),
    "TimeBankInvalidFeeTerms": (
        422,
        lambda a: (
            "fee terms need a bucket, a rate, a cap per holder and a total cap in whole fen, "
            "and a period of 1, 3, 6 or 12 months"
        ),
    ),
    "TimeBankFeeTermsNeedOwners": (
        409,
        lambda a: (
            f"proposal {a['proposalId']} was approved by the committee alone; fee-discount terms need "
            "the owners' vote"
        ),
    ),
    "TimeBankOnlyRevenueLedger": (
        403,
        lambda a: f"{a['caller']} is not the revenue ledger; only a revenue transfer pays a fee discount",
    ),
    "TimeBankFeeWrongBucket": (
        409,
        lambda a: (
            f"the approved terms pay fee discounts from '{text(a['expected'])}', not '{text(a['given'])}'"
        ),
    ),
    "TimeBankFeeAmountMismatch": (
        409,
        lambda a: (
            f"at the approved rate these minutes are worth {_yuan(a['expected'])}, not {_yuan(a['given'])}"
        ),
    ),
    "TimeBankFeeCapExceeded": (
        409,
        lambda a: (
            f"{'this holder' if int(a['holder'], 16) else 'the community'} has received "
            f"{_yuan(a['paid'])} in fee discounts this period; {_yuan(a['amount'])} more would pass "
            f"the cap of {_yuan(a['cap'])}"
        ),
    ),
    # OpenZeppelin's EIP712 name/version strings (only at deployment)
    "InvalidShortString": (500, lambda a: "the EIP-712 domain name is malformed"),
    "StringTooLong": (500, lambda a: f"the EIP-712 domain text '{text(a['str'].encode())}' is too long"),
}


def register() -> None:
    """Add the messages (idempotent)."""
    if not all(k in _ALL for k in MESSAGES):
        register_messages(MESSAGES)


register()
