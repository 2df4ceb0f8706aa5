"""Funds writes: validate, then hand a ``Write`` to the journal (which simulates, journals, signs,
sends and waits). Every rule that matters for trust (roles, earmarks, balances, approvals,
acceptances, refunds against unspent fen) is checked by the Funds contract; nothing here reads
display tables to decide it.

Donors: the chain gets only a pseudonym (a keyed hash per community and role "donor"). A donor's
name and contact, when given, are kept encrypted by ``ledger_service.people``; the name goes on
chain only when the donor chose to be named publicly (``public_name``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_abi import encode
from eth_utils import keccak

from ledger_service.chain.journal import Write
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.core.errors import InvalidInput
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.funds import errors as _errors  # noqa: F401  (readable contract errors)
from ledger_service.funds.encoding import (
    FORMULAS,
    MAX_AMOUNT,
    check_amount,
    donor_type_code,
    fixed_text,
    formula_code,
    slug32,
)
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import evidence_hash
from ledger_service.statements.periods import day_number

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

CONTRACT = "Funds"
DONOR_ROLE = "donor"
#: Donations per transaction when recording many (the contract takes up to 256).
BATCH_SIZE = 100
ZERO32 = b"\0" * 32

__all__ = ["Donation", "evidence_hash"]


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


def _earmark(earmark: str | None) -> bytes:
    return ZERO32 if not earmark else slug32(earmark, "earmark")


def _check_count(value: int, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{what} must be a whole number from {low:,} to {high:,}")
    return value


# -- set-up ----------------------------------------------------------------------------------------


def create_fund(
    svc: LedgerService, slug: str, fund: str, kind: str, owners_threshold: int, *, signer: str
) -> JournalEntry:
    """Create a fund (with its "general" earmark); payments above ``owners_threshold`` fen need a
    proposal that passed an owners' vote."""
    _check_count(owners_threshold, 0, MAX_AMOUNT, "the owners' vote threshold (fen)")
    args: list[object] = [
        _hex(slug32(fund, "fund")),
        _hex(fixed_text(kind, 16, "fund kind")),
        owners_threshold,
    ]
    return _write(svc, slug, "createFund", args, signer)


def open_earmark(svc: LedgerService, slug: str, fund: str, earmark: str, *, signer: str) -> JournalEntry:
    """Open an earmark (a purpose money can be given for) in ``fund``."""
    return _write(
        svc, slug, "openEarmark", [_hex(slug32(fund, "fund")), _hex(slug32(earmark, "earmark"))], signer
    )


def open_project(
    svc: LedgerService,
    slug: str,
    project: str,
    fund: str,
    earmark: str | None,
    *,
    budget: int = 0,
    acceptances_required: int = 1,
    signer: str,
) -> JournalEntry:
    """Register a project paid only from ``fund``/``earmark``; its final payment needs
    ``acceptances_required`` resident representatives' acceptances."""
    _check_count(budget, 0, MAX_AMOUNT, "the budget (fen)")
    _check_count(acceptances_required, 1, 15, "the number of acceptances")
    args: list[object] = [
        _hex(slug32(project, "project")),
        _hex(slug32(fund, "fund")),
        _hex(_earmark(earmark)),
        budget,
        acceptances_required,
    ]
    return _write(svc, slug, "openProject", args, signer)


