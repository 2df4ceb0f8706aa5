"""Readable messages for the TimeBank contract's custom errors, registered with the chain layer's
decoder (``register_messages``) when the write side is imported."""

from __future__ import annotations

from ledger_service.chain.errors import MESSAGES as _ALL
from ledger_service.chain.errors import Message, community_name, day, register_messages, text


def _h(minutes: int) -> str:
    """Minutes with their hours, e.g. '640 minutes (10.7 h)'."""
    return f"{minutes:,} minutes ({minutes / 60:,.1f} h)"


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
    # OpenZeppelin's EIP712 name/version strings (only at deployment)
    "InvalidShortString": (500, lambda a: "the EIP-712 domain name is malformed"),
    "StringTooLong": (500, lambda a: f"the EIP-712 domain text '{text(a['str'].encode())}' is too long"),
}


def register() -> None:
    """Add the messages (idempotent)."""
    if not all(k in _ALL for k in MESSAGES):
        register_messages(MESSAGES)


register()
