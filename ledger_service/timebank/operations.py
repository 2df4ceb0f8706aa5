"""What the CLI and the API do for the time bank, in one place: people with pseudonymous holder
ids, service records with allocated numbers, signed acts (signed in the person's wallet, or here
with a key the service keeps for them), and the reads behind balances, slips and statistics.

Writes end in ``ledger_service.timebank.commands`` (the journal, then the chain); every rule that
matters for trust is the TimeBank contract's. Nothing here reads display tables to decide a
write: signatures, nonces, prices and fee terms come from the chain itself.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.core.errors import Conflict, InvalidInput, LedgerError, NotFound
from ledger_service.people import MaskedPerson, People, derive_pseudonym, holder_address
from ledger_service.statements.periods import Period
from ledger_service.timebank import commands
from ledger_service.timebank.encoding import check_holder, check_minutes, item_id, label
from ledger_service.timebank.signing import ServiceRecord, fee_discount_fen
from ledger_service.timebank.statement import Statistics, holder_balances, statistics
from ledger_service.timebank.tables import TimebankEntry, TimebankServiceRecord

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

#: Time-bank roles a person is registered in (pseudonyms differ per role).
PERSON_ROLES = ("volunteer", "beneficiary", "elderly", "proxy")
#: Roles of people who receive help: no public page, never named on a slip for others.
HELPED_ROLES = ("beneficiary", "elderly")
REPORTERS = ("volunteer", "beneficiary", "coordinator")


def people(svc: LedgerService) -> People:
    """The people registry of this service (its database and data key)."""
    return People(svc.db, svc.settings.data_key.get_secret_value())


# -- people ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    holder: str
    person: MaskedPerson
    key_label: str | None


def add_person(
    svc: LedgerService,
    slug: str,
    role: str,
    *,
    name: str,
    phone: str | None = None,
    address: str | None = None,
    wallet: str | None = None,
    keep_key: bool = False,
) -> Registered:
    """Register a person of the time bank. Their holder id (the pseudonym on chain) is their own
    wallet's address (``wallet``), or a key the service keeps for them (``keep_key``: they sign
    through a coordinator's device), or else derived from their phone number and name under the
    data key (they act through a registered proxy). Name, phone and address are stored encrypted."""
    if role not in PERSON_ROLES:
        raise InvalidInput(f"unknown time-bank role '{role}'; use one of: {', '.join(PERSON_ROLES)}")
    svc.community_id(slug)  # the community must exist
    if wallet and keep_key:
        raise InvalidInput("give either the person's own wallet or --keep-key, not both")
    label = None
    if wallet:
        holder = check_holder(wallet, "wallet")
    elif keep_key:
        label = f"{slug}:{role}:{secrets.token_hex(4)}"
        holder = svc.keys.create(label)
    else:
        identity = f"{(phone or '').strip()}|{name.strip()}"
        holder = holder_address(
            derive_pseudonym(svc.settings.data_key.get_secret_value(), slug, role, identity)
        )
    person = people(svc).register(
        slug,
        role,
        name=name,
        phone=phone,
        address=address,
        pseudonym=holder.lower(),
        receives_help=role in HELPED_ROLES,
    )
    return Registered(holder, person, label)


def erase_person(svc: LedgerService, holder: str, *, by: str, role: str, reason: str) -> MaskedPerson:
    """Erase a person's personal data; their holder id and every record naming it stay."""
    return people(svc).erase(check_holder(holder).lower(), by=by, role=role, reason=reason)


# -- service records ------------------------------------------------------------------------------


def _record_row(r: TimebankServiceRecord) -> dict[str, Any]:
    return {
        "record_ref": r.record_ref,
        "volunteer": r.volunteer,
        "beneficiary": r.beneficiary,
        "service_type": r.service_type,
        "minutes": r.minutes,
        "service_date": r.service_date.isoformat(),
        "reported_by": r.reported_by,
        "status": r.status,
    }


