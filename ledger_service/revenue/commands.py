"""Revenue writes: validate, then hand a ``Write`` to the journal (which simulates, journals,
signs, sends and waits). Nothing here reads display tables to decide what the contract checks;
the one SQL read is the invoice-reference check, which the contract cannot do cheaply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from ledger_service.chain.journal import Write
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.core.errors import Conflict, InvalidInput
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.core.pseudonyms import pseudonym
from ledger_service.revenue.encoding import (
    OWNERS_COMMON,
    Income,
    check_amount,
    day_number,
    evidence_hash,
    fixed_text,
    pack_batch,
)
from ledger_service.revenue.tables import RevenueEntry

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

CONTRACT = "RevenueLedger"
#: Entries per transaction when posting many (the contract takes up to 1,024).
BATCH_SIZE = 500


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


def check_refs_unused(svc: LedgerService, slug: str, refs: Sequence[str]) -> None:
    """Refuse an invoice reference already posted (or journaled) for this community, naming it."""
    seen: set[str] = set()
    for ref in refs:
        if ref in seen:
            raise Conflict(f"reference '{ref}' appears twice in this request", ref=ref)
        seen.add(ref)
    cid = svc.community_id(slug)
    with svc.db.session() as s:
        used = set(
            s.scalars(
                select(RevenueEntry.ref).where(
                    RevenueEntry.community == cid,
                    RevenueEntry.kind == "income",
                    RevenueEntry.ref.in_(list(seen)),
                )
            )
        )
        if not used:
            pending = list(
                s.scalars(
                    select(JournalEntry.payload).where(
                        JournalEntry.community == cid,
                        JournalEntry.contract == CONTRACT,
                        JournalEntry.status.in_(("queued", "signed", "sent")),
                    )
                )
            )
            used = {ref for ref in seen for p in pending if _hex(fixed_text(ref, 32, "reference")) in p}
    if used:
        ref = sorted(u for u in used if u is not None)[0]
        raise Conflict(
            f"reference '{ref}' was already posted for community {slug}; "
            "correct the original with a reversal instead of posting it again",
            ref=ref,
        )


def set_policy(
    svc: LedgerService,
    slug: str,
    buckets: dict[str, int],
    effective: dt.date,
    *,
    signer: str,
    decision: str | bytes | None = None,
) -> JournalEntry:
    """Activate a new allocation policy version with a committee member's key.

    Once Governance is deployed the ledger takes policies only from it: this goes through
    ``Governance.activatePolicy``, which allows it only for a community that has not set up its
    committee yet (same arguments, same numbering). A community with a committee enacts policies
    by proposal, vote and approval instead (``ledger_service.governance.commands.enact_policy``).
    """
    if not buckets:
        raise InvalidInput("a policy needs at least one bucket")
    if OWNERS_COMMON in buckets:
        raise InvalidInput("owners_common is the account awaiting decision; it cannot be a policy bucket")
    if sum(buckets.values()) != 10_000:
        raise InvalidInput(f"basis points must add up to 10,000; these add up to {sum(buckets.values()):,}")
    names = [_hex(fixed_text(b, 32, "bucket name")) for b in buckets]
    args = (names, list(buckets.values()), day_number(effective), _hex(evidence_hash(decision)))
    if "Governance" not in svc.deployment.contracts:
        return _write(svc, slug, "activatePolicy", list(args), signer)
    account = svc.account(signer)
    return svc.journal.submit(
        Write("Governance", svc.community_id(slug), "activatePolicy", args, signer=account.address)
    )


def post_income(svc: LedgerService, slug: str, income: Income, *, signer: str) -> JournalEntry:
    income.validated()
    check_refs_unused(svc, slug, [income.ref])
    source, amount, day, ref, evidence = income.call_args()
    return _write(svc, slug, "postIncome", [_hex(source), amount, day, _hex(ref), _hex(evidence)], signer)


def post_incomes(
    svc: LedgerService,
    slug: str,
    incomes: Sequence[Income],
    *,
    signer: str,
    progress: Callable[[int], None] | None = None,
) -> list[JournalEntry]:
    """Post many incomes in batches of ``BATCH_SIZE`` per transaction. Everything is validated
    (and every reference checked) before the first batch is sent."""
    for i, income in enumerate(incomes):
        try:
            income.validated()
        except InvalidInput as e:
            raise InvalidInput(f"entry {i + 1}: {e.message}") from None
    check_refs_unused(svc, slug, [i.ref for i in incomes])
    done = []
    for start in range(0, len(incomes), BATCH_SIZE):
        chunk = list(incomes[start : start + BATCH_SIZE])
        words = [_hex(w) for w in pack_batch(chunk)]
        done.append(_write(svc, slug, "postIncomes", [words], signer, count=len(chunk)))
        if progress:
            progress(len(chunk))
    return done


def spend(
    svc: LedgerService,
    slug: str,
    bucket: str,
    amount: int,
    when: dt.date,
    ref: str,
    *,
    signer: str,
    evidence: str | bytes | None = None,
) -> JournalEntry:
    check_amount(amount)
    return _write(
        svc,
        slug,
        "spend",
        [
            _hex(fixed_text(bucket, 32, "bucket")),
            amount,
            day_number(when),
            _hex(fixed_text(ref, 32, "reference")),
            _hex(evidence_hash(evidence)),
        ],
        signer,
    )


def transfer_out(
    svc: LedgerService,
    slug: str,
    bucket: str,
    amount: int,
    when: dt.date,
    sink: str,
    ref: str,
    data: bytes,
    *,
    signer: str,
) -> JournalEntry:
    """Send ``amount`` from ``bucket`` to the registered contract ``sink`` (a fund, the time bank's
    fee discount), which checks ``data`` by its own rules; spending in the revenue statement."""
    check_amount(amount)
    return _write(
        svc,
        slug,
        "transferOut",
        [
            _hex(fixed_text(bucket, 32, "bucket")),
            amount,
            day_number(when),
            sink,
            _hex(fixed_text(ref, 32, "reference")),
            _hex(data),
        ],
        signer,
    )


def reverse_income(
    svc: LedgerService, slug: str, seq: int, reason: str, when: dt.date, *, signer: str
) -> JournalEntry:
    """Reverse income #seq: its amount and date are restated from the index (the contract keeps no
    storage per income; the indexer flags a restatement that differs)."""
    original = _entry(svc, slug, seq)
    if original.kind != "income":
        raise InvalidInput(f"entry #{seq} is a {original.kind}, not an income")
    return _write(
        svc,
        slug,
        "reverseIncome",
        [
            seq,
            original.amount,
            day_number(original.business_date),
            day_number(when),
            _hex(fixed_text(reason, 32, "reason")),
        ],
        signer,
    )


def reverse_spend(
    svc: LedgerService, slug: str, seq: int, reason: str, when: dt.date, *, signer: str
) -> JournalEntry:
    original = _entry(svc, slug, seq)
    if original.kind != "spend" or original.bucket is None:
        raise InvalidInput(f"entry #{seq} is a {original.kind}, not a spend")
    return _write(
        svc,
        slug,
        "reverseSpend",
        [
            seq,
            _hex(fixed_text(original.bucket, 32, "bucket")),
            original.amount,
            day_number(when),
            _hex(fixed_text(reason, 32, "reason")),
        ],
        signer,
    )


def reverse(
    svc: LedgerService, slug: str, seq: int, reason: str, when: dt.date, *, signer: str
) -> JournalEntry:
    """Reverse an income or a spend, whichever #seq is."""
    kind = _entry(svc, slug, seq).kind
    if kind == "income":
        return reverse_income(svc, slug, seq, reason, when, signer=signer)
    if kind == "spend":
        return reverse_spend(svc, slug, seq, reason, when, signer=signer)
    raise InvalidInput(f"entry #{seq} is a {kind}; only incomes and spends can be reversed")


