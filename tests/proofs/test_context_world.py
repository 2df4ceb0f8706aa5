"""The context world builds, and its closed Q1 statements hold every time-bank, funds and goods
entry kind (the bundles are not verified here)."""

from __future__ import annotations

from tests.proofs.context_world import ContextWorld

OSMANTHUS_KINDS = {
    "timebank_minted", "timebank_redeemed", "timebank_donated", "timebank_granted", "timebank_rewarded",
    "timebank_deducted", "timebank_catalog_item", "timebank_proxy_set", "timebank_elderly_set",
    "timebank_fee_terms", "timebank_fee_discount",
    "funds_fund_created", "funds_earmark_opened", "funds_project_opened", "funds_donation",
    "funds_from_revenue", "funds_disbursement", "funds_acceptance", "funds_returned", "funds_refund",
    "goods_item_registered", "goods_donated", "goods_requested", "goods_transferred", "goods_distributed",
}  # fmt: skip


def test_contextWorld_statementsHoldEveryEntryKind(context_world: ContextWorld) -> None:  # noqa: F811
    osmanthus = context_world.statement("osmanthus")["entries"]
    kinds = {e["kind"] for e in osmanthus}
    assert OSMANTHUS_KINDS <= kinds, sorted(OSMANTHUS_KINDS - kinds)
    minted = [e for e in osmanthus if e["kind"] == "timebank_minted"]
    assert {bool(e.get("by_signature")) for e in minted} == {True, False}
    redeemed = {e.get("category") for e in osmanthus if e["kind"] == "timebank_redeemed"}
    assert {"goods", "health_check"} <= redeemed
    donations = [e for e in osmanthus if e["kind"] == "funds_donation"]
    assert any(e.get("public_name") for e in donations)
    assert any(e.get("formula_kind") for e in donations)
    assert any(e.get("campaign") for e in donations)
    finals = [e["is_final"] for e in osmanthus if e["kind"] == "funds_disbursement"]
    assert sorted(finals) == [False, True]
    assert all("2026-01-01" <= e["business_date"] <= "2026-03-31" for e in osmanthus)
    plum = {e["kind"] for e in context_world.statement("plum")["entries"]}
    assert "goods_received" in plum
    assert all(context_world.statement_bundles[s]["entries"] for s in ("osmanthus", "plum"))
