"""`civic-ledger demo`: AS-1 (A), AS-2 (B) and AS-6 (C) replayed with their dates, Q1 closed, then
AS-3, AS-7 and AS-11 dated today; run again on the same directory it only serves (here
``--no-serve``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from ledger_service.chain.node import free_port
from ledger_service.cli import app
from ledger_service.db.session import Database
from ledger_service.demo import A, B, C
from ledger_service.statements.periods import Period
from ledger_service.statements.store import get_statement


def test_demo_buildsAS1_AS2_AS6_withQ1Closed_andReopens(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    env = {
        "CIVIC_LEDGER_NODE_PORT": str(free_port()),
        "CIVIC_LEDGER_KEYSTORE_SCRYPT_N": "16",
        "CIVIC_LEDGER_ENV": "test",
    }
    result = CliRunner().invoke(app, ["demo", "--home", str(home), "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    db = Database(f"sqlite:///{home / 'ledger.sqlite3'}")
    try:
        with db.begin() as conn:
            a, b1, b2, c = (
                get_statement(conn, slug, label).statement
                for slug, label in ((A, "2026Q1"), (B, "2026Q1"), (B, "2026Q2"), (C, "2026Q1"))
            )
    finally:
        db.dispose()
    assert [s["status"] for s in (a, b1, c)] == ["closed"] * 3
    assert a["income"]["total"] == a["allocated"]["total"] == 12_000_000 and a["spent"]["total"] == 3_000_000
    assert {k: v["closing"] for k, v in a["balances"].items()} == {
        "maintenance": 4_200_000,
        "operations": 1_200_000,
        "owners_common": 0,
        "welfare": 3_600_000,
    }
    assert b1["awaiting_decision"] == 1_000_000
    assert b2["reallocated"]["by_bucket"] == {
        "maintenance": 600_000,
        "owners_common": -1_000_000,
        "welfare": 400_000,
    }
    assert c["income"] == {
        "total": 16_800_000,
        "by_source": {"parking": 4_800_000, "shared_parking": 12_000_000},
    }

    # the stories dated on the day the demo is made: governance (AS-3), funds (AS-7), time bank (AS-11)
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    label = Period.containing(today, "quarter").label
    db = Database(f"sqlite:///{home / 'ledger.sqlite3'}")
    try:
        with db.begin() as conn:
            maple, peach, lotus = (
                get_statement(conn, slug, label).statement for slug in ("maple-court", "peach-court", A)
            )
    finally:
        db.dispose()
    policies = [e for e in maple["entries"] if e["kind"] == "policy"]
    assert [sorted(p["bps"].values()) for p in policies] == [[4000, 6000], [1000, 3000, 6000]]
    donated = sum(e["donated"] for e in peach["funds"]["community"].values())
    assert donated == 1_200_000_00 and peach["funds_traceability"]["community"]["rate"] == "100.0"
    assert peach["funds"]["community"]["playground"]["disbursed"] == 700_000_00
    redeemed = [e for e in lotus["entries"] if e["kind"] == "timebank_redeemed"]
    assert [(e["amount"], e["quantity"]) for e in redeemed] == [(600, 10)] and redeemed[0]["proxy"]

    again = CliRunner().invoke(app, ["demo", "--home", str(home), "--no-serve"], env=env)
    assert again.exit_code == 0 and "is ready" in again.output, again.output
