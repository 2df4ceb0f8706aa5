"""Time-bank writes: validate, then hand a ``Write`` to the journal (which simulates, journals,
signs, sends and waits). Every rule that matters for trust (attestation, balances, nonces, the
pool, proxies, roles) is checked by the TimeBank contract; nothing here reads display tables to
decide it.

Signed acts (a beneficiary's attestation, a holder's redemption or donation) arrive with their
EIP-712 signature: from the person's own wallet (``*_typed_data`` in ``signing``), or made here
with a key the service keeps for them (``sign_as``). The coordinator's key relays them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ledger_service.chain.direct import call as _call
from ledger_service.chain.journal import Write
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.core.errors import Conflict, InvalidInput
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.statements.periods import day_number
from ledger_service.timebank import errors as _errors  # noqa: F401  (readable contract errors)
from ledger_service.timebank.encoding import MAX_AMOUNT, check_holder, check_minutes, fixed_text, label
from ledger_service.timebank.signing import (
    Domain,
    ServiceRecord,
    donation_digest,
    fee_discount_data,
    fee_discount_digest,
    fee_discount_fen,
    record_digest,
    redemption_digest,
    sign_digest,
)

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

CONTRACT = "TimeBank"
#: Records per transaction when minting many (the contract takes up to 1,024; ~8,900 gas each).
BATCH_SIZE = 1_000
#: Fee-discount periods the contract accepts, in months.
PERIOD_MONTHS = (1, 3, 6, 12)
#: How long a signed redemption or donation stays valid by default.
DEFAULT_VALIDITY_SECONDS = 7 * 24 * 3600


def domain(svc: LedgerService) -> Domain:
    """The EIP-712 domain of this deployment's TimeBank."""
    return Domain(svc.deployment.chain_id, svc.deployment.address(CONTRACT))


def deadline_in(seconds: int = DEFAULT_VALIDITY_SECONDS) -> int:
    return int(time.time()) + seconds


def sign_as(svc: LedgerService, who: str, digest: bytes) -> bytes:
    """Sign a digest with a key the service keeps for a person (label or address)."""
    return sign_digest(svc.account(who), digest)


def _write(
    svc: LedgerService,
    slug: str,
    function: str,
    args: list[object],
    signer: str,
    *,
    count: int = 1,
    client_key: str | None = None,
) -> JournalEntry:
    account = svc.account(signer)
    return svc.journal.submit(
        Write(
            CONTRACT,
            svc.community_id(slug),
            function,
            tuple(args),
            seq_count=count,
            signer=account.address,
            client_key=client_key,
        )
    )


def service_record(
    record_ref: int, volunteer: str, beneficiary: str, service_type: str, minutes: int, day: dt.date
) -> ServiceRecord:
    """A validated record (the contract checks it again)."""
    if isinstance(record_ref, bool) or not isinstance(record_ref, int) or not 0 <= record_ref < 2**64:
        raise InvalidInput(f"record number {record_ref!r} is out of range")
    v, b = check_holder(volunteer, "volunteer"), check_holder(beneficiary, "beneficiary")
    if v == b:
        raise InvalidInput(
            "a volunteer cannot attest their own service (volunteer and beneficiary are the same)"
        )
    return ServiceRecord(
        record_ref,
        v,
        b,
        fixed_text(service_type, 16, "service type"),
        check_minutes(minutes, record=True),
        day_number(day),
    )


def _record_json(r: ServiceRecord) -> list[object]:
    return [r.record_ref, r.volunteer, r.beneficiary, _hex(r.service_type), r.minutes, r.service_date]


def record_digest_for(svc: LedgerService, slug: str, record: ServiceRecord) -> bytes:
    """What the beneficiary signs for ``record``."""
    return record_digest(domain(svc), bytes.fromhex(svc.community_id(slug)[2:]), record)


def mint_attested(
    svc: LedgerService, slug: str, record: ServiceRecord, signature: bytes, *, signer: str
) -> JournalEntry:
    """Mint one record attested by the beneficiary's (or their proxy's) signature; ``signer`` is
    the relaying coordinator's key."""
    return _write(svc, slug, "mintAttested", [_record_json(record), _hex(signature)], signer)


def mint_records(
    svc: LedgerService,
    slug: str,
    records: Sequence[ServiceRecord],
    *,
    signer: str,
    progress: Callable[[int], None] | None = None,
) -> list[JournalEntry]:
    """Records attested by the coordinator ``signer``, in batches of ``BATCH_SIZE``. Sorting by
    volunteer is not needed: the EVM charges repeated touches of a holder's slot as warm."""
    refs = [r.record_ref for r in records]
    if len(set(refs)) != len(refs):
        raise InvalidInput("a record number appears twice in this request")
    done = []
    for start in range(0, len(records), BATCH_SIZE):
        chunk = list(records[start : start + BATCH_SIZE])
        done.append(
            _write(
                svc, slug, "mintByCoordinator", [[_record_json(r) for r in chunk]], signer, count=len(chunk)
            )
        )
        if progress:
            progress(len(chunk))
    return done