# -- donations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Donation:
    """A donation as the fund keeper enters it. ``donor`` is the donor's pseudonym (0x, 32 bytes);
    ``donor_for`` makes one from their personal data. ``public_name`` only if the donor chose to be
    named. A government grant may carry ``formula`` ("per_area": ``rate`` fen per m², ``units`` in
    0.01 m²; "per_resident": ``rate`` fen per resident, ``units`` residents)."""

    fund: str
    receipt: str
    donor: str
    donor_type: str
    amount: int
    when: dt.date
    earmark: str | None = None
    formula: str | None = None
    rate: int = 0
    units: int = 0
    campaign: str | None = None
    rights: str | None = None
    public_name: str | None = None

    def as_tuple(self) -> list[object]:
        """The contract's ``Donation`` tuple (JSON form), validated."""
        check_amount(self.amount, "a donation")
        donor = self.donor.lower()
        if not (donor.startswith("0x") and len(donor) == 66):
            raise InvalidInput("a donor is given by their pseudonym (0x and 64 hex digits), never by name")
        kind = formula_code(self.formula)
        if kind:
            if self.donor_type != "government":
                raise InvalidInput("only a government grant carries a formula")
            _check_count(self.rate, 1, MAX_AMOUNT, "the formula's rate (fen per unit)")
            _check_count(self.units, 1, MAX_AMOUNT, "the formula's units")
        elif self.rate or self.units:
            raise InvalidInput(f"a rate and units need a formula ({', '.join(FORMULAS)})")
        name = (self.public_name or "").strip()
        if len(name.encode("utf-8")) > 64:
            raise InvalidInput("a public name is at most 64 bytes")
        return [
            _hex(slug32(self.fund, "fund")),
            _hex(_earmark(self.earmark)),
            _hex(slug32(self.receipt, "receipt number")),
            donor,
            self.amount,
            day_number(self.when),
            donor_type_code(self.donor_type),
            kind,
            self.rate,
            self.units,
            _hex(slug32(self.campaign, "campaign") if self.campaign else ZERO32),
            _hex(fixed_text(self.rights, 16, "rights") if self.rights else b"\0" * 16),
            name,
        ]


def donor_for(
    svc: LedgerService,
    slug: str,
    *,
    name: str,
    phone: str | None = None,
    address: str | None = None,
    named_publicly: bool = False,
) -> tuple[str, str | None]:
    """The donor's pseudonym, registering their personal data (encrypted) the first time; and the
    name to publish, only if they chose to be named. Returns (pseudonym, public name or None)."""
    from ledger_service.people import People, derive_pseudonym

    key = svc.settings.data_key.get_secret_value()
    people = People(svc.db, key)
    p = derive_pseudonym(key, slug, DONOR_ROLE, phone or name)
    public = name.strip() if named_publicly else None
    if not people.exists(p):
        people.register(
            slug, DONOR_ROLE, name=name, phone=phone, address=address, pseudonym=p, public_name=public
        )
    return p, public


def donate(svc: LedgerService, slug: str, donation: Donation, *, signer: str) -> JournalEntry:
    """Record one donation (the fund keeper)."""
    return _write(svc, slug, "donate", [donation.as_tuple()], signer)


def donate_many(
    svc: LedgerService,
    slug: str,
    donations: Sequence[Donation],
    *,
    signer: str,
    progress: Callable[[int], None] | None = None,
) -> list[JournalEntry]:
    """Record many donations (a crowdfunding campaign's shares), ``BATCH_SIZE`` per transaction."""
    receipts = [d.receipt for d in donations]
    if len(set(receipts)) != len(receipts):
        raise InvalidInput("a receipt number appears twice in this request")
    tuples = [d.as_tuple() for d in donations]
    done = []
    for start in range(0, len(tuples), BATCH_SIZE):
        chunk = tuples[start : start + BATCH_SIZE]
        done.append(_write(svc, slug, "donateBatch", [chunk], signer, count=len(chunk)))
        if progress:
            progress(len(chunk))
    return done


def from_revenue(
    svc: LedgerService,
    slug: str,
    bucket: str,
    amount: int,
    when: dt.date,
    fund: str,
    earmark: str | None,
    ref: str,
    *,
    signer: str,
) -> JournalEntry:
    """Move ``amount`` from a revenue bucket into ``fund``/``earmark`` (the accountant): spending
    in the revenue statement, a ``from_revenue`` source in the fund's."""
    data = encode(["bytes32", "bytes32"], [slug32(fund, "fund"), _earmark(earmark)])
    return revenue.transfer_out(
        svc, slug, bucket, amount, when, svc.deployment.address(CONTRACT), ref, data, signer=signer
    )


# -- payments --------------------------------------------------------------------------------------


