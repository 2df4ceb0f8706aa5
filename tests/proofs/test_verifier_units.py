"""The verifier's own re-derivations, checked piece by piece: statement totals from entries,
trie proofs, transaction senders, the trust root file, the QBFT hook and the command line."""

from __future__ import annotations

import copy
import json
import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import rlp

import ledger_service.proofs
from ledger_service.proofs import bundle as bundles
from ledger_service.proofs.entries import recompute_statement
from ledger_service.proofs.eth import ProofError, decode_transaction, mpt_prove, mpt_verify
from ledger_service.proofs.trust_root import (
    TrustRootError,
    check_trust_root,
    load_trust_root,
    save_trust_root,
    trust_root,
    trust_root_hash,
)
from ledger_service.proofs.verify import main, verify_bundle
from tests.proofs.conftest import BAMBOO, LOTUS, QBFT_KEYS, World, qbft_validators, reseal_qbft


@pytest.mark.parametrize("slug", [LOTUS, BAMBOO])
def test_closedStatements_totalsFollowFromEntries(world: World, slug: str) -> None:
    assert recompute_statement(world.statement(slug)) == []


def _bump(path: str) -> Any:
    def change(s: dict[str, Any]) -> None:
        *keys, last = path.split(".")
        for k in keys:
            s = s[int(k)] if k.isdigit() else s[k]
        s[last] = s[last] + 1

    return change


@pytest.mark.parametrize(
    "change,named",
    [
        (_bump("income.total"), "income"),
        (_bump("income.by_source.parking"), "income"),
        (_bump("allocated.total"), "allocated"),
        (_bump("allocated.by_bucket.welfare"), "allocated"),
        (_bump("spent.by_bucket.maintenance"), "spent"),
        (_bump("balances.maintenance.closing"), "balances.maintenance.closing"),
        (_bump("balances.welfare.allocated"), "balances.welfare.allocated"),
        (_bump("balances.operations.opening"), "balances.operations.closing"),
        (_bump("awaiting_decision"), "awaiting_decision"),
        (_bump("deposits.received"), "deposits.received"),
        (_bump("deposits.returned"), "deposits.returned"),
        (_bump("entries.1.amount"), "entries_root"),
        (lambda s: s["flags"].append("awaiting_decision"), "awaiting_decision flag"),
        (lambda s: s["entries"].reverse(), "order"),
        (lambda s: s["entries"][1].update(business_date="2026-04-01"), "outside"),
        (lambda s: s["entries"][1]["split"].update(welfare=0), "adds up"),
        (lambda s: s["balances"].pop("operations"), "no balance line"),
    ],
)
def test_statementTotals_anyNumberThatDoesNotFollow_isNamed(world: World, change: Any, named: str) -> None:
    statement = copy.deepcopy(world.statement(LOTUS))
    change(statement)
    problems = recompute_statement(statement)
    assert any(named in p for p in problems), problems


def test_reallocation_andHeldIncome_recompute(world: World) -> None:
    s = copy.deepcopy(world.statement(BAMBOO))
    s["reallocated"]["by_bucket"]["welfare"] += 1
    assert any("reallocated" in p for p in recompute_statement(s))


def test_triePoofs_refuseTheWrongValueKeyOrExtraNodes() -> None:
    values = [bytes([i]) * (40 + i) for i in range(40)]
    root, proof = mpt_prove(values, 17)
    assert mpt_verify(root, rlp.encode(17), proof, values[17]) == values[17]
    with pytest.raises(ProofError):
        mpt_verify(root, rlp.encode(17), proof, values[18])
    with pytest.raises(ProofError):
        mpt_verify(root, rlp.encode(18), proof, values[17])
    with pytest.raises(ProofError):
        mpt_verify(root, rlp.encode(17), [*proof, proof[-1]], values[17])
    with pytest.raises(ProofError):
        mpt_verify(b"\1" * 32, rlp.encode(17), proof, values[17])


def test_transactions_recoverTheirSigner(world: World) -> None:
    b = world.statement_bundles[LOTUS]
    accountant = world.svc.account(f"{LOTUS}:accountant").address.lower()
    entry_refs = {e["receipt"] for e in b["entries"]}
    for ref, tx in b["transactions"].items():
        decoded = decode_transaction(bytes.fromhex(tx["raw"][2:]))
        assert decoded.chain_id == world.root["chain_id"]
        if ref in entry_refs and ref != b["context"]["community"]["receipt"]:
            assert decoded.sender in {accountant, world.svc.account(f"{LOTUS}:committee").address.lower()}


def test_trustRoot_savesCanonically_andLoadsWithTheSameHash(world: World, tmp_path: Path) -> None:
    path = tmp_path / "trust-root.json"
    digest = save_trust_root(world.root, path)
    assert digest == trust_root_hash(world.root) == trust_root_hash(trust_root(world.svc.deployment))
    # any JSON spelling of the same document has the same hash (it is over RFC 8785 bytes)
    (tmp_path / "pretty.json").write_text(json.dumps(json.loads(path.read_bytes()), indent=4))
    assert trust_root_hash(load_trust_root(tmp_path / "pretty.json")) == digest
    assert world.root["validators"] == [] and world.root["consensus"] == "dev"
    for name, c in world.svc.deployment.contracts.items():
        assert world.root["contracts"][name]["address"] == c.address.lower()
    with pytest.raises(TrustRootError):
        check_trust_root({**world.root, "consensus": "qbft"})


