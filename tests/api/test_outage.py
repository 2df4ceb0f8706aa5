"""SEC-4 through the API: with the chain unreachable a write is accepted as 202 ``queued`` and kept;
when the node is back the journal sends it, exactly once, and it shows in the statement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token
from ledger_service.communities.commands import add_community, key_label
from tests.api.helpers import new_service, next_seq, set_date, statement

S = "outage-court"


def test_chainDown_writeIs202Queued_thenSentOnceWhenItReturns(tmp_path: Path) -> None:
    svc = new_service(tmp_path / "home")
    try:
        add_community(svc, S)
        set_date(svc, dt.date(2026, 2, 1))
        token = create_token(svc, S, "accountant", svc.keys.resolve(key_label(S, "accountant")), "t")
        client = TestClient(create_app(svc, explorer=False))
        body = {"source": "parking", "amount": 4200, "business_date": "2026-02-01", "ref": "DOWN-1"}
        assert svc.node is not None
        svc.node.stop()
        r = client.post(
            f"/api/v1/communities/{S}/incomes", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "queued" and r.json()["tx_hash"] is None
        svc.node.start()
        set_date(svc, dt.date(2026, 2, 2))  # a restarted node re-applies its genesis --timestamp
        svc.journal.recover()
        assert next_seq(svc, S) == 2
        refs = [e["ref"] for e in statement(svc, S, "2026Q1")["entries"] if e["kind"] == "income"]
        assert refs == ["DOWN-1"]
    finally:
        svc.close()