def disbursement_action_hash(
    community: str | bytes,
    project: str,
    fund: str,
    earmark: str | None,
    amount: int,
    is_final: bool,
    ref: str,
    evidence: bytes,
) -> bytes:
    """What a disbursement's approval names (as ``Funds.disbursementActionHash``)."""
    cid = community if isinstance(community, bytes) else bytes.fromhex(community[2:])
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "bytes32", "bytes32", "uint64", "bool", "bytes32", "bytes32"],
            [
                keccak(text="civic.action.funds.disburse"),
                cid,
                slug32(project, "project"),
                slug32(fund, "fund"),
                _earmark(earmark) if earmark else fixed_text("general", 32, "earmark"),
                amount,
                is_final,
                fixed_text(ref, 32, "reference") if ref else ZERO32,
                evidence,
            ],
        )
    )


def return_action_hash(
    community: str | bytes, project: str, fund: str, earmark: str | None, amount: int, evidence: bytes
) -> bytes:
    """What a reassignment of returned money to another earmark names (``Funds.returnActionHash``)."""
    cid = community if isinstance(community, bytes) else bytes.fromhex(community[2:])
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "bytes32", "bytes32", "uint64", "bytes32"],
            [
                keccak(text="civic.action.funds.return"),
                cid,
                slug32(project, "project"),
                slug32(fund, "fund"),
                _earmark(earmark) if earmark else fixed_text("general", 32, "earmark"),
                amount,
                evidence,
            ],
        )
    )


def refund_action_hash(community: str | bytes, receipt: str, amount: int, evidence: bytes) -> bytes:
    """What a refund's approval names (``Funds.refundActionHash``)."""
    cid = community if isinstance(community, bytes) else bytes.fromhex(community[2:])
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint64", "bytes32"],
            [
                keccak(text="civic.action.funds.refund"),
                cid,
                slug32(receipt, "receipt number"),
                amount,
                evidence,
            ],
        )
    )


def disburse(
    svc: LedgerService,
    slug: str,
    project: str,
    fund: str,
    earmark: str | None,
    amount: int,
    when: dt.date,
    *,
    final: bool = False,
    ref: str = "",
    evidence: bytes = ZERO32,
    signer: str,
) -> JournalEntry:
    """Pay ``project`` from its earmark (the fund keeper). Governance must hold an approved
    proposal for exactly this payment (``disbursement_action_hash``); above the fund's threshold,
    one that passed an owners' vote. A final payment needs the representatives' acceptances."""
    check_amount(amount, "a payment")
    args: list[object] = [
        _hex(slug32(project, "project")),
        _hex(slug32(fund, "fund")),
        _hex(_earmark(earmark)),
        amount,
        final,
        day_number(when),
        _hex(fixed_text(ref, 32, "reference") if ref else ZERO32),
        _hex(evidence),
    ]
    return _write(svc, slug, "disburse", args, signer)


def accept_project(
    svc: LedgerService, slug: str, project: str, when: dt.date, evidence: bytes = ZERO32, *, signer: str
) -> JournalEntry:
    """A resident representative (``signer``) accepts a finished project."""
    args: list[object] = [_hex(slug32(project, "project")), day_number(when), _hex(evidence)]
    return _write(svc, slug, "acceptProject", args, signer)


def return_unspent(
    svc: LedgerService,
    slug: str,
    project: str,
    fund: str,
    earmark: str | None,
    amount: int,
    when: dt.date,
    evidence: bytes = ZERO32,
    *,
    signer: str,
) -> JournalEntry:
    """Record unspent money ``project`` gives back, into ``fund``/``earmark`` (another earmark than
    the project's needs an approved proposal for ``return_action_hash``)."""
    check_amount(amount, "a return")
    args: list[object] = [
        _hex(slug32(project, "project")),
        _hex(slug32(fund, "fund")),
        _hex(_earmark(earmark)),
        amount,
        day_number(when),
        _hex(evidence),
    ]
    return _write(svc, slug, "returnUnspent", args, signer)


