"""The governance demonstration runs on a fresh ledger and leaves what it says: a policy enacted by
vote and approval, a failed and a passed renovation vote, and the payment made after the pass."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ledger_service.communities.commands import add_community
from ledger_service.governance import queries
from ledger_service.governance.demo import SLUG, build_governance_demo
from ledger_service.revenue.tables import RevenueEntry
from tests.api.helpers import new_service


def test_governanceDemo_buildsTheStoryItTells(tmp_path: Path) -> None:
    svc = new_service(tmp_path / "home")
    try:
        add_community(svc, "warm-up")  # the demo runs after others' communities exist
        said: list[str] = []
        made = build_governance_demo(svc, said.append)
        cid = svc.community_id(SLUG)
        with svc.db.engine.connect() as conn:
            status = {p["proposal_id"]: p["status"] for p in queries.proposals(conn, cid)}
            enacted = queries.enactments(conn, cid)
        assert status[made["policy"]] == "used" and enacted[2]["proposal_id"] == made["policy"]
        assert status[made["renovation_failed"]] == "failed" and status[made["renovation"]] == "used"
        with svc.db.session() as s:
            spends = s.scalars(
                select(RevenueEntry).where(RevenueEntry.community == cid, RevenueEntry.kind == "spend")
            )
            assert [(e.bucket, e.amount) for e in spends] == [("welfare", 6_000_000)]
        assert len(said) == 3
    finally:
        svc.close()