VALIDATORS = [f"0x{i:040x}" for i in range(1, 5)]


def _sealed_bundle(world: World, monkeypatch: pytest.MonkeyPatch, verdict: Any) -> tuple[dict, dict, list]:
    calls: list[tuple[bytes, tuple[str, ...]]] = []
    fake = types.ModuleType("ledger_service.proofs.qbft")

    def verify_seals(header_rlp: bytes, validators: list[str]) -> Any:
        calls.append((header_rlp, tuple(validators)))
        return verdict

    fake.verify_seals = verify_seals  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ledger_service.proofs.qbft", fake)
    monkeypatch.setattr(ledger_service.proofs, "qbft", fake, raising=False)
    root = trust_root(world.svc.deployment, VALIDATORS)
    b = bundles.derive_entry_bundle(world.statement_bundles[LOTUS], 1)
    b["trust_root_sha256"] = trust_root_hash(root)
    return b, root, calls


def test_qbftTrustRoot_checksSealsOncePerHeader(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ok = types.SimpleNamespace(ok=True, reason="3 of 4 validators sealed")
    b, root, calls = _sealed_bundle(world, monkeypatch, ok)
    verdict = verify_bundle(b, root)
    assert verdict.ok, verdict.failed
    assert sorted(h for h, _ in calls) == sorted(bytes.fromhex(h["rlp"][2:]) for h in b["headers"].values())
    assert all(v == tuple(VALIDATORS) for _, v in calls)
    assert "unsealed" not in json.dumps(verdict.to_json())


@pytest.mark.parametrize(
    "verdict", [types.SimpleNamespace(ok=False, reason="2 of 4 seals; 3 required"), "no ok attribute"]
)
def test_qbftTrustRoot_badSeals_failAtTheSealStep(
    world: World, monkeypatch: pytest.MonkeyPatch, verdict: Any
) -> None:
    b, root, _ = _sealed_bundle(world, monkeypatch, verdict)
    failed = verify_bundle(b, root).failed
    assert failed is not None and failed.check == "seals"
    assert ("2 of 4" in failed.detail) if not isinstance(verdict, str) else failed.detail


def test_commandLine_printsEveryStep_andExitsByTheVerdict(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = bundles.derive_entry_bundle(world.statement_bundles[LOTUS], 1)
    (tmp_path / "b.json").write_bytes(bundles.bundle_bytes(b))
    save_trust_root(world.root, tmp_path / "root.json")
    args = [str(tmp_path / "b.json"), "--trust-root", str(tmp_path / "root.json")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "✓ PASS header" in out and "· NOTE seals: unsealed (dev chain)" in out and "VERIFIED" in out
    import gzip

    (tmp_path / "b.json.gz").write_bytes(gzip.compress(bundles.bundle_bytes(b)))
    assert main([str(tmp_path / "b.json.gz"), *args[1:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    b["entries"][0]["entry"]["amount"] += 1
    (tmp_path / "b.json").write_bytes(bundles.bundle_bytes(b))
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "FAILED at step 'entry #2: decoded event equals the statement entry'" in out
    assert "amount=12000001 but the event says 12000000" in out
    assert os.path.exists(tmp_path / "root.json")


@pytest.mark.parametrize("signers,ok", [(3, True), (4, True), (2, False)])
def test_qbftHeaders_realSealCheck_needsTwoThirdsOfTheTrustRootsValidators(
    world: World, signers: int, ok: bool
) -> None:
    keys, validators = QBFT_KEYS, qbft_validators()
    root = trust_root(world.svc.deployment, validators)
    b = bundles.derive_entry_bundle(world.statement_bundles[LOTUS], world.index_of(LOTUS, ref="AD-2026-001"))
    b["trust_root_sha256"] = trust_root_hash(root)
    reseal_qbft(b, keys[:signers], validators)
    verdict = verify_bundle(b, root)
    seal_steps = [s for s in verdict.steps if s.check == "seals"]
    if ok:
        assert verdict.ok, verdict.failed
        assert (
            len(seal_steps) == len(b["headers"])
            and f"{signers} of 4 validators sealed" in seal_steps[0].detail
        )
    else:
        assert verdict.failed is not None and verdict.failed.check == "seals"
        assert "only 2 of 4 validators" in verdict.failed.detail


def test_aTransferToASinkContract_countsAsSpendingOfItsBucket(world: World) -> None:
    """A `transfer` entry (money sent to a fund or the time bank) is spending: the same statement
    with its spend restated as a transfer still recomputes; an unknown kind does not."""
    from ledger_service.statements.merkle import entries_root

    s = copy.deepcopy(world.statement(LOTUS))
    [spend] = [e for e in s["entries"] if e["kind"] == "spend"]
    spend.update(kind="transfer", sink="0x" + "ab" * 20, data_hash="0x" + "cd" * 32)
    spend.pop("evidence_hash", None)
    s["entries_root"] = entries_root(s["entries"])
    assert recompute_statement(s) == []
    spend["kind"] = "gift"
    s["entries_root"] = entries_root(s["entries"])
    assert any("unknown kind 'gift'" in p for p in recompute_statement(s))