def record_service(
    svc: LedgerService,
    slug: str,
    volunteer: str,
    beneficiary: str,
    service_type: str,
    minutes: int,
    day: dt.date,
    *,
    reported_by: str = "coordinator",
) -> dict[str, Any]:
    """Write a service record down and give it the community's next record number. It mints
    nothing yet: the beneficiary signs it (``attest``) or a coordinator attests it (``mint``)."""
    if reported_by not in REPORTERS:
        raise InvalidInput(f"reported by must be one of: {', '.join(REPORTERS)}")
    cid = svc.community_id(slug)
    for _ in range(5):
        with svc.db.session() as s:
            top = s.scalar(
                select(func.max(TimebankServiceRecord.record_ref)).where(
                    TimebankServiceRecord.community == cid
                )
            )
            indexed = s.scalar(
                select(func.max(TimebankEntry.record_ref)).where(
                    TimebankEntry.community == cid, TimebankEntry.kind == "minted"
                )
            )
            ref = max(int(top or 0), int(indexed or 0)) + 1
            rec = commands.service_record(ref, volunteer, beneficiary, service_type, minutes, day)
            row = TimebankServiceRecord(
                community=cid,
                record_ref=ref,
                volunteer=rec.volunteer.lower(),
                beneficiary=rec.beneficiary.lower(),
                service_type=service_type,
                minutes=minutes,
                service_date=day,
                reported_by=reported_by,
                status="pending",
            )
            s.add(row)
            try:
                s.flush()
            except IntegrityError:  # another process took this number: take the next
                s.rollback()
                continue
            return _record_row(row)
    raise Conflict("could not allocate a record number; try again")


@dataclass(frozen=True)
class RecordIn:
    volunteer: str
    beneficiary: str
    service_type: str
    minutes: int
    day: dt.date


def record_many(
    svc: LedgerService, slug: str, rows: list[RecordIn], *, reported_by: str = "coordinator"
) -> list[int]:
    """Write many records down at once (a coordinator's monthly sheet): every row is checked
    first, then they get consecutive record numbers in one transaction. Nothing mints yet."""
    if reported_by not in REPORTERS:
        raise InvalidInput(f"reported by must be one of: {', '.join(REPORTERS)}")
    if not rows:
        raise InvalidInput("there are no records to write down")
    cid = svc.community_id(slug)
    for i, r in enumerate(rows, 1):
        try:
            commands.service_record(1, r.volunteer, r.beneficiary, r.service_type, r.minutes, r.day)
        except LedgerError as e:
            raise InvalidInput(f"record {i}: {e.message}") from None
    with svc.db.session() as s:
        top = s.scalar(
            select(func.max(TimebankServiceRecord.record_ref)).where(TimebankServiceRecord.community == cid)
        )
        indexed = s.scalar(
            select(func.max(TimebankEntry.record_ref)).where(
                TimebankEntry.community == cid, TimebankEntry.kind == "minted"
            )
        )
        first = max(int(top or 0), int(indexed or 0)) + 1
        s.add_all(
            TimebankServiceRecord(
                community=cid,
                record_ref=first + i,
                volunteer=r.volunteer.lower(),
                beneficiary=r.beneficiary.lower(),
                service_type=r.service_type,
                minutes=r.minutes,
                service_date=r.day,
                reported_by=reported_by,
                status="pending",
            )
            for i, r in enumerate(rows)
        )
    return list(range(first, first + len(rows)))


def _pending(svc: LedgerService, slug: str, refs: list[int] | None) -> list[TimebankServiceRecord]:
    cid = svc.community_id(slug)
    with svc.db.session() as s:
        q = select(TimebankServiceRecord).where(TimebankServiceRecord.community == cid)
        if refs is not None:
            q = q.where(TimebankServiceRecord.record_ref.in_(refs))
        else:
            q = q.where(TimebankServiceRecord.status == "pending")
        rows = list(s.scalars(q.order_by(TimebankServiceRecord.record_ref)))
    if refs is not None:
        known = {r.record_ref: r for r in rows}
        missing = [n for n in refs if n not in known]
        if missing:
            raise NotFound(f"there is no service record #{missing[0]} in {slug}")
        done = [r.record_ref for r in rows if r.status != "pending"]
        if done:
            raise Conflict(f"service record #{done[0]} was already sent to the chain; a record mints once")
    return rows