def refund(
    svc: LedgerService,
    slug: str,
    receipt: str,
    fund: str,
    earmark: str | None,
    amount: int,
    when: dt.date,
    evidence: bytes = ZERO32,
    *,
    signer: str,
) -> JournalEntry:
    """Refund a donor from their donation's unspent fen (approved proposal for
    ``refund_action_hash``)."""
    check_amount(amount, "a refund")
    args: list[object] = [
        _hex(slug32(receipt, "receipt number")),
        _hex(slug32(fund, "fund")),
        _hex(_earmark(earmark)),
        amount,
        day_number(when),
        _hex(evidence),
    ]
    return _write(svc, slug, "refund", args, signer)


# -- in-kind goods ---------------------------------------------------------------------------------

GOODS = "Goods"


def _goods_write(
    svc: LedgerService, slug: str, function: str, args: list[object], signer: str
) -> JournalEntry:
    account = svc.account(signer)
    return svc.journal.submit(
        Write(GOODS, svc.community_id(slug), function, tuple(args), signer=account.address)
    )


def _quantity(q: int) -> int:
    return _check_count(q, 1, MAX_AMOUNT, "a quantity")


def register_item(svc: LedgerService, slug: str, item: str, unit: str, *, signer: str) -> JournalEntry:
    """Register an item and its unit (e.g. winter_coat, piece) in a community (the fund keeper)."""
    return _goods_write(
        svc, slug, "registerItem", [_hex(slug32(item, "item")), _hex(fixed_text(unit, 16, "unit"))], signer
    )


def donate_goods(
    svc: LedgerService,
    slug: str,
    receipt: str,
    item: str,
    quantity: int,
    donor: str,
    donor_type: str,
    when: dt.date,
    *,
    public_name: str | None = None,
    signer: str,
) -> JournalEntry:
    """Record donated goods; ``donor`` is a pseudonym (see ``donor_for``)."""
    d = donor.lower()
    if not (d.startswith("0x") and len(d) == 66):
        raise InvalidInput("a donor is given by their pseudonym (0x and 64 hex digits), never by name")
    args: list[object] = [
        _hex(slug32(receipt, "receipt number")),
        _hex(slug32(item, "item")),
        _quantity(quantity),
        d,
        donor_type_code(donor_type),
        day_number(when),
        (public_name or "").strip(),
    ]
    return _goods_write(svc, slug, "donateGoods", args, signer)


def request_goods(
    svc: LedgerService,
    slug: str,
    request: str,
    from_slug: str,
    item: str,
    quantity: int,
    when: dt.date,
    *,
    signer: str,
) -> JournalEntry:
    """Community ``slug`` asks ``from_slug`` for goods (the requesting community's fund keeper)."""
    args: list[object] = [
        _hex(slug32(request, "request")),
        svc.community_id(from_slug),
        _hex(slug32(item, "item")),
        _quantity(quantity),
        day_number(when),
    ]
    return _goods_write(svc, slug, "requestGoods", args, signer)


def transfer_goods(
    svc: LedgerService,
    slug: str,
    requester: str,
    request: str,
    quantity: int,
    when: dt.date,
    evidence: bytes = ZERO32,
    *,
    signer: str,
) -> JournalEntry:
    """Approve and make a transfer from ``slug`` against ``requester``'s request (a committee
    member of ``slug`` signs: that transaction is the approval)."""
    args: list[object] = [
        svc.community_id(requester),
        _hex(slug32(request, "request")),
        _quantity(quantity),
        day_number(when),
        _hex(evidence),
    ]
    return _goods_write(svc, slug, "transferGoods", args, signer)


def distribute(
    svc: LedgerService,
    slug: str,
    item: str,
    quantity: int,
    purpose: str,
    when: dt.date,
    evidence: bytes = ZERO32,
    *,
    signer: str,
) -> JournalEntry:
    """Hand goods out for a purpose (a programme, never a person's name)."""
    args: list[object] = [
        _hex(slug32(item, "item")),
        _quantity(quantity),
        _hex(slug32(purpose, "purpose")),
        day_number(when),
        _hex(evidence),
    ]
    return _goods_write(svc, slug, "distribute", args, signer)
