"""People and privacy (SEC-1, SEC-2): personal data encrypted in SQL, shown masked, revealed only
to authorised staff (and logged), erased without touching the pseudonym; on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select, text

from ledger_service.core.errors import ConfigError, Conflict, Forbidden, InvalidInput, NotFound
from ledger_service.db.session import Database
from ledger_service.people import People, holder_address, mask_name, mask_phone
from ledger_service.people.ids import check_character, find_id_numbers, is_gb11643
from ledger_service.people.masking import mask_address, mask_id_number
from ledger_service.people.scan import scan
from ledger_service.people.tables import Person
from tests.conftest import make_database_url

KEY = "a test data key that is long enough"
#: A syntactically valid GB 11643 number made up for the test (check digit computed below).
ID17 = "11010519491231002"
ID = ID17 + check_character(ID17)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    gen = make_database_url(request.param, tmp_path)
    url = next(gen)
    assert isinstance(gen, Generator)
    database = Database(url)
    database.migrate()
    yield database
    database.dispose()
    gen.close()


def test_register_storesOnlyCiphertext_andShowsMasked(db: Database) -> None:
    people = People(db, KEY)
    m = people.register(
        "lotus-garden",
        "volunteer",
        name="张三丰",
        phone="138 1234 5678",
        address="朝阳区幸福路8号",
        id_number=ID,
    )
    assert (m.name, m.phone, m.address, m.id_number) == (
        "张**",
        "138****5678",
        "朝阳区****",
        ID[0] + "*" * 16 + ID[-1],
    )
    assert m.pseudonym.startswith("0x") and len(m.pseudonym) == 66
    with db.engine.connect() as conn:
        raw = b"".join(
            bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
            for row in conn.execute(text("SELECT * FROM people"))
            for v in row
            if v is not None
        )
    assert scan([("people table", raw)], ["张三丰", "138 1234 5678", "朝阳区幸福路8号", ID]) == []


def test_reveal_onlyForAuthorisedRoles_andIsLogged(db: Database) -> None:
    people = People(db, KEY)
    p = people.register(
        "lotus-garden", "elderly", name="李四", phone="13900001111", receives_help=True
    ).pseudonym
    with pytest.raises(Forbidden):
        people.reveal(p, by="0xaccountant", role="accountant", reason="curious")
    with pytest.raises(InvalidInput):
        people.reveal(p, by="0xcoord", role="coordinator", reason=" ")
    r = people.reveal(p, by="0xcoord", role="coordinator", reason="arrange grocery delivery")
    assert (r.name, r.phone) == ("李四", "13900001111")
    assert [(a["action"], a["role"]) for a in people.access_log(p)] == [("reveal", "coordinator")]
    assert people.receives_help([p, "0x" + "00" * 32]) == {p}


def test_erase_destroysTheDataButKeepsThePseudonym(db: Database) -> None:
    people = People(db, KEY)
    p = people.register("lotus-garden", "volunteer", name="王五", phone="13700002222").pseudonym
    people.erase(p, by="0xadmin", role="admin", reason="asked to be forgotten")
    m = people.masked(p)
    assert m.erased and m.pseudonym == p and m.name is None and m.phone is None
    with db.session() as s:
        row = s.scalars(select(Person).where(Person.pseudonym == p)).one()
        assert row.wrapped_key is None and row.name_ct is None and row.phone_ct is None
    with pytest.raises(NotFound):
        people.reveal(p, by="0xcoord", role="coordinator", reason="check")
    with pytest.raises(Conflict):
        people.update(p, phone="13700003333")
    with pytest.raises(Conflict):
        people.erase(p, by="0xadmin", role="admin", reason="again")
    assert "王五" not in people.clear_values("lotus-garden")


def test_refusals_changeNothing(db: Database) -> None:
    people = People(db, KEY)
    with pytest.raises(InvalidInput):
        people.register(
            "lotus-garden", "volunteer", name="赵六", id_number=ID17 + ("0" if ID[-1] != "0" else "1")
        )
    with pytest.raises(InvalidInput):
        people.register("lotus-garden", "volunteer", name="赵六", phone="call me")
    with pytest.raises(InvalidInput):
        people.register("lotus-garden", "volunteer", name="  ")
    assert people.in_community("lotus-garden") == []
    p = people.register("lotus-garden", "volunteer", name="赵六", phone="13600004444").pseudonym
    with pytest.raises(Conflict):
        people.register("lotus-garden", "volunteer", name="赵六", phone="13600004444")
    with pytest.raises(InvalidInput):
        people.update(p, name=None)
    assert people.update(p, address="海淀区").address == "海淀区****"


def test_pseudonyms_differPerCommunityAndRole_andAnotherKeyCannotDecrypt(db: Database) -> None:
    people = People(db, KEY)
    a = people.register("lotus-garden", "volunteer", name="孙七", phone="13500005555").pseudonym
    b = people.register("bamboo-court", "volunteer", name="孙七", phone="13500005555").pseudonym
    c = people.register("lotus-garden", "beneficiary", name="孙七", phone="13500005555").pseudonym
    assert len({a, b, c}) == 3
    assert holder_address(a).lower() == "0x" + a[-40:]
    with pytest.raises(ConfigError):
        People(db, "another data key entirely").reveal(a, by="x", role="admin", reason="r")


def test_holderIdsCanBeTheirOwnPseudonym(db: Database) -> None:
    holder = "0x" + "ab" * 20
    m = People(db, KEY).register("lotus-garden", "volunteer", name="周八", pseudonym=holder)
    assert m.pseudonym == holder


@given(st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != ""))
@example("张")
@example("欧阳娜娜")
def test_maskName_showsOnlyTheFirstCharacter(name: str) -> None:
    masked = mask_name(name)
    chars = [c for c in unicodedata.normalize("NFC", name.strip()) if not c.isspace()]
    assert masked[0] == chars[0] and set(masked[1:]) == {"*"}


def test_masks_phoneAddressAndId() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("+86 138-1234-1234") == "861******1234"
    assert mask_phone("6221") == "**21"
    assert mask_address("北京市朝阳区") == "北京市****"
    assert mask_id_number(ID) == ID[0] + "*" * 16 + ID[-1]


def test_gb11643_findsOnlyNumbersWithAValidCheckDigit() -> None:
    assert is_gb11643(ID) and not is_gb11643(ID17 + ("X" if ID[-1] != "X" else "0"))
    wrong = ID17 + ("1" if ID[-1] != "1" else "2")
    tx_hash = "0x" + ID + "ab" * 23  # inside a longer hex run: never a finding
    assert find_id_numbers(f"id {ID}, not {wrong}, hash {tx_hash}, amount 1234567890123456789") == [ID]