def _as_record(r: TimebankServiceRecord) -> ServiceRecord:
    return commands.service_record(
        r.record_ref, r.volunteer, r.beneficiary, r.service_type, r.minutes, r.service_date
    )


def _mark(svc: LedgerService, rows: list[TimebankServiceRecord], entries: list[JournalEntry]) -> None:
    with svc.db.session() as s:
        for row, entry in zip(rows, entries, strict=False):
            db_row = s.get(TimebankServiceRecord, row.id)
            assert db_row is not None
            db_row.status = "submitted"
            db_row.journal_id = entry.id


def record_typed_data(svc: LedgerService, slug: str, record_ref: int) -> dict[str, Any]:
    """The EIP-712 JSON a beneficiary's wallet shows and signs for a pending record."""
    from ledger_service.timebank.signing import record_typed_data as typed

    [row] = _pending(svc, slug, [record_ref])
    return typed(commands.domain(svc), bytes.fromhex(svc.community_id(slug)[2:]), _as_record(row))


def _sign_for(svc: LedgerService, who: str, digest: bytes) -> bytes:
    try:
        return commands.sign_as(svc, who, digest)
    except NotFound:
        raise InvalidInput(
            f"the service keeps no key for {who}; send the signature made in their own wallet"
        ) from None


def attest(
    svc: LedgerService,
    slug: str,
    record_ref: int,
    *,
    signature: bytes | None = None,
    proxy: str | None = None,
    signer: str,
) -> JournalEntry:
    """Mint a pending record attested by its beneficiary's signature (from their wallet, or made
    with the key the service keeps for them or for their registered ``proxy``)."""
    [row] = _pending(svc, slug, [record_ref])
    record = _as_record(row)
    if signature is None:
        digest = commands.record_digest_for(svc, slug, record)
        signature = _sign_for(svc, check_holder(proxy, "proxy") if proxy else record.beneficiary, digest)
    entry = commands.mint_attested(svc, slug, record, signature, signer=signer)
    _mark(svc, [row], [entry])
    return entry


def mint_pending(
    svc: LedgerService, slug: str, refs: list[int] | None = None, *, signer: str
) -> list[JournalEntry]:
    """A coordinator attests pending records (these numbers, or all pending) and mints them in
    batches."""
    rows = _pending(svc, slug, refs)
    if not rows:
        raise NotFound(f"{slug} has no pending service records")
    entries = commands.mint_records(svc, slug, [_as_record(r) for r in rows], signer=signer)
    out: list[JournalEntry] = []
    for i, entry in enumerate(entries):
        chunk = rows[i * commands.BATCH_SIZE : (i + 1) * commands.BATCH_SIZE]
        _mark(svc, chunk, [entry] * len(chunk))
        out.append(entry)
    return out


# -- signed acts ------------------------------------------------------------------------------------


def _deadline(svc: LedgerService, deadline: int | None) -> int:
    """The signed deadline: the wallet's, or a week from now by the chain's own clock (the
    contract compares it with the block time)."""
    if deadline is not None:
        return deadline
    now = int(svc.w3.eth.get_block("latest")["timestamp"])
    return max(now, int(time.time())) + commands.DEFAULT_VALIDITY_SECONDS


def donate(
    svc: LedgerService,
    slug: str,
    holder: str,
    minutes: int,
    *,
    proxy: str | None = None,
    signature: bytes | None = None,
    deadline: int | None = None,
    signer: str,
) -> JournalEntry:
    """A holder (or their proxy) gives minutes to the community pool."""
    h = check_holder(holder)
    nonce, when = commands.nonce_of(svc, slug, h), _deadline(svc, deadline)
    if signature is None:
        digest = commands.donation_digest_for(svc, slug, h, check_minutes(minutes), nonce, when)
        signature = _sign_for(svc, check_holder(proxy, "proxy") if proxy else h, digest)
    return commands.donate(svc, slug, h, minutes, nonce, when, signature, signer=signer)


def catalog_item(svc: LedgerService, slug: str, code: str) -> tuple[bytes, str, int, bool]:
    """The chain's catalog entry for the service's item ``code``: id, category, price, active."""
    iid = item_id(slug, code)
    category, price, _provider, active = commands.view(
        svc, "catalogItem", bytes.fromhex(svc.community_id(slug)[2:]), iid
    )
    return iid, label(category) if any(category) else "", int(price), bool(active)


