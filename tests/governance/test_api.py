"""Governance over HTTP on a real anvil and SQLite: a payment proposal approved by members who sign
the EIP-712 request in a wallet (eth_account's ``sign_typed_data``, as MetaMask does with
``eth_signTypedData_v4``), relayed by the API; a forged signature refused; a failed owners' vote
published with its turnout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from fastapi.testclient import TestClient

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token
from ledger_service.communities.commands import add_community, key_label
from ledger_service.governance import commands as gov
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, set_date, statement

A = "gov-api"
D = dt.date


@dataclass
class World:
    svc: LedgerService
    client: TestClient
    tokens: dict[str, str]
    members: list[LocalAccount]

    def post(self, path: str, body: Any, role: str) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.client.post(f"/api/v1/communities/{A}/{path}", json=body, headers=headers)

    def wallet_sign(self, pid: int, member: LocalAccount, approve: bool = True) -> dict[str, Any]:
        typed = self.client.get(
            f"/api/v1/communities/{A}/proposals/{pid}/approval-request", params={"approve": approve}
        ).json()
        signed = Account.sign_typed_data(member.key, full_message=typed)
        return {
            "member": member.address,
            "approve": approve,
            "expiry": typed["message"]["expiry"],
            "signature": "0x" + bytes(signed.signature).hex(),
        }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    svc = new_service(tmp_path_factory.mktemp("gov-api") / "home")
    try:
        add_community(svc, A)
        revenue.set_policy(
            svc, A, {"maintenance": 6000, "welfare": 4000}, D(2026, 1, 1), signer=f"{A}:committee"
        )
        set_date(svc, D(2026, 1, 10))
        revenue.post_income(
            svc, A, Income("advertising", 10_000_000, D(2026, 1, 10), "AD-1"), signer=f"{A}:accountant"
        )
        members = [Account.create(f"api member {i}") for i in range(3)]
        gov.set_up_committee(
            svc, A, [m.address for m in members], 2, spend_threshold=100_000, signer=f"{A}:admin"
        )
        svc.sync()
        tokens = {
            role: create_token(svc.db, A, role, svc.keys.resolve(key_label(A, role)), f"test {role}")
            for role in ("accountant", "committee")
        }
        with TestClient(create_app(svc)) as client:
            yield World(svc, client, tokens, members)
    finally:
        svc.close()


def test_paymentProposal_walletSignatures_relayed_thenTheSpendLands(world: World) -> None:
    body = {"bucket": "welfare", "amount": 500_000, "ref": "PLAY-1", "evidence": "playground invoice"}
    r = world.post("proposals/spend", body, "accountant")
    assert r.status_code == 201, r.text
    pid = r.json()["proposal_id"]
    spend = {**body, "business_date": "2026-01-10"}
    refused = world.post("spends", spend, "accountant")  # the ledger asks governance, which refuses
    assert refused.status_code == 409, refused.text
    assert refused.json()["message"] == (
        f"proposal #{pid} of community {A} has 0 approval(s) by current committee members; it needs 2"
    )

    forged = world.wallet_sign(pid, world.members[0])
    forged["member"] = world.members[1].address
    r = world.post(f"proposals/{pid}/signatures", forged, "committee")
    assert r.status_code == 422 and "not" in r.json()["message"], r.text

    for m in world.members[:2]:
        r = world.post(f"proposals/{pid}/signatures", world.wallet_sign(pid, m), "committee")
        assert r.status_code == 201, r.text
    assert r.json()["approvals"] == 2
    r = world.post("spends", spend, "accountant")
    assert r.status_code == 201, r.text
    s = statement(world.svc, A, "2026Q1")
    assert s["spent"]["by_bucket"] == {"welfare": 500_000}
    listed = world.client.get(f"/api/v1/communities/{A}/proposals").json()
    assert [(p["proposal_id"], p["status"], p["approvals"]) for p in listed if p["proposal_id"] == pid] == [
        (pid, "used", 2)
    ]


def test_failedVote_isPublishedWithItsTurnout(world: World) -> None:
    body = {"bucket": "maintenance", "amount": 1_000_000, "ref": "LIFT-1", "decision_type": 2}
    pid = world.post("proposals/spend", body, "accountant").json()["proposal_id"]
    tally = {
        "total_area": 2_700_000, "participating_area": 1_700_000, "yes_area": 1_700_000,
        "total_units": 300, "participating_units": 190, "yes_units": 190, "ballot_record": "ballots LIFT-1",
    }  # fmt: skip
    r = world.post(f"proposals/{pid}/vote", tally, "committee")
    assert r.status_code == 201, r.text
    assert r.json() == {"quorum_met": False, "passed": False}  # 3 * 190 < 2 * 300
    [p] = [
        p for p in world.client.get(f"/api/v1/communities/{A}/proposals").json() if p["proposal_id"] == pid
    ]
    assert p["status"] == "failed"
    assert (p["vote"]["turnout_units"], p["vote"]["turnout_area"]) == ("63.3 %", "63.0 %")
    assert "turnout at least 2/3" in p["vote"]["rule"]


def test_emergencyUseOfTheMaintenanceFund_isReportedInTheStatement_andFlagged(world: World) -> None:
    """art. 281: committee approval and a public notice; the period's statement lists it."""
    notice = "notice: burst pipe in building 3, posted 2026-01-10"
    body = {
        "bucket": "maintenance",
        "amount": 800_000,
        "ref": "PIPE-1",
        "evidence": "plumber",
        "notice": notice,
    }
    pid = world.post("proposals/spend", body, "accountant").json()["proposal_id"]
    for m in world.members[1:]:
        assert (
            world.post(f"proposals/{pid}/signatures", world.wallet_sign(pid, m), "committee").status_code
            == 201
        )
    spend = {"bucket": "maintenance", "amount": 800_000, "ref": "PIPE-1", "evidence": "plumber",
             "business_date": "2026-01-10"}  # fmt: skip
    r = world.post("spends", spend, "accountant")
    assert r.status_code == 201, r.text
    s = statement(world.svc, A, "2026Q1")
    assert "emergency_maintenance_use" in s["flags"]
    [used] = s["governance"]["emergency_uses"]
    assert used["proposal_id"] == pid and used["used_on"] == "2026-01-10"
    assert used["notice_hash"] == "0x" + __import__("hashlib").sha256(notice.encode()).hexdigest()
