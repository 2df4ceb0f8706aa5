"""In-kind goods on a real service (F-7): 300 coats donated in community A, 150 of them
transferred to B on B's request with the approval of A's committee member; both statements and
the donor's view agree on where every coat is. The contract refuses what would break the stock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from ledger_service.chain.node import free_port
from ledger_service.communities.commands import key_label
from ledger_service.core.config import Settings
from ledger_service.core.errors import LedgerError
from ledger_service.funds import commands as funds
from ledger_service.funds.reads import goods_receipt_view
from ledger_service.service import LedgerService
from tests.api.helpers import at, set_date
from tests.conftest import make_database_url
from tests.funds.service import keeper, set_up_community, statement

A, B = "coats-a", "coats-b"
DAY = dt.date(2026, 1, 20)
COATS, ASKED, SENT, HANDED_A, HANDED_B = 300, 150, 150, 100, 120


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def svc(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    """One service per engine: the same behaviour on SQLite and on a real PostgreSQL index."""
    home = tmp_path_factory.mktemp("goods")
    urls = make_database_url(request.param, home)
    settings = Settings(
        home=home / "home", node_port=free_port(), env="test", keystore_scrypt_n=2**4, database_url=next(urls)
    )
    service = LedgerService.init(settings, genesis_timestamp=at(dt.date(2026, 1, 1), hour=0))
    try:
        set_date(service, DAY)
        set_up_community(service, A, reps=1)
        set_up_community(service, B, reps=1)
        funds.register_item(service, A, "winter_coat", "piece", signer=keeper(A))
        donor, public = funds.donor_for(
            service, A, name="Warm Winter Garments Co.", phone="021-6666-0001", named_publicly=True
        )
        funds.donate_goods(
            service,
            A,
            "G-0001",
            "winter_coat",
            COATS,
            donor,
            "company",
            DAY,
            public_name=public,
            signer=keeper(A),
        )
        funds.request_goods(service, B, "REQ-1", A, "winter_coat", ASKED, DAY, signer=keeper(B))
        funds.transfer_goods(
            service, A, B, "REQ-1", SENT, DAY, b"\x0d" * 32, signer=key_label(A, "committee")
        )
        funds.distribute(service, A, "winter_coat", HANDED_A, "winter_relief", DAY, signer=keeper(A))
        funds.distribute(service, B, "winter_coat", HANDED_B, "elderly_winter", DAY, signer=keeper(B))
        service.sync()
        yield service
    finally:
        service.close()
        next(urls, None)


def test_bothStatements_agreeOnTheTransfer(svc: LedgerService) -> None:
    a = statement(svc, A, "2026Q1")["goods"]["winter_coat"]
    b = statement(svc, B, "2026Q1")["goods"]["winter_coat"]
    assert a == {"unit": "piece", "opening": 0, "donated": COATS, "received": 0, "transferred": SENT,
                 "distributed": HANDED_A, "closing": COATS - SENT - HANDED_A}  # fmt: skip
    assert b == {"unit": "piece", "opening": 0, "donated": 0, "received": SENT, "transferred": 0,
                 "distributed": HANDED_B, "closing": SENT - HANDED_B}  # fmt: skip
    assert a["transferred"] == b["received"] == 150
    kinds_b = [e["kind"] for e in statement(svc, B, "2026Q1")["entries"] if e["kind"].startswith("goods_")]
    assert kinds_b == ["goods_requested", "goods_received", "goods_distributed"]


def test_theDonorSees_whereEveryCoatWent(svc: LedgerService) -> None:
    with svc.db.begin() as conn:
        view = goods_receipt_view(conn, A, "G-0001")
    assert view["public_name"] == "Warm Winter Garments Co." and view["quantity"] == COATS
    moves = [(m["kind"], m["community"], m.get("to"), m.get("purpose"), m["quantity"]) for m in view["moves"]]
    assert moves == [
        ("transferred", A, B, None, SENT),
        ("distributed", A, None, "winter_relief", HANDED_A),
        ("distributed", B, None, "elderly_winter", HANDED_B),
    ]
    assert view["in_stock"] == {A: COATS - SENT - HANDED_A, B: SENT - HANDED_B}
    assert (
        sum(m["quantity"] for m in view["moves"] if m["kind"] == "distributed")
        + sum(view["in_stock"].values())
        == COATS
    )


def test_goodsNeverGoBelowZero_andTransfersOnlyAnswerRequests(svc: LedgerService) -> None:
    before = (statement(svc, A, "2026Q1")["goods"], statement(svc, B, "2026Q1")["goods"])
    with pytest.raises(LedgerError) as e:
        funds.distribute(svc, B, "winter_coat", SENT - HANDED_B + 1, "elderly_winter", DAY, signer=keeper(B))
    assert "fewer than" in e.value.message
    with pytest.raises(LedgerError) as e:  # the request is fully answered
        funds.transfer_goods(svc, A, B, "REQ-1", 1, DAY, signer=key_label(A, "committee"))
    assert "still asks for only 0" in e.value.message
    with pytest.raises(LedgerError) as e:  # a fund keeper cannot approve a transfer
        funds.request_goods(svc, B, "REQ-2", A, "winter_coat", 10, DAY, signer=keeper(B))
        funds.transfer_goods(svc, A, B, "REQ-2", 10, DAY, signer=keeper(A))
    assert "committee" in e.value.message
    assert (statement(svc, A, "2026Q1")["goods"], statement(svc, B, "2026Q1")["goods"]) == before


def test_cli_goods_traceAndRefusal(svc: LedgerService) -> None:
    import json

    from typer.testing import CliRunner

    from ledger_service.cli import app

    def run(*args: str) -> tuple[int, str]:
        r = CliRunner().invoke(app, list(args), obj={"svc": svc})
        assert "Traceback" not in r.output, r.output
        return r.exit_code, r.output

    code, out = run("goods", "trace", A, "G-0001")
    assert code == 0, out
    assert json.loads(out)["in_stock"] == {A: COATS - SENT - HANDED_A, B: SENT - HANDED_B}
    code, out = run(
        "goods",
        "distribute",
        B,
        "winter_coat",
        "--quantity",
        "999",
        "--purpose",
        "x",
        "--date",
        DAY.isoformat(),
    )
    assert code == 1 and "fewer than 999" in out