def redeem(
    svc: LedgerService,
    slug: str,
    holder: str,
    code: str,
    quantity: int = 1,
    *,
    proxy: str | None = None,
    signature: bytes | None = None,
    deadline: int | None = None,
    signer: str,
) -> JournalEntry:
    """Redeem ``quantity`` of catalog item ``code`` with a holder's minutes (price from the chain)."""
    iid, _category, price, active = catalog_item(svc, slug, code)
    if not active:
        raise NotFound(f"the catalog of {slug} has no item '{code}', or it was withdrawn")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput(f"quantity {quantity!r} must be a whole number of at least 1")
    h = check_holder(holder)
    minutes = price * quantity
    nonce, when = commands.nonce_of(svc, slug, h), _deadline(svc, deadline)
    if signature is None:
        digest = commands.redemption_digest_for(svc, slug, h, iid, quantity, minutes, nonce, when)
        signature = _sign_for(svc, check_holder(proxy, "proxy") if proxy else h, digest)
    return commands.redeem(svc, slug, h, iid, quantity, minutes, nonce, when, signature, signer=signer)


def set_item(
    svc: LedgerService,
    slug: str,
    code: str,
    category: str,
    price: int,
    provider: str,
    *,
    active: bool = True,
    signer: str,
) -> JournalEntry:
    """Create, reprice or withdraw catalog item ``code`` (its on-chain id is opaque)."""
    if not code.strip():
        raise InvalidInput("an item needs a code")
    return commands.set_catalog_item(
        svc, slug, item_id(slug, code), category, price, provider, active=active, signer=signer
    )


def fee_discount(
    svc: LedgerService,
    slug: str,
    holder: str,
    minutes: int,
    ref: str,
    when: dt.date,
    *,
    proxy: str | None = None,
    signature: bytes | None = None,
    deadline: int | None = None,
    signer: str,
) -> tuple[JournalEntry, int]:
    """Turn ``minutes`` of a holder into a property-fee discount paid from the approved bucket at
    the approved rate (an accountant's revenue transfer); returns the write and the fen paid."""
    terms, fen = commands.fee_discount_quote(svc, slug, minutes)
    h = check_holder(holder)
    nonce, until = commands.nonce_of(svc, slug, h), _deadline(svc, deadline)
    if signature is None:
        digest = commands.fee_discount_digest_for(svc, slug, h, minutes, fen, terms.bucket, nonce, until)
        signature = _sign_for(svc, check_holder(proxy, "proxy") if proxy else h, digest)
    entry = commands.fee_discount(
        svc, slug, h, minutes, fen, terms.bucket, when, ref, nonce, until, signature, signer=signer
    )
    return entry, fen


# -- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    holder: str
    balance: int
    by_kind: dict[str, int]
    as_of_block: int


def balance(svc: LedgerService, slug: str, holder: str) -> Balance:
    """A holder's minutes as indexed (with lifetime minutes per kind), as of the index's head."""
    h = check_holder(holder).lower()
    cid = svc.community_id(slug)
    block, _ = svc.head()
    with svc.db.begin() as conn:
        line = holder_balances(conn, cid, as_of_block=block).get(h, {"balance": 0})
    return Balance(h, line["balance"], {k: v for k, v in line.items() if k != "balance"}, block)


def stats(svc: LedgerService, slug: str, period: Period, previous: Period | None = None) -> Statistics:
    """Hours, active volunteers, redemption rate and retention of a community in ``period``."""
    cid = svc.community_id(slug)
    block, _ = svc.head()
    with svc.db.begin() as conn:
        return statistics(conn, cid, period, as_of_block=block, previous=previous)


def quote(minutes: int, rate_per_hour: int) -> int:
    """Fen for minutes at a rate (the contract's rule)."""
    return fee_discount_fen(check_minutes(minutes), rate_per_hour)


__all__ = [
    "LedgerError",
    "add_person",
    "attest",
    "balance",
    "donate",
    "erase_person",
    "fee_discount",
    "mint_pending",
    "record_service",
    "redeem",
    "set_item",
    "stats",
]