def redemption_digest_for(
    svc: LedgerService,
    slug: str,
    holder: str,
    item: bytes,
    quantity: int,
    minutes: int,
    nonce: int,
    deadline: int,
) -> bytes:
    return redemption_digest(
        domain(svc),
        bytes.fromhex(svc.community_id(slug)[2:]),
        holder,
        item,
        quantity,
        minutes,
        nonce,
        deadline,
    )


def redeem(
    svc: LedgerService,
    slug: str,
    holder: str,
    item: bytes,
    quantity: int,
    minutes: int,
    nonce: int,
    deadline: int,
    signature: bytes,
    *,
    signer: str,
) -> JournalEntry:
    """Burn ``minutes`` (price × quantity) of ``holder`` against a catalog item, as signed by the
    holder or their registered proxy."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity < 2**32:
        raise InvalidInput(f"quantity {quantity!r} is out of range")
    check_minutes(minutes)
    args: list[object] = [
        check_holder(holder),
        _hex(item),
        quantity,
        minutes,
        nonce,
        deadline,
        _hex(signature),
    ]
    return _write(svc, slug, "redeem", args, signer)


def donation_digest_for(
    svc: LedgerService, slug: str, holder: str, minutes: int, nonce: int, deadline: int
) -> bytes:
    return donation_digest(
        domain(svc), bytes.fromhex(svc.community_id(slug)[2:]), holder, minutes, nonce, deadline
    )


def donate(
    svc: LedgerService,
    slug: str,
    holder: str,
    minutes: int,
    nonce: int,
    deadline: int,
    signature: bytes,
    *,
    signer: str,
) -> JournalEntry:
    """Move ``minutes`` from ``holder`` to the community pool, as signed by the holder or proxy."""
    args: list[object] = [check_holder(holder), check_minutes(minutes), nonce, deadline, _hex(signature)]
    return _write(svc, slug, "donate", args, signer)


def grant(svc: LedgerService, slug: str, resident: str, minutes: int, *, signer: str) -> JournalEntry:
    """Grant ``minutes`` from the pool to a registered elderly resident (a coordinator)."""
    return _write(svc, slug, "grant", [check_holder(resident, "resident"), check_minutes(minutes)], signer)


def reward(
    svc: LedgerService, slug: str, holder: str, minutes: int, reason: str, *, signer: str
) -> JournalEntry:
    """Issue ``minutes`` to ``holder`` for a reason code (a coordinator)."""
    args: list[object] = [
        check_holder(holder),
        check_minutes(minutes),
        _hex(fixed_text(reason, 16, "reason code")),
    ]
    return _write(svc, slug, "reward", args, signer)


def deduct(
    svc: LedgerService, slug: str, holder: str, minutes: int, reason: str, *, signer: str
) -> JournalEntry:
    """Burn ``minutes`` of ``holder`` for a reason code, never below zero (a coordinator)."""
    args: list[object] = [
        check_holder(holder),
        check_minutes(minutes),
        _hex(fixed_text(reason, 16, "reason code")),
    ]
    return _write(svc, slug, "deduct", args, signer)


def set_catalog_item(
    svc: LedgerService,
    slug: str,
    item: bytes,
    category: str,
    price: int,
    provider: str,
    *,
    active: bool = True,
    signer: str,
) -> JournalEntry:
    """Create, change or withdraw a catalog item priced in minutes (a coordinator)."""
    if len(item) != 32:
        raise InvalidInput("an item id is 32 bytes")
    args: list[object] = [
        _hex(item),
        _hex(fixed_text(category, 16, "category")),
        check_minutes(price),
        _hex(fixed_text(provider, 32, "provider")),
        active,
    ]
    return _write(svc, slug, "setCatalogItem", args, signer)


def set_proxy(
    svc: LedgerService, slug: str, principal: str, proxy: str, *, active: bool = True, signer: str
) -> JournalEntry:
    """Register (or remove) ``proxy`` as acting for ``principal`` (a coordinator)."""
    p, x = check_holder(principal, "principal"), check_holder(proxy, "proxy")
    if p == x:
        raise InvalidInput("a person cannot be their own proxy")
    return _write(svc, slug, "setProxy", [p, x, active], signer)


def set_elderly(
    svc: LedgerService, slug: str, resident: str, *, registered: bool = True, signer: str
) -> JournalEntry:
    """Register (or remove) an elderly resident the pool may grant to (a coordinator)."""
    return _write(svc, slug, "setElderly", [check_holder(resident, "resident"), registered], signer)


# -- chain views (the chain is the truth for what a signed request must say) -----------------------


def view(svc: LedgerService, function: str, *args: object) -> tuple[Any, ...]:
    """A read-only call of the deployment's TimeBank."""
    return _call(svc.sender, CONTRACT, svc.deployment.address(CONTRACT), function, *args)


