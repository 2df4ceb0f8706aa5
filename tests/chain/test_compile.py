"""Recompiling the sources with the pinned solc reproduces the committed artifacts byte for byte,
so anyone can match deployed bytecode to these sources (as Sourcify does)."""

from __future__ import annotations

from ledger_service.chain.compile import ARTIFACTS_DIR, artifact_bytes, build_artifacts, compiler_settings


def test_recompile_reproducesCommittedArtifacts() -> None:
    built = build_artifacts()
    committed = {p.stem for p in ARTIFACTS_DIR.glob("*.json")}
    assert set(built) == committed, "artifacts missing or stale: run `make artifacts`"
    for name, artifact in built.items():
        assert artifact_bytes(artifact) == (ARTIFACTS_DIR / f"{name}.json").read_bytes(), name


def test_compilerSettings_pinCancun() -> None:
    assert compiler_settings()["evmVersion"] == "cancun"
    meta = build_artifacts()["RevenueLedger"]["metadata"]
    assert '"evmVersion":"cancun"' in meta
