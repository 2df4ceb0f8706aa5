"""The time bank's HTTP routes against a real anvil and a real SQLite index: the role each route
needs (a wrong role or community is refused and changes nothing), a malformed body is refused,
and the happy paths land on chain and in the reads (stats, a volunteer's balance; none for
people who receive help)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token
from ledger_service.communities.commands import add_community
from ledger_service.service import LedgerService
from ledger_service.timebank import commands
from tests.api.helpers import new_service

S, OTHER = "api-tb", "api-tb-other"
ROLES = ("accountant", "committee", "coordinator")


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LedgerService, TestClient, dict[str, str]]]:
    svc = new_service(tmp_path_factory.mktemp("tb-api") / "home")
    try:
        tokens = {}
        for slug in (S, OTHER):
            granted = add_community(svc, slug, roles=ROLES)
            for role in ROLES:
                tokens[f"{slug}:{role}"] = create_token(svc, slug, role, granted[role], f"{slug} {role}")
        yield svc, TestClient(create_app(svc, explorer=False)), tokens
    finally:
        svc.close()


def post(client: TestClient, path: str, body: Any, token: str) -> Any:
    return client.post(
        f"/api/v1/communities/{S}/timebank/{path}", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_routes_roles_bodies_andHappyPaths(world: tuple[LedgerService, TestClient, dict[str, str]]) -> None:
    svc, client, tokens = world
    coord = tokens[f"{S}:coordinator"]
    v = post(
        client,
        "people",
        {"role": "volunteer", "name": "许强", "phone": "13100001111", "keep_key": True},
        coord,
    )
    assert v.status_code == 201, v.text
    volunteer = v.json()["holder"]
    assert v.json()["person"]["name"] == "许*" and "许强" not in v.text
    b = post(client, "people", {"role": "beneficiary", "name": "何静", "phone": "13100002222"}, coord).json()
    before = commands.view(svc, "nextSeq", bytes.fromhex(svc.community_id(S)[2:]))
    record = {
        "volunteer": volunteer,
        "beneficiary": b["holder"],
        "service_type": "repairs",
        "minutes": 120,
        "service_date": "2026-01-01",
    }
    # a wrong role, another community's token, a malformed body: refused, nothing changes
    assert post(client, "records", record, tokens[f"{S}:accountant"]).status_code == 403
    assert post(client, "records", record, tokens[f"{OTHER}:coordinator"]).status_code == 403
    assert post(client, "records", {**record, "minutes": 1_441}, coord).status_code == 422
    assert post(client, "records", {**record, "minuets": 5}, coord).status_code == 422
    assert post(client, "mints", {}, coord).status_code == 404  # nothing pending yet
    assert commands.view(svc, "nextSeq", bytes.fromhex(svc.community_id(S)[2:])) == before
    r = post(client, "records", record, coord)
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    typed = client.get(
        f"/api/v1/communities/{S}/timebank/records/{r.json()['record_ref']}/typed-data",
        headers={"Authorization": f"Bearer {coord}"},
    )
    assert typed.json()["primaryType"] == "ServiceRecord"
    m = post(client, "mints", {}, coord)
    assert m.status_code == 201 and m.json()["count"] == 1, m.text
    # a deduction below zero: the contract's refusal, readable
    d = post(client, "deductions", {"holder": volunteer, "minutes": 121, "reason": "noise_violation"}, coord)
    assert d.status_code == 409 and "less than 121 minutes" in d.json()["message"]
    # fee terms are the committee's; fee discounts the accountant's
    terms = {"bucket": "welfare", "rate_per_hour": 1_500, "cap_per_holder": 9_000, "cap_total": 15_000}
    assert post(client, "fee-terms", terms, coord).status_code == 403
    fee = {"holder": volunteer, "minutes": 60, "ref": "FEE-1", "business_date": "2026-01-01"}
    assert post(client, "fee-discounts", fee, coord).status_code == 403
    assert post(client, "fee-discounts", fee, tokens[f"{S}:accountant"]).status_code == 409  # no terms yet
    stats = client.get(f"/api/v1/communities/{S}/timebank/stats", params={"period": "2026"}).json()
    assert stats["minted"] == 120 and stats["active_volunteers"] == 1 and stats["redemption_rate"] == "0.0"
    bal = client.get(f"/api/v1/communities/{S}/timebank/holders/{volunteer}").json()
    assert bal["balance"] == 120
    assert client.get(f"/api/v1/communities/{S}/timebank/holders/{b['holder']}").status_code == 404
    reveal = client.post(
        f"/api/v1/communities/{S}/timebank/people/{volunteer}/reveal",
        json={"reason": "visit"},
        headers={"Authorization": f"Bearer {coord}"},
    )
    assert reveal.json()["name"] == "许强"