def _cid(svc: LedgerService, slug: str) -> bytes:
    return bytes.fromhex(svc.community_id(slug)[2:])


def nonce_of(svc: LedgerService, slug: str, holder: str) -> int:
    """The nonce the holder's next signed redemption, donation or fee discount must carry."""
    return int(view(svc, "nonceOf", _cid(svc, slug), check_holder(holder))[0])


def balance_of(svc: LedgerService, slug: str, holder: str) -> int:
    """Minutes the holder has on chain now."""
    return int(view(svc, "balanceOf", _cid(svc, slug), check_holder(holder))[0])


@dataclass(frozen=True)
class FeeTerms:
    """The owners' terms for property-fee discounts of one community (rate 0: none)."""

    bucket: str
    rate_per_hour: int
    cap_per_holder: int
    cap_total: int
    period_months: int


def fee_terms(svc: LedgerService, slug: str) -> FeeTerms:
    bucket, rate, cap_holder, cap_total, months = view(svc, "feeTerms", _cid(svc, slug))
    return FeeTerms(label(bucket), int(rate), int(cap_holder), int(cap_total), int(months))


def set_fee_terms(
    svc: LedgerService,
    slug: str,
    bucket: str,
    rate_per_hour: int,
    cap_per_holder: int,
    cap_total: int,
    period_months: int,
    *,
    signer: str,
) -> JournalEntry:
    """Set the owners' approved fee-discount terms (a committee member; while a governance
    contract is set, the contract also uses up the approved proposal for exactly these terms).
    ``rate_per_hour`` 0 withdraws them."""
    for value, what in (
        (rate_per_hour, "rate"),
        (cap_per_holder, "cap per holder"),
        (cap_total, "total cap"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
            raise InvalidInput(f"the {what} {value!r} is out of range (whole fen below 2^53)")
    if rate_per_hour:
        if cap_per_holder == 0 or cap_total == 0:
            raise InvalidInput("fee terms need a cap per holder and a total cap of at least 1 fen")
        if period_months not in PERIOD_MONTHS:
            raise InvalidInput(f"the period is 1, 3, 6 or 12 months, not {period_months!r}")
    args: list[object] = [
        _hex(fixed_text(bucket, 32, "bucket")),
        rate_per_hour,
        cap_per_holder,
        cap_total,
        period_months,
    ]
    return _write(svc, slug, "setFeeTerms", args, signer)


def fee_discount_quote(svc: LedgerService, slug: str, minutes: int) -> tuple[FeeTerms, int]:
    """The terms in force and what ``minutes`` are worth under them, in fen."""
    terms = fee_terms(svc, slug)
    if terms.rate_per_hour == 0:
        raise Conflict(f"community {slug} has no approved fee-discount terms")
    fen = fee_discount_fen(check_minutes(minutes), terms.rate_per_hour)
    if fen == 0:
        raise InvalidInput(
            f"{minutes} minutes are worth less than 1 fen at {terms.rate_per_hour} fen per hour"
        )
    return terms, fen


def fee_discount_digest_for(
    svc: LedgerService, slug: str, holder: str, minutes: int, fen: int, bucket: str, nonce: int, deadline: int
) -> bytes:
    """What the holder (or their proxy) signs for a fee discount."""
    return fee_discount_digest(
        domain(svc),
        _cid(svc, slug),
        check_holder(holder),
        minutes,
        fen,
        fixed_text(bucket, 32, "bucket"),
        nonce,
        deadline,
    )


def fee_discount(
    svc: LedgerService,
    slug: str,
    holder: str,
    minutes: int,
    fen: int,
    bucket: str,
    when: dt.date,
    ref: str,
    nonce: int,
    deadline: int,
    signature: bytes,
    *,
    signer: str,
) -> JournalEntry:
    """Pay a property-fee discount of ``fen`` from revenue ``bucket`` for ``minutes`` of ``holder``
    (an accountant's ``RevenueLedger.transferOut`` to the TimeBank, which checks the rate, the
    caps and the holder's signature, and burns the minutes). Spending in the revenue statement."""
    from ledger_service.revenue.commands import transfer_out

    data = fee_discount_data(check_holder(holder), check_minutes(minutes), nonce, deadline, signature)
    return transfer_out(
        svc, slug, bucket, fen, when, svc.deployment.address(CONTRACT), ref, data, signer=signer
    )