def receive_deposit(
    svc: LedgerService,
    slug: str,
    amount: int,
    when: dt.date,
    payer_ref: str,
    ref: str,
    *,
    signer: str,
    evidence: str | bytes | None = None,
) -> JournalEntry:
    """Record a deposit received. The payer is written on chain only as a keyed pseudonym."""
    check_amount(amount)
    payer = pseudonym(svc.settings.data_key.get_secret_value(), slug, "payer", payer_ref)
    return _write(
        svc,
        slug,
        "receiveDeposit",
        [
            amount,
            day_number(when),
            _hex(payer),
            _hex(fixed_text(ref, 32, "reference")),
            _hex(evidence_hash(evidence)),
        ],
        signer,
    )


def return_deposit(
    svc: LedgerService,
    slug: str,
    deposit_seq: int,
    amount: int,
    when: dt.date,
    ref: str,
    *,
    signer: str,
    evidence: str | bytes | None = None,
) -> JournalEntry:
    check_amount(amount)
    return _write(
        svc,
        slug,
        "returnDeposit",
        [
            deposit_seq,
            amount,
            day_number(when),
            _hex(fixed_text(ref, 32, "reference")),
            _hex(evidence_hash(evidence)),
        ],
        signer,
    )


def _entry(svc: LedgerService, slug: str, seq: int) -> RevenueEntry:
    cid = svc.community_id(slug)
    svc.sync()
    with svc.db.session() as s:
        row = s.scalars(
            select(RevenueEntry).where(
                RevenueEntry.community == cid, RevenueEntry.seq == seq, RevenueEntry.kind != "reallocation"
            )
        ).first()
    if row is None:
        raise InvalidInput(f"community {slug} has no entry #{seq}")
    return row
