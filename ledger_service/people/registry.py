"""Register, update, show masked, reveal and erase people (the module's API).

Every function validates first and changes nothing on a refusal; errors are one readable
sentence (``InvalidInput``, ``NotFound``, ``Forbidden``, ``Conflict``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import select

from ledger_service.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ledger_service.core.pseudonyms import pseudonym as _keyed_hash
from ledger_service.db.base import utcnow
from ledger_service.db.session import Database
from ledger_service.people.crypto import Envelope
from ledger_service.people.ids import is_gb11643
from ledger_service.people.masking import mask_address, mask_id_number, mask_name, mask_phone
from ledger_service.people.tables import Person, PersonAccess

#: Roles that may see personal data in clear (coordinators reach elderly residents; admins run
#: the community; fund keepers contact donors).
REVEAL_ROLES = ("admin", "coordinator", "fund_keeper")
FIELDS = ("name", "phone", "address", "id_number")
_PSEUDONYM = re.compile(r"^0x([0-9a-f]{40}|[0-9a-f]{64})$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,22}[0-9]$")
_UNSET: Any = object()


def derive_pseudonym(data_key: str, community: str, role: str, identity: str) -> str:
    """The 32-byte keyed pseudonym of ``identity`` (e.g. a phone number) as ``role`` in
    ``community``, as lowercase 0x hex."""
    if not identity.strip():
        raise InvalidInput("a pseudonym needs an identity (e.g. the phone number) to derive it from")
    return "0x" + _keyed_hash(data_key, community, role, identity).hex()


def holder_address(pseudonym: str) -> str:
    """A 20-byte holder id (the time bank's holders are addresses) from a pseudonym: the
    pseudonym itself if it is one, else the last 20 bytes of the 32-byte keyed hash."""
    p = check_pseudonym(pseudonym)
    return to_checksum_address("0x" + p[-40:])


def check_pseudonym(value: str) -> str:
    p = value.strip().lower()
    if not _PSEUDONYM.match(p):
        raise InvalidInput(f"'{value}' is not a pseudonym (0x and 40 or 64 hex digits)")
    return p


@dataclass(frozen=True)
class MaskedPerson:
    """What staff without clear access, and anything printed, may show."""

    pseudonym: str
    community: str
    role: str
    receives_help: bool
    name: str | None
    phone: str | None
    address: str | None
    id_number: str | None
    public_name: str | None
    erased: bool

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RevealedPerson:
    """Personal data in clear, for authorised staff (the reveal is logged)."""

    pseudonym: str
    community: str
    role: str
    name: str | None
    phone: str | None
    address: str | None
    id_number: str | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _clean(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    if field == "name" and len(v) > 64:
        raise InvalidInput("a name has at most 64 characters")
    if field == "phone" and not _PHONE.match(v):
        raise InvalidInput(f"'{mask_phone(v)}' is not a phone number (digits, spaces, dashes, optional +)")
    if field == "address" and len(v) > 200:
        raise InvalidInput("an address has at most 200 characters")
    if field == "id_number":
        v = v.upper()
        if not is_gb11643(v):
            raise InvalidInput("the ID number is not a valid resident identity number (GB 11643 check digit)")
    return v


class People:
    """The people of every community of one service (one database, one data key)."""

    def __init__(self, db: Database, data_key: str) -> None:
        self.db = db
        self.data_key = data_key
        self._envelope = Envelope(data_key)

    # -- writes -----------------------------------------------------------------------------------

    def register(
        self,
        community: str,
        role: str,
        *,
        name: str,
        phone: str | None = None,
        address: str | None = None,
        id_number: str | None = None,
        identity: str | None = None,
        pseudonym: str | None = None,
        receives_help: bool = False,
        public_name: str | None = None,
    ) -> MaskedPerson:
        """Register a person; their pseudonym is ``pseudonym`` if given (e.g. a holder id whose
        key they keep), else derived from ``identity`` (default: the phone number, else the name)."""
        if not community or not role:
            raise InvalidInput("a person is registered in a community and a role")
        values = {f: _clean(f, v) for f, v in zip(FIELDS, (name, phone, address, id_number), strict=True)}
        if values["name"] is None:
            raise InvalidInput("a person needs a name")
        if pseudonym is not None:
            p = check_pseudonym(pseudonym)
        else:
            basis = identity or values["phone"] or values["name"] or ""
            p = derive_pseudonym(self.data_key, community, role, basis)
        with self.db.session() as s:
            if s.get(Person, p) is not None:
                raise Conflict(f"{p} is already registered; use update to change their details")
            key, wrapped = self._envelope.new_key(p)
            row = Person(
                pseudonym=p,
                community=community,
                role=role,
                receives_help=receives_help,
                public_name=(public_name or "").strip() or None,
                wrapped_key=wrapped,
            )
            self._store(row, key, values)
            s.add(row)
            s.flush()
            return self._masked(row)

    def update(
        self,
        pseudonym: str,
        *,
        name: str | None = _UNSET,
        phone: str | None = _UNSET,
        address: str | None = _UNSET,
        id_number: str | None = _UNSET,
        receives_help: bool | None = None,
        public_name: str | None = _UNSET,
    ) -> MaskedPerson:
        """Change some fields (``None`` clears a field; a name cannot be cleared)."""
        given = {
            f: v for f, v in zip(FIELDS, (name, phone, address, id_number), strict=True) if v is not _UNSET
        }
        values = {f: _clean(f, v) for f, v in given.items()}
        if "name" in values and values["name"] is None:
            raise InvalidInput("a name cannot be cleared; erase the person instead")
        with self.db.session() as s:
            row = self._get(s, pseudonym)
            if row.erased_at is not None or row.wrapped_key is None:
                raise Conflict(f"{row.pseudonym} was erased; register them again under a new pseudonym")
            key = self._envelope.unwrap(row.wrapped_key, row.pseudonym)
            self._store(row, key, values)
            if receives_help is not None:
                row.receives_help = receives_help
            if public_name is not _UNSET:
                row.public_name = (public_name or "").strip() or None
            row.updated_at = utcnow()
            s.flush()
            return self._masked(row)

    def erase(self, pseudonym: str, *, by: str, role: str, reason: str) -> MaskedPerson:
        """Erase a person's personal data (SEC-2): their key and every ciphertext are destroyed;
        the pseudonym — and every chain record, statement and proof naming it — stays."""
        why = _reason(reason)
        with self.db.session() as s:
            row = self._get(s, pseudonym)
            if row.erased_at is not None:
                raise Conflict(f"{row.pseudonym} was already erased on {row.erased_at:%Y-%m-%d}")
            row.wrapped_key = None
            row.name_ct = row.phone_ct = row.address_ct = row.id_number_ct = None
            row.public_name = None
            row.erased_at = row.updated_at = utcnow()
            s.add(PersonAccess(pseudonym=row.pseudonym, action="erase", by=by[:64], role=role, reason=why))
            s.flush()
            return self._masked(row)

    # -- reads ------------------------------------------------------------------------------------

    def masked(self, pseudonym: str) -> MaskedPerson:
        """The person as anyone without clear access sees them."""
        with self.db.session() as s:
            return self._masked(self._get(s, pseudonym))

    def exists(self, pseudonym: str) -> bool:
        with self.db.session() as s:
            return s.get(Person, check_pseudonym(pseudonym)) is not None

    def in_community(self, community: str, role: str | None = None) -> list[MaskedPerson]:
        """Everyone of a community (optionally one role), masked."""
        with self.db.session() as s:
            q = select(Person).where(Person.community == community)
            if role is not None:
                q = q.where(Person.role == role)
            return [self._masked(r) for r in s.scalars(q.order_by(Person.created_at, Person.pseudonym))]

    def receives_help(self, pseudonyms: list[str]) -> set[str]:
        """Those of ``pseudonyms`` registered as receiving help (they get no public page)."""
        ps = [p.lower() for p in pseudonyms]
        with self.db.session() as s:
            return set(
                s.scalars(select(Person.pseudonym).where(Person.pseudonym.in_(ps), Person.receives_help))
            )

    def reveal(self, pseudonym: str, *, by: str, role: str, reason: str) -> RevealedPerson:
        """Personal data in clear, for staff in ``REVEAL_ROLES`` of the person's community; the
        reveal (who, role, why — not what) is logged."""
        if role not in REVEAL_ROLES:
            raise Forbidden(
                f"the {role} role cannot see personal data in clear; only {', '.join(REVEAL_ROLES)} can"
            )
        why = _reason(reason)
        with self.db.session() as s:
            row = self._get(s, pseudonym)
            if row.erased_at is not None or row.wrapped_key is None:
                raise NotFound(f"the personal data of {row.pseudonym} was erased")
            key = self._envelope.unwrap(row.wrapped_key, row.pseudonym)
            clear = {f: self._field(row, key, f) for f in FIELDS}
            s.add(PersonAccess(pseudonym=row.pseudonym, action="reveal", by=by[:64], role=role, reason=why))
            return RevealedPerson(row.pseudonym, row.community, row.role, **clear)

    def access_log(self, pseudonym: str) -> list[dict[str, Any]]:
        with self.db.session() as s:
            rows = s.scalars(
                select(PersonAccess)
                .where(PersonAccess.pseudonym == check_pseudonym(pseudonym))
                .order_by(PersonAccess.id)
            )
            return [
                {"action": r.action, "by": r.by, "role": r.role, "reason": r.reason, "at": r.at.isoformat()}
                for r in rows
            ]

    def clear_values(self, community: str | None = None) -> list[str]:
        """Every personal value still held in clear form (decrypted), for privacy scans (AS-13)."""
        out: list[str] = []
        with self.db.session() as s:
            q = select(Person).where(Person.wrapped_key.is_not(None))
            if community is not None:
                q = q.where(Person.community == community)
            for row in s.scalars(q):
                assert row.wrapped_key is not None
                key = self._envelope.unwrap(row.wrapped_key, row.pseudonym)
                out.extend(v for f in FIELDS if (v := self._field(row, key, f)))
        return out

    # -- internals --------------------------------------------------------------------------------

    @staticmethod
    def _get(s: Any, pseudonym: str) -> Person:
        p = check_pseudonym(pseudonym)
        row = s.get(Person, p)
        if row is None:
            raise NotFound(f"nobody is registered under {p}")
        return row  # type: ignore[no-any-return]

    def _store(self, row: Person, key: bytes, values: dict[str, str | None]) -> None:
        for f, v in values.items():
            setattr(row, f"{f}_ct", None if v is None else self._envelope.encrypt(key, row.pseudonym, f, v))

    def _field(self, row: Person, key: bytes, f: str) -> str | None:
        blob = getattr(row, f"{f}_ct")
        return None if blob is None else self._envelope.decrypt(key, row.pseudonym, f, blob)

    def _masked(self, row: Person) -> MaskedPerson:
        clear: dict[str, str | None] = dict.fromkeys(FIELDS)
        if row.wrapped_key is not None:
            key = self._envelope.unwrap(row.wrapped_key, row.pseudonym)
            clear = {f: self._field(row, key, f) for f in FIELDS}
        masks = {"name": mask_name, "phone": mask_phone, "address": mask_address, "id_number": mask_id_number}
        return MaskedPerson(
            pseudonym=row.pseudonym,
            community=row.community,
            role=row.role,
            receives_help=bool(row.receives_help),
            public_name=row.public_name,
            erased=row.erased_at is not None,
            **{f: (None if v is None else masks[f](v)) for f, v in clear.items()},
        )


def _reason(reason: str) -> str:
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("say why (a short reason is logged with every reveal and erasure)")
    if len(why) > 200:
        raise InvalidInput("a reason has at most 200 characters")
    return why
