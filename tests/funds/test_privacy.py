"""AS-13 for funds: no chain data (calldata and logs), explorer page, ``.json``/``.csv`` twin, API
read or audit export contains a donor's name, phone number, address or ID number entered as
personal data — except the name of the one donor who chose to be named publicly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledger_service.api.app import create_app
from ledger_service.audit.commands import close_period
from ledger_service.audit.export import export_period
from ledger_service.communities.commands import key_label
from ledger_service.funds import commands as funds
from ledger_service.people import People
from ledger_service.people.ids import check_character
from ledger_service.people.scan import scan
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, set_date
from tests.funds.service import approve, keeper, set_up_community

S = "privacy-court"
DAY = dt.date(2026, 2, 10)
ID17 = "31011519800101123"
ID_NUMBER = ID17 + check_character(ID17)
NAMED = "李娜慈善工作室"
EVIDENCE = b"\x0e" * 32


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LedgerService, Path]]:
    svc = new_service(tmp_path_factory.mktemp("privacy") / "home")
    try:
        set_date(svc, DAY)
        set_up_community(svc, S, reps=1)
        k = keeper(S)
        funds.create_fund(svc, S, "community", "community", 10**15, signer=k)
        funds.open_project(svc, S, "ramp", "community", None, signer=k)
        anon, _ = funds.donor_for(
            svc, S, name="张伟", phone="138 1234 5678", address="上海市浦东新区世纪大道100号"
        )
        named, public = funds.donor_for(svc, S, name=NAMED, phone="13987654321", named_publicly=True)
        key = svc.settings.data_key.get_secret_value()
        with_id = People(svc.db, key).register(
            S, "donor", name="王芳", phone="13700001111", id_number=ID_NUMBER
        )
        goods_donor, _ = funds.donor_for(
            svc, S, name="赵磊", phone="13600002222", address="杭州市西湖区文三路5号"
        )
        gifts = [("P-1", anon, None), ("P-2", named, public), ("P-3", with_id.pseudonym, None)]
        for receipt, donor, name in gifts:
            funds.donate(
                svc,
                S,
                funds.Donation("community", receipt, donor, "resident", 50_000, DAY, public_name=name),
                signer=k,
            )
        approve(
            svc,
            S,
            funds.disbursement_action_hash(
                svc.community_id(S), "ramp", "community", None, 120_000, False, "R-1", EVIDENCE
            ),
        )
        funds.disburse(
            svc, S, "ramp", "community", None, 120_000, DAY, ref="R-1", evidence=EVIDENCE, signer=k
        )
        funds.register_item(svc, S, "rice", "kg", signer=k)
        funds.donate_goods(svc, S, "G-1", "rice", 500, goods_donor, "resident", DAY, signer=k)
        funds.distribute(svc, S, "rice", 200, "elderly_meals", DAY, signer=k)
        set_date(svc, dt.date(2026, 4, 10))
        close_period(svc, S, "2026Q1", signer=key_label(S, "accountant"))
        out = tmp_path_factory.mktemp("export")
        export_period(svc, S, "2026Q1", out)
        yield svc, out
    finally:
        svc.close()


def _chain_documents(svc: LedgerService) -> list[tuple[str, bytes]]:
    docs: list[tuple[str, bytes]] = []
    for n in range(svc.w3.eth.block_number + 1):
        block = svc.w3.eth.get_block(n, full_transactions=True)
        for tx in block["transactions"]:
            docs.append((f"calldata {tx['hash'].hex()}", bytes(tx["input"])))  # type: ignore[index]
    for log in svc.w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest"}):
        docs.append(
            (
                f"log {log['transactionHash'].hex()}",
                bytes(log["data"]) + b"".join(bytes(t) for t in log["topics"]),
            )
        )
    return docs


def _public_documents(svc: LedgerService, export: Path) -> list[tuple[str, Any]]:
    client = TestClient(create_app(svc))
    paths = [
        "/", "/index.json", f"/c/{S}/2026Q1", f"/c/{S}/2026Q1.json", f"/c/{S}/2026Q1.csv",
        f"/c/{S}/funds", f"/c/{S}/funds.json", f"/c/{S}/funds.csv", f"/c/{S}/goods", f"/c/{S}/goods.json",
        f"/c/{S}/goods.csv", f"/c/{S}/goods/receipts/G-1.json",
        f"/api/v1/communities/{S}/statements/2026Q1", f"/api/v1/communities/{S}/statements/2026Q1?format=csv",
        f"/api/v1/communities/{S}/funds/traceability", "/api/v1/street/funds/2026Q1",
        "/street/funds/2026Q1", "/street/funds/2026Q1.json",
    ] + [f"/c/{S}/funds/receipts/P-{i}{ext}" for i in (1, 2, 3) for ext in ("", ".json")] + [
        f"/api/v1/communities/{S}/funds/receipts/P-{i}" for i in (1, 2, 3)
    ]  # fmt: skip
    docs: list[tuple[str, Any]] = []
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        docs.append((path, r.content))
    docs += [(f"export {p.name}", p.read_bytes()) for p in sorted(export.rglob("*")) if p.is_file()]
    return docs


def test_noPersonalData_onChain_onPages_inTwinsOrExports_exceptAChosenPublicName(
    world: tuple[LedgerService, Path],
) -> None:
    svc, export = world
    personal = People(svc.db, svc.settings.data_key.get_secret_value()).clear_values(S)
    assert ID_NUMBER in personal and "138 1234 5678" in personal and NAMED in personal
    allowed = {NAMED}
    documents = _chain_documents(svc) + _public_documents(svc, export)
    assert len(documents) > 50
    findings = scan(documents, [v for v in personal if v not in allowed])
    assert findings == []
    # the scan does find what it looks for, and the donor who chose to be named is named
    assert scan([("probe", f"x{ID_NUMBER}y 13812345678 张伟")], personal)
    assert any(NAMED in (d if isinstance(d, str) else d.decode("utf-8", "replace")) for _, d in documents)
    client = TestClient(create_app(svc))
    assert NAMED in client.get(f"/c/{S}/funds/receipts/P-2").text
    assert "张伟" not in client.get(f"/c/{S}/funds/receipts/P-1").text
