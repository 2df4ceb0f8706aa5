"""The oversight demo on a real service: after the demo's 2026Q1 close, lotus-garden's Q2
statement shows its contracts, an adopted budget and both objections answered."""

from __future__ import annotations

import datetime as dt

import pytest
from eth_account import Account
from eth_utils import keccak

from ledger_service.audit.commands import close_period
from ledger_service.communities.commands import add_community, key_label
from ledger_service.demo import A
from ledger_service.governance import commands as governance
from ledger_service.oversight.demo import build_oversight_demo
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from tests.api.helpers import new_service, set_date, statement

D = dt.date


def test_demo_contractsBudgetAndAnsweredObjections(tmp_path_factory: pytest.TempPathFactory) -> None:
    svc = new_service(tmp_path_factory.mktemp("ov-demo") / "home")
    try:
        add_community(svc, A)
        acct = key_label(A, "accountant")
        revenue.set_policy(
            svc,
            A,
            {"maintenance": 6000, "welfare": 3000, "operations": 1000},
            D(2026, 1, 1),
            signer=key_label(A, "committee"),
        )
        members = [Account.from_key(keccak(text=f"demo-member-{i}")) for i in range(3)]
        governance.set_up_committee(
            svc,
            A,
            [m.address for m in members],
            2,
            spend_threshold=2**53 - 1,
            maintenance_bucket="maintenance_fund",
            signer=key_label(A, "admin"),
        )
        set_date(svc, D(2026, 1, 15))
        revenue.post_income(
            svc, A, Income("elevator_ads", 12_000_000, D(2026, 1, 15), "AD-2026-001"), signer=acct
        )
        set_date(svc, D(2026, 3, 10))
        revenue.spend(svc, A, "maintenance", 3_000_000, D(2026, 3, 10), "REPAIR-0310", signer=acct)
        set_date(svc, D(2026, 4, 2))
        close_period(svc, A, "2026Q1", signer=acct)
        build_oversight_demo(svc, A, members=members)
        s = statement(svc, A, "2026Q2")
        contracts = {c["number"]: c for c in s["revenue_contracts"]}
        assert contracts["AD-2026-001"]["received_to_date"] == 12_000_000
        assert contracts["SP-LOT-2026"]["received_in_period"] == 2_400_000
        assert [i["paid"] for i in contracts["SP-LOT-2026"]["instalments"]] == [True, False]
        assert s["budget"]["version"] == 1 and s["budget"]["contingency"] == 1_200_000
        answers = [o["answer"]["kind"] for o in s["objections"]]
        assert answers == ["rejection", "correction"]
        assert s["objections"][0]["entry_seq"] == 3
    finally:
        svc.close()
