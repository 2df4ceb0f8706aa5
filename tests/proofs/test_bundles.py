"""Bundles built from a real chain verify: one entry in its own transaction, one entry inside a
batch of 100, whole statements, every entry cut out of a statement bundle, an attestation, a
balance proof — and none of them verifies against another deployment's trust root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger_service.proofs import bundle as bundles
from ledger_service.proofs.bundle import ENTRY_BUNDLE_LIMIT, bundle_bytes
from ledger_service.proofs.trust_root import trust_root, trust_root_hash
from ledger_service.proofs.verify import Verdict, verify_bundle
from tests.proofs.conftest import BAMBOO, LOTUS, Q1, World, make_service


def passed(verdict: Verdict) -> set[str]:
    return {s.check for s in verdict.steps if s.status == "pass"}


def notes(verdict: Verdict) -> str:
    return " | ".join(
        f"{s.name}: {s.detail}" for s in verdict.steps if s.status == "note" or "not proved" in s.detail
    )


def test_singleEntryTransaction_bundleVerifies_within10kB(world: World) -> None:
    index = world.index_of(LOTUS, ref="AD-2026-001")
    b = bundles.entry_bundle(world.svc, LOTUS, Q1, index)
    verdict = verify_bundle(b, world.root)
    assert verdict.ok, verdict.failed
    assert len(bundle_bytes(b)) <= ENTRY_BUNDLE_LIMIT
    # the entry's own transaction is carried and re-hashed; the inclusion proof uses the anchor's size
    assert {
        "tx.in_root",
        "tx.signature",
        "receipt.in_root",
        "entry.log",
        "entry.event",
        "entry.inclusion",
    } <= passed(verdict)
    assert list(b["transactions"]) == [b["entries"][0]["receipt"], b["anchor"]["receipt"]]
    inclusion = next(s for s in verdict.steps if s.check == "entry.inclusion")
    assert f"of {len(world.statement(LOTUS)['entries'])}" in inclusion.detail
    assert "unsealed (dev chain)" in notes(verdict)


def test_entryInsideBatchOf100_bundleVerifies(world: World) -> None:
    index = world.index_of(LOTUS, ref="PK-050")
    b = bundles.entry_bundle(world.svc, LOTUS, Q1, index)
    verdict = verify_bundle(b, world.root)
    assert verdict.ok, verdict.failed
    receipt = b["receipts"][b["entries"][0]["receipt"]]
    assert b["entries"][0]["log"] == 50
    # the whole batch receipt is what receiptsRoot commits to: it is in the bundle, the 10 kB of
    # calldata is not (so the entry's transaction hash is reported as not re-checked)
    assert len(receipt["receipt"]) > 2 * 100 * 300
    assert b["entries"][0]["receipt"] not in b["transactions"]
    assert "transaction hash not checked" in next(s.detail for s in verdict.steps if s.check == "entry.log")


@pytest.mark.parametrize("slug", [LOTUS, BAMBOO])
def test_statementBundle_verifiesEveryEntryTotalsAndBalances(world: World, slug: str) -> None:
    b = world.statement_bundles[slug]
    verdict = verify_bundle(b, world.root)
    assert verdict.ok, verdict.failed
    statement = world.statement(slug)
    steps = [s.check for s in verdict.steps]
    assert steps.count("entry.event") == len(statement["entries"]) == len(b["entries"])
    assert {"statement.sha256", "statement.totals", "statement.covered", "anchor.as_of", "balance"} <= passed(
        verdict
    )
    balance_steps = [s for s in verdict.steps if s.name.startswith("balance ")]
    assert len(balance_steps) == len(statement["balances"])
    assert all("equals the statement's closing balance" in s.detail for s in balance_steps)
    # every fact an entry depends on is proved: no "not proved here" anywhere
    assert "not proved" not in notes(verdict)


def test_statementBundle_sharesReceiptsAndHeaders(world: World) -> None:
    b = world.statement_bundles[LOTUS]
    entries = world.statement(LOTUS)["entries"]
    assert len(b["receipts"]) < len(entries) / 5  # the batch's 100 entries share one receipt
    # entry blocks, plus the community registration, the as-of block, the anchor and the attestation
    assert len(b["headers"]) <= len({e["block_number"] for e in entries}) + 4


@pytest.mark.parametrize("slug", [LOTUS, BAMBOO])
def test_everyEntry_cutOutOfTheStatementBundle_verifies(world: World, slug: str) -> None:
    sb = world.statement_bundles[slug]
    for index in range(len(world.statement(slug)["entries"])):
        b = bundles.derive_entry_bundle(sb, index)
        verdict = verify_bundle(b, world.root)
        assert verdict.ok, (index, verdict.failed)


@pytest.mark.parametrize(
    "match",
    [
        {"kind": "policy"},
        {"ref": "AD-2026-001"},
        {"ref": "PK-000"},
        {"kind": "reversal"},
        {"kind": "deposit_returned"},
    ],
)
def test_entryBundleFromTheChain_equalsTheOneCutFromTheStatementBundle(world: World, match: dict) -> None:
    index = world.index_of(LOTUS, **match)
    direct = bundles.entry_bundle(world.svc, LOTUS, Q1, index)
    assert direct == bundles.derive_entry_bundle(world.statement_bundles[LOTUS], index)


@pytest.mark.parametrize(
    "slug,match",
    [(LOTUS, {"kind": "policy"}), (LOTUS, {"kind": "reversal"}), (BAMBOO, {"kind": "reallocation"})],
)
def test_entryBundleWithoutSizeLimit_provesContextAndStatement(world: World, slug: str, match: dict) -> None:
    index = world.index_of(slug, **match)
    b = bundles.derive_entry_bundle(world.statement_bundles[slug], index, limit=None)
    assert "statement" in b and b["context"]
    verdict = verify_bundle(b, world.root)
    assert verdict.ok, verdict.failed
    assert {"statement.sha256", "statement.totals"} <= passed(verdict)
    assert "not proved" not in notes(verdict)


def test_smallEntryBundle_saysWhatItLeftOut(world: World) -> None:
    index = world.index_of(LOTUS, ref="AD-2026-001")
    verdict = verify_bundle(bundles.derive_entry_bundle(world.statement_bundles[LOTUS], index), world.root)
    said = notes(verdict)
    assert "statement: not in this entry bundle" in said
    assert "bucket names not proved here" in said


def test_auditorAttestation_isProvedInBundles(world: World) -> None:
    b = world.statement_bundles[LOTUS]
    assert len(b["attestations"]) == 1
    verdict = verify_bundle(b, world.root)
    step = next(s for s in verdict.steps if s.check == "attestation")
    assert step.status == "pass"
    assert world.svc.account(f"{LOTUS}:auditor").address.lower() in step.detail.lower()
    assert world.statement_bundles[BAMBOO]["attestations"] == []


def test_anotherDeploymentsTrustRoot_failsAtTheTrustRootStep(world: World, tmp_path: Path) -> None:
    other = make_service(tmp_path / "other")
    try:
        other_root = trust_root(other.deployment)
    finally:
        other.close()
    assert other_root["chain_id"] == world.root["chain_id"]  # same dev chain id, another deployment
    assert trust_root_hash(other_root) != trust_root_hash(world.root)
    for b in (world.statement_bundles[LOTUS], bundles.derive_entry_bundle(world.statement_bundles[LOTUS], 1)):
        verdict = verify_bundle(b, other_root)
        assert verdict.failed is not None and verdict.failed.check == "trust_root.match"
        # and a bundle whose named hash is forged to match still fails on the contract addresses
        forged = {**b, "trust_root_sha256": trust_root_hash(other_root)}
        failed = verify_bundle(forged, other_root).failed
        assert failed is not None and failed.check == "anchor.log" and "not the trust root's" in failed.detail


def test_bundleFile_roundTripsThroughJson(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle_bytes(world.statement_bundles[BAMBOO]))
    assert verify_bundle(json.loads(path.read_bytes()), world.root).ok


def test_bundles_carryNoPersonalData_soErasingItBreaksNoProof(world: World) -> None:
    """SEC-2: the payer of a deposit appears in statements and bundles only as a keyed pseudonym,
    so erasing the person's data off chain cannot invalidate any proof."""
    for slug in (LOTUS, BAMBOO):
        text = bundle_bytes(world.statement_bundles[slug]).decode()
        assert "payer-7" not in text
        assert b"payer-7".hex() not in text
    deposit = world.statement(LOTUS)["entries"][world.index_of(LOTUS, kind="deposit_received")]
    assert deposit["payer_ref"].startswith("0x") and len(deposit["payer_ref"]) == 66


def test_trustRoot_fromTheIndexedManifest_equalsTheDeployments(world: World) -> None:
    """The explorer reads the deployment manifest from SQL (ChainRecord) and must show the same hash."""
    manifest = json.loads(json.dumps(world.svc.deployment.to_json(), sort_keys=True))
    assert trust_root_hash(trust_root(manifest)) == trust_root_hash(world.root)
